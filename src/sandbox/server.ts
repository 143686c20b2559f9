import { timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import qs from "qs";
import { SAMPLE_APPS_DIR } from "../templates.js";
import { appNotFound, invalidInput, KintoneApiError, noPermission } from "./errors.js";
import { loadSandboxData, type SandboxApp } from "./store.js";

/** An API token the sandbox accepts, for one app, with Kintone's token permissions. */
export type SandboxToken = {
  token: string;
  appId: string;
  /** Default: all. Reading field settings needs "manage" (Kintone's "Manage app" token permission). */
  permissions?: ReadonlyArray<"view" | "add" | "edit" | "delete" | "manage">;
};

export type SandboxOptions = {
  /** Snapshot directory to serve (default: the sample apps in templates/). */
  data?: string;
  /** Port (0 = any free port). */
  port?: number;
  /** Interface to bind (default 127.0.0.1: the sandbox is for this machine). */
  host?: string;
  /** Fixed delay added to every request, to simulate Kintone's round trip in benchmarks. */
  latencyMs?: number;
  /** Password login (default sandbox / sandbox). */
  username?: string;
  password?: string;
  apiTokens?: readonly SandboxToken[];
  oauthTokens?: readonly string[];
  /** When set, every request must also carry this basic auth (a domain behind basic auth). */
  basicAuth?: { username: string; password: string };
  /** Space ids that are guest spaces: apps whose spaceId is one of them are reached only through guest URLs. */
  guestSpaces?: readonly string[];
  /** Kintone's limit of concurrent requests (default 100); the next one gets 429 GAIA_TO04. */
  maxConcurrent?: number;
  /**
   * Serve https (PEM strings). With `ca` and `requireClientCert`, only clients presenting a certificate signed by
   * that CA get through, like a Kintone domain with client certificate authentication (*.s.cybozu.com).
   */
  tls?: { key: string; cert: string; ca?: string; requireClientCert?: boolean };
};

export type SandboxStats = {
  requests: number;
  byEndpoint: Record<string, number>;
  /** The most requests that were in flight at once (to check a client's concurrency bound). */
  maxInFlight: number;
};

export type Sandbox = {
  url: string;
  port: number;
  stats(): SandboxStats;
  close(): Promise<void>;
};

type Caller =
  | { kind: "user"; login: string }
  | { kind: "token"; apps: Map<string, Set<string>> }
  | { kind: "oauth" };

type Request = {
  method: string;
  endpoint: string;
  guestSpaceId: string | undefined;
  preview: boolean;
  params: Record<string, unknown>;
  caller: Caller;
};

type Handler = (ctx: Request, sandbox: SandboxState) => unknown;

type SandboxState = { apps: Map<string, SandboxApp>; options: SandboxOptions };

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

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY) throw new KintoneApiError(413, "CB_VA01", "The request is too large.");
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
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

/** The app a request targets, after the guest-space and permission checks. */
function appFor(ctx: Request, state: SandboxState, id: unknown, permission: "view" | "manage"): SandboxApp {
  const key = typeof id === "number" ? String(id) : id;
  if (typeof key !== "string" || key === "") throw invalidInput({ app: ["Required field."] });
  if (!/^-?[0-9]+$/.test(key)) throw invalidInput({ app: ["Enter an integer value."] });
  if (Number(key) < 1) throw invalidInput({ app: ["must be greater than or equal to 1"] });
  const app = state.apps.get(key);
  if (app === undefined) throw appNotFound(key);
  const guest = isGuestApp(app, state);
  if (guest && ctx.guestSpaceId === undefined) {
    throw new KintoneApiError(
      400,
      "GAIA_IL23",
      "This app is in a guest space. Send the request to '/k/guest/(guest space ID)/v1/...'.",
    );
  }
  if (ctx.guestSpaceId !== undefined && app.app.spaceId !== ctx.guestSpaceId) throw noPermission();
  if (ctx.caller.kind === "token") {
    const permissions = ctx.caller.apps.get(key);
    if (permissions === undefined || !permissions.has(permission)) {
      throw new KintoneApiError(403, "GAIA_NO01", "Using this API token, you cannot run the specified API.");
    }
  }
  return app;
}

function isGuestApp(app: SandboxApp, state: SandboxState): boolean {
  return app.app.spaceId !== null && (state.options.guestSpaces ?? []).includes(app.app.spaceId);
}

function arrayParam(value: unknown): string[] | undefined {
  if (value === undefined) return undefined;
  const list = Array.isArray(value)
    ? value
    : typeof value === "object" && value !== null
      ? Object.values(value)
      : [value];
  return list.map(String);
}

function intParam(value: unknown, name: string, fallback: number, min: number, max: number): number {
  if (value === undefined || value === "") return fallback;
  const number = Number(value);
  if (!Number.isInteger(number)) throw invalidInput({ [name]: ["Enter an integer value."] });
  if (number < min) throw invalidInput({ [name]: [`must be greater than or equal to ${min}`] });
  if (number > max) throw invalidInput({ [name]: [`must be less than or equal to ${max}`] });
  return number;
}

const getApps: Handler = (ctx, state) => {
  const ids = arrayParam(ctx.params.ids);
  const codes = arrayParam(ctx.params.codes);
  const spaceIds = arrayParam(ctx.params.spaceIds);
  for (const [name, list] of [
    ["ids", ids],
    ["codes", codes],
    ["spaceIds", spaceIds],
  ] as const) {
    if (list !== undefined && list.length > 100)
      throw invalidInput({ [name]: ["Up to 100 values can be specified."] });
  }
  const limit = intParam(ctx.params.limit, "limit", 100, 1, 100);
  const offset = intParam(ctx.params.offset, "offset", 0, 0, 2147483647);
  const name = typeof ctx.params.name === "string" ? ctx.params.name.toLowerCase() : undefined;
  const visible = [...state.apps.values()].filter((app) => {
    if (ctx.guestSpaceId !== undefined ? app.app.spaceId !== ctx.guestSpaceId : isGuestApp(app, state))
      return false;
    if (ctx.caller.kind === "token" && !ctx.caller.apps.has(app.app.appId)) return false;
    if (ids !== undefined && !ids.includes(app.app.appId)) return false;
    if (codes !== undefined && !codes.includes(app.app.code)) return false;
    if (spaceIds !== undefined && (app.app.spaceId === null || !spaceIds.includes(app.app.spaceId)))
      return false;
    if (name !== undefined && !app.app.name.toLowerCase().includes(name)) return false;
    return true;
  });
  visible.sort((a, b) => Number(a.app.appId) - Number(b.app.appId));
  return { apps: visible.slice(offset, offset + limit).map((app) => app.app) };
};

const getApp: Handler = (ctx, state) => appFor(ctx, state, ctx.params.id, "view").app;

const getFormFields: Handler = (ctx, state) => appFor(ctx, state, ctx.params.app, "manage").fieldsBody;

const getFormLayout: Handler = (ctx, state) => {
  const app = appFor(ctx, state, ctx.params.app, "manage");
  return app.layoutBody ?? { layout: [], revision: app.fields.revision };
};

const getStatus: Handler = (ctx, state) => {
  const app = appFor(ctx, state, ctx.params.app, "manage");
  const status = Object.values(app.fields.properties).find((field) => field.type === "STATUS");
  const enabled = status !== undefined && (status as { enabled?: boolean }).enabled === true;
  return { enable: enabled, states: null, actions: null, revision: app.fields.revision };
};

/** Routes: "METHOD endpoint" → handler. Settings APIs also answer under /preview/. */
const ROUTES: Record<string, Handler> = {
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
  const state: SandboxState = { apps: await loadSandboxData(options.data ?? SAMPLE_APPS_DIR), options };
  const stats: SandboxStats = { requests: 0, byEndpoint: {}, maxInFlight: 0 };
  let inFlight = 0;
  const maxConcurrent = options.maxConcurrent ?? 100;

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? "/", "http://localhost");
    if (url.pathname === "/__sandbox/stats" && req.method === "GET") {
      json(res, 200, stats);
      return;
    }
    if (url.pathname === "/__sandbox/stats" && req.method === "DELETE") {
      stats.requests = 0;
      stats.byEndpoint = {};
      stats.maxInFlight = 0;
      json(res, 200, stats);
      return;
    }
    stats.requests++;
    inFlight++;
    stats.maxInFlight = Math.max(stats.maxInFlight, inFlight);
    try {
      if (options.latencyMs) await new Promise((resolve) => setTimeout(resolve, options.latencyMs));
      if (inFlight > maxConcurrent) {
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
      const text = await readBody(req);
      let params: Record<string, unknown> = qs.parse(url.search.slice(1), {
        depth: 5,
        arrayLimit: 1000,
      }) as Record<string, unknown>;
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
      json(
        res,
        200,
        handler({ method, endpoint, guestSpaceId, preview: preview !== undefined, params, caller }, state),
      );
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

  const listener = (req: IncomingMessage, res: ServerResponse) => {
    void handle(req, res);
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
  const host = options.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `${tls ? "https" : "http"}://localhost:${port}`,
    port,
    stats: () => structuredClone(stats),
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
