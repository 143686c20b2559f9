import { parseSelect } from "../../odata/query-options.js";
import type { CallContext } from "../kintone-calls.js";
import type { Resource } from "../spec-model.js";
import { optionError } from "./list.js";
import { readRecord, recordId } from "./record-io.js";

/** The get operation: one record, optionally only the $select-ed properties. */
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
