import {
  type Capability,
  capabilityOf,
  FIELD_KINDS,
  type FieldKind,
  matchesByMembership,
} from "../kintone/field-types.js";
import { isCalendarDate, isCalendarDateTime } from "../util/calendar.js";
import { type CompareOp, FilterError, type FilterNode, type Literal } from "./parse-filter.js";

/** What the translator knows of one property of the spec (from its x-kintone-* extensions and schema). */
export type PropertyInfo = {
  name: string;
  code: string;
  /** Kintone field type (x-kintone-field-type), or __ID__ / __REVISION__ / __ROW_ID__ for the ids and revision. */
  type: string;
  /** How the property behaves (its type, and for CALC the format of its result): src/kintone/field-types.ts. */
  kind: FieldKind;
  /** Option names of choice fields (the schema's enum). */
  options?: readonly string[];
  /** For a table: its row properties. */
  rows?: ReadonlyMap<string, PropertyInfo>;
  readOnly: boolean;
  /** True for properties of a table row. */
  inTable?: boolean;
};

export type PropertyMap = ReadonlyMap<string, PropertyInfo>;

const KINTONE_OP: Record<CompareOp, string> = { eq: "=", ne: "!=", gt: ">", ge: ">=", lt: "<", le: "<=" };
const NEGATE: Record<CompareOp, CompareOp> = { eq: "ne", ne: "eq", gt: "le", ge: "lt", lt: "ge", le: "gt" };

/** A $filter Kintone cannot run: a 400 that names the property or construct. */
export class FilterTranslationError extends FilterError {}

/**
 * Escapes a string for a Kintone query literal: `\` and `"` are escaped, tabs and line breaks written as escapes,
 * so that no value can end the literal early or change the query's structure. Other control characters are refused.
 */
export function kintoneString(value: string, position = 0): string {
  if (/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(value)) {
    throw new FilterTranslationError("values may not contain control characters", position);
  }
  const escaped = value
    .replace(/\\/g, "\\\\")
    .replace(/"/g, '\\"')
    .replace(/\n/g, "\\n")
    .replace(/\r/g, "\\r")
    .replace(/\t/g, "\\t");
  return `"${escaped}"`;
}

function capability(info: PropertyInfo): Capability {
  return capabilityOf(info.kind, info.inTable === true);
}

/** Resolves `name` or `table/name` to a property, with a 400 listing the valid names when unknown. */
export function resolveProperty(
  path: readonly string[],
  properties: PropertyMap,
  position: number,
): PropertyInfo {
  const [first, second] = path as [string, string | undefined];
  const top = properties.get(first);
  const names = () =>
    [...properties.values()].filter((p) => capability(p).filter.length > 0 || p.rows).map((p) => p.name);
  if (top === undefined) {
    throw new FilterTranslationError(
      `unknown property "${first}": filterable properties are ${names().join(", ")}`,
      position,
    );
  }
  if (second === undefined) {
    if (top.rows !== undefined) {
      throw new FilterTranslationError(
        `"${first}" is a table: filter one of its columns, as ${first}/${[...top.rows.keys()][0] ?? "column"}`,
        position,
      );
    }
    return top;
  }
  const row = top.rows?.get(second);
  if (top.rows === undefined)
    throw new FilterTranslationError(
      `"${first}" is not a table, so "${first}/${second}" does not exist`,
      position,
    );
  if (row === undefined) {
    throw new FilterTranslationError(
      `unknown property "${second}" in table "${first}": its columns are ${[...top.rows.keys()].join(", ")}`,
      position,
    );
  }
  return row;
}

/** A number as Kintone's query language reads it: no exponent, no leading zeros, no leading plus. */
const PLAIN_NUMBER = /^-?(0|[1-9]\d*)(\.\d+)?$/;

/** Converts a literal to the Kintone value text for the property's type, refusing mismatches with a clear 400. */
function valueFor(info: PropertyInfo, literal: Literal, position: number): string {
  const value = FIELD_KINDS[info.kind].value;
  const wrong = (expected: string) =>
    new FilterTranslationError(
      `${info.name} takes ${expected}${literal.kind === "null" ? "" : `, not ${describe(literal)}`}`,
      position,
    );
  // Record numbers are text ("APP-12") that Kintone also compares as numbers.
  if (value === "number" || (info.kind === "RECORD_NUMBER" && literal.kind === "number")) {
    if (literal.kind !== "number") throw wrong("a number");
    if (!PLAIN_NUMBER.test(literal.value))
      throw new FilterTranslationError(
        `${literal.value} is not a number Kintone reads: write it in plain decimal digits (such as 1000 or -2.5)`,
        position,
      );
    return literal.value;
  }
  if (value === "date") {
    if (literal.kind !== "date") throw wrong("a date such as 2024-01-31");
    if (!isCalendarDate(literal.value))
      throw new FilterTranslationError(`${literal.value} is not a date of the calendar`, position);
    return kintoneString(literal.value);
  }
  if (value === "datetime") {
    if (literal.kind === "date") {
      if (!isCalendarDate(literal.value))
        throw new FilterTranslationError(`${literal.value} is not a date of the calendar`, position);
      return kintoneString(literal.value);
    }
    if (literal.kind !== "datetime")
      throw wrong("a date-time such as 2024-01-31T09:00:00Z (or a date, for the whole day)");
    const time = Date.parse(literal.value);
    if (Number.isNaN(time) || !isCalendarDateTime(literal.value))
      throw new FilterTranslationError(`${literal.value} is not a valid date-time`, position);
    return kintoneString(new Date(time).toISOString().replace(/\.\d{3}Z$/, "Z"));
  }
  if (value === "time") {
    if (literal.kind !== "string" || !/^([01]\d|2[0-3]):[0-5]\d$/.test(literal.value))
      throw wrong("a time of day as 'HH:MM' (00:00 to 23:59)");
    return kintoneString(literal.value);
  }
  if (literal.kind === "string") {
    if (info.options !== undefined && !info.options.includes(literal.value)) {
      throw new FilterTranslationError(
        `'${literal.value}' is not an option of ${info.name}: use one of ${info.options.map((o) => `'${o}'`).join(", ")}`,
        position,
      );
    }
    return kintoneString(literal.value, position);
  }
  // A number compared with a text field is the text of its digits (a product code such as 1234).
  if (literal.kind === "number" && value === "text" && FIELD_KINDS[info.kind].query.includes("like"))
    return kintoneString(literal.value);
  throw wrong("a string in single quotes");
}

function describe(literal: Literal): string {
  switch (literal.kind) {
    case "string":
      return `'${literal.value}'`;
    case "null":
      return "null";
    case "boolean":
      return String(literal.value);
    default:
      return literal.value;
  }
}

type Condition = Exclude<FilterNode, { kind: "and" | "or" | "not" }>;

/** Types whose emptiness Kintone can test, and how (kintone-api.md §4.2). */
function emptinessTest(info: PropertyInfo, negated: boolean, position: number): string {
  switch (FIELD_KINDS[info.kind].emptiness) {
    case "is empty":
      return `${info.code} ${negated ? "is not empty" : "is empty"}`;
    case "equals-empty-string":
      return `${info.code} ${negated ? "!=" : "="} ""`;
    case "in-empty":
      return `${info.code} ${negated ? "not in" : "in"} ("")`;
    default:
      throw new FilterTranslationError(
        `${info.name} cannot be tested for null: Kintone has no emptiness test for ${info.type.toLowerCase().replace(/_/g, " ")} fields`,
        position,
      );
  }
}

const ORDERING = new Set(["gt", "ge", "lt", "le"]);

function translateCondition(node: Condition, negated: boolean, properties: PropertyMap): string {
  const info = resolveProperty(node.property, properties, node.position);
  const cap = capability(info);
  const membership = matchesByMembership(info.kind, info.inTable === true);
  const refuse = (what: string) =>
    new FilterTranslationError(
      `${info.name} cannot be filtered with ${what}${cap.filter.length > 0 ? `: it takes ${cap.filter.map((op) => (op === "null" ? "eq null" : op === "contains" ? "contains()" : op)).join(", ")}` : ": it cannot be filtered"}`,
      node.position,
    );
  if (negated && info.inTable === true) {
    // A table condition holds when any row matches; its opposite (no row matches, including tables with no rows)
    // is nothing Kintone can express, and its near miss would answer other records with a 200.
    throw new FilterTranslationError(
      `not cannot be applied to the table column ${info.name}: Kintone matches a table when any row does, and cannot ask that no row does`,
      node.position,
    );
  }
  if (negated && node.kind === "compare" && ORDERING.has(node.op) && node.value.kind !== "null") {
    // not (x gt 5) also holds where x is empty, which Kintone's x <= 5 leaves out (and it has no emptiness test
    // for this kind of field): refuse rather than answer fewer records than match.
    throw new FilterTranslationError(
      `not (${info.name} ${node.op} …) cannot be run exactly: it would also match records where ${info.name} is empty, which Kintone cannot select; write the opposite comparison (${NEGATE[node.op]}) if empty values may be left out`,
      node.position,
    );
  }
  switch (node.kind) {
    case "contains": {
      if (!cap.filter.includes("contains")) throw refuse("contains()");
      return `${info.code} ${negated ? "not like" : "like"} ${kintoneString(node.value, node.position)}`;
    }
    case "in": {
      if (!cap.filter.includes("in")) throw refuse("in");
      const values = node.values.map((value) => valueFor(info, value, node.position));
      return `${info.code} ${negated ? "not in" : "in"} (${values.join(", ")})`;
    }
    case "compare": {
      const op = negated ? NEGATE[node.op] : node.op;
      if (node.value.kind === "null") {
        if (op !== "eq" && op !== "ne")
          throw new FilterTranslationError(
            `null can only be compared with eq or ne (${info.name})`,
            node.position,
          );
        if (!cap.filter.includes("null") && info.inTable === true)
          throw new FilterTranslationError(
            `${info.name} cannot be tested for null: it is a table column, which matches when any row does, and a table with no rows matches nothing`,
            node.position,
          );
        return emptinessTest(info, op === "ne", node.position);
      }
      if (op === "eq" || op === "ne") {
        // Choice, user and table fields take in / not in rather than = / != in Kintone.
        if (membership) {
          if (!cap.filter.includes("in") && !cap.filter.includes("eq")) throw refuse(op);
          return `${info.code} ${op === "eq" ? "in" : "not in"} (${valueFor(info, node.value, node.position)})`;
        }
      }
      if (!cap.filter.includes(op)) throw refuse(op);
      return `${info.code} ${KINTONE_OP[op]} ${valueFor(info, node.value, node.position)}`;
    }
  }
}

/** Translates with `not` pushed down to the conditions (Kintone has no general `not`). */
function translateNode(node: FilterNode, negated: boolean, properties: PropertyMap): string {
  switch (node.kind) {
    case "not":
      return translateNode(node.operand, !negated, properties);
    case "and":
    case "or": {
      // De Morgan: not (a and b) = not a or not b.
      const joiner = (node.kind === "and") !== negated ? "and" : "or";
      return `(${translateNode(node.left, negated, properties)} ${joiner} ${translateNode(node.right, negated, properties)})`;
    }
    default:
      return translateCondition(node, negated, properties);
  }
}

/** Translates a parsed $filter into the condition part of a Kintone query. */
export function translateFilter(node: FilterNode, properties: PropertyMap): string {
  return translateNode(node, false, properties);
}
