#!/usr/bin/env bash
# The main job: install what is missing, check the core against the conformance examples, then run a local
# cluster (nats-server + a load-balancing pair of peers) until Ctrl-C. The coordinator joins it in issue 4.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v nats-server >/dev/null 2>&1; then
  echo "installing nats-server (Debian package)..."
  apt-get update -q && apt-get install -y -q nats-server
fi
source scripts/ensure-node.sh
if [ ! -d node_modules ]; then
  echo "npm ci: better-sqlite3 compiles from source (about 2 minutes)..."
  npm ci --no-audit --no-fund
fi
if [ -f ../shared/CONFORMANCE.md ]; then
  examples=$(mktemp)
  trap 'rm -f "$examples"' EXIT
  awk '/^```json$/{grab=1; next} /^```$/{grab=0} grab' ../shared/CONFORMANCE.md > "$examples"
  npm run --silent conformance -- "$examples" | npx tsx scripts/check-conformance.ts "$examples" - "CONFORMANCE.md examples"
fi
exec npx tsx scripts/local-cluster.ts
