import { isObject } from "../context.js";
import type { Rule } from "../types.js";

const SCALARS = new Set(["string", "integer", "number", "boolean"]);

/** Rule 17: query parameters are scalars; how Salesforce serialises arrays is undocumented. */
export const queryParameterScalar: Rule = {
  id: "sf-query-parameter-scalar",
  severity: "error",
  description: "query and header parameters are strings, integers, numbers or booleans",
  source: "salesforce-external-services.md rule 17 (policy)",
  *check(ctx) {
    for (const { parameter, pointer } of ctx.parameters()) {
      const schema = ctx.resolve(parameter.schema);
      if (!isObject(schema) || typeof schema.type !== "string") continue;
      if (!SCALARS.has(schema.type)) {
        yield {
          message: `Parameter "${String(parameter.name)}" is of type ${schema.type}: use a comma-separated string instead.`,
          pointer: `${pointer}/schema/type`,
        };
      }
    }
  },
};
