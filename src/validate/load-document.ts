import { readFile, stat } from "node:fs/promises";
import { extname } from "node:path";
import { findNodeAtLocation, type Node, parseTree } from "jsonc-parser";
import { isMap, isScalar, LineCounter, parseDocument } from "yaml";
import { UsageError } from "../errors.js";
import { findJsonSyntaxProblem, offsetToLineColumn } from "../util/json-file.js";
import type { JsonObject } from "./types.js";

/** A spec file, parsed, with a way to turn a JSON pointer into a line and column of the file. */
export type LoadedDocument = {
  path: string;
  format: "json" | "yaml";
  /** Characters of the file (Salesforce's size limits count characters). */
  size: number;
  doc: JsonObject;
  locate(pointer: string): { line: number; column: number } | undefined;
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
    let tree: Node | undefined;
    return {
      path,
      format: "json",
      size: text.length,
      doc: asObject(doc),
      locate(pointer) {
        tree ??= parseTree(text);
        if (tree === undefined) return undefined;
        const root = tree;
        const node = nearestNode(pointerSegments(pointer), (segments) =>
          findNodeAtLocation(root, jsoncPath(root, segments)),
        );
        // A property's key is where a reader looks, not its value.
        const at = node?.parent?.type === "property" ? node.parent : node;
        return at === undefined ? undefined : offsetToLineColumn(text, at.offset);
      },
    };
  }

  const lineCounter = new LineCounter();
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
  return {
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
  };
}

/** Pointer segments as a jsonc-parser path: array indexes as numbers, object keys as strings. */
function jsoncPath(root: Node, segments: readonly string[]): Array<string | number> {
  const path: Array<string | number> = [];
  let node: Node | undefined = root;
  for (const segment of segments) {
    const key: string | number = node?.type === "array" && /^\d+$/.test(segment) ? Number(segment) : segment;
    path.push(key);
    node = node === undefined ? undefined : findNodeAtLocation(node, [key]);
  }
  return path;
}

/** The node at the pointer, or at its nearest existing ancestor (a missing key is reported at its parent). */
function nearestNode<T extends { offset: number; parent?: Node }>(
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
