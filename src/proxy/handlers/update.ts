import { CLEAR_FIELDS } from "../../generate/build-document.js";
import type { PropertyInfo } from "../../odata/translate-filter.js";
import { emptyValue, toKintoneRecord } from "../convert.js";
import { ProxyError } from "../errors.js";
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
  const record = toKintoneUpdate(body, resource);
  const updated = await ctx.write(resource, "update", (k) =>
    k.updateRecord({ app: resource.appId, id, record, ...(revision !== undefined ? { revision } : {}) }),
  );
  return readBack(ctx, resource, id, updated.revision);
}

/**
 * The Kintone record of an update body (also an upsert's and each record of a bulk update): the given properties
 * (null = not given), and the properties named in clearFields as Kintone's empty value.
 */
export function toKintoneUpdate(
  body: unknown,
  resource: Resource,
  clearable: ReadonlySet<string> = resource.clearable ?? new Set(),
): Record<string, { value: unknown }> {
  const { clear, rest } = splitClearFields(body, resource, clearable);
  const record = toKintoneRecord(rest, resource.properties);
  for (const info of clear) {
    if (record[info.code] !== undefined)
      throw new ProxyError(
        400,
        "ValidationFailed",
        `${info.name} is both given a value and named in clearFields: do one.`,
        {
          target: info.name,
        },
      );
    record[info.code] = { value: emptyValue(info) };
  }
  return record;
}

/** Takes clearFields out of an update body, checking that it names properties that can be emptied. */
function splitClearFields(
  body: unknown,
  resource: Resource,
  clearable: ReadonlySet<string>,
): { clear: PropertyInfo[]; rest: unknown } {
  if (typeof body !== "object" || body === null || Array.isArray(body) || !(CLEAR_FIELDS in body))
    return { clear: [], rest: body };
  const { [CLEAR_FIELDS]: names, ...rest } = body as Record<string, unknown>;
  if (names === null || names === undefined) return { clear: [], rest };
  if (!Array.isArray(names) || !names.every((name) => typeof name === "string" && clearable.has(name))) {
    throw new ProxyError(
      400,
      "ValidationFailed",
      `${CLEAR_FIELDS} must be a list of properties that can be emptied: ${[...clearable].join(", ") || "none"}.`,
      { target: CLEAR_FIELDS },
    );
  }
  // A name given twice is the same request to empty it.
  return { clear: [...new Set(names)].map((name) => resource.properties.get(name) as PropertyInfo), rest };
}
