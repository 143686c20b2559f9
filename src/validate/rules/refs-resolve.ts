import type { Rule } from "../types.js";

function* walkRefs(value: unknown, pointer: string): Generator<{ ref: string; pointer: string }> {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) yield* walkRefs(value[i], `${pointer}/${i}`);
  } else if (typeof value === "object" && value !== null) {
    for (const [key, child] of Object.entries(value)) {
      if (key === "$ref" && typeof child === "string") yield { ref: child, pointer: `${pointer}/$ref` };
      else yield* walkRefs(child, `${pointer}/${key.replace(/~/g, "~0").replace(/\//g, "~1")}`);
    }
  }
}

/** Every $ref is local (Salesforce takes one self-contained file) and points at something. */
export const refsResolve: Rule = {
  id: "sf-refs-resolve",
  severity: "error",
  description: "every $ref is local and resolves",
  source: "salesforce-external-services.md §1 (one uploaded file); OpenAPI 3.0 Reference Object",
  *check(ctx) {
    for (const { ref, pointer } of walkRefs(ctx.doc, "")) {
      if (!ref.startsWith("#")) {
        yield {
          message: `External $ref "${ref}": Salesforce needs one self-contained file; bundle the referenced schema into components.`,
          pointer,
        };
      } else if (ctx.lookup(ref) === undefined) {
        yield {
          message: `$ref "${ref}" points at nothing: add the component or fix the reference.`,
          pointer,
        };
      }
    }
  },
};
