#!/usr/bin/env bash
# Runs the whole jest suite and ends with one plain "N passed, N failed" line that any CI reader understands.
set -uo pipefail
cd "$(dirname "$0")/.."
[ -d node_modules ] || npm ci --no-audit --no-fund
mkdir -p .tmp
npx jest --json --outputFile=.tmp/jest-results.json "$@"
status=$?
node -e '
  const r = require("./.tmp/jest-results.json");
  console.log(`${r.numPassedTests} passed, ${r.numFailedTests} failed` + (r.numPendingTests ? `, ${r.numPendingTests} skipped` : ""));
' 2>/dev/null || echo "0 passed, 1 failed"
exit $status
