import type { Rule } from "../types.js";

/** Rule 30: integer defaults are dropped unless the format is int32 or int64. */
export const integerFormat: Rule = {
  id: "sf-integer-format",
  severity: "warning",
  description: "integers carry format int32 or int64",
  source: "salesforce-external-services.md rule 30; Help: Defaults and Default Values",
  *check(ctx) {
    for (const { schema, pointer } of ctx.schemas()) {
      if (schema.type === "integer" && schema.format !== "int32" && schema.format !== "int64") {
        yield {
          message: "Give the integer format: int32 or int64 (Salesforce drops integer defaults without it).",
          pointer,
        };
      }
    }
  },
};
