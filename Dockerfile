# syntax=docker/dockerfile:1
# Multi-stage build: compile TypeScript with dev dependencies, ship only runtime dependencies.
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY tsconfig.json ./
COPY src ./src
# tsc, then the server bundled into dist/bundle/server.js (dist/server.js runs it).
COPY scripts/bundle-server.mjs scripts/ascii-only.mjs ./scripts/
RUN npm run build

FROM node:24-bookworm-slim AS runtime
# A memory budget for the container: V8 otherwise sizes the heap from the host's memory, and Node 24
# lets the young generation grow to 128 MB under load (a newsletter send peaked at 279 MB RSS, a read
# soak likewise); capped at 16 MB semi-spaces the same send peaks at 200 MB at the same rate
# (npm run bench:newsletter, npm run bench -- --soak 300 measure it).
ENV NODE_ENV=production HOST=0.0.0.0 PORT=3000 NODE_OPTIONS="--max-old-space-size=192 --max-semi-space-size=16"
WORKDIR /app
# Fonts for the generated demo images (section cards).
RUN apt-get update && apt-get install -y --no-install-recommends fonts-dejavu-core && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --omit=dev && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY migrations ./migrations
# The recorded examples the served OpenAPI document (/openapi.json, /docs) shows.
COPY openapi/examples.json ./openapi/examples.json
RUN mkdir -p /app/data && chown node:node /app/data
USER node
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/health/ready').then(r=>process.exit(r.ok?0:1)).catch(()=>process.exit(1))"
# Migrations run at start (serialised by an advisory lock), then the server listens.
CMD ["node", "dist/server.js"]
