import { BULK_ITEM } from "../../generate/operations/bulk.js";
import { FIELD_KINDS } from "../../kintone/field-types.js";
import {
  BULK_MAX_BODY_BYTES,
  BULK_MAX_RECORDS,
  KINTONE_LIMITS,
  MAX_RECORD_ID,
} from "../../kintone/limits.js";
import { toKintoneRecord } from "../convert.js";
import { type ErrorDetail, ProxyError } from "../errors.js";
import type { CallContext } from "../kintone-calls.js";
import { type BulkCall, KintoneApiError } from "../kintone-client.js";
import { mapKintoneError } from "../kintone-errors.js";
import type { Resource } from "../spec-model.js";
import { atMostAtOnce } from "./at-once.js";
import type { OptionalRequest } from "./optional.js";
import { toKintoneUpdate } from "./update.js";

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json =>
  typeof value === "object" && value !== null && !Array.isArray(value);

const PER_CALL = KINTONE_LIMITS.recordsPerWrite;
const COUNT = BULK_MAX_RECORDS.toLocaleString("en-US");

/** The list a bulk body holds (`records` or `ids`): 1 to BULK_MAX_RECORDS entries; more is a 413 that says to split. */
function listOf(body: unknown, name: string, allowed: readonly string[]): unknown[] {
  if (!isObject(body))
    throw new ProxyError(
      400,
      "InvalidBody",
      `The request body must be a JSON object with a list named ${name}.`,
    );
  const unknown = Object.keys(body).find((key) => !allowed.includes(key));
  if (unknown !== undefined)
    throw new ProxyError(
      400,
      "ValidationFailed",
      `${unknown.slice(0, 100)} is not a property of this body; it takes ${allowed.join(" and ")}.`,
      { target: unknown.slice(0, 100) },
    );
  const list = body[name];
  if (!Array.isArray(list) || list.length === 0)
    throw new ProxyError(400, "ValidationFailed", `${name} must be a list of 1 to ${COUNT} entries.`, {
      target: name,
    });
  if (list.length > BULK_MAX_RECORDS)
    throw new ProxyError(
      413,
      "TooManyRecords",
      `${name} holds ${list.length} entries; one call takes at most ${COUNT} (what Kintone writes all or nothing): split the list and send each part in its own call.`,
      { target: name },
    );
  return list;
}

/** A problem of one entry of the list, named by its position: `records[17].email`. */
function atIndex(error: unknown, list: string, index: number): unknown {
  if (!(error instanceof ProxyError)) return error;
  const target = `${list}[${index}]`;
  return new ProxyError(error.status, error.code, `${target} (counting from 0): ${error.message}`, {
    target,
    ...(error.details !== undefined
      ? {
          details: error.details.map((d) => ({
            ...d,
            ...(d.target !== undefined ? { target: `${target}.${d.target}` } : {}),
          })),
        }
      : {}),
    headers: error.headers,
  });
}

/**
 * One call of the bulkRequest: where its entries start in the caller's list, how many, what Kintone may name each by
 * in an error (its id, or its key's value), and, for entries given by id, the id and the revision the caller expects.
 */
type Chunk = {
  start: number;
  size: number;
  ids?: readonly string[];
  expected?: ReadonlyArray<{ id: string; revision: string } | undefined>;
};

/** Kintone refused the bulkRequest (nothing was written): the answer, and which call and entry it was. */
class BulkRefusal extends ProxyError {
  constructor(
    readonly mapped: ProxyError,
    readonly chunk: number,
    readonly index: number | undefined,
    list: string,
    chunks: readonly Chunk[],
    /** Where an entry holds the record's properties: "record." in a bulk update's entries. */
    inner: string,
  ) {
    const { start, size } = chunks[chunk] as Chunk;
    const target =
      index !== undefined ? `${list}[${index}]` : `${list}[${start}]..${list}[${start + size - 1}]`;
    const details: ErrorDetail[] | undefined = mapped.details?.map((d) => ({
      ...d,
      target: index !== undefined && d.target !== undefined ? `${target}.${inner}${d.target}` : target,
    }));
    const which = index !== undefined ? `${target} (counting from 0)` : `one of ${target} (counting from 0)`;
    super(mapped.status, mapped.code, `Nothing was written: Kintone refused ${which}. ${mapped.message}`, {
      target,
      ...(details !== undefined ? { details } : {}),
      headers: mapped.headers,
    });
  }
}

/**
 * Kintone refused the bulkRequest: nothing was written. Its `bulkRequestIndex` and the index in its error keys
 * (`records[5].title.value`), or the record id its message names, give the entry of the caller's list.
 */
function refused(
  error: unknown,
  resource: Resource,
  chunks: readonly Chunk[],
  list: string,
  inner: string,
): unknown {
  // A 5xx is not a refusal: whether anything was applied is unknown (ctx.write answers WriteOutcomeUnknown).
  if (!(error instanceof KintoneApiError) || error.bulkRequestIndex === undefined || error.status >= 500)
    return error;
  const chunk = chunks[error.bulkRequestIndex];
  if (chunk === undefined) return error;
  let local: number | undefined;
  for (const key of isObject(error.errors) ? Object.keys(error.errors) : []) {
    const match = /^(?:records|ids)\[(\d+)\]/.exec(key);
    if (match !== null) {
      local = Number(match[1]);
      break;
    }
  }
  if (local === undefined && chunk.ids !== undefined) {
    // "The specified record (ID: 12) is not found.": the id (or the key's value) it names.
    const id = /\(id: ([^)]*)\)/i.exec(error.kintoneMessage)?.[1];
    const at = id !== undefined ? chunk.ids.indexOf(id) : -1;
    if (at >= 0) local = at;
  }
  if (local === undefined && chunk.size === 1) local = 0;
  const index = local !== undefined && local < chunk.size ? chunk.start + local : undefined;
  return new BulkRefusal(
    mapKintoneError(error, resource.properties),
    error.bulkRequestIndex,
    index,
    list,
    chunks,
    inner,
  );
}

/**
 * Which entry of a refused call has a stale revision (Kintone's conflict error does not say): one read of the call's
 * records by id, their current revisions against the expected ones. Undefined when it cannot tell.
 */
async function staleEntry(ctx: CallContext, resource: Resource, chunk: Chunk): Promise<number | undefined> {
  const expected = chunk.expected ?? [];
  const ids = expected.flatMap((entry) => (entry !== undefined ? [entry.id] : []));
  if (ids.length === 0) return undefined;
  try {
    const { records } = await ctx.read(resource, (k, signal) =>
      k.getRecords(
        {
          app: resource.appId,
          fields: ["$id", "$revision"],
          query: `$id in (${ids.join(",")}) limit ${KINTONE_LIMITS.recordsPerWrite}`,
        },
        signal,
      ),
    );
    const current = new Map(records.map((r) => [String(r.$id?.value), String(r.$revision?.value)]));
    const at = expected.findIndex((entry) => entry !== undefined && current.get(entry.id) !== entry.revision);
    return at >= 0 ? chunk.start + at : undefined;
  } catch {
    return undefined;
  }
}

/** Sends the calls in one bulkRequest (never retried: a write) and lists the written records in input order. */
async function send(
  ctx: CallContext,
  resource: Resource,
  what: string,
  calls: BulkCall[],
  chunks: Chunk[],
  list: string,
  inner = "",
) {
  try {
    const results = await ctx.write(resource, what, (k) =>
      k.bulkWrite(resource.appId, calls).catch((error) => {
        throw refused(error, resource, chunks, list, inner);
      }),
    );
    return results.flat().map((r) => ({ id: Number(r.id), revision: Number(r.revision) }));
  } catch (error) {
    if (error instanceof BulkRefusal && error.index === undefined && error.status === 409) {
      const chunk = chunks[error.chunk] as Chunk;
      const index = await staleEntry(ctx, resource, chunk);
      if (index !== undefined) throw new BulkRefusal(error.mapped, error.chunk, index, list, chunks, inner);
    }
    throw error;
  }
}

/** Splits the list into Kintone's 100-record calls. */
function chunked<T>(items: readonly T[]): Array<{ start: number; items: T[] }> {
  const out: Array<{ start: number; items: T[] }> = [];
  for (let start = 0; start < items.length; start += PER_CALL)
    out.push({ start, items: items.slice(start, start + PER_CALL) });
  return out;
}

function positive(value: unknown, target: string, what: string): string {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 1 || value > MAX_RECORD_ID)
    throw new ProxyError(400, "ValidationFailed", `${target} must be ${what}, a whole number from 1.`, {
      target,
    });
  return String(value);
}

async function bulkCreate({ ctx, resource, body, reply }: OptionalRequest) {
  const list = listOf(await body(BULK_MAX_BODY_BYTES), "records", ["records"]);
  const records = list.map((item, i) => {
    try {
      return toKintoneRecord(item, resource.properties, resource.required);
    } catch (error) {
      throw atIndex(error, "records", i);
    }
  });
  const parts = chunked(records);
  const written = await send(
    ctx,
    resource,
    "bulk create",
    parts.map((part) => ({ kind: "add", records: part.items })),
    parts.map((part) => ({ start: part.start, size: part.items.length })),
    "records",
  );
  return reply.json({ records: written });
}

const ITEM_KEYS = Object.values(BULK_ITEM) as string[];

/** One entry of a bulk update as Kintone takes it: `id` or `updateKey`, the record, the revision. */
function updateItem(
  item: unknown,
  resource: Resource,
  keys: ReadonlySet<string>,
): { entry: Json; id: string } {
  if (!isObject(item)) throw new ProxyError(400, "ValidationFailed", "It must be an object.");
  const unknown = Object.keys(item).find((key) => !ITEM_KEYS.includes(key));
  if (unknown !== undefined)
    throw new ProxyError(
      400,
      "ValidationFailed",
      `${unknown.slice(0, 100)} is not a property of an entry; entries take ${ITEM_KEYS.join(", ")}.`,
      { target: unknown.slice(0, 100) },
    );
  const { id, keyProperty, keyValue, revision, record } = item as Record<string, unknown>;
  const hasId = id !== undefined && id !== null;
  const hasKey = keyProperty !== undefined && keyProperty !== null;
  if (hasId === hasKey)
    throw new ProxyError(
      400,
      "ValidationFailed",
      `Give either ${BULK_ITEM.id} or ${BULK_ITEM.keyProperty} and ${BULK_ITEM.keyValue}, to say which record to change.`,
    );
  if (!isObject(record))
    throw new ProxyError(
      400,
      "ValidationFailed",
      `${BULK_ITEM.record} must be an object of the properties to change.`,
      {
        target: BULK_ITEM.record,
      },
    );
  const entry: Json = {
    record: (() => {
      try {
        return toKintoneUpdate(record, resource);
      } catch (error) {
        throw atIndexInside(error, BULK_ITEM.record);
      }
    })(),
  };
  let recordIdText: string | undefined;
  if (hasId) {
    recordIdText = positive(id, BULK_ITEM.id, "a record ID");
    entry.id = recordIdText;
  } else {
    // Only the properties the spec offers (unique in Kintone when it was generated), found by an outside attack:
    // any text or number property was sent to Kintone, whose refusal named its own internals.
    const info =
      typeof keyProperty === "string" && keys.has(keyProperty)
        ? resource.properties.get(keyProperty)
        : undefined;
    if (info === undefined || info.readOnly || FIELD_KINDS[info.kind].updateKey !== true || info.inTable)
      throw new ProxyError(
        400,
        "ValidationFailed",
        keys.size === 0
          ? `${BULK_ITEM.keyProperty} cannot be used for this app (it has no property that prohibits duplicate values): give ${BULK_ITEM.id}.`
          : `${BULK_ITEM.keyProperty} must be one of ${[...keys].join(", ")}, the properties that prohibit duplicate values.`,
        { target: BULK_ITEM.keyProperty },
      );
    if ((typeof keyValue !== "string" && typeof keyValue !== "number") || keyValue === "")
      throw new ProxyError(
        400,
        "ValidationFailed",
        `${BULK_ITEM.keyValue} must be the value of ${keyProperty}.`,
        {
          target: BULK_ITEM.keyValue,
        },
      );
    let field: { value?: unknown } | undefined;
    try {
      field = toKintoneRecord({ [keyProperty as string]: keyValue }, resource.properties)[info.code];
    } catch (error) {
      // The value is keyValue's, whatever property it is checked as.
      if (!(error instanceof ProxyError)) throw error;
      const why = error.details?.[0]?.message ?? error.message;
      throw new ProxyError(error.status, error.code, `${BULK_ITEM.keyValue}: ${why}`, {
        target: BULK_ITEM.keyValue,
        details: [{ code: error.details?.[0]?.code ?? error.code, message: why, target: BULK_ITEM.keyValue }],
      });
    }
    entry.updateKey = { field: info.code, value: String(field?.value ?? keyValue) };
  }
  if (revision !== undefined && revision !== null)
    entry.revision = positive(revision, BULK_ITEM.revision, "a revision");
  return { entry, id: recordIdText ?? String((entry.updateKey as { value: string }).value) };
}

/** A problem inside an entry's record: its targets prefixed with `record.`. */
function atIndexInside(error: unknown, prefix: string): unknown {
  if (!(error instanceof ProxyError)) return error;
  return new ProxyError(error.status, error.code, error.message, {
    ...(error.target !== undefined ? { target: `${prefix}.${error.target}` } : {}),
    ...(error.details !== undefined
      ? {
          details: error.details.map((d) => ({
            ...d,
            ...(d.target ? { target: `${prefix}.${d.target}` } : {}),
          })),
        }
      : {}),
  });
}

async function bulkUpdate({ ctx, resource, operation, body, reply }: OptionalRequest) {
  const list = listOf(await body(BULK_MAX_BODY_BYTES), "records", ["records"]);
  const keys = operation.keyProperties ?? new Set<string>();
  const items = list.map((item, i) => {
    try {
      return updateItem(item, resource, keys);
    } catch (error) {
      throw atIndex(error, "records", i);
    }
  });
  const parts = chunked(items);
  const written = await send(
    ctx,
    resource,
    "bulk update",
    parts.map((part) => ({ kind: "update", records: part.items.map((item) => item.entry) })),
    parts.map((part) => ({
      start: part.start,
      size: part.items.length,
      ids: part.items.map((item) => item.id),
      expected: part.items.map((item) =>
        item.entry.id !== undefined && item.entry.revision !== undefined
          ? { id: String(item.entry.id), revision: String(item.entry.revision) }
          : undefined,
      ),
    })),
    "records",
    `${BULK_ITEM.record}.`,
  );
  return reply.json({ records: written });
}

async function bulkDelete({ ctx, resource, body, reply }: OptionalRequest) {
  const input = await body(BULK_MAX_BODY_BYTES);
  const ids = listOf(input, "ids", ["ids", "revisions"]).map((id, i) =>
    positive(id, `ids[${i}]`, "a record ID"),
  );
  const raw = (input as Json).revisions;
  let revisions: string[] | undefined;
  if (raw !== undefined && raw !== null) {
    if (!Array.isArray(raw) || raw.length !== ids.length)
      throw new ProxyError(
        400,
        "ValidationFailed",
        "revisions, when given, must be a list as long as ids (the expected revision of each record).",
        { target: "revisions" },
      );
    revisions = raw.map((revision, i) =>
      revision === null ? "-1" : positive(revision, `revisions[${i}]`, "a revision"),
    );
  }
  const parts = chunked(ids.map((id, i) => ({ id, revision: revisions?.[i] })));
  await send(
    ctx,
    resource,
    "bulk delete",
    parts.map((part) => ({
      kind: "delete",
      ids: part.items.map((item) => item.id),
      ...(revisions !== undefined ? { revisions: part.items.map((item) => item.revision as string) } : {}),
    })),
    parts.map((part) => ({
      start: part.start,
      size: part.items.length,
      ids: part.items.map((item) => item.id),
      expected: part.items.map((item) =>
        item.revision !== undefined && item.revision !== "-1"
          ? { id: item.id, revision: item.revision }
          : undefined,
      ),
    })),
    "ids",
  );
  return reply.raw(null, 204, {});
}

/**
 * Bulk requests handled at once by this process: each may hold a 12 MB body about four times over, so more wait
 * outside (503 ProxyBusy with Retry-After) instead of filling the memory.
 */
export const BULK_AT_ONCE = 4;
const BULK_BY_KIND = { "bulk-create": bulkCreate, "bulk-update": bulkUpdate, "bulk-delete": bulkDelete };
/** One handler, and so one bound, for the three bulk operations together. */
const bulkAtOnce = atMostAtOnce(BULK_AT_ONCE, "bulk requests", {
  queryOptions: [],
  parameters: [],
  handle: (request) => BULK_BY_KIND[request.operation.operation as keyof typeof BULK_BY_KIND](request),
});

/**
 * The bulk operations (x-kintone-operation `bulk-create`, `bulk-update`, `bulk-delete`): up to BULK_MAX_RECORDS
 * records checked and converted as create and update convert one, then written in Kintone's 100-record calls inside
 * one bulkRequest, so that Kintone writes all of them or none; one Kintone call per request.
 */
export const BULK_HANDLERS = {
  "bulk-create": bulkAtOnce,
  "bulk-update": bulkAtOnce,
  "bulk-delete": bulkAtOnce,
} as const;
