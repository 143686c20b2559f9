/**
 * What a failed Kintone call means, decided once (kintone-api.md §5.3) from its HTTP status and Kintone error code,
 * or from the network error code when no answer came. `generate` and `snapshot` (through @kintone/rest-api-client),
 * the proxy (through its undici client), the retry policy and the interactive sign-in all ask this module, so that
 * they cannot disagree about which failures are worth a retry or which mean "ask for the password again".
 */
export type KintoneFailure =
  /** The credentials were refused: a wrong password or token, or none given. Asking again may help. */
  | "credentials"
  /** The credentials are fine but may not do this (token permissions, app permissions). */
  | "permission"
  /** Too many requests at once (429 GAIA_TO04, or a 429 with no code): retry after a short wait. */
  | "throttled"
  /** All 10 cursors of the domain are in use (GAIA_TM12): waiting seconds does not free one. */
  | "cursor-limit"
  /** Kintone is down or in maintenance (5xx): retry later. */
  | "unavailable"
  /** The record failed Kintone's validation (CB_VA01 with per-field errors). */
  | "validation"
  /** No record with this id (GAIA_RE01). */
  | "record-not-found"
  /** The record changed since the given revision (GAIA_CO02). */
  | "conflict"
  /** A lookup value matches no record of the related app (GAIA_LO04). */
  | "lookup-not-found"
  /** The app does not exist (GAIA_AP01). */
  | "app-not-found"
  /** The app is in a guest space and was called without its space id (GAIA_IL23). */
  | "guest-space"
  /** The query was refused (GAIA_IQ*, GAIA_QU*, GAIA_IR02). */
  | "query"
  /** Any other refusal (4xx): final. */
  | "refused"
  /** The connection failed or dropped before an answer: retry may help. */
  | "network";

const CREDENTIALS = new Set(["CB_WA01", "CB_AU01", "GAIA_IA02", "CB_OA01"]);
const PERMISSION = new Set(["GAIA_NO01", "CB_NO02", "GAIA_DA03"]);

/** Network error codes (Node and undici, normalised) after which a read may be tried again. */
export const RETRYABLE_NETWORK_CODES: ReadonlySet<string> = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "EPIPE",
  "ETIMEDOUT",
  "ECONNABORTED",
  "EAI_AGAIN",
  "ENETUNREACH",
  "EHOSTUNREACH",
  "ERR_SOCKET_CONNECTION_TIMEOUT",
]);

/** Classifies an answer Kintone (or something in front of it) gave: its HTTP status and error code, if any. */
export function classifyKintoneAnswer(status: number, code: string | undefined): KintoneFailure {
  if (code !== undefined) {
    if (CREDENTIALS.has(code)) return "credentials";
    if (PERMISSION.has(code)) return "permission";
    if (code === "GAIA_TM12") return "cursor-limit";
    if (code === "GAIA_TO04") return "throttled";
    if (code === "CB_VA01") return status >= 500 ? "unavailable" : "validation";
    if (code === "GAIA_RE01") return "record-not-found";
    if (code === "GAIA_CO02") return "conflict";
    if (code === "GAIA_LO04") return "lookup-not-found";
    if (code === "GAIA_AP01") return "app-not-found";
    if (code === "GAIA_IL23") return "guest-space";
    if (code.startsWith("GAIA_IQ") || code.startsWith("GAIA_QU") || code === "GAIA_IR02") return "query";
  }
  if (status === 429) return "throttled";
  if (status >= 500) return "unavailable";
  if (status === 401) return "credentials";
  if (status === 403) return "permission";
  return "refused";
}

/** Whether a failure of this class may be tried again (reads only; a write is never repeated blindly). */
export function isRetryable(failure: KintoneFailure): boolean {
  return failure === "throttled" || failure === "unavailable" || failure === "network";
}
