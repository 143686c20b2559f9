import { UsageError } from "../errors.js";
import { CLEAR_FIELDS, OPERATIONS, type Operation } from "../generate/build-document.js";
import {
  KINTONE_OPERATIONS,
  type KintoneOperation,
  kindOfProperty,
  readFieldExtensions,
  readOperationExtensions,
  refName,
  X_APP_ID,
} from "../generate/x-kintone.js";
import { unsafeFieldCode } from "../kintone/field-code.js";
import type { PropertyInfo, PropertyMap } from "../odata/translate-filter.js";

type Json = Record<string, unknown>;

/** An opt-in operation (files, status, comments, upsert, bulk) as the spec describes it, for its handler. */
export type OptionalOperationRef = {
  operation: Exclude<KintoneOperation, Operation>;
  method: string;
  path: string;
  operationId: string;
  /** The operation object as written in the spec (its parameters, request body and extensions). */
  object: Json;
  /** x-kintone-update-key of an upsert operation. */
  updateKey?: string;
  /**
   * The record input its body holds (the first schema of the app reached from the request body: the upsert input,
   * or the create or update input inside a bulk body).
   */
  input?: Json;
  /** The properties a bulk update may find records by (the enum of its items' keyProperty; none: by id only). */
  keyProperties?: ReadonlySet<string>;
  /** The actions a run-action operation offers (the enum of its body's action). */
  actions?: ReadonlySet<string>;
};

/** One app as the spec describes it: where its operations live and what its properties are. */
export type Resource = {
  appId: string;
  guestSpaceId?: string;
  /** Operation → path relative to the server's base path, and the method. */
  operations: Map<Operation, { method: string; path: string; operationId: string }>;
  /** The opt-in operations of the app, in spec order. */
  optional: OptionalOperationRef[];
  /** Properties of the record schema. */
  properties: PropertyMap;
  /** Properties that may be written on create / update (with their table rows' writable columns). */
  createInput?: Json;
  updateInput?: Json;
  /** Required properties on create. */
  required: Set<string>;
  /** Properties the update input's clearFields may name. */
  clearable?: Set<string>;
  singular: string;
};

export type SpecModel = {
  /** The server URL's path, under which the operations are served ("" or "/kintone"). */
  basePath: string;
  resources: Resource[];
};

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function jsonSchemaOf(content: unknown): unknown {
  return isObject(content) && isObject(content["application/json"])
    ? content["application/json"].schema
    : undefined;
}

/** Reads the properties of an object schema into PropertyInfo, following row schemas of tables. */
function propertiesOf(
  schema: Json,
  schemas: Json,
  inTable: boolean,
  source: string,
): Map<string, PropertyInfo> {
  const result = new Map<string, PropertyInfo>();
  const props = isObject(schema.properties) ? schema.properties : {};
  for (const [name, raw] of Object.entries(props)) {
    if (!isObject(raw)) continue;
    let field: ReturnType<typeof readFieldExtensions>;
    try {
      field = readFieldExtensions(raw);
    } catch (error) {
      throw new UsageError(`${source}: property ${name}: ${(error as Error).message}; regenerate the spec.`);
    }
    const unsafe = field !== undefined ? unsafeFieldCode(field.code) : undefined;
    if (unsafe !== undefined) {
      throw new UsageError(
        `the spec gives property ${name} the field code ${JSON.stringify(field?.code)}, which ${unsafe} and cannot be a Kintone field code: regenerate the spec.`,
      );
    }
    if (field === undefined) {
      if (inTable && name === "id")
        result.set(name, {
          name,
          code: "id",
          type: "__ROW_ID__",
          kind: "__ROW_ID__",
          readOnly: true,
          inTable,
        });
      continue;
    }
    const { code, type } = field;
    const info: PropertyInfo = {
      name,
      code,
      type,
      kind: kindOfProperty(type, raw),
      readOnly: raw.readOnly === true,
    };
    if (inTable) info.inTable = true;
    const items = isObject(raw.items) ? raw.items : undefined;
    if (type === "SUBTABLE") {
      const row = refName(items);
      const rowSchema = row !== undefined ? schemas[row] : undefined;
      if (isObject(rowSchema)) info.rows = propertiesOf(rowSchema, schemas, true, source);
    }
    result.set(name, info);
  }
  return result;
}

/** Sets the choice options of `properties` from the enums of an input schema (and of its table rows' inputs). */
function readOptions(properties: ReadonlyMap<string, PropertyInfo>, input: Json, schemas: Json): void {
  const props = isObject(input.properties) ? input.properties : {};
  for (const [name, raw] of Object.entries(props)) {
    const info = properties.get(name);
    if (info === undefined || !isObject(raw)) continue;
    const items = isObject(raw.items) ? raw.items : undefined;
    const options = Array.isArray(raw.enum) ? raw.enum : Array.isArray(items?.enum) ? items.enum : undefined;
    if (options !== undefined && info.options === undefined) info.options = options.map(String);
    const row = info.rows !== undefined ? refName(items) : undefined;
    const rowInput = row !== undefined ? schemas[row] : undefined;
    if (info.rows !== undefined && isObject(rowInput)) readOptions(info.rows, rowInput, schemas);
  }
}

/**
 * The enum of a property of an operation's request body, following `path` (property names; `[]` for an array's
 * items): the actions of run-action (`["action"]`), the keys of a bulk update (`["records", "[]", "keyProperty"]`).
 */
function bodyEnum(operation: Json, schemas: Json, path: readonly string[]): Set<string> {
  const resolve = (node: unknown): Json | undefined => {
    const name = refName(node);
    const target = name !== undefined ? schemas[name] : node;
    return isObject(target) ? target : undefined;
  };
  let node = resolve(
    isObject(operation.requestBody) ? jsonSchemaOf(operation.requestBody.content) : undefined,
  );
  for (const step of path)
    node =
      step === "[]"
        ? resolve(node?.items)
        : resolve(isObject(node?.properties) ? node.properties[step] : undefined);
  return new Set(Array.isArray(node?.enum) ? node.enum.map(String) : []);
}

/** The first schema of an app (with x-kintone-app-id) that an operation's request body reaches, through refs. */
function appInputOf(operation: Json, schemas: Json): Json | undefined {
  const body = isObject(operation.requestBody) ? jsonSchemaOf(operation.requestBody.content) : undefined;
  const pending: unknown[] = [body];
  const seen = new Set<string>();
  while (pending.length > 0) {
    let node = pending.shift();
    const name = refName(node);
    if (name !== undefined) {
      if (seen.has(name)) continue;
      seen.add(name);
      node = schemas[name];
    }
    if (!isObject(node)) continue;
    if (typeof node[X_APP_ID] === "string") return node;
    if (isObject(node.properties)) pending.push(...Object.values(node.properties));
    if (node.items !== undefined) pending.push(node.items);
  }
  return undefined;
}

/**
 * What a spec whose only writes are opt-in (bulk, upsert) says about the inputs: the create and update inputs the
 * bulk bodies hold, and, when no record schema is referenced, the writable properties those inputs name.
 */
function fromOptionalInputs(resource: Resource, schemas: Json, source: string): void {
  for (const operation of resource.optional) {
    const input = operation.input;
    if (input === undefined) continue;
    if (operation.operation === "bulk-create" && resource.createInput === undefined) {
      resource.createInput = input;
      if (Array.isArray(input.required))
        for (const name of input.required) resource.required.add(String(name));
    }
    if (operation.operation === "bulk-update" && resource.updateInput === undefined) {
      resource.updateInput = input;
      const clear = isObject(input.properties) ? input.properties[CLEAR_FIELDS] : undefined;
      const names = isObject(clear) && isObject(clear.items) ? clear.items.enum : undefined;
      if (Array.isArray(names)) resource.clearable = new Set(names.map(String));
    }
  }
  if (resource.properties.size > 0) return;
  const properties = new Map<string, PropertyInfo>();
  for (const operation of resource.optional) {
    if (operation.input === undefined) continue;
    for (const [name, info] of propertiesOf(operation.input, schemas, false, source))
      if (!info.code.startsWith("$") && !properties.has(name)) properties.set(name, info);
  }
  resource.properties = properties;
}

/**
 * Reads what the proxy needs from a spec made by `generate`: routes, app ids, field codes and types, all from the
 * x-kintone-* extensions (design.md §4). Throws a UsageError when the spec was not made by kintone-openapi.
 */
export function readSpecModel(doc: unknown, source: string): SpecModel {
  if (!isObject(doc) || !isObject(doc.paths))
    throw new UsageError(`${source} is not an OpenAPI document with paths.`);
  const schemas = isObject(doc.components) && isObject(doc.components.schemas) ? doc.components.schemas : {};
  const servers = Array.isArray(doc.servers) ? doc.servers : [];
  const serverUrl = isObject(servers[0]) && typeof servers[0].url === "string" ? servers[0].url : "/";
  const basePath = new URL(serverUrl, "http://localhost").pathname.replace(/\/+$/, "");
  const byApp = new Map<string, Resource>();
  for (const [path, item] of Object.entries(doc.paths)) {
    if (!isObject(item)) continue;
    for (const [method, operation] of Object.entries(item)) {
      if (!isObject(operation)) continue;
      let ref: ReturnType<typeof readOperationExtensions>;
      try {
        ref = readOperationExtensions(operation);
      } catch (error) {
        throw new UsageError(`${source}: ${(error as Error).message} in ${path}: regenerate the spec.`);
      }
      if (ref === undefined || !(KINTONE_OPERATIONS as readonly string[]).includes(ref.operation)) continue;
      const { appId, operation: kind } = ref;
      let resource = byApp.get(appId);
      if (resource === undefined) {
        resource = {
          appId,
          operations: new Map(),
          optional: [],
          properties: new Map(),
          required: new Set(),
          singular: "",
        };
        byApp.set(appId, resource);
      }
      if (ref.guestSpaceId !== undefined) resource.guestSpaceId = ref.guestSpaceId;
      if (!(OPERATIONS as readonly string[]).includes(kind)) {
        const input = appInputOf(operation, schemas);
        resource.optional.push({
          operation: kind as OptionalOperationRef["operation"],
          method: method.toUpperCase(),
          path,
          operationId: String(operation.operationId ?? kind),
          object: operation,
          ...(ref.updateKey !== undefined ? { updateKey: ref.updateKey } : {}),
          ...(input !== undefined ? { input } : {}),
          ...(kind === "bulk-update"
            ? { keyProperties: bodyEnum(operation, schemas, ["records", "[]", "keyProperty"]) }
            : {}),
          ...(kind === "run-action" ? { actions: bodyEnum(operation, schemas, ["action"]) } : {}),
        });
        continue;
      }
      resource.operations.set(kind as Operation, {
        method: method.toUpperCase(),
        path,
        operationId: String(operation.operationId ?? kind),
      });
      const responses = isObject(operation.responses) ? operation.responses : {};
      const ok = responses["200"] ?? responses["201"];
      const okSchema = isObject(ok) ? jsonSchemaOf(ok.content) : undefined;
      let recordName = refName(okSchema);
      if (kind === "list" && recordName !== undefined) {
        const page = schemas[recordName];
        recordName =
          isObject(page) && isObject(page.properties)
            ? refName((page.properties.value as Json | undefined)?.items)
            : undefined;
      }
      if (recordName !== undefined && isObject(schemas[recordName]) && resource.properties.size === 0) {
        resource.properties = propertiesOf(schemas[recordName] as Json, schemas, false, source);
        resource.singular = recordName;
      }
      const body = isObject(operation.requestBody)
        ? refName(jsonSchemaOf(operation.requestBody.content))
        : undefined;
      const input = body !== undefined ? schemas[body] : undefined;
      if (isObject(input) && kind === "create") {
        resource.createInput = input;
        if (Array.isArray(input.required))
          for (const name of input.required) resource.required.add(String(name));
      }
      if (isObject(input) && kind === "update") {
        resource.updateInput = input;
        const clear = isObject(input.properties) ? input.properties[CLEAR_FIELDS] : undefined;
        const names = isObject(clear) && isObject(clear.items) ? clear.items.enum : undefined;
        if (Array.isArray(names)) resource.clearable = new Set(names.map(String));
      }
    }
  }
  const resources = [...byApp.values()];
  for (const resource of resources) fromOptionalInputs(resource, schemas, source);
  for (const resource of resources) {
    // Choice options are constrained in the inputs only (answers must validate for records holding a removed option).
    for (const input of [resource.createInput, resource.updateInput])
      if (input !== undefined) readOptions(resource.properties, input, schemas);
  }
  if (resources.length === 0) {
    throw new UsageError(
      `${source} has no operations with x-kintone-app-id: serve a spec made by "kintone-openapi generate".`,
    );
  }
  for (const resource of resources) {
    // A spec of opt-in operations only (--operations status,comments): the record schema is the one run-action answers.
    for (const optional of resource.optional) {
      if (resource.properties.size > 0) break;
      const responses = isObject(optional.object.responses) ? optional.object.responses : {};
      const ok = responses["200"] ?? responses["201"];
      const name = refName(isObject(ok) ? jsonSchemaOf(ok.content) : undefined);
      const schema = name !== undefined ? schemas[name] : undefined;
      const props = isObject(schema) && isObject(schema.properties) ? schema.properties : {};
      if (
        name !== undefined &&
        isObject(props.revision) &&
        props.revision["x-kintone-field-code"] === "$revision"
      ) {
        resource.properties = propertiesOf(schema as Json, schemas, false, source);
        resource.singular = name;
      }
    }
    // Comments need no record schema; every other operation reads or writes the record's properties.
    const needsRecord =
      resource.operations.size > 0 ||
      resource.optional.some(
        (o) =>
          !o.operation.endsWith("-comment") &&
          !o.operation.endsWith("-comments") &&
          o.operation !== "upload-file",
      );
    if (resource.properties.size === 0 && needsRecord) {
      throw new UsageError(
        `${source}: the record schema of app ${resource.appId} could not be found; regenerate the spec with "kintone-openapi generate".`,
      );
    }
  }
  return { basePath, resources };
}
