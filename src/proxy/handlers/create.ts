import { toKintoneRecord } from "../convert.js";
import type { CallContext } from "../kintone-calls.js";
import type { Resource } from "../spec-model.js";
import { readBack } from "./record-io.js";

/** The create operation: answered 201 only once Kintone confirmed the record, with the record as stored. */
export async function createRecord(ctx: CallContext, resource: Resource, body: unknown) {
  const record = toKintoneRecord(body, resource.properties, resource.required);
  const added = await ctx.write(resource, "create", (k) => k.addRecord({ app: resource.appId, record }));
  return readBack(ctx, resource, added.id, added.revision);
}
