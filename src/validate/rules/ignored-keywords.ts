import type { Rule } from "../types.js";

const KEYWORDS = [
  "readOnly",
  "writeOnly",
  "pattern",
  "minLength",
  "maxLength",
  "minimum",
  "maximum",
  "minItems",
  "maxItems",
];

/**
 * Rule 35: these keywords are probably not enforced by Salesforce. Off by default: they document the API for
 * people and for the proxy, and generated specs use them on purpose.
 */
export const ignoredKeywords: Rule = {
  id: "sf-ignored-keywords",
  severity: "off",
  description:
    "readOnly, writeOnly, pattern and min/max constraints are probably not enforced by Salesforce (off by default)",
  source: "salesforce-external-services.md rule 35 (inferred)",
  *check(ctx) {
    for (const { schema, pointer } of ctx.schemas()) {
      for (const keyword of KEYWORDS) {
        if (schema[keyword] !== undefined) {
          yield {
            message: `${keyword} is documentation only: Salesforce probably does not enforce it.`,
            pointer: `${pointer}/${keyword}`,
          };
        }
      }
    }
  },
};
