import type { Rule } from "../types.js";

const KNOWN = new Set([
  "int32",
  "int64",
  "float",
  "double",
  "date",
  "date-time",
  "binary",
  "byte",
  "password",
]);

/** Rule 32: other formats are ignored (the value is a plain string or number). */
export const formatKnown: Rule = {
  id: "sf-format-known",
  severity: "warning",
  description: "formats are ones Salesforce maps (int32, int64, float, double, date, date-time, binary)",
  source: "salesforce-external-services.md rule 32",
  *check(ctx) {
    for (const { schema, pointer } of ctx.schemas()) {
      if (typeof schema.format === "string" && !KNOWN.has(schema.format)) {
        yield {
          message: `format "${schema.format}" is not mapped by Salesforce: the value arrives as a plain ${String(schema.type ?? "value")}.`,
          pointer: `${pointer}/format`,
        };
      }
    }
  },
};
