import type { Rule } from "../types.js";

const LIMITS = { json: 10_000_000, yaml: 3_000_000 } as const;

/** Rule 2: the schema size limit of External Services. */
export const documentSize: Rule = {
  id: "sf-document-size",
  severity: "error",
  description:
    "the document must fit Salesforce's schema size limit (JSON 10,000,000 / YAML 3,000,000 characters)",
  source: "salesforce-external-services.md rule 2; Help: System Limits",
  *check(ctx) {
    const limit = LIMITS[ctx.format];
    if (ctx.size > limit) {
      yield {
        message: `The ${ctx.format.toUpperCase()} document has ${ctx.size.toLocaleString("en-US")} characters, over Salesforce's ${limit.toLocaleString("en-US")}: split it into several specs (fewer apps each).`,
        pointer: "",
      };
    }
  },
};
