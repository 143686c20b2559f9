import { APEX_RESERVED_WORDS } from "../../generate/names.js";
import { apexName } from "../apex-names.js";
import { isObject } from "../context.js";
import type { Rule } from "../types.js";

/** Rule 37: property names outside [A-Za-z0-9] reach Flow as x.. escapes. */
export const propertyNameEncoding: Rule = {
  id: "sf-property-name-encoding",
  severity: "warning",
  description: "property names are plain letters and digits (others become x.. escapes in Flow)",
  source: "salesforce-external-services.md rule 37; Help: Apex Reserved Keywords",
  *check(ctx) {
    for (const { schema, pointer } of ctx.schemas()) {
      if (!isObject(schema.properties)) continue;
      for (const name of Object.keys(schema.properties)) {
        if (APEX_RESERVED_WORDS.has(name.toLowerCase())) continue; // reported by sf-reserved-words
        const encoded = apexName(name);
        if (encoded !== name) {
          yield {
            message: `Property "${name}" reaches Flow as "${encoded}": use letters and digits only.`,
            pointer: `${pointer}/properties/${name.replace(/~/g, "~0").replace(/\//g, "~1")}`,
          };
        }
      }
    }
  },
};
