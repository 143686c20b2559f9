/**
 * Field codes reach Kintone queries as they are (`Company_name = "x"`), so a code that holds query syntax could change
 * a query's structure, and one named like an Object prototype key could reach the prototype. Kintone's own codes
 * never hold these (kintone-api.md §3: letters, digits, `_` and a few full-width symbols); a spec that claims one
 * was not made from Kintone. One rule, read by the generator (refuses to write such a spec) and the proxy (refuses
 * to serve one), so a spec that `validate` passes always serves.
 */
const QUERY_SYNTAX = /[\s"'()=!<>,\\\u0000-\u001f\u007f]/;
const PROTOTYPE_KEYS = new Set(["__proto__", "constructor", "prototype"]);

/** Why `code` cannot be a Kintone field code the proxy puts into queries, or undefined when it can. */
export function unsafeFieldCode(code: string): string | undefined {
  if (code === "$id" || code === "$revision") return undefined;
  if (code.length === 0 || code.length > 128) return "is empty or longer than 128 characters";
  if (QUERY_SYNTAX.test(code))
    return "holds spaces, quotes, parentheses, operators, commas or control characters";
  if (PROTOTYPE_KEYS.has(code)) return "is a name JavaScript objects reserve";
  return undefined;
}
