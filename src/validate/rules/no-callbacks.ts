import type { Rule } from "../types.js";

/** Rule 11: callbacks are Apex-only; Flow cannot use them. */
export const noCallbacks: Rule = {
  id: "sf-no-callbacks",
  severity: "error",
  description: "no callbacks",
  source: "salesforce-external-services.md rule 11; Help: Callouts and Callbacks",
  *check(ctx) {
    for (const op of ctx.operations()) {
      if (op.operation.callbacks !== undefined) {
        yield {
          message: "Remove callbacks: Flow cannot use them and they work only from Apex.",
          pointer: `${op.pointer}/callbacks`,
        };
      }
    }
  },
};
