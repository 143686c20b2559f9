import { existsSync } from "node:fs";
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { OPERATIONS, type OperationName } from "../../src/generate/build-document.js";
import { generateSpec } from "../../src/generate/generate.js";
import { SnapshotMetadataSource } from "../../src/kintone/snapshot-source.js";
import { readBaseSpec, SAMPLE_APPS_DIR } from "../../src/templates.js";
import { diffDocuments } from "../../src/validate/diff.js";
import { validateDocument } from "../../src/validate/validate-document.js";
import { FIXTURES, ROOT } from "../helpers/cli.js";

/**
 * Golden specs with the files, status and comments operations (issue #14), one per fixture snapshot and the demo
 * apps: `UPDATE_GOLDEN=1` rewrites them. The default specs stay in golden/<name>.json, unchanged by these groups.
 */
const GOLDEN = join(ROOT, "test/fixtures/golden/files-status-comments");
const UPDATE = process.env.UPDATE_GOLDEN === "1";
const cases = [
  ...(await readdir(FIXTURES, { withFileTypes: true }))
    .filter((d) => d.isDirectory())
    .map((d) => [d.name, join(FIXTURES, d.name)] as const),
  ["sample-apps", SAMPLE_APPS_DIR] as const,
];
const operations: OperationName[] = [...OPERATIONS, "files", "status", "comments"];

describe("generate --operations …,files,status,comments over each fixture", () => {
  for (const [name, dir] of cases) {
    describe(name, async () => {
      const output = await generateSpec({
        source: new SnapshotMetadataSource(dir),
        appIds: [],
        build: { proxyUrl: "http://localhost:8080", operations },
        base: await readBaseSpec(),
      });
      const doc = JSON.parse(output.text);
      const ops = Object.values<Record<string, any>>(doc.paths).flatMap((item) => Object.values(item));

      it("matches the committed golden spec", async () => {
        const path = join(GOLDEN, `${name}.json`);
        if (UPDATE || !existsSync(path)) {
          await mkdir(GOLDEN, { recursive: true });
          await writeFile(path, output.text);
        }
        expect(output.text).toBe(await readFile(path, "utf8"));
      });

      it("passes every Salesforce rule with no error and no warning", () => {
        expect(validateDocument(doc)).toEqual([]);
      });

      it("is a safe change for a spec registered without the groups (diff: nothing breaking)", async () => {
        const registered = JSON.parse(
          await readFile(join(ROOT, `test/fixtures/golden/${name}.json`), "utf8"),
        );
        const changes = diffDocuments(registered, doc);
        expect(changes.filter((c) => c.breaking)).toEqual([]);
        expect(changes.length).toBeGreaterThan(0);
      });

      it("gives each opt-in operation a lowerCamelCase id, the app id, its kind, a success and a default answer", () => {
        for (const op of ops) {
          expect(op.operationId).toMatch(/^[a-z][A-Za-z0-9]*$/);
          expect(op["x-kintone-app-id"]).toMatch(/^\d+$/);
          expect(Object.keys(op.responses)).toHaveLength(2);
          expect(op.responses.default.content["application/json"].schema.$ref).toBe(
            "#/components/schemas/ErrorResponse",
          );
        }
      });

      it("makes FILE properties writable (they are read-only without files)", () => {
        for (const [schemaName, schema] of Object.entries<Record<string, any>>(doc.components.schemas)) {
          if (!/(Create|Update)$/.test(schemaName)) continue;
          const record = doc.components.schemas[schemaName.replace(/(Create|Update)$/, "")];
          for (const [prop, value] of Object.entries<Record<string, any>>(record.properties)) {
            if (value["x-kintone-field-type"] === "FILE") expect(schema.properties[prop], prop).toBeDefined();
          }
        }
      });

      it("has an upload and a download operation exactly for apps with FILE fields, run-action for apps with process management", () => {
        const apps = [...new Set(ops.map((op) => op["x-kintone-app-id"] as string))];
        for (const appId of apps) {
          const kinds = ops
            .filter((op) => op["x-kintone-app-id"] === appId)
            .map((op) => op["x-kintone-operation"]);
          expect(kinds).toContain("list-comments");
          expect(kinds).toContain("add-comment");
          const record = Object.values<Record<string, any>>(doc.components.schemas).find(
            (s) => s["x-kintone-app-id"] === appId && s.properties?.revision !== undefined,
          ) as Record<string, any>;
          const types = Object.values<Record<string, any>>(record.properties).map(
            (p) => p["x-kintone-field-type"],
          );
          expect(kinds.includes("download-file")).toBe(types.includes("FILE"));
          if (kinds.includes("run-action")) expect(types).toContain("STATUS");
        }
      });
    });
  }

  it("is byte-identical to the default spec when no opt-in group is asked for (data-loader has no FILE field)", async () => {
    const output = await generateSpec({
      source: new SnapshotMetadataSource(join(FIXTURES, "data-loader")),
      appIds: [],
      build: { proxyUrl: "http://localhost:8080", operations: [...OPERATIONS] },
      base: await readBaseSpec(),
    });
    expect(output.text).toBe(await readFile(join(ROOT, "test/fixtures/golden/data-loader.json"), "utf8"));
  });

  it("warns, and adds no run-action, for an app whose process management is off or was not read", async () => {
    const output = await generateSpec({
      source: new SnapshotMetadataSource(SAMPLE_APPS_DIR),
      appIds: [],
      build: { proxyUrl: "http://localhost:8080", operations },
      base: await readBaseSpec(),
    });
    expect(output.warnings.join("\n")).toContain('app 1 "Customers": its process management is off');
    const all = await generateSpec({
      source: new SnapshotMetadataSource(join(FIXTURES, "java-client-all-types")),
      appIds: [],
      build: { proxyUrl: "http://localhost:8080", operations },
      base: await readBaseSpec(),
    });
    expect(all.warnings.join("\n")).toContain("process management settings were not read");
    expect(all.text).not.toContain('"run-action"');
  });
});
