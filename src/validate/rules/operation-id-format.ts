import type { Rule } from "../types.js";

/** Rule 8: operationIds become Apex method names: letters and digits, unique ignoring case. */
export const operationIdFormat: Rule = {
  id: "sf-operation-id-format",
  severity: "error",
  description: "every operation has an operationId of letters and digits, unique ignoring case",
  source: "salesforce-external-services.md rule 8; Help: Naming and Description Conventions",
  *check(ctx) {
    const seen = new Map<string, string>();
    for (const op of ctx.operations()) {
      const id = op.operation.operationId;
      if (typeof id !== "string" || id === "") {
        yield {
          message: "Give the operation an operationId (letters and digits, e.g. listCustomers).",
          pointer: op.pointer,
        };
        continue;
      }
      if (!/^[A-Za-z][A-Za-z0-9]*$/.test(id)) {
        yield {
          message: `operationId "${id}" must be letters and digits, starting with a letter (Salesforce would encode the rest as x.. escapes).`,
          pointer: `${op.pointer}/operationId`,
        };
      }
      const other = seen.get(id.toLowerCase());
      if (other !== undefined) {
        yield {
          message: `operationId "${id}" is the same as "${other}" ignoring case: Apex names are case-insensitive, rename one.`,
          pointer: `${op.pointer}/operationId`,
        };
      }
      seen.set(id.toLowerCase(), id);
    }
  },
};
