/**
 * A parser for Kintone's query language (kintone-api.md §4.1):
 *
 *   query    := [ expr ] [ "order by" key ("," key)* ] [ "limit" INT ] [ "offset" INT ]
 *   expr     := term ( ("and" | "or") term )*          with "(" expr ")" grouping
 *   term     := FIELD op VALUE | FIELD ["not"] "in" "(" VALUE ("," VALUE)* ")"
 *             | FIELD ["not"] "like" STRING | FIELD "is" ["not"] "empty"
 *
 * `and` binds tighter than `or`. Keywords are case-insensitive; strings are double-quoted with `\"` and `\\`
 * escapes (and `\t` `\n` `\r`, which live servers accept); whitespace includes the full-width space.
 */

export type Value =
  | { kind: "string"; value: string }
  | { kind: "number"; value: string }
  | { kind: "function"; name: string; args: string[] };

export type Comparison = "=" | "!=" | ">" | "<" | ">=" | "<=";

export type Condition =
  | { kind: "compare"; field: string; op: Comparison; value: Value }
  | { kind: "in"; field: string; negated: boolean; values: Value[] }
  | { kind: "like"; field: string; negated: boolean; value: string }
  | { kind: "empty"; field: string; negated: boolean };

export type Expr =
  | Condition
  | { kind: "and"; left: Expr; right: Expr }
  | { kind: "or"; left: Expr; right: Expr };

export type SortKey = { field: string; direction: "asc" | "desc" };

export type Query = { where?: Expr; orderBy: SortKey[]; limit?: number; offset?: number };

/** A query that is not valid syntax: Kintone answers 400 CB_VA01 with `errors.query`. */
export class QuerySyntaxError extends Error {
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
  | { type: "op"; text: string; pos: number }
  | { type: "punct"; text: "(" | ")" | ","; pos: number };

const WHITESPACE = /[ \t\r\n\u3000]/;
const OPERATOR_CHARS = "=!<>";

function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < input.length) {
    const char = input[i] as string;
    if (WHITESPACE.test(char)) {
      i++;
      continue;
    }
    const pos = i;
    if (char === '"') {
      let text = "";
      i++;
      let closed = false;
      while (i < input.length) {
        const c = input[i] as string;
        if (c === "\\") {
          const next = input[i + 1];
          const escapes: Record<string, string> = { '"': '"', "\\": "\\", t: "\t", n: "\n", r: "\r" };
          if (next === undefined || escapes[next] === undefined)
            throw new QuerySyntaxError("invalid escape", i);
          text += escapes[next];
          i += 2;
        } else if (c === '"') {
          closed = true;
          i++;
          break;
        } else if (c === "\n" || c === "\t" || c === "\r") {
          throw new QuerySyntaxError("raw control character in a string", i);
        } else {
          text += c;
          i++;
        }
      }
      if (!closed) throw new QuerySyntaxError("unterminated string", pos);
      tokens.push({ type: "string", text, pos });
      continue;
    }
    if (char === "(" || char === ")" || char === ",") {
      tokens.push({ type: "punct", text: char, pos });
      i++;
      continue;
    }
    if (OPERATOR_CHARS.includes(char)) {
      const two = input.slice(i, i + 2);
      const op = two === "!=" || two === ">=" || two === "<=" ? two : char;
      if (op === "!") throw new QuerySyntaxError("unexpected !", i);
      tokens.push({ type: "op", text: op, pos });
      i += op.length;
      continue;
    }
    let text = "";
    while (i < input.length) {
      const c = input[i] as string;
      if (
        WHITESPACE.test(c) ||
        c === '"' ||
        c === "(" ||
        c === ")" ||
        c === "," ||
        OPERATOR_CHARS.includes(c)
      )
        break;
      text += c;
      i++;
    }
    tokens.push({ type: "word", text, pos });
  }
  return tokens;
}

const FUNCTIONS = new Set([
  "LOGINUSER",
  "PRIMARY_ORGANIZATION",
  "NOW",
  "TODAY",
  "YESTERDAY",
  "TOMORROW",
  "FROM_TODAY",
  "THIS_WEEK",
  "LAST_WEEK",
  "NEXT_WEEK",
  "THIS_MONTH",
  "LAST_MONTH",
  "NEXT_MONTH",
  "THIS_YEAR",
  "LAST_YEAR",
  "NEXT_YEAR",
]);

class Parser {
  private index = 0;
  constructor(
    private readonly tokens: Token[],
    private readonly length: number,
  ) {}

  private peek(offset = 0): Token | undefined {
    return this.tokens[this.index + offset];
  }

  private fail(what: string): never {
    throw new QuerySyntaxError(what, this.peek()?.pos ?? this.length);
  }

  private isWord(word: string, offset = 0): boolean {
    const token = this.peek(offset);
    return token?.type === "word" && token.text.toLowerCase() === word;
  }

  private expectWord(word: string): void {
    if (!this.isWord(word)) this.fail(`expected "${word}"`);
    this.index++;
  }

  private expectPunct(text: "(" | ")" | ","): void {
    const token = this.peek();
    if (token?.type !== "punct" || token.text !== text) this.fail(`expected "${text}"`);
    this.index++;
  }

  private isClauseStart(): boolean {
    return (this.isWord("order") && this.isWord("by", 1)) || this.isWord("limit") || this.isWord("offset");
  }

  parse(): Query {
    const query: Query = { orderBy: [] };
    if (this.peek() !== undefined && !this.isClauseStart()) query.where = this.parseOr();
    if (this.isWord("order")) {
      this.index++;
      this.expectWord("by");
      let more = true;
      while (more) {
        const field = this.parseField();
        let direction: "asc" | "desc" = "desc";
        if (this.isWord("asc") || this.isWord("desc")) {
          direction = (this.peek() as Token).text.toLowerCase() as "asc" | "desc";
          this.index++;
        }
        query.orderBy.push({ field, direction });
        more = this.peek()?.type === "punct" && this.peek()?.text === ",";
        if (more) this.index++;
      }
    }
    if (this.isWord("limit")) {
      this.index++;
      query.limit = this.parseInteger();
    }
    if (this.isWord("offset")) {
      this.index++;
      query.offset = this.parseInteger();
    }
    if (this.peek() !== undefined) this.fail("unexpected text");
    return query;
  }

  private parseInteger(): number {
    const token = this.peek();
    if (token?.type !== "word" || !/^-?[0-9]+$/.test(token.text)) this.fail("expected a whole number");
    this.index++;
    return Number(token.text);
  }

  private parseField(): string {
    const token = this.peek();
    if (token?.type !== "word" || token.text === "") this.fail("expected a field code");
    this.index++;
    return token.text;
  }

  private parseOr(): Expr {
    let left = this.parseAnd();
    while (this.isWord("or")) {
      this.index++;
      left = { kind: "or", left, right: this.parseAnd() };
    }
    return left;
  }

  private parseAnd(): Expr {
    let left = this.parsePrimary();
    while (this.isWord("and")) {
      this.index++;
      left = { kind: "and", left, right: this.parsePrimary() };
    }
    return left;
  }

  private parsePrimary(): Expr {
    const token = this.peek();
    if (token?.type === "punct" && token.text === "(") {
      this.index++;
      const expr = this.parseOr();
      this.expectPunct(")");
      return expr;
    }
    return this.parseCondition();
  }

  private parseCondition(): Condition {
    const field = this.parseField();
    const token = this.peek();
    if (token?.type === "op") {
      this.index++;
      return { kind: "compare", field, op: token.text as Comparison, value: this.parseValue() };
    }
    let negated = false;
    if (this.isWord("not")) {
      negated = true;
      this.index++;
    }
    if (this.isWord("in")) {
      this.index++;
      this.expectPunct("(");
      const values: Value[] = [this.parseValue()];
      while (this.peek()?.type === "punct" && this.peek()?.text === ",") {
        this.index++;
        values.push(this.parseValue());
      }
      this.expectPunct(")");
      return { kind: "in", field, negated, values };
    }
    if (this.isWord("like")) {
      this.index++;
      const value = this.peek();
      if (value?.type !== "string") this.fail("like takes a string");
      this.index++;
      return { kind: "like", field, negated, value: value.text };
    }
    if (!negated && this.isWord("is")) {
      this.index++;
      let isNot = false;
      if (this.isWord("not")) {
        isNot = true;
        this.index++;
      }
      this.expectWord("empty");
      return { kind: "empty", field, negated: isNot };
    }
    return this.fail("expected an operator");
  }

  private parseValue(): Value {
    const token = this.peek();
    if (token?.type === "string") {
      this.index++;
      return { kind: "string", value: token.text };
    }
    if (token?.type === "word") {
      if (/^-?[0-9]+(\.[0-9]+)?$/.test(token.text)) {
        this.index++;
        return { kind: "number", value: token.text };
      }
      const name = token.text.toUpperCase();
      const open = this.peek(1);
      if (FUNCTIONS.has(name) && open?.type === "punct" && open.text === "(") {
        this.index += 2;
        const args: string[] = [];
        while (!(this.peek()?.type === "punct" && this.peek()?.text === ")")) {
          const arg = this.peek();
          if (arg === undefined || arg.type === "op" || arg.type === "punct")
            this.fail("expected a function argument");
          args.push(arg.text);
          this.index++;
          if (this.peek()?.type === "punct" && this.peek()?.text === ",") this.index++;
        }
        this.index++;
        return { kind: "function", name, args };
      }
    }
    return this.fail("expected a value");
  }
}

/** Parses a Kintone query; throws QuerySyntaxError on bad syntax. */
export function parseQuery(input: string): Query {
  return new Parser(tokenize(input), input.length).parse();
}

/** The field codes a condition tree refers to. */
export function fieldsOf(expr: Expr | undefined): string[] {
  if (expr === undefined) return [];
  if (expr.kind === "and" || expr.kind === "or") return [...fieldsOf(expr.left), ...fieldsOf(expr.right)];
  return [expr.field];
}
