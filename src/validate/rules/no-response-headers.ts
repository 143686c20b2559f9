import { escapePointer, isObject } from "../context.js";
import type { Rule } from "../types.js";

/** Rule 22: response headers are not supported. */
export const noResponseHeaders: Rule = {
  id: "sf-no-response-headers",
  severity: "error",
  description: "no headers in responses",
  source: "salesforce-external-services.md rule 22; Help: Schema Definitions",
  *check(ctx) {
    for (const op of ctx.operations()) {
      if (!isObject(op.operation.responses)) continue;
      for (const [code, raw] of Object.entries(op.operation.responses)) {
        const response = ctx.resolve(raw);
        if (isObject(response) && response.headers !== undefined) {
          yield {
            message:
              "Remove the response headers: Salesforce does not support them (put the value in the body).",
            pointer: `${op.pointer}/responses/${escapePointer(code)}/headers`,
          };
        }
      }
    }
  },
};
