import { APEX_RESERVED_WORDS } from "../../generate/names.js";
import { escapePointer, isObject } from "../context.js";
import type { Rule } from "../types.js";

/** Rule 39: reserved words reach Flow as z0<name>. */
export const reservedWords: Rule = {
  id: "sf-reserved-words",
  severity: "warning",
  description: "property and parameter names are not Apex reserved words",
  source: "salesforce-external-services.md rule 39; Help: Apex Reserved Keywords",
  *check(ctx) {
    for (const { schema, pointer } of ctx.schemas()) {
      if (!isObject(schema.properties)) continue;
      for (const name of Object.keys(schema.properties)) {
        if (APEX_RESERVED_WORDS.has(name.toLowerCase())) {
          yield {
            message: `Property "${name}" is an Apex reserved word and reaches Flow as "z0${name}": rename it (e.g. ${name}Value).`,
            pointer: `${pointer}/properties/${escapePointer(name)}`,
          };
        }
      }
    }
    for (const { parameter, pointer } of ctx.parameters()) {
      const name = String(parameter.name ?? "");
      if (APEX_RESERVED_WORDS.has(name.toLowerCase())) {
        yield {
          message: `Parameter "${name}" is an Apex reserved word and reaches Flow as "z0${name}": rename it.`,
          pointer: `${pointer}/name`,
        };
      }
    }
  },
};
