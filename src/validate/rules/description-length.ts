import type { Rule } from "../types.js";

const LIMIT = 1333;

/** Rule 12: longer descriptions are silently truncated. */
export const descriptionLength: Rule = {
  id: "sf-description-length",
  severity: "warning",
  description: "operation and parameter descriptions of at most 1,333 characters",
  source: "salesforce-external-services.md rule 12; Help: Naming and Description Conventions",
  *check(ctx) {
    for (const op of ctx.operations()) {
      const text = op.operation.description;
      if (typeof text === "string" && text.length > LIMIT) {
        yield {
          message: `The description has ${text.length} characters; Salesforce keeps ${LIMIT}: shorten it.`,
          pointer: `${op.pointer}/description`,
        };
      }
    }
    for (const { parameter, pointer } of ctx.parameters()) {
      const text = parameter.description;
      if (typeof text === "string" && text.length > LIMIT) {
        yield {
          message: `The description has ${text.length} characters; Salesforce keeps ${LIMIT}: shorten it.`,
          pointer: `${pointer}/description`,
        };
      }
    }
  },
};
