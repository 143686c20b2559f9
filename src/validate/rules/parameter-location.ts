import type { Rule } from "../types.js";

/** Rule 14: path, query and header parameters only. */
export const parameterLocation: Rule = {
  id: "sf-parameter-location",
  severity: "error",
  description: "parameters are in path, query or header",
  source: "salesforce-external-services.md rule 14; Salesforce's Apex OAS ruleset",
  *check(ctx) {
    for (const { parameter, pointer } of ctx.parameters()) {
      if (parameter.in === "cookie") {
        yield {
          message: `Cookie parameter "${String(parameter.name)}" is not supported: use a header or query parameter.`,
          pointer: `${pointer}/in`,
        };
      }
    }
  },
};
