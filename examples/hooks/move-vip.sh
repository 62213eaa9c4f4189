#!/bin/sh
# A haco hook that moves a virtual address with the peer's state (docs/operations.md, callbacks): the
# address is on this host while its server serves clients, and off it otherwise. Documented, not run by the
# tests (it needs CAP_NET_ADMIN). Configure it on `state-entered`:
#   {"name": "vip", "on": ["state-entered"], "run": ["/usr/local/lib/haco/move-vip.sh", "192.0.2.1/24", "eth0"]}
# The state comes in HACO_STATE (and in the JSON on stdin, with the scopes served).
set -eu
address="$1"
device="$2"
case "$HACO_STATE" in
  load-balancing | hot-standby | partner-down)
    # Serving: hold the address (again: `replace` makes a repeated entry harmless).
    ip addr replace "$address" dev "$device"
    ;;
  *)
    # Not serving (waiting, syncing, terminated, in maintenance...): give it up, if held.
    ip addr del "$address" dev "$device" 2>/dev/null || true
    ;;
esac
