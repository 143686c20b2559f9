import type { JsonObject } from "./types.js";

export const HTTP_METHODS = ["get", "put", "post", "delete", "options", "head", "patch", "trace"] as const;

/** Escapes one JSON pointer segment (RFC 6901). */
export function escapePointer(segment: string): string {
  return segment.replace(/~/g, "~0").replace(/\//g, "~1");
}

export function pointerOf(segments: readonly (string | number)[]): string {
  return segments.map((s) => `/${escapePointer(String(s))}`).join("");
}

export function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export type OperationEntry = {
  path: string;
  method: string;
  operation: JsonObject;
  pathItem: JsonObject;
  pointer: string;
};

export type ParameterEntry = { parameter: JsonObject; pointer: string; operation: OperationEntry };

/**
 * A schema node met while walking the document, with how it was reached. Its pointer and Apex name path are
 * computed from the parent chain only when a rule asks (most nodes have no problem), which keeps validating a
 * large document cheap in memory.
 */
export class SchemaEntry {
  constructor(
    readonly schema: JsonObject,
    private readonly parent: SchemaEntry | undefined,
    /** Pointer of a root node, or the escaped segment(s) below the parent. */
    private readonly segment: string,
    /** The key under which this node sits in its parent, for messages. */
    readonly via:
      | "component"
      | "property"
      | "items"
      | "composition"
      | "additionalProperties"
      | "not"
      | "parameter"
      | "body"
      | "response",
    /** The name this node adds to the Apex name path (component, property, or a root's name). */
    private readonly name?: string,
  ) {}

  get pointer(): string {
    return this.parent === undefined ? this.segment : `${this.parent.pointer}/${this.segment}`;
  }

  private apexLengthCache: number | undefined;

  /** Characters of the Apex name path (parts joined by "_"), computed once per node from its parent's. */
  apexPathLength(encode: (name: string) => string): number {
    if (this.apexLengthCache === undefined) {
      const parent = this.parent?.apexPathLength(encode) ?? 0;
      const own = this.name === undefined ? 0 : encode(this.name).length;
      this.apexLengthCache = parent === 0 || own === 0 ? parent + own : parent + 1 + own;
    }
    return this.apexLengthCache;
  }

  /** The last name this node adds to the Apex name path, if any. */
  get ownName(): string | undefined {
    return this.name;
  }

  /** The object path for Apex naming: component name, then property names (arrays add nothing). */
  get namePath(): string[] {
    const path = this.parent === undefined ? [] : this.parent.namePath;
    if (this.name !== undefined) path.push(this.name);
    return path;
  }
}

/** The document and its size, with walkers shared by all rules. Walkers never follow $ref, so cycles are safe. */
export class RuleContext {
  private operationsCache: OperationEntry[] | undefined;
  private schemasCache: SchemaEntry[] | undefined;

  constructor(
    readonly doc: JsonObject,
    /** Characters of the serialised document. */
    readonly size: number,
    readonly format: "json" | "yaml",
  ) {}

  /** Every operation under paths, in document order. */
  operations(): OperationEntry[] {
    if (this.operationsCache) return this.operationsCache;
    const entries: OperationEntry[] = [];
    const paths = isObject(this.doc.paths) ? this.doc.paths : {};
    for (const [path, pathItem] of Object.entries(paths)) {
      if (!isObject(pathItem)) continue;
      for (const method of HTTP_METHODS) {
        const operation = pathItem[method];
        if (isObject(operation)) {
          entries.push({ path, method, operation, pathItem, pointer: pointerOf(["paths", path, method]) });
        }
      }
    }
    this.operationsCache = entries;
    return entries;
  }

  /** Parameters of each operation, path-level ones included (resolved when they are component $refs). */
  parameters(): ParameterEntry[] {
    const entries: ParameterEntry[] = [];
    for (const operation of this.operations()) {
      const lists: Array<[unknown, string]> = [
        [operation.pathItem.parameters, pointerOf(["paths", operation.path, "parameters"])],
        [operation.operation.parameters, `${operation.pointer}/parameters`],
      ];
      for (const [list, base] of lists) {
        if (!Array.isArray(list)) continue;
        list.forEach((raw, index) => {
          const parameter = this.resolve(raw);
          if (isObject(parameter)) entries.push({ parameter, pointer: `${base}/${index}`, operation });
        });
      }
    }
    return entries;
  }

  /** Follows a local $ref (one or more hops); returns the value itself when it is not a reference. */
  resolve(value: unknown): unknown {
    let current = value;
    for (let hops = 0; hops < 32 && isObject(current) && typeof current.$ref === "string"; hops++) {
      const target = this.lookup(current.$ref);
      if (target === undefined) return current;
      current = target;
    }
    return current;
  }

  /** The value a local `#/...` reference points at, or undefined. */
  lookup(ref: string): unknown {
    if (!ref.startsWith("#")) return undefined;
    const segments = ref
      .slice(1)
      .split("/")
      .slice(1)
      .map((s) => decodeURIComponent(s).replace(/~1/g, "/").replace(/~0/g, "~"));
    let current: unknown = this.doc;
    for (const segment of segments) {
      if (!isObject(current) && !Array.isArray(current)) return undefined;
      current = (current as Record<string, unknown>)[segment];
      if (current === undefined) return undefined;
    }
    return current;
  }

  /** Every schema node: components, parameters, bodies, responses, and everything nested in them. */
  schemas(): SchemaEntry[] {
    if (this.schemasCache) return this.schemasCache;
    const entries: SchemaEntry[] = [];
    const visit = (
      schema: unknown,
      parent: SchemaEntry | undefined,
      segment: string,
      via: SchemaEntry["via"],
      name?: string,
    ): void => {
      if (!isObject(schema)) return;
      const entry = new SchemaEntry(schema, parent, segment, via, name);
      entries.push(entry);
      if (typeof schema.$ref === "string") return;
      const properties = schema.properties;
      if (isObject(properties)) {
        for (const key in properties)
          visit(properties[key], entry, `properties/${escapePointer(key)}`, "property", key);
      }
      if (schema.items !== undefined) visit(schema.items, entry, "items", "items");
      for (const key of ["allOf", "oneOf", "anyOf"]) {
        const list = schema[key];
        if (!Array.isArray(list)) continue;
        for (let i = 0; i < list.length; i++) visit(list[i], entry, `${key}/${i}`, "composition");
      }
      if (isObject(schema.additionalProperties)) {
        visit(schema.additionalProperties, entry, "additionalProperties", "additionalProperties");
      }
      if (schema.not !== undefined) visit(schema.not, entry, "not", "not");
    };
    const components =
      isObject(this.doc.components) && isObject(this.doc.components.schemas)
        ? this.doc.components.schemas
        : {};
    for (const name in components) {
      visit(components[name], undefined, pointerOf(["components", "schemas", name]), "component", name);
    }
    for (const { parameter, pointer } of this.parameters()) {
      if (parameter.schema !== undefined) {
        visit(parameter.schema, undefined, `${pointer}/schema`, "parameter", String(parameter.name ?? ""));
      }
    }
    for (const op of this.operations()) {
      const opName = String(op.operation.operationId ?? `${op.method}${op.path}`);
      const body = this.resolve(op.operation.requestBody);
      if (isObject(body) && isObject(body.content)) {
        for (const [type, media] of Object.entries(body.content)) {
          if (!isObject(media)) continue;
          const pointer = `${op.pointer}/requestBody/content/${escapePointer(type)}/schema`;
          visit(media.schema, undefined, pointer, "body", `${opName}Request`);
        }
      }
      if (!isObject(op.operation.responses)) continue;
      for (const [code, raw] of Object.entries(op.operation.responses)) {
        const response = this.resolve(raw);
        if (!isObject(response) || !isObject(response.content)) continue;
        for (const [type, media] of Object.entries(response.content)) {
          if (!isObject(media)) continue;
          const pointer = `${op.pointer}/responses/${escapePointer(code)}/content/${escapePointer(type)}/schema`;
          visit(media.schema, undefined, pointer, "response", `${opName}${code}`);
        }
      }
    }
    this.schemasCache = entries;
    return entries;
  }
}
