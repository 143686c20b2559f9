import { escapePointer, isObject } from "../context.js";
import type { Rule } from "../types.js";

/** Rule 23: responses are keyed by explicit status codes or default. */
export const responseCodes: Rule = {
  id: "sf-response-codes",
  severity: "error",
  description: "response keys are 3-digit status codes or default",
  source: "salesforce-external-services.md rule 23",
  *check(ctx) {
    for (const op of ctx.operations()) {
      if (!isObject(op.operation.responses)) continue;
      for (const code of Object.keys(op.operation.responses)) {
        if (code !== "default" && !/^[1-5][0-9]{2}$/.test(code)) {
          yield {
            message: `Response key "${code}" is not a status code: use explicit codes such as 200 or 404, or default.`,
            pointer: `${op.pointer}/responses/${escapePointer(code)}`,
          };
        }
      }
    }
  },
};
