/**
 * A parser for the OData v4 `$filter` subset the proxy supports:
 *
 *   expr       := or
 *   or         := and ("or" and)*
 *   and        := unary ("and" unary)*
 *   unary      := "not" unary | primary
 *   primary    := "(" expr ")" | call | comparison
 *   comparison := path op literal | path "in" "(" literal ("," literal)* ")"
 *   call       := contains "(" path "," string ")"
 *   op         := eq | ne | gt | ge | lt | le
 *   literal    := 'string' ('' for a quote) | number | true | false | null | 2024-01-31 | 2024-01-31T09:00:00Z
 *   path       := property ("/" property)?      (a property of a table row: lineItems/product)
 *
 * Errors carry the 0-based position and say what was expected. Constructs Kintone cannot run (startswith,
 * endswith, other functions, arithmetic, any/all lambdas) are refused by name.
 */

export type Literal =
  | { kind: "string"; value: string }
  | { kind: "number"; value: string }
  | { kind: "boolean"; value: boolean }
  | { kind: "null" }
  | { kind: "date"; value: string }
  | { kind: "datetime"; value: string };

export type CompareOp = "eq" | "ne" | "gt" | "ge" | "lt" | "le";

export type FilterNode =
  | { kind: "compare"; property: string[]; op: CompareOp; value: Literal; position: number }
  | { kind: "in"; property: string[]; values: Literal[]; position: number }
  | { kind: "contains"; property: string[]; value: string; position: number }
  | { kind: "not"; operand: FilterNode }
  | { kind: "and"; left: FilterNode; right: FilterNode }
  | { kind: "or"; left: FilterNode; right: FilterNode };

/** A $filter that cannot be parsed, or uses what Kintone cannot express. */
export class FilterError extends Error {
  constructor(
    message: string,
    readonly position: number,
  ) {
    super(message);
  }
}

type Token =
  | { type: "word"; text: string; pos: number }
  | { type: "string"; text: string; pos: number }
  | { type: "number"; text: string; pos: number }
  | { type: "temporal"; text: string; kind: "date" | "datetime"; pos: number }
  | { type: "punct"; text: "(" | ")" | "," | "/"; pos: number };

const COMPARE_OPS = new Set(["eq", "ne", "gt", "ge", "lt", "le"]);
const ARITHMETIC = new Set(["add", "sub", "mul", "div", "divby", "mod"]);
const UNSUPPORTED_FUNCTIONS = new Set([
  "startswith",
  "endswith",
  "indexof",
  "length",
  "substring",
  "tolower",
  "toupper",
  "trim",
  "concat",
  "year",
  "month",
  "day",
  "hour",
  "minute",
  "second",
  "date",
  "time",
  "now",
  "round",
  "floor",
  "ceiling",
  "cast",
  "isof",
  "matchespattern",
  "fractionalseconds",
  "totaloffsetminutes",
  "maxdatetime",
  "mindatetime",
  "geo.distance",
]);
const DATE = /^\d{4}-\d{2}-\d{2}/;
const DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})/;

/** Longest input accepted, so a hostile $filter cannot make parsing expensive. */
export const MAX_FILTER_LENGTH = 8000;
const MAX_DEPTH = 64;

function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < input.length) {
    const char = input[i] as string;
    if (char === " " || char === "\t" || char === "\n" || char === "\r") {
      i++;
      continue;
    }
    const pos = i;
    if (char === "'") {
      let text = "";
      i++;
      for (;;) {
        if (i >= input.length) throw new FilterError("this string is not closed: end it with '", pos);
        const c = input[i] as string;
        if (c === "'") {
          if (input[i + 1] === "'") {
            text += "'";
            i += 2;
            continue;
          }
          i++;
          break;
        }
        text += c;
        i++;
      }
      tokens.push({ type: "string", text, pos });
      continue;
    }
    if (char === "/") {
      const lambda = /^\/\s*(any|all)\s*\(/.exec(input.slice(i));
      if (lambda) {
        throw new FilterError(
          `lambda operators (${lambda[1]}) are not supported: filter a table's rows with table/property, which matches when any row does`,
          i + 1,
        );
      }
    }
    if (char === "(" || char === ")" || char === "," || char === "/") {
      tokens.push({ type: "punct", text: char, pos });
      i++;
      continue;
    }
    const rest = input.slice(i);
    const datetime = DATETIME.exec(rest);
    if (datetime) {
      tokens.push({ type: "temporal", text: datetime[0], kind: "datetime", pos });
      i += datetime[0].length;
      continue;
    }
    const date = DATE.exec(rest);
    if (date && !/^[\w.]/.test(rest.slice(date[0].length))) {
      tokens.push({ type: "temporal", text: date[0], kind: "date", pos });
      i += date[0].length;
      continue;
    }
    const number = /^-?\d+(\.\d+)?([eE][+-]?\d+)?/.exec(rest);
    if (number && (char !== "-" || /\d/.test(rest[1] ?? ""))) {
      tokens.push({ type: "number", text: number[0], pos });
      i += number[0].length;
      continue;
    }
    const word = /^[A-Za-z_$][\w$.]*/.exec(rest);
    if (word) {
      tokens.push({ type: "word", text: word[0], pos });
      i += word[0].length;
      continue;
    }
    throw new FilterError(`unexpected character "${char}"`, pos);
  }
  return tokens;
}

class Parser {
  private index = 0;
  private depth = 0;

  constructor(
    private readonly tokens: Token[],
    private readonly length: number,
  ) {}

  private peek(offset = 0): Token | undefined {
    return this.tokens[this.index + offset];
  }

  private position(): number {
    return this.peek()?.pos ?? this.length;
  }

  private fail(expected: string): never {
    const token = this.peek();
    const found = token === undefined ? "the end of the filter" : `"${token.text}"`;
    throw new FilterError(`expected ${expected} but found ${found}`, this.position());
  }

  private isWord(word: string): boolean {
    const token = this.peek();
    return token?.type === "word" && token.text === word;
  }

  private isPunct(text: string): boolean {
    const token = this.peek();
    return token?.type === "punct" && token.text === text;
  }

  parse(): FilterNode {
    if (this.tokens.length === 0) throw new FilterError("the filter is empty", 0);
    const node = this.parseOr();
    if (this.peek() !== undefined) {
      const token = this.peek() as Token;
      if (token.type === "word" && ARITHMETIC.has(token.text)) {
        throw new FilterError(
          `arithmetic (${token.text}) is not supported: Kintone queries compare fields with values only`,
          token.pos,
        );
      }
      this.fail('"and", "or" or the end of the filter');
    }
    return node;
  }

  private enter(): void {
    if (++this.depth > MAX_DEPTH)
      throw new FilterError(`the filter nests deeper than ${MAX_DEPTH} levels`, this.position());
  }

  private parseOr(): FilterNode {
    this.enter();
    let left = this.parseAnd();
    while (this.isWord("or")) {
      this.index++;
      left = { kind: "or", left, right: this.parseAnd() };
    }
    this.depth--;
    return left;
  }

  private parseAnd(): FilterNode {
    let left = this.parseUnary();
    while (this.isWord("and")) {
      this.index++;
      left = { kind: "and", left, right: this.parseUnary() };
    }
    return left;
  }

  private parseUnary(): FilterNode {
    if (this.isWord("not")) {
      this.index++;
      this.enter();
      const operand = this.parseUnary();
      this.depth--;
      return { kind: "not", operand };
    }
    return this.parsePrimary();
  }

  private parsePrimary(): FilterNode {
    if (this.isPunct("(")) {
      this.index++;
      const node = this.parseOr();
      if (!this.isPunct(")")) this.fail('")"');
      this.index++;
      return node;
    }
    const token = this.peek();
    if (token === undefined) this.fail("a condition");
    if (token.type === "word" && this.peek(1)?.type === "punct" && this.peek(1)?.text === "(")
      return this.parseCall(token);
    if (token.type !== "word") {
      throw new FilterError(
        `a condition starts with a property name, as in name eq 'x' (found "${token.text}")`,
        token.pos,
      );
    }
    const start = token.pos;
    const property = this.parsePath();
    const op = this.peek();
    if (op?.type === "word" && COMPARE_OPS.has(op.text)) {
      this.index++;
      return {
        kind: "compare",
        property,
        op: op.text as CompareOp,
        value: this.parseLiteral(),
        position: start,
      };
    }
    if (op?.type === "word" && op.text === "in") {
      this.index++;
      if (!this.isPunct("(")) this.fail('"(" after in');
      this.index++;
      const values = [this.parseLiteral()];
      while (this.isPunct(",")) {
        this.index++;
        values.push(this.parseLiteral());
      }
      if (!this.isPunct(")")) this.fail('"," or ")"');
      this.index++;
      return { kind: "in", property, values, position: start };
    }
    if (op?.type === "word" && ARITHMETIC.has(op.text)) {
      throw new FilterError(
        `arithmetic (${op.text}) is not supported: Kintone queries compare fields with values only`,
        op.pos,
      );
    }
    if (op?.type === "word" && op.text === "has")
      throw new FilterError("the has operator is not supported: use eq or in", op.pos);
    return this.fail("an operator (eq, ne, gt, ge, lt, le or in)");
  }

  private parsePath(): string[] {
    const segments: string[] = [];
    for (;;) {
      const token = this.peek();
      if (token?.type !== "word") this.fail("a property name");
      segments.push(token.text);
      this.index++;
      if (!this.isPunct("/")) break;
      this.index++;
      const next = this.peek();
      if (
        next?.type === "word" &&
        (next.text === "any" || next.text === "all") &&
        this.peek(1)?.text === "("
      ) {
        throw new FilterError(
          `lambda operators (${next.text}) are not supported: filter a table's rows with table/property, which matches when any row does`,
          next.pos,
        );
      }
    }
    if (segments.length > 2)
      throw new FilterError("a property path has at most two parts (table/property)", this.position());
    return segments;
  }

  private parseCall(token: Token & { type: "word" }): FilterNode {
    const name = token.text.toLowerCase();
    if (name !== "contains") {
      if (name === "startswith" || name === "endswith") {
        throw new FilterError(
          `${name} is not supported: Kintone cannot match the start or end of a value; use contains (a word search) or eq`,
          token.pos,
        );
      }
      const known = UNSUPPORTED_FUNCTIONS.has(name) ? "" : " (and is not an OData function)";
      throw new FilterError(
        `the function ${token.text} is not supported${known}: only contains(property, 'word') is`,
        token.pos,
      );
    }
    this.index += 2;
    const start = token.pos;
    const inner = this.peek();
    if (inner?.type === "word" && this.peek(1)?.type === "punct" && this.peek(1)?.text === "(") {
      throw new FilterError(`functions on properties (${inner.text}) are not supported`, inner.pos);
    }
    const property = this.parsePath();
    if (!this.isPunct(",")) this.fail('","');
    this.index++;
    const value = this.peek();
    if (value?.type !== "string") this.fail("a string in single quotes");
    this.index++;
    if (!this.isPunct(")")) this.fail('")"');
    this.index++;
    return { kind: "contains", property, value: value.text, position: start };
  }

  private parseLiteral(): Literal {
    const token = this.peek();
    if (token === undefined) this.fail("a value");
    this.index++;
    switch (token.type) {
      case "string":
        return { kind: "string", value: token.text };
      case "number":
        return { kind: "number", value: token.text };
      case "temporal":
        return { kind: token.kind, value: token.text };
      case "word":
        if (token.text === "null") return { kind: "null" };
        if (token.text === "true" || token.text === "false")
          return { kind: "boolean", value: token.text === "true" };
        if (this.isPunct("("))
          throw new FilterError(`functions are not supported as values (${token.text})`, token.pos);
        throw new FilterError(
          `expected a value ('text', a number, a date, true, false or null) but found "${token.text}"; comparing two properties is not supported`,
          token.pos,
        );
      default:
        this.index--;
        return this.fail("a value");
    }
  }
}

/** Parses a `$filter` expression; throws FilterError with the position and what was expected. */
export function parseFilter(input: string): FilterNode {
  if (input.length > MAX_FILTER_LENGTH) {
    throw new FilterError(`the filter is longer than ${MAX_FILTER_LENGTH} characters`, MAX_FILTER_LENGTH);
  }
  return new Parser(tokenize(input), input.length).parse();
}
