import type { Rule } from "../types.js";

/** Rule 1: Salesforce registers OpenAPI 2.0 and 3.0 only; this tool checks 3.0. */
export const openapiVersion: Rule = {
  id: "sf-openapi-version",
  severity: "error",
  description: "openapi must be 3.0.x",
  source: "salesforce-external-services.md rule 1; Help: OpenAPI 2.0 and 3.0 Support",
  *check(ctx) {
    const version = ctx.doc.openapi;
    if (typeof version === "string" && /^3\.0\.\d+$/.test(version)) return;
    if (typeof ctx.doc.swagger === "string") {
      yield {
        message: "Swagger 2.0 documents are not checked here: convert it to OpenAPI 3.0.3.",
        pointer: "/swagger",
      };
    } else if (typeof version === "string" && version.startsWith("3.1")) {
      yield {
        message: `OpenAPI ${version} is not supported by Salesforce External Services: write OpenAPI 3.0.3.`,
        pointer: "/openapi",
      };
    } else {
      yield {
        message: `openapi must be a 3.0.x version such as "3.0.3" (got ${JSON.stringify(version ?? null)}).`,
        pointer: "/openapi",
      };
    }
  },
};
