import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readSpecModel } from "../../src/proxy/spec-model.js";
import { ROOT } from "../helpers/cli.js";

type Schema = Record<string, any>;

const golden = async (name: string) =>
  JSON.parse(await readFile(join(ROOT, `test/fixtures/golden/${name}.json`), "utf8")) as Schema;

describe("readSpecModel: choice options", () => {
  it("come from the inputs' enums, since answers list them in descriptions only", async () => {
    const spec = await golden("sample-apps");
    const model = readSpecModel(spec, "sample-apps");
    const deal = model.resources.find((r) => r.singular === "Deal");
    const customer = model.resources.find((r) => r.singular === "Customer");
    const schemas = spec.components.schemas;
    expect(schemas.Deal.properties.stage.enum).toBeUndefined();
    expect(deal?.properties.get("stage")?.options).toEqual(schemas.DealCreate.properties.stage.enum);
    expect(customer?.properties.get("tags")?.options).toEqual(
      schemas.CustomerCreate.properties.tags.items.enum,
    );
    expect(customer?.properties.get("companyName")?.options).toBeUndefined();
  });

  it("come from the update input when the spec has no create operation", async () => {
    const spec = await golden("sample-apps");
    for (const item of Object.values<Schema>(spec.paths)) delete item.post;
    const deal = readSpecModel(spec, "sample-apps").resources.find((r) => r.singular === "Deal");
    expect(deal?.properties.get("stage")?.options).toEqual(
      spec.components.schemas.DealUpdate.properties.stage.enum,
    );
  });

  it("are absent for a read-only choice and in a spec with no inputs (any value is passed on to Kintone)", async () => {
    const spec = await golden("sample-apps");
    for (const item of Object.values<Schema>(spec.paths)) {
      delete item.post;
      delete item.patch;
    }
    const deal = readSpecModel(spec, "sample-apps").resources.find((r) => r.singular === "Deal");
    expect(deal?.properties.get("stage")?.options).toBeUndefined();
  });

  it("of table columns come from the row input", async () => {
    const spec = await golden("data-loader-subtable");
    const model = readSpecModel(spec, "data-loader-subtable");
    const withChoiceColumn = model.resources.flatMap((r) =>
      [...r.properties.values()].flatMap((p) =>
        [...(p.rows?.values() ?? [])].filter((c) => c.options !== undefined).map((c) => [p.name, c] as const),
      ),
    );
    expect(withChoiceColumn.length).toBeGreaterThan(0);
    for (const [table, column] of withChoiceColumn)
      expect(column.options?.length, `${table}/${column.name}`).toBeGreaterThan(0);
  });
});
