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
    const reported = new Set<string>();
    for (const { pointer, namePath, via } of ctx.schemas()) {
      if (via !== "component" && via !== "property") continue;
      const parts = namePath.map(apexName);
      const last = parts[parts.length - 1] ?? "";
      const full = ASSUMED_SERVICE_NAME_LENGTH + 1 + parts.join("_").length;
      if (full > 255 && !reported.has(pointer)) {
        reported.add(pointer);
        yield {
          message: `The Apex class name for ${namePath.join(".")} would have about ${full} characters (with a ${ASSUMED_SERVICE_NAME_LENGTH}-character service name), over 255: use shorter names.`,
          pointer,
          severity: "error",
        };
      } else if (last.length > 80) {
        yield {
          message: `"${namePath[namePath.length - 1]}" becomes a ${last.length}-character Apex name, over 80: Salesforce shortens it; give it a shorter name.`,
          pointer,
        };
      }
    }
  },
};
