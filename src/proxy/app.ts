import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { isIP } from "node:net";
import type { HttpBindings } from "@hono/node-server";
import { type Context, Hono } from "hono";
import { UsageError } from "../errors.js";
import type { Operation } from "../generate/build-document.js";
import { checkQueryOptions } from "../odata/query-options.js";
import { readJsonBody } from "./body.js";
import type { CursorPool } from "./cursors.js";
import { ProxyError } from "./errors.js";
import { createRecord } from "./handlers/create.js";
import { deleteRecord } from "./handlers/delete.js";
import { docsFile } from "./handlers/docs.js";
import { getRecord } from "./handlers/get.js";
import { listRecords, optionError } from "./handlers/list.js";
import { createReadiness } from "./handlers/ops.js";
import { OPTIONAL_HANDLERS } from "./handlers/optional.js";
import { updateRecord } from "./handlers/update.js";
import { CallContext, type ProxyDeps } from "./kintone-calls.js";
import { Hangup } from "./kintone-client.js";
import type { SpecModel } from "./spec-model.js";

/** What the access log needs to know of a request, filled in as it is handled. */
export type RequestInfo = {
  hangup: Hangup;
  operation?: string;
  ctx?: CallContext;
  status?: number;
  /** The error code of the answer, when it is an error (for the access log). */
  error?: string;
  /** The proxy cut an answer it had begun (a download whose file stopped arriving): logged as 502, not 499. */
  cut?: boolean;
};
export const REQUEST_INFO = Symbol("kintone-openapi request info");
type Incoming = IncomingMessage & { [REQUEST_INFO]?: RequestInfo };

type Env = { Bindings: HttpBindings };

export type AppOptions = {
  apiKeys: readonly string[];
  corsOrigin: string | undefined;
  maxBodyBytes: number;
  /** The spec as served at /openapi.json. */
  specText: string;
  /** Called with errors that are the proxy's own fault (500), for the operator's log. */
  onError: (error: unknown) => void;
  /** Called with each answer that is an error, before it is sent. */
  onErrorAnswer?: (error: ProxyError) => void;
};

const digest = (value: string) => createHash("sha256").update(value).digest();

/** Compares the presented key with every configured key in constant time. */
function keyMatches(presented: string, keys: readonly Buffer[]): boolean {
  const given = digest(presented);
  let ok = false;
  for (const key of keys) ok = timingSafeEqual(given, key) || ok;
  return ok;
}

function presentedKey(c: Context<Env>): string | undefined {
  const header = c.req.header("authorization");
  if (header !== undefined && /^Bearer\s+/i.test(header)) return header.replace(/^Bearer\s+/i, "").trim();
  return c.req.header("x-api-key")?.trim();
}

/** Whether a Host header names this machine (a name or address of the loopback interface). */
export function isLoopbackHost(host: string | undefined): boolean {
  if (host === undefined) return false;
  const name = host.startsWith("[") ? host.slice(1, host.indexOf("]")) : host.replace(/:\d*$/, "");
  if (name === "localhost" || name.endsWith(".localhost")) return true;
  if (isIP(name) === 4) return name.startsWith("127.");
  return name === "::1";
}

const infoOf = (c: Context<Env>): RequestInfo => {
  const incoming = c.env.incoming as Incoming;
  incoming[REQUEST_INFO] ??= { hangup: new Hangup() };
  return incoming[REQUEST_INFO];
};

/** Headers of every answer: security headers, and CORS when configured. */
function baseHeaders(corsOrigin: string | undefined): Readonly<Record<string, string>> {
  return Object.freeze({
    "x-content-type-options": "nosniff",
    "cache-control": "no-store",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
    ...(corsOrigin !== undefined ? { "access-control-allow-origin": corsOrigin, vary: "Origin" } : {}),
  });
}

/**
 * Makes answers with plain header objects, which the Node adapter writes as they are (Hono's c.header and c.json
 * build a Headers object per answer; on the hot path that was a tenth of the proxy's work).
 */
export type Reply = {
  json(body: unknown, status?: number, extra?: Record<string, string>): Response;
  raw(
    body: string | Uint8Array | ReadableStream<Uint8Array> | null,
    status: number,
    headers: Record<string, string>,
  ): Response;
};

function replier(base: Readonly<Record<string, string>>): Reply {
  const json = { ...base, "content-type": "application/json; charset=utf-8" };
  return {
    json: (body, status = 200, extra) =>
      new Response(JSON.stringify(body), { status, headers: extra ? { ...json, ...extra } : json }),
    raw: (body, status, headers) =>
      new Response(body as BodyInit | null, { status, headers: { ...base, ...headers } }),
  };
}

/** The URL the caller used (https when a TLS terminator in front says so), for nextLink. */
function callerUrl(c: Context<Env>): URL {
  const url = new URL(c.req.url);
  if (c.req.header("x-forwarded-proto") === "https") url.protocol = "https:";
  return url;
}

/** The system query options each operation takes (every other `$` option is a 400). */
const QUERY_OPTIONS: Record<Operation, readonly string[]> = {
  list: ["$filter", "$orderby", "$select", "$top", "$skip", "$count", "$skiptoken"],
  get: ["$select"],
  create: [],
  update: [],
  delete: [],
};

/** `/customers/{id}` → `/customers/:id` (Hono's path syntax). */
const honoPath = (path: string) => path.replace(/\{([A-Za-z][A-Za-z0-9]*)\}/g, ":$1");

/**
 * The proxy's HTTP layer (design.md §5): one error boundary, the loopback guard of --no-auth, security headers and
 * CORS, the public operations endpoints, the key check, and one small handler per operation.
 */
export function createProxyApp(
  model: SpecModel,
  deps: ProxyDeps,
  pool: CursorPool,
  options: AppOptions,
): Hono<Env> {
  const app = new Hono<Env>();
  const reply = replier(baseHeaders(options.corsOrigin));
  const render = (c: Context<Env>, error: ProxyError): Response => {
    const info = infoOf(c);
    info.status = error.status;
    info.error = error.code;
    options.onErrorAnswer?.(error);
    return reply.json(error.body(), error.status, error.headers);
  };
  const keys = options.apiKeys.map(digest);
  // Keys that matched once (so only configured keys, never more of them): later requests skip the digest.
  const accepted = new Set<string>();
  const authorized = (key: string | undefined): boolean => {
    if (key === undefined) return false;
    if (accepted.has(key)) return true;
    if (!keyMatches(key, keys)) return false;
    accepted.add(key);
    return true;
  };
  const specText = options.specText;
  const bases = [...new Set(["", model.basePath])];
  const context = (c: Context<Env>) => {
    const info = infoOf(c);
    const ctx = new CallContext(deps, info.hangup);
    info.ctx = ctx;
    return ctx;
  };

  app.onError((error, c) => {
    if (error instanceof ProxyError) return render(c, error);
    options.onError(error);
    return render(
      c,
      new ProxyError(
        500,
        "InternalError",
        "The proxy failed unexpectedly; its operator can find the cause in its log.",
      ),
    );
  });
  app.notFound((c) =>
    render(c, new ProxyError(404, "NotFound", `No operation at ${c.req.path.slice(0, 200)}.`)),
  );

  app.use(async (c, next) => {
    // --no-auth serves this machine only: a page on another site that resolves its name to 127.0.0.1 (DNS rebinding)
    // sends its own Host, and is refused.
    if (keys.length === 0 && !isLoopbackHost(c.req.header("host"))) {
      throw new ProxyError(
        421,
        "MisdirectedRequest",
        "This proxy runs with --no-auth and answers only requests addressed to localhost or 127.0.0.1.",
      );
    }
    await next();
  });
  if (options.corsOrigin !== undefined) {
    app.options("*", () =>
      reply.raw(null, 204, {
        "access-control-allow-methods": "GET, HEAD, POST, PATCH, DELETE",
        "access-control-allow-headers": "Authorization, X-API-Key, Content-Type",
        "access-control-max-age": "600",
      }),
    );
  }

  // Public: health, readiness and the docs page (its assets are static; the spec it shows needs a key).
  const checkReady = createReadiness(model, deps);
  for (const base of bases) {
    app.get(`${base}/healthz`, () => reply.json({ status: "ok" }));
    app.get(`${base}/readyz`, async (c) => {
      const problem = await checkReady();
      if (problem === undefined) return reply.json({ status: "ready" });
      const key = presentedKey(c);
      const detailed = keys.length > 0 && authorized(key);
      return reply.json(
        {
          status: "not ready",
          reason: detailed ? `Kintone calls fail with ${problem}.` : "Kintone is not answering as expected.",
        },
        503,
      );
    });
    // The page loads its assets and the spec by relative URLs, so it works under any path a reverse proxy mounts
    // it at; that needs the trailing slash.
    app.get(`${base}/docs`, () => reply.raw(null, 308, { location: "docs/" }));
    app.get(`${base}/docs/`, () => docsFile(reply, "index.html"));
    app.get(`${base}/docs/:file`, (c) => docsFile(reply, c.req.param("file")));
  }

  // Everything else needs a key, checked before any Kintone call. A refused request's connection is closed at once
  // (no keep-alive, no waiting for the rest of its body).
  app.use(async (c, next) => {
    if (keys.length > 0) {
      const key = presentedKey(c);
      if (!authorized(key)) {
        throw new ProxyError(
          401,
          "Unauthorized",
          "Present a valid API key as Authorization: Bearer <key> or X-API-Key: <key>.",
          { headers: { "www-authenticate": 'Bearer realm="kintone-openapi"', connection: "close" } },
        );
      }
    }
    await next();
  });

  for (const base of bases) {
    app.get(`${base}/openapi.json`, () =>
      reply.raw(specText, 200, { "content-type": "application/json; charset=utf-8" }),
    );
  }

  const allowed = new Map<string, Set<string>>();
  for (const resource of model.resources) {
    const listPath = resource.operations.get("list")?.path;
    for (const [operation, { method, path, operationId }] of resource.operations) {
      const full = honoPath(`${model.basePath}${path}`);
      allowed.set(full, (allowed.get(full) ?? new Set()).add(method));
      const named = (c: Context<Env>) => {
        infoOf(c).operation = operationId;
        try {
          checkQueryOptions(new URLSearchParams(c.req.url.split("?")[1] ?? ""), QUERY_OPTIONS[operation], [
            "revision",
          ]);
        } catch (error) {
          optionError(error);
        }
        return context(c);
      };
      const body = (c: Context<Env>) => readJsonBody(c.env.incoming, options.maxBodyBytes);
      switch (operation) {
        case "list":
          app.get(full, async (c) =>
            reply.json(await listRecords(named(c), resource, listPath ?? path, callerUrl(c), pool)),
          );
          break;
        case "get":
          app.get(full, async (c) =>
            reply.json(await getRecord(named(c), resource, c.req.param("id") as string, callerUrl(c))),
          );
          break;
        case "create":
          app.post(full, async (c) => {
            const ctx = named(c);
            return reply.json(await createRecord(ctx, resource, await body(c)), 201);
          });
          break;
        case "update":
          app.patch(full, async (c) => {
            const ctx = named(c);
            const input = await body(c);
            return reply.json(
              await updateRecord(ctx, resource, c.req.param("id") as string, callerUrl(c), input),
            );
          });
          break;
        case "delete":
          app.delete(full, async (c) => {
            await deleteRecord(named(c), resource, c.req.param("id") as string, callerUrl(c));
            return reply.raw(null, 204, {});
          });
          break;
      }
    }
  }
  for (const resource of model.resources) {
    for (const operation of resource.optional) {
      const handler = OPTIONAL_HANDLERS[operation.operation];
      if (handler === undefined) {
        throw new UsageError(
          `the spec's operation ${operation.operationId} is a ${operation.operation} operation, which this version of the proxy cannot serve: upgrade kintone-openapi, or regenerate the spec without it.`,
        );
      }
      const full = honoPath(`${model.basePath}${operation.path}`);
      allowed.set(full, (allowed.get(full) ?? new Set()).add(operation.method));
      app.on(operation.method, full, async (c) => {
        infoOf(c).operation = operation.operationId;
        try {
          checkQueryOptions(
            new URLSearchParams(c.req.url.split("?")[1] ?? ""),
            handler.queryOptions,
            handler.parameters,
          );
        } catch (error) {
          optionError(error);
        }
        return handler.handle({
          ctx: context(c),
          resource,
          operation,
          params: c.req.param() as Record<string, string>,
          url: callerUrl(c),
          body: (limit) => readJsonBody(c.env.incoming, limit ?? options.maxBodyBytes),
          incoming: c.env.incoming,
          cut: (code) => {
            const info = infoOf(c);
            info.cut = true;
            info.error = code;
            c.env.incoming.socket.destroy();
          },
          reply,
        });
      });
    }
  }
  for (const [path, methods] of allowed) {
    if (methods.has("GET")) methods.add("HEAD");
    app.all(path, (c) => {
      throw new ProxyError(405, "MethodNotAllowed", `${c.req.method} is not an operation of ${c.req.path}.`, {
        headers: { allow: [...methods].join(", ") },
      });
    });
  }
  return app;
}
