import { apexName } from "../apex-names.js";
import type { Rule } from "../types.js";

/** Length of the longest service name we assume (the registration name is chosen in Salesforce). */
export const ASSUMED_SERVICE_NAME_LENGTH = 40;

/** Rule 40: derived class names over 255 fail registration; names over 80 are shortened. */
export const apexNameLength: Rule = {
  id: "sf-apex-name-length",
  severity: "warning",
  description: "predicted Apex class names stay within 255 characters (80 per name part)",
  source: "salesforce-external-services.md rule 40; Help: Apex Class Names and Developer Names",
  *check(ctx) {
    for (const entry of ctx.schemas()) {
      if (entry.via !== "component" && entry.via !== "property") continue;
      const full = ASSUMED_SERVICE_NAME_LENGTH + 1 + entry.apexPathLength(apexName);
      const own = entry.ownName === undefined ? 0 : apexName(entry.ownName).length;
      if (full > 255) {
        yield {
          message: `The Apex class name for ${entry.namePath.join(".")} would have about ${full} characters (with a ${ASSUMED_SERVICE_NAME_LENGTH}-character service name), over 255: use shorter names.`,
          pointer: entry.pointer,
          severity: "error",
        };
      } else if (own > 80) {
        yield {
          message: `"${entry.ownName}" becomes a ${own}-character Apex name, over 80: Salesforce shortens it; give it a shorter name.`,
          pointer: entry.pointer,
        };
      }
    }
  },
};
