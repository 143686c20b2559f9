import { isObject } from "../context.js";
import type { Rule } from "../types.js";

/** Rule 24: without a 2xx JSON schema the caller only gets a raw string. A 204 needs no body. */
export const successResponseSchema: Rule = {
  id: "sf-success-response-schema",
  severity: "warning",
  description: "each operation has a 2xx response with a JSON schema (or a 204)",
  source: "salesforce-external-services.md rule 24; Help: Operation Output Parameters",
  *check(ctx) {
    for (const op of ctx.operations()) {
      const responses = isObject(op.operation.responses) ? op.operation.responses : {};
      const ok = Object.entries(responses).some(([code, raw]) => {
        if (!/^2/.test(code)) return false;
        if (code === "204") return true;
        const response = ctx.resolve(raw);
        return (
          isObject(response) &&
          isObject(response.content) &&
          Object.values(response.content).some((m) => isObject(m) && m.schema !== undefined)
        );
      });
      if (!ok) {
        yield {
          message:
            "Declare a 2xx response with an application/json schema, or Salesforce returns the raw body as a string.",
          pointer: `${op.pointer}/responses`,
        };
      }
    }
  },
};
