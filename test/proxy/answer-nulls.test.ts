import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildDocument, OPERATIONS } from "../../src/generate/build-document.js";
import { SnapshotMetadataSource } from "../../src/kintone/snapshot-source.js";
import type { PropertyMap } from "../../src/odata/translate-filter.js";
import { toApiRecord } from "../../src/proxy/convert.js";
import { readSpecModel } from "../../src/proxy/spec-model.js";
import { readBaseSpec, SAMPLE_APPS_DIR } from "../../src/templates.js";
import { FIXTURES } from "../helpers/cli.js";

type Schema = Record<string, any>;

const dirs = [
  ...(await readdir(FIXTURES, { withFileTypes: true }))
    .filter((d) => d.isDirectory())
    .map((d) => [d.name, join(FIXTURES, d.name)] as const),
  ["sample-apps", SAMPLE_APPS_DIR] as const,
];
const base = await readBaseSpec();

/** A Kintone record whose every field holds `empty` (Kintone answers "", null or [] for an empty field). */
function emptyRecord(
  properties: PropertyMap,
  empty: unknown,
): Record<string, { type: string; value: unknown }> {
  const record: Record<string, { type: string; value: unknown }> = {};
  for (const info of properties.values()) {
    if (info.type === "__ROW_ID__") continue;
    record[info.code] = {
      type: info.type,
      value:
        info.rows !== undefined
          ? [{ id: "1", value: emptyRecord(info.rows, empty) }]
          : info.type === "__ID__" || info.type === "__REVISION__"
            ? "1"
            : empty,
    };
  }
  return record;
}

/** Names (table columns as table/column) of the properties that come out null. */
function nullsOf(api: Record<string, unknown>, prefix = ""): string[] {
  return Object.entries(api).flatMap(([name, value]) => {
    if (value === null) return [`${prefix}${name}`];
    if (Array.isArray(value) && typeof value[0] === "object" && value[0] !== null && "id" in value[0])
      return nullsOf(value[0] as Record<string, unknown>, `${name}/`);
    return [];
  });
}

/** Names of the properties the record schema (and its rows' schemas) declare nullable. */
function nullableOf(schema: Schema, schemas: Record<string, Schema>, prefix = ""): string[] {
  return Object.entries<Schema>(schema.properties).flatMap(([name, property]) => {
    const row = property.items?.$ref?.split("/").pop();
    if (row !== undefined && property["x-kintone-field-type"] === "SUBTABLE")
      return nullableOf(schemas[row] as Schema, schemas, `${name}/`);
    return property.nullable === true ? [`${prefix}${name}`] : [];
  });
}

describe.each(dirs)(
  "answers of %s: the record schema says nullable exactly where the proxy answers null",
  (_name, dir) => {
    it("for every field left empty", async () => {
      const apps = await new SnapshotMetadataSource(dir).readApps([]);
      const spec = buildDocument(apps, { proxyUrl: "http://localhost:8080", operations: OPERATIONS }, base)
        .document as Schema;
      const schemas = spec.components.schemas as Record<string, Schema>;
      const model = readSpecModel(spec, "spec");
      for (const resource of model.resources) {
        const record = schemas[resource.singular] as Schema;
        const nullable = nullableOf(record, schemas).sort();
        const answered = new Set<string>();
        for (const empty of ["", null, undefined]) {
          for (const name of nullsOf(
            toApiRecord(emptyRecord(resource.properties, empty), resource.properties),
          ))
            answered.add(name);
        }
        expect([...answered].sort(), resource.singular).toEqual(nullable);
        expect(nullable.length).toBeGreaterThan(0);
      }
    });
  },
);
