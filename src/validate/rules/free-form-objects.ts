import type { Rule } from "../types.js";

/** Rule 28: maps, free-form objects and oneOf/anyOf register but Flow cannot use them. */
export const freeFormObjects: Rule = {
  id: "sf-free-form-objects",
  severity: "warning",
  description: "no additionalProperties, property-less objects, oneOf or anyOf (Flow cannot use them)",
  source: "salesforce-external-services.md rule 28; Help: Schema Definitions",
  *check(ctx) {
    for (const { schema, pointer } of ctx.schemas()) {
      if (schema.additionalProperties !== undefined && schema.additionalProperties !== false) {
        yield {
          message: "additionalProperties becomes an Apex Map, which Flow cannot use: list the properties.",
          pointer: `${pointer}/additionalProperties`,
        };
      } else if (schema.type === "object" && schema.properties === undefined && schema.allOf === undefined) {
        yield {
          message: "An object without properties becomes an untyped value in Flow: list its properties.",
          pointer,
        };
      }
      for (const key of ["oneOf", "anyOf"]) {
        if (schema[key] !== undefined) {
          yield {
            message: `${key} registers, but Flow cannot use the result: prefer one object type.`,
            pointer: `${pointer}/${key}`,
          };
        }
      }
    }
  },
};
