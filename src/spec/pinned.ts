import type { PinnedNames } from "./build-document.js";

const KEPT = new Set(["x-kintone-app-id", "x-kintone-field-code", "x-kintone-operation", "operationId"]);

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** Thrown by the scanner on text that is not JSON. */
class NotJson extends Error {}

/**
 * Visits the string values of a JSON document held in a Buffer, with the path of keys above each, without
 * building the document or decoding the text: a 25 MB spec is scanned in one pass with next to no allocation.
 * `want(key)` says which keys' values to report (only those strings are decoded).
 */
function scanStrings(
  bytes: Uint8Array,
  want: (key: string) => boolean,
  onValue: (path: readonly string[], value: string) => void,
): void {
  const path: string[] = [];
  /** Open containers; an object frame knows whether the next string is a key and whether its key is on `path`. */
  const stack: Array<{ object: boolean; expectKey: boolean; hasKey: boolean }> = [];
  let i = 0;
  const n = bytes.length;
  const readString = (decode: boolean): string | undefined => {
    const start = ++i; // after the opening quote
    let escaped = false;
    for (; i < n; i++) {
      const byte = bytes[i] as number;
      if (byte === BACKSLASH) {
        escaped = true;
        i++;
      } else if (byte === QUOTE) break;
    }
    if (i >= n) throw new NotJson();
    const end = i++;
    if (!decode) return undefined;
    const raw = Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start).toString("utf8");
    return escaped ? (JSON.parse(`"${raw}"`) as string) : raw;
  };
  while (i < n) {
    const byte = bytes[i] as number;
    const top = stack[stack.length - 1];
    if (byte === 0x7b || byte === 0x5b) {
      stack.push({ object: byte === 0x7b, expectKey: byte === 0x7b, hasKey: false });
      i++;
    } else if (byte === 0x7d || byte === 0x5d) {
      const closed = stack.pop();
      if (closed === undefined || closed.object !== (byte === 0x7d)) throw new NotJson();
      if (closed.hasKey) path.pop();
      i++;
    } else if (byte === 0x2c) {
      if (top?.object) {
        top.expectKey = true;
        if (top.hasKey) path.pop();
        top.hasKey = false;
      }
      i++;
    } else if (byte === 0x3a) {
      i++;
    } else if (byte === QUOTE) {
      if (top?.object && top.expectKey) {
        path.push(readString(true) as string);
        top.expectKey = false;
        top.hasKey = true;
      } else {
        const key = path[path.length - 1] ?? "";
        const value = readString(top?.object === true && want(key));
        if (value !== undefined) onValue(path, value);
      }
    } else {
      i++; // whitespace, numbers, true/false/null
    }
  }
  if (
    stack.length !== 0 ||
    n === 0 ||
    bytes.every((b) => b === 0x20 || b === 0x0a || b === 0x0d || b === 0x09)
  ) {
    throw new NotJson();
  }
}

/**
 * Reads the names a previously generated spec gave (resource names per app, property names per field code), so
 * that regenerating keeps them: Salesforce refuses renames of what is registered. The bytes are scanned, not
 * parsed into objects, so a large previous spec costs next to no memory. Anything unrecognisable is skipped;
 * a text that is not JSON gives undefined.
 */
export function readPinnedNames(bytes: Uint8Array): PinnedNames | undefined {
  const schemaApp = new Map<string, string>();
  const schemaFields: Array<{ schema: string; property: string; code: string }> = [];
  const operations = new Map<string, { appId?: string; kind?: string; id?: string }>();
  try {
    scanStrings(
      bytes,
      (key) => KEPT.has(key),
      (path, value) => {
        const key = path[path.length - 1] as string;
        if (path[0] === "components" && path[1] === "schemas" && path[2] !== undefined) {
          if (path.length === 4 && key === "x-kintone-app-id") schemaApp.set(path[2], value);
          if (path.length === 6 && path[3] === "properties" && key === "x-kintone-field-code") {
            schemaFields.push({ schema: path[2], property: path[4] as string, code: value });
          }
        } else if (path[0] === "paths" && path.length === 4) {
          const op = `${path[1]} ${path[2]}`;
          const entry = operations.get(op) ?? {};
          if (key === "x-kintone-app-id") entry.appId = value;
          if (key === "x-kintone-operation") entry.kind = value;
          if (key === "operationId") entry.id = value;
          operations.set(op, entry);
        }
      },
    );
  } catch (error) {
    if (error instanceof NotJson || error instanceof SyntaxError) return undefined;
    throw error;
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
  for (const { schema, property, code } of schemaFields) {
    const appId = schemaApp.get(schema);
    if (appId === undefined || code.startsWith("$")) continue;
    // The first schema to name a field wins, so one inconsistent schema cannot rename the rest.
    const fields = entry(appId).fields;
    if (!fields.has(code)) fields.set(code, property);
  }
  const prefixes: Record<string, string> = {
    list: "list",
    get: "get",
    create: "create",
    update: "update",
    delete: "delete",
  };
  for (const { appId, kind, id } of operations.values()) {
    if (appId === undefined || kind === undefined || id === undefined) continue;
    const prefix = prefixes[kind];
    if (prefix === undefined || !id.startsWith(prefix)) continue;
    const app = entry(appId);
    if (kind === "list") app.plural = id.slice(prefix.length);
    else if (kind === "get") app.singular = id.slice(prefix.length);
    else app.singular ??= id.slice(prefix.length);
  }
  return pinned;
}
