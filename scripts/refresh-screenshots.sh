#!/usr/bin/env bash
# Refreshes the console screenshots the documentation shows (docs/screenshots), on purpose: the console's
# browser test writes them to .tmp/screenshots otherwise, so that `npm test` leaves the clone unmodified.
set -euo pipefail
cd "$(dirname "$0")/.."
HACO_SCREENSHOTS_DIR="$PWD/docs/screenshots" bash scripts/test.sh test/console/console.e2e.spec.ts
git status --short docs/screenshots
