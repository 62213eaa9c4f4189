#!/bin/sh
# A haco hook (docs/operations.md, callbacks): appends the event it is given on stdin, one JSON line, to the
# file named by its first argument. The tests run it on every transition of a failover.
set -eu
cat >> "$1"
