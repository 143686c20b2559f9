import { isObject } from "../context.js";
import type { Rule } from "../types.js";

/** Rule 5: one server, no variables, no path- or operation-level servers. */
export const singleServer: Rule = {
  id: "sf-single-server",
  severity: "error",
  description: "exactly one server, without variables; no path or operation servers",
  source:
    "salesforce-external-services.md rule 5; Help: Define an External Credential and a Named Credential",
  *check(ctx) {
    const servers = ctx.doc.servers;
    if (!Array.isArray(servers) || servers.length !== 1) {
      const count = Array.isArray(servers) ? servers.length : 0;
      yield {
        message: `Give exactly one entry in servers (found ${count}); its path is appended to the Named Credential's URL.`,
        pointer: "/servers",
      };
    } else if (isObject(servers[0]) && servers[0].variables !== undefined) {
      yield {
        message: "Remove the server variables: Salesforce uses the server URL's path as it is.",
        pointer: "/servers/0/variables",
      };
    }
    for (const op of ctx.operations()) {
      if (op.pathItem.servers !== undefined) {
        yield {
          message: "Remove servers from the path item: only the document's single server is used.",
          pointer: op.pointer.replace(/\/[a-z]+$/, "/servers"),
        };
      }
      if (op.operation.servers !== undefined) {
        yield {
          message: "Remove servers from the operation: only the document's single server is used.",
          pointer: `${op.pointer}/servers`,
        };
      }
    }
  },
};
