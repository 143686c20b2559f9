import { capabilityOf } from "../kintone/field-types.js";
import { FilterTranslationError, type PropertyInfo, type PropertyMap } from "./translate-filter.js";

/** A query option that is out of range or names what does not exist: a 400 naming the option. */
export class QueryOptionError extends Error {
  constructor(
    readonly option: string,
    message: string,
  ) {
    super(message);
  }
}

export type SortKey = { code: string; direction: "asc" | "desc"; property: string };

function sortable(info: PropertyInfo): boolean {
  return info.rows === undefined && capabilityOf(info.kind, info.inTable === true).sort;
}

/** Parses `$orderby` ("a desc, b") into Kintone sort keys, refusing properties Kintone cannot sort. */
export function parseOrderBy(text: string, properties: PropertyMap): SortKey[] {
  const keys: SortKey[] = [];
  for (const part of text.split(",")) {
    const words = part.trim().split(/\s+/).filter(Boolean);
    if (words.length === 0 || words.length > 2) {
      throw new QueryOptionError(
        "$orderby",
        `$orderby takes property names, each optionally followed by asc or desc (got "${part.trim()}")`,
      );
    }
    const [name, direction = "asc"] = words as [string, string | undefined];
    if (direction !== "asc" && direction !== "desc") {
      throw new QueryOptionError("$orderby", `$orderby directions are asc or desc (got "${direction}")`);
    }
    const info = properties.get(name);
    if (info === undefined) {
      const names = [...properties.values()].filter(sortable).map((p) => p.name);
      throw new QueryOptionError(
        "$orderby",
        `$orderby names an unknown property "${name}": sortable properties are ${names.join(", ")}`,
      );
    }
    if (!sortable(info))
      throw new QueryOptionError(
        "$orderby",
        `${name} cannot be sorted by: Kintone does not sort ${info.rows ? "tables" : "this kind of field"}`,
      );
    keys.push({ code: info.code, direction, property: name });
  }
  return keys;
}

/** Parses `$select` into the field codes to ask Kintone for ($id and $revision are always included). */
export function parseSelect(text: string, properties: PropertyMap): { codes: string[]; names: Set<string> } {
  const names = new Set<string>();
  for (const raw of text.split(",")) {
    const name = raw.trim();
    if (name === "") continue;
    if (!properties.has(name)) {
      throw new QueryOptionError(
        "$select",
        `$select names an unknown property "${name}": properties are ${[...properties.keys()].join(", ")}`,
      );
    }
    names.add(name);
  }
  if (names.size === 0)
    throw new QueryOptionError(
      "$select",
      "$select is empty: name one or more properties, separated by commas",
    );
  names.add("id");
  names.add("revision");
  const codes = [...names].map((name) => (properties.get(name) as PropertyInfo).code);
  return { codes, names };
}

/** Parses an integer query option within bounds. */
export function parseInteger(
  value: string | undefined,
  option: string,
  fallback: number,
  min: number,
  max: number,
): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value.trim()))
    throw new QueryOptionError(
      option,
      `${option} must be a whole number from ${min} to ${max} (got "${value}")`,
    );
  const number = Number(value);
  if (number < min || number > max)
    throw new QueryOptionError(
      option,
      `${option} must be from ${min} to ${max.toLocaleString("en-US")} (got ${value})`,
    );
  return number;
}

export function parseBoolean(value: string | undefined, option: string): boolean {
  if (value === undefined) return false;
  if (value === "true") return true;
  if (value === "false") return false;
  throw new QueryOptionError(option, `${option} must be true or false (got "${value}")`);
}

export { FilterTranslationError };

/**
 * OData's rule for system query options: one the service does not support is refused, not ignored (a Flow that
 * misspells $filter must not get the whole app back). Also refuses an option given twice. Options without `$` are
 * custom options and pass, except the named `single` ones, which may appear once.
 */
export function checkQueryOptions(
  query: URLSearchParams,
  supported: readonly string[],
  single: readonly string[] = [],
): void {
  const seen = new Set<string>();
  for (const key of query.keys()) {
    if (key.startsWith("$") && !supported.includes(key)) {
      const near = supported.find((option) => option.toLowerCase() === key.toLowerCase());
      throw new QueryOptionError(
        key.slice(0, 40),
        `${key.slice(0, 40)} is not a query option of this operation${near !== undefined ? `: did you mean ${near}?` : supported.length > 0 ? `: it takes ${supported.join(", ")}` : ""}`,
      );
    }
    if ((key.startsWith("$") || single.includes(key)) && seen.has(key))
      throw new QueryOptionError(key, `${key} is given twice: give it once`);
    seen.add(key);
  }
}
