import type { CallContext } from "../kintone-calls.js";
import type { Resource } from "../spec-model.js";
import { recordId, revisionOf } from "./record-io.js";

/** The delete operation, optionally guarded by revision. */
export async function deleteRecord(ctx: CallContext, resource: Resource, rawId: string, url: URL) {
  const id = recordId(rawId);
  const revision = revisionOf(url.searchParams);
  await ctx.write(resource, "delete", (k) =>
    k.deleteRecord({ app: resource.appId, id, ...(revision !== undefined ? { revision } : {}) }),
  );
}
