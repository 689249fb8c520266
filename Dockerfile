# syntax=docker/dockerfile:1
# Gatehouse: a production image (build with the dev tools, run with production dependencies only,
# as a user other than root).
#
# Docker cannot run on the machines this project is built and tested on. The same steps, in the
# same order, run in a clean temporary folder in CI: scripts/prod-smoke.mjs (`npm run test:prod`,
# .ci/run). Change both together; each step there names the line it stands for here.
#
#   docker build -t gatehouse .
#   docker run -p 3000:3000 -v gatehouse-data:/data gatehouse          # PGlite in /data
#   docker compose up                                                  # compose.yaml: 2 processes, PostgreSQL, Inngest
ARG NODE_VERSION=20.20
ARG NPM_VERSION=11.19.1

# ---- base: the Node and npm the tested path uses (npm 11 honours package.json's allowScripts) ----
FROM node:${NODE_VERSION}-bookworm-slim AS base
ARG NPM_VERSION
RUN npm install -g "npm@${NPM_VERSION}" --no-audit --no-fund && npm cache clean --force

# ---- build: all dependencies, next build ----
FROM base AS build
WORKDIR /app
ENV NEXT_TELEMETRY_DISABLED=1
# postinstall generates the Prisma client (lib/generated) offline, from prisma/schema.
COPY package.json package-lock.json prisma.config.ts ./
COPY scripts/prisma-generate.mjs scripts/
COPY prisma/schema prisma/schema
RUN npm ci --no-audit --no-fund
COPY . .
# scripts/build.mjs: next build, then the stamp of its inputs (.next/gatehouse-inputs.json).
RUN npm run build && rm -rf .next/cache

# ---- runtime: production dependencies, the sources tsx loads, the build ----
FROM base AS runtime
WORKDIR /app
# HOSTNAME: Docker sets it to the container id, and the server listens on HOSTNAME.
ENV NODE_ENV=production \
    NEXT_TELEMETRY_DISABLED=1 \
    HOSTNAME=0.0.0.0 \
    PORT=3000 \
    GATEHOUSE_DATA_DIR=/data
# No install scripts: the Prisma client comes from the build stage (postinstall would generate it
# again), and no production dependency needs one (esbuild and argon2 ship their binaries as
# optional packages).
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund && npm cache clean --force
# server.ts, lib/, inngest/ and the app/ route files of the lean layer run from source (tsx);
# the migrations in prisma/migrations are applied at start-up.
COPY . .
COPY --from=build /app/.next ./.next
COPY --from=build /app/lib/generated ./lib/generated
# Only the data folder is writable by the server (PGlite and generated keys when DATABASE_URL is unset).
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME /data
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/api/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# node itself as PID 1 (not npm): SIGTERM reaches the server, which stops the executor and exits.
CMD ["node", "--import", "tsx", "server.ts"]
