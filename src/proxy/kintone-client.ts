import { randomBytes } from "node:crypto";
import { EventEmitter } from "node:events";
import { readFileSync } from "node:fs";
import { Readable } from "node:stream";
import { Agent, type Dispatcher, EnvHttpProxyAgent } from "undici";
import { UsageError } from "../errors.js";
import type { ConnectionOptions } from "../kintone/connection.js";
import { DEFAULT_TIMEOUT_MS } from "../kintone/connection.js";
import { classifyKintoneAnswer, isRetryable } from "../kintone/failures.js";

/**
 * The proxy's own path to Kintone's record API: a handful of calls over one keep-alive connection pool (undici),
 * with what the proxy must be sure of checked on every answer. It exists beside @kintone/rest-api-client (which
 * generate and snapshot use) because the proxy needs four things that client does not give: no redirect is ever
 * followed (credentials would go to the redirect's host), every answer is checked to be Kintone API JSON with the
 * fields the call needs, each call can be aborted when the caller hangs up, and a request path lean enough to add
 * well under a millisecond per call.
 */

type Json = Record<string, unknown>;
export type KintoneRecordData = Record<string, { type?: string; value: unknown }>;

/** Kintone answered with an API error (`{code, message, errors?}`). */
export class KintoneApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly kintoneMessage: string,
    readonly errors: unknown,
    /** Kintone's Retry-After, in seconds, when it sent one. */
    readonly retryAfterSeconds: number | undefined,
    /** In a bulkRequest's failure: the index of the request Kintone refused (the others were rolled back). */
    readonly bulkRequestIndex?: number,
  ) {
    super(`Kintone answered ${status} ${code}`);
  }
}

/**
 * The refused request of a failed bulkRequest: Kintone answers `{results: [...]}` with `{}` at every index but the
 * failed one, which holds the error (kintone-api.md §1.9).
 */
function bulkFailure(json: Json): { index: number; error: Json & { code: string } } | undefined {
  if (!Array.isArray(json.results)) return undefined;
  const index = json.results.findIndex((result) => isObject(result) && typeof result.code === "string");
  return index < 0 ? undefined : { index, error: json.results[index] as Json & { code: string } };
}

/**
 * Something answered that is not Kintone's API: a login, block or maintenance page, a redirect, JSON without the
 * fields the call needs. `mayHaveApplied` is true when a write could still have reached Kintone (a gateway error,
 * a success answer with the wrong shape).
 */
export class KintoneBadResponseError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly mayHaveApplied: boolean,
    /** The host a redirect pointed to. */
    readonly redirectHost?: string,
  ) {
    super(message);
  }
}

/** The connection failed or timed out. `mayHaveApplied` is false only when nothing can have reached Kintone. */
export class KintoneNetworkError extends Error {
  constructor(
    readonly code: string,
    readonly mayHaveApplied: boolean,
  ) {
    super(`the call to Kintone failed (${code})`);
  }
}

/**
 * Tells the Kintone calls of one request that its caller hung up. undici takes an EventEmitter with `aborted` and an
 * "abort" event as a signal; one is much cheaper to make per request than an AbortSignal.
 */
export class Hangup extends EventEmitter {
  aborted = false;

  abort(): void {
    if (this.aborted) return;
    this.aborted = true;
    this.emit("abort");
  }
}

/** The caller hung up, so the call was abandoned. */
export class CallAbortedError extends Error {
  constructor() {
    super("the caller disconnected");
  }
}

/** Whether a failed read may be tried again: throttling, 5xx and dropped connections. */
export function isTransientKintoneFailure(error: unknown): boolean {
  // GAIA_TM12 (all 10 cursors of the domain in use) is a 429 too, but waiting seconds will not free a cursor.
  if (error instanceof KintoneApiError) return isRetryable(classifyKintoneAnswer(error.status, error.code));
  if (error instanceof KintoneBadResponseError)
    return error.status >= 500 && error.redirectHost === undefined;
  return error instanceof KintoneNetworkError;
}

const NOT_SENT = new Set(["ECONNREFUSED", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH"]);

function networkError(error: unknown): Error {
  if (error instanceof KintoneApiError || error instanceof KintoneBadResponseError) return error;
  const raw = error as { code?: unknown; name?: unknown; cause?: { code?: unknown } };
  if (raw.name === "AbortError" || raw.code === "UND_ERR_ABORTED") return new CallAbortedError();
  let code =
    typeof raw.code === "string" ? raw.code : typeof raw.cause?.code === "string" ? raw.cause.code : "";
  if (code === "UND_ERR_CONNECT_TIMEOUT") return new KintoneNetworkError("ETIMEDOUT", false);
  if (code === "UND_ERR_HEADERS_TIMEOUT" || code === "UND_ERR_BODY_TIMEOUT") code = "ETIMEDOUT";
  else if (code === "UND_ERR_SOCKET" || code === "") code = "ECONNRESET";
  return new KintoneNetworkError(code, !NOT_SENT.has(code));
}

/** `a=1&fields[0]=x`: the bracketed array form Kintone (and rest-api-client's qs encoding) use. */
function encodeParams(params: Json): string {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) {
      for (const [index, item] of value.entries())
        parts.push(`${encodeURIComponent(`${key}[${index}]`)}=${encodeURIComponent(String(item))}`);
    } else parts.push(`${encodeURIComponent(key)}=${encodeURIComponent(String(value))}`);
  }
  return parts.join("&");
}

/** Above this URL length a GET goes as POST with X-HTTP-Method-Override (Kintone refuses URLs over 8 KB). */
const LONG_URL = 4096;

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

const NUMERIC = /^[1-9][0-9]{0,15}$/;

function authHeaders(options: ConnectionOptions): Record<string, string> {
  const headers: Record<string, string> = { "user-agent": "kintone-openapi" };
  const { auth } = options;
  if (auth.kind === "password") {
    headers["x-cybozu-authorization"] = Buffer.from(`${auth.username}:${auth.password}`).toString("base64");
  } else if (auth.kind === "apiToken") headers["x-cybozu-api-token"] = auth.tokens.join(",");
  else headers.authorization = `Bearer ${auth.token}`;
  if (options.basicAuth !== undefined) {
    const { username, password } = options.basicAuth;
    headers.authorization = `Basic ${Buffer.from(`${username}:${password}`).toString("base64")}`;
  }
  return headers;
}

function usesEnvProxy(env: NodeJS.ProcessEnv): boolean {
  return ["HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"].some((name) => (env[name] ?? "") !== "");
}

export type KintoneClientOptions = {
  /** Most connections to Kintone (the proxy's concurrency bound). */
  connections?: number;
  env?: NodeJS.ProcessEnv;
};

/** One Kintone domain (optionally a guest space) reached over a keep-alive pool. */
export class KintoneClient {
  private readonly origin: string;
  private readonly prefix: string;
  private readonly headers: Record<string, string>;
  private readonly dispatcher: Dispatcher;
  private readonly host: string;

  constructor(options: ConnectionOptions, clientOptions: KintoneClientOptions = {}) {
    const base = new URL(options.baseUrl);
    this.origin = base.origin;
    this.host = base.host;
    if (options.guestSpaceId !== undefined && !/^[1-9][0-9]{0,18}$/.test(options.guestSpaceId))
      throw new UsageError(`the guest space id "${options.guestSpaceId}" must be digits only.`);
    this.prefix = options.guestSpaceId !== undefined ? `/k/guest/${options.guestSpaceId}/v1/` : "/k/v1/";
    this.headers = authHeaders(options);
    const timeout = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    let connect: { pfx: Buffer; passphrase: string } | undefined;
    if (options.clientCert !== undefined) {
      try {
        connect = {
          pfx: readFileSync(options.clientCert.pfxFilePath),
          passphrase: options.clientCert.password,
        };
      } catch (error) {
        throw new UsageError(
          `cannot read the client certificate ${options.clientCert.pfxFilePath} (${(error as NodeJS.ErrnoException).code ?? "error"}): check --pfx-file-path (or KINTONE_PFX_FILE_PATH).`,
        );
      }
    }
    const agentOptions = {
      connections: clientOptions.connections ?? 10,
      headersTimeout: timeout,
      bodyTimeout: timeout,
      connectTimeout: Math.min(timeout, 10_000),
      keepAliveTimeout: 4_000,
      ...(connect !== undefined ? { connect } : {}),
    };
    // HTTP(S)_PROXY and NO_PROXY are honoured as @kintone/rest-api-client (axios) honours them.
    this.dispatcher = usesEnvProxy(clientOptions.env ?? process.env)
      ? new EnvHttpProxyAgent(agentOptions)
      : new Agent(agentOptions);
  }

  /** One call: the parsed JSON object of a 2xx answer, or one of the errors above. */
  async call(
    method: "GET" | "POST" | "PUT" | "DELETE",
    endpoint: string,
    params: Json,
    signal?: Hangup,
  ): Promise<Json> {
    let path = `${this.prefix}${endpoint}.json`;
    const headers: Record<string, string> = { ...this.headers };
    let body: string | undefined;
    let sent = method;
    if (method === "GET" || method === "DELETE") {
      const query = encodeParams(params);
      if (method === "GET" && path.length + query.length + this.origin.length + 1 > LONG_URL) {
        sent = "POST";
        headers["x-http-method-override"] = "GET";
        headers["content-type"] = "application/json";
        body = JSON.stringify(params);
      } else if (query !== "") path = `${path}?${query}`;
    } else {
      headers["content-type"] = "application/json";
      body = JSON.stringify(params);
    }
    let response: Dispatcher.ResponseData;
    try {
      response = await this.dispatcher.request({
        origin: this.origin,
        path,
        method: sent,
        headers,
        ...(body !== undefined ? { body } : {}),
        ...(signal !== undefined ? { signal } : {}),
      });
    } catch (error) {
      throw networkError(error);
    }
    return this.answer(response, method !== "GET");
  }

  /** The parsed JSON object of a 2xx answer, or the error it means (a redirect, a page that is not the API's). */
  private async answer(response: Dispatcher.ResponseData, write: boolean): Promise<Json> {
    const status = response.statusCode;
    let text: string;
    try {
      text = await response.body.text();
    } catch (error) {
      throw networkError(error);
    }
    if (status >= 300 && status < 400) {
      const location = response.headers.location;
      let target = "another address";
      try {
        if (typeof location === "string") target = new URL(location, this.origin).host;
      } catch {}
      throw new KintoneBadResponseError(
        status,
        `Kintone's address redirects to ${target}; no redirect is followed (credentials would go with it): fix --base-url (or KINTONE_BASE_URL), now ${this.host}.`,
        false,
        target,
      );
    }
    const type = String(response.headers["content-type"] ?? "");
    let json: unknown;
    if (/^application\/json\b/i.test(type)) {
      try {
        json = JSON.parse(text);
      } catch {}
    }
    if (!isObject(json)) {
      const retryAfter = Number(response.headers["retry-after"]);
      if (status === 503 || status === 429) {
        throw new KintoneApiError(
          status,
          status === 503 ? "Unavailable" : "Throttled",
          "",
          undefined,
          Number.isFinite(retryAfter) && retryAfter >= 0 ? retryAfter : undefined,
        );
      }
      throw new KintoneBadResponseError(
        status,
        `Kintone answered HTTP ${status} with ${type === "" ? "no content type" : type.split(";")[0]} instead of its API's JSON (a login, block or maintenance page?)`,
        write && status >= 500,
      );
    }
    if (status >= 400) {
      const bulk = typeof json.code !== "string" ? bulkFailure(json) : undefined;
      if (bulk !== undefined) {
        throw new KintoneApiError(
          status,
          bulk.error.code,
          typeof bulk.error.message === "string" ? bulk.error.message : "",
          bulk.error.errors,
          undefined,
          bulk.index,
        );
      }
      if (typeof json.code !== "string") {
        throw new KintoneBadResponseError(
          status,
          `Kintone answered HTTP ${status} with JSON that is not a Kintone error`,
          write && status >= 500,
        );
      }
      const retryAfter = Number(response.headers["retry-after"]);
      throw new KintoneApiError(
        status,
        json.code,
        typeof json.message === "string" ? json.message : "",
        json.errors,
        Number.isFinite(retryAfter) && retryAfter >= 0 ? retryAfter : undefined,
      );
    }
    return json;
  }

  /** The path of an endpoint as bulkRequest names it (`/k/v1/records.json`, or under the guest space). */
  apiPath(endpoint: string): string {
    return `${this.prefix}${endpoint}.json`;
  }

  /**
   * Sends one file as Kintone's multipart upload (POST file.json, part `file`): the file's bytes go out as they are,
   * between a header and a trailer, never copied into one body.
   */
  async upload(file: { name: string; contentType: string; data: Buffer }, signal?: Hangup): Promise<Json> {
    const boundary = `----kintone-openapi-${randomBytes(12).toString("hex")}`;
    // Quotes and line breaks cannot be in a multipart header value; browsers write them as %22 and drop them.
    const filename = file.name.replace(/"/g, "%22").replace(/[\r\n]/g, "");
    const head = Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: ${file.contentType}\r\n\r\n`,
    );
    const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
    let response: Dispatcher.ResponseData;
    try {
      response = await this.dispatcher.request({
        origin: this.origin,
        path: `${this.prefix}file.json`,
        method: "POST",
        headers: {
          ...this.headers,
          "content-type": `multipart/form-data; boundary=${boundary}`,
          "content-length": String(head.length + file.data.length + tail.length),
        },
        body: Readable.from([head, file.data, tail]),
        ...(signal !== undefined ? { signal } : {}),
      });
    } catch (error) {
      throw networkError(error);
    }
    return this.answer(response, true);
  }

  /**
   * Opens a stored file (GET file.json?fileKey=): its bytes as they arrive. Whatever Kintone answers with 200 is the
   * file (a JSON file comes as application/json too); any other answer is read as Kintone's error.
   */
  async download(fileKey: string, signal?: Hangup): Promise<{ body: AsyncIterable<Buffer>; close(): void }> {
    let response: Dispatcher.ResponseData;
    try {
      response = await this.dispatcher.request({
        origin: this.origin,
        path: `${this.prefix}file.json?${encodeParams({ fileKey })}`,
        method: "GET",
        headers: this.headers,
        ...(signal !== undefined ? { signal } : {}),
      });
    } catch (error) {
      throw networkError(error);
    }
    if (response.statusCode !== 200) {
      await this.answer(response, false);
      throw new KintoneBadResponseError(
        response.statusCode,
        "Kintone answered the file download with an unexpected status",
        false,
      );
    }
    const stream = response.body;
    return {
      body: (async function* () {
        try {
          for await (const chunk of stream) yield chunk as Buffer;
        } catch (error) {
          throw networkError(error);
        }
      })(),
      close: () => stream.destroy(),
    };
  }

  /** Closes the pool's idle connections. */
  async close(): Promise<void> {
    await this.dispatcher.close();
  }
}

/** The answer lacked a field the call needs: for a write it may still have been applied. */
function shape(endpoint: string, write: boolean): KintoneBadResponseError {
  return new KintoneBadResponseError(
    200,
    `Kintone's answer to ${endpoint} lacks the fields the proxy needs (not Kintone's API?)`,
    write,
  );
}

const isRecord = (value: unknown): value is KintoneRecordData => isObject(value);

/** One records.json write inside a bulkRequest (at most 100 records each). */
export type BulkCall =
  | { kind: "add"; records: Json[] }
  | { kind: "update"; records: Json[] }
  | { kind: "delete"; ids: string[]; revisions?: string[] };

/** The record calls the proxy makes, each checked for the fields it needs. */
export class KintoneRecords {
  constructor(private readonly client: KintoneClient) {}

  async getRecords(
    params: { app: string; fields?: readonly string[]; query: string; totalCount?: boolean },
    signal?: Hangup,
  ): Promise<{ records: KintoneRecordData[]; totalCount: number | undefined }> {
    const body = await this.client.call(
      "GET",
      "records",
      {
        app: params.app,
        ...(params.fields ? { fields: params.fields } : {}),
        query: params.query,
        ...(params.totalCount ? { totalCount: true } : {}),
      },
      signal,
    );
    if (!Array.isArray(body.records) || !body.records.every(isRecord)) throw shape("records", false);
    const total = body.totalCount;
    if (params.totalCount && !(typeof total === "string" && /^\d+$/.test(total)))
      throw shape("records", false);
    return { records: body.records, totalCount: params.totalCount ? Number(total) : undefined };
  }

  async getRecord(params: { app: string; id: string }, signal?: Hangup): Promise<KintoneRecordData> {
    const body = await this.client.call("GET", "record", params, signal);
    if (!isRecord(body.record)) throw shape("record", false);
    return body.record;
  }

  async addRecord(
    params: { app: string; record: Json },
    signal?: Hangup,
  ): Promise<{ id: string; revision: string }> {
    const body = await this.client.call("POST", "record", params, signal);
    if (typeof body.id !== "string" || !NUMERIC.test(body.id) || typeof body.revision !== "string")
      throw shape("record", true);
    return { id: body.id, revision: body.revision };
  }

  async updateRecord(
    params: { app: string; id: string; record: Json; revision?: string },
    signal?: Hangup,
  ): Promise<{ revision: string }> {
    const body = await this.client.call("PUT", "record", params, signal);
    if (typeof body.revision !== "string" || !NUMERIC.test(body.revision)) throw shape("record", true);
    return { revision: body.revision };
  }

  async deleteRecord(params: { app: string; id: string; revision?: string }, signal?: Hangup): Promise<void> {
    await this.client.call(
      "DELETE",
      "records",
      {
        app: params.app,
        ids: [params.id],
        ...(params.revision !== undefined ? { revisions: [params.revision] } : {}),
      },
      signal,
    );
  }

  async createCursor(
    params: { app: string; fields?: readonly string[]; query: string; size: number },
    signal?: Hangup,
  ): Promise<{ id: string; totalCount: number }> {
    const body = await this.client.call(
      "POST",
      "records/cursor",
      {
        app: params.app,
        ...(params.fields ? { fields: params.fields } : {}),
        query: params.query,
        size: params.size,
      },
      signal,
    );
    if (typeof body.id !== "string" || !/^[A-Za-z0-9-]{1,100}$/.test(body.id))
      throw shape("records/cursor", false);
    const total = body.totalCount;
    if (!(typeof total === "string" && /^\d+$/.test(total))) throw shape("records/cursor", false);
    return { id: body.id, totalCount: Number(total) };
  }

  async getRecordsByCursor(
    id: string,
    signal?: Hangup,
  ): Promise<{ records: KintoneRecordData[]; next: boolean }> {
    const body = await this.client.call("GET", "records/cursor", { id }, signal);
    if (!Array.isArray(body.records) || !body.records.every(isRecord) || typeof body.next !== "boolean")
      throw shape("records/cursor", false);
    return { records: body.records, next: body.next };
  }

  async deleteCursor(id: string): Promise<void> {
    await this.client.call("DELETE", "records/cursor", { id });
  }

  async getApp(app: string, signal?: Hangup): Promise<void> {
    const body = await this.client.call("GET", "app", { id: app }, signal);
    if (typeof body.appId !== "string") throw shape("app", false);
  }

  // upsert (--operations upsert): one record by id or updateKey, in one PUT records.json with upsert: true.
  async upsertRecord(params: {
    app: string;
    key: { id: string } | { updateKey: { field: string; value: string } };
    record: Json;
  }): Promise<{ id: string; revision: string; created: boolean }> {
    const body = await this.client.call("PUT", "records", {
      app: params.app,
      upsert: true,
      records: [{ ...params.key, record: params.record }],
    });
    const written = Array.isArray(body.records) ? body.records[0] : undefined;
    if (
      !isObject(written) ||
      typeof written.id !== "string" ||
      !NUMERIC.test(written.id) ||
      typeof written.revision !== "string" ||
      !NUMERIC.test(written.revision) ||
      (written.operation !== "INSERT" && written.operation !== "UPDATE")
    )
      throw shape("records", true);
    return { id: written.id, revision: written.revision, created: written.operation === "INSERT" };
  }

  // bulk (--operations bulk): up to 20 record writes of one app in one bulkRequest, all or nothing.
  async bulkWrite(
    app: string,
    calls: readonly BulkCall[],
  ): Promise<Array<Array<{ id: string; revision: string }>>> {
    const body = await this.client.call("POST", "bulkRequest", {
      requests: calls.map((call) =>
        call.kind === "add"
          ? { method: "POST", api: this.client.apiPath("records"), payload: { app, records: call.records } }
          : call.kind === "update"
            ? { method: "PUT", api: this.client.apiPath("records"), payload: { app, records: call.records } }
            : {
                method: "DELETE",
                api: this.client.apiPath("records"),
                payload: { app, ids: call.ids, ...(call.revisions ? { revisions: call.revisions } : {}) },
              },
      ),
    });
    const results = body.results;
    if (!Array.isArray(results) || results.length !== calls.length) throw shape("bulkRequest", true);
    return calls.map((call, index) => {
      const result = results[index];
      if (!isObject(result)) throw shape("bulkRequest", true);
      if (call.kind === "delete") return [];
      const written =
        call.kind === "add"
          ? Array.isArray(result.ids) && Array.isArray(result.revisions)
            ? result.ids.map((id, i) => ({ id, revision: (result.revisions as unknown[])[i] }))
            : undefined
          : Array.isArray(result.records)
            ? result.records.map((r) => ({ id: (r as Json)?.id, revision: (r as Json)?.revision }))
            : undefined;
      if (
        written === undefined ||
        written.length !== call.records.length ||
        !written.every(
          (w) =>
            typeof w.id === "string" &&
            NUMERIC.test(w.id) &&
            typeof w.revision === "string" &&
            NUMERIC.test(w.revision),
        )
      )
        throw shape("bulkRequest", true);
      return written as Array<{ id: string; revision: string }>;
    });
  }

  // Files (--operations files): POST file.json as multipart, GET file.json as the file's bytes.

  async uploadFile(
    file: { name: string; contentType: string; data: Buffer },
    signal?: Hangup,
  ): Promise<{ fileKey: string }> {
    const body = await this.client.upload(file, signal);
    if (typeof body.fileKey !== "string" || body.fileKey === "") throw shape("file", true);
    return { fileKey: body.fileKey };
  }

  downloadFile(fileKey: string, signal?: Hangup): Promise<{ body: AsyncIterable<Buffer>; close(): void }> {
    return this.client.download(fileKey, signal);
  }

  // Process management (--operations status): PUT record/status.json runs one action.

  async updateStatus(
    params: { app: string; id: string; action: string; assignee?: string; revision?: string },
    signal?: Hangup,
  ): Promise<{ revision: string }> {
    const body = await this.client.call("PUT", "record/status", params, signal);
    if (typeof body.revision !== "string" || !NUMERIC.test(body.revision)) throw shape("record/status", true);
    return { revision: body.revision };
  }

  // Comments (--operations comments): GET record/comments.json (at most 10 a call), POST record/comment.json.

  async getComments(
    params: { app: string; record: string; order: "asc" | "desc"; offset: number; limit: number },
    signal?: Hangup,
  ): Promise<{ comments: KintoneComment[]; older: boolean }> {
    const body = await this.client.call("GET", "record/comments", params, signal);
    const comments = body.comments;
    if (
      !Array.isArray(comments) ||
      !comments.every((c) => isObject(c) && typeof c.id === "string" && NUMERIC.test(c.id)) ||
      typeof body.older !== "boolean"
    )
      throw shape("record/comments", false);
    return { comments: comments as KintoneComment[], older: body.older };
  }

  async addComment(
    params: {
      app: string;
      record: string;
      comment: { text: string; mentions: Array<{ code: string; type: string }> };
    },
    signal?: Hangup,
  ): Promise<{ id: string }> {
    const body = await this.client.call("POST", "record/comment", params, signal);
    if (typeof body.id !== "string" || !NUMERIC.test(body.id)) throw shape("record/comment", true);
    return { id: body.id };
  }
}

/** A comment as GET record/comments.json answers it. */
export type KintoneComment = {
  id: string;
  text?: unknown;
  createdAt?: unknown;
  creator?: unknown;
  mentions?: unknown;
};
