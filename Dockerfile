# One image for every haco process (peer, coordinator, CLI); the command chooses which.
FROM node:20-bookworm
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build
ENV NODE_ENV=production
CMD ["node", "dist/coordinator/main.js"]
