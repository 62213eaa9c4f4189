#!/usr/bin/env bash
# The main job (`bash scripts/start.sh [--tls]`): install what is missing, check the core against the conformance examples, then run a local
# cluster (nats-server, the coordinator and a load-balancing pair of peers) until Ctrl-C or SIGTERM. The last
# step replaces this shell with the cluster's own node process (no npm or npx in between), so that a signal
# sent to the pid that started it reaches the program that stops every child.
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
# Every process runs from its built bundle (tsx is for development only). The core is checked against the project's own examples (one of every kind), and against
# ../shared/CONFORMANCE.md's too when that reference file happens to be beside the clone.
examples=$(mktemp)
cp test/conformance/examples.jsonl "$examples"
if [ -f ../shared/CONFORMANCE.md ]; then
  awk '/^```json$/{grab=1; next} /^```$/{grab=0} grab' ../shared/CONFORMANCE.md >> "$examples"
fi
echo "building the processes and the console (npm run build -> dist/)..."
node --import tsx scripts/build.ts
node dist/cli/conformance.js "$examples" | node dist/cli/check-conformance.js "$examples" - "conformance examples"
rm -f "$examples"
exec node dist/cluster/main.js "$@"
