import { isObject } from "../context.js";
import type { Rule } from "../types.js";

/**
 * Rule 6: security in the spec is ignored; the Named Credential authenticates. Information only (off by default):
 * Swagger UI, typed clients and API testers need the schemes, and they cost Salesforce nothing.
 */
export const securityIgnored: Rule = {
  id: "sf-security-ignored",
  severity: "off",
  description: "security and securitySchemes are ignored by Salesforce (information only; off by default)",
  source: "salesforce-external-services.md rule 6; Help: Schema Definitions",
  *check(ctx) {
    if (ctx.doc.security !== undefined) {
      yield {
        message:
          "security is ignored by Salesforce (the Named Credential authenticates); it serves other tools only.",
        pointer: "/security",
      };
    }
    if (isObject(ctx.doc.components) && ctx.doc.components.securitySchemes !== undefined) {
      yield {
        message:
          "securitySchemes are ignored by Salesforce (the Named Credential authenticates); they serve other tools only.",
        pointer: "/components/securitySchemes",
      };
    }
    for (const op of ctx.operations()) {
      if (op.operation.security !== undefined) {
        yield {
          message: "Operation security is ignored by Salesforce; it serves other tools only.",
          pointer: `${op.pointer}/security`,
        };
      }
    }
  },
};
