import { pointerOf } from "../context.js";
import type { Finding, Rule } from "../types.js";

/**
 * Calls `onRef` for every $ref string in the document. `pointer()` builds the JSON pointer on demand, so the walk
 * allocates nothing for the refs that are fine.
 */
function forEachRef(root: unknown, onRef: (ref: string, pointer: () => string) => void): void {
  const path: string[] = [];
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        path.push(String(i));
        visit(value[i]);
        path.pop();
      }
      return;
    }
    if (typeof value !== "object" || value === null) return;
    for (const key in value) {
      const child = (value as Record<string, unknown>)[key];
      if (key === "$ref" && typeof child === "string") {
        onRef(child, () => pointerOf([...path, key]));
      } else if (typeof child === "object" && child !== null) {
        path.push(key);
        visit(child);
        path.pop();
      }
    }
  };
  visit(root);
}

/** Every $ref is local (Salesforce takes one self-contained file) and points at something. */
export const refsResolve: Rule = {
  id: "sf-refs-resolve",
  severity: "error",
  description: "every $ref is local and resolves",
  source: "salesforce-external-services.md §1 (one uploaded file); OpenAPI 3.0 Reference Object",
  *check(ctx) {
    const resolves = new Map<string, boolean>();
    const findings: Finding[] = [];
    forEachRef(ctx.doc, (ref, pointer) => {
      if (!ref.startsWith("#")) {
        findings.push({
          message: `External $ref "${ref}": Salesforce needs one self-contained file; bundle the referenced schema into components.`,
          pointer: pointer(),
        });
        return;
      }
      let ok = resolves.get(ref);
      if (ok === undefined) {
        ok = ctx.lookup(ref) !== undefined;
        resolves.set(ref, ok);
      }
      if (!ok)
        findings.push({
          message: `$ref "${ref}" points at nothing: add the component or fix the reference.`,
          pointer: pointer(),
        });
    });
    yield* findings;
  },
};
