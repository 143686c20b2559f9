import { CUSTOM_ORDER_SKIP_MAX, KINTONE_LIMITS, PROXY_CALL_BUDGET, SKIP_MAX } from "../../kintone/limits.js";
import { FilterError, parseFilter } from "../../odata/parse-filter.js";
import {
  parseBoolean,
  parseInteger,
  parseOrderBy,
  parseSelect,
  QueryOptionError,
  type SortKey,
} from "../../odata/query-options.js";
import { translateFilter } from "../../odata/translate-filter.js";
import { toApiRecord } from "../convert.js";
import type { CursorPage, CursorPool } from "../cursors.js";
import { ProxyError } from "../errors.js";
import type { CallContext } from "../kintone-calls.js";
import type { KintoneRecordData } from "../kintone-client.js";
import { decodeToken, encodeToken, fingerprint, type PageToken, type TokenBinding } from "../page-token.js";
import type { Resource } from "../spec-model.js";

const PAGE_MAX = KINTONE_LIMITS.pageMax;
const OFFSET_MAX = KINTONE_LIMITS.offsetMax;

/** Turns an OData option error into the proxy's 400. */
export function optionError(error: unknown): never {
  if (error instanceof FilterError) {
    throw new ProxyError(
      400,
      "InvalidFilter",
      `$filter: ${error.message} (at character ${error.position + 1}).`,
      { target: "$filter" },
    );
  }
  if (error instanceof QueryOptionError)
    throw new ProxyError(400, "InvalidParameter", `${error.message}.`, { target: error.option });
  throw error;
}

type ListQuery = {
  top: number;
  skip: number;
  count: boolean;
  condition: string;
  order: SortKey[];
  select: ReturnType<typeof parseSelect> | undefined;
  token: PageToken | undefined;
  binding: TokenBinding;
};

function parseListQuery(resource: Resource, route: string, q: URLSearchParams): ListQuery {
  const props = resource.properties;
  try {
    const top = parseInteger(q.get("$top") ?? undefined, "$top", 100, 1, PAGE_MAX);
    const skip = parseInteger(q.get("$skip") ?? undefined, "$skip", 0, 0, SKIP_MAX);
    const count = parseBoolean(q.get("$count") ?? undefined, "$count");
    const filter = q.get("$filter");
    const condition =
      filter !== null && filter.trim() !== "" ? translateFilter(parseFilter(filter), props) : "";
    const orderby = q.get("$orderby");
    const order = orderby !== null && orderby.trim() !== "" ? parseOrderBy(orderby, props) : [];
    const selectText = q.get("$select");
    const select = selectText !== null ? parseSelect(selectText, props) : undefined;
    const binding: TokenBinding = {
      a: resource.appId,
      r: route,
      f: fingerprint([q.get("$filter") ?? "", q.get("$orderby") ?? "", q.get("$select") ?? ""]),
    };
    const tokenText = q.get("$skiptoken");
    const token = tokenText !== null ? decodeToken(tokenText, binding) : undefined;
    return { top, skip, count, condition, order, select, token, binding };
  } catch (error) {
    optionError(error);
  }
}

const and = (...parts: string[]) =>
  parts
    .filter(Boolean)
    .map((p) => `(${p})`)
    .join(" and ");

function tooDeep(skip: number, why: string): ProxyError {
  return new ProxyError(
    400,
    "SkipTooDeep",
    `$skip=${skip} ${why}: page with the skipToken (or nextLink) of each page instead, or order by id (any depth).`,
    { target: "$skip" },
  );
}

type Page = { records: KintoneRecordData[]; total: number | undefined; next: PageToken | undefined };

const empty = (total: number | undefined): Page => ({ records: [], total, next: undefined });

/** A listing in id order: seeks by $id, so pages never skip or repeat a record and any depth is reachable. */
async function listById(ctx: CallContext, resource: Resource, q: ListQuery): Promise<Page> {
  const app = resource.appId;
  const direction = q.order[0]?.direction ?? "desc";
  const beyond = (id: number) => `$id ${direction === "desc" ? "<" : ">"} ${id}`;
  let after = q.token?.m === "seek" ? q.token.last : undefined;
  let toSkip = q.token === undefined ? q.skip : q.token.m === "offset" ? q.token.skip : 0;
  let total: number | undefined;
  if (toSkip > OFFSET_MAX) {
    // Far down: each call jumps 10,001 records (limit 1 at the largest offset) and seeks on from the id it lands on.
    const jumps = Math.ceil((toSkip - OFFSET_MAX) / (OFFSET_MAX + 1));
    const counted = await ctx.read(resource, (k, signal) =>
      k.getRecords({ app, fields: ["$id"], query: `${q.condition} limit 1`, totalCount: true }, signal),
    );
    total = counted.totalCount as number;
    if (toSkip >= total) return empty(q.count ? total : undefined);
    if (jumps + 2 > ctx.remaining)
      throw tooDeep(
        toSkip,
        `would take ${jumps + 2} more Kintone calls, and this request has ${ctx.remaining} left of the ${PROXY_CALL_BUDGET} one request may make`,
      );
    while (toSkip > OFFSET_MAX) {
      const seek = after !== undefined ? beyond(after) : "";
      const page = await ctx.read(resource, (k, signal) =>
        k.getRecords(
          {
            app,
            fields: ["$id"],
            query: `${and(q.condition, seek)} order by $id ${direction} limit 1 offset ${OFFSET_MAX}`,
          },
          signal,
        ),
      );
      const landed = page.records[0]?.$id?.value;
      if (landed === undefined) return empty(q.count ? total : undefined);
      after = Number(landed);
      toSkip -= OFFSET_MAX + 1;
    }
  }
  const seek = after !== undefined ? beyond(after) : "";
  const offset = toSkip > 0 ? ` offset ${toSkip}` : "";
  const withCount = q.count && total === undefined && q.token === undefined;
  const page = await ctx.read(resource, (k, signal) =>
    k.getRecords(
      {
        app,
        ...(q.select ? { fields: q.select.codes } : {}),
        query: `${and(q.condition, seek)} order by $id ${direction} limit ${q.top}${offset}`,
        totalCount: withCount,
      },
      signal,
    ),
  );
  if (withCount) total = page.totalCount;
  else if (q.count && total === undefined) {
    const counted = await ctx.read(resource, (k, signal) =>
      k.getRecords({ app, fields: ["$id"], query: `${q.condition} limit 1`, totalCount: true }, signal),
    );
    total = counted.totalCount;
  }
  const last = page.records[page.records.length - 1]?.$id?.value;
  const next: PageToken | undefined =
    page.records.length === q.top && last !== undefined
      ? { m: "seek", last: Number(last), ...q.binding }
      : undefined;
  return { records: page.records, total: q.count ? total : undefined, next };
}

/**
 * A listing in a custom order: Kintone's offset up to 10,000, then a Kintone cursor the proxy holds (see
 * CursorPool), continued by skipToken one call a page.
 */
async function listByOrder(
  ctx: CallContext,
  resource: Resource,
  q: ListQuery,
  pool: CursorPool,
): Promise<Page> {
  const app = resource.appId;
  const sort = ` order by ${q.order.map((k) => `${k.code} ${k.direction}`).join(", ")}, $id asc`;
  const fields = q.select?.codes;
  const wrap = (page: CursorPage): Page => ({
    records: page.records,
    total: q.count ? page.total : undefined,
    next: page.next !== undefined ? { m: "cursor", id: page.id, p: page.next, ...q.binding } : undefined,
  });
  if (q.token?.m === "cursor") {
    return wrap(await pool.next(ctx, q.token, q.binding, q.top));
  }
  const offset = q.token?.m === "offset" ? q.token.skip : q.token === undefined ? q.skip : 0;
  if (offset <= OFFSET_MAX) {
    const page = await ctx.read(resource, (k, signal) =>
      k.getRecords(
        {
          app,
          ...(fields ? { fields } : {}),
          query: `${q.condition}${sort} limit ${q.top} offset ${offset}`,
          totalCount: true,
        },
        signal,
      ),
    );
    const total = page.totalCount as number;
    const position = offset + page.records.length;
    const next: PageToken | undefined =
      page.records.length > 0 && position < total ? { m: "offset", skip: position, ...q.binding } : undefined;
    return { records: page.records, total: q.count ? total : undefined, next };
  }
  // Past Kintone's offset limit: a cursor, read from the start up to the position.
  const counted = await ctx.read(resource, (k, signal) =>
    k.getRecords({ app, fields: ["$id"], query: `${q.condition} limit 1`, totalCount: true }, signal),
  );
  const total = counted.totalCount as number;
  if (offset >= total) return empty(q.count ? total : undefined);
  if (offset > CUSTOM_ORDER_SKIP_MAX)
    throw tooDeep(
      offset,
      `is deeper than ${CUSTOM_ORDER_SKIP_MAX.toLocaleString("en-US")}, the deepest position a custom $orderby reaches within the ${PROXY_CALL_BUDGET} Kintone calls one request may make`,
    );
  return wrap(
    await pool.start(ctx, resource, q.binding, { fields, query: `${q.condition}${sort}` }, offset, q.top),
  );
}

/** The list operation: OData options → Kintone query, paged within a bounded number of Kintone calls. */
export async function listRecords(
  ctx: CallContext,
  resource: Resource,
  route: string,
  url: URL,
  pool: CursorPool,
): Promise<Record<string, unknown>> {
  const q = parseListQuery(resource, route, url.searchParams);
  const byId = q.order.length === 0 || (q.order.length === 1 && q.order[0]?.code === "$id");
  const page = byId ? await listById(ctx, resource, q) : await listByOrder(ctx, resource, q, pool);
  const body: Record<string, unknown> = {
    value: page.records.map((record) => toApiRecord(record, resource.properties, q.select?.names)),
  };
  if (q.count && page.total !== undefined) body.count = page.total;
  if (page.next !== undefined) {
    const skipToken = encodeToken(page.next);
    // The caller's own query, less $skip and any previous $skiptoken (no URLSearchParams round trip: hot path).
    const kept = url.search
      .slice(1)
      .split("&")
      .filter((part) => part !== "" && !/^(\$|%24)(skip|skiptoken)(=|$)/i.test(part));
    kept.push(`%24skiptoken=${skipToken}`);
    body.nextLink = `${url.origin}${url.pathname}?${kept.join("&")}`;
    body.skipToken = skipToken;
  }
  return body;
}
