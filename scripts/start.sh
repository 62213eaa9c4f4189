#!/usr/bin/env bash
# The main job, until the peer/coordinator cluster exists (issues 3-5): install, then drive libs/ha-core
# through the conformance probe on the examples of ../shared/CONFORMANCE.md and the project's own vectors.
set -euo pipefail
cd "$(dirname "$0")/.."
[ -d node_modules ] || npm ci
run_probe() {
  local name=$1 file=$2
  local out
  out=$(npm run --silent conformance -- "$file")
  echo "$out" | npx tsx scripts/check-conformance.ts "$file" - "$name"
}
if [ -f ../shared/CONFORMANCE.md ]; then
  examples=$(mktemp)
  trap 'rm -f "$examples"' EXIT
  awk '/^```json$/{grab=1; next} /^```$/{grab=0} grab' ../shared/CONFORMANCE.md > "$examples"
  run_probe "CONFORMANCE.md examples" "$examples"
fi
run_probe "spec vectors" test/conformance/vectors.jsonl
echo "Run your own cases with: npm run --silent conformance -- FILE"
