import { createHash, timingSafeEqual } from "node:crypto";
import { readFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import { dirname, join } from "node:path";
import { type KintoneRestAPIClient, KintoneRestAPIError } from "@kintone/rest-api-client";
import type { ConnectionOptions } from "../kintone/connection.js";
import { createKintoneClient } from "../kintone/live-source.js";
import { isTransient, type RetryPolicy, withRetry } from "../kintone/retry.js";
import { FilterError, parseFilter } from "../odata/parse-filter.js";
import {
  parseBoolean,
  parseInteger,
  parseOrderBy,
  parseSelect,
  QueryOptionError,
} from "../odata/query-options.js";
import { translateFilter } from "../odata/translate-filter.js";
import { TEMPLATES_DIR } from "../templates.js";
import { toApiRecord, toKintoneRecord } from "./convert.js";
import { ProxyError } from "./errors.js";
import { mapKintoneError } from "./kintone-errors.js";
import { decodeToken, encodeToken, fingerprint, type PageToken } from "./page-token.js";
import { type Resource, readSpecModel } from "./spec-model.js";

const requireFromHere = createRequire(import.meta.url);

/** One line of the access log: never a header, a body or a query value. */
export type AccessLogEntry = {
  time: string;
  method: string;
  path: string;
  status: number;
  durationMs: number;
  kintoneCalls: number;
  operation?: string;
};

export type ProxyOptions = {
  /** The spec made by `generate` (parsed JSON). */
  spec: unknown;
  /** How the proxy reaches Kintone. */
  kintone: ConnectionOptions;
  /** Keys callers must present (Authorization: Bearer or X-API-Key). Empty = no auth (loopback only). */
  apiKeys: readonly string[];
  port?: number;
  host?: string;
  /** Largest request body, in bytes (default 1 MiB). */
  maxBodyBytes?: number;
  /** Most Kintone calls in flight at once (default 10, well under Kintone's 100 per domain). */
  maxKintoneConcurrency?: number;
  /** Most requests waiting for a Kintone slot before the proxy answers 503 (default 200). */
  maxQueue?: number;
  /** Origin allowed to call from a browser (no CORS headers unless set). */
  corsOrigin?: string;
  /** Called once per request. */
  onLog?: (entry: AccessLogEntry) => void;
  /** Retries of Kintone reads (writes are never retried). */
  retry?: RetryPolicy;
};

export type ProxyServer = { url: string; port: number; close(): Promise<void> };

const PAGE_MAX = 500;
const OFFSET_MAX = 10_000;

/** Bounds the Kintone calls in flight; callers beyond the queue limit get 503 instead of piling up in memory. */
class Limiter {
  private active = 0;
  private readonly waiting: Array<() => void> = [];
  constructor(
    private readonly max: number,
    private readonly maxQueue: number,
  ) {}

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.max) {
      if (this.waiting.length >= this.maxQueue) {
        throw new ProxyError(503, "ProxyBusy", "The proxy is handling too many requests; retry shortly.", {
          headers: { "retry-after": "1" },
        });
      }
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.active++;
    }
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    }
  }
}

function digest(value: string): Buffer {
  return createHash("sha256").update(value).digest();
}

/** Compares the presented key with every configured key in constant time. */
function keyMatches(presented: string, keys: readonly Buffer[]): boolean {
  const given = digest(presented);
  let ok = false;
  for (const key of keys) ok = timingSafeEqual(given, key) || ok;
  return ok;
}

function presentedKey(req: IncomingMessage): string | undefined {
  const header = req.headers.authorization;
  if (typeof header === "string" && /^Bearer\s+/i.test(header))
    return header.replace(/^Bearer\s+/i, "").trim();
  const apiKey = req.headers["x-api-key"];
  return typeof apiKey === "string" ? apiKey.trim() : undefined;
}

async function readJsonBody(req: IncomingMessage, limit: number): Promise<unknown> {
  const type = req.headers["content-type"] ?? "";
  if (!/^application\/json\b/i.test(type)) {
    throw new ProxyError(
      415,
      "UnsupportedMediaType",
      "Send the body as JSON with Content-Type: application/json.",
    );
  }
  const declared = Number(req.headers["content-length"] ?? 0);
  if (declared > limit)
    throw new ProxyError(413, "PayloadTooLarge", `The body is larger than ${limit} bytes.`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new ProxyError(413, "PayloadTooLarge", `The body is larger than ${limit} bytes.`);
    chunks.push(chunk as Buffer);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString("utf8"));
  } catch {
    throw new ProxyError(400, "InvalidJson", "The body is not valid JSON.");
  }
}

type Route = {
  resource: Resource;
  operation: "list" | "get" | "create" | "update" | "delete";
  pattern: RegExp;
  method: string;
};

function buildRoutes(resources: readonly Resource[], basePath: string): Route[] {
  const routes: Route[] = [];
  for (const resource of resources) {
    for (const [operation, { method, path }] of resource.operations) {
      const escaped = `${basePath}${path}`
        .replace(/[.*+?^$()|[\]\\]/g, "\\$&")
        .replace(/\\?\{id\\?\}|\{id\}/, "([^/]+)");
      routes.push({ resource, operation, method, pattern: new RegExp(`^${escaped}$`) });
    }
  }
  return routes;
}

type RequestContext = {
  calls: number;
  limiter: Limiter;
  client: (resource: Resource) => Promise<KintoneRestAPIClient>;
  retry: RetryPolicy | undefined;
};

/**
 * A Kintone read: retried when it fails transiently (throttling, 5xx, dropped connections), with the backoff
 * waiting outside the concurrency slot so a retry never holds one.
 */
async function kintone<T>(
  ctx: RequestContext,
  resource: Resource,
  call: (client: KintoneRestAPIClient) => Promise<T>,
): Promise<T> {
  const client = await ctx.client(resource);
  try {
    return await withRetry(
      () =>
        ctx.limiter.run(() => {
          ctx.calls++;
          return call(client);
        }),
      ctx.retry,
    );
  } catch (error) {
    throw mapKintoneError(error, resource.properties);
  }
}

/**
 * A Kintone write: never retried (a create must not run twice). When it fails after the request may have reached
 * Kintone (a dropped connection, a timeout, a 5xx), the answer says that the outcome is unknown and how to check,
 * rather than guessing; a refusal Kintone answered (4xx, 429) is mapped as usual and means nothing was written.
 */
async function kintoneWrite<T>(
  ctx: RequestContext,
  resource: Resource,
  what: string,
  call: (client: KintoneRestAPIClient) => Promise<T>,
): Promise<T> {
  const client = await ctx.client(resource);
  try {
    return await ctx.limiter.run(() => {
      ctx.calls++;
      return call(client);
    });
  } catch (error) {
    // Throttling and maintenance are answered before anything is done: the write did not happen.
    const refusedUpFront =
      (error instanceof KintoneRestAPIError && (error.status === 429 || error.status === 503)) ||
      (error instanceof Error && /^(429|503): /.test(error.message));
    if (!(error instanceof ProxyError) && isTransient(error) && !refusedUpFront) {
      const code = (error as { code?: unknown }).code;
      throw new ProxyError(
        code === "ECONNABORTED" || code === "ETIMEDOUT" ? 504 : 502,
        "WriteOutcomeUnknown",
        `The ${what} was sent to Kintone but no answer came back, so it may or may not have been applied: read the record (or list with a filter on a unique property) before trying again.`,
      );
    }
    throw mapKintoneError(error, resource.properties);
  }
}

function recordId(raw: string): number {
  if (!/^[1-9][0-9]{0,15}$/.test(raw))
    throw new ProxyError(
      400,
      "InvalidId",
      `The record id "${raw.slice(0, 20)}" is not a positive whole number.`,
      { target: "id" },
    );
  return Number(raw);
}

function revisionOf(query: URLSearchParams): number | undefined {
  const raw = query.get("revision");
  if (raw === null) return undefined;
  if (!/^[1-9][0-9]{0,15}$/.test(raw))
    throw new ProxyError(400, "InvalidParameter", "revision must be a positive whole number.", {
      target: "revision",
    });
  return Number(raw);
}

function optionError(error: unknown): never {
  if (error instanceof FilterError) {
    throw new ProxyError(
      400,
      "InvalidFilter",
      `$filter: ${error.message} (at character ${error.position + 1}).`,
      { target: "$filter" },
    );
  }
  if (error instanceof QueryOptionError)
    throw new ProxyError(400, "InvalidParameter", `${error.message}.`, { target: error.option });
  throw error;
}

/** Files of the docs page: our page and script, and Swagger UI from the swagger-ui-dist package (no CDN). */
const DOCS_FILES: Record<string, { file: () => string; type: string }> = {
  "/docs": { file: () => `${TEMPLATES_DIR}docs/index.html`, type: "text/html; charset=utf-8" },
  "/docs/init.js": { file: () => `${TEMPLATES_DIR}docs/init.js`, type: "text/javascript; charset=utf-8" },
  "/docs/swagger-ui.css": { file: () => swaggerUiFile("swagger-ui.css"), type: "text/css; charset=utf-8" },
  "/docs/swagger-ui-bundle.js": {
    file: () => swaggerUiFile("swagger-ui-bundle.js"),
    type: "text/javascript; charset=utf-8",
  },
};
const docsCache = new Map<string, Buffer>();

function swaggerUiFile(name: string): string {
  return join(dirname(requireFromHere.resolve("swagger-ui-dist/package.json")), name);
}

async function serveDocs(pathname: string, res: ServerResponse): Promise<number> {
  const entry = DOCS_FILES[pathname === "/docs/" ? "/docs" : pathname];
  if (entry === undefined) {
    const body = JSON.stringify(new ProxyError(404, "NotFound", `No such file: ${pathname}.`).body());
    res.writeHead(404, { "content-type": "application/json; charset=utf-8" });
    res.end(body);
    return 404;
  }
  let content = docsCache.get(pathname);
  if (content === undefined) {
    content = await readFile(entry.file());
    docsCache.set(pathname, content);
  }
  res.writeHead(200, {
    "content-type": entry.type,
    "content-length": content.length,
    "cache-control": "public, max-age=300",
    "content-security-policy":
      "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; connect-src 'self'",
    "x-content-type-options": "nosniff",
  });
  res.end(content);
  return 200;
}

/** The list operation: OData options → Kintone query, with paging that continues past offset 10,000. */
async function listRecords(resource: Resource, url: URL, req: IncomingMessage, ctx: RequestContext) {
  const q = url.searchParams;
  const props = resource.properties;
  let top: number;
  let skip: number;
  let count: boolean;
  let condition = "";
  let order: ReturnType<typeof parseOrderBy> = [];
  let select: ReturnType<typeof parseSelect> | undefined;
  try {
    top = parseInteger(q.get("$top") ?? undefined, "$top", 100, 1, PAGE_MAX);
    skip = parseInteger(q.get("$skip") ?? undefined, "$skip", 0, 0, 1_000_000_000);
    count = parseBoolean(q.get("$count") ?? undefined, "$count");
    const filter = q.get("$filter");
    if (filter !== null && filter.trim() !== "") condition = translateFilter(parseFilter(filter), props);
    const orderby = q.get("$orderby");
    if (orderby !== null && orderby.trim() !== "") order = parseOrderBy(orderby, props);
    const selectText = q.get("$select");
    if (selectText !== null) select = parseSelect(selectText, props);
  } catch (error) {
    optionError(error);
  }
  const print = fingerprint([q.get("$filter") ?? "", q.get("$orderby") ?? "", q.get("$select") ?? ""]);
  const tokenText = q.get("$skiptoken");
  const token = tokenText !== null ? decodeToken(tokenText, print) : undefined;
  const app = resource.appId;
  const fields = select?.codes;
  const byId = order.length === 0 || (order.length === 1 && order[0]?.code === "$id");
  const direction = byId ? (order[0]?.direction ?? "desc") : "asc";
  const and = (...parts: string[]) =>
    parts
      .filter(Boolean)
      .map((p) => `(${p})`)
      .join(" and ");

  let records: Array<Record<string, { value: unknown }>>;
  let total: number | undefined;
  let next: PageToken | undefined;

  if (byId) {
    // Seek by $id: no offset, so paging never meets Kintone's 10,000 limit and never skips or repeats a record.
    let after = token?.m === "seek" ? token.last : undefined;
    let toSkip = token === undefined ? skip : 0;
    if (toSkip > OFFSET_MAX) {
      // A first page far down: walk the ids to it, 500 at a time.
      while (toSkip > 0) {
        const seek = after !== undefined ? `$id ${direction === "desc" ? "<" : ">"} ${after}` : "";
        const step = Math.min(PAGE_MAX, toSkip);
        const page = await kintone(ctx, resource, (c) =>
          c.record.getRecords({
            app,
            fields: ["$id"],
            query: `${and(condition, seek)} order by $id ${direction} limit ${step}`,
          }),
        );
        if (page.records.length === 0) break;
        after = Number(page.records[page.records.length - 1]?.$id?.value);
        toSkip -= page.records.length;
      }
    }
    const seek = after !== undefined ? `$id ${direction === "desc" ? "<" : ">"} ${after}` : "";
    const offset = toSkip > 0 ? ` offset ${toSkip}` : "";
    const firstWithCount = count && token === undefined && after === undefined;
    const page = await kintone(ctx, resource, (c) =>
      c.record.getRecords({
        app,
        ...(fields ? { fields } : {}),
        query: `${and(condition, seek)} order by $id ${direction} limit ${top}${offset}`,
        totalCount: firstWithCount,
      }),
    );
    records = page.records as typeof records;
    if (firstWithCount) total = Number(page.totalCount);
    else if (count) {
      const counted = await kintone(ctx, resource, (c) =>
        c.record.getRecords({ app, fields: ["$id"], query: `${condition} limit 1`, totalCount: true }),
      );
      total = Number(counted.totalCount);
    }
    const last = records[records.length - 1]?.$id?.value;
    if (records.length === top && last !== undefined) next = { m: "seek", last: Number(last), f: print };
  } else {
    const sort = ` order by ${order.map((k) => `${k.code} ${k.direction}`).join(", ")}, $id asc`;
    if (token?.m === "cursor") {
      const page = await kintone(ctx, resource, (c) => c.record.getRecordsByCursor({ id: token.id }));
      records = page.records as typeof records;
      if (page.next) next = { m: "cursor", id: token.id, f: print };
    } else {
      const offset = token?.m === "offset" ? token.skip : skip;
      if (offset + top <= OFFSET_MAX) {
        const page = await kintone(ctx, resource, (c) =>
          c.record.getRecords({
            app,
            ...(fields ? { fields } : {}),
            query: `${condition}${sort} limit ${top} offset ${offset}`,
            totalCount: count || token === undefined,
          }),
        );
        records = page.records as typeof records;
        if (count) total = Number(page.totalCount);
        const more =
          page.totalCount !== null
            ? offset + records.length < Number(page.totalCount)
            : records.length === top;
        if (more) next = { m: "offset", skip: offset + records.length, f: print };
      } else {
        // Past Kintone's offset limit with a custom order: a cursor, positioned by reading up to the offset.
        const cursor = await kintone(ctx, resource, (c) =>
          c.record.createCursor({
            app,
            ...(fields ? { fields } : {}),
            query: `${condition}${sort}`,
            size: top,
          }),
        );
        if (count) total = Number(cursor.totalCount);
        let position = 0;
        let page = await kintone(ctx, resource, (c) => c.record.getRecordsByCursor({ id: cursor.id }));
        while (position + page.records.length <= offset && page.next) {
          position += page.records.length;
          page = await kintone(ctx, resource, (c) => c.record.getRecordsByCursor({ id: cursor.id }));
        }
        records = (page.records as typeof records).slice(Math.max(0, offset - position));
        if (page.next) next = { m: "cursor", id: cursor.id, f: print };
      }
    }
  }

  const value = records.map((record) => toApiRecord(record, props, select?.names));
  const body: Record<string, unknown> = { value };
  if (total !== undefined) body.count = total;
  if (next !== undefined) {
    const skipToken = encodeToken(next);
    const link = new URL(url.toString());
    link.searchParams.delete("$skip");
    link.searchParams.set("$skiptoken", skipToken);
    const proto = req.headers["x-forwarded-proto"] === "https" ? "https" : "http";
    body.nextLink = `${proto}://${req.headers.host ?? "localhost"}${link.pathname}${link.search}`;
    body.skipToken = skipToken;
  }
  return body;
}

async function readRecord(resource: Resource, id: number, ctx: RequestContext, select?: ReadonlySet<string>) {
  const { record } = await kintone(ctx, resource, (c) => c.record.getRecord({ app: resource.appId, id }));
  return toApiRecord(record as Record<string, { value: unknown }>, resource.properties, select);
}

/**
 * The record as stored after a write. The write has succeeded by then, so if reading it back fails the answer is
 * still a success, with what is known (id and revision), never an error that would invite a second write.
 */
async function readBack(
  resource: Resource,
  id: number,
  revision: number,
  ctx: RequestContext,
): Promise<Record<string, unknown>> {
  try {
    return await readRecord(resource, id, ctx);
  } catch {
    return { id, revision };
  }
}

/**
 * Starts the companion proxy (design.md §5): it serves exactly the API the spec describes and turns each call into
 * Kintone REST API calls. Returns its URL and a close() that lets in-flight requests finish.
 */
export async function createProxyServer(options: ProxyOptions): Promise<ProxyServer> {
  const model = readSpecModel(options.spec, "the spec");
  const routes = buildRoutes(model.resources, model.basePath);
  const keys = options.apiKeys.map(digest);
  const limiter = new Limiter(options.maxKintoneConcurrency ?? 10, options.maxQueue ?? 200);
  const maxBody = options.maxBodyBytes ?? 1024 * 1024;
  const clients = new Map<string, Promise<KintoneRestAPIClient>>();
  const clientFor = (resource: Resource) => {
    const key = resource.guestSpaceId ?? "";
    let client = clients.get(key);
    if (client === undefined) {
      client = createKintoneClient({
        ...options.kintone,
        ...(resource.guestSpaceId !== undefined ? { guestSpaceId: resource.guestSpaceId } : {}),
      });
      clients.set(key, client);
    }
    return client;
  };
  const specText = `${JSON.stringify(options.spec, null, 2)}\n`;

  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    if (options.corsOrigin !== undefined) {
      res.setHeader("access-control-allow-origin", options.corsOrigin);
      res.setHeader("vary", "Origin");
    }
    if (status === 204) {
      res.writeHead(204, headers);
      res.end();
      return;
    }
    const text = JSON.stringify(body);
    res.writeHead(status, {
      "content-type": "application/json; charset=utf-8",
      "content-length": Buffer.byteLength(text),
      "cache-control": "no-store",
      ...headers,
    });
    res.end(text);
  };

  const handle = async (
    req: IncomingMessage,
    res: ServerResponse,
  ): Promise<{ status: number; operation?: string; calls: number }> => {
    const ctx: RequestContext = { calls: 0, limiter, client: clientFor, retry: options.retry };
    const url = new URL(req.url ?? "/", "http://localhost");
    const method = (req.method ?? "GET").toUpperCase();
    try {
      if (method === "GET" && url.pathname === "/healthz") {
        send(res, 200, { status: "ok" });
        return { status: 200, calls: 0 };
      }
      if (method === "GET" && url.pathname === "/readyz") {
        const first = model.resources[0] as Resource;
        try {
          await kintone(ctx, first, (c) => c.app.getApp({ id: first.appId }));
          send(res, 200, { status: "ready" });
          return { status: 200, calls: ctx.calls };
        } catch (error) {
          const mapped = error instanceof ProxyError ? error : mapKintoneError(error, first.properties);
          send(res, 503, { status: "not ready", reason: mapped.message });
          return { status: 503, calls: ctx.calls };
        }
      }
      if (method === "GET" && (url.pathname === "/docs" || url.pathname.startsWith("/docs/"))) {
        // The docs page and its assets are static and public; the spec it shows is fetched with the caller's key.
        const status = await serveDocs(url.pathname, res);
        return { status, calls: 0 };
      }
      if (method === "OPTIONS" && options.corsOrigin !== undefined) {
        res.writeHead(204, {
          "access-control-allow-origin": options.corsOrigin,
          "access-control-allow-methods": "GET, POST, PATCH, DELETE",
          "access-control-allow-headers": "Authorization, X-API-Key, Content-Type",
          "access-control-max-age": "600",
          vary: "Origin",
        });
        res.end();
        return { status: 204, calls: 0 };
      }
      // Every other path needs a key, checked before any Kintone call.
      if (keys.length > 0) {
        const key = presentedKey(req);
        if (key === undefined || !keyMatches(key, keys)) {
          throw new ProxyError(
            401,
            "Unauthorized",
            "Present a valid API key as Authorization: Bearer <key> or X-API-Key: <key>.",
            {
              headers: { "www-authenticate": 'Bearer realm="kintone-openapi"' },
            },
          );
        }
      }
      if (method === "GET" && url.pathname === "/openapi.json") {
        res.writeHead(200, {
          "content-type": "application/json; charset=utf-8",
          "content-length": Buffer.byteLength(specText),
        });
        res.end(specText);
        return { status: 200, calls: 0 };
      }
      const pathMatches = routes.filter((route) => route.pattern.test(url.pathname));
      const route = pathMatches.find((r) => r.method === method);
      if (route === undefined) {
        if (pathMatches.length > 0) {
          throw new ProxyError(405, "MethodNotAllowed", `${method} is not an operation of ${url.pathname}.`, {
            headers: { allow: [...new Set(pathMatches.map((r) => r.method))].join(", ") },
          });
        }
        throw new ProxyError(404, "NotFound", `No operation at ${url.pathname}.`);
      }
      const id = route.pattern.exec(url.pathname)?.[1];
      const resource = route.resource;
      const operation = resource.operations.get(route.operation)?.operationId;
      switch (route.operation) {
        case "list":
          send(res, 200, await listRecords(resource, url, req, ctx));
          return { status: 200, ...(operation ? { operation } : {}), calls: ctx.calls };
        case "get": {
          let select: Set<string> | undefined;
          try {
            const text = url.searchParams.get("$select");
            if (text !== null) select = parseSelect(text, resource.properties).names;
          } catch (error) {
            optionError(error);
          }
          send(res, 200, await readRecord(resource, recordId(id as string), ctx, select));
          return { status: 200, ...(operation ? { operation } : {}), calls: ctx.calls };
        }
        case "create": {
          const record = toKintoneRecord(
            await readJsonBody(req, maxBody),
            resource.properties,
            resource.required,
          );
          const added = await kintoneWrite(ctx, resource, "create", (c) =>
            c.record.addRecord({ app: resource.appId, record }),
          );
          send(res, 201, await readBack(resource, Number(added.id), Number(added.revision), ctx));
          return { status: 201, ...(operation ? { operation } : {}), calls: ctx.calls };
        }
        case "update": {
          const recordKey = recordId(id as string);
          const revision = revisionOf(url.searchParams);
          const record = toKintoneRecord(await readJsonBody(req, maxBody), resource.properties);
          const updated = await kintoneWrite(ctx, resource, "update", (c) =>
            c.record.updateRecord({
              app: resource.appId,
              id: recordKey,
              record,
              ...(revision !== undefined ? { revision } : {}),
            }),
          );
          send(res, 200, await readBack(resource, recordKey, Number(updated.revision), ctx));
          return { status: 200, ...(operation ? { operation } : {}), calls: ctx.calls };
        }
        case "delete": {
          const recordKey = recordId(id as string);
          const revision = revisionOf(url.searchParams);
          await kintoneWrite(ctx, resource, "delete", (c) =>
            c.record.deleteRecords({
              app: resource.appId,
              ids: [recordKey],
              ...(revision !== undefined ? { revisions: [revision] } : {}),
            }),
          );
          send(res, 204, undefined);
          return { status: 204, ...(operation ? { operation } : {}), calls: ctx.calls };
        }
      }
    } catch (error) {
      const mapped =
        error instanceof ProxyError
          ? error
          : new ProxyError(
              500,
              "InternalError",
              "The proxy failed unexpectedly; its operator can find the cause in its log.",
            );
      if (!(error instanceof ProxyError))
        process.emitWarning(error instanceof Error ? error : String(error), "ProxyInternalError");
      send(res, mapped.status, mapped.body(), mapped.headers);
      return { status: mapped.status, calls: ctx.calls };
    }
  };

  const server = createServer((req, res) => {
    const started = process.hrtime.bigint();
    void handle(req, res).then((outcome) => {
      options.onLog?.({
        time: new Date().toISOString(),
        method: req.method ?? "",
        path: new URL(req.url ?? "/", "http://localhost").pathname,
        status: outcome.status,
        durationMs: Math.round(Number(process.hrtime.bigint() - started) / 1e5) / 10,
        kintoneCalls: outcome.calls,
        ...(outcome.operation ? { operation: outcome.operation } : {}),
      });
    });
  });
  server.headersTimeout = 10_000;
  server.requestTimeout = 120_000;
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 8080, options.host ?? "127.0.0.1", () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}`,
    port: address.port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        // Stop accepting, let in-flight requests finish, then close idle keep-alive connections.
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeIdleConnections();
      }),
  };
}
