import { KINTONE_LIMITS } from "../kintone/limits.js";
import { withRetry } from "../kintone/retry.js";
import { ProxyError } from "./errors.js";
import type { CallContext, ProxyDeps } from "./kintone-calls.js";
import { CallAbortedError, isTransientKintoneFailure, type KintoneRecordData } from "./kintone-client.js";
import { mapKintoneError } from "./kintone-errors.js";
import type { TokenBinding } from "./page-token.js";
import type { Resource } from "./spec-model.js";

/** Records per cursor read: Kintone's maximum, so walking to a deep position costs as few calls as possible. */
export const CURSOR_SIZE = KINTONE_LIMITS.pageMax;
/**
 * A cursor not read for this long is deleted (Kintone would keep it 10 minutes): a Flow paging loop asks for the
 * next page within seconds, and a cursor left behind blocks one of the domain's 10 for every tool.
 */
export const CURSOR_IDLE_MS = 2 * 60_000;
/** Finished listings kept so that their last page can be asked for again. */
const KEEP_FINISHED = 50;

/** The answer that tells a caller to start the listing again (docs/salesforce.md, paging loops). */
export function listingExpired(why: string): ProxyError {
  return new ProxyError(
    410,
    "ListingExpired",
    `${why}; start the listing again from its first page (without $skiptoken).`,
    { target: "$skiptoken" },
  );
}

type CursorState = {
  id: string;
  binding: TokenBinding;
  resource: Resource;
  /** The Kintone cursor still holds records (and one of Kintone's 10 cursor slots). */
  open: boolean;
  /** Records read from Kintone and not yet given to the caller. */
  buffer: KintoneRecordData[];
  /** Position (in the listing) of buffer[0]. */
  position: number;
  total: number;
  /** The page given last, so that a caller who lost the answer can ask for it again. */
  last: { position: number; records: KintoneRecordData[]; more: boolean } | undefined;
  lastUsed: number;
  /** Requests on one cursor run one after the other. */
  busy: Promise<unknown>;
};

export type CursorPage = {
  id: string;
  records: KintoneRecordData[];
  total: number;
  next: number | undefined;
};

/**
 * The Kintone cursors this proxy holds for listings in a custom order past Kintone's offset limit (10,000). At most
 * `max` are open at once (Kintone allows 10 per domain, shared with every other tool); a cursor is deleted as soon as
 * it is not needed, and one left idle is let go before Kintone expires it. Cursor reads are never retried: a read
 * moves the cursor, so a retry after a lost answer would skip a page. A failed read ends the listing with
 * 410 ListingExpired instead of a short page. A page may be asked for twice (its answer was lost): the same records
 * come back.
 */
export class CursorPool {
  private readonly states = new Map<string, CursorState>();
  private reserved = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly max: number,
    private readonly deps: ProxyDeps,
  ) {}

  /** While cursors are held, idle ones are let go every 15 s even when no request comes. */
  private watch(): void {
    if (this.timer !== undefined) return;
    this.timer = setInterval(() => {
      this.sweep(Date.now());
      if (![...this.states.values()].some((s) => s.open)) {
        clearInterval(this.timer);
        this.timer = undefined;
      }
    }, 15_000);
    this.timer.unref();
  }

  private openCount(): number {
    let open = this.reserved;
    for (const state of this.states.values()) if (state.open) open++;
    return open;
  }

  /** Lets go of cursors idle too long, and of finished listings beyond what is kept for replays. */
  private sweep(now: number): void {
    const finished: CursorState[] = [];
    for (const state of this.states.values()) {
      if (now - state.lastUsed > CURSOR_IDLE_MS) this.drop(state);
      else if (!state.open) finished.push(state);
    }
    finished.sort((a, b) => a.lastUsed - b.lastUsed);
    for (const state of finished.slice(0, Math.max(0, finished.length - KEEP_FINISHED)))
      this.states.delete(state.id);
  }

  /** Forgets a cursor and deletes it in Kintone (best effort: Kintone frees it within 10 minutes anyway). */
  private drop(state: CursorState): void {
    this.states.delete(state.id);
    if (state.open) {
      state.open = false;
      // Deleting twice is harmless, so a failed delete is retried like a read.
      withRetry(() => this.deps.records(state.resource).deleteCursor(state.id), {
        ...this.deps.retry,
        isTransient: isTransientKintoneFailure,
      }).catch(() => {});
    }
  }

  /** Deletes every open cursor (on shutdown). */
  async closeAll(): Promise<void> {
    clearInterval(this.timer);
    this.timer = undefined;
    const open = [...this.states.values()].filter((s) => s.open);
    this.states.clear();
    await Promise.allSettled(open.map((s) => this.deps.records(s.resource).deleteCursor(s.id)));
  }

  /** Reads from Kintone until the buffer holds `want` records or the cursor is done; a failed read ends the listing. */
  private async fill(ctx: CallContext, state: CursorState, want: number): Promise<void> {
    while (state.buffer.length < want && state.open) {
      let page: { records: KintoneRecordData[]; next: boolean };
      try {
        page = await ctx.once(state.resource, (k, signal) => k.getRecordsByCursor(state.id, signal));
      } catch (error) {
        this.drop(state);
        const mapped = mapKintoneError(error, state.resource.properties);
        if (mapped.status === 499) throw mapped;
        throw listingExpired(
          `Reading Kintone's cursor for this listing failed (${mapped.code}), so where it stood is unknown`,
        );
      }
      state.buffer.push(...page.records);
      if (!page.next) state.open = false;
    }
  }

  private take(state: CursorState, top: number, now: number): CursorPage {
    const records = state.buffer.splice(0, top);
    const start = state.position;
    state.position += records.length;
    const more = state.buffer.length > 0 || state.open;
    state.last = { position: start, records, more };
    state.lastUsed = now;
    return { id: state.id, records, total: state.total, next: more ? state.position : undefined };
  }

  /**
   * Starts a listing at `skip` with a new cursor (size 500), reading up to the position. The caller has checked
   * that the walk fits in the request's call budget.
   */
  async start(
    ctx: CallContext,
    resource: Resource,
    binding: TokenBinding,
    query: { fields: readonly string[] | undefined; query: string },
    skip: number,
    top: number,
  ): Promise<CursorPage> {
    const now = Date.now();
    this.sweep(now);
    if (this.openCount() >= this.max) {
      throw new ProxyError(
        503,
        "ProxyBusy",
        `The proxy already holds its ${this.max} Kintone cursors for deep listings; retry shortly (or page in id order, which needs none).`,
        { headers: { "retry-after": "30" } },
      );
    }
    this.reserved++;
    let created: { id: string; totalCount: number };
    try {
      // Retried like a read when the answer is lost: at worst Kintone holds an unused cursor until it expires.
      // Not abandoned when the caller hangs up: a cursor created after that must still be known, to be deleted.
      created = await ctx.read(resource, (k) =>
        k.createCursor({
          app: resource.appId,
          ...(query.fields ? { fields: query.fields } : {}),
          query: query.query,
          size: CURSOR_SIZE,
        }),
      );
    } catch (error) {
      throw mapKintoneError(error, resource.properties);
    } finally {
      this.reserved--;
    }
    const state: CursorState = {
      id: created.id,
      binding,
      resource,
      open: true,
      buffer: [],
      position: 0,
      total: created.totalCount,
      last: undefined,
      lastUsed: now,
      busy: Promise.resolve(),
    };
    this.states.set(state.id, state);
    this.watch();
    try {
      while (state.position + state.buffer.length <= skip && state.open) {
        // Whole pages before the position are read and dropped.
        state.position += state.buffer.length;
        state.buffer = [];
        await this.fill(ctx, state, 1);
      }
      const drop = Math.min(state.buffer.length, skip - state.position);
      state.buffer.splice(0, drop);
      state.position += drop;
      await this.fill(ctx, state, top);
    } catch (error) {
      this.drop(state);
      throw error;
    }
    if (ctx.signal.aborted) {
      this.drop(state);
      throw mapKintoneError(new CallAbortedError(), resource.properties);
    }
    const page = this.take(state, top, Date.now());
    if (page.next === undefined && !state.open) this.states.delete(state.id);
    return page;
  }

  /** Continues a listing from a cursor token; the same position twice gives the same page. */
  async next(
    ctx: CallContext,
    token: { id: string; p: number },
    binding: TokenBinding,
    top: number,
  ): Promise<CursorPage> {
    this.sweep(Date.now());
    const state = this.states.get(token.id);
    if (
      state === undefined ||
      state.binding.a !== binding.a ||
      state.binding.r !== binding.r ||
      state.binding.f !== binding.f
    ) {
      throw listingExpired(
        "This listing's Kintone cursor is no longer held by this proxy (it was let go after 2 minutes without a page read, the proxy restarted, or another instance made the token)",
      );
    }
    const run = state.busy.then(async (): Promise<CursorPage> => {
      if (state.last !== undefined && token.p === state.last.position) {
        state.lastUsed = Date.now();
        return {
          id: state.id,
          records: state.last.records,
          total: state.total,
          next: state.last.more ? state.last.position + state.last.records.length : undefined,
        };
      }
      if (token.p !== state.position) {
        throw listingExpired("This page of the listing was already read and passed");
      }
      await this.fill(ctx, state, top);
      return this.take(state, top, Date.now());
    });
    state.busy = run.catch(() => {});
    return run;
  }
}
