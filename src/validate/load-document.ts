import { readFile, stat } from "node:fs/promises";
import { extname } from "node:path";
import { visit } from "jsonc-parser";
import type { LineCounter as LineCounterType } from "yaml";
import { UsageError } from "../errors.js";
import { findJsonSyntaxProblem } from "../util/json-file.js";
import { escapePointer } from "./context.js";
import type { JsonObject } from "./types.js";

/** A spec file, parsed, with a way to turn a JSON pointer into a line and column of the file. */
export type LoadedDocument = {
  path: string;
  format: "json" | "yaml";
  /** Characters of the file (Salesforce's size limits count characters). */
  size: number;
  doc: JsonObject;
  locate(pointer: string): { line: number; column: number } | undefined;
  /** Locates many pointers at once (one pass over a JSON text). */
  locateAll(pointers: readonly string[]): Map<string, { line: number; column: number }>;
};

/** The file could be read but is not a document this tool can check: reported as a problem, not a crash. */
export class UnreadableDocumentError extends Error {
  constructor(
    message: string,
    readonly line?: number,
    readonly column?: number,
  ) {
    super(message);
  }
}

/** Splits a JSON pointer into its unescaped segments. */
export function pointerSegments(pointer: string): string[] {
  if (pointer === "") return [];
  return pointer
    .slice(1)
    .split("/")
    .map((segment) => segment.replace(/~1/g, "/").replace(/~0/g, "~"));
}

function looksLikeYaml(path: string, text: string): boolean {
  const ext = extname(path).toLowerCase();
  if (ext === ".yaml" || ext === ".yml") return true;
  if (ext === ".json") return false;
  return !/^\s*[[{]/.test(text);
}

/**
 * Reads an OpenAPI file (JSON, or YAML as Salesforce also accepts). A path that is missing or a directory is a
 * UsageError; an empty or unparsable file, or one that is not an object, is an UnreadableDocumentError with the
 * position of the problem.
 */
export async function loadDocument(path: string): Promise<LoadedDocument> {
  let text: string;
  try {
    if ((await stat(path)).isDirectory())
      throw new UsageError(`${path} is a directory: give the spec file to check.`);
    text = await readFile(path, "utf8");
  } catch (error) {
    if (error instanceof UsageError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(
      code === "ENOENT"
        ? `${path} does not exist: check the path.`
        : `cannot read ${path} (${code ?? "error"}).`,
    );
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text.trim() === "")
    throw new UnreadableDocumentError("The file is empty: it should hold an OpenAPI 3.0 document.", 1, 1);

  if (!looksLikeYaml(path, text)) {
    let doc: unknown;
    try {
      doc = JSON.parse(text);
    } catch {
      const problem = findJsonSyntaxProblem(text);
      throw new UnreadableDocumentError(
        `Not valid JSON: ${problem?.reason ?? "syntax error"}.`,
        problem?.line,
        problem?.column,
      );
    }
    const json: LoadedDocument = {
      path,
      format: "json",
      size: text.length,
      doc: asObject(doc),
      locate: (pointer) => json.locateAll([pointer]).get(pointer),
      locateAll(pointers) {
        // Each pointer, or its nearest existing ancestor (a missing key is reported at its parent).
        const chains = new Map(pointers.map((p) => [p, ancestors(p)]));
        const found = locateJsonPointers(text, new Set([...chains.values()].flat()));
        const result = new Map<string, { line: number; column: number }>();
        for (const [pointer, chain] of chains) {
          const at = chain.map((p) => found.get(p)).find((position) => position !== undefined);
          if (at !== undefined) result.set(pointer, at);
        }
        return result;
      },
    };
    return json;
  }

  // yaml is loaded only for YAML files.
  const { isMap, isScalar, LineCounter, parseDocument } = await import("yaml");
  const lineCounter: LineCounterType = new LineCounter();
  const yaml = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  const first = yaml.errors[0];
  if (first !== undefined) {
    const pos = lineCounter.linePos(first.pos[0]);
    throw new UnreadableDocumentError(
      `Not valid YAML: ${first.message.split("\n")[0]?.replace(/ at line \d+, column \d+:?$/, "")}.`,
      pos.line,
      pos.col,
    );
  }
  const loaded: LoadedDocument = {
    path,
    format: "yaml",
    size: text.length,
    doc: asObject(yaml.toJS({ maxAliasCount: 10_000 })),
    locate(pointer) {
      const node = nearestNode(pointerSegments(pointer), (segments) => {
        // Point at the key of a mapping entry (where a reader looks), else at the node itself.
        const parent = segments.length > 0 ? yaml.getIn(segments.slice(0, -1), true) : undefined;
        if (isMap(parent)) {
          const pair = parent.items.find(
            (item) => isScalar(item.key) && String(item.key.value) === segments[segments.length - 1],
          );
          const keyRange = (pair?.key as { range?: [number, number, number] } | undefined)?.range;
          if (keyRange) return { offset: keyRange[0] };
        }
        const found = yaml.getIn(segments, true) as { range?: [number, number, number] } | undefined;
        return found?.range ? { offset: found.range[0] } : undefined;
      });
      if (node === undefined) return undefined;
      const pos = lineCounter.linePos(node.offset);
      return { line: pos.line, column: pos.col };
    },
    locateAll(pointers) {
      const result = new Map<string, { line: number; column: number }>();
      for (const pointer of pointers) {
        const at = loaded.locate(pointer);
        if (at !== undefined) result.set(pointer, at);
      }
      return result;
    },
  };
  return loaded;
}

/**
 * Where each wanted JSON pointer sits in a JSON text (1-based line and column of its key, or of the value for array
 * elements and the root), in one pass of jsonc-parser's visitor that skips every container off the wanted paths.
 */
function locateJsonPointers(
  text: string,
  wanted: ReadonlySet<string>,
): Map<string, { line: number; column: number }> {
  const prefixes = new Set<string>();
  for (const pointer of wanted)
    for (let at = 0; at !== -1; at = pointer.indexOf("/", at + 1)) prefixes.add(pointer.slice(0, at));
  for (const pointer of wanted) prefixes.add(pointer);
  // The root is reported at the start of the file.
  const found = new Map<string, { line: number; column: number }>(
    wanted.has("") ? [["", { line: 1, column: 1 }]] : [],
  );
  /** Open containers: their pointer (undefined off the wanted paths), array position, current key and its place. */
  type Frame = {
    pointer: string | undefined;
    array: boolean;
    index: number;
    key?: string;
    line: number;
    column: number;
  };
  const stack: Frame[] = [];
  /** Notes where a value starts and returns its pointer when it is on a wanted path. */
  const value = (line: number, column: number): string | undefined => {
    const frame = stack[stack.length - 1];
    let pointer: string | undefined = "";
    if (frame !== undefined) {
      if (frame.pointer === undefined || (!frame.array && frame.key === undefined)) return undefined;
      pointer = `${frame.pointer}/${frame.array ? frame.index : escapePointer(frame.key as string)}`;
      if (!prefixes.has(pointer)) return undefined;
    }
    if (wanted.has(pointer) && !found.has(pointer)) {
      found.set(
        pointer,
        frame !== undefined && !frame.array
          ? { line: frame.line, column: frame.column }
          : { line: line + 1, column: column + 1 },
      );
      if (found.size === wanted.size) throw ALL_FOUND;
    }
    return pointer;
  };
  const begin = (array: boolean) => (_offset: number, _length: number, line: number, column: number) => {
    const pointer = value(line, column);
    stack.push({ pointer, array, index: 0, line: 0, column: 0 });
    // Containers off the wanted paths are skipped (their end is still reported).
    return pointer !== undefined;
  };
  const end = () => {
    stack.pop();
  };
  if (found.size === wanted.size) return found;
  try {
    visit(text, {
      onObjectBegin: begin(false),
      onArrayBegin: begin(true),
      onObjectEnd: end,
      onArrayEnd: end,
      onObjectProperty: (key, _offset, _length, line, column) => {
        const frame = stack[stack.length - 1];
        if (frame === undefined) return;
        frame.key = key;
        frame.line = line + 1;
        frame.column = column + 1;
      },
      onLiteralValue: (_value, _offset, _length, line, column) => {
        value(line, column);
      },
      onSeparator: (character) => {
        const frame = stack[stack.length - 1];
        if (character === "," && frame?.array) frame.index++;
      },
    });
  } catch (error) {
    if (error !== ALL_FOUND) throw error;
  }
  return found;
}

/** Thrown from the visitor to stop the pass once every wanted pointer is found. */
const ALL_FOUND = Symbol("all found");

/** A pointer and its ancestors, nearest first: "/a/b" → ["/a/b", "/a", ""]. */
function ancestors(pointer: string): string[] {
  const chain = [pointer];
  let current = pointer;
  while (current !== "") {
    current = current.slice(0, current.lastIndexOf("/"));
    chain.push(current);
  }
  return chain;
}

/** The node at the pointer, or at its nearest existing ancestor (a missing key is reported at its parent). */
function nearestNode<T extends { offset: number }>(
  segments: string[],
  find: (segments: string[]) => T | undefined,
): T | undefined {
  for (let length = segments.length; length >= 0; length--) {
    const node = find(segments.slice(0, length));
    if (node !== undefined) return node;
  }
  return undefined;
}

function asObject(value: unknown): JsonObject {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new UnreadableDocumentError("Not an OpenAPI document: the file does not hold an object.", 1, 1);
  }
  const doc = value as JsonObject;
  if (doc.openapi === undefined && doc.swagger === undefined) {
    throw new UnreadableDocumentError('Not an OpenAPI document: it has no "openapi" version field.', 1, 1);
  }
  return doc;
}
