import type { Rule } from "../types.js";

/** allOf, anyOf and oneOf are supported by External Services (3.0), so they stand in for a type. */
function isComposition(schema: Record<string, unknown>): boolean {
  return schema.allOf !== undefined || schema.anyOf !== undefined || schema.oneOf !== undefined;
}

/** Rules 26 and 29: every schema node has a single type (or is a $ref, or an allOf). */
export const schemaType: Rule = {
  id: "sf-schema-type",
  severity: "error",
  description: "every schema has a single type, a $ref, or a composition (allOf, anyOf, oneOf)",
  source: "salesforce-external-services.md rules 26 and 29; Help: Schema Definitions; openai-openapi#412",
  *check(ctx) {
    for (const { schema, pointer, via } of ctx.schemas()) {
      if (typeof schema.$ref === "string") continue;
      const type = schema.type;
      if (Array.isArray(type)) {
        yield {
          message: "type is a list (an OpenAPI 3.1 form): give one type and nullable: true.",
          pointer: `${pointer}/type`,
        };
      } else if (type === "null") {
        yield {
          message: 'type "null" is not OpenAPI 3.0: use nullable: true on the real type.',
          pointer: `${pointer}/type`,
        };
      } else if (type === undefined && !isComposition(schema) && via !== "not") {
        const where = via === "property" ? "This property" : "This schema";
        yield {
          message: `${where} has no type: give it one (Salesforce fails on type-less schemas).`,
          pointer,
        };
      }
    }
  },
};
