# kintone-openapi serve, as a container. Build:   docker build -t kintone-openapi .
# Run (the spec mounted read-only; the secrets from the environment; see docs/deploy.md):
#   docker run -p 8080:8080 -v "$PWD/kintone-openapi.json:/app/kintone-openapi.json:ro" \
#     -e KINTONE_BASE_URL -e KINTONE_API_TOKEN -e KINTONE_OPENAPI_API_KEYS kintone-openapi
# To bake the spec in instead: FROM kintone-openapi, then COPY kintone-openapi.json /app/kintone-openapi.json.

# Build with the dev dependencies (TypeScript), then pack exactly what npm would publish.
FROM node:24-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY . .
RUN npm run build && npm pack --ignore-scripts --pack-destination /tmp

# Run with the production dependencies only, installed from the packed package and the lockfile.
FROM node:24-bookworm-slim
ENV NODE_ENV=production
WORKDIR /opt/kintone-openapi
COPY --from=build /tmp/kintone-openapi-*.tgz /tmp/
COPY --from=build /src/package-lock.json ./
RUN tar xzf /tmp/kintone-openapi-*.tgz --strip-components 1 && rm /tmp/kintone-openapi-*.tgz && npm ci --omit=dev --ignore-scripts --no-audit --no-fund && rm -rf ~/.npm
WORKDIR /app
# A non-root user; node is PID 1 and stops cleanly on SIGTERM (serve finishes the requests in flight).
USER node
# Platforms set PORT; serve then listens on 0.0.0.0.
ENV PORT=8080
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||8080)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["node", "/opt/kintone-openapi/bin/kintone-openapi.js", "serve"]
CMD ["--spec", "/app/kintone-openapi.json"]
