import type { Rule } from "../types.js";

const DEFAULT_STYLE: Record<string, string> = { path: "simple", query: "form", header: "simple" };

/** Rule 16: no content on parameters, no explode/allowReserved, default style only. */
export const parameterSerialization: Rule = {
  id: "sf-parameter-serialization",
  severity: "error",
  description: "parameters use schema (not content) and the default serialisation",
  source: "salesforce-external-services.md rule 16; Salesforce's Apex OAS ruleset",
  *check(ctx) {
    for (const { parameter, pointer } of ctx.parameters()) {
      if (parameter.content !== undefined) {
        yield { message: "Describe the parameter with schema, not content.", pointer: `${pointer}/content` };
      }
      if (parameter.explode === true)
        yield { message: "Remove explode: true (or set it to false).", pointer: `${pointer}/explode` };
      if (parameter.allowReserved === true)
        yield { message: "Remove allowReserved: true.", pointer: `${pointer}/allowReserved` };
      const style = parameter.style;
      if (style !== undefined && style !== DEFAULT_STYLE[String(parameter.in)]) {
        yield {
          message: `Remove style "${String(style)}": Salesforce sends parameters in the default style.`,
          pointer: `${pointer}/style`,
        };
      }
    }
  },
};
