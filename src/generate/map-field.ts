import type { KintoneFormFieldProperty } from "@kintone/rest-api-client";
import type { SchemaObject } from "openapi3-ts/oas30";
import type { FieldProperty, FieldType, SubtableFieldProperty } from "../kintone/types.js";
import { type Capability, capabilityOf } from "./capabilities.js";

/** JSON pointer prefix of component schemas. */
export const SCHEMA_REF = "#/components/schemas/";
export const ENTITY_SCHEMA = "Entity";
export const FILE_SCHEMA = "FileRef";

/** How one Kintone field appears in the spec, before it is given a property name. */
export type MappedField = {
  code: string;
  label: string;
  type: FieldType;
  /** The schema in the record (read) shape, without description and extensions. */
  schema: SchemaObject;
  /** False for values Kintone computes or that only admins may set: they are absent from input schemas. */
  writable: boolean;
  /** Required on create: Kintone requires it and has no default to fill in. */
  requiredOnCreate: boolean;
  capability: Capability;
  /** Human-readable facts for the description ("required", "unique", "lookup to app 12"). */
  notes: string[];
  /** For a SUBTABLE: its row fields. */
  rowFields?: MappedField[];
};

/** What the mapping of one field needs to know about its siblings. */
export type MapContext = {
  /** Codes of fields that a lookup fills in (copy targets are read-only). */
  lookupTargets: ReadonlySet<string>;
  inSubtable: boolean;
};

const STRING: SchemaObject = { type: "string" };
const DATE: SchemaObject = { type: "string", format: "date" };
const DATE_TIME: SchemaObject = { type: "string", format: "date-time" };
/** A time of day as Kintone takes and answers it (the proxy refuses 24:00, 9:30 or 09:60). */
const TIME: SchemaObject = { type: "string", pattern: "^([01]\\d|2[0-3]):[0-5]\\d$" };
const NUMBER: SchemaObject = { type: "number", format: "double" };
const ENTITY_LIST: SchemaObject = { type: "array", items: { $ref: `${SCHEMA_REF}${ENTITY_SCHEMA}` } };
const FILE_LIST: SchemaObject = { type: "array", items: { $ref: `${SCHEMA_REF}${FILE_SCHEMA}` } };
/** CREATOR / MODIFIER: an inline object, so `readOnly` and the extensions sit on a real schema, not beside a $ref. */
const INLINE_ENTITY: SchemaObject = {
  type: "object",
  properties: {
    code: { type: "string", description: "Login name or code." },
    name: { type: "string", description: "Display name." },
  },
};

function positiveInt(value: string | undefined): number | undefined {
  if (value === undefined || value === "") return undefined;
  const number = Number(value);
  return Number.isInteger(number) && number >= 0 ? number : undefined;
}

function finiteNumber(value: string | undefined): number | undefined {
  if (value === undefined || value === "") return undefined;
  const number = Number(value);
  return Number.isFinite(number) ? number : undefined;
}

/** Option names in display order (`index`), since JSON key order is not display order. */
export function optionsInOrder(options: Record<string, { label: string; index: string }>): string[] {
  return Object.entries(options)
    .sort(([a, x], [b, y]) => Number(x.index) - Number(y.index) || (a < b ? -1 : a > b ? 1 : 0))
    .map(([name]) => name);
}

function lengthLimits(field: { minLength?: string; maxLength?: string }): SchemaObject {
  const schema: SchemaObject = {};
  const min = positiveInt(field.minLength);
  const max = positiveInt(field.maxLength);
  if (min !== undefined && min > 0) schema.minLength = min;
  if (max !== undefined) schema.maxLength = max;
  return schema;
}

function hasDefault(field: FieldProperty | SubtableFieldProperty): boolean {
  const value = (field as { defaultValue?: unknown }).defaultValue;
  if ((field as { defaultNowValue?: boolean }).defaultNowValue === true) return true;
  if (Array.isArray(value)) return value.length > 0;
  return typeof value === "string" && value !== "";
}

function isLookup(field: FieldProperty | SubtableFieldProperty): field is KintoneFormFieldProperty.Lookup {
  const lookup = (field as { lookup?: unknown }).lookup;
  return typeof lookup === "object" && lookup !== null;
}

/** Codes filled in by the lookups among `fields`. */
export function collectLookupTargets(fields: Iterable<FieldProperty | SubtableFieldProperty>): Set<string> {
  const targets = new Set<string>();
  for (const field of fields) {
    if (isLookup(field)) for (const mapping of field.lookup.fieldMappings ?? []) targets.add(mapping.field);
  }
  return targets;
}

type Shape = { schema: SchemaObject; writable: boolean; notes?: string[] } | undefined;

/**
 * The schema of one field type (design.md §4 type mapping). Exhaustive: a new Kintone field type in
 * @kintone/rest-api-client fails the build here. Returns undefined for types that never appear in records.
 */
function shapeOf(field: FieldProperty | SubtableFieldProperty): Shape {
  switch (field.type) {
    case "RECORD_NUMBER":
      return { schema: STRING, writable: false };
    case "CREATOR":
    case "MODIFIER":
      return { schema: INLINE_ENTITY, writable: false };
    case "CREATED_TIME":
    case "UPDATED_TIME":
      return { schema: DATE_TIME, writable: false };
    case "STATUS":
      return field.enabled
        ? { schema: STRING, writable: false, notes: ["process management status"] }
        : undefined;
    case "STATUS_ASSIGNEE":
      return field.enabled ? { schema: ENTITY_LIST, writable: false } : undefined;
    case "CATEGORY":
      return field.enabled ? { schema: { type: "array", items: STRING }, writable: false } : undefined;
    case "SINGLE_LINE_TEXT":
    case "NUMBER": {
      if (isLookup(field)) {
        const { relatedApp, relatedKeyField } = field.lookup;
        return {
          schema: field.type === "NUMBER" ? NUMBER : STRING,
          writable: true,
          notes: [
            `lookup key: matched against "${relatedKeyField}" of app ${relatedApp.app}, which fills the mapped fields`,
          ],
        };
      }
      if (field.type === "NUMBER") {
        const schema: SchemaObject = { ...NUMBER };
        const min = finiteNumber(field.minValue);
        const max = finiteNumber(field.maxValue);
        if (min !== undefined) schema.minimum = min;
        if (max !== undefined) schema.maximum = max;
        const notes = field.unit ? [`unit ${field.unit}`] : [];
        // JSON numbers hold 15 significant digits exactly; the proxy takes longer values as decimal strings.
        notes.push("a value of more than 15 digits is written as a decimal string");
        return { schema, writable: true, notes };
      }
      if (typeof field.expression === "string" && field.expression !== "") {
        return { schema: STRING, writable: false, notes: ["calculated automatically"] };
      }
      return { schema: { ...STRING, ...lengthLimits(field) }, writable: true };
    }
    case "CALC": {
      const notes = ["calculated"];
      switch (field.format) {
        case "NUMBER":
        case "NUMBER_DIGIT":
          return { schema: NUMBER, writable: false, notes };
        case "DATE":
          return { schema: DATE, writable: false, notes };
        case "DATETIME":
          return { schema: DATE_TIME, writable: false, notes };
        case "TIME":
        case "HOUR_MINUTE":
        case "DAY_HOUR_MINUTE":
          return {
            schema: STRING,
            writable: false,
            notes: ["calculated duration or time, as Kintone formats it"],
          };
        default:
          return { schema: STRING, writable: false, notes };
      }
    }
    case "MULTI_LINE_TEXT":
    case "RICH_TEXT":
      return { schema: STRING, writable: true, notes: field.type === "RICH_TEXT" ? ["HTML"] : [] };
    case "LINK":
      return {
        schema: { ...STRING, ...lengthLimits(field) },
        writable: true,
        notes: [`link (${field.protocol ?? "WEB"})`],
      };
    case "RADIO_BUTTON":
    case "DROP_DOWN":
      return { schema: { type: "string", enum: optionsInOrder(field.options) }, writable: true };
    case "CHECK_BOX":
    case "MULTI_SELECT":
      return {
        schema: { type: "array", items: { type: "string", enum: optionsInOrder(field.options) } },
        writable: true,
      };
    case "DATE":
      return { schema: DATE, writable: true };
    case "DATETIME":
      return { schema: DATE_TIME, writable: true };
    case "TIME":
      return { schema: TIME, writable: true, notes: ["HH:MM"] };
    case "USER_SELECT":
    case "ORGANIZATION_SELECT":
    case "GROUP_SELECT":
      return { schema: ENTITY_LIST, writable: true, notes: ["write the code of each entity"] };
    case "FILE":
      return { schema: FILE_LIST, writable: true, notes: ["write the fileKey of uploaded files"] };
    case "SUBTABLE":
      return {
        schema: { type: "array" },
        writable: true,
        notes: ["on update, the rows given replace all rows: send every row to keep, with its id"],
      };
    case "REFERENCE_TABLE":
    case "GROUP":
      return undefined;
    default: {
      const unknown: never = field;
      return unknown;
    }
  }
}

/** Field types whose `unique` flag Kintone keeps (kintone-api.md §1.3). */
const UNIQUE_TYPES: ReadonlySet<string> = new Set(["SINGLE_LINE_TEXT", "NUMBER", "LINK", "DATE", "DATETIME"]);

/**
 * Maps one Kintone field to its schema facts, or undefined when the field holds no record value
 * (REFERENCE_TABLE, GROUP, process-management fields that are off).
 */
export function mapField(
  field: FieldProperty | SubtableFieldProperty,
  ctx: MapContext,
): MappedField | undefined {
  const shape = shapeOf(field);
  if (shape === undefined) return undefined;
  const lookupTarget = ctx.lookupTargets.has(field.code);
  const writable = shape.writable && !lookupTarget;
  const notes = [...(shape.notes ?? [])];
  const required = (field as { required?: boolean }).required === true;
  // Kintone does not enforce `required` on RADIO_BUTTON and CALC (kintone-api.md §2), and fills defaults on add.
  const enforced = required && field.type !== "RADIO_BUTTON" && field.type !== "CALC";
  if (lookupTarget) notes.push("filled in by a lookup");
  if (enforced)
    notes.push(hasDefault(field) ? "required (Kintone fills the default when omitted)" : "required");
  if ((field as { unique?: boolean }).unique === true && UNIQUE_TYPES.has(field.type)) notes.push("unique");
  const mapped: MappedField = {
    code: field.code,
    label: field.label,
    type: field.type,
    schema: shape.schema,
    writable,
    requiredOnCreate: writable && enforced && !hasDefault(field),
    capability: capabilityOf(field.type, ctx.inSubtable),
    notes,
  };
  if (field.type === "SUBTABLE") {
    const inner = Object.values(field.fields);
    const innerCtx: MapContext = { lookupTargets: collectLookupTargets(inner), inSubtable: true };
    mapped.rowFields = inner
      .map((f) => mapField(f, innerCtx))
      .filter((f): f is MappedField => f !== undefined);
  }
  return mapped;
}
