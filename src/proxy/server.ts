import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { getRequestListener } from "@hono/node-server";
import { UsageError } from "../errors.js";
import type { ConnectionOptions } from "../kintone/connection.js";
import type { RetryPolicy } from "../kintone/retry.js";
import { withRetry } from "../kintone/retry.js";
import { apiKeyProblem } from "./api-keys.js";
import { createProxyApp, REQUEST_INFO, type RequestInfo } from "./app.js";
import { CursorPool } from "./cursors.js";
import { ProxyError } from "./errors.js";
import { Limiter } from "./kintone-calls.js";
import {
  CallAbortedError,
  Hangup,
  isTransientKintoneFailure,
  KintoneApiError,
  KintoneClient,
  KintoneNetworkError,
  KintoneRecords,
} from "./kintone-client.js";
import { type Resource, readSpecModel } from "./spec-model.js";

/** One line of the access log: never a header, a body or a query value. */
export type AccessLogEntry = {
  time: string;
  method: string;
  path: string;
  status: number;
  durationMs: number;
  kintoneCalls: number;
  operation?: string;
  /** The error code of the answer (Unauthorized, KintoneAuthFailed, …), when it is an error. */
  error?: string;
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
  /** Most Kintone cursors held at once for deep listings in a custom order (default 3; Kintone allows 10). */
  maxCursors?: number;
  /** Most client connections at once (default 1,000); more are refused at once. */
  maxConnections?: number;
  /** Origin allowed to call from a browser (no CORS headers unless set). */
  corsOrigin?: string;
  /** Called once per request. */
  onLog?: (entry: AccessLogEntry) => void;
  /** Called with the proxy's own failures (answered 500), for the operator's log. */
  onError?: (error: unknown) => void;
  /** Retries of Kintone reads (writes and cursor reads are never retried). */
  retry?: RetryPolicy;
  /** Environment for HTTP(S)_PROXY (default process.env). */
  env?: NodeJS.ProcessEnv;
  /**
   * Called when Kintone refuses the proxy's own credentials, at most once per minute (the operator must act: every
   * caller gets 502 until then).
   */
  onKintoneAuthFailure?: (message: string) => void;
};

/** What Kintone answered the start-up check of one app, when it was not the app. */
export type StartupProblem = { appId: string; code: string; message: string };

export type ProxyServer = {
  url: string;
  port: number;
  /** Asks Kintone for each app of the spec (one call each, within `timeoutMs`); the apps that failed. */
  checkKintone(timeoutMs: number): Promise<StartupProblem[]>;
  close(): Promise<void>;
};

const AUTH_FAILURE_INTERVAL_MS = 60_000;

export { MIN_KEY_LENGTH } from "./api-keys.js";

/** Checks options that would otherwise fail on the first request (an invalid header value, a weak key). */
export function checkProxyOptions(options: Pick<ProxyOptions, "apiKeys" | "corsOrigin">): void {
  for (const key of options.apiKeys) {
    const problem = apiKeyProblem(key);
    if (problem !== undefined) throw new UsageError(`an API key in KINTONE_OPENAPI_API_KEYS ${problem}.`);
  }
  const origin = options.corsOrigin;
  if (origin !== undefined && origin !== "*") {
    let valid = false;
    try {
      const url = new URL(origin);
      valid = /^https?:$/.test(url.protocol) && url.origin === origin;
    } catch {}
    if (!valid) {
      throw new UsageError(
        `--cors-origin "${origin.replace(/[^\x20-\x7e]/g, "?").slice(0, 100)}" is not an origin: give scheme, host and port only, as https://app.example.com (or *).`,
      );
    }
  }
}

function errorJson(status: number, code: string, message: string): string {
  return JSON.stringify(new ProxyError(status, code, message).body());
}

/** The path of a request target for the log: no query, at most 200 characters, never throws. */
function logPath(target: string | undefined): string {
  const path = (target ?? "").split("?")[0] ?? "";
  return path.length > 200 ? `${path.slice(0, 200)}…` : path;
}

/**
 * Starts the companion proxy (design.md §5): it serves exactly the API the spec describes and turns each call into
 * Kintone REST API calls. No request, header, body or connection behaviour can end the process: malformed HTTP is
 * answered 400 by the socket handler, an unparseable target 400 by the request boundary, anything unexpected 500.
 */
export async function createProxyServer(options: ProxyOptions): Promise<ProxyServer> {
  checkProxyOptions(options);
  const model = readSpecModel(options.spec, "the spec");
  const concurrency = options.maxKintoneConcurrency ?? 10;
  const clients = new Map<string, KintoneRecords>();
  const closers: KintoneClient[] = [];
  const records = (resource: Resource) => {
    const key = resource.guestSpaceId ?? "";
    let client = clients.get(key);
    if (client === undefined) {
      const connection = new KintoneClient(
        {
          ...options.kintone,
          ...(resource.guestSpaceId !== undefined ? { guestSpaceId: resource.guestSpaceId } : {}),
        },
        { connections: concurrency, ...(options.env ? { env: options.env } : {}) },
      );
      closers.push(connection);
      client = new KintoneRecords(connection);
      clients.set(key, client);
    }
    return client;
  };
  // Build each client once now, so a bad certificate file or guest space id is an error at start.
  for (const resource of model.resources) records(resource);
  const deps = { limiter: new Limiter(concurrency, options.maxQueue ?? 200), records, retry: options.retry };
  const pool = new CursorPool(options.maxCursors ?? 3, deps);
  let lastAuthFailure = Number.NEGATIVE_INFINITY;
  const onError =
    options.onError ??
    ((error: unknown) => process.emitWarning(error instanceof Error ? error : String(error)));
  const app = createProxyApp(model, deps, pool, {
    apiKeys: options.apiKeys,
    corsOrigin: options.corsOrigin,
    maxBodyBytes: options.maxBodyBytes ?? 1024 * 1024,
    specText: `${JSON.stringify(options.spec, null, 2)}\n`,
    onError,
    onErrorAnswer: (error) => {
      if (error.code !== "KintoneAuthFailed" || options.onKintoneAuthFailure === undefined) return;
      const now = Date.now();
      if (now - lastAuthFailure < AUTH_FAILURE_INTERVAL_MS) return;
      lastAuthFailure = now;
      options.onKintoneAuthFailure(error.message);
    },
  });
  const listener = getRequestListener(app.fetch, {
    // HTTP/1.0 requests need no Host header; HTTP/1.1 ones without it are refused below.
    hostname: "localhost",
    // The request target or Host cannot be parsed: answered here, since no route can see it.
    errorHandler: () =>
      new Response(errorJson(400, "InvalidRequest", "The request target or Host header cannot be parsed."), {
        status: 400,
        headers: {
          "content-type": "application/json; charset=utf-8",
          "cache-control": "no-store",
          connection: "close",
        },
      }),
  });

  let active = 0;
  let closing = false;
  const server = createServer(
    { requireHostHeader: false },
    (req: IncomingMessage & { [REQUEST_INFO]?: RequestInfo }, res: ServerResponse) => {
      const started = process.hrtime.bigint();
      const info: RequestInfo = { hangup: new Hangup() };
      req[REQUEST_INFO] = info;
      active++;
      res.once("close", () => {
        if (--active === 0 && closing) server.closeAllConnections();
        if (!res.writableFinished) info.hangup.abort();
        if (info.status === 401 && !req.complete) req.socket.destroy();
        if (options.onLog === undefined) return;
        try {
          options.onLog({
            time: new Date().toISOString(),
            method: String(req.method ?? "").slice(0, 20),
            path: logPath(req.url),
            status: info.cut ? 502 : res.writableFinished ? res.statusCode : 499,
            durationMs: Math.round(Number(process.hrtime.bigint() - started) / 1e5) / 10,
            kintoneCalls: info.ctx?.calls ?? 0,
            ...(info.operation ? { operation: info.operation } : {}),
            ...(info.error ? { error: info.error } : {}),
          });
        } catch (error) {
          onError(error);
        }
      });
      const fail = (error: unknown) => {
        onError(error);
        if (!res.headersSent) {
          const body = errorJson(
            500,
            "InternalError",
            "The proxy failed unexpectedly; its operator can find the cause in its log.",
          );
          res.writeHead(500, {
            "content-type": "application/json; charset=utf-8",
            "content-length": Buffer.byteLength(body),
          });
          res.end(body);
        } else res.destroy();
      };
      if (req.headers.host === undefined && req.httpVersion === "1.1") {
        const body = errorJson(400, "InvalidRequest", "An HTTP/1.1 request needs a Host header.");
        res.writeHead(400, {
          "content-type": "application/json; charset=utf-8",
          "content-length": Buffer.byteLength(body),
          connection: "close",
        });
        res.end(body);
        return;
      }
      try {
        Promise.resolve(listener(req, res)).catch(fail);
      } catch (error) {
        fail(error);
      }
    },
  );
  // Malformed HTTP never reaches a route: answer 400 (or 408/431) with the error body, then close.
  server.on("clientError", (error: NodeJS.ErrnoException, socket: Socket) => {
    if (!socket.writable || (error.code === "ECONNRESET" && socket.destroyed)) {
      socket.destroy();
      return;
    }
    const status =
      error.code === "ERR_HTTP_REQUEST_TIMEOUT" ? 408 : error.code === "HPE_HEADER_OVERFLOW" ? 431 : 400;
    const body = errorJson(
      status,
      status === 408 ? "RequestTimeout" : "InvalidRequest",
      "The request is not valid HTTP/1.1.",
    );
    socket.end(
      `HTTP/1.1 ${status} ${status === 408 ? "Request Timeout" : status === 431 ? "Request Header Fields Too Large" : "Bad Request"}\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
    );
    socket.destroySoon();
  });
  // Expect: anything but 100-continue, and CONNECT, never reach a route: answer them in the error shape.
  server.on("checkExpectation", (_req: IncomingMessage, res: ServerResponse) => {
    const body = errorJson(417, "ExpectationFailed", "Only Expect: 100-continue is supported.");
    res.writeHead(417, {
      "content-type": "application/json; charset=utf-8",
      "content-length": Buffer.byteLength(body),
      connection: "close",
    });
    res.end(body);
  });
  server.on("connect", (_req: IncomingMessage, socket: Socket) => {
    const body = errorJson(405, "MethodNotAllowed", "CONNECT is not supported: this is not a forward proxy.");
    socket.end(
      `HTTP/1.1 405 Method Not Allowed\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
    );
  });
  server.headersTimeout = 10_000;
  server.requestTimeout = 120_000;
  server.keepAliveTimeout = 5_000;
  server.maxConnections = options.maxConnections ?? 1000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 8080, options.host ?? "127.0.0.1", () => resolve());
  });
  server.on("error", onError);
  const address = server.address() as AddressInfo;
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}`,
    port: address.port,
    checkKintone: (timeoutMs) => checkKintone(model.resources, records, timeoutMs),
    close: async () => {
      // Stop accepting, let in-flight requests finish, then close idle keep-alive connections.
      // Connections with no request in flight (idle, or a request still arriving) are closed at once; the others
      // when their answer is sent.
      closing = true;
      await new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        if (active === 0) server.closeAllConnections();
        else server.closeIdleConnections();
      });
      await pool.closeAll();
      await Promise.allSettled(closers.map((client) => client.close()));
    },
  };
}

/** One call per app, at once, each bounded by `timeoutMs`: what failed, with Kintone's own error code. */
async function checkKintone(
  resources: readonly Resource[],
  records: (resource: Resource) => KintoneRecords,
  timeoutMs: number,
): Promise<StartupProblem[]> {
  const checks = resources.map(async (resource): Promise<StartupProblem | undefined> => {
    const hangup = new Hangup();
    const timer = setTimeout(() => hangup.abort(), timeoutMs);
    try {
      // A passing hiccup (a 503, a dropped connection) is asked again; a refusal is final.
      await withRetry(() => records(resource).getApp(resource.appId, hangup), {
        retries: 3,
        baseMs: 250,
        maxTotalMs: timeoutMs,
        isTransient: isTransientKintoneFailure,
      });
      return undefined;
    } catch (error) {
      if (error instanceof KintoneApiError)
        return {
          appId: resource.appId,
          code: error.code,
          message: error.kintoneMessage || `HTTP ${error.status}`,
        };
      if (error instanceof KintoneNetworkError)
        return { appId: resource.appId, code: error.code, message: "no answer from Kintone" };
      if (error instanceof CallAbortedError)
        return {
          appId: resource.appId,
          code: "ETIMEDOUT",
          message: `no answer within ${timeoutMs / 1000} s`,
        };
      return {
        appId: resource.appId,
        code: "KintoneBadResponse",
        message: error instanceof Error ? error.message : String(error),
      };
    } finally {
      clearTimeout(timer);
    }
  });
  return (await Promise.all(checks)).filter((problem) => problem !== undefined);
}
