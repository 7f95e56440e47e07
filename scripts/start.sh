#!/usr/bin/env bash
# The main job: installs what it needs, builds the package, and runs the demo app on an
# embedded PostgreSQL (see scripts/start-demo.mjs). Open http://127.0.0.1:8787.
set -euo pipefail
cd "$(dirname "$0")/.."
export WRANGLER_SEND_METRICS=false
bash scripts/setup.sh
(cd js-shim && npm run build)
exec node scripts/start-demo.mjs
