import type { PinnedNames } from "./build-document.js";

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Reads the names a previously generated spec gave (resource names per app, property names per field code), so
 * that regenerating keeps them: Salesforce refuses renames of what is registered. Anything unrecognisable is skipped.
 */
export function readPinnedNames(doc: unknown): PinnedNames {
  const pinned: PinnedNames = new Map();
  if (!isObject(doc) || !isObject(doc.components) || !isObject(doc.components.schemas)) return pinned;
  const entry = (appId: string) => {
    let value = pinned.get(appId);
    if (value === undefined) {
      value = { fields: new Map() };
      pinned.set(appId, value);
    }
    return value;
  };
  for (const schema of Object.values(doc.components.schemas)) {
    if (!isObject(schema) || typeof schema["x-kintone-app-id"] !== "string") continue;
    const app = entry(schema["x-kintone-app-id"]);
    if (!isObject(schema.properties)) continue;
    for (const [name, property] of Object.entries(schema.properties)) {
      const code = isObject(property) ? property["x-kintone-field-code"] : undefined;
      if (typeof code === "string" && !code.startsWith("$")) app.fields.set(code, name);
    }
  }
  if (isObject(doc.paths)) {
    for (const pathItem of Object.values(doc.paths)) {
      if (!isObject(pathItem)) continue;
      for (const operation of Object.values(pathItem)) {
        if (!isObject(operation) || typeof operation["x-kintone-app-id"] !== "string") continue;
        const id = operation.operationId;
        if (typeof id !== "string") continue;
        const app = entry(operation["x-kintone-app-id"]);
        const kind = operation["x-kintone-operation"];
        if (kind === "list" && id.startsWith("list")) app.plural = id.slice(4);
        if (kind === "get" && id.startsWith("get")) app.singular = id.slice(3);
        if (kind === "create" && id.startsWith("create")) app.singular ??= id.slice(6);
        if (kind === "update" && id.startsWith("update")) app.singular ??= id.slice(6);
        if (kind === "delete" && id.startsWith("delete")) app.singular ??= id.slice(6);
      }
    }
  }
  return pinned;
}
