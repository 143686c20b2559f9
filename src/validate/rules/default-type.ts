import type { Rule } from "../types.js";

function jsonType(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
  return typeof value;
}

/** Rule 31: a default whose type does not match is silently dropped by Salesforce. */
export const defaultType: Rule = {
  id: "sf-default-type",
  severity: "error",
  description: "defaults match their schema's type",
  source: "salesforce-external-services.md rule 31; Help: Defaults and Default Values",
  *check(ctx) {
    for (const { schema, pointer } of ctx.schemas()) {
      if (schema.default === undefined || typeof schema.type !== "string") continue;
      const actual = jsonType(schema.default);
      const ok = actual === schema.type || (schema.type === "number" && actual === "integer");
      if (!ok) {
        yield {
          message: `The default is a ${actual} but the schema is ${schema.type}: Salesforce drops it; make them match.`,
          pointer: `${pointer}/default`,
        };
      }
    }
  },
};
