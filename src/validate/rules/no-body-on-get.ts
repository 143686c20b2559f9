import type { Rule } from "../types.js";

/** Rule 10: a GET (or DELETE) with a requestBody fails validation in Salesforce. */
export const noBodyOnGet: Rule = {
  id: "sf-no-body-on-get",
  severity: "error",
  description: "no requestBody on GET or DELETE",
  source: "salesforce-external-services.md rule 10; Help: Schema Definitions",
  *check(ctx) {
    for (const op of ctx.operations()) {
      if ((op.method === "get" || op.method === "delete") && op.operation.requestBody !== undefined) {
        yield {
          message: `Remove the requestBody of this ${op.method.toUpperCase()}: pass its inputs as parameters.`,
          pointer: `${op.pointer}/requestBody`,
        };
      }
    }
  },
};
