import { apexName } from "../apex-names.js";
import type { Rule } from "../types.js";

/** Rule 19: parameter names of one operation must differ ignoring case and after Salesforce's encoding. */
export const parameterNamesUnique: Rule = {
  id: "sf-parameter-names-unique",
  severity: "error",
  description: "parameter names of an operation are unique ignoring case and after encoding",
  source: "salesforce-external-services.md rule 19",
  *check(ctx) {
    const byOperation = new Map<string, Map<string, string>>();
    for (const { parameter, pointer, operation } of ctx.parameters()) {
      const seen = byOperation.get(operation.pointer) ?? new Map<string, string>();
      byOperation.set(operation.pointer, seen);
      const name = String(parameter.name ?? "");
      const key = apexName(name).toLowerCase();
      const other = seen.get(key);
      if (other !== undefined && other !== `${parameter.in}:${name}`) {
        yield {
          message: `Parameter "${name}" becomes the same Apex name as "${other.split(":")[1]}": rename one.`,
          pointer: `${pointer}/name`,
        };
      }
      seen.set(key, `${parameter.in}:${name}`);
    }
  },
};
