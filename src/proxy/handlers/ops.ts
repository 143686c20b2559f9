import { CallContext, type ProxyDeps } from "../kintone-calls.js";
import { Hangup } from "../kintone-client.js";
import { mapKintoneError } from "../kintone-errors.js";
import type { Resource, SpecModel } from "../spec-model.js";

/** How long one readiness answer is reused: /readyz makes at most one Kintone call per this many milliseconds. */
const READY_TTL_MS = 10_000;

/**
 * The readiness check of /readyz: one getApp call on the spec's first app, shared by every caller for 10 s.
 * Resolves undefined when Kintone answers as expected, else the error code of the failure.
 */
export function createReadiness(model: SpecModel, deps: ProxyDeps): () => Promise<string | undefined> {
  let last: { at: number; result: Promise<string | undefined> } | undefined;
  return () => {
    const now = Date.now();
    if (last === undefined || now - last.at > READY_TTL_MS) {
      const first = model.resources[0] as Resource;
      const ctx = new CallContext(deps, new Hangup());
      last = {
        at: now,
        result: ctx
          .once(first, (k, signal) => k.getApp(first.appId, signal))
          .then(
            () => undefined,
            (error) => mapKintoneError(error, first.properties).code,
          ),
      };
    }
    return last.result;
  };
}
