import { timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import qs from "qs";
import { SAMPLE_APPS_DIR } from "../templates.js";
import type {
  ApiRequest,
  Caller,
  FaultKind,
  FileAnswer,
  Handler,
  SandboxOptions,
  SandboxState,
} from "./context.js";
import { KintoneApiError } from "./errors.js";
import { getApp, getApps, getFormFields, getFormLayout, getStatus } from "./routes/apps.js";
import { COMMENT_ROUTES } from "./routes/comments.js";
import { FILE_ROUTES } from "./routes/files.js";
import { RECORD_ROUTES } from "./routes/records.js";
import { loadSandboxData } from "./store.js";

export type { SandboxOptions, SandboxToken } from "./context.js";

export type SandboxStats = {
  requests: number;
  /** Faults injected, by kind. */
  faults: Record<string, number>;
  byEndpoint: Record<string, number>;
  /** The most requests that were in flight at once (to check a client's concurrency bound). */
  maxInFlight: number;
  /** Cursors that exist now (created, not yet read to the end, deleted or expired). */
  cursors: number;
};

export type Sandbox = {
  url: string;
  port: number;
  stats(): SandboxStats;
  /** Replaces the faults injected from now on (tests load data first, then turn faults on). */
  setFaults(faults: SandboxOptions["faults"]): void;
  close(): Promise<void>;
};

const API_PATH = /^\/k(?:\/guest\/([1-9][0-9]*))?\/v1\/(preview\/)?(.+)\.json$/;
const MAX_BODY = 64 * 1024 * 1024;

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(text),
    "x-concurrencylimit-limit": "100",
  });
  res.end(text);
}

/**
 * The fields of a multipart body (POST file.json, as the official clients send it), read by the platform's own
 * parser (the Fetch API's FormData): text parts as strings, file parts as `{name, contentType, data}`.
 */
async function multipartParams(raw: Buffer, contentType: string): Promise<Record<string, unknown>> {
  let form: FormData;
  try {
    form = await new Response(new Blob([new Uint8Array(raw)]), {
      headers: { "content-type": contentType },
    }).formData();
  } catch {
    throw new KintoneApiError(400, "CB_IJ01", "Failed to parse the multipart body.");
  }
  const params: Record<string, unknown> = {};
  for (const [name, value] of form.entries()) {
    params[name] =
      typeof value === "string"
        ? value
        : {
            name: value.name,
            contentType: value.type || "application/octet-stream",
            data: Buffer.from(await value.arrayBuffer()),
          };
  }
  return params;
}

function isFileAnswer(body: unknown): body is FileAnswer {
  return (
    typeof body === "object" &&
    body !== null &&
    "file" in body &&
    Object.keys(body).length === 1 &&
    Buffer.isBuffer((body as FileAnswer).file?.data)
  );
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new KintoneApiError(413, "CB_VA01", "The request is too large.");
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** Entity names met in the data (users, organizations, groups), so written codes come back with names. */
function collectNames(apps: SandboxState["apps"], options: SandboxOptions): Map<string, string> {
  const names = new Map<string, string>([[options.username ?? "sandbox", options.username ?? "sandbox"]]);
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) value.forEach(visit);
    else if (typeof value === "object" && value !== null) {
      const { code, name } = value as { code?: unknown; name?: unknown };
      if (typeof code === "string" && typeof name === "string" && Object.keys(value).length === 2)
        names.set(code, name);
      else Object.values(value).forEach(visit);
    }
  };
  for (const app of apps.values()) for (const record of app.records.values()) visit(record);
  return names;
}

/** Authenticates a request the way Kintone does (kintone-api.md §5.1): password > API token > OAuth. */
function authenticate(req: IncomingMessage, options: SandboxOptions): Caller {
  if (options.basicAuth !== undefined) {
    const header = req.headers.authorization ?? "";
    const expected = `Basic ${Buffer.from(`${options.basicAuth.username}:${options.basicAuth.password}`).toString("base64")}`;
    const given = header.startsWith("Basic ") ? header : "";
    if (!safeEqual(given, expected)) throw new KintoneApiError(401, "BASIC_AUTH", "basic auth required");
  }
  const password = req.headers["x-cybozu-authorization"];
  if (typeof password === "string") {
    const decoded = Buffer.from(password, "base64").toString("utf8");
    const expected = `${options.username ?? "sandbox"}:${options.password ?? "sandbox"}`;
    if (!safeEqual(decoded, expected)) {
      throw new KintoneApiError(
        401,
        "CB_WA01",
        "Password authentication failed. The value in http header of X-Cybozu-Authorization is not valid.",
      );
    }
    return { kind: "user", login: options.username ?? "sandbox" };
  }
  const tokenHeader = req.headers["x-cybozu-api-token"];
  if (tokenHeader !== undefined) {
    const given = (Array.isArray(tokenHeader) ? tokenHeader.join(",") : tokenHeader)
      .split(",")
      .map((t) => t.trim())
      .filter(Boolean);
    if (new Set(given).size !== given.length) {
      throw new KintoneApiError(
        400,
        "GAIA_DA03",
        "You cannot specify a duplicate API token for the same app.",
      );
    }
    const apps = new Map<string, Set<string>>();
    for (const token of given) {
      const known = (options.apiTokens ?? []).find((t) => safeEqual(t.token, token));
      if (known === undefined) {
        throw new KintoneApiError(
          400,
          "GAIA_IA02",
          "The specified API token does not match the API token generated via an app.",
        );
      }
      apps.set(known.appId, new Set(known.permissions ?? ["view", "add", "edit", "delete", "manage"]));
    }
    return { kind: "token", apps };
  }
  const authorization = req.headers.authorization;
  if (
    options.basicAuth === undefined &&
    typeof authorization === "string" &&
    authorization.startsWith("Bearer ")
  ) {
    const token = authorization.slice(7);
    if (!(options.oauthTokens ?? []).some((known) => safeEqual(known, token))) {
      throw new KintoneApiError(401, "CB_OA01", "The OAuth access token is invalid or expired.");
    }
    return { kind: "oauth" };
  }
  throw new KintoneApiError(401, "CB_AU01", "Please login.");
}

/** Routes: "METHOD endpoint" → handler. Settings APIs also answer under /preview/. */
const ROUTES: Record<string, Handler> = {
  ...RECORD_ROUTES,
  ...COMMENT_ROUTES,
  ...FILE_ROUTES,
  "GET apps": getApps,
  "GET app": getApp,
  "GET app/form/fields": getFormFields,
  "GET app/form/layout": getFormLayout,
  "GET app/status": getStatus,
};
const PREVIEW_ENDPOINTS = new Set(["app/form/fields", "app/form/layout", "app/status"]);

/**
 * Starts a Kintone-compatible server over an in-memory copy of a snapshot directory (design.md §6). The official
 * @kintone/rest-api-client reaches it as http://localhost:PORT.
 */
export async function createSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
  const apps = await loadSandboxData(options.data ?? SAMPLE_APPS_DIR);
  const state: SandboxState = {
    apps,
    options,
    cursors: new Map(),
    names: collectNames(apps, options),
    files: new Map(),
  };
  const stats: SandboxStats = { requests: 0, faults: {}, byEndpoint: {}, maxInFlight: 0, cursors: 0 };
  const current = (): SandboxStats => {
    const now = Date.now();
    for (const [id, cursor] of state.cursors) if (cursor.expires < now) state.cursors.delete(id);
    return { ...structuredClone(stats), cursors: state.cursors.size };
  };
  let inFlight = 0;
  const random = options.random ?? Math.random;
  const entriesOf = (faults: SandboxOptions["faults"]) =>
    Object.entries(faults ?? {}).filter(([, rate]) => (rate ?? 0) > 0) as Array<[FaultKind, number]>;
  let faultEntries = entriesOf(options.faults);
  /** Each fault kind is drawn independently; the first that hits is injected. */
  const drawFault = (): FaultKind | undefined => {
    for (const [kind, rate] of faultEntries) if (random() < rate) return kind;
    return undefined;
  };
  const maxConcurrent = options.maxConcurrent ?? 100;

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    let url: URL;
    try {
      url = new URL(`http://localhost${(req.url ?? "/").startsWith("/") ? req.url : "/"}`);
    } catch {
      json(res, 400, new KintoneApiError(400, "CB_IJ01", "The request target cannot be parsed.").body());
      return;
    }
    if (url.pathname === "/healthz" && req.method === "GET") {
      json(res, 200, { status: "ok" });
      return;
    }
    if (url.pathname === "/__sandbox/stats" && req.method === "GET") {
      json(res, 200, current());
      return;
    }
    if (url.pathname === "/__sandbox/stats" && req.method === "DELETE") {
      stats.requests = 0;
      stats.byEndpoint = {};
      stats.faults = {};
      stats.maxInFlight = 0;
      json(res, 200, current());
      return;
    }
    stats.requests++;
    inFlight++;
    stats.maxInFlight = Math.max(stats.maxInFlight, inFlight);
    try {
      // The request is received whole first: as with Kintone, a caller that leaves while it is handled does not
      // stop it from being carried out.
      const raw = await readBody(req);
      if (options.latencyMs) await new Promise((resolve) => setTimeout(resolve, options.latencyMs));
      const fault = drawFault();
      if (fault !== undefined) stats.faults[fault] = (stats.faults[fault] ?? 0) + 1;
      if (fault === "slow") await new Promise((resolve) => setTimeout(resolve, options.slowMs ?? 3000));
      if (fault === "reset") {
        req.socket.destroy();
        return;
      }
      if (fault === "503") {
        res.writeHead(503, { "content-type": "text/html; charset=utf-8", "retry-after": "1" });
        res.end(
          "<!doctype html><html><body><h1>ただいまメンテナンス中です / Under maintenance</h1></body></html>",
        );
        return;
      }
      if (fault === "500")
        throw new KintoneApiError(500, "CB_IL02", "An unexpected error occurred. (injected fault)");
      if (inFlight > maxConcurrent || fault === "429") {
        res.setHeader("x-cybozu-error", "GAIA_TO04");
        res.setHeader("x-concurrencylimit-running", String(inFlight));
        throw new KintoneApiError(
          429,
          "GAIA_TO04",
          "The number of concurrent API requests exceeds the limit.",
        );
      }
      const match = API_PATH.exec(url.pathname);
      if (match === null) throw new KintoneApiError(404, "CB_NO01", "The API does not exist.");
      const [, guestSpaceId, preview, endpoint = ""] = match;
      let method = (req.method ?? "GET").toUpperCase();
      const override = req.headers["x-http-method-override"];
      if (method === "POST" && typeof override === "string") method = override.toUpperCase();
      let params: Record<string, unknown> = qs.parse(url.search.slice(1), {
        depth: 5,
        arrayLimit: 1000,
      }) as Record<string, unknown>;
      const contentType = String(req.headers["content-type"] ?? "");
      const text = /^multipart\//i.test(contentType) ? "" : raw.toString("utf8");
      if (/^multipart\//i.test(contentType))
        params = { ...params, ...(await multipartParams(raw, contentType)) };
      if (text.trim() !== "") {
        try {
          params = { ...params, ...(JSON.parse(text) as Record<string, unknown>) };
        } catch {
          throw new KintoneApiError(400, "CB_IJ01", "Failed to parse JSON.");
        }
      }
      const key = `${method} ${endpoint}`;
      const counted = preview === undefined ? key : `${method} preview/${endpoint}`;
      stats.byEndpoint[counted] = (stats.byEndpoint[counted] ?? 0) + 1;
      const handler = ROUTES[key];
      if (handler === undefined || (preview !== undefined && !PREVIEW_ENDPOINTS.has(endpoint))) {
        throw new KintoneApiError(404, "CB_NO01", "The API does not exist.");
      }
      const caller = authenticate(req, options);
      const request: ApiRequest = {
        method,
        endpoint,
        guestSpaceId,
        preview: preview !== undefined,
        params,
        caller,
      };
      const body = handler(request, state);
      if (fault === "lost") {
        // The request was handled, but its answer never reaches the caller.
        req.socket.destroy();
        return;
      }
      if (isFileAnswer(body)) {
        const { file } = body;
        res.writeHead(200, {
          "content-type": file.contentType,
          "content-length": file.data.length,
          "content-disposition": `attachment; filename*=UTF-8''${encodeURIComponent(file.name)}`,
        });
        res.end(file.data);
        return;
      }
      json(res, 200, body);
    } catch (error) {
      if (error instanceof KintoneApiError) {
        if (error.code === "BASIC_AUTH") {
          res.writeHead(401, { "content-type": "text/html", "www-authenticate": 'Basic realm="sandbox"' });
          res.end("<html><body><h1>401 Authorization Required</h1></body></html>");
        } else {
          json(res, error.status, error.body());
        }
      } else {
        json(res, 500, new KintoneApiError(500, "CB_IL02", "Internal error of the sandbox.").body());
      }
    } finally {
      inFlight--;
    }
  };

  // One error boundary: nothing a request does can end the process.
  const listener = (req: IncomingMessage, res: ServerResponse) => {
    handle(req, res).catch(() => {
      if (!res.headersSent)
        json(res, 500, new KintoneApiError(500, "CB_IL02", "Internal error of the sandbox.").body());
      else res.destroy();
    });
  };
  const tls = options.tls;
  const server = tls
    ? createHttpsServer(
        {
          key: tls.key,
          cert: tls.cert,
          ...(tls.ca !== undefined ? { ca: tls.ca } : {}),
          requestCert: tls.requireClientCert === true,
          rejectUnauthorized: tls.requireClientCert === true,
        },
        listener,
      )
    : createServer(listener);
  server.keepAliveTimeout = 5000;
  server.on("clientError", (_error: Error, socket: Duplex) => {
    if (!socket.writable) {
      socket.destroy();
      return;
    }
    const body = JSON.stringify(
      new KintoneApiError(400, "CB_IJ01", "The request is not valid HTTP/1.1.").body(),
    );
    socket.end(
      `HTTP/1.1 400 Bad Request\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
    );
  });
  const host = options.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `${tls ? "https" : "http"}://localhost:${port}`,
    port,
    stats: current,
    setFaults: (faults) => {
      faultEntries = entriesOf(faults);
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
