import type { FieldProperty, FieldType, SubtableFieldProperty } from "./types.js";

/**
 * What each Kintone field type is, written once (kintone-api.md §2 and §4.2): the kind of value it holds, the query
 * operators Kintone takes for it, whether it sorts, who may write it, and what Kintone answers when it is empty.
 * The generator (schemas, descriptions, capabilities), the $filter translator, the proxy's converters and the
 * sandbox all read this table; a field type added to @kintone/rest-api-client fails the build here until it has
 * a row.
 */

/** Kintone's query operators (kintone-api.md §4.1). */
export type QueryOperator =
  | "="
  | "!="
  | ">"
  | "<"
  | ">="
  | "<="
  | "in"
  | "not in"
  | "like"
  | "not like"
  | "is empty"
  | "is not empty";

/**
 * How a value reads and writes: `text` and `number` are single strings in Kintone (numbers as decimal text),
 * `choice` one option name, `choices` option names, `labels` strings Kintone sets (categories), `entity`/`entities`
 * users, organisations or groups as `{code,name}`, `files` file descriptors, `table` rows.
 */
export type ValueKind =
  | "text"
  | "number"
  | "date"
  | "datetime"
  | "time"
  | "choice"
  | "choices"
  | "labels"
  | "entity"
  | "entities"
  | "files"
  | "table"
  | "none";

/** The record id and revision, which Kintone's records carry as `$id` and `$revision`, and a table row's id. */
export type SystemType = "__ID__" | "__REVISION__" | "__ROW_ID__";

/**
 * A field type as it behaves: Kintone's types, CALC split by the format of its result (a date-format CALC compares
 * like a date, a text-format one cannot be filtered), and the record's id and revision.
 */
export type FieldKind = FieldType | SystemType | "CALC_DATE" | "CALC_DATETIME" | "CALC_TEXT";

/**
 * Who may write a value through the record API. `with-uploads`: a FILE value is the key of a file uploaded first
 * (POST /k/v1/file.json), so a spec offers it as writable only when it has the upload operation (`--operations files`).
 */
export type Writability = "yes" | "no" | "admin-on-add" | "with-uploads";

export type FieldKindFacts = {
  value: ValueKind;
  /** Query operators Kintone accepts for the type (kintone-api.md §4.2). */
  query: readonly QueryOperator[];
  /** How Kintone tests the type for emptiness, when it can: `is empty`, `= ""` or `in ("")`. */
  emptiness?: "is empty" | "equals-empty-string" | "in-empty";
  /** Whether `order by` takes it (outside tables). */
  sortable: boolean;
  writable: Writability;
  /** Whether Kintone enforces a `required: true` setting (it does not for RADIO_BUTTON and CALC). */
  requiredEnforced: boolean;
  /** Whether Kintone keeps the type's `unique` flag. */
  unique: boolean;
  /**
   * Whether a field of the type with `unique: true` can be the `updateKey` of a record update or upsert: only
   * SINGLE_LINE_TEXT and NUMBER (Kintone's update-record(s) pages; kintone-api.md §1.7).
   */
  updateKey?: true;
  /** What GET answers for an empty value (kintone-api.md §2, "Empty values by type"). */
  empty: null | "" | readonly [];
  /** Whether the proxy answers `null` when the value is empty (numbers, dates, times, unselected drop-downs). */
  nullWhenEmpty: boolean;
};

const NUMERIC: readonly QueryOperator[] = ["=", "!=", "<", ">", "<=", ">=", "in", "not in"];
const TEMPORAL: readonly QueryOperator[] = ["=", "!=", "<", ">", "<=", ">="];
const TEXT: readonly QueryOperator[] = ["=", "!=", "in", "not in", "like", "not like"];
const LONG_TEXT: readonly QueryOperator[] = ["like", "not like", "is empty", "is not empty"];
const MEMBERSHIP: readonly QueryOperator[] = ["in", "not in"];
const NONE: readonly QueryOperator[] = [];

type Base = Pick<FieldKindFacts, "requiredEnforced" | "unique" | "nullWhenEmpty">;
const PLAIN: Base = { requiredEnforced: true, unique: false, nullWhenEmpty: false };
const COMPUTED = { ...PLAIN, writable: "no" as const, requiredEnforced: false };

const SHORT_TEXT: FieldKindFacts = {
  ...PLAIN,
  value: "text",
  query: TEXT,
  emptiness: "equals-empty-string",
  sortable: true,
  writable: "yes",
  unique: true,
  empty: "",
};
const SYSTEM_TIME: FieldKindFacts = {
  ...PLAIN,
  value: "datetime",
  query: TEMPORAL,
  sortable: true,
  writable: "admin-on-add",
  empty: "",
  nullWhenEmpty: true,
};
const SYSTEM_USER: FieldKindFacts = {
  ...PLAIN,
  value: "entity",
  query: MEMBERSHIP,
  sortable: true,
  writable: "admin-on-add",
  empty: "",
};
const CHOICES: FieldKindFacts = {
  ...PLAIN,
  value: "choices",
  query: MEMBERSHIP,
  emptiness: "in-empty",
  sortable: false,
  writable: "yes",
  empty: [],
};

/** The user, organization and group selections: lists of entities. */
const ENTITIES: FieldKindFacts = {
  ...PLAIN,
  value: "entities",
  query: MEMBERSHIP,
  sortable: false,
  writable: "yes",
  empty: [],
};

export const FIELD_KINDS: Readonly<Record<FieldKind, FieldKindFacts>> = {
  __ID__: { ...COMPUTED, value: "number", query: NUMERIC, sortable: true, empty: "" },
  __REVISION__: { ...COMPUTED, value: "number", query: NONE, sortable: false, empty: "" },
  __ROW_ID__: { ...COMPUTED, value: "number", query: NONE, sortable: false, empty: "" },
  RECORD_NUMBER: { ...COMPUTED, value: "text", query: NUMERIC, sortable: true, empty: "" },
  CREATOR: SYSTEM_USER,
  MODIFIER: SYSTEM_USER,
  CREATED_TIME: SYSTEM_TIME,
  UPDATED_TIME: SYSTEM_TIME,
  SINGLE_LINE_TEXT: { ...SHORT_TEXT, updateKey: true },
  LINK: SHORT_TEXT,
  MULTI_LINE_TEXT: {
    ...PLAIN,
    value: "text",
    query: LONG_TEXT,
    emptiness: "is empty",
    sortable: false,
    writable: "yes",
    empty: "",
  },
  RICH_TEXT: {
    ...PLAIN,
    value: "text",
    query: ["like", "not like"],
    sortable: false,
    writable: "yes",
    empty: "",
  },
  NUMBER: {
    ...PLAIN,
    value: "number",
    query: NUMERIC,
    sortable: true,
    writable: "yes",
    unique: true,
    updateKey: true,
    empty: "",
    nullWhenEmpty: true,
  },
  CALC: { ...COMPUTED, value: "number", query: NUMERIC, sortable: true, empty: "", nullWhenEmpty: true },
  CALC_DATE: { ...COMPUTED, value: "date", query: TEMPORAL, sortable: true, empty: "", nullWhenEmpty: true },
  CALC_DATETIME: {
    ...COMPUTED,
    value: "datetime",
    query: TEMPORAL,
    sortable: true,
    empty: "",
    nullWhenEmpty: true,
  },
  // Durations and text results ("12:34", "1 day 2 hours"): Kintone compares the underlying number, which the answer
  // does not show, so the proxy offers no filter on them.
  CALC_TEXT: { ...COMPUTED, value: "text", query: NONE, sortable: true, empty: "", nullWhenEmpty: true },
  DATE: {
    ...PLAIN,
    value: "date",
    query: TEMPORAL,
    sortable: true,
    writable: "yes",
    unique: true,
    empty: null,
    nullWhenEmpty: true,
  },
  TIME: {
    ...PLAIN,
    value: "time",
    query: TEMPORAL,
    sortable: true,
    writable: "yes",
    empty: null,
    nullWhenEmpty: true,
  },
  DATETIME: {
    ...PLAIN,
    value: "datetime",
    query: TEMPORAL,
    sortable: true,
    writable: "yes",
    unique: true,
    empty: "",
    nullWhenEmpty: true,
  },
  RADIO_BUTTON: {
    ...PLAIN,
    value: "choice",
    query: MEMBERSHIP,
    sortable: true,
    writable: "yes",
    requiredEnforced: false,
    empty: "",
  },
  DROP_DOWN: {
    ...PLAIN,
    value: "choice",
    query: MEMBERSHIP,
    emptiness: "in-empty",
    sortable: true,
    writable: "yes",
    empty: null,
    nullWhenEmpty: true,
  },
  CHECK_BOX: CHOICES,
  MULTI_SELECT: CHOICES,
  USER_SELECT: ENTITIES,
  ORGANIZATION_SELECT: ENTITIES,
  GROUP_SELECT: ENTITIES,
  FILE: {
    ...PLAIN,
    value: "files",
    query: LONG_TEXT,
    emptiness: "is empty",
    sortable: false,
    writable: "with-uploads",
    empty: [],
  },
  STATUS: { ...COMPUTED, value: "text", query: ["=", "!=", "in", "not in"], sortable: true, empty: "" },
  STATUS_ASSIGNEE: { ...COMPUTED, value: "entities", query: MEMBERSHIP, sortable: false, empty: [] },
  CATEGORY: { ...COMPUTED, value: "labels", query: NONE, sortable: false, empty: [] },
  SUBTABLE: { ...PLAIN, value: "table", query: NONE, sortable: false, writable: "yes", empty: [] },
  REFERENCE_TABLE: { ...COMPUTED, value: "none", query: NONE, sortable: false, empty: [] },
  GROUP: { ...COMPUTED, value: "none", query: NONE, sortable: false, empty: "" },
};

const KINDS: ReadonlySet<string> = new Set(Object.keys(FIELD_KINDS));

export function isFieldKind(value: string): value is FieldKind {
  return KINDS.has(value);
}

/** Whether `type` is a Kintone field type this table knows (not a layout-only element, not a pseudo type). */
export function isKnownFieldType(value: string): value is FieldType {
  return isFieldKind(value) && !value.startsWith("__") && !value.startsWith("CALC_");
}

export function factsOf(kind: FieldKind): FieldKindFacts {
  return FIELD_KINDS[kind];
}

/** The kind of a CALC field from its Kintone `format` (numbers by default, as Kintone does). */
export function calcKindOfFormat(format: string | undefined): FieldKind {
  switch (format) {
    case "DATE":
      return "CALC_DATE";
    case "DATETIME":
      return "CALC_DATETIME";
    case "TIME":
    case "HOUR_MINUTE":
    case "DAY_HOUR_MINUTE":
      return "CALC_TEXT";
    default:
      return "CALC";
  }
}

/** The kind of a field from its Kintone settings. */
export function kindOfField(field: FieldProperty | SubtableFieldProperty): FieldKind {
  return field.type === "CALC" ? calcKindOfFormat(field.format) : field.type;
}

/** Whether a text field is filled by Kintone's "calculate automatically" option (and so cannot be written). */
export function isAutoCalculatedText(field: FieldProperty | SubtableFieldProperty): boolean {
  const expression = (field as { expression?: unknown }).expression;
  return field.type === "SINGLE_LINE_TEXT" && typeof expression === "string" && expression !== "";
}

/** Whether a field is a lookup key (SINGLE_LINE_TEXT or NUMBER with lookup settings). */
export function lookupOf(field: FieldProperty | SubtableFieldProperty):
  | {
      relatedApp: { app: string };
      relatedKeyField: string;
      fieldMappings: { field: string; relatedField: string }[];
    }
  | undefined {
  const lookup = (field as { lookup?: unknown }).lookup;
  return typeof lookup === "object" && lookup !== null ? (lookup as never) : undefined;
}

/** Codes filled in by the lookups among `fields` (copy targets are read-only). */
export function lookupTargets(fields: Iterable<FieldProperty | SubtableFieldProperty>): Set<string> {
  const targets = new Set<string>();
  for (const field of fields)
    for (const mapping of lookupOf(field)?.fieldMappings ?? []) targets.add(mapping.field);
  return targets;
}

/**
 * Whether a record write by an ordinary API caller may set the field: not computed, not a lookup copy target, not
 * auto-calculated text, and for FILE only when files can be uploaded (`uploads`). (Admins may also set
 * CREATOR/MODIFIER/CREATED_TIME/UPDATED_TIME on add.)
 */
export function isWritableField(
  field: FieldProperty | SubtableFieldProperty,
  copyTargets: ReadonlySet<string>,
  uploads = false,
): boolean {
  const writable = FIELD_KINDS[field.type].writable;
  return (
    (writable === "yes" || (writable === "with-uploads" && uploads)) &&
    !copyTargets.has(field.code) &&
    !isAutoCalculatedText(field)
  );
}

/** OData `$filter` operators a property can take; the proxy translates each to Kintone's query language. */
export const FILTER_OPERATORS = ["eq", "ne", "gt", "ge", "lt", "le", "in", "contains", "null"] as const;
export type FilterOperator = (typeof FILTER_OPERATORS)[number];

export type Capability = {
  /** OData operators accepted in `$filter` ("null" = `eq null` / `ne null`). */
  filter: readonly FilterOperator[];
  /** Whether the property may appear in `$orderby`. */
  sort: boolean;
};

/** Whether the kind is matched by membership (`in`/`not in`) rather than `=`/`!=` in Kintone. */
export function matchesByMembership(kind: FieldKind, inSubtable: boolean): boolean {
  const query = FIELD_KINDS[kind].query;
  return inSubtable || (query.includes("in") && !query.includes("="));
}

function derive(kind: FieldKind, inSubtable: boolean): Capability {
  const facts: FieldKindFacts = FIELD_KINDS[kind];
  const has = (op: QueryOperator) => facts.query.includes(op);
  // In a table Kintone refuses `=`/`!=` (GAIA_IQ07): the proxy writes eq/ne as in/not in where the type takes in.
  const equality = inSubtable ? has("in") : has("=") || has("in");
  const filter: FilterOperator[] = [];
  if (equality) filter.push("eq");
  if (inSubtable ? has("not in") : has("!=") || has("not in")) filter.push("ne");
  if (has(">")) filter.push("gt", "ge", "lt", "le");
  if (has("in")) filter.push("in");
  if (has("like")) filter.push("contains");
  // Emptiness tests and sorting are not offered on table columns: a table matches when any row does.
  if (facts.emptiness !== undefined && !inSubtable) filter.push("null");
  return { filter, sort: facts.sortable && !inSubtable };
}

const CAPABILITIES = new Map<string, Capability>();

/** What `$filter` and `$orderby` may do with a property of this kind, derived from Kintone's operators. */
export function capabilityOf(kind: FieldKind, inSubtable: boolean): Capability {
  const key = `${kind}/${inSubtable}`;
  let capability = CAPABILITIES.get(key);
  if (capability === undefined) {
    capability = derive(kind, inSubtable);
    CAPABILITIES.set(key, capability);
  }
  return capability;
}
