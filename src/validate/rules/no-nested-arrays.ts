import { isObject } from "../context.js";
import type { Rule } from "../types.js";

/** Rule 27: List<List<T>> cannot be a field of a Flow Apex-defined type. */
export const noNestedArrays: Rule = {
  id: "sf-no-nested-arrays",
  severity: "error",
  description: "no array whose items are arrays",
  source: "salesforce-external-services.md rule 27; Help: Considerations for the Apex-Defined Data Type",
  *check(ctx) {
    for (const { schema, pointer } of ctx.schemas()) {
      if (schema.type !== "array") continue;
      const items = ctx.resolve(schema.items);
      if (isObject(items) && items.type === "array") {
        yield {
          message:
            "An array of arrays becomes List<List<T>>, which Flow cannot use: wrap the inner array in an object.",
          pointer: `${pointer}/items`,
        };
      }
    }
  },
};
