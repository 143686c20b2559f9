import type { Rule } from "../types.js";

/** Rule 15: path parameters are required and match a {placeholder}; every placeholder is declared. */
export const pathParameters: Rule = {
  id: "sf-path-parameters",
  severity: "error",
  description: "path parameters are required and match the path's placeholders",
  source: "salesforce-external-services.md rule 15; OpenAPI 3.0 Parameter Object",
  *check(ctx) {
    const pathParams = new Map<unknown, ReturnType<typeof ctx.parameters>>();
    for (const entry of ctx.parameters()) {
      if (entry.parameter.in !== "path") continue;
      pathParams.set(entry.operation, [...(pathParams.get(entry.operation) ?? []), entry]);
    }
    for (const op of ctx.operations()) {
      const placeholders = new Set([...op.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1] as string));
      const declared = new Set<string>();
      for (const { parameter, pointer } of pathParams.get(op) ?? []) {
        const name = String(parameter.name);
        declared.add(name);
        if (!placeholders.has(name)) {
          yield {
            message: `Path parameter "${name}" has no {${name}} in the path ${op.path}: remove it or add the placeholder.`,
            pointer,
          };
        } else if (parameter.required !== true) {
          yield { message: `Path parameter "${name}" must have required: true.`, pointer };
        }
      }
      for (const name of placeholders) {
        if (!declared.has(name)) {
          yield {
            message: `The path ${op.path} has {${name}} but the operation declares no path parameter "${name}".`,
            pointer: op.pointer,
          };
        }
      }
    }
  },
};
