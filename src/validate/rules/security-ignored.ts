import { isObject } from "../context.js";
import type { Rule } from "../types.js";

/** Rule 6: security in the spec is ignored; the Named Credential authenticates. */
export const securityIgnored: Rule = {
  id: "sf-security-ignored",
  severity: "warning",
  description: "security and securitySchemes are ignored by Salesforce",
  source: "salesforce-external-services.md rule 6; Help: Schema Definitions",
  *check(ctx) {
    if (ctx.doc.security !== undefined) {
      yield {
        message: "security is ignored by Salesforce (the Named Credential authenticates): remove it.",
        pointer: "/security",
      };
    }
    if (isObject(ctx.doc.components) && ctx.doc.components.securitySchemes !== undefined) {
      yield {
        message:
          "securitySchemes are ignored by Salesforce (the Named Credential authenticates): remove them.",
        pointer: "/components/securitySchemes",
      };
    }
    for (const op of ctx.operations()) {
      if (op.operation.security !== undefined) {
        yield {
          message: "Operation security is ignored by Salesforce: remove it.",
          pointer: `${op.pointer}/security`,
        };
      }
    }
  },
};
