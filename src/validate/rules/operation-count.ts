import { isObject } from "../context.js";
import type { Rule } from "../types.js";

const ORG_LIMIT = 3000;

/** Rule 4: one spec alone would use up the org's active operations or objects. */
export const operationCount: Rule = {
  id: "sf-operation-count",
  severity: "warning",
  description: "at most 3,000 operations and 3,000 objects per org",
  source: "salesforce-external-services.md rule 4; Help: System Limits",
  *check(ctx) {
    const operations = ctx.operations().length;
    if (operations > ORG_LIMIT) {
      yield {
        message: `${operations} operations exceed the org's limit of ${ORG_LIMIT} active operations: select fewer apps or operations.`,
        pointer: "/paths",
      };
    }
    const components =
      isObject(ctx.doc.components) && isObject(ctx.doc.components.schemas) ? ctx.doc.components.schemas : {};
    const objects = Object.keys(components).length;
    if (objects > ORG_LIMIT) {
      yield {
        message: `${objects} schemas exceed the org's limit of ${ORG_LIMIT} active objects: select fewer apps.`,
        pointer: "/components/schemas",
      };
    }
  },
};
