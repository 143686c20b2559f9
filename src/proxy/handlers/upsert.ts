import { CLEAR_FIELDS } from "../../generate/build-document.js";
import { X_FIELD_CODE } from "../../generate/x-kintone.js";
import { MAX_RECORD_ID } from "../../kintone/limits.js";
import { toKintoneRecord } from "../convert.js";
import { ProxyError } from "../errors.js";
import type { OptionalOperationRef } from "../spec-model.js";
import type { OptionalHandler } from "./optional.js";
import { toKintoneUpdate } from "./update.js";

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** What an upsert operation's input says: the key's property name, and what clearFields may name. */
type UpsertPlan = { keyName: string; clearable: ReadonlySet<string> };
const plans = new WeakMap<OptionalOperationRef, UpsertPlan>();

function planOf(operation: OptionalOperationRef): UpsertPlan {
  let plan = plans.get(operation);
  if (plan === undefined) {
    const properties = isObject(operation.input?.properties) ? operation.input.properties : {};
    const keyName = Object.entries(properties).find(
      ([, schema]) => isObject(schema) && schema[X_FIELD_CODE] === operation.updateKey,
    )?.[0];
    if (keyName === undefined)
      throw new ProxyError(
        500,
        "InternalError",
        `The spec's operation ${operation.operationId} has no input property for its key ${operation.updateKey}; regenerate the spec.`,
      );
    const clear = properties[CLEAR_FIELDS];
    const names = isObject(clear) && isObject(clear.items) ? clear.items.enum : undefined;
    plan = { keyName, clearable: new Set(Array.isArray(names) ? names.map(String) : []) };
    plans.set(operation, plan);
  }
  return plan;
}

/**
 * An upsert (x-kintone-operation `upsert`): updates the record whose key (x-kintone-update-key: a unique field, or
 * `$id`) has the given value, or adds one, in one Kintone call (PUT records.json with upsert: true). The rest of the
 * body is written as an update is (null = not given, clearFields to empty).
 */
export const upsertHandler: OptionalHandler = {
  queryOptions: [],
  parameters: [],
  async handle({ ctx, resource, operation, body, reply }) {
    const { keyName, clearable } = planOf(operation);
    const input = await body();
    if (!isObject(input))
      throw new ProxyError(
        400,
        "InvalidBody",
        "The request body must be a JSON object of the record's properties.",
      );
    const { [keyName]: value, ...rest } = input;
    if (value === undefined || value === null || value === "")
      throw new ProxyError(
        400,
        "ValidationFailed",
        `${keyName} is required: it says which record to write.`,
        {
          target: keyName,
          details: [{ code: "Required", target: keyName, message: `${keyName} is required.` }],
        },
      );
    let key: { id: string } | { updateKey: { field: string; value: string } };
    if (operation.updateKey === "$id") {
      if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 1 || value > MAX_RECORD_ID)
        throw new ProxyError(400, "InvalidId", `${keyName} must be a record ID, a whole number from 1.`, {
          target: keyName,
        });
      key = { id: String(value) };
    } else {
      // The key's value converted as the property's own (a number property's value as Kintone's decimal text).
      const field = toKintoneRecord({ [keyName]: value }, resource.properties)[operation.updateKey as string];
      key = { updateKey: { field: operation.updateKey as string, value: String(field?.value ?? "") } };
    }
    const record = toKintoneUpdate(rest, resource, clearable);
    const written = await ctx.write(resource, "upsert", (k) =>
      k.upsertRecord({ app: resource.appId, key, record }),
    );
    return reply.json({
      id: Number(written.id),
      revision: Number(written.revision),
      created: written.created,
    });
  },
};
