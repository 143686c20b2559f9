import { type FieldKind, isKnownFieldType } from "../kintone/field-types.js";
import type { FieldType } from "../kintone/types.js";

/**
 * The contract between a generated spec and the tools that read it (design.md §4): the `x-kintone-*` extensions
 * and the component-schema naming rules. The generator writes them through this module; `serve`, `diff` and the
 * name pinning of `generate` read them through it. A round-trip test checks that what is read back equals what was
 * written.
 */

export const X_APP_ID = "x-kintone-app-id";
export const X_GUEST_SPACE_ID = "x-kintone-guest-space-id";
export const X_OPERATION = "x-kintone-operation";
export const X_FIELD_CODE = "x-kintone-field-code";
export const X_FIELD_TYPE = "x-kintone-field-type";
/** On an upsert operation: the code of the unique field (or `$id`) it matches records by. */
export const X_UPDATE_KEY = "x-kintone-update-key";

/** The values of `x-kintone-operation`: the five record operations, then the opt-in ones (design.md §4). */
export const KINTONE_OPERATIONS = [
  "list",
  "get",
  "create",
  "update",
  "delete",
  "upload-file",
  "download-file",
  "run-action",
  "list-comments",
  "add-comment",
  "upsert",
  "bulk-create",
  "bulk-update",
  "bulk-delete",
] as const;
export type KintoneOperation = (typeof KINTONE_OPERATIONS)[number];

/**
 * The x-kintone-operation kinds each name of generate's `--operations` adds (its groups): the one table that maps
 * a group to the operations it writes, read by `salesforce --operations`.
 */
export const OPERATION_GROUP_KINDS = {
  list: ["list"],
  get: ["get"],
  create: ["create"],
  update: ["update"],
  delete: ["delete"],
  files: ["upload-file", "download-file"],
  status: ["run-action"],
  comments: ["list-comments", "add-comment"],
  upsert: ["upsert"],
  bulk: ["bulk-create", "bulk-update", "bulk-delete"],
} as const satisfies Record<string, readonly KintoneOperation[]>;

/** JSON pointer prefix of component schemas. */
export const SCHEMA_REF = "#/components/schemas/";

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A reference to a component schema. */
export function schemaRef(name: string): { $ref: string } {
  return { $ref: `${SCHEMA_REF}${name}` };
}

/** The component name a schema refers to, or undefined when it is not a reference to a component schema. */
export function refName(schema: unknown): string | undefined {
  if (!isObject(schema) || typeof schema.$ref !== "string") return undefined;
  return schema.$ref.startsWith(SCHEMA_REF) ? schema.$ref.slice(SCHEMA_REF.length) : undefined;
}

function pascal(name: string): string {
  return name === "" ? name : (name[0] as string).toUpperCase() + name.slice(1);
}

/** Component names of one app's schemas, from its singular resource name ("Customer"). */
export const schemaNames = {
  record: (singular: string) => singular,
  page: (singular: string) => `${singular}Page`,
  create: (singular: string) => `${singular}Create`,
  update: (singular: string) => `${singular}Update`,
  /** A table's row schema, from the table's property name ("items" → CustomerItemsRow). */
  row: (singular: string, tableProperty: string) => `${singular}${pascal(tableProperty)}Row`,
  rowInput: (row: string) => `${row}Input`,
} as const;

/** The extensions on a property schema: the Kintone field it reads and writes. */
export function fieldExtensions(code: string, type: FieldType | FieldKind): Json {
  return { [X_FIELD_CODE]: code, [X_FIELD_TYPE]: type };
}

export type FieldRef = { code: string; type: FieldType };

/**
 * The field a property schema names, or undefined when it names none (a row's id). Throws a message (for the
 * caller to wrap) when the extensions are present but not something `generate` writes.
 */
export function readFieldExtensions(schema: Json): FieldRef | undefined {
  const code = schema[X_FIELD_CODE];
  const type = schema[X_FIELD_TYPE];
  if (code === undefined && type === undefined) return undefined;
  if (typeof code !== "string" || typeof type !== "string")
    throw new Error(`${X_FIELD_CODE} and ${X_FIELD_TYPE} must both be strings`);
  if (!isKnownFieldType(type) && type !== "__ID__" && type !== "__REVISION__")
    throw new Error(`${X_FIELD_TYPE} ${JSON.stringify(type)} is not a Kintone field type`);
  return { code, type: type as FieldType };
}

/**
 * How a property behaves, from its field type and, for CALC, the schema the generator wrote for the format of its
 * result (number, date, date-time or text): the inverse of the generator's choice in map-field.ts.
 */
export function kindOfProperty(type: string, schema: Json): FieldKind {
  if (type !== "CALC") return type as FieldKind;
  if (schema.type === "number") return "CALC";
  if (schema.format === "date") return "CALC_DATE";
  if (schema.format === "date-time") return "CALC_DATETIME";
  return "CALC_TEXT";
}

export type OperationRef = { appId: string; operation: string; guestSpaceId?: string; updateKey?: string };

/** The extensions on an operation: which app it acts on, and how. */
export function operationExtensions(ref: OperationRef): Json {
  return {
    [X_APP_ID]: ref.appId,
    ...(ref.guestSpaceId !== undefined ? { [X_GUEST_SPACE_ID]: ref.guestSpaceId } : {}),
    [X_OPERATION]: ref.operation,
    ...(ref.updateKey !== undefined ? { [X_UPDATE_KEY]: ref.updateKey } : {}),
  };
}

const ID = /^[1-9][0-9]{0,18}$/;

/**
 * The app and operation an operation object names, or undefined when it names none (not made by `generate`).
 * Throws a message (for the caller to wrap) when an id is not digits: it would end up in a Kintone URL.
 */
export function readOperationExtensions(operation: Json): OperationRef | undefined {
  const appId = operation[X_APP_ID];
  const kind = operation[X_OPERATION];
  if (typeof appId !== "string" || typeof kind !== "string") return undefined;
  if (!ID.test(appId)) throw new Error(`${X_APP_ID} must be an app id (digits only)`);
  const ref: OperationRef = { appId, operation: kind };
  const guest = operation[X_GUEST_SPACE_ID];
  if (guest !== undefined) {
    if (typeof guest !== "string" || !ID.test(guest))
      throw new Error(`${X_GUEST_SPACE_ID} must be a space id (digits only)`);
    ref.guestSpaceId = guest;
  }
  const updateKey = operation[X_UPDATE_KEY];
  if (updateKey !== undefined) {
    if (typeof updateKey !== "string" || updateKey === "")
      throw new Error(`${X_UPDATE_KEY} must be a field code`);
    ref.updateKey = updateKey;
  }
  return ref;
}

/** The app a component schema belongs to. */
export function schemaAppId(schema: Json): string | undefined {
  const appId = schema[X_APP_ID];
  return typeof appId === "string" ? appId : undefined;
}
