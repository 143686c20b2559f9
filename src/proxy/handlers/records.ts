import { MAX_RECORD_ID } from "../../kintone/limits.js";
import { parseSelect } from "../../odata/query-options.js";
import { toApiRecord, toKintoneRecord } from "../convert.js";
import { ProxyError } from "../errors.js";
import type { CallContext } from "../kintone-calls.js";
import type { Resource } from "../spec-model.js";
import { optionError } from "./list.js";

const MAX_ID = MAX_RECORD_ID;

/**
 * A record id or revision as Kintone takes it: a decimal string from 1 to 2^53 − 1. Parsed as text, never through a
 * float, so 9007199254740993 cannot turn into another record's id.
 */
function positiveWhole(raw: string, name: string): string {
  if (!/^[1-9][0-9]{0,15}$/.test(raw) || BigInt(raw) > BigInt(MAX_ID)) {
    throw new ProxyError(
      400,
      name === "id" ? "InvalidId" : "InvalidParameter",
      `The ${name === "id" ? "record id" : name} "${raw.slice(0, 20)}" is not a whole number from 1 to ${MAX_ID}.`,
      { target: name },
    );
  }
  return raw;
}

export const recordId = (raw: string) => positiveWhole(raw, "id");

function revisionOf(query: URLSearchParams): string | undefined {
  const raw = query.get("revision");
  return raw === null ? undefined : positiveWhole(raw, "revision");
}

async function readRecord(ctx: CallContext, resource: Resource, id: string, select?: ReadonlySet<string>) {
  const record = await ctx.read(resource, (k, signal) => k.getRecord({ app: resource.appId, id }, signal));
  return toApiRecord(record, resource.properties, select);
}

/**
 * The record as stored after a write. The write has succeeded by then, so if reading it back fails the answer is
 * still a success, with what is known (id and revision), never an error that would invite a second write.
 */
async function readBack(ctx: CallContext, resource: Resource, id: string, revision: string) {
  try {
    return await readRecord(ctx, resource, id);
  } catch {
    return { id: Number(id), revision: Number(revision) };
  }
}

export async function getRecord(ctx: CallContext, resource: Resource, rawId: string, url: URL) {
  const id = recordId(rawId);
  let select: Set<string> | undefined;
  try {
    const text = url.searchParams.get("$select");
    if (text !== null) select = parseSelect(text, resource.properties).names;
  } catch (error) {
    optionError(error);
  }
  return readRecord(ctx, resource, id, select);
}

export async function createRecord(ctx: CallContext, resource: Resource, body: unknown) {
  const record = toKintoneRecord(body, resource.properties, resource.required);
  const added = await ctx.write(resource, "create", (k) => k.addRecord({ app: resource.appId, record }));
  return readBack(ctx, resource, added.id, added.revision);
}

export async function updateRecord(
  ctx: CallContext,
  resource: Resource,
  rawId: string,
  url: URL,
  body: unknown,
) {
  const id = recordId(rawId);
  const revision = revisionOf(url.searchParams);
  const record = toKintoneRecord(body, resource.properties);
  const updated = await ctx.write(resource, "update", (k) =>
    k.updateRecord({ app: resource.appId, id, record, ...(revision !== undefined ? { revision } : {}) }),
  );
  return readBack(ctx, resource, id, updated.revision);
}

export async function deleteRecord(ctx: CallContext, resource: Resource, rawId: string, url: URL) {
  const id = recordId(rawId);
  const revision = revisionOf(url.searchParams);
  await ctx.write(resource, "delete", (k) =>
    k.deleteRecord({ app: resource.appId, id, ...(revision !== undefined ? { revision } : {}) }),
  );
}
