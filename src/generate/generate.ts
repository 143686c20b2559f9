import type { OpenAPIObject } from "openapi3-ts/oas30";
import { KintoneOpenapiError } from "../errors.js";
import type { MetadataSource } from "../kintone/types.js";
import type { Problem, RuleLevel } from "../validate/types.js";
import { validateDocument } from "../validate/validate-document.js";
import { type BuildOptions, type BuildResult, buildDocument } from "./build-document.js";

/** Serialises a spec the one way this project does: 2-space JSON with a final newline. */
export function serializeDocument(document: OpenAPIObject): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}

/** Depth down to which serializeChunks splits the document (paths/<path>/<method>, components/schemas/<name>). */
const SPLIT_DEPTH = 3;

/**
 * serializeDocument's text in pieces of a few KB, never whole: a spec for hundreds of apps (tens of MB) is
 * written and measured without its text ever being in memory beside the document. Joined, the pieces are
 * exactly serializeDocument's text (subtrees are JSON.stringify'd and re-indented; JSON text has no raw
 * newlines inside strings, so re-indenting every newline is safe).
 */
export function* serializeChunks(document: OpenAPIObject): Generator<string> {
  yield* valueChunks(document, 0);
  yield "\n";
}

function* valueChunks(value: unknown, depth: number): Generator<string> {
  if (depth >= SPLIT_DEPTH || value === null || typeof value !== "object") {
    const text = JSON.stringify(value, null, 2) ?? "null";
    yield depth === 0 ? text : text.replaceAll("\n", `\n${"  ".repeat(depth)}`);
    return;
  }
  const array = Array.isArray(value);
  const entries = array
    ? value.map((item, index) => [String(index), item === undefined ? null : item] as const)
    : Object.entries(value).filter(([, member]) => member !== undefined && typeof member !== "function");
  if (entries.length === 0) {
    yield array ? "[]" : "{}";
    return;
  }
  const pad = "  ".repeat(depth + 1);
  yield array ? "[" : "{";
  for (const [index, [key, member]] of entries.entries()) {
    yield `${index === 0 ? "\n" : ",\n"}${pad}${array ? "" : `${JSON.stringify(key)}: `}`;
    yield* valueChunks(member, depth + 1);
  }
  yield `\n${"  ".repeat(depth)}${array ? "]" : "}"}`;
}

/** The length of serializeDocument's text, counted from its pieces without joining them. */
export function serializedLength(document: OpenAPIObject): number {
  let length = 0;
  for (const chunk of serializeChunks(document)) length += chunk.length;
  return length;
}

/** The generated spec broke a rule marked error: nothing is written. */
export class InvalidSpecError extends KintoneOpenapiError {
  constructor(readonly problems: readonly Problem[]) {
    const errors = problems.filter((p) => p.severity === "error");
    super(
      `the generated spec would not register in Salesforce (${errors.length} error${errors.length === 1 ? "" : "s"}); nothing was written. Rename the fields named below in the config file, or report this as a bug.`,
      { details: errors.map((p) => `${p.pointer || "/"}: ${p.message} [${p.ruleId}]`) },
    );
  }
}

export type GenerateInput = {
  source: MetadataSource;
  /** Apps to read; empty = every app of a snapshot. */
  appIds: readonly string[];
  build: BuildOptions;
  base: OpenAPIObject;
  levels?: Readonly<Record<string, RuleLevel>>;
  onProgress?: (done: number, total: number) => void;
};

export type GenerateOutput = BuildResult & {
  /** The spec's text, serialised on each read (for a large spec, prefer serializeChunks(document)). */
  readonly text: string;
  problems: Problem[];
};

/** Reads metadata, builds the spec, and validates it; throws InvalidSpecError rather than return a spec with errors. */
export async function generateSpec(input: GenerateInput): Promise<GenerateOutput> {
  // Not kept in a variable: the metadata can be collected once the document is built.
  const result = buildDocument(
    await input.source.readApps(input.appIds, input.onProgress ? { onProgress: input.onProgress } : {}),
    input.build,
    input.base,
  );
  // Validated before serialising, so a large spec's text and the validator's working set never coexist.
  const problems = validateDocument(result.document as unknown as Record<string, unknown>, {
    size: serializedLength(result.document),
    ...(input.levels ? { levels: input.levels } : {}),
  });
  if (problems.some((p) => p.severity === "error")) throw new InvalidSpecError(problems);
  return {
    ...result,
    problems,
    get text() {
      return serializeDocument(result.document);
    },
  };
}
