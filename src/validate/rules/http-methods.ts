import type { Rule } from "../types.js";

const ALLOWED = new Set(["get", "post", "put", "patch", "delete"]);

/** Rule 7: Salesforce calls GET, POST, PUT, PATCH and DELETE only. */
export const httpMethods: Rule = {
  id: "sf-http-methods",
  severity: "error",
  description: "operations use get, post, put, patch or delete",
  source: "salesforce-external-services.md rule 7; Help: Schema Definitions",
  *check(ctx) {
    for (const op of ctx.operations()) {
      if (!ALLOWED.has(op.method)) {
        yield {
          message: `${op.method.toUpperCase()} operations cannot be registered: remove it or use GET/POST/PUT/PATCH/DELETE.`,
          pointer: op.pointer,
        };
      }
    }
  },
};
