import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { KintoneRestAPIClient } from "@kintone/rest-api-client";
import { KintoneError, UsageError } from "../errors.js";
import { chunk, mapWithConcurrency } from "../util/concurrency.js";
import { type ConnectionOptions, DEFAULT_CONCURRENCY, DEFAULT_TIMEOUT_MS } from "./connection.js";
import { type ErrorContext, notKintoneAnswer, translateKintoneError } from "./kintone-errors.js";
import {
  MetadataShapeError,
  normalizeApp,
  normalizeFormFields,
  normalizeProcessManagement,
} from "./normalize.js";
import { withRetry } from "./retry.js";
import {
  type AppMetadata,
  compareAppIds,
  type KintoneApp,
  type MetadataSource,
  type ReadOptions,
} from "./types.js";

/** Kintone's getApps takes at most 100 ids per call (kintone-api.md §1.1). */
export const GET_APPS_LIMIT = 100;

type AxiosLike = {
  defaults: { maxRedirects?: number };
  interceptors: { response: { use(ok: undefined, failed: (error: unknown) => unknown): void } };
};
let redirectsRefused = false;

/**
 * @kintone/rest-api-client sends every call through axios's default instance, which follows redirects (up to five)
 * with the credential headers. No command may do that: a redirect would hand X-Cybozu-Authorization or the API token
 * to another host. This sets that instance (the very copy the client loads) to follow none, and turns a 3xx into an
 * error naming the host it pointed to.
 */
function refuseRedirects(): void {
  if (redirectsRefused) return;
  redirectsRefused = true;
  const fromClient = createRequire(createRequire(import.meta.url).resolve("@kintone/rest-api-client"));
  const axios = fromClient("axios") as AxiosLike & { default?: AxiosLike };
  const instance = axios.default ?? axios;
  instance.defaults.maxRedirects = 0;
  instance.interceptors.response.use(undefined, (error: unknown) => {
    const response = (error as { response?: { status?: number; headers?: Record<string, unknown> } })
      .response;
    const status = response?.status ?? 0;
    if (status >= 300 && status < 400) {
      let target = "another address";
      try {
        target = new URL(String(response?.headers?.location ?? ""), "http://invalid").host || target;
      } catch {}
      throw new KintoneError(
        `Kintone's address redirects to ${target} (HTTP ${status}); no redirect is followed, since the credentials would go with it: fix --base-url (or KINTONE_BASE_URL).`,
        { status },
      );
    }
    throw error;
  });
}

/**
 * The base URL as the official client takes it: it refuses plain http to any host but localhost, so this machine's
 * other names (127.0.0.1, [::1], as `demo` prints them) are given to it as localhost, which reaches the same server.
 */
export function clientBaseUrl(baseUrl: string): string {
  const url = new URL(baseUrl);
  if (url.protocol === "http:" && (url.hostname === "127.0.0.1" || url.hostname === "[::1]")) {
    url.hostname = "localhost";
  }
  return url.origin;
}

/** Builds the official client from resolved connection options. */
export async function createKintoneClient(options: ConnectionOptions): Promise<KintoneRestAPIClient> {
  refuseRedirects();
  const auth =
    options.auth.kind === "password"
      ? { username: options.auth.username, password: options.auth.password }
      : options.auth.kind === "apiToken"
        ? { apiToken: options.auth.tokens }
        : { oAuthToken: options.auth.token };
  let clientCertAuth: { pfx: Buffer; password: string } | undefined;
  if (options.clientCert !== undefined) {
    try {
      clientCertAuth = {
        pfx: await readFile(options.clientCert.pfxFilePath),
        password: options.clientCert.password,
      };
    } catch (error) {
      throw new UsageError(
        `cannot read the client certificate ${options.clientCert.pfxFilePath} (${(error as NodeJS.ErrnoException).code ?? "error"}): check --pfx-file-path (or KINTONE_PFX_FILE_PATH).`,
      );
    }
  }
  return new KintoneRestAPIClient({
    baseUrl: clientBaseUrl(options.baseUrl),
    auth,
    ...(options.basicAuth ? { basicAuth: options.basicAuth } : {}),
    ...(clientCertAuth ? { clientCertAuth } : {}),
    ...(options.guestSpaceId !== undefined ? { guestSpaceId: options.guestSpaceId } : {}),
    socketTimeout: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
    userAgent: "kintone-openapi",
  });
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Metadata read from a live Kintone through @kintone/rest-api-client. */
export class LiveMetadataSource implements MetadataSource {
  readonly origin: string;
  private readonly host: string;
  private clientPromise: Promise<KintoneRestAPIClient> | undefined;

  constructor(private readonly options: ConnectionOptions) {
    this.origin = options.baseUrl;
    this.host = new URL(options.baseUrl).host;
  }

  private client(): Promise<KintoneRestAPIClient> {
    this.clientPromise ??= createKintoneClient(this.options);
    return this.clientPromise;
  }

  /** Every call here is a read, so transient failures are retried (bounded; see withRetry). */
  private async call<T>(
    ctx: Omit<ErrorContext, "host">,
    run: (client: KintoneRestAPIClient) => Promise<T>,
  ): Promise<T> {
    const client = await this.client();
    try {
      return await withRetry(() => run(client), this.options.retry);
    } catch (error) {
      throw translateKintoneError(error, {
        ...ctx,
        host: this.host,
        clientCert: this.options.clientCert !== undefined,
      });
    }
  }

  /** Lists apps visible to these credentials (up to 100 per page), for pickers. */
  async listApps(query: { offset?: number; limit?: number; name?: string } = {}): Promise<KintoneApp[]> {
    const body = await this.call({ action: "list apps" }, (client) =>
      client.app.getApps({
        limit: query.limit ?? GET_APPS_LIMIT,
        offset: query.offset ?? 0,
        ...(query.name ? { name: query.name } : {}),
      }),
    );
    return this.appsOf(body, { action: "list apps" });
  }

  private appsOf(body: unknown, ctx: Omit<ErrorContext, "host">): KintoneApp[] {
    if (!isObject(body) || !Array.isArray(body.apps)) throw notKintoneAnswer({ ...ctx, host: this.host });
    return body.apps.map((app) => normalizeApp(app));
  }

  async readApps(appIds: readonly string[], options: ReadOptions = {}): Promise<AppMetadata[]> {
    if (appIds.length === 0) {
      throw new UsageError("no app selected: pass --app with one or more app ids (for example --app 12,13).");
    }
    const ids = [...new Set(appIds)].sort(compareAppIds);
    const concurrency = this.options.concurrency ?? DEFAULT_CONCURRENCY;
    // 1. App info, 100 ids a call.
    const pages = await mapWithConcurrency(chunk(ids, GET_APPS_LIMIT), concurrency, (idsChunk) =>
      this.call({ action: "read app information" }, (client) =>
        client.app.getApps({ ids: idsChunk, limit: GET_APPS_LIMIT }),
      ),
    );
    const apps = new Map<string, KintoneApp>();
    const rawApps = new Map<string, unknown>();
    for (const page of pages) {
      const list = this.appsOf(page, { action: "read app information" });
      list.forEach((app, index) => {
        apps.set(app.appId, app);
        rawApps.set(app.appId, (page as { apps: unknown[] }).apps[index]);
      });
    }
    const missing = ids.filter((id) => !apps.has(id));
    if (missing.length > 0) {
      const guestHint =
        this.options.guestSpaceId === undefined
          ? " (an app in a guest space also needs --guest-space-id)"
          : ` in guest space ${this.options.guestSpaceId}`;
      throw new UsageError(
        `app ${missing.join(", ")} was not found, or these credentials cannot see it${guestHint}: check --app.`,
      );
    }
    // 2. Form fields (and layout for snapshots), with bounded concurrency.
    let done = 0;
    return mapWithConcurrency(ids, concurrency, async (id) => {
      const ctx = { action: "read the field settings of app", appId: id };
      const fieldsBody = await this.call(ctx, (client) =>
        client.app.getFormFields({ app: id, preview: this.options.preview ?? false }),
      );
      let fields: AppMetadata["fields"];
      try {
        fields = normalizeFormFields(fieldsBody);
      } catch (error) {
        if (error instanceof MetadataShapeError) throw notKintoneAnswer({ ...ctx, host: this.host });
        throw error;
      }
      const metadata: AppMetadata = {
        app: apps.get(id) as KintoneApp,
        fields,
        raw: { app: rawApps.get(id), fields: fieldsBody },
      };
      if (this.options.guestSpaceId !== undefined) metadata.guestSpaceId = this.options.guestSpaceId;
      if (options.withLayout) {
        metadata.layout = await this.call({ action: "read the form layout of app", appId: id }, (client) =>
          client.app.getFormLayout({ app: id, preview: this.options.preview ?? false }),
        );
      }
      if (options.withProcessManagement) {
        const statusCtx = { action: "read the process management settings of app", appId: id };
        const body = await this.call(statusCtx, (client) =>
          client.app.getProcessManagement({ app: id, preview: this.options.preview ?? false }),
        );
        try {
          metadata.processManagement = normalizeProcessManagement(body);
        } catch (error) {
          if (error instanceof MetadataShapeError) throw notKintoneAnswer({ ...statusCtx, host: this.host });
          throw error;
        }
        (metadata.raw as { processManagement?: unknown }).processManagement = body;
      }
      options.onProgress?.(++done, ids.length);
      return metadata;
    });
  }
}
