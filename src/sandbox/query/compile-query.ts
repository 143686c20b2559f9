import { FIELD_KINDS, isFieldKind, type QueryOperator } from "../../kintone/field-types.js";
import { KintoneApiError } from "../errors.js";
import type { FieldInfo } from "../fields.js";
import type { StoredRecord } from "../store.js";
import { checkUserFunction, type QueryClock, type Range, resolveDateFunction } from "./functions.js";
import type { Condition, Expr, Query, SortKey, Value } from "./parse-query.js";

export type QueryEnv = QueryClock & {
  fields: ReadonlyMap<string, FieldInfo>;
  /** The calling user's code, for LOGINUSER(). */
  user: string;
};

type Op = QueryOperator;

/** Operators per field type (kintone-api.md §4.2), from the field-type registry; $id and CALC are numeric. */
function allowedOps(type: string): readonly Op[] | undefined {
  return isFieldKind(type) ? FIELD_KINDS[type].query : undefined;
}

/** Whether `order by` takes a type (single-valued types). */
function sortable(type: string): boolean {
  return isFieldKind(type) && FIELD_KINDS[type].sortable;
}

const NEGATIVE: ReadonlySet<Op> = new Set(["!=", "not in", "not like", "is not empty"]);

function opOf(condition: Condition): Op {
  switch (condition.kind) {
    case "compare":
      return condition.op;
    case "in":
      return condition.negated ? "not in" : "in";
    case "like":
      return condition.negated ? "not like" : "like";
    case "empty":
      return condition.negated ? "is not empty" : "is empty";
  }
}

function fieldInfo(env: QueryEnv, code: string): FieldInfo {
  const info = env.fields.get(code);
  if (info === undefined) {
    if (code.includes(".")) {
      throw new KintoneApiError(
        400,
        "GAIA_IR02",
        `The field "${code}" cannot be used in the query: refer to fields in a table by their own code.`,
      );
    }
    throw new KintoneApiError(
      400,
      "GAIA_IQ11",
      `The field (code: ${code}) specified in the query does not exist.`,
    );
  }
  return info;
}

/** A value of one record for one field, as a comparable scalar (number for numeric and temporal types). */
type Scalar = number | string | undefined;

const DAY = 86_400_000;
const MINUTE = 60_000;

/** Kinds of comparison a field type uses. */
function domainOf(info: FieldInfo): "number" | "day" | "instant" | "minutes" | "text" {
  const type = info.type === "CALC" ? calcDomain(info) : info.type;
  switch (type) {
    case "__ID__":
    case "RECORD_NUMBER":
    case "NUMBER":
      return "number";
    case "DATE":
      return "day";
    case "DATETIME":
    case "CREATED_TIME":
    case "UPDATED_TIME":
      return "instant";
    case "TIME":
      return "minutes";
    default:
      return "text";
  }
}

function calcDomain(info: FieldInfo): string {
  const format = (info.property as { format?: string } | undefined)?.format;
  if (format === "DATE") return "DATE";
  if (format === "DATETIME") return "DATETIME";
  if (format === "TIME") return "TIME";
  return "NUMBER";
}

/** Parses one stored or literal value into the field's comparison domain; undefined for empty. */
function toScalar(domain: ReturnType<typeof domainOf>, raw: unknown): Scalar {
  if (raw === null || raw === undefined || raw === "") return undefined;
  const text = String(raw);
  switch (domain) {
    case "number": {
      // A plain number, or a record number with the app's code in front ("DEALS-25" is record 25, not -25).
      const plain = /^\s*-?\d+(\.\d+)?\s*$/.test(text);
      const digits = plain ? undefined : /(\d+(?:\.\d+)?)$/.exec(text);
      const number = Number(digits ? digits[1] : text);
      return Number.isFinite(number) ? number : undefined;
    }
    case "day": {
      const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(text);
      return match ? Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])) : undefined;
    }
    case "instant": {
      const time = Date.parse(text);
      return Number.isNaN(time) ? undefined : Math.floor(time / MINUTE) * MINUTE;
    }
    case "minutes": {
      const match = /^(\d{1,2}):(\d{2})/.exec(text);
      return match ? Number(match[1]) * 60 + Number(match[2]) : undefined;
    }
    default:
      return text;
  }
}

/** A literal on the right of a comparison, as a range in the field's domain. */
function literalRange(info: FieldInfo, value: Value, env: QueryEnv): Range | "any" | undefined {
  const domain = domainOf(info);
  if (value.kind === "function") {
    if (value.name === "LOGINUSER" || value.name === "PRIMARY_ORGANIZATION") {
      checkUserFunction(value.name, value.args);
      return undefined;
    }
    const range = resolveDateFunction(value.name, value.args, env);
    if (range === undefined) return undefined;
    if (domain === "day") {
      // Day fields hold calendar days: map the range's local days onto UTC midnights.
      const shift = env.offsetMinutes * MINUTE;
      return { from: range.from + shift, to: range.to + shift };
    }
    if (domain === "minutes") {
      const minutes = (instant: number) =>
        Math.floor(((((instant + env.offsetMinutes * MINUTE) % DAY) + DAY) % DAY) / MINUTE);
      return { from: minutes(range.from), to: minutes(range.from) + 1 };
    }
    return range;
  }
  if (domain === "instant" && /^\d{4}-\d{2}-\d{2}$/.test(value.value)) {
    // A date given for a date-time field means that whole day, in the user's zone.
    const [year, month, day] = value.value.split("-").map(Number) as [number, number, number];
    const from = Date.UTC(year, month - 1, day) - env.offsetMinutes * MINUTE;
    return { from, to: from + DAY };
  }
  const scalar = toScalar(domain, value.value);
  if (scalar === undefined) return value.value === "" ? "any" : undefined;
  if (typeof scalar === "string") return undefined;
  const width = domain === "day" ? DAY : domain === "instant" ? MINUTE : domain === "minutes" ? 1 : 0;
  return { from: scalar, to: scalar + width };
}

function compareRange(op: string, v: number, range: Range): boolean {
  const exact = range.to === range.from;
  switch (op) {
    case "=":
      return exact ? v === range.from : v >= range.from && v < range.to;
    case "!=":
      return exact ? v !== range.from : v < range.from || v >= range.to;
    case ">":
      return exact ? v > range.from : v >= range.to;
    case ">=":
      return v >= range.from;
    case "<":
      return v < range.from;
    case "<=":
      return exact ? v <= range.from : v < range.to;
    default:
      return false;
  }
}

function normalizeWords(text: string): string[] {
  return text
    .normalize("NFKC")
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
}

const CJK = /[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff]/;

/**
 * Kintone's `like` is a word search on a full-text index, not a substring search: `like "key"` does not match
 * "keyword" (kintone-api.md §4.2). Latin text matches whole words in sequence; Japanese (no spaces) by substring.
 */
export function wordMatch(haystack: string, needle: string): boolean {
  if (needle.trim() === "") return true;
  if (CJK.test(needle))
    return haystack.normalize("NFKC").toLowerCase().includes(needle.normalize("NFKC").toLowerCase());
  const words = normalizeWords(haystack);
  const wanted = normalizeWords(needle);
  if (wanted.length === 0) return haystack.includes(needle);
  outer: for (let i = 0; i + wanted.length <= words.length; i++) {
    for (let j = 0; j < wanted.length; j++) if (words[i + j] !== wanted[j]) continue outer;
    return true;
  }
  return false;
}

/** The raw value(s) of a field in a record or a subtable row. */
function rawValue(record: StoredRecord, code: string): unknown {
  return record[code]?.value;
}

/** Text a `like` searches: file names for FILE, text without tags for RICH_TEXT. */
function searchableText(type: string, raw: unknown): string {
  if (type === "FILE")
    return Array.isArray(raw) ? raw.map((f) => String((f as { name?: string }).name ?? "")).join(" ") : "";
  if (type === "RICH_TEXT") return String(raw ?? "").replace(/<[^>]*>/g, " ");
  return String(raw ?? "");
}

/** The values an `in` compares: option names, entity codes, or the single value. */
function memberValues(type: string, raw: unknown): string[] {
  if (Array.isArray(raw)) {
    return raw.map((item) =>
      typeof item === "object" && item !== null
        ? String((item as { code?: unknown }).code ?? "")
        : String(item),
    );
  }
  if (typeof raw === "object" && raw !== null) return [String((raw as { code?: unknown }).code ?? "")];
  if (raw === null || raw === undefined) return [];
  return type === "DROP_DOWN" || type === "RADIO_BUTTON" || raw !== "" ? [String(raw)] : [];
}

type RowPredicate = (row: StoredRecord) => boolean;

/** Compiles one condition into a predicate over a record (or a subtable row for fields in a table). */
function compileCondition(
  condition: Condition,
  env: QueryEnv,
): { table?: string; test: RowPredicate; negative: boolean } {
  const info = fieldInfo(env, condition.field);
  const op = opOf(condition);
  const allowed = allowedOps(info.type);
  if (allowed === undefined || !allowed.includes(op)) {
    throw new KintoneApiError(
      400,
      "GAIA_IQ03",
      `The operator "${op}" cannot be used with the field (code: ${info.code}).`,
    );
  }
  if (info.table !== undefined && (op === "=" || op === "!=")) {
    throw new KintoneApiError(
      400,
      "GAIA_IQ07",
      `The field (code: ${info.code}) is in a table: use "in" or "not in" instead of "${op}".`,
    );
  }
  const code = info.code;
  const domain = domainOf(info);
  const value = (row: StoredRecord) => (code === "$id" ? row.$id?.value : rawValue(row, code));
  let test: RowPredicate;
  switch (condition.kind) {
    case "compare": {
      if (domain === "text") {
        if (condition.value.kind === "function") {
          const fn = condition.value;
          if (fn.name === "LOGINUSER" || fn.name === "PRIMARY_ORGANIZATION")
            checkUserFunction(fn.name, fn.args);
        }
        const literal = condition.value.kind === "function" ? env.user : condition.value.value;
        test = (row) => {
          const actual = String(value(row) ?? "");
          return op === "=" ? actual === literal : actual !== literal;
        };
        break;
      }
      const range = literalRange(info, condition.value, env);
      test = (row) => {
        const actual = toScalar(domain, value(row));
        if (range === "any") return op === "=" ? actual === undefined : actual !== undefined;
        if (range === undefined || actual === undefined || typeof actual === "string") return op === "!=";
        return compareRange(op, actual, range);
      };
      break;
    }
    case "in": {
      const options = info.options;
      const wanted = condition.values.map((v) => {
        if (v.kind === "function") {
          checkUserFunction(v.name, v.args);
          return v.name === "LOGINUSER" ? env.user : "\u0000primary-organization";
        }
        if (options !== undefined && v.value !== "" && !options.includes(v.value)) {
          throw new KintoneApiError(
            400,
            "GAIA_IQ10",
            `The option "${v.value}" in the query does not exist in the field (code: ${info.code}).`,
          );
        }
        return v.value;
      });
      const numeric = domain === "number";
      test = (row) => {
        const actual = code === "$id" ? [String(value(row))] : memberValues(info.type, value(row));
        const hit =
          actual.length === 0
            ? wanted.includes("")
            : actual.some((a) =>
                wanted.some((w) =>
                  numeric ? w !== "" && toScalar("number", a) === toScalar("number", w) : a === w,
                ),
              );
        return condition.negated ? !hit : hit;
      };
      break;
    }
    case "like": {
      test = (row) => {
        const hit = wordMatch(searchableText(info.type, value(row)), condition.value);
        return condition.negated ? !hit : hit;
      };
      break;
    }
    case "empty": {
      test = (row) => {
        const raw = value(row);
        const empty = Array.isArray(raw) ? raw.length === 0 : String(raw ?? "").trim() === "";
        return condition.negated ? !empty : empty;
      };
      break;
    }
  }
  return { ...(info.table !== undefined ? { table: info.table } : {}), test, negative: NEGATIVE.has(op) };
}

function rowsOf(record: StoredRecord, table: string): StoredRecord[] {
  const rows = record[table]?.value;
  return Array.isArray(rows) ? rows.map((row) => (row as { value: StoredRecord }).value) : [];
}

/** Compiles a condition tree into a predicate, with Kintone's subtable semantics. */
function compileExpr(expr: Expr, env: QueryEnv): (record: StoredRecord) => boolean {
  if (expr.kind === "or") {
    const left = compileExpr(expr.left, env);
    const right = compileExpr(expr.right, env);
    return (record) => left(record) || right(record);
  }
  if (expr.kind === "and") {
    // Conditions joined by `and` on fields of the same table must hold in the same row.
    const conjuncts: Expr[] = [];
    const flatten = (e: Expr): void => {
      if (e.kind === "and") {
        flatten(e.left);
        flatten(e.right);
      } else conjuncts.push(e);
    };
    flatten(expr);
    const byTable = new Map<string, RowPredicate[]>();
    const others: Array<(record: StoredRecord) => boolean> = [];
    for (const conjunct of conjuncts) {
      if (conjunct.kind === "and" || conjunct.kind === "or") {
        others.push(compileExpr(conjunct, env));
        continue;
      }
      const compiled = compileCondition(conjunct, env);
      if (compiled.table !== undefined && !compiled.negative) {
        byTable.set(compiled.table, [...(byTable.get(compiled.table) ?? []), compiled.test]);
      } else {
        others.push(wrapCondition(compiled));
      }
    }
    for (const [table, tests] of byTable) {
      others.push((record) => rowsOf(record, table).some((row) => tests.every((test) => test(row))));
    }
    return (record) => others.every((test) => test(record));
  }
  return wrapCondition(compileCondition(expr, env));
}

function wrapCondition(compiled: ReturnType<typeof compileCondition>): (record: StoredRecord) => boolean {
  const { table, test, negative } = compiled;
  if (table === undefined) return test;
  // Positive conditions match when any row does; negative ones when rows exist and all rows do.
  return (record) => {
    const rows = rowsOf(record, table);
    if (rows.length === 0) return false;
    return negative ? rows.every(test) : rows.some(test);
  };
}

function sortValue(info: FieldInfo, record: StoredRecord): Scalar {
  const raw = info.code === "$id" ? record.$id?.value : record[info.code]?.value;
  if (typeof raw === "object" && raw !== null && !Array.isArray(raw))
    return String((raw as { name?: unknown }).name ?? "");
  return toScalar(domainOf(info), raw);
}

function compileSort(keys: readonly SortKey[], env: QueryEnv): (a: StoredRecord, b: StoredRecord) => number {
  const effective = keys.length > 0 ? keys : [{ field: "$id", direction: "desc" as const }];
  const compiled = effective.map((key) => {
    const info = fieldInfo(env, key.field);
    if (info.table !== undefined || !sortable(info.type)) {
      throw new KintoneApiError(
        400,
        "GAIA_IQ03",
        `The field (code: ${info.code}) cannot be used in "order by".`,
      );
    }
    return { info, sign: key.direction === "asc" ? 1 : -1 };
  });
  return (a, b) => {
    for (const { info, sign } of compiled) {
      const x = sortValue(info, a);
      const y = sortValue(info, b);
      if (x === y) continue;
      if (x === undefined) return -sign;
      if (y === undefined) return sign;
      return (x < y ? -1 : 1) * sign;
    }
    // Ties fall back to the record id, so paging is stable.
    return Number(b.$id?.value) - Number(a.$id?.value);
  };
}

export const MAX_LIMIT = 500;
export const MAX_OFFSET = 10_000;

export type CompiledQuery = {
  filter: (record: StoredRecord) => boolean;
  compare: (a: StoredRecord, b: StoredRecord) => number;
  limit: number | undefined;
  offset: number;
};

/** Compiles a parsed query against an app's fields; throws Kintone's errors for what it refuses. */
export function compileQuery(query: Query, env: QueryEnv): CompiledQuery {
  if (query.limit !== undefined && query.limit < 0) throw invalidQuery("limit must be 0 or more");
  if (query.offset !== undefined && query.offset < 0) throw invalidQuery("offset must be 0 or more");
  if (query.limit !== undefined && query.limit > MAX_LIMIT) {
    throw new KintoneApiError(400, "GAIA_QU01", `The limit must be ${MAX_LIMIT} or less.`);
  }
  if (query.offset !== undefined && query.offset > MAX_OFFSET) {
    throw new KintoneApiError(
      400,
      "GAIA_QU02",
      `The offset must be ${MAX_OFFSET.toLocaleString("en-US")} or less.`,
    );
  }
  return {
    filter: query.where === undefined ? () => true : compileExpr(query.where, env),
    compare: compileSort(query.orderBy, env),
    limit: query.limit,
    offset: query.offset ?? 0,
  };
}

export function invalidQuery(why: string): KintoneApiError {
  return new KintoneApiError(400, "CB_VA01", "Missing or invalid input.", {
    query: { messages: [`The query is invalid: ${why}.`] },
  });
}
