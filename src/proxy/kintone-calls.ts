import { PROXY_CALL_BUDGET } from "../kintone/limits.js";
import { type RetryPolicy, withRetry } from "../kintone/retry.js";
import { ProxyError } from "./errors.js";
import {
  CallAbortedError,
  type Hangup,
  isTransientKintoneFailure,
  KintoneApiError,
  KintoneBadResponseError,
  KintoneNetworkError,
  type KintoneRecords,
} from "./kintone-client.js";
import { mapKintoneError } from "./kintone-errors.js";
import type { Resource } from "./spec-model.js";

/** Bounds the Kintone calls in flight; callers beyond the queue limit get 503 instead of piling up in memory. */
export class Limiter {
  private active = 0;
  private readonly waiting: Array<{ start: () => void }> = [];
  constructor(
    private readonly max: number,
    private readonly maxQueue: number,
  ) {}

  async run<T>(task: () => Promise<T>, signal?: Hangup): Promise<T> {
    if (this.active >= this.max) {
      if (this.waiting.length >= this.maxQueue) {
        throw new ProxyError(503, "ProxyBusy", "The proxy is handling too many requests; retry shortly.", {
          headers: { "retry-after": "1" },
        });
      }
      await new Promise<void>((resolve, reject) => {
        const entry = { start: resolve };
        this.waiting.push(entry);
        signal?.once("abort", () => {
          const index = this.waiting.indexOf(entry);
          if (index >= 0) {
            this.waiting.splice(index, 1);
            reject(new CallAbortedError());
          }
        });
      });
    } else {
      this.active++;
    }
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      if (next) next.start();
      else this.active--;
    }
  }
}

/** What every request shares: the concurrency bound, a record client per guest space, the retry policy. */
export type ProxyDeps = {
  limiter: Limiter;
  records(resource: Resource): KintoneRecords;
  retry: RetryPolicy | undefined;
};

/** One request's Kintone calls: counted against PROXY_CALL_BUDGET, and abandoned when the caller hangs up. */
export class CallContext {
  calls = 0;
  constructor(
    readonly deps: ProxyDeps,
    readonly signal: Hangup,
  ) {}

  get remaining(): number {
    return PROXY_CALL_BUDGET - this.calls;
  }

  private attempt<T>(resource: Resource, call: (k: KintoneRecords, signal: Hangup) => Promise<T>) {
    return this.deps.limiter.run(() => {
      if (this.signal.aborted) throw new CallAbortedError();
      if (this.calls >= PROXY_CALL_BUDGET) {
        throw new ProxyError(
          503,
          "KintoneUnavailable",
          `Kintone kept failing within this request's budget of ${PROXY_CALL_BUDGET} calls; retry later.`,
          { headers: { "retry-after": "5" } },
        );
      }
      this.calls++;
      return call(this.deps.records(resource), this.signal);
    }, this.signal);
  }

  /** A read that is safe to repeat: transient failures are retried (bounded by the policy and the budget). */
  async read<T>(resource: Resource, call: (k: KintoneRecords, signal: Hangup) => Promise<T>): Promise<T> {
    try {
      return await withRetry(() => this.attempt(resource, call), {
        ...this.deps.retry,
        isTransient: isTransientKintoneFailure,
      });
    } catch (error) {
      throw mapKintoneError(error, resource.properties);
    }
  }

  /** A call that must not be repeated (a cursor read moves the cursor): one attempt, errors unmapped. */
  once<T>(resource: Resource, call: (k: KintoneRecords, signal: Hangup) => Promise<T>): Promise<T> {
    return this.attempt(resource, call);
  }

  /**
   * A write: never retried (a create must not run twice) and not abandoned when the caller hangs up (Kintone's
   * state must not be left in doubt). When it fails after it may have reached Kintone (a dropped connection, a
   * timeout, a gateway error, a success answer of the wrong shape), the answer says that the outcome is unknown
   * and how to check; a refusal Kintone answered means nothing was written and is mapped as usual.
   */
  async write<T>(resource: Resource, what: string, call: (k: KintoneRecords) => Promise<T>): Promise<T> {
    try {
      return await this.deps.limiter.run(() => {
        this.calls++;
        return call(this.deps.records(resource));
      });
    } catch (error) {
      const mayHaveApplied =
        ((error instanceof KintoneNetworkError || error instanceof KintoneBadResponseError) &&
          error.mayHaveApplied) ||
        (error instanceof KintoneApiError && error.status >= 500 && error.status !== 503);
      if (mayHaveApplied) {
        const timeout = error instanceof KintoneNetworkError && error.code === "ETIMEDOUT";
        throw new ProxyError(
          timeout ? 504 : 502,
          "WriteOutcomeUnknown",
          `The ${what} was sent to Kintone but no usable answer came back, so it may or may not have been applied: read the record (or list with a filter on a unique property) before trying again.`,
        );
      }
      throw mapKintoneError(error, resource.properties);
    }
  }
}
