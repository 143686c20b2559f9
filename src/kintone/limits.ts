/** Kintone's limits the proxy pages and budgets around (kintone-api.md §3). */
export const KINTONE_LIMITS = {
  /** Records per GET records.json (`limit`), and per cursor read (`size`). */
  pageMax: 500,
  /** Largest `offset` of a records query. */
  offsetMax: 10_000,
  /** Cursors that can exist at once per domain. */
  cursorsPerDomain: 10,
  /** Records per add, update or delete call (records.json). */
  recordsPerWrite: 100,
  /** Requests in one bulkRequest. */
  bulkRequests: 20,
} as const;

/**
 * The most records one bulk operation takes: what fits in one bulkRequest (20 calls of 100), so that Kintone applies
 * all of them or none.
 */
export const BULK_MAX_RECORDS = KINTONE_LIMITS.recordsPerWrite * KINTONE_LIMITS.bulkRequests;

/**
 * The body limit of a bulk operation (stated in the spec's description of each): 2,000 records need more than the
 * proxy's default limit of 1 MB. 12 MB is the most a Salesforce callout can send (asynchronous Apex; 6 MB
 * synchronous), so a larger limit would serve no caller of the spec.
 */
export const BULK_MAX_BODY_BYTES = 12 * 1024 * 1024;

/**
 * The most Kintone calls one proxy request may make, retries included (docs/proxy.md; stated in the spec's $skip
 * description). Kintone counts calls per app per day (10,000 on the standard course).
 */
export const PROXY_CALL_BUDGET = 25;

/** How deep a first page in a custom $orderby can start within the budget (a cursor read from the start, 500 a call). */
export const CUSTOM_ORDER_SKIP_MAX = (PROXY_CALL_BUDGET - 4) * KINTONE_LIMITS.pageMax;

/** The largest record id or revision the API takes: 2^53 − 1, the largest integer a JSON number holds exactly. */
export const MAX_RECORD_ID = Number.MAX_SAFE_INTEGER;

/** The largest `$skip` the API takes at all (int32); how deep a listing can really start is bounded by PROXY_CALL_BUDGET. */
export const SKIP_MAX = 2_147_483_647;

/** The longest `$skiptoken` the proxy makes or takes (stated in the spec; longer ones are refused unread). */
export const SKIP_TOKEN_MAX = 512;

/**
 * The largest file the files operations move, in bytes once decoded (stated in the spec): its base64 text is 12,000,000
 * characters, which fits Salesforce's largest callout (12 MB, asynchronous Apex); a synchronous callout (Flow) carries
 * at most 6 MB, about 4.4 MB of file. Kintone's own limit is 1 GB per file.
 */
export const FILE_MAX_BYTES = 9_000_000;

/** The body limit of the upload operation: the file's base64 text and room for its name and type. */
export const FILE_UPLOAD_BODY_MAX = Math.ceil(FILE_MAX_BYTES / 3) * 4 + 16 * 1024;

/** Kintone answers at most 10 comments a call (GET /k/v1/record/comments.json `limit`). */
export const COMMENTS_PER_CALL = 10;

/** The largest `$top` of the list-comments operation: at most 10 Kintone calls a request. */
export const COMMENTS_TOP_MAX = 100;

/** Kintone's longest comment text, in characters. */
export const COMMENT_TEXT_MAX = 65_535;
