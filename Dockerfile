# syntax=docker/dockerfile:1
# Master IA: one image for the three Fly process groups (web, worker, realtime); fly.toml picks
# the command per group. TypeScript runs through tsx (a runtime dependency), so the image
# carries the sources plus the Remix build output (build/ and public/build/).

ARG NODE_VERSION=20
FROM node:${NODE_VERSION}-bookworm-slim AS base
WORKDIR /app

# ---- build: all dependencies (the Remix compiler is a dev dependency), then prune ----------
FROM base AS build
# NODE_ENV stays unset here: with NODE_ENV=production `npm ci` would skip dev dependencies.
COPY package.json package-lock.json ./
RUN npm ci --include=dev --no-audit --no-fund
COPY . .
RUN npm run build \
 && npm prune --omit=dev --no-audit --no-fund \
 && npm cache clean --force

# ---- runtime ------------------------------------------------------------------------------
FROM base
ENV NODE_ENV=production \
    PORT=3000
COPY --from=build /app /app
USER node
EXPOSE 3000 3001
# Default is the web process; fly.toml [processes] overrides it per group:
#   worker   = node --import tsx workers/worker.ts
#   realtime = node --import tsx workers/realtime/index.ts
CMD ["node", "--import", "tsx", "server/index.ts"]
