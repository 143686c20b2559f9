import type { Rule } from "../types.js";

/** Rule 25: the `not` keyword is unsupported. */
export const noNot: Rule = {
  id: "sf-no-not",
  severity: "error",
  description: "no not in schemas",
  source: "salesforce-external-services.md rule 25; Help: OpenAPI 2.0 and 3.0 Support",
  *check(ctx) {
    for (const { schema, pointer } of ctx.schemas()) {
      if (schema.not !== undefined)
        yield { message: "Remove not: Salesforce does not support it.", pointer: `${pointer}/not` };
    }
  },
};
