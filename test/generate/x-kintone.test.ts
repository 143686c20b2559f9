import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildDocument, OPERATIONS } from "../../src/generate/build-document.js";
import { buildAppFields, type PropertyModel } from "../../src/generate/model.js";
import {
  fieldExtensions,
  kindOfProperty,
  operationExtensions,
  readFieldExtensions,
  readOperationExtensions,
} from "../../src/generate/x-kintone.js";
import { SnapshotMetadataSource } from "../../src/kintone/snapshot-source.js";
import type { PropertyInfo, PropertyMap } from "../../src/odata/translate-filter.js";
import { readSpecModel } from "../../src/proxy/spec-model.js";
import { readBaseSpec, SAMPLE_APPS_DIR } from "../../src/templates.js";
import { FIXTURES } from "../helpers/cli.js";

const cases = [
  ...(await readdir(FIXTURES, { withFileTypes: true }))
    .filter((d) => d.isDirectory())
    .map((d) => [d.name, join(FIXTURES, d.name)] as const),
  ["sample-apps", SAMPLE_APPS_DIR] as const,
];

/** The part of the model the spec must carry to the proxy. */
type Carried = {
  name: string;
  code: string;
  type: string;
  kind: string;
  readOnly: boolean;
  rows?: Carried[];
};

function fromModel(properties: readonly PropertyModel[], inTable: boolean): Carried[] {
  const carried: Carried[] = properties.map((p) => ({
    name: p.name,
    code: p.code,
    type: p.type,
    kind: p.kind,
    readOnly: !p.writable,
    ...(p.rows !== undefined ? { rows: fromModel(p.rows, true) } : {}),
  }));
  // A row's id is the row's own, not a Kintone field.
  return inTable
    ? [{ name: "id", code: "id", type: "__ROW_ID__", kind: "__ROW_ID__", readOnly: true }, ...carried]
    : carried;
}

function fromSpec(properties: PropertyMap): Carried[] {
  return [...properties.values()].map((p: PropertyInfo) => ({
    name: p.name,
    code: p.code,
    type: p.type,
    kind: p.kind,
    readOnly: p.readOnly,
    ...(p.rows !== undefined ? { rows: fromSpec(p.rows) } : {}),
  }));
}

const byName = (a: Carried, b: Carried) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
const sorted = (list: Carried[]): Carried[] =>
  list.map((c) => (c.rows ? { ...c, rows: sorted(c.rows) } : c)).sort(byName);

describe.each(cases)("x-kintone round trip: %s", async (_name, dir) => {
  const apps = await new SnapshotMetadataSource(dir).readApps([]);
  const build = { proxyUrl: "https://proxy.example.com/kintone", operations: [...OPERATIONS] };
  const { document } = buildDocument(apps, build, await readBaseSpec());
  const model = readSpecModel(JSON.parse(JSON.stringify(document)), "the generated spec");

  it("serve reads back one resource per app, with its operations and base path", () => {
    expect(model.basePath).toBe("/kintone");
    expect(model.resources.map((r) => r.appId).sort()).toEqual(apps.map((a) => a.app.appId).sort());
    for (const resource of model.resources)
      expect([...resource.operations.keys()].sort()).toEqual([...OPERATIONS].sort());
  });

  it.each(apps.map((meta) => [meta.app.appId, meta] as const))(
    "app %s: every property, as the model made it",
    (appId, meta) => {
      const resource = model.resources.find((r) => r.appId === appId);
      const { properties } = buildAppFields(meta);
      expect(sorted(fromSpec(resource?.properties ?? new Map()))).toEqual(
        sorted(fromModel(properties, false)),
      );
      expect([...(resource?.required ?? [])].sort()).toEqual(
        properties
          .filter((p) => p.requiredOnCreate)
          .map((p) => p.name)
          .sort(),
      );
      expect(resource?.guestSpaceId).toBe(meta.guestSpaceId);
    },
  );
});

describe("x-kintone: what is written is what is read", () => {
  it("field extensions", () => {
    expect(readFieldExtensions(fieldExtensions("会社名", "SINGLE_LINE_TEXT"))).toEqual({
      code: "会社名",
      type: "SINGLE_LINE_TEXT",
    });
    expect(readFieldExtensions({})).toBeUndefined();
    expect(() =>
      readFieldExtensions({ "x-kintone-field-code": "a", "x-kintone-field-type": "LABEL" }),
    ).toThrow(/not a Kintone field type/);
    expect(() =>
      readFieldExtensions({ "x-kintone-field-code": 1, "x-kintone-field-type": "NUMBER" }),
    ).toThrow(/must both be strings/);
  });

  it("operation extensions, with and without a guest space", () => {
    const plain = { appId: "12", operation: "list" };
    const guest = { appId: "12", operation: "get", guestSpaceId: "3" };
    expect(readOperationExtensions(operationExtensions(plain))).toEqual(plain);
    expect(readOperationExtensions(operationExtensions(guest))).toEqual(guest);
    expect(() =>
      readOperationExtensions(operationExtensions({ appId: "1/../2", operation: "list" })),
    ).toThrow(/digits only/);
  });

  it("CALC kinds from the schema written for each result format", () => {
    expect(kindOfProperty("CALC", { type: "number" })).toBe("CALC");
    expect(kindOfProperty("CALC", { type: "string", format: "date" })).toBe("CALC_DATE");
    expect(kindOfProperty("CALC", { type: "string", format: "date-time" })).toBe("CALC_DATETIME");
    expect(kindOfProperty("CALC", { type: "string" })).toBe("CALC_TEXT");
    expect(kindOfProperty("DATE", { type: "string", format: "date" })).toBe("DATE");
  });
});
