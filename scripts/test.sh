#!/usr/bin/env bash
# Runs the whole jest suite and ends with one plain "N passed, N failed" line that any CI reader understands.
set -uo pipefail
cd "$(dirname "$0")/.."
source scripts/ensure-node.sh
[ -d node_modules ] || npm ci --no-audit --no-fund
mkdir -p .tmp
# The tests run the built bundles where production does (the main job, bin/haco, the units): build them first.
node --import tsx scripts/build.ts || { echo "0 passed, 1 failed"; exit 1; }
export HACO_TEST_BUILT=1
# Nest 12 is ESM: jest loads it in-process through require(esm), which needs vm modules (Node 24.9+). The
# flag is given to jest's own process (its workers inherit it), not to the processes the tests start.
node --experimental-vm-modules --disable-warning=ExperimentalWarning node_modules/jest/bin/jest.js \
  --json --outputFile=.tmp/jest-results.json "$@"
status=$?
node -e '
  const r = require("./.tmp/jest-results.json");
  console.log(`${r.numPassedTests} passed, ${r.numFailedTests} failed` + (r.numPendingTests ? `, ${r.numPendingTests} skipped` : ""));
' 2>/dev/null || echo "0 passed, 1 failed"
exit $status
