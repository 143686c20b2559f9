import { escapePointer, isObject } from "../context.js";
import type { Rule } from "../types.js";

/** Rule 21: encoding objects are not supported. */
export const noEncoding: Rule = {
  id: "sf-no-encoding",
  severity: "error",
  description: "no encoding objects in media types",
  source: "salesforce-external-services.md rule 21; Salesforce's Apex OAS ruleset",
  *check(ctx) {
    for (const op of ctx.operations()) {
      const body = ctx.resolve(op.operation.requestBody);
      const contents: Array<[unknown, string]> = [];
      if (isObject(body)) contents.push([body.content, `${op.pointer}/requestBody/content`]);
      if (isObject(op.operation.responses)) {
        for (const [code, raw] of Object.entries(op.operation.responses)) {
          const response = ctx.resolve(raw);
          if (isObject(response))
            contents.push([response.content, `${op.pointer}/responses/${escapePointer(code)}/content`]);
        }
      }
      for (const [content, base] of contents) {
        if (!isObject(content)) continue;
        for (const [type, media] of Object.entries(content)) {
          if (isObject(media) && media.encoding !== undefined) {
            yield {
              message: "Remove encoding: Salesforce does not support it.",
              pointer: `${base}/${escapePointer(type)}/encoding`,
            };
          }
        }
      }
    }
  },
};
