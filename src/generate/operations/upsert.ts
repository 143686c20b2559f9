import type { SchemaObject } from "openapi3-ts/oas30";
import { FIELD_KINDS } from "../../kintone/field-types.js";
import type { AppBuild } from "../build-document.js";
import type { PropertyModel } from "../model.js";

/** The record id: an upsert by it updates the record with that id, or adds one (with a new id) when there is none. */
export const ID_KEY = "$id";

const pascal = (name: string) => (name[0] as string).toUpperCase() + name.slice(1);
/** `companyName` → `company-name`. */
const kebab = (name: string) => name.replace(/([a-z0-9])([A-Z])/g, "$1-$2").toLowerCase();

/**
 * The properties an app's records can be upserted by, sorted by name: the record id, and every field Kintone takes
 * as `updateKey` (SINGLE_LINE_TEXT or NUMBER outside tables with "Prohibit duplicate values" on).
 */
export function upsertKeys(build: AppBuild): PropertyModel[] {
  const fields = build.meta.fields.properties;
  return build.properties
    .filter(
      (p) =>
        p.code === ID_KEY ||
        (p.writable &&
          FIELD_KINDS[p.kind].updateKey === true &&
          (fields[p.code] as { unique?: unknown } | undefined)?.unique === true),
    )
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** The answer of an upsert: which record, its revision, and whether it was added. */
function resultSchema(build: AppBuild): SchemaObject {
  return {
    type: "object",
    description: `The ${build.singular} record written by an upsert.`,
    required: ["id", "revision", "created"],
    properties: {
      id: { type: "integer", format: "int64", description: "Record ID of the record written." },
      revision: { type: "integer", format: "int64", description: "Its revision after the write." },
      created: {
        type: "boolean",
        description: "True when no record had the key, so a record was added; false when one was updated.",
      },
    },
  };
}

/**
 * `--operations upsert`: per key (upsertKeys), an operation that updates the record with the key's value or adds
 * one when no record has it, in one Kintone call (PUT /k/v1/records.json with upsert: true).
 */
export function buildUpsert(build: AppBuild): void {
  const keys = upsertKeys(build);
  const result = `${build.singular}UpsertResult`;
  build.put(result, resultSchema(build));
  for (const key of keys) {
    const byId = key.code === ID_KEY;
    const suffix = `By${pascal(key.name)}`;
    const input = `${build.singular}Upsert${suffix}`;
    const what = byId
      ? "record ID"
      : `${key.name} (Kintone field ${key.code}, which prohibits duplicate values)`;
    build.put(
      input,
      build.keyedInput(
        `A ${build.singular} to create or update by its ${key.name}: only the properties given are written; a property sent as null is not given (left as it is, or Kintone's default on a new record). To empty a property of an existing record, name it in clearFields. Properties not listed here are refused (400).`,
        [key],
      ),
    );
    build.addOperation(
      `${build.collection}/upsert/by-${kebab(key.name)}`,
      "post",
      "upsert",
      {
        operationId: `upsert${build.singular}${suffix}`,
        summary: `Create or update ${/^[AEIOU]/i.test(build.singular) ? "an" : "a"} ${build.singular} by ${key.name}`,
        description: build.describe(
          byId
            ? `Updates the record of ${build.about} with the given id, or, when there is no record with that id, adds a record (Kintone gives it a new id, not the one sent). Properties left out or null are not written; a new record must be given every property the app requires (400 otherwise). Answers the record's id and revision and whether it was created. One Kintone call: records are matched by Kintone itself, in one step.`
            : `Updates the record of ${build.about} whose ${what} equals the given value, or adds a record with that value when none has it. Properties left out or null are not written; a new record must be given every property the app requires (400 otherwise). Answers the record's id and revision and whether it was created. One Kintone call: records are matched by Kintone itself, in one step.`,
        ),
        requestBody: build.jsonBody(
          input,
          `The ${build.singular} to write; ${key.name} is required and says which record.`,
        ),
        responses: build.responses(["400", "401", "413", "415", "429", "500", "502", "503", "504"], "200", {
          description: "The record was written: its id, revision and whether it was created.",
          content: { "application/json": { schema: build.ref(result) } },
        }),
      },
      { updateKey: key.code },
    );
  }
}
