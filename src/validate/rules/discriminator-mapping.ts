import { isObject } from "../context.js";
import type { Rule } from "../types.js";

/** Rule 34: discriminator.mapping is ignored. */
export const discriminatorMapping: Rule = {
  id: "sf-discriminator-mapping",
  severity: "warning",
  description: "discriminator.mapping is ignored by Salesforce",
  source: "salesforce-external-services.md rule 34; Help: Schema Definitions",
  *check(ctx) {
    for (const { schema, pointer } of ctx.schemas()) {
      if (isObject(schema.discriminator) && schema.discriminator.mapping !== undefined) {
        yield {
          message:
            "discriminator.mapping is ignored by Salesforce: the property value must equal the schema name.",
          pointer: `${pointer}/discriminator/mapping`,
        };
      }
    }
  },
};
