import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import type { ParseError } from "jsonc-parser";

// jsonc-parser is needed only to explain a syntax error: load it then, not at start-up.
const require = createRequire(import.meta.url);
const jsonc = () => require("jsonc-parser") as typeof import("jsonc-parser");

/** Where a JSON text is broken, as 1-based line and column plus a short reason. */
export type JsonSyntaxProblem = { line: number; column: number; offset: number; reason: string };

const REASONS: Record<string, string> = {
  InvalidSymbol: "unexpected character",
  InvalidNumberFormat: "invalid number",
  PropertyNameExpected: "expected a property name in double quotes",
  ValueExpected: "expected a value",
  ColonExpected: "expected ':'",
  CommaExpected: "expected ','",
  CloseBraceExpected: "expected '}'",
  CloseBracketExpected: "expected ']'",
  EndOfFileExpected: "unexpected text after the end of the JSON value",
  InvalidCommentToken: "comments are not allowed in JSON",
  UnexpectedEndOfComment: "comments are not allowed in JSON",
  UnexpectedEndOfString: "unterminated string",
  UnexpectedEndOfNumber: "unterminated number",
  InvalidUnicode: "invalid \\u escape",
  InvalidEscapeCharacter: "invalid escape character",
  InvalidCharacter: "invalid character in a string",
};

/** Converts a character offset into a 1-based line and column. */
export function offsetToLineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

/** Finds the first syntax error of a strict JSON text, or undefined when it parses. */
export function findJsonSyntaxProblem(text: string): JsonSyntaxProblem | undefined {
  if (text.trim() === "") return { line: 1, column: 1, offset: 0, reason: "the file is empty" };
  const errors: ParseError[] = [];
  const { parse, printParseErrorCode } = jsonc();
  parse(text, errors, { allowTrailingComma: false, disallowComments: true, allowEmptyContent: false });
  const first = errors[0];
  if (first === undefined) return undefined;
  const name = printParseErrorCode(first.error);
  return { ...offsetToLineColumn(text, first.offset), offset: first.offset, reason: REASONS[name] ?? name };
}

/** Thrown by {@link parseJsonText}: the text is not JSON. */
export class JsonSyntaxError extends Error {
  constructor(
    readonly problem: JsonSyntaxProblem,
    readonly where: string,
  ) {
    super(`${where} is not valid JSON at line ${problem.line}, column ${problem.column}: ${problem.reason}`);
  }
}

/**
 * JSON.parse with a precise position on failure. A UTF-8 BOM is ignored. With `comments`, // and /* *\/ comments and
 * trailing commas are allowed (JSONC, as in tsconfig.json).
 */
export function parseJsonText(text: string, where: string, options: { comments?: boolean } = {}): unknown {
  const clean = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  if (options.comments) {
    const errors: ParseError[] = [];
    const value = jsonc().parse(clean, errors, {
      allowTrailingComma: true,
      disallowComments: false,
      allowEmptyContent: false,
    });
    const first = errors[0];
    if (first === undefined && clean.trim() !== "") return value;
    const reason =
      first === undefined
        ? "the file is empty"
        : (REASONS[jsonc().printParseErrorCode(first.error)] ?? "syntax error");
    throw new JsonSyntaxError(
      { ...offsetToLineColumn(clean, first?.offset ?? 0), offset: first?.offset ?? 0, reason },
      where,
    );
  }
  try {
    if (clean.trim() === "") throw new Error("empty");
    return JSON.parse(clean);
  } catch {
    const problem = findJsonSyntaxProblem(clean) ?? {
      line: 1,
      column: 1,
      offset: 0,
      reason: "not valid JSON",
    };
    throw new JsonSyntaxError(problem, where);
  }
}

/** Reads and parses a JSON file; errors name the file and the position. */
export async function readJsonFile(path: string): Promise<unknown> {
  return parseJsonText(await readFile(path, "utf8"), path);
}
