import { escapePointer, isObject } from "../context.js";
import type { Rule } from "../types.js";

const BODY_TYPES = new Set(["application/json", "text/plain", "application/x-www-form-urlencoded"]);
const RESPONSE_TYPES = new Set([
  "application/json",
  "text/plain",
  "application/x-www-form-urlencoded",
  "application/octet-stream",
]);

/** Rule 20: unsupported media types invalidate the registration. */
export const mediaTypes: Rule = {
  id: "sf-media-types",
  severity: "error",
  description: "request and response bodies use media types Salesforce supports (application/json)",
  source: "salesforce-external-services.md rule 20; Help: Media Type Directives and Mapping",
  *check(ctx) {
    for (const op of ctx.operations()) {
      const body = ctx.resolve(op.operation.requestBody);
      if (isObject(body) && isObject(body.content)) {
        for (const type of Object.keys(body.content)) {
          if (!BODY_TYPES.has(type)) {
            yield {
              message: `Request media type "${type}" is not supported: use application/json.`,
              pointer: `${op.pointer}/requestBody/content/${escapePointer(type)}`,
            };
          }
        }
      }
      if (!isObject(op.operation.responses)) continue;
      for (const [code, raw] of Object.entries(op.operation.responses)) {
        const response = ctx.resolve(raw);
        if (!isObject(response) || !isObject(response.content)) continue;
        for (const type of Object.keys(response.content)) {
          if (!RESPONSE_TYPES.has(type)) {
            yield {
              message: `Response media type "${type}" is not supported: use application/json.`,
              pointer: `${op.pointer}/responses/${escapePointer(code)}/content/${escapePointer(type)}`,
            };
          }
        }
      }
    }
  },
};
