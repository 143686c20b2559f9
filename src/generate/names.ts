import pluralize from "pluralize";
import { transliterate } from "./transliterate.js";

/** Apex reserved words (salesforce-external-services.md §3) plus `type`, which External Services also encodes. */
export const APEX_RESERVED_WORDS: ReadonlySet<string> = new Set(
  (
    "abstract activate and any array as asc autonomous begin bigdecimal blob boolean break bulk by byte case cast " +
    "catch char class collect commit const continue currency date datetime decimal default delete desc do double " +
    "else end enum exception exit export extends false final finally float for from global goto group having hint " +
    "if implements import in inner insert instanceof int integer interface into join like limit list long loop map " +
    "merge new not null nulls number object of on or outer override package parallel pragma private protected " +
    "public retrieve return rollback select set short sobject sort static string super switch synchronized system " +
    "testmethod then this throw time transaction trigger true try undelete update upsert using virtual void " +
    "webservice when where while type"
  ).split(" "),
);

/** Names a property, parameter or schema must match for readable Flow variables. */
export const NAME_PATTERN = /^[A-Za-z][A-Za-z0-9]*$/;
/** Longer names are cut and given a hash suffix, to keep Apex names well under Salesforce's 80 characters. */
export const MAX_NAME_LENGTH = 40;

/** FNV-1a over UTF-8, as base-36: a short, stable fingerprint of a field code. */
export function stableHash(text: string, length = 6): string {
  let hash = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(text)) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(36).padStart(length, "0").slice(-length);
}

function capitalize(word: string): string {
  return word === "" ? "" : (word[0] as string).toUpperCase() + word.slice(1);
}

/** Joins lower-case words into lowerCamelCase. */
export function toLowerCamel(words: readonly string[]): string {
  return words.map((word, index) => (index === 0 ? word : capitalize(word))).join("");
}

/** Joins words into PascalCase. */
export function toPascal(words: readonly string[]): string {
  return words.map(capitalize).join("");
}

export type DerivedName = {
  name: string;
  /** Where the name came from: the code, the label, or a fingerprint of the code (an invented name). */
  source: "code" | "label" | "invented";
};

function fitLength(name: string, seed: string): string {
  if (name.length <= MAX_NAME_LENGTH) return name;
  return `${name.slice(0, MAX_NAME_LENGTH - 7)}X${stableHash(seed)}`;
}

/** Gives reserved words a readable suffix (`number` → `numberValue`), since Flow would show `z0number`. */
export function avoidReserved(name: string): string {
  return APEX_RESERVED_WORDS.has(name.toLowerCase()) ? `${name}Value` : name;
}

/**
 * Derives an ASCII lowerCamelCase property name from a Kintone field code, falling back to the label, then to a
 * stable name made from the code itself (never from field order). Always matches NAME_PATTERN.
 */
export function derivePropertyName(code: string, label: string): DerivedName {
  for (const [text, source] of [
    [code, "code"],
    [label, "label"],
  ] as const) {
    const { words, complete } = transliterate(text);
    if (complete && words.length > 0 && words.some((word) => /[a-z]/.test(word))) {
      let name = toLowerCamel(words);
      if (/^[0-9]/.test(name)) name = `field${capitalize(name)}`;
      return { name: avoidReserved(fitLength(name, code)), source };
    }
  }
  // Keep whatever could be spelled, and make it unique with a fingerprint of the code.
  const partial = transliterate(code)
    .words.filter((word) => /[a-z]/.test(word))
    .slice(0, 3);
  const prefix = partial.length > 0 ? toLowerCamel(partial) : "field";
  const name = /^[a-z]/.test(prefix) ? prefix : `field${capitalize(prefix)}`;
  return { name: fitLength(`${name}${capitalize(stableHash(code))}`, code), source: "invented" };
}

for (const word of ["data", "news", "info", "information", "master", "staff", "feedback", "equipment"]) {
  pluralize.addUncountableRule(word);
}

/** Words that describe an app rather than its records ("Customer Management" holds customers). */
const APP_SUFFIX_WORDS = new Set([
  "management",
  "list",
  "ledger",
  "app",
  "application",
  "database",
  "db",
  "master",
]);

export type ResourceNames = { singular: string; plural: string; source: "code" | "name" | "id" };

/**
 * Derives PascalCase resource names (`Customer` / `Customers`) from an app's name (descriptive, but often
 * Japanese), else its app code (often an abbreviation), else `App12Record`.
 */
export function deriveResourceNames(app: { appId: string; code: string; name: string }): ResourceNames {
  for (const [text, source] of [
    [app.name, "name"],
    [app.code, "code"],
  ] as const) {
    const { words, complete } = transliterate(text);
    while (words.length > 1 && APP_SUFFIX_WORDS.has(words[words.length - 1] as string)) words.pop();
    const letters = words.filter((word) => /[a-z]/.test(word));
    if (
      complete &&
      letters.length > 0 &&
      letters.length === words.filter((w) => !/^[0-9]+$/.test(w)).length
    ) {
      const pascal = fitLength(toPascal(words), app.appId);
      if (!/^[A-Za-z]/.test(pascal)) continue;
      return { ...singularAndPlural(pascal), source };
    }
  }
  return { singular: `App${app.appId}Record`, plural: `App${app.appId}Records`, source: "id" };
}

/** Singular and plural of a PascalCase name, inflecting its last word only (`SalesDeals` → `SalesDeal`). */
export function singularAndPlural(pascal: string): { singular: string; plural: string } {
  const match = /^(.*?)([A-Z][a-z]+|[A-Z]+|[a-z]+)([0-9]*)$/.exec(pascal);
  if (!match) return { singular: pascal, plural: `${pascal}List` };
  const [, head = "", last = "", digits = ""] = match;
  const singularLast = capitalize(pluralize.singular(last.toLowerCase()));
  const pluralLast = capitalize(pluralize.plural(singularLast.toLowerCase()));
  const keepCase = (word: string) =>
    last === last.toUpperCase() && last.length > 1 ? word.toUpperCase() : word;
  const singular = `${head}${keepCase(singularLast)}${digits}`;
  let plural = `${head}${keepCase(pluralLast)}${digits}`;
  if (plural.toLowerCase() === singular.toLowerCase()) plural = `${singular}List`;
  return { singular, plural };
}

export type NameRequest = {
  /** The stable identity of the thing named (a field code, an app id). */
  key: string;
  /** The name the thing would get if nothing else claimed it. */
  base: string;
  /** A name fixed by the config file: always honoured (a clash with another fixed name is the caller's error). */
  override?: string;
  /** The name the previous spec gave it: kept so that regenerating never renames what Salesforce registered. */
  pinned?: string;
};

export type NameAssignment = {
  names: Map<string, string>;
  /** One message per thing whose base name was taken and got a suffix. */
  collisions: Array<{ key: string; base: string; name: string; takenBy: string }>;
};

/**
 * Gives every request a name unique ignoring case, in a way that does not depend on the order of requests:
 * overrides first, then names pinned by the previous spec, then base names in order of key; a base name that is
 * taken gets the smallest free numeric suffix. `reserved` names are never given out.
 */
export function assignNames(
  requests: readonly NameRequest[],
  reserved: Iterable<string> = [],
): NameAssignment {
  const taken = new Map<string, string>();
  for (const name of reserved) taken.set(name.toLowerCase(), "(reserved)");
  const names = new Map<string, string>();
  const collisions: NameAssignment["collisions"] = [];
  const byKey = [...requests].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const claim = (key: string, name: string) => {
    names.set(key, name);
    taken.set(name.toLowerCase(), key);
  };
  for (const request of byKey) if (request.override !== undefined) claim(request.key, request.override);
  for (const request of byKey) {
    if (names.has(request.key) || request.pinned === undefined) continue;
    if (NAME_PATTERN.test(request.pinned) && !taken.has(request.pinned.toLowerCase()))
      claim(request.key, request.pinned);
  }
  for (const request of byKey) {
    if (names.has(request.key)) continue;
    let name = request.base;
    const holder = taken.get(name.toLowerCase());
    if (holder !== undefined) {
      let suffix = 2;
      while (taken.has(`${request.base}${suffix}`.toLowerCase())) suffix++;
      name = `${request.base}${suffix}`;
      collisions.push({ key: request.key, base: request.base, name, takenBy: holder });
    }
    claim(request.key, name);
  }
  return { names, collisions };
}
