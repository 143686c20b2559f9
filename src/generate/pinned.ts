import type { PinnedNames } from "./build-document.js";
import { schemaAppId, X_APP_ID, X_FIELD_CODE, X_OPERATION } from "./x-kintone.js";

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function objects(value: unknown): Array<[string, Json]> {
  return isObject(value)
    ? Object.entries(value).filter((entry): entry is [string, Json] => isObject(entry[1]))
    : [];
}

/** The operationId prefix of each operation kind whose id carries the resource name. */
const PREFIXES: Readonly<Record<string, string>> = {
  list: "list",
  get: "get",
  create: "create",
  update: "update",
  delete: "delete",
};

/**
 * Reads the names a previously generated spec gave (resource names per app, property names per field code), so
 * that regenerating keeps them: Salesforce refuses renames of what is registered. Anything unrecognisable is
 * skipped; a text that is not JSON gives undefined.
 */
export function readPinnedNames(text: string): PinnedNames | undefined {
  let doc: unknown;
  try {
    doc = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch {
    return undefined;
  }
  const pinned: PinnedNames = new Map();
  const entry = (appId: string) => {
    let value = pinned.get(appId);
    if (value === undefined) {
      value = { fields: new Map() };
      pinned.set(appId, value);
    }
    return value;
  };
  if (!isObject(doc)) return pinned;
  const components = isObject(doc.components) ? doc.components : {};
  for (const [, schema] of objects(components.schemas)) {
    const appId = schemaAppId(schema);
    if (appId === undefined) continue;
    for (const [property, field] of objects(schema.properties)) {
      const code = field[X_FIELD_CODE];
      if (typeof code !== "string" || code.startsWith("$")) continue;
      // The first schema to name a field wins, so one inconsistent schema cannot rename the rest.
      const fields = entry(appId).fields;
      if (!fields.has(code)) fields.set(code, property);
    }
  }
  for (const [, item] of objects(doc.paths)) {
    for (const [, operation] of objects(item)) {
      const appId = operation[X_APP_ID];
      const kind = operation[X_OPERATION];
      const id = operation.operationId;
      if (typeof appId !== "string" || typeof kind !== "string" || typeof id !== "string") continue;
      const prefix = PREFIXES[kind];
      if (prefix === undefined || !id.startsWith(prefix)) continue;
      const app = entry(appId);
      if (kind === "list") app.plural = id.slice(prefix.length);
      else if (kind === "get") app.singular = id.slice(prefix.length);
      else app.singular ??= id.slice(prefix.length);
    }
  }
  return pinned;
}
