import { MAX_RECORD_ID } from "../../kintone/limits.js";
import { toApiRecord } from "../convert.js";
import { ProxyError } from "../errors.js";
import type { CallContext } from "../kintone-calls.js";
import type { Resource } from "../spec-model.js";

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

export function revisionOf(query: URLSearchParams): string | undefined {
  const raw = query.get("revision");
  return raw === null ? undefined : positiveWhole(raw, "revision");
}

export async function readRecord(
  ctx: CallContext,
  resource: Resource,
  id: string,
  select?: ReadonlySet<string>,
) {
  const record = await ctx.read(resource, (k, signal) => k.getRecord({ app: resource.appId, id }, signal));
  return toApiRecord(record, resource.properties, select);
}

/**
 * The record as stored after a write. The write has succeeded by then, so if reading it back fails the answer is
 * still a success, with what is known (id and revision), never an error that would invite a second write.
 */
export async function readBack(ctx: CallContext, resource: Resource, id: string, revision: string) {
  try {
    return await readRecord(ctx, resource, id);
  } catch {
    return { id: Number(id), revision: Number(revision) };
  }
}

/**
 * A write whose outcome is unknown (502/504 WriteOutcomeUnknown), said in the terms of the operation: what to check
 * before trying again. Every other error passes unchanged.
 */
export async function outcomeUnknown<T>(write: Promise<T>, message: string): Promise<T> {
  try {
    return await write;
  } catch (error) {
    if (error instanceof ProxyError && error.code === "WriteOutcomeUnknown")
      throw new ProxyError(error.status, error.code, message, { headers: error.headers });
    throw error;
  }
}
