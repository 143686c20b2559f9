import type { Rule } from "../types.js";

/** Rule 9: developer names are cut at 80 characters; over 40 reads badly in Flow. */
export const operationIdLength: Rule = {
  id: "sf-operation-id-length",
  severity: "warning",
  description: "operationIds of at most 40 characters (80 is Salesforce's limit)",
  source: "salesforce-external-services.md rule 9; Help: Apex Class Names and Developer Names",
  *check(ctx) {
    for (const op of ctx.operations()) {
      const id = op.operation.operationId;
      if (typeof id !== "string") continue;
      if (id.length > 80) {
        yield {
          message: `operationId "${id.slice(0, 30)}…" has ${id.length} characters, over Salesforce's 80: shorten it.`,
          pointer: `${op.pointer}/operationId`,
          severity: "error",
        };
      } else if (id.length > 40) {
        yield {
          message: `operationId "${id}" has ${id.length} characters: keep it to 40 so Flow shows it whole.`,
          pointer: `${op.pointer}/operationId`,
        };
      }
    }
  },
};
