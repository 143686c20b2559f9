import type {
  OpenAPIObject,
  OperationObject,
  ParameterObject,
  PathItemObject,
  ReferenceObject,
  ResponsesObject,
  SchemaObject,
} from "openapi3-ts/oas30";
import { ConfigError } from "../errors.js";
import type { FilterOperator } from "../kintone/field-types.js";
import { CUSTOM_ORDER_SKIP_MAX, MAX_RECORD_ID, PROXY_CALL_BUDGET } from "../kintone/limits.js";
import type { AppMetadata } from "../kintone/types.js";
import { buildAppFields, type PropertyModel } from "./model.js";
import {
  assignNames,
  deriveResourceNames,
  NAME_PATTERN,
  type NameRequest,
  singularAndPlural,
} from "./names.js";
import { fieldExtensions, operationExtensions, schemaNames, schemaRef, X_APP_ID } from "./x-kintone.js";

export const OPERATIONS = ["list", "get", "create", "update", "delete"] as const;
export type Operation = (typeof OPERATIONS)[number];

/** Names the config file gives an app. */
export type AppNaming = { name?: string; plural?: string; fields?: Record<string, string> };

/** Names a previous spec gave, so regeneration keeps them (Salesforce refuses renames of active items). */
export type PinnedNames = Map<string, { singular?: string; plural?: string; fields: Map<string, string> }>;

export type BuildOptions = {
  /** The proxy's URL: the spec's single server. */
  proxyUrl: string;
  operations: readonly Operation[];
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
const SHARED_SCHEMAS = ["Entity", "FileRef", "ErrorResponse", "ErrorBody", "ErrorDetail"];
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
      { type: "integer", format: "int32", minimum: 0, default: 0 },
      `Number of matching records to skip before the page starts (default 0); past the last record the page is empty. One request makes at most ${PROXY_CALL_BUDGET} Kintone calls: in id order any $skip is reached, in another $orderby a $skip beyond ${CUSTOM_ORDER_SKIP_MAX.toLocaleString("en-US")} is refused (400 SkipTooDeep). To walk through many records, follow skipToken instead.`,
    ),
    queryParameter(
      "$count",
      { type: "boolean", default: false },
      "When true, the answer's count holds the number of records that match $filter.",
    ),
    queryParameter(
      "$skiptoken",
      { type: "string" },
      "Continues a listing where a previous page stopped: pass the skipToken of that page, with the same $filter, $orderby and $select.",
    ),
  ];
}

function selectParameter(): ParameterObject {
  return queryParameter(
    "$select",
    { type: "string" },
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

const ERROR_TEXT: Record<string, string> = {
  "400":
    "The request is invalid: a parameter, a filter or a property value. error.details names each problem.",
  "401": "No valid API key was presented to the proxy.",
  "404": "No record with this ID.",
  "409": "The record changed since the given revision.",
  "413": "The request body is too large.",
  "429": "Kintone is busy (too many concurrent requests); retry later.",
  "502": "Kintone refused the proxy's credentials or answered with an error the proxy could not map.",
  "504": "Kintone did not answer in time.",
};

function errorResponses(codes: readonly string[]): ResponsesObject {
  const responses: ResponsesObject = {};
  for (const code of codes) {
    responses[code] = {
      description: ERROR_TEXT[code] as string,
      content: { "application/json": { schema: ref("ErrorResponse") } },
    };
  }
  return responses;
}

function jsonBody(schemaName: string, description: string) {
  return { required: true, description, content: { "application/json": { schema: ref(schemaName) } } };
}

/**
 * The description of one property: label, Kintone code and type, constraints, and (in the record schema only,
 * where $filter and $orderby apply) what it can be filtered and sorted by.
 */
function describeProperty(property: PropertyModel, mode: "read" | "write"): string {
  const facts = [...property.notes];
  if (mode === "read") {
    if (!property.writable && !property.code.startsWith("$")) facts.push("read-only");
    const ops = property.capability.filter.map((op) => (op === "null" ? "eq null" : op));
    if (ops.length > 0) facts.push(`filter: ${ops.join(" ")}`);
    if (property.capability.sort) facts.push("sortable");
  }
  const origin = property.code.startsWith("$")
    ? `Kintone ${property.code}`
    : `Kintone field ${property.code} (${property.type})`;
  return fitDescription(`${property.label}. ${origin}${facts.length > 0 ? `; ${facts.join("; ")}` : ""}.`);
}

function propertySchema(
  property: PropertyModel,
  rowSchema: string | undefined,
  mode: "read" | "write",
): SchemaObject {
  const schema: SchemaObject =
    rowSchema !== undefined ? { type: "array", items: ref(rowSchema) } : { ...property.schema };
  schema.description = describeProperty(property, mode);
  if (mode === "read" && !property.writable) schema.readOnly = true;
  Object.assign(schema, fieldExtensions(property.code, property.type));
  return schema;
}

/**
 * Write-mode property schemas are identical in the create and update inputs, so both share one object: the
 * serialised spec is the same, and a spec of hundreds of apps needs a third less memory to build.
 */
const writeSchemas = new WeakMap<PropertyModel, SchemaObject>();

function writePropertySchema(property: PropertyModel, rowSchema: string | undefined): SchemaObject {
  let schema = writeSchemas.get(property);
  if (schema === undefined) {
    schema = propertySchema(property, rowSchema, "write");
    writeSchemas.set(property, schema);
  }
  return schema;
}

function objectSchema(
  appId: string,
  description: string,
  properties: readonly PropertyModel[],
  mode: "read" | "create" | "update",
  rowSchemaOf: (property: PropertyModel) => string | undefined,
): SchemaObject {
  const included = mode === "read" ? properties : properties.filter((p) => p.writable);
  const schema: SchemaObject = { type: "object", description, properties: {} };
  const required: string[] = [];
  for (const property of included) {
    (schema.properties as Record<string, SchemaObject>)[property.name] =
      mode === "read"
        ? propertySchema(property, rowSchemaOf(property), "read")
        : writePropertySchema(property, rowSchemaOf(property));
    if (mode === "create" && property.requiredOnCreate) required.push(property.name);
  }
  if (required.length > 0) schema.required = required;
  schema[X_APP_ID] = appId;
  return schema;
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
function addApp(document: OpenAPIObject, plan: AppPlan, options: BuildOptions, taken: Set<string>): void {
  const { meta, singular, plural, properties } = plan;
  const appId = meta.app.appId;
  const schemas = document.components?.schemas as Record<string, SchemaObject>;
  const about = appDescription(meta);
  const rowOf = (input: boolean) => (property: PropertyModel) => {
    const row = plan.rowSchemaNames.get(property.code);
    return row === undefined ? undefined : input ? schemaNames.rowInput(row) : row;
  };
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
  if (wants.has("create")) {
    put(
      schemaNames.create(singular),
      objectSchema(
        appId,
        `A new record of ${about}. A property left out or sent as null gets Kintone's default.`,
        properties,
        "create",
        rowOf(true),
      ),
    );
  }
  if (wants.has("update")) {
    const update = objectSchema(
      appId,
      `Changes to a record of ${about}: only the properties given are changed; a property sent as null is left as it is. To empty a property, name it in clearFields.`,
      properties,
      "update",
      rowOf(true),
    );
    const clearable = properties.filter((p) => p.writable && !p.requiredOnCreate).map((p) => p.name);
    if (clearable.length > 0) {
      (update.properties as Record<string, SchemaObject>)[CLEAR_FIELDS] = {
        type: "array",
        description:
          "Properties to empty (Kintone's empty value: no text, no number, no date, no selection, no rows). Nothing else clears a property: null in this body means not given.",
        items: { type: "string", enum: clearable },
      };
    }
    put(schemaNames.update(singular), update);
  }
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
    if (wants.has("create") || wants.has("update")) {
      const rowInput = objectSchema(
        appId,
        `A row of table ${property.code} to write. Give the id of an existing row to change it; rows left out are deleted; rows without id are added.`,
        property.rows,
        "update",
        () => undefined,
      );
      rowInput.properties = {
        id: {
          type: "integer",
          format: "int64",
          description: "Row ID of an existing row to change; leave out for a new row.",
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
      responses: {
        "200": {
          description: "A page of records.",
          content: { "application/json": { schema: ref(schemaNames.page(singular)) } },
        },
        ...errorResponses(["400", "401", "429", "502", "504"]),
      },
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
      responses: {
        "201": {
          description: "The record as stored.",
          content: { "application/json": { schema: ref(singular) } },
        },
        ...errorResponses(["400", "401", "413", "429", "502", "504"]),
      },
    });
  }
  if (wants.has("get")) {
    itemItem.get = op("get", {
      operationId: `get${singular}`,
      summary: `Get ${aOrAn(singular)}`,
      description: `Reads one record of ${about} by its record ID.`,
      parameters: [idParameter(singular), selectParameter()],
      responses: {
        "200": { description: "The record.", content: { "application/json": { schema: ref(singular) } } },
        ...errorResponses(["400", "401", "404", "429", "502", "504"]),
      },
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
      responses: {
        "200": {
          description: "The record as stored.",
          content: { "application/json": { schema: ref(singular) } },
        },
        ...errorResponses(["400", "401", "404", "409", "413", "429", "502", "504"]),
      },
    });
  }
  if (wants.has("delete")) {
    itemItem.delete = op("delete", {
      operationId: `delete${singular}`,
      summary: `Delete ${aOrAn(singular)}`,
      description: `Deletes one record of ${about}.`,
      parameters: [idParameter(singular), revisionParameter()],
      responses: {
        "204": { description: "The record was deleted." },
        ...errorResponses(["400", "401", "404", "409", "429", "502", "504"]),
      },
    });
  }
  if (Object.keys(collectionItem).length > 0) document.paths[collection] = collectionItem;
  if (Object.keys(itemItem).length > 0) document.paths[item] = itemItem;
  document.tags = [...(document.tags ?? []), { name: tag, description: `Records of ${about}.` }];
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
  for (const plan of plans) addApp(document, plan, options, taken);
  // Sorted component names keep the file stable and easy to diff.
  const schemas = document.components.schemas as Record<string, SchemaObject>;
  document.components.schemas = Object.fromEntries(
    Object.keys(schemas)
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
