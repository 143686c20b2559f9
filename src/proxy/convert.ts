import { FIELD_KINDS } from "../kintone/field-types.js";
import type { PropertyInfo, PropertyMap } from "../odata/translate-filter.js";
import { isCalendarDate, isCalendarDateTime } from "../util/calendar.js";
import { type ErrorDetail, ProxyError } from "./errors.js";

type KintoneField = { type?: string; value: unknown };
type KintoneRecord = Record<string, KintoneField | undefined>;

function numberOrNull(value: unknown): number | null {
  if (value === "" || value === null || value === undefined) return null;
  const number = Number(value);
  return Number.isFinite(number) ? number : null;
}

function entity(value: unknown): { code: string; name: string } {
  const { code, name } = (value ?? {}) as { code?: unknown; name?: unknown };
  return { code: String(code ?? ""), name: String(name ?? "") };
}

const nullableText = (value: unknown) =>
  value === "" || value === null || value === undefined ? null : String(value);
const text = (value: unknown) => (value === null || value === undefined ? "" : String(value));
const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const file = (item: unknown) => {
  const { fileKey, name, contentType, size } = (item ?? {}) as Record<string, unknown>;
  return {
    fileKey: String(fileKey ?? ""),
    name: String(name ?? ""),
    contentType: String(contentType ?? ""),
    size: numberOrNull(size) ?? 0,
  };
};

/** How one property's Kintone value becomes the API's (numbers as numbers, empties as null, entities as objects). */
function readerOf(info: PropertyInfo): (value: unknown) => unknown {
  const facts = FIELD_KINDS[info.kind];
  switch (facts.value) {
    case "number":
      return numberOrNull;
    case "entity":
      return entity;
    case "entities":
      return (value) => list(value).map(entity);
    case "choices":
    case "labels":
      return (value) => list(value).map(String);
    case "files":
      return (value) => list(value).map(file);
    case "table": {
      const rows = info.rows ?? new Map<string, PropertyInfo>();
      return (value) =>
        list(value).map((row) => {
          const { id, value: fields } = (row ?? {}) as { id?: unknown; value?: KintoneRecord };
          return { id: numberOrNull(id), ...toApiRecord(fields ?? {}, rows) };
        });
    }
    default:
      return facts.nullWhenEmpty ? nullableText : text;
  }
}

type Plan = Array<{ name: string; code: string; read: (value: unknown) => unknown }>;
/** Per property map, its readers, made once (converting records is on every answer's path). */
const plans = new WeakMap<PropertyMap, Plan>();

function planOf(properties: PropertyMap): Plan {
  let plan = plans.get(properties);
  if (plan === undefined) {
    plan = [...properties.values()]
      .filter((info) => info.kind !== "__ROW_ID__")
      .map((info) => ({ name: info.name, code: info.code, read: readerOf(info) }));
    plans.set(properties, plan);
  }
  return plan;
}

/** Converts a Kintone record (or table row) into the API's record shape, optionally only the selected properties. */
export function toApiRecord(
  record: KintoneRecord,
  properties: PropertyMap,
  select?: ReadonlySet<string>,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const { name, code, read } of planOf(properties)) {
    if (select !== undefined && !select.has(name)) continue;
    const field = record[code];
    if (field === undefined) continue;
    out[name] = read(field.value);
  }
  return out;
}

function typeName(value: unknown): string {
  return value === null
    ? "null"
    : Array.isArray(value)
      ? "an array"
      : typeof value === "object"
        ? "an object"
        : `a ${typeof value}`;
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
/** At most this many problems are named in one answer. */
const MAX_DETAILS = 50;
const DECIMAL = /^-?(0|[1-9]\d*)(\.\d+)?$/;

/** A number as Kintone takes it: plain decimal digits, never an exponent (1e21 → "1000000000000000000000"). */
export function plainDecimal(value: number): string {
  const text = String(value);
  const match = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/.exec(text);
  if (match === null) return text;
  const [, sign = "", head = "", tail = "", exp = "0"] = match;
  const digits = head + tail;
  const point = 1 + Number(exp);
  if (point <= 0) return `${sign}0.${"0".repeat(-point)}${digits}`;
  if (point >= digits.length) return `${sign}${digits}${"0".repeat(point - digits.length)}`;
  return `${sign}${digits.slice(0, point)}.${digits.slice(point)}`;
}

/** Converts one written value to Kintone's form, or reports why it cannot be. */
function toKintoneValue(info: PropertyInfo, value: unknown, target: string, details: ErrorDetail[]): unknown {
  const invalid = (expected: string) => {
    details.push({
      code: "InvalidValue",
      target,
      message: `${target} must be ${expected}, not ${typeName(value)}.`,
    });
    return undefined;
  };
  switch (FIELD_KINDS[info.kind].value) {
    case "number":
      if (value === null) return "";
      if (typeof value === "string" && DECIMAL.test(value)) return value;
      if (typeof value !== "number" || !Number.isFinite(value))
        return invalid('a number (or a decimal string such as "1234.5")');
      return plainDecimal(value);
    case "date":
      if (value === null) return "";
      if (typeof value !== "string" || !DATE.test(value) || !isCalendarDate(value))
        return invalid("a date of the calendar as YYYY-MM-DD");
      return value;
    case "datetime": {
      if (value === null) return "";
      // RFC 3339 allows a lower-case "t" and "z"; Kintone is given the usual upper case.
      const text = typeof value === "string" ? value.toUpperCase() : value;
      if (typeof text !== "string" || !isCalendarDateTime(text) || Number.isNaN(Date.parse(text))) {
        return invalid("a date-time of the calendar with a time zone, as 2024-01-31T09:00:00Z");
      }
      return text;
    }
    case "time":
      if (value === null) return "";
      if (typeof value !== "string" || !/^([01]\d|2[0-3]):[0-5]\d$/.test(value))
        return invalid("a time as HH:MM");
      return value;
    case "choices":
      if (value === null) return [];
      if (!Array.isArray(value) || !value.every((item) => typeof item === "string"))
        return invalid("an array of strings");
      return value;
    case "entities":
      if (value === null) return [];
      if (
        !Array.isArray(value) ||
        !value.every((item) => typeof (item as { code?: unknown } | null)?.code === "string")
      ) {
        return invalid("an array of objects with a code");
      }
      return value.map((item) => ({ code: (item as { code: string }).code }));
    case "files":
      if (value === null) return [];
      if (
        !Array.isArray(value) ||
        !value.every((item) => typeof (item as { fileKey?: unknown } | null)?.fileKey === "string")
      ) {
        return invalid("an array of objects with a fileKey");
      }
      return value.map((item) => ({ fileKey: (item as { fileKey: string }).fileKey }));
    case "table": {
      if (value === null) return [];
      if (!Array.isArray(value)) return invalid("an array of rows");
      return value.map((row, index) => {
        const rowTarget = `${target}[${index}]`;
        if (typeof row !== "object" || row === null || Array.isArray(row)) {
          details.push({
            code: "InvalidValue",
            target: rowTarget,
            message: `${rowTarget} must be an object.`,
          });
          return {};
        }
        const { id, ...fields } = row as Record<string, unknown>;
        if (id !== undefined && id !== null && !Number.isInteger(id)) {
          details.push({
            code: "InvalidValue",
            target: `${rowTarget}.id`,
            message: `${rowTarget}.id must be a whole number (the id of an existing row).`,
          });
        }
        const converted = convertFields(fields, info.rows ?? new Map(), rowTarget, details);
        return { ...(id !== undefined && id !== null ? { id: String(id) } : {}), value: converted };
      });
    }
    default:
      if (value === null) return "";
      if (typeof value !== "string") return invalid("a string");
      return value;
  }
}

function convertFields(
  body: Record<string, unknown>,
  properties: PropertyMap,
  prefix: string,
  details: ErrorDetail[],
): Record<string, { value: unknown }> {
  const record: Record<string, { value: unknown }> = {};
  for (const [name, value] of Object.entries(body)) {
    const target = prefix === "" ? name : `${prefix}.${name}`;
    const info = properties.get(name);
    if (details.length >= MAX_DETAILS) break;
    if (info === undefined) {
      // The writable properties are listed once, so that many unknown ones cannot make a huge answer.
      const first = !details.some((d) => d.code === "UnknownProperty");
      const writable = [...properties.values()].filter((p) => !p.readOnly).map((p) => p.name);
      details.push({
        code: "UnknownProperty",
        target: target.slice(0, 200),
        message: `${target.slice(0, 200)} is not a property of this record${first ? `; writable properties are ${writable.join(", ")}` : ""}.`,
      });
      continue;
    }
    if (info.readOnly || info.kind === "__ROW_ID__") {
      details.push({
        code: "ReadOnlyProperty",
        target,
        message:
          info.type === "FILE"
            ? `${target} is read-only in this spec (it has no file upload): leave it out, or regenerate the spec with --operations …,files.`
            : `${target} is read-only (Kintone computes it); leave it out.`,
      });
      continue;
    }
    // null means "not given": Salesforce may send null for every property a Flow did not set, and that must never
    // empty a field (clearing is explicit, through the update input's clearFields).
    if (value === null) continue;
    const converted = toKintoneValue(info, value, target, details);
    if (converted !== undefined) record[info.code] = { value: converted };
  }
  return record;
}

/**
 * Converts a create or update body into a Kintone record. Unknown and read-only properties, wrong types and
 * malformed dates are a 400 naming each property: nothing is silently dropped.
 */
export function toKintoneRecord(
  body: unknown,
  properties: PropertyMap,
  required: ReadonlySet<string> = new Set(),
): Record<string, { value: unknown }> {
  if (typeof body !== "object" || body === null || Array.isArray(body)) {
    throw new ProxyError(
      400,
      "InvalidBody",
      "The request body must be a JSON object of the record's properties.",
    );
  }
  const details: ErrorDetail[] = [];
  const record = convertFields(body as Record<string, unknown>, properties, "", details);
  for (const name of required) {
    const value = (body as Record<string, unknown>)[name];
    if (
      value === undefined ||
      value === null ||
      value === "" ||
      (Array.isArray(value) && value.length === 0)
    ) {
      details.push({ code: "Required", target: name, message: `${name} is required.` });
    }
  }
  if (details.length > 0) {
    details.splice(MAX_DETAILS);
    throw new ProxyError(
      400,
      "ValidationFailed",
      `The record is not valid: ${details.map((d) => d.message).join(" ")}`.slice(0, 1000),
      { details },
    );
  }
  return record;
}

/** Kintone's empty value of a property (no text, no number, no date, no selection, no rows), for clearFields. */
export function emptyValue(info: PropertyInfo): unknown {
  return toKintoneValue(info, null, info.name, []);
}
