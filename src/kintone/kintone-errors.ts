import { KintoneRestAPIError } from "@kintone/rest-api-client";
import { KintoneError } from "../errors.js";

/** What was being done when Kintone failed, so advice can name the app and the host. */
export type ErrorContext = { host: string; appId?: string; action: string; clientCert?: boolean };

/** Advice per Kintone error code (kintone-api.md §5.3). `app` is " 12" or "" when unknown. */
const ADVICE: Record<string, (ctx: ErrorContext) => string> = {
  CB_AU01: () =>
    "Kintone asked for a login (CB_AU01): give --username/--password (or KINTONE_USERNAME/KINTONE_PASSWORD), --api-token (or KINTONE_API_TOKEN) or --oauth-token (or KINTONE_OAUTH_TOKEN).",
  CB_WA01: () =>
    "Kintone rejected the username or password (CB_WA01): check --username/--password (or KINTONE_USERNAME/KINTONE_PASSWORD).",
  GAIA_IA02: () =>
    "Kintone does not accept the API token (GAIA_IA02): check --api-token (or KINTONE_API_TOKEN), and that the app settings were updated after the token was created.",
  GAIA_NO01: (ctx) =>
    `the API token may not ${ctx.action}${appText(ctx)} (GAIA_NO01): enable the "Manage app" permission for the token in the app's API token settings, or use password auth.`,
  CB_NO02: (ctx) =>
    `these credentials have no permission to ${ctx.action}${appText(ctx)} (CB_NO02): ask an app administrator for "Manage app" permission, or use another account.`,
  GAIA_AP01: (ctx) => `app${appText(ctx)} was not found (GAIA_AP01): check the id given with --app.`,
  GAIA_IL23: (ctx) =>
    `app${appText(ctx)} is in a guest space (GAIA_IL23): pass its space id with --guest-space-id (or KINTONE_GUEST_SPACE_ID).`,
  GAIA_DA03: () => "the same API token was given twice (GAIA_DA03): remove the duplicate from --api-token.",
  GAIA_TO04: () =>
    "Kintone's limit of concurrent requests was reached (GAIA_TO04): lower --concurrency, or try again in a moment.",
};

function appText(ctx: ErrorContext): string {
  return ctx.appId === undefined ? "" : ` ${ctx.appId}`;
}

const NETWORK_ADVICE: Record<string, (ctx: ErrorContext) => string> = {
  ENOTFOUND: (ctx) => `cannot resolve the host ${ctx.host}: check --base-url (or KINTONE_BASE_URL).`,
  EAI_AGAIN: (ctx) =>
    `cannot resolve the host ${ctx.host} right now (DNS is not answering): check the network and try again.`,
  ECONNREFUSED: (ctx) =>
    `${ctx.host} refused the connection: check --base-url (or KINTONE_BASE_URL) and that the server is up.`,
  ECONNRESET: (ctx) =>
    `${ctx.host} closed the connection while we were waiting for an answer: try again later.`,
  ECONNABORTED: (ctx) => `${ctx.host} did not answer in time: try again, or raise --timeout.`,
  ETIMEDOUT: (ctx) => `${ctx.host} did not answer in time: try again, or raise --timeout.`,
  ERR_TLS_CERT_ALTNAME_INVALID: (ctx) =>
    `the TLS certificate of ${ctx.host} does not match its name: check --base-url.`,
  DEPTH_ZERO_SELF_SIGNED_CERT: (ctx) =>
    `${ctx.host} has a self-signed TLS certificate that Node.js does not trust.`,
  SELF_SIGNED_CERT_IN_CHAIN: (ctx) =>
    `${ctx.host} has a TLS certificate that Node.js does not trust (set NODE_EXTRA_CA_CERTS to your company's CA).`,
};

/**
 * Turns whatever @kintone/rest-api-client threw into a KintoneError whose message is one sentence of advice.
 * Messages never include request headers or credentials: only codes, statuses and Kintone's own text.
 */
export function translateKintoneError(error: unknown, ctx: ErrorContext): KintoneError {
  if (error instanceof KintoneError) return error;
  if (error instanceof KintoneRestAPIError) {
    const advice = ADVICE[error.code];
    if (advice !== undefined)
      return new KintoneError(advice(ctx), { code: error.code, status: error.status });
    const status = error.status;
    const text = cleanKintoneMessage(error);
    if (status === 401) {
      return new KintoneError(
        `Kintone refused the credentials (${error.code}: ${text}): check the auth options.`,
        {
          code: error.code,
          status,
        },
      );
    }
    if (status === 403) {
      return new KintoneError(
        `Kintone refused to ${ctx.action}${appText(ctx)} (${error.code}: ${text}): check the permissions of these credentials.`,
        { code: error.code, status },
      );
    }
    return new KintoneError(
      `Kintone could not ${ctx.action}${appText(ctx)}: ${text} (${error.code}, HTTP ${status}).`,
      {
        code: error.code,
        status,
      },
    );
  }
  const code = (error as { code?: unknown }).code;
  if (
    ctx.clientCert &&
    typeof code === "string" &&
    (code === "ECONNRESET" || code === "EPROTO" || code.startsWith("ERR_SSL_"))
  ) {
    return new KintoneError(
      `${ctx.host} ended the TLS handshake (${code}): it probably does not accept the client certificate; check --pfx-file-path (or KINTONE_PFX_FILE_PATH).`,
      { code },
    );
  }
  if (typeof code === "string" && code.startsWith("ERR_SSL_")) {
    return new KintoneError(
      `the TLS handshake with ${ctx.host} failed (${code}): check --base-url and the certificates.`,
      { code },
    );
  }
  if (typeof code === "string" && NETWORK_ADVICE[code] !== undefined) {
    return new KintoneError((NETWORK_ADVICE[code] as (c: ErrorContext) => string)(ctx), { code });
  }
  const message = error instanceof Error ? error.message : String(error);
  // rest-api-client turns a non-JSON error body (a maintenance page, a proxy's error page) into "503: Service Unavailable".
  const statusLine = /^(\d{3}): (.*)$/.exec(message);
  if (statusLine) {
    const status = Number(statusLine[1]);
    if (status === 401) {
      return new KintoneError(
        `${ctx.host} asked for basic authentication (HTTP 401 without a Kintone answer): give --basic-auth-username and --basic-auth-password (or KINTONE_BASIC_AUTH_USERNAME/KINTONE_BASIC_AUTH_PASSWORD).`,
        { status },
      );
    }
    const why = status === 503 ? " (Kintone may be in maintenance)" : "";
    return new KintoneError(
      `${ctx.host} answered HTTP ${status} ${statusLine[2]} with a page that is not a Kintone API answer${why}: check --base-url and try again later.`,
      { status },
    );
  }
  if (/invalid clientCertAuth setting/.test(message)) {
    return new KintoneError(
      "the client certificate could not be used: check --pfx-file-path and --pfx-file-password (or KINTONE_PFX_FILE_PATH/KINTONE_PFX_FILE_PASSWORD).",
    );
  }
  if (typeof code === "string") {
    return new KintoneError(
      `the request to ${ctx.host} failed (${code}): check the network and --base-url.`,
      { code },
    );
  }
  return new KintoneError(`the request to ${ctx.host} failed: ${firstLine(message)}.`);
}

/** Kintone's own message without the request id and the "[status] [code]" prefix rest-api-client adds. */
function cleanKintoneMessage(error: KintoneRestAPIError): string {
  const raw = error.message;
  return firstLine(raw.replace(/^\[\d+\] \[[A-Z0-9_]+\] /, "").replace(/ \([A-Za-z0-9]+\)$/, "")).replace(
    /[.。]$/,
    "",
  );
}

function firstLine(text: string): string {
  return (text.split("\n")[0] ?? "").trim();
}

/** Raised when Kintone answers 2xx with something that is not the JSON the API documents. */
export function notKintoneAnswer(ctx: ErrorContext): KintoneError {
  return new KintoneError(
    `${ctx.host} answered with something that is not a Kintone API response (a login or maintenance page?): check --base-url (or KINTONE_BASE_URL).`,
  );
}
