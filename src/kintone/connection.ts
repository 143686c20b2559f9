/** How to reach and authenticate with Kintone, after flags, env and config were resolved. */
export type ConnectionOptions = {
  baseUrl: string;
  auth: KintoneAuth;
  basicAuth?: { username: string; password: string };
  clientCert?: { pfxFilePath: string; password: string };
  guestSpaceId?: string;
  preview?: boolean;
  /** Socket timeout per request, in milliseconds. */
  timeoutMs?: number;
  /** How many metadata requests may be in flight at once. */
  concurrency?: number;
  /** Retries of reads that failed transiently (429, 5xx, dropped connections). */
  retry?: import("./retry.js").RetryPolicy;
};

export type KintoneAuth =
  | { kind: "password"; username: string; password: string }
  | { kind: "apiToken"; tokens: string[] }
  | { kind: "oauth"; token: string };

export const DEFAULT_CONCURRENCY = 8;
export const DEFAULT_TIMEOUT_MS = 30_000;
