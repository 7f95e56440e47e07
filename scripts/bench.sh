#!/usr/bin/env bash
# The benchmark suite (docs/BENCHMARKS.md). Not part of `npm test`.
#   bash scripts/bench.sh [--quick] [--out DIR]
# Starts the loopback Postgres + MariaDB (scripts/db.sh) if needed, builds the package if it
# is missing, then runs scripts/bench/run.mjs, which writes build/bench/results.{md,json}.
set -euo pipefail
cd "$(dirname "$0")/.."
export WRANGLER_SEND_METRICS=false
if [ ! -f js-shim/dist/core/generated/lunora_core.wasm ]; then (cd js-shim && npm run build); fi
db_was_running=$(bash scripts/db.sh status | grep -c running || true)
bash scripts/db.sh start
if [ "$db_was_running" != "2" ]; then trap 'bash scripts/db.sh stop' EXIT; fi
node scripts/bench/run.mjs "$@"
