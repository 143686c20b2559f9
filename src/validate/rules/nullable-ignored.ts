import type { Rule } from "../types.js";

/** Rule 33: nullable is accepted but changes nothing (nulls always pass). Off unless configured. */
export const nullableIgnored: Rule = {
  id: "sf-nullable-ignored",
  severity: "off",
  description: "nullable has no effect in Salesforce (information only; off by default)",
  source: "salesforce-external-services.md rule 33; Help: Null Values",
  *check(ctx) {
    for (const { schema, pointer } of ctx.schemas()) {
      if (schema.nullable === true)
        yield {
          message: "nullable has no effect: Salesforce passes nulls through anyway.",
          pointer: `${pointer}/nullable`,
        };
    }
  },
};
