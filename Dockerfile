# One image for every haco process (peer, coordinator, CLI); the command chooses which.
# Build stage: every dependency, then the esbuild bundles, then only what runs is kept.
FROM node:24-bookworm AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build && npm prune --omit=dev

# Runtime stage: the bundles and the production dependencies, as an unprivileged user.
FROM node:24-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY --from=build /app/examples ./examples
# A peer's startup snapshot holds only for the node that made it: made again by this stage's node.
RUN node --snapshot-blob dist/peer/main.blob --build-snapshot dist/peer/main.snapshot.js
# /keys: a new nats-keys volume takes this owner, so that `haco nats-config` may write the keys there.
RUN mkdir -p /data /keys && chown node:node /data /keys
USER node
# The coordinator's liveness; compose turns it off for the peers, which serve no HTTP.
HEALTHCHECK --interval=10s --timeout=3s --retries=3 CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.HACO_HTTP_PORT || 8080) + '/health/live').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "dist/coordinator/main.js"]
