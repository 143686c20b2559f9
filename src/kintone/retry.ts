import { KintoneRestAPIError } from "@kintone/rest-api-client";
import { classifyKintoneAnswer, isRetryable, RETRYABLE_NETWORK_CODES } from "./failures.js";

/** How long and how often a read may be retried. */
export type RetryPolicy = {
  /** Retries after the first attempt (default 4). */
  retries?: number;
  /** Never wait past this many milliseconds in all (default 20 s). */
  maxTotalMs?: number;
  /** First backoff (default 250 ms); it doubles each retry, with jitter. */
  baseMs?: number;
  /** Called before each retry, for logs and tests. */
  onRetry?: (attempt: number, delayMs: number, error: unknown) => void;
  /** Which failures may be tried again (default: isTransient, for @kintone/rest-api-client's errors). */
  isTransient?: (error: unknown) => boolean;
};

/**
 * Whether a failed Kintone call may be tried again: throttling (429 GAIA_TO04), server errors and maintenance pages
 * (5xx), and dropped or refused connections. Refusals (4xx) are final.
 */
export function isTransient(error: unknown): boolean {
  if (error instanceof KintoneRestAPIError)
    return isRetryable(classifyKintoneAnswer(error.status, error.code));
  const code = (error as { code?: unknown }).code;
  if (typeof code === "string" && RETRYABLE_NETWORK_CODES.has(code)) return true;
  const message = error instanceof Error ? error.message : "";
  return /^5\d\d: /.test(message) || /^429: /.test(message) || /socket hang up/i.test(message);
}

/** The wait Kintone asked for (Retry-After, in seconds), if any. */
function retryAfterMs(error: unknown): number | undefined {
  const given = (error as { retryAfterSeconds?: unknown }).retryAfterSeconds;
  if (typeof given === "number") return given * 1000;
  const headers = (error as { headers?: Record<string, unknown> }).headers;
  const value = headers?.["retry-after"];
  const seconds = Number(value);
  return value !== undefined && Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : undefined;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Runs a read, retrying transient failures with jittered exponential backoff that honours Retry-After, bounded in
 * count and total time. Only for calls that are safe to repeat: never for writes.
 */
export async function withRetry<T>(read: () => Promise<T>, policy: RetryPolicy = {}): Promise<T> {
  const retries = policy.retries ?? 4;
  const maxTotal = policy.maxTotalMs ?? 20_000;
  const base = policy.baseMs ?? 250;
  const transient = policy.isTransient ?? isTransient;
  const started = Date.now();
  for (let attempt = 0; ; attempt++) {
    try {
      return await read();
    } catch (error) {
      if (attempt >= retries || !transient(error)) throw error;
      const backoff = base * 2 ** attempt;
      const delay = Math.max(retryAfterMs(error) ?? 0, backoff / 2 + Math.random() * (backoff / 2));
      if (Date.now() - started + delay > maxTotal) throw error;
      policy.onRetry?.(attempt + 1, delay, error);
      await sleep(delay);
    }
  }
}
