import type { PinnedNames } from "./build-document.js";
import { X_APP_ID, X_FIELD_CODE, X_OPERATION } from "./x-kintone.js";

const KEPT = new Set([X_APP_ID, X_FIELD_CODE, X_OPERATION, "operationId"]);

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/** Thrown by the scanner on text that is not JSON. */
class NotJson extends Error {}

/**
 * Visits the string values of a JSON document fed to it in chunks, with the path of keys above each, without
 * building the document or holding the whole text: a 25 MB spec is scanned as it is read, with next to no memory.
 * `want(key)` says which keys' values to report (only those strings, and keys, are decoded).
 */
class StringScanner {
  private readonly path: string[] = [];
  /** Open containers; an object frame knows whether the next string is a key and whether its key is on `path`. */
  private readonly stack: Array<{ object: boolean; expectKey: boolean; hasKey: boolean }> = [];
  private inString = false;
  private isKey = false;
  private decode = false;
  private escaped = false;
  private pendingEscape = false;
  private parts: Buffer[] = [];
  private sawContent = false;

  constructor(
    private readonly want: (key: string) => boolean,
    private readonly onValue: (path: readonly string[], value: string) => void,
  ) {}

  feed(chunk: Uint8Array): void {
    const n = chunk.length;
    let segment = 0;
    for (let i = 0; i < n; i++) {
      const byte = chunk[i] as number;
      if (this.inString) {
        if (this.pendingEscape) {
          this.pendingEscape = false;
        } else if (byte === BACKSLASH) {
          this.escaped = true;
          this.pendingEscape = true;
        } else if (byte === QUOTE) {
          if (this.decode) this.parts.push(Buffer.from(chunk.subarray(segment, i)));
          this.finishString();
        }
        continue;
      }
      const top = this.stack[this.stack.length - 1];
      if (byte === 0x7b || byte === 0x5b) {
        this.sawContent = true;
        this.stack.push({ object: byte === 0x7b, expectKey: byte === 0x7b, hasKey: false });
      } else if (byte === 0x7d || byte === 0x5d) {
        const closed = this.stack.pop();
        if (closed === undefined || closed.object !== (byte === 0x7d)) throw new NotJson();
        if (closed.hasKey) this.path.pop();
      } else if (byte === 0x2c) {
        if (top?.object) {
          top.expectKey = true;
          if (top.hasKey) this.path.pop();
          top.hasKey = false;
        }
      } else if (byte === QUOTE) {
        this.sawContent = true;
        this.inString = true;
        this.isKey = top?.object === true && top.expectKey;
        this.decode =
          this.isKey || (top?.object === true && this.want(this.path[this.path.length - 1] ?? ""));
        this.escaped = false;
        this.parts = [];
        segment = i + 1;
      } else if (byte !== 0x20 && byte !== 0x0a && byte !== 0x0d && byte !== 0x09) {
        this.sawContent = true;
      }
    }
    if (this.inString && this.decode) this.parts.push(Buffer.from(chunk.subarray(segment, n)));
  }

  private finishString(): void {
    this.inString = false;
    const top = this.stack[this.stack.length - 1];
    if (!this.decode) return;
    const raw = Buffer.concat(this.parts).toString("utf8");
    const value = this.escaped ? (JSON.parse(`"${raw}"`) as string) : raw;
    if (this.isKey && top !== undefined) {
      this.path.push(value);
      top.expectKey = false;
      top.hasKey = true;
    } else {
      this.onValue(this.path, value);
    }
  }

  end(): void {
    if (this.inString || this.stack.length !== 0 || !this.sawContent) throw new NotJson();
  }
}

/**
 * Reads the names a previously generated spec gave (resource names per app, property names per field code), so
 * that regenerating keeps them: Salesforce refuses renames of what is registered. The bytes are scanned, not
 * parsed into objects, so a large previous spec costs next to no memory. Anything unrecognisable is skipped;
 * a text that is not JSON gives undefined.
 */
export function readPinnedNames(bytes: Uint8Array | Iterable<Uint8Array>): PinnedNames | undefined {
  const schemaApp = new Map<string, string>();
  const schemaFields: Array<{ schema: string; property: string; code: string }> = [];
  const operations = new Map<string, { appId?: string; kind?: string; id?: string }>();
  try {
    const scanner = new StringScanner(
      (key) => KEPT.has(key),
      (path, value) => {
        const key = path[path.length - 1] as string;
        if (path[0] === "components" && path[1] === "schemas" && path[2] !== undefined) {
          if (path.length === 4 && key === X_APP_ID) schemaApp.set(path[2], value);
          if (path.length === 6 && path[3] === "properties" && key === X_FIELD_CODE) {
            schemaFields.push({ schema: path[2], property: path[4] as string, code: value });
          }
        } else if (path[0] === "paths" && path.length === 4) {
          const op = `${path[1]} ${path[2]}`;
          const entry = operations.get(op) ?? {};
          if (key === X_APP_ID) entry.appId = value;
          if (key === X_OPERATION) entry.kind = value;
          if (key === "operationId") entry.id = value;
          operations.set(op, entry);
        }
      },
    );
    const chunks = bytes instanceof Uint8Array ? [bytes] : bytes;
    for (const chunk of chunks) scanner.feed(chunk);
    scanner.end();
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
