import { existsSync } from "node:fs";
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildDocument, OPERATIONS } from "../../src/generate/build-document.js";
import { generateSpec, serializeDocument } from "../../src/generate/generate.js";
import { SnapshotMetadataSource } from "../../src/kintone/snapshot-source.js";
import type { AppMetadata } from "../../src/kintone/types.js";
import { readBaseSpec, SAMPLE_APPS_DIR } from "../../src/templates.js";
import { validateDocument } from "../../src/validate/validate-document.js";
import { FIXTURES, ROOT } from "../helpers/cli.js";

const GOLDEN = join(ROOT, "test/fixtures/golden");
const UPDATE = process.env.UPDATE_GOLDEN === "1";
const fixtureNames = (await readdir(FIXTURES, { withFileTypes: true }))
  .filter((d) => d.isDirectory())
  .map((d) => d.name);
const cases = [
  ...fixtureNames.map((name) => [name, join(FIXTURES, name)] as const),
  ["sample-apps", SAMPLE_APPS_DIR] as const,
];

const build = { proxyUrl: "http://localhost:8080", operations: [...OPERATIONS] };

describe("generate --from each fixture app", () => {
  it("covers every fixture directory", () => {
    expect(fixtureNames.sort()).toEqual([
      "data-loader",
      "data-loader-subtable",
      "docs-sample",
      "ginue-inquiry",
      "java-client-all-types",
    ]);
  });

  for (const [name, dir] of cases) {
    describe(name, async () => {
      const output = await generateSpec({
        source: new SnapshotMetadataSource(dir),
        appIds: [],
        build,
        base: await readBaseSpec(),
      });

      it("matches the committed golden spec", async () => {
        const path = join(GOLDEN, `${name}.json`);
        if (UPDATE || !existsSync(path)) {
          await mkdir(GOLDEN, { recursive: true });
          await writeFile(path, output.text);
        }
        expect(output.text).toBe(await readFile(path, "utf8"));
      });

      it("passes every Salesforce rule with no error and no warning", () => {
        expect(validateDocument(JSON.parse(output.text))).toEqual([]);
      });

      it("is byte-identical when generated again and when the fields come in another order", async () => {
        const apps = await new SnapshotMetadataSource(dir).readApps([]);
        const shuffled: AppMetadata[] = apps.reverse().map((app) => ({
          ...app,
          fields: {
            ...app.fields,
            properties: Object.fromEntries(Object.entries(app.fields.properties).reverse()),
          },
        }));
        expect(serializeDocument(buildDocument(shuffled, build, await readBaseSpec()).document)).toBe(
          output.text,
        );
      });

      it("gives every Kintone field a property with its code and type", () => {
        const doc = JSON.parse(output.text);
        for (const [schemaName, schema] of Object.entries<Record<string, unknown>>(doc.components.schemas)) {
          if (schema["x-kintone-app-id"] === undefined || schemaName.endsWith("Page")) continue;
          for (const [prop, value] of Object.entries<Record<string, unknown>>(schema.properties as never)) {
            if (
              (prop === "id" && schemaName.endsWith("Row")) ||
              (prop === "id" && schemaName.endsWith("RowInput")) ||
              (prop === "clearFields" && schemaName.endsWith("Update"))
            )
              continue;
            expect(value["x-kintone-field-code"], `${schemaName}.${prop}`).toBeTypeOf("string");
            expect(value["x-kintone-field-type"], `${schemaName}.${prop}`).toBeTypeOf("string");
          }
        }
      });
    });
  }
});

/** Specs with the upsert and bulk operations (--operations …,upsert,bulk): golden files of their own. */
describe("generate --from each fixture app with --operations upsert,bulk", () => {
  const withUpsertBulk = {
    proxyUrl: "http://localhost:8080",
    operations: [...OPERATIONS, "upsert", "bulk"] as const,
  };
  for (const [name, dir] of cases) {
    describe(name, async () => {
      const output = await generateSpec({
        source: new SnapshotMetadataSource(dir),
        appIds: [],
        build: { ...withUpsertBulk, operations: [...withUpsertBulk.operations] },
        base: await readBaseSpec(),
      });

      it("matches the committed golden spec", async () => {
        const path = join(GOLDEN, "upsert-bulk", `${name}.json`);
        if (UPDATE || !existsSync(path)) {
          await mkdir(join(GOLDEN, "upsert-bulk"), { recursive: true });
          await writeFile(path, output.text);
        }
        expect(output.text).toBe(await readFile(path, "utf8"));
      });

      it("passes every Salesforce rule with no error and no warning, and is deterministic", async () => {
        expect(validateDocument(JSON.parse(output.text))).toEqual([]);
        const apps = (await new SnapshotMetadataSource(dir).readApps([])).reverse();
        const again = buildDocument(
          apps,
          { ...withUpsertBulk, operations: [...withUpsertBulk.operations] },
          await readBaseSpec(),
        );
        expect(serializeDocument(again.document)).toBe(output.text);
      });

      it("has an upsert per unique text or number field and per record id, and three bulk operations per app", () => {
        const doc = JSON.parse(output.text);
        const ops = Object.values<Record<string, any>>(doc.paths).flatMap((item) => Object.values<any>(item));
        const apps = new Set(ops.map((op) => op["x-kintone-app-id"]));
        for (const kind of ["bulk-create", "bulk-update", "bulk-delete"])
          expect(ops.filter((op) => op["x-kintone-operation"] === kind).length).toBe(apps.size);
        for (const op of ops.filter((o) => o["x-kintone-operation"] === "upsert")) {
          expect(op["x-kintone-update-key"]).toBeTypeOf("string");
          expect(op.operationId).toMatch(/^upsert[A-Z][A-Za-z0-9]*By[A-Z][A-Za-z0-9]*$/);
        }
        expect(ops.filter((o) => o["x-kintone-update-key"] === "$id").length).toBe(apps.size);
      });
    });
  }
});
