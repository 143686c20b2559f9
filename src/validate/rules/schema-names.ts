import { isObject, pointerOf } from "../context.js";
import type { Rule } from "../types.js";

/** Rule 36: component schema names become Apex class names. */
export const schemaNames: Rule = {
  id: "sf-schema-names",
  severity: "error",
  description: "component schema names are letters and digits, unique ignoring case",
  source: "salesforce-external-services.md rule 36",
  *check(ctx) {
    const schemas =
      isObject(ctx.doc.components) && isObject(ctx.doc.components.schemas) ? ctx.doc.components.schemas : {};
    const seen = new Map<string, string>();
    for (const name of Object.keys(schemas)) {
      const pointer = pointerOf(["components", "schemas", name]);
      if (!/^[A-Za-z][A-Za-z0-9]*$/.test(name)) {
        yield {
          message: `Schema name "${name}" must be letters and digits, starting with a letter.`,
          pointer,
        };
      }
      const other = seen.get(name.toLowerCase());
      if (other !== undefined)
        yield { message: `Schema "${name}" is the same as "${other}" ignoring case: rename one.`, pointer };
      seen.set(name.toLowerCase(), name);
    }
  },
};
