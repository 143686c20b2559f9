import { isObject } from "../context.js";
import type { Rule } from "../types.js";

/** Rule 13: every parameter has a name and a schema with an explicit scalar type. */
export const parameterSchemaType: Rule = {
  id: "sf-parameter-schema-type",
  severity: "error",
  description: "every parameter has a name and a schema with a type",
  source: "salesforce-external-services.md rule 13; Help: Schema Definitions; openai-openapi#412",
  *check(ctx) {
    for (const { parameter, pointer } of ctx.parameters()) {
      if (typeof parameter.name !== "string" || parameter.name === "") {
        yield { message: "Give the parameter a name.", pointer };
      }
      const schema = ctx.resolve(parameter.schema);
      if (!isObject(schema)) {
        if (parameter.content === undefined)
          yield { message: "Give the parameter a schema with a type.", pointer };
        continue;
      }
      if (typeof schema.type !== "string") {
        yield {
          message: "Give the parameter's schema an explicit type (string, integer, number or boolean).",
          pointer: `${pointer}/schema`,
        };
      }
    }
  },
};
