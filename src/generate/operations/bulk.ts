import type { ReferenceObject, SchemaObject } from "openapi3-ts/oas30";
import { BULK_MAX_BODY_BYTES, BULK_MAX_RECORDS, MAX_RECORD_ID } from "../../kintone/limits.js";
import type { AppBuild, ErrorStatus } from "../build-document.js";
import { ID_KEY, upsertKeys } from "./upsert.js";

/** The properties of a bulk update item besides the record (read by src/proxy/handlers/bulk.ts). */
export const BULK_ITEM = {
  id: "id",
  keyProperty: "keyProperty",
  keyValue: "keyValue",
  revision: "revision",
  record: "record",
} as const;

const WRITE_ERRORS: readonly ErrorStatus[] = [
  "400",
  "401",
  "404",
  "409",
  "413",
  "415",
  "429",
  "500",
  "502",
  "503",
  "504",
];

const MEGABYTES = BULK_MAX_BODY_BYTES / (1024 * 1024);
const COUNT = BULK_MAX_RECORDS.toLocaleString("en-US");

/** What every bulk operation's description says: all or nothing, the limits, and how a failure is answered. */
const ALL_OR_NOTHING = `All or nothing: the proxy sends them to Kintone in one bulk request, so Kintone writes every record or none. At most ${COUNT} records (413 beyond: split the list) and a body of at most ${MEGABYTES} MB (more than the other operations take). When Kintone refuses one record, nothing is written and the error's target names it by its position in the list, counting from 0 (records[17]), with its properties in error.details.`;

const idSchema = (description: string, nullable = false): SchemaObject => ({
  type: "integer",
  format: "int64",
  minimum: 1,
  maximum: MAX_RECORD_ID,
  ...(nullable ? { nullable: true } : {}),
  description,
});

/**
 * `--operations bulk`: create, update (by id or by a unique property, optionally guarded by revisions) and delete up
 * to BULK_MAX_RECORDS records of an app in one call, all or nothing (one POST /k/v1/bulkRequest.json).
 */
export function buildBulk(build: AppBuild): void {
  const { singular, plural } = build;
  const written = `${singular}BulkRecord`;
  const result = `${singular}BulkResult`;
  build.put(written, {
    type: "object",
    description: `A ${singular} record written by a bulk operation.`,
    required: ["id", "revision"],
    properties: {
      id: { type: "integer", format: "int64", description: "Record ID." },
      revision: { type: "integer", format: "int64", description: "Revision after the write." },
    },
  });
  build.put(result, {
    type: "object",
    description: "The records written, in the order they were given.",
    required: ["records"],
    properties: {
      records: {
        type: "array",
        description: "One entry per record given, in the same order.",
        items: build.ref(written),
      },
    },
  });
  const ok = {
    description: "Every record was written: their ids and revisions, in the order given.",
    content: { "application/json": { schema: build.ref(result) } },
  };
  const records = (items: SchemaObject | ReferenceObject, what: string): SchemaObject => ({
    type: "array",
    minItems: 1,
    maxItems: BULK_MAX_RECORDS,
    description: `${what}, 1 to ${COUNT}.`,
    items,
  });

  const create = `${singular}BulkCreate`;
  build.put(create, {
    type: "object",
    description: `${plural} records to add, all or nothing.`,
    required: ["records"],
    properties: {
      records: records(build.ref(build.input("create")), "The records to add"),
    },
  });
  build.addOperation(`${build.collection}/bulk/create`, "post", "bulk-create", {
    operationId: `bulkCreate${plural}`,
    summary: `Create many ${plural}`,
    description: build.describe(
      `Adds up to ${COUNT} records to ${build.about} in one call. Each record is written as by create${singular}: null means not given (Kintone's default). ${ALL_OR_NOTHING}`,
    ),
    requestBody: build.jsonBody(create, `The records to add, in a list named records.`),
    responses: build.responses(
      WRITE_ERRORS.filter((s) => s !== "404" && s !== "409"),
      "200",
      ok,
    ),
  });

  const keys = upsertKeys(build).filter((key) => key.code !== ID_KEY);
  const item = `${singular}BulkUpdateItem`;
  const itemProperties: Record<string, SchemaObject | ReferenceObject> = {
    [BULK_ITEM.id]: idSchema(
      keys.length > 0
        ? `Record ID of the record to change; or leave out (or null) and give ${BULK_ITEM.keyProperty} and ${BULK_ITEM.keyValue}.`
        : "Record ID of the record to change.",
      keys.length > 0,
    ),
  };
  if (keys.length > 0) {
    itemProperties[BULK_ITEM.keyProperty] = {
      type: "string",
      enum: keys.map((key) => key.name),
      description: `Instead of id: a property that prohibits duplicate values, to find the record by (${keys.map((key) => key.name).join(", ")}).`,
    };
    itemProperties[BULK_ITEM.keyValue] = {
      type: "string",
      nullable: true,
      minLength: 1,
      description: `With ${BULK_ITEM.keyProperty}: the value of the record to change (a number written as text for a number property).`,
    };
  }
  itemProperties[BULK_ITEM.revision] = idSchema(
    "Expected revision of the record: when given and the record changed since, nothing is written (409).",
    true,
  );
  itemProperties[BULK_ITEM.record] = build.ref(build.input("update"));
  build.put(item, {
    type: "object",
    description: `One ${singular} to change: which record (${keys.length > 0 ? `id, or ${BULK_ITEM.keyProperty} and ${BULK_ITEM.keyValue}` : "id"}) and, in record, the properties to change (null = left as it is; clearFields to empty).`,
    required: keys.length > 0 ? [BULK_ITEM.record] : [BULK_ITEM.id, BULK_ITEM.record],
    properties: itemProperties,
  });
  const update = `${singular}BulkUpdate`;
  build.put(update, {
    type: "object",
    description: `${plural} records to change, all or nothing.`,
    required: ["records"],
    properties: { records: records(build.ref(item), "The records to change") },
  });
  build.addOperation(`${build.collection}/bulk/update`, "post", "bulk-update", {
    operationId: `bulkUpdate${plural}`,
    summary: `Update many ${plural}`,
    description: build.describe(
      `Changes up to ${COUNT} records of ${build.about} in one call, each found by its id${keys.length > 0 ? ` or by a property that prohibits duplicate values (${keys.map((key) => key.name).join(", ")})` : ""}, optionally guarded by its revision (409). Each record is changed as by update${singular}: null means left as it is, clearFields empties. A record that does not exist is a 404. ${ALL_OR_NOTHING}`,
    ),
    requestBody: build.jsonBody(update, "The records to change, in a list named records."),
    responses: build.responses(WRITE_ERRORS, "200", ok),
  });

  const remove = `${singular}BulkDelete`;
  build.put(remove, {
    type: "object",
    description: `${plural} records to delete, all or nothing.`,
    required: ["ids"],
    properties: {
      ids: records(idSchema("Record ID."), "Record IDs of the records to delete"),
      revisions: {
        type: "array",
        nullable: true,
        maxItems: BULK_MAX_RECORDS,
        description:
          "Optional: the expected revision of each record, in the order of ids (as many as ids). When a record changed since, nothing is deleted (409).",
        items: idSchema("Expected revision (null: any).", true),
      },
    },
  });
  build.addOperation(`${build.collection}/bulk/delete`, "post", "bulk-delete", {
    operationId: `bulkDelete${plural}`,
    summary: `Delete many ${plural}`,
    description: build.describe(
      `Deletes up to ${COUNT} records of ${build.about} in one call. A record that does not exist is a 404. ${ALL_OR_NOTHING.replace("writes every record", "deletes every record").replace("nothing is written", "nothing is deleted")}`,
    ),
    requestBody: build.jsonBody(remove, "The record IDs to delete, in a list named ids."),
    responses: build.responses(WRITE_ERRORS, "204", { description: "Every record was deleted." }),
  });
}
