#!/usr/bin/env bash
# The whole test suite, from a fresh machine: installs what it needs (scripts/setup.sh),
# builds the native core and the package, starts PostgreSQL and MariaDB on loopback ports,
# and runs every test. Stops the servers it started.
set -euo pipefail
cd "$(dirname "$0")/.."
export WRANGLER_SEND_METRICS=false
started_at=$(date +%s)
step() { printf '\n==> %s (%ss)\n' "$1" "$(( $(date +%s) - started_at ))"; }

step "setup"
bash scripts/setup.sh

step "C++ core, native: build + Catch2 (ctest)"
cmake -S . -B build/native -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build/native -j2
ctest --test-dir build/native --output-on-failure

step "package: WASM core (Emscripten) + TypeScript"
(cd js-shim && npm run build)
wasm=js-shim/dist/core/generated/lunora_core.wasm
echo "WASM core: $(stat -c %s "$wasm") bytes raw, $(gzip -9c "$wasm" | wc -c) bytes gzip"

step "databases"
db_was_running=$(bash scripts/db.sh status | grep -c running || true)
bash scripts/db.sh start
if [ "$db_was_running" != "2" ]; then trap 'bash scripts/db.sh stop' EXIT; fi

step "unit tests (Node against the built WASM)"
node --test test/unit/

step "integration tests (workerd via Miniflare: real Postgres + MariaDB through Hyperdrive, D1 and Durable Object SQLite)"
node -e 'import("./test/support/worker.mjs").then((m) => m.bundleTestWorker({ force: true }))'
LUNORA_TEST_WORKER_BUILT=1 node --test test/integration/

step "package test (npm pack -> fresh app -> wrangler dev)"
node --test test/package/

step "main job smoke test (embedded Postgres + demo app under wrangler dev)"
LUNORA_DEMO_SMOKE=1 LUNORA_DEMO_PORT=8797 node scripts/start-demo.mjs

step "demo smoke test on Durable Object SQLite (no database server: LUNORA_GLOBAL_BACKEND=do-sqlite)"
LUNORA_GLOBAL_BACKEND=do-sqlite LUNORA_DEMO_SMOKE=1 LUNORA_DEMO_PORT=8798 node scripts/start-demo.mjs

step "tooling tests (lint, codegen, check)"
node --test test/tooling/

step "reliability: Catch2 under ASan+UBSan, fuzz smoke run, fault/concurrency/hostile-input tests"
CXX=${CXX_SANITIZE:-clang++-14} cmake -S . -B build/sanitize -DLUNORA_SANITIZE=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build/sanitize -j2 --target lunora_core_tests
build/sanitize/lunora_core_tests
bash scripts/fuzz.sh "${LUNORA_FUZZ_SMOKE_SECONDS:-15}"
node --test --test-concurrency=1 test/reliability/

step "browser test (the demo in headless Chromium, two pages, live update)"
node --test test/browser/

step "all tests passed"
