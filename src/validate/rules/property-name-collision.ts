import { apexName } from "../apex-names.js";
import { escapePointer, isObject } from "../context.js";
import type { Rule } from "../types.js";

/** Rule 38: sibling properties must differ ignoring case and after encoding. */
export const propertyNameCollision: Rule = {
  id: "sf-property-name-collision",
  severity: "error",
  description: "properties of one object differ ignoring case and after encoding",
  source: "salesforce-external-services.md rule 38",
  *check(ctx) {
    for (const { schema, pointer } of ctx.schemas()) {
      if (!isObject(schema.properties)) continue;
      const seen = new Map<string, string>();
      for (const name of Object.keys(schema.properties)) {
        const key = apexName(name).toLowerCase();
        const other = seen.get(key);
        if (other !== undefined) {
          yield {
            message: `Property "${name}" collides with "${other}" in Apex (names ignore case and encode symbols): rename one.`,
            pointer: `${pointer}/properties/${escapePointer(name)}`,
          };
        }
        seen.set(key, name);
      }
    }
  },
};
