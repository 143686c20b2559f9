import type { SchemaObject } from "openapi3-ts/oas30";
import {
  type Capability,
  capabilityOf,
  FIELD_KINDS,
  type FieldKind,
  type FieldKindFacts,
  isAutoCalculatedText,
  isWritableField,
  kindOfField,
  lookupOf,
  lookupTargets,
  type ValueKind,
} from "../kintone/field-types.js";
import type { FieldProperty, FieldType, SubtableFieldProperty } from "../kintone/types.js";
import { SCHEMA_REF } from "./x-kintone.js";

export const ENTITY_SCHEMA = "Entity";

/** How one Kintone field appears in the spec, before it is given a property name. */
export type MappedField = {
  code: string;
  label: string;
  type: FieldType;
  /** How the field behaves (its type, and for CALC the format of its result): see src/kintone/field-types.ts. */
  kind: FieldKind;
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
  /** Whether the spec has the upload operation, so FILE values can be written (`--operations files`). */
  uploads?: boolean;
  /** The sibling fields by code (a lookup needs its copy targets' settings). */
  fields?: ReadonlyMap<string, FieldProperty | SubtableFieldProperty>;
};

const STRING: SchemaObject = { type: "string" };
const DATE: SchemaObject = { type: "string", format: "date" };
const DATE_TIME: SchemaObject = { type: "string", format: "date-time" };
/** A time of day as Kintone takes and answers it (the proxy refuses 24:00, 9:30 or 09:60). */
const TIME: SchemaObject = { type: "string", pattern: "^([01]\\d|2[0-3]):[0-5]\\d$" };
const NUMBER: SchemaObject = { type: "number", format: "double" };
const ENTITY_LIST: SchemaObject = { type: "array", items: { $ref: `${SCHEMA_REF}${ENTITY_SCHEMA}` } };
/** Files: build-document.ts gives the items their answer and input shapes (what is read differs from what is written). */
const FILE_LIST: SchemaObject = { type: "array", items: { type: "object" } };
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

/** Codes filled in by the lookups among `fields`. */
export const collectLookupTargets = lookupTargets;

type Shape = { schema: SchemaObject; notes?: string[] } | undefined;

/** The schema of each kind of value (design.md §4 type mapping), before field settings narrow it. */
const VALUE_SCHEMAS: Record<ValueKind, SchemaObject | undefined> = {
  text: STRING,
  number: NUMBER,
  date: DATE,
  datetime: DATE_TIME,
  time: TIME,
  choice: STRING,
  choices: { type: "array", items: STRING },
  labels: { type: "array", items: STRING },
  entity: INLINE_ENTITY,
  entities: ENTITY_LIST,
  files: FILE_LIST,
  table: { type: "array" },
  none: undefined,
};

/**
 * The schema of one field: its kind's schema (src/kintone/field-types.ts) narrowed by the field's settings
 * (options, lengths, ranges), with the facts a reader needs. Undefined for fields that never appear in records.
 */
function shapeOf(field: FieldProperty | SubtableFieldProperty, facts: FieldKindFacts): Shape {
  const base = VALUE_SCHEMAS[facts.value];
  if (base === undefined) return undefined;
  const lookup = lookupOf(field);
  if (lookup !== undefined) {
    const { relatedApp, relatedKeyField } = lookup;
    return {
      schema: base,
      notes: [
        `lookup key: matched against "${relatedKeyField}" of app ${relatedApp.app}, which fills the mapped fields`,
      ],
    };
  }
  switch (field.type) {
    case "STATUS":
      return field.enabled ? { schema: base, notes: ["process management status"] } : undefined;
    case "STATUS_ASSIGNEE":
    case "CATEGORY":
      return field.enabled ? { schema: base } : undefined;
    case "NUMBER": {
      const settings = field as { minValue?: string; maxValue?: string; unit?: string };
      const schema: SchemaObject = { ...base };
      const min = finiteNumber(settings.minValue);
      const max = finiteNumber(settings.maxValue);
      if (min !== undefined) schema.minimum = min;
      if (max !== undefined) schema.maximum = max;
      const notes = settings.unit ? [`unit ${settings.unit}`] : [];
      // A JSON number past a double's precision would be rounded; the proxy refuses it and takes a decimal string.
      notes.push("a number a double cannot hold exactly is refused: send such values as decimal strings");
      return { schema, notes };
    }
    case "SINGLE_LINE_TEXT":
      return isAutoCalculatedText(field)
        ? { schema: base, notes: ["calculated automatically"] }
        : { schema: { ...base, ...lengthLimits(field as { minLength?: string; maxLength?: string }) } };
    case "CALC":
      return {
        schema: base,
        notes: [
          facts === FIELD_KINDS.CALC_TEXT
            ? "calculated duration or time, as Kintone formats it"
            : "calculated",
        ],
      };
    case "RICH_TEXT":
      return { schema: base, notes: ["HTML"] };
    case "LINK":
      return { schema: { ...base, ...lengthLimits(field) }, notes: [`link (${field.protocol ?? "WEB"})`] };
    case "RADIO_BUTTON":
    case "DROP_DOWN":
      return { schema: { ...base, enum: optionsInOrder(field.options) } };
    case "CHECK_BOX":
    case "MULTI_SELECT":
      return { schema: { type: "array", items: { ...STRING, enum: optionsInOrder(field.options) } } };
    case "TIME":
      return { schema: base, notes: ["HH:MM"] };
    case "USER_SELECT":
    case "ORGANIZATION_SELECT":
    case "GROUP_SELECT":
      return { schema: base, notes: ["write the code of each entity"] };
    case "FILE":
      return { schema: base };
    case "SUBTABLE":
      return {
        schema: base,
        notes: ["on update, the rows given replace all rows: send every row to keep, with its id"],
      };
    default:
      return { schema: base };
  }
}

/**
 * Maps one Kintone field to its schema facts, or undefined when the field holds no record value
 * (REFERENCE_TABLE, GROUP, process-management fields that are off).
 */
export function mapField(
  field: FieldProperty | SubtableFieldProperty,
  ctx: MapContext,
): MappedField | undefined {
  const kind = kindOfField(field);
  const facts: FieldKindFacts = FIELD_KINDS[kind];
  const shape = shapeOf(field, facts);
  if (shape === undefined) return undefined;
  const lookupTarget = ctx.lookupTargets.has(field.code);
  const writable = isWritableField(field, ctx.lookupTargets, ctx.uploads === true);
  const notes = [...(shape.notes ?? [])];
  if (field.type === "FILE")
    notes.push(
      writable
        ? "write the fileKey of files uploaded with the upload operation"
        : "the attached files' names, types and sizes; attaching files needs the files operations (--operations files)",
    );
  const enforced = (field as { required?: boolean }).required === true && facts.requiredEnforced;
  if (lookupTarget) notes.push("filled in by a lookup");
  if (enforced)
    notes.push(hasDefault(field) ? "required (Kintone fills the default when omitted)" : "required");
  if ((field as { unique?: boolean }).unique === true && facts.unique) notes.push("unique");
  // A required copy target with no default can only be filled by its lookup: the lookup key is then required.
  const fills = (lookupOf(field)?.fieldMappings ?? [])
    .map((mapping) => ctx.fields?.get(mapping.field))
    .filter((target) => target !== undefined && requiredWithoutDefault(target))
    .map((target) => (target as { code: string }).code);
  if (fills.length > 0) notes.push(`required: it fills ${fills.join(", ")}, which Kintone requires`);
  const badDefault = defaultOutOfRange(field);
  if (badDefault !== undefined)
    notes.push(
      `required: its default (${badDefault}) breaks its own limits, so Kintone refuses a record without it`,
    );
  const mapped: MappedField = {
    code: field.code,
    label: field.label,
    type: field.type,
    kind,
    schema: shape.schema,
    writable,
    requiredOnCreate:
      writable && ((enforced && !hasDefault(field)) || fills.length > 0 || badDefault !== undefined),
    capability: capabilityOf(kind, ctx.inSubtable),
    notes,
  };
  if (field.type === "SUBTABLE") {
    const inner = Object.values(field.fields);
    const innerCtx: MapContext = {
      lookupTargets: lookupTargets(inner),
      inSubtable: true,
      ...(ctx.uploads === true ? { uploads: true } : {}),
      fields: new Map(inner.map((f) => [f.code, f])),
    };
    mapped.rowFields = inner
      .map((f) => mapField(f, innerCtx))
      .filter((f): f is MappedField => f !== undefined);
  }
  return mapped;
}

/**
 * The default value when it breaks the field's own range or length (Kintone fills it in on add, then refuses the
 * record), so the value must always be given.
 */
function defaultOutOfRange(field: FieldProperty | SubtableFieldProperty): string | undefined {
  const f = field as {
    defaultValue?: unknown;
    minValue?: string;
    maxValue?: string;
    minLength?: string;
    maxLength?: string;
  };
  if (typeof f.defaultValue !== "string" || f.defaultValue === "") return undefined;
  if (field.type === "NUMBER") {
    const value = Number(f.defaultValue);
    const min = finiteNumber(f.minValue);
    const max = finiteNumber(f.maxValue);
    return (min !== undefined && value < min) || (max !== undefined && value > max)
      ? f.defaultValue
      : undefined;
  }
  if (field.type === "SINGLE_LINE_TEXT" || field.type === "LINK") {
    const length = [...f.defaultValue].length;
    const min = positiveInt(f.minLength);
    const max = positiveInt(f.maxLength);
    return (min !== undefined && length < min) || (max !== undefined && length > max)
      ? f.defaultValue
      : undefined;
  }
  return undefined;
}

function requiredWithoutDefault(field: FieldProperty | SubtableFieldProperty): boolean {
  return (
    (field as { required?: boolean }).required === true &&
    FIELD_KINDS[kindOfField(field)].requiredEnforced &&
    !hasDefault(field)
  );
}
