import type {
  OpenAPIObject,
  OperationObject,
  ParameterObject,
  PathItemObject,
  ReferenceObject,
  ResponseObject,
  ResponsesObject,
  SchemaObject,
} from "openapi3-ts/oas30";
import { ConfigError } from "../errors.js";
import { FIELD_KINDS, type FilterOperator } from "../kintone/field-types.js";
import {
  CUSTOM_ORDER_SKIP_MAX,
  MAX_RECORD_ID,
  PROXY_CALL_BUDGET,
  SKIP_MAX,
  SKIP_TOKEN_MAX,
} from "../kintone/limits.js";
import type { AppMetadata } from "../kintone/types.js";
import { buildAppFields, type PropertyModel } from "./model.js";
import {
  assignNames,
  deriveResourceNames,
  NAME_PATTERN,
  type NameRequest,
  singularAndPlural,
} from "./names.js";
import { OPTIONAL_BUILDERS } from "./operations/index.js";
import {
  fieldExtensions,
  type KintoneOperation,
  OPERATION_GROUP_KINDS,
  operationExtensions,
  refName,
  schemaNames,
  schemaRef,
  X_APP_ID,
} from "./x-kintone.js";

/** The record operations: the default set of `--operations`. */
export const OPERATIONS = ["list", "get", "create", "update", "delete"] as const;
export type Operation = (typeof OPERATIONS)[number];
/** The opt-in groups of `--operations` (design.md §4), each adding operations built in src/generate/operations/. */
export const OPTIONAL_OPERATIONS = ["files", "status", "comments", "upsert", "bulk"] as const;
export type OptionalOperation = (typeof OPTIONAL_OPERATIONS)[number];
/** Every name `--operations` takes, in the order they are written back. */
export const ALL_OPERATIONS = [...OPERATIONS, ...OPTIONAL_OPERATIONS] as const;
export type OperationName = (typeof ALL_OPERATIONS)[number];
// Every name above has its kinds in x-kintone.ts's OPERATION_GROUP_KINDS (the compiler checks both lists agree).
OPERATION_GROUP_KINDS satisfies Record<OperationName, readonly KintoneOperation[]>;

/** Names the config file gives an app. */
export type AppNaming = { name?: string; plural?: string; fields?: Record<string, string> };

/** Names a previous spec gave, so regeneration keeps them (Salesforce refuses renames of active items). */
export type PinnedNames = Map<string, { singular?: string; plural?: string; fields: Map<string, string> }>;

export type BuildOptions = {
  /** The proxy's URL: the spec's single server. */
  proxyUrl: string;
  operations: readonly OperationName[];
  title?: string;
  version?: string;
  description?: string;
  apps?: Readonly<Record<string, AppNaming>>;
  pinned?: PinnedNames;
};

/** A name the tool had to make up (from a Japanese code it could not spell): interactive mode offers to rename it. */
export type InventedName = { appId: string; code: string; label: string; name: string };

export type BuildResult = {
  document: OpenAPIObject;
  warnings: string[];
  invented: InventedName[];
  /** Per app: the resource names chosen. */
  resources: Array<{ appId: string; singular: string; plural: string; appName: string }>;
};

/** Shared component names, never given to an app. */
const SHARED_SCHEMAS = ["Entity", "ErrorResponse", "ErrorBody", "ErrorDetail"];
/** The update input's list of properties to empty (design.md §4, nulls). */
export const CLEAR_FIELDS = "clearFields";

/** Proxy paths an app's collection path may not take. */
const RESERVED_PATHS = ["openapi", "healthz", "readyz", "docs"];

const MAX_DESCRIPTION = 1333;
const TOP_MAX = 500;
const TOP_DEFAULT = 100;

/** Kebab-case path segment from a PascalCase name (`SalesDeals` → `sales-deals`). */
function toPathSegment(pascal: string): string {
  return pascal
    .replace(/([a-z0-9])([A-Z])/g, "$1-$2")
    .replace(/([A-Z])([A-Z][a-z])/g, "$1-$2")
    .toLowerCase();
}

function ref(name: string): ReferenceObject {
  return schemaRef(name);
}

/** Cuts a description to Salesforce's 1,333 characters (longer ones are silently truncated there). */
function fitDescription(text: string): string {
  return text.length <= MAX_DESCRIPTION ? text : `${text.slice(0, MAX_DESCRIPTION - 1)}…`;
}

/** Joins names into a list that fits `budget` characters, ending with "and N more". */
function listWithin(names: readonly string[], budget: number): string {
  let text = "";
  for (let i = 0; i < names.length; i++) {
    const next = text === "" ? (names[i] as string) : `${text}, ${names[i]}`;
    const rest = names.length - i - 1;
    if (next.length + (rest > 0 ? 14 : 0) > budget) return `${text} and ${names.length - i} more`;
    text = next;
  }
  return text;
}

type AppPlan = {
  meta: AppMetadata;
  singular: string;
  plural: string;
  properties: PropertyModel[];
  rowSchemaNames: Map<string, string>;
};

/**
 * What the builder of an opt-in operation group (src/generate/operations/) is given for one app: its names and
 * properties, and the shared pieces every operation is made of, so that each group's module imports no values from
 * this one.
 */
export type AppBuild = {
  document: OpenAPIObject;
  meta: AppMetadata;
  appId: string;
  singular: string;
  plural: string;
  properties: readonly PropertyModel[];
  /** `Kintone app 12 "Customers"`, for descriptions. */
  about: string;
  /** The app's collection path (`/customers`) and item path (`/customers/{id}`). */
  collection: string;
  item: string;
  wants: ReadonlySet<OperationName>;
  /** Adds a component schema, refusing a name another schema has (ignoring case). */
  put(name: string, schema: SchemaObject): void;
  /** Adds an operation at `path`, with the app's tag and the x-kintone extensions. */
  addOperation(
    path: string,
    method: "get" | "post" | "put" | "patch" | "delete",
    kind: KintoneOperation,
    operation: OperationObject,
    extensions?: { updateKey?: string },
  ): void;
  /** The success response and the one `default` error response, describing `statuses`. */
  responses(statuses: readonly ErrorStatus[], success: string, ok: ResponseObject): ResponsesObject;
  jsonBody(schemaName: string, description: string): OperationObject["requestBody"];
  ref(name: string): ReferenceObject;
  idParameter(): ParameterObject;
  revisionParameter(): ParameterObject;
  describe(text: string): string;
  /** The name of the create or update input schema, made here when the default operations did not make it. */
  input(kind: "create" | "update"): string;
  /**
   * An input like the update input (null = not given, clearFields to empty) in which the `keys` (top-level
   * properties) are required and never null: what an upsert matches records by.
   */
  keyedInput(description: string, keys: readonly PropertyModel[]): SchemaObject;
  /** Reports why the app gets no operation of a group it was asked for (a warning of generate). */
  warn(text: string): void;
};

/** Picks resource names for every app, unique ignoring case, honouring the config and the previous spec. */
function planResources(apps: readonly AppMetadata[], options: BuildOptions, warnings: string[]) {
  const requests: NameRequest[] = apps.map((meta) => {
    const id = meta.app.appId;
    const request: NameRequest = { key: id.padStart(12, "0"), base: deriveResourceNames(meta.app).singular };
    const configured = options.apps?.[id]?.name;
    if (configured !== undefined) {
      if (!NAME_PATTERN.test(configured)) {
        throw new ConfigError(
          `the config names app ${id} "${configured}" (/apps/${id}/name), which is not an ASCII identifier: use letters and digits, starting with a letter.`,
        );
      }
      request.override = configured[0]?.toUpperCase() + configured.slice(1);
    }
    const pinned = options.pinned?.get(id)?.singular;
    if (pinned !== undefined) request.pinned = pinned;
    return request;
  });
  const reserved = [...SHARED_SCHEMAS, ...RESERVED_PATHS.map((p) => p[0]?.toUpperCase() + p.slice(1))];
  const { names, collisions } = assignNames(requests, reserved);
  for (const collision of collisions) {
    warnings.push(
      `app ${Number(collision.key)} would be named "${collision.base}", which ${collision.takenBy === "(reserved)" ? "is reserved" : `app ${Number(collision.takenBy)} already has`}; it is named "${collision.name}" (name it in the config file to choose).`,
    );
  }
  return apps.map((meta) => {
    const id = meta.app.appId;
    const singular = names.get(id.padStart(12, "0")) as string;
    const plural =
      options.apps?.[id]?.plural ?? options.pinned?.get(id)?.plural ?? singularAndPlural(singular).plural;
    return { meta, singular, plural };
  });
}

/** Builds the description of `$filter` from what each property allows. */
function describeFilter(properties: readonly PropertyModel[], singular: string): string {
  const groups = new Map<string, string[]>();
  const add = (name: string, ops: readonly FilterOperator[]) => {
    if (ops.length === 0) return;
    const key = ops
      .map((op) => (op === "null" ? "eq null/ne null" : op === "contains" ? "contains()" : op))
      .join(" ");
    groups.set(key, [...(groups.get(key) ?? []), name]);
  };
  for (const property of properties) {
    add(property.name, property.capability.filter);
    // Columns of a table are filtered as table/column and match when any row does.
    for (const row of property.rows ?? []) add(`${property.name}/${row.name}`, row.capability.filter);
  }
  // An example built from this app's own properties: a number or a date, where it has one.
  const sample = properties.find(
    (p) =>
      p.name !== "id" &&
      p.capability.filter.includes("gt") &&
      (p.schema.type === "number" || p.schema.format === "date" || p.schema.format === "date-time"),
  );
  const example =
    sample === undefined
      ? "id gt 100"
      : `id gt 100 and ${sample.name} ${sample.schema.type === "number" ? "ge 10" : "le 2024-01-31"}`;
  const intro =
    `Filters ${singular} records, OData style: e.g. ${example}. ` +
    "Combine with and, or, not and parentheses. Strings in single quotes ('' for a quote); numbers bare; dates 2024-01-31; " +
    "date-times 2024-01-31T09:00:00Z; times '09:30'; lists as in ('a','b'). contains(property,'word') is Kintone's word search: it matches whole words, not parts of words. " +
    "eq null / ne null test for an empty value. Choice, user and table properties take eq, ne and in (matching any of the values); a table column is written table/column and matches when any row does. " +
    "not may not be put before gt, ge, lt, le or a table column (it would also match empty values, which Kintone cannot select). " +
    "Operators per property: ";
  const entries = [...groups.entries()];
  // Share what Salesforce keeps (1,333 characters) among the groups: short groups first, so that what they leave
  // goes to the long ones.
  let remaining = MAX_DESCRIPTION - intro.length - 110;
  const order = entries
    .map((_, i) => i)
    .sort((a, b) => (entries[a]?.[1].join(", ").length ?? 0) - (entries[b]?.[1].join(", ").length ?? 0));
  const parts: string[] = new Array(entries.length);
  order.forEach((index, position) => {
    const [ops, names] = entries[index] as [string, string[]];
    const share = Math.floor(remaining / (entries.length - position)) - ops.length - 4;
    const part = `${ops}: ${listWithin(names, Math.max(40, share))}`;
    parts[index] = part;
    remaining -= part.length + 2;
  });
  const text = `${intro}${parts.join("; ")}. Not supported (400): startswith, endswith, other functions, arithmetic, lambdas, comparing two properties.`;
  return fitDescription(text);
}

function describeOrderBy(properties: readonly PropertyModel[]): string {
  const sortable = properties.filter((p) => p.capability.sort).map((p) => p.name);
  const intro =
    "Sort order: comma-separated property names, each optionally followed by asc or desc, e.g. id desc. Default: id desc. Sortable: ";
  return fitDescription(`${intro}${listWithin(sortable, MAX_DESCRIPTION - intro.length - 1)}.`);
}

function queryParameter(name: string, schema: SchemaObject, description: string): ParameterObject {
  return { name, in: "query", required: false, description, schema };
}

function listParameters(properties: readonly PropertyModel[], singular: string): ParameterObject[] {
  return [
    queryParameter("$filter", { type: "string" }, describeFilter(properties, singular)),
    queryParameter("$orderby", { type: "string" }, describeOrderBy(properties)),
    selectParameter(),
    queryParameter(
      "$top",
      { type: "integer", format: "int32", minimum: 1, maximum: TOP_MAX, default: TOP_DEFAULT },
      `Largest number of records in one page, 1 to ${TOP_MAX} (default ${TOP_DEFAULT}).`,
    ),
    queryParameter(
      "$skip",
      { type: "integer", format: "int32", minimum: 0, maximum: SKIP_MAX, default: 0 },
      `Number of matching records to skip before the page starts (default 0); past the last record the page is empty. One request makes at most ${PROXY_CALL_BUDGET} Kintone calls: in id order any $skip is reached, in another $orderby a $skip beyond ${CUSTOM_ORDER_SKIP_MAX.toLocaleString("en-US")} is refused (400 SkipTooDeep). To walk through many records, follow skipToken instead.`,
    ),
    queryParameter(
      "$count",
      { type: "boolean", default: false },
      "When true, the answer's count holds the number of records that match $filter.",
    ),
    queryParameter(
      "$skiptoken",
      { type: "string", minLength: 1, maxLength: SKIP_TOKEN_MAX, pattern: "^[A-Za-z0-9_-]+$" },
      "Continues a listing where a previous page stopped: pass the skipToken of that page, with the same $filter, $orderby and $select.",
    ),
  ];
}

function selectParameter(): ParameterObject {
  return queryParameter(
    "$select",
    { type: "string", minLength: 1 },
    "Comma-separated property names to return, e.g. id,name. Default: all properties. id and revision are always returned.",
  );
}

function idParameter(singular: string): ParameterObject {
  return {
    name: "id",
    in: "path",
    required: true,
    description: `Record ID of the ${singular} (Kintone's $id).`,
    schema: { type: "integer", format: "int64", minimum: 1, maximum: MAX_RECORD_ID },
  };
}

function revisionParameter(): ParameterObject {
  return queryParameter(
    "revision",
    { type: "integer", format: "int64", minimum: 1, maximum: MAX_RECORD_ID },
    "Expected revision of the record. When given and the record changed since, the call fails with 409 instead of overwriting.",
  );
}

/** What each error status the proxy can answer means, for the description of the `default` response. */
const ERROR_TEXT = {
  "400": "the request is invalid (error.details names each problem)",
  "401": "no valid API key was presented to the proxy",
  "404": "no record with this ID",
  "409": "the record changed since the given revision",
  "410": "ListingExpired: the listing cannot be continued, start it again without $skiptoken",
  "413": "the body is too large",
  "415": "the body is not sent as application/json",
  "429": "Kintone is throttling: retry after error.retryAfterSeconds",
  "500": "the proxy failed unexpectedly",
  "502":
    "Kintone refused the proxy's credentials, could not be reached or answered an error the proxy could not map (WriteOutcomeUnknown: a write may have been applied, read before writing again)",
  "503": "the proxy or Kintone is busy or in maintenance: retry after error.retryAfterSeconds",
  "504": "Kintone did not answer in time",
} as const;
export type ErrorStatus = keyof typeof ERROR_TEXT;

/** The statuses each operation can answer besides its success (src/proxy: handlers, body reader, Kintone errors). */
const ERROR_STATUSES: Record<Operation, readonly ErrorStatus[]> = {
  list: ["400", "401", "410", "429", "500", "502", "503", "504"],
  get: ["400", "401", "404", "429", "500", "502", "503", "504"],
  create: ["400", "401", "413", "415", "429", "500", "502", "503", "504"],
  update: ["400", "401", "404", "409", "413", "415", "429", "500", "502", "503", "504"],
  delete: ["400", "401", "404", "409", "429", "500", "502", "503", "504"],
};

/**
 * The success response and one `default` response for every error (design.md §4). Salesforce turns `default` into a
 * single output named `default`, so a Flow reads any error at default.error.message and tells them apart by the
 * action's responseCode output; explicit error codes would each be one more output of the same shape (docs/salesforce.md).
 */
function responses(
  kind: Operation | readonly ErrorStatus[],
  success: string,
  ok: ResponseObject,
): ResponsesObject {
  const codes = typeof kind === "string" ? ERROR_STATUSES[kind] : kind;
  const statuses = codes.map((code) => `${code} ${ERROR_TEXT[code]}`).join("; ");
  return {
    [success]: ok,
    default: {
      description: fitDescription(
        `An error, as ErrorResponse (in Flow the output default, with responseCode saying which status): ${statuses}.`,
      ),
      content: { "application/json": { schema: ref("ErrorResponse") } },
    },
  };
}

function jsonBody(schemaName: string, description: string) {
  return { required: true, description, content: { "application/json": { schema: ref(schemaName) } } };
}

/**
 * Constraints that records already stored can break (an option removed or renamed, a length or range tightened after
 * the value was saved): written into input schemas only, so that answers validate for old data too.
 */
const INPUT_ONLY = ["enum", "minLength", "maxLength", "minimum", "maximum"] as const;

/** A file of a FILE property, as answered (src/proxy/convert.ts gives all four). */
const FILE_ANSWER: SchemaObject = {
  type: "object",
  description: "An attached file.",
  required: ["fileKey", "name", "contentType", "size"],
  properties: {
    fileKey: { type: "string", description: "Kintone file key: send it back in an update to keep the file." },
    name: { type: "string", description: "File name." },
    contentType: { type: "string", description: "MIME type." },
    size: { type: "integer", format: "int64", description: "Size in bytes." },
  },
};

/** A file of a FILE property, as written: the key of a file uploaded to Kintone, or of one read back to keep it. */
const FILE_INPUT: SchemaObject = {
  type: "object",
  description:
    "A file to attach: the fileKey of a file uploaded to Kintone, or of an attached file read back.",
  required: ["fileKey"],
  properties: { fileKey: { type: "string", minLength: 1, description: "Kintone file key." } },
};

/**
 * How a property is written in one input schema:
 * - `optional`: may be left out or sent as null (not given);
 * - `required`: must be given with a value (the create input's required properties, a table row's required columns).
 * `nonEmpty` marks a field Kintone requires: an empty value ("" or []) is refused wherever it is written.
 */
type WriteRole = { required: boolean; nonEmpty: boolean };

/** The choice options of a property schema (its enum, or its items' enum), in display order. */
function optionsOf(schema: SchemaObject): string[] | undefined {
  const items = schema.items as SchemaObject | undefined;
  const options = schema.enum ?? items?.enum;
  return Array.isArray(options) ? options.map(String) : undefined;
}

/**
 * The description of one property: label, Kintone code and type, constraints, and (in the record schema only,
 * where $filter and $orderby apply) what it can be filtered and sorted by, and the current choice options (which the
 * record schema does not constrain: a stored record may hold an option removed since).
 */
function describeProperty(property: PropertyModel, mode: "read" | "write"): string {
  const facts = [...property.notes];
  const origin = property.code.startsWith("$")
    ? `Kintone ${property.code}`
    : `Kintone field ${property.code} (${property.type})`;
  if (mode === "read") {
    if (!property.writable && !property.code.startsWith("$")) facts.push("read-only");
    const ops = property.capability.filter.map((op) => (op === "null" ? "eq null" : op));
    if (ops.length > 0) facts.push(`filter: ${ops.join(" ")}`);
    if (property.capability.sort) facts.push("sortable");
    const options = optionsOf(property.schema);
    if (options !== undefined && options.length > 0) {
      const head = `${property.label}. ${origin}; ${facts.join("; ")}; options: `;
      const quoted = options.map((option) => JSON.stringify(option));
      facts.push(`options: ${listWithin(quoted, Math.max(40, MAX_DESCRIPTION - head.length - 2))}`);
    }
  }
  return fitDescription(`${property.label}. ${origin}${facts.length > 0 ? `; ${facts.join("; ")}` : ""}.`);
}

/** A copy of `schema` (and of its items) without the constraints that belong to inputs only. */
function withoutInputConstraints(schema: SchemaObject): SchemaObject {
  const copy: SchemaObject = { ...schema };
  for (const keyword of INPUT_ONLY) delete copy[keyword];
  const items = copy.items;
  if (items !== undefined && !("$ref" in items)) copy.items = withoutInputConstraints(items);
  return copy;
}

/** The schema of a property in the record (answer) shape: nullable where the proxy answers null, no input constraints. */
function readPropertySchema(property: PropertyModel, rowSchema: string | undefined): SchemaObject {
  const schema: SchemaObject =
    rowSchema !== undefined
      ? { type: "array", items: ref(rowSchema) }
      : FIELD_KINDS[property.kind].value === "files"
        ? { type: "array", items: FILE_ANSWER }
        : withoutInputConstraints(property.schema);
  schema.description = describeProperty(property, "read");
  // Nullable exactly where the proxy answers null for an empty value (src/kintone/field-types.ts).
  if (FIELD_KINDS[property.kind].nullWhenEmpty) schema.nullable = true;
  if (!property.writable) schema.readOnly = true;
  Object.assign(schema, fieldExtensions(property.code, property.type));
  return schema;
}

/**
 * The schema of a property in an input: the constraints Kintone checks, a non-empty value where Kintone requires one,
 * and `nullable` where null is taken as "not given" (not on required properties, and not beside an enum, which would
 * have to list null as an option).
 */
function inputPropertySchema(
  property: PropertyModel,
  rowSchema: string | undefined,
  role: WriteRole,
): SchemaObject {
  const schema: SchemaObject =
    rowSchema !== undefined
      ? { type: "array", items: ref(rowSchema) }
      : FIELD_KINDS[property.kind].value === "files"
        ? { type: "array", items: FILE_INPUT }
        : { ...property.schema };
  if (role.nonEmpty) {
    // Dates, date-times and times already exclude "" by their format or pattern.
    if (
      schema.type === "string" &&
      schema.enum === undefined &&
      schema.format === undefined &&
      !schema.pattern
    )
      schema.minLength = Math.max(1, schema.minLength ?? 0);
    if (schema.type === "array") schema.minItems = 1;
  }
  schema.description = describeProperty(property, "write");
  if (!role.required && schema.enum === undefined) schema.nullable = true;
  Object.assign(schema, fieldExtensions(property.code, property.type));
  return schema;
}

/**
 * Input property schemas are mostly identical in the create and update inputs, so both share one object per role:
 * the serialised spec is the same, and a spec of hundreds of apps needs a third less memory to build.
 */
const inputSchemas = new WeakMap<PropertyModel, Map<string, SchemaObject>>();

function sharedInputSchema(
  property: PropertyModel,
  rowSchema: string | undefined,
  role: WriteRole,
): SchemaObject {
  const key = `${role.required}/${role.nonEmpty}`;
  let byRole = inputSchemas.get(property);
  if (byRole === undefined) {
    byRole = new Map();
    inputSchemas.set(property, byRole);
  }
  let schema = byRole.get(key);
  if (schema === undefined) {
    schema = inputPropertySchema(property, rowSchema, role);
    byRole.set(key, schema);
  }
  return schema;
}

/**
 * An object schema of an app: the record or a table row as answered (`read`), or an input: `create` (required = what
 * Kintone requires and cannot fill), `update` (nothing required), `row` (a table row to write: required = the
 * columns Kintone requires in every row). `requires(property)` says whether Kintone requires a value of the field.
 */
function objectSchema(
  appId: string,
  description: string,
  properties: readonly PropertyModel[],
  mode: "read" | "create" | "update" | "row",
  rowSchemaOf: (property: PropertyModel) => string | undefined,
  requires: (property: PropertyModel) => boolean = () => false,
): SchemaObject {
  const included = mode === "read" ? properties : properties.filter((p) => p.writable);
  const schema: SchemaObject = { type: "object", description, properties: {} };
  const required: string[] = [];
  for (const property of included) {
    let propertySchema: SchemaObject;
    if (mode === "read") propertySchema = readPropertySchema(property, rowSchemaOf(property));
    else {
      const nonEmpty = requires(property);
      const isRequired = (mode === "create" && property.requiredOnCreate) || (mode === "row" && nonEmpty);
      propertySchema = sharedInputSchema(property, rowSchemaOf(property), { required: isRequired, nonEmpty });
      if (isRequired) required.push(property.name);
    }
    (schema.properties as Record<string, SchemaObject>)[property.name] = propertySchema;
  }
  if (mode === "read" && properties.some((p) => p.code === "$id")) required.push("id", "revision");
  if (required.length > 0) schema.required = required;
  schema[X_APP_ID] = appId;
  return schema;
}

/**
 * Whether Kintone requires a value of each field (its `required` flag; not enforced on RADIO_BUTTON, which always
 * holds an option, nor on computed fields, which are never written): `code` → required, per table (`""` = the record).
 */
function kintoneRequired(meta: AppMetadata): (table: string) => (property: PropertyModel) => boolean {
  const flag = (field: unknown) =>
    (field as { required?: unknown }).required === true &&
    (field as { type?: unknown }).type !== "RADIO_BUTTON";
  return (table) => (property) => {
    const top = meta.fields.properties;
    const field =
      table === ""
        ? top[property.code]
        : (top[table] as { fields?: Record<string, unknown> } | undefined)?.fields?.[property.code];
    return field !== undefined && flag(field);
  };
}

/** "a Customer", "an Inquiry". */
function aOrAn(word: string): string {
  return `${/^[AEIOU]/i.test(word) ? "an" : "a"} ${word}`;
}

function appDescription(meta: AppMetadata): string {
  const space = meta.guestSpaceId !== undefined ? ` in guest space ${meta.guestSpaceId}` : "";
  return `Kintone app ${meta.app.appId} "${meta.app.name}"${space}`;
}

/** Builds the schemas and operations of one app into `document`. */
function addApp(
  document: OpenAPIObject,
  plan: AppPlan,
  options: BuildOptions,
  taken: Set<string>,
  warnings: string[],
): void {
  const { meta, singular, plural, properties } = plan;
  const appId = meta.app.appId;
  const schemas = document.components?.schemas as Record<string, SchemaObject>;
  const about = appDescription(meta);
  const rowOf = (input: boolean) => (property: PropertyModel) => {
    const row = plan.rowSchemaNames.get(property.code);
    return row === undefined ? undefined : input ? schemaNames.rowInput(row) : row;
  };
  const requires = kintoneRequired(meta);
  const put = (name: string, schema: SchemaObject) => {
    if (taken.has(name.toLowerCase())) {
      throw new ConfigError(
        `two schemas would be named "${name}" (app ${appId}): name the app in the config file (/apps/${appId}/name).`,
      );
    }
    taken.add(name.toLowerCase());
    schemas[name] = schema;
  };

  put(
    schemaNames.record(singular),
    objectSchema(appId, `A record of ${about}.`, properties, "read", rowOf(false)),
  );
  const wants = new Set(options.operations);
  const createInput = () =>
    objectSchema(
      appId,
      `A new record of ${about}. A property left out or sent as null gets Kintone's default. Properties not listed here are refused (400).`,
      properties,
      "create",
      rowOf(true),
      requires(""),
    );
  const updateInput = (description: string, keys: readonly PropertyModel[] = []) => {
    const update = objectSchema(appId, description, properties, "update", rowOf(true), requires(""));
    // A field Kintone requires cannot be emptied (Kintone refuses the update): it is not offered.
    const clearable = properties
      .filter((p) => p.writable && !p.requiredOnCreate && !requires("")(p) && !keys.includes(p))
      .map((p) => p.name);
    if (clearable.length > 0) {
      (update.properties as Record<string, SchemaObject>)[CLEAR_FIELDS] = {
        type: "array",
        nullable: true,
        description:
          "Properties to empty (Kintone's empty value: no text, no number, no date, no selection, no rows). Nothing else clears a property: null in this body means not given. Fields Kintone requires cannot be emptied; a property named here may not also be given a value (400).",
        items: { type: "string", enum: clearable },
      };
    }
    // The keys an upsert matches by: required, never null, never empty.
    for (const key of keys) {
      (update.properties as Record<string, SchemaObject>)[key.name] = sharedInputSchema(key, undefined, {
        required: true,
        nonEmpty: true,
      });
    }
    if (keys.length > 0) update.required = keys.map((key) => key.name);
    return update;
  };
  const UPDATE_TEXT = `Changes to a record of ${about}: only the properties given are changed; a property sent as null is left as it is. To empty a property, name it in clearFields. Properties not listed here are refused (400).`;
  if (wants.has("create")) put(schemaNames.create(singular), createInput());
  if (wants.has("update")) put(schemaNames.update(singular), updateInput(UPDATE_TEXT));
  if (wants.has("list")) {
    put(schemaNames.page(singular), {
      type: "object",
      description: `A page of ${plural} records.`,
      required: ["value"],
      properties: {
        value: { type: "array", description: "The records of this page.", items: ref(singular) },
        count: {
          type: "integer",
          format: "int64",
          description: "Number of records matching $filter; present only when $count=true.",
        },
        nextLink: { type: "string", description: "URL of the next page; absent on the last page." },
        skipToken: {
          type: "string",
          description: "Pass as $skiptoken to get the next page; absent on the last page.",
        },
      },
      [X_APP_ID]: appId,
    });
  }
  for (const property of properties) {
    const row = plan.rowSchemaNames.get(property.code);
    if (row === undefined || property.rows === undefined) continue;
    const rowRead = objectSchema(
      appId,
      `A row of table ${property.code} (${property.label}).`,
      property.rows,
      "read",
      () => undefined,
    );
    rowRead.properties = {
      id: { type: "integer", format: "int64", readOnly: true, description: "Row ID, assigned by Kintone." },
      ...(rowRead.properties as Record<string, SchemaObject>),
    };
    put(row, rowRead);
    if (["create", "update", "upsert", "bulk"].some((kind) => wants.has(kind as OperationName))) {
      const rowInput = objectSchema(
        appId,
        `A row of table ${property.code} to write. Give the id of an existing row to change it; rows left out are deleted; rows without id are added. Properties not listed here are refused (400).`,
        property.rows,
        "row",
        () => undefined,
        requires(property.code),
      );
      rowInput.properties = {
        id: {
          type: "integer",
          format: "int64",
          nullable: true,
          description: "Row ID of an existing row to change; leave out (or null) for a new row.",
        },
        ...(rowInput.properties as Record<string, SchemaObject>),
      };
      put(schemaNames.rowInput(row), rowInput);
    }
  }

  const tag = plural;
  const collection = `/${toPathSegment(plural)}`;
  const item = `${collection}/{id}`;
  const collectionItem: PathItemObject = {};
  const itemItem: PathItemObject = {};
  const op = (kind: Operation, object: OperationObject): OperationObject => ({
    ...object,
    tags: [tag],
    ...operationExtensions({
      appId,
      operation: kind,
      ...(meta.guestSpaceId !== undefined ? { guestSpaceId: meta.guestSpaceId } : {}),
    }),
  });
  if (wants.has("list")) {
    collectionItem.get = op("list", {
      operationId: `list${plural}`,
      summary: `List ${plural}`,
      description: `Lists records of ${about}, a page at a time, with OData-style $filter, $orderby, $select, $top, $skip and $count.`,
      parameters: listParameters(properties, singular),
      responses: responses("list", "200", {
        description: "A page of records.",
        content: { "application/json": { schema: ref(schemaNames.page(singular)) } },
      }),
    });
  }
  if (wants.has("create")) {
    collectionItem.post = op("create", {
      operationId: `create${singular}`,
      summary: `Create ${aOrAn(singular)}`,
      description: `Adds a record to ${about} and returns it as stored (with its id, revision and computed values).`,
      requestBody: jsonBody(
        schemaNames.create(singular),
        `The new ${singular}. Required properties follow the app's required fields.`,
      ),
      responses: responses("create", "201", {
        description: "The record as stored.",
        content: { "application/json": { schema: ref(singular) } },
      }),
    });
  }
  if (wants.has("get")) {
    itemItem.get = op("get", {
      operationId: `get${singular}`,
      summary: `Get ${aOrAn(singular)}`,
      description: `Reads one record of ${about} by its record ID.`,
      parameters: [idParameter(singular), selectParameter()],
      responses: responses("get", "200", {
        description: "The record.",
        content: { "application/json": { schema: ref(singular) } },
      }),
    });
  }
  if (wants.has("update")) {
    itemItem.patch = op("update", {
      operationId: `update${singular}`,
      summary: `Update ${aOrAn(singular)}`,
      description: `Changes the given properties of one record of ${about} and returns the record as stored. Properties left out or sent as null keep their values; list the ones to empty in clearFields.`,
      parameters: [idParameter(singular), revisionParameter()],
      requestBody: jsonBody(
        schemaNames.update(singular),
        `The properties to change. Properties left out keep their values. A table property, when given, replaces all of the table's rows (Kintone's rule): send every row to keep, with its id.`,
      ),
      responses: responses("update", "200", {
        description: "The record as stored.",
        content: { "application/json": { schema: ref(singular) } },
      }),
    });
  }
  if (wants.has("delete")) {
    itemItem.delete = op("delete", {
      operationId: `delete${singular}`,
      summary: `Delete ${aOrAn(singular)}`,
      description: `Deletes one record of ${about}.`,
      parameters: [idParameter(singular), revisionParameter()],
      responses: responses("delete", "204", { description: "The record was deleted." }),
    });
  }
  if (Object.keys(collectionItem).length > 0) document.paths[collection] = collectionItem;
  if (Object.keys(itemItem).length > 0) document.paths[item] = itemItem;
  const build: AppBuild = {
    document,
    meta,
    appId,
    singular,
    plural,
    properties,
    about,
    collection,
    item,
    wants,
    put,
    addOperation(path, method, kind, operation, extensions) {
      const pathItem: PathItemObject = document.paths[path] ?? {};
      if (pathItem[method] !== undefined)
        throw new Error(`two operations at ${method.toUpperCase()} ${path}`);
      pathItem[method] = {
        ...operation,
        tags: [tag],
        ...operationExtensions({
          appId,
          operation: kind,
          ...(meta.guestSpaceId !== undefined ? { guestSpaceId: meta.guestSpaceId } : {}),
          ...(extensions?.updateKey !== undefined ? { updateKey: extensions.updateKey } : {}),
        }),
      };
      document.paths[path] = pathItem;
    },
    responses,
    jsonBody,
    ref,
    idParameter: () => idParameter(singular),
    revisionParameter,
    describe: fitDescription,
    input(kind) {
      const name = kind === "create" ? schemaNames.create(singular) : schemaNames.update(singular);
      if (schemas[name] === undefined)
        put(name, kind === "create" ? createInput() : updateInput(UPDATE_TEXT));
      return name;
    },
    keyedInput: (description, keys) => updateInput(description, keys),
    warn: (text) => warnings.push(`app ${appId} "${meta.app.name}": ${text}`),
  };
  for (const group of OPTIONAL_OPERATIONS) if (wants.has(group)) OPTIONAL_BUILDERS[group]?.(build);
  document.tags = [...(document.tags ?? []), { name: tag, description: `Records of ${about}.` }];
}

/** Names of the component schemas that `root` refers to, directly or through other schemas. */
function referencedSchemas(root: unknown, schemas: Readonly<Record<string, SchemaObject>>): Set<string> {
  const found = new Set<string>();
  const pending: unknown[] = [root];
  while (pending.length > 0) {
    const node = pending.pop();
    if (Array.isArray(node)) pending.push(...node);
    else if (typeof node === "object" && node !== null) {
      for (const [key, value] of Object.entries(node)) {
        const name = key === "$ref" ? refName(node) : undefined;
        if (name !== undefined) {
          if (!found.has(name)) {
            found.add(name);
            pending.push(schemas[name]);
          }
        } else if (typeof value === "object") pending.push(value);
      }
    }
  }
  return found;
}

/**
 * Builds the OpenAPI 3.0 document for the given apps (design.md §4). Pure: no I/O; the same input gives the
 * same document, key for key. `base` is the template of templates/base-spec.json.
 */
export function buildDocument(
  apps: readonly AppMetadata[],
  options: BuildOptions,
  base: OpenAPIObject,
): BuildResult {
  if (options.operations.length === 0)
    throw new ConfigError("no operations selected: give at least one of list, get, create, update, delete.");
  if (
    options.operations.includes("files") &&
    !options.operations.some((o) => o === "create" || o === "update")
  )
    throw new ConfigError(
      "--operations files needs create or update as well (an uploaded file is attached to a record by them): add update to --operations.",
    );
  const warnings: string[] = [];
  const invented: InventedName[] = [];
  const sorted = [...apps].sort((a, b) => Number(a.app.appId) - Number(b.app.appId));
  const resources = planResources(sorted, options, warnings);
  const document: OpenAPIObject = structuredClone(base);
  document.info = {
    ...document.info,
    ...(options.title !== undefined ? { title: options.title } : {}),
    ...(options.version !== undefined ? { version: options.version } : {}),
    ...(options.description !== undefined ? { description: options.description } : {}),
  };
  document.servers = [
    { url: options.proxyUrl, description: "The kintone-openapi proxy (kintone-openapi serve)." },
  ];
  document.paths = {};
  document.components = { ...document.components, schemas: { ...document.components?.schemas } };
  const plans: AppPlan[] = [];
  for (const { meta, singular, plural } of resources) {
    const appId = meta.app.appId;
    const { properties, warnings: fieldWarnings } = buildAppFields(meta, {
      ...(options.apps?.[appId]?.fields !== undefined ? { overrides: options.apps[appId].fields } : {}),
      ...(options.pinned?.get(appId) !== undefined ? { pinned: options.pinned.get(appId)?.fields } : {}),
      ...(options.operations.includes("files") ? { uploads: true } : {}),
    });
    warnings.push(...fieldWarnings);
    if (!properties.some((p) => p.writable)) {
      throw new ConfigError(
        `app ${appId} "${meta.app.name}" has no fields that can be written (only system or calculated fields): add fields in Kintone, or leave the app out of --app.`,
      );
    }
    const rowSchemaNames = new Map<string, string>();
    for (const property of properties) {
      if (property.rows !== undefined)
        rowSchemaNames.set(property.code, schemaNames.row(singular, property.name));
      for (const p of [property, ...(property.rows ?? [])]) {
        if (p.nameSource === "invented") invented.push({ appId, code: p.code, label: p.label, name: p.name });
      }
    }
    plans.push({ meta, singular, plural, properties, rowSchemaNames });
  }
  const taken = new Set(Object.keys(document.components.schemas ?? {}).map((name) => name.toLowerCase()));
  for (const plan of plans) addApp(document, plan, options, taken, warnings);
  // Only the schemas some operation uses (Entity only where an app has user fields), sorted to keep the file stable.
  const schemas = document.components.schemas as Record<string, SchemaObject>;
  const used = referencedSchemas(document.paths, schemas);
  document.components.schemas = Object.fromEntries(
    Object.keys(schemas)
      .filter((key) => used.has(key))
      .sort()
      .map((key) => [key, schemas[key] as SchemaObject]),
  );
  return {
    document,
    warnings,
    invented,
    resources: plans.map((p) => ({
      appId: p.meta.app.appId,
      singular: p.singular,
      plural: p.plural,
      appName: p.meta.app.name,
    })),
  };
}
