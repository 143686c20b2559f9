import { toKintoneRecord } from "../convert.js";
import type { CallContext } from "../kintone-calls.js";
import type { Resource } from "../spec-model.js";
import { readBack, recordId, revisionOf } from "./record-io.js";

/** The update operation: the given properties, optionally guarded by revision (409 when the record changed). */
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
