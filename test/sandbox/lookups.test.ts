import { cp, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { KintoneRestAPIClient, KintoneRestAPIError } from "@kintone/rest-api-client";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createSandbox, type Sandbox } from "../../src/sandbox/server.js";
import { SAMPLE_APPS_DIR } from "../../src/templates.js";
import { tempDir } from "../helpers/cli.js";

// Sample apps: app 2 (Deals) has the lookup `Customer` → app 1 (Customers) keyed by `Company_name`, copying
// Industry → Customer_industry and Phone → Customer_phone. Kintone runs a lookup only when the request writes the
// lookup field (issue #11 §4): an update that leaves it out neither fails nor refreshes the copies.

let sandbox: Sandbox;
let client: KintoneRestAPIClient;
let cleanup: (() => Promise<void>) | undefined;

/**
 * The sample apps, plus a lookup in app 2's table: `Supplier` (key: app 1's Company_name) copying Phone into
 * `Supplier_phone`, so that rows are covered too.
 */
async function withTableLookup(): Promise<string> {
  const temp = await tempDir();
  cleanup = temp.cleanup;
  await cp(SAMPLE_APPS_DIR, temp.dir, { recursive: true });
  const path = join(temp.dir, "2/form-fields.json");
  const body = JSON.parse(await readFile(path, "utf8"));
  const text = {
    type: "SINGLE_LINE_TEXT",
    noLabel: false,
    required: false,
    unique: false,
    minLength: "",
    maxLength: "",
  };
  Object.assign(body.properties.Line_items.fields, {
    Supplier: {
      ...text,
      code: "Supplier",
      label: "Supplier",
      lookup: {
        relatedApp: { app: "1", code: "CUSTOMERS" },
        relatedKeyField: "Company_name",
        fieldMappings: [{ field: "Supplier_phone", relatedField: "Phone" }],
        lookupPickerFields: ["Company_name"],
        filterCond: "",
        sort: "Record_number desc",
      },
    },
    Supplier_phone: {
      ...text,
      code: "Supplier_phone",
      label: "Supplier phone",
      defaultValue: "",
      expression: "",
    },
  });
  await writeFile(path, JSON.stringify(body));
  return temp.dir;
}

beforeEach(async () => {
  sandbox = await createSandbox({ data: await withTableLookup() });
  client = new KintoneRestAPIClient({
    baseUrl: sandbox.url,
    auth: { username: "sandbox", password: "sandbox" },
  });
});
afterEach(async () => {
  await sandbox.close();
  await cleanup?.();
});

async function failure(promise: Promise<unknown>): Promise<KintoneRestAPIError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(KintoneRestAPIError);
  return error as KintoneRestAPIError;
}

/** A customer in app 1 and a deal in app 2 that looks it up. */
async function customerAndDeal(): Promise<{ customer: string; deal: string }> {
  const { id: customer } = await client.record.addRecord({
    app: 1,
    record: {
      Company_name: { value: "Zephyr Labs" },
      Industry: { value: "Retail" },
      Phone: { value: "+81-3-0000-0001" },
      Rank: { value: "A" },
    },
  });
  const { id: deal } = await client.record.addRecord({
    app: 2,
    record: { Deal_name: { value: "Zephyr pilot" }, Customer: { value: "Zephyr Labs" } },
  });
  const { record } = await client.record.getRecord({ app: 2, id: deal });
  expect([record.Customer_industry?.value, record.Customer_phone?.value]).toEqual([
    "Retail",
    "+81-3-0000-0001",
  ]);
  return { customer, deal };
}

const copies = async (id: string) => {
  const { record } = await client.record.getRecord({ app: 2, id });
  return [record.Customer?.value, record.Customer_industry?.value, record.Customer_phone?.value];
};

describe("lookups run only when the request writes the lookup field", () => {
  it("an update that does not write the lookup succeeds after the source key was renamed", async () => {
    const { customer, deal } = await customerAndDeal();
    await client.record.updateRecord({
      app: 1,
      id: customer,
      record: { Company_name: { value: "Zephyr Holdings" } },
    });
    // Before the fix: 400 GAIA_LO04, since the sandbox looked "Zephyr Labs" up again.
    await client.record.updateRecord({ app: 2, id: deal, record: { Probability: { value: 40 } } });
    const { record } = await client.record.getRecord({ app: 2, id: deal });
    expect(record.Probability?.value).toBe("40");
    expect(await copies(deal)).toEqual(["Zephyr Labs", "Retail", "+81-3-0000-0001"]);
    // The same through updateRecords, which bulk tools such as cli-kintone use.
    await client.record.updateRecords({
      app: 2,
      records: [{ id: deal, record: { Next_step: { value: "Call back" } } }],
    });
    expect(await copies(deal)).toEqual(["Zephyr Labs", "Retail", "+81-3-0000-0001"]);
  });

  it("copies do not refresh silently when an unrelated field is updated", async () => {
    const { customer, deal } = await customerAndDeal();
    await client.record.updateRecord({
      app: 1,
      id: customer,
      record: { Industry: { value: "Finance" }, Phone: { value: "+81-3-0000-0002" } },
    });
    await client.record.updateRecord({ app: 2, id: deal, record: { Next_step: { value: "Demo" } } });
    expect(await copies(deal)).toEqual(["Zephyr Labs", "Retail", "+81-3-0000-0001"]);
  });

  it("writing the lookup field runs it again: copies refresh, an unknown key is 400 GAIA_LO04", async () => {
    const { customer, deal } = await customerAndDeal();
    await client.record.updateRecord({
      app: 1,
      id: customer,
      record: { Industry: { value: "Finance" } },
    });
    // The same key written again: the lookup runs and copies the source's current values.
    await client.record.updateRecord({ app: 2, id: deal, record: { Customer: { value: "Zephyr Labs" } } });
    expect(await copies(deal)).toEqual(["Zephyr Labs", "Finance", "+81-3-0000-0001"]);

    await client.record.updateRecord({
      app: 1,
      id: customer,
      record: { Company_name: { value: "Zephyr Holdings" } },
    });
    const error = await failure(
      client.record.updateRecord({ app: 2, id: deal, record: { Customer: { value: "Zephyr Labs" } } }),
    );
    expect([error.status, error.code]).toEqual([400, "GAIA_LO04"]);
    expect(await copies(deal)).toEqual(["Zephyr Labs", "Finance", "+81-3-0000-0001"]); // nothing written

    await client.record.updateRecord({
      app: 2,
      id: deal,
      record: { Customer: { value: "Zephyr Holdings" } },
    });
    expect(await copies(deal)).toEqual(["Zephyr Holdings", "Finance", "+81-3-0000-0001"]);
  });

  it("on add, a lookup with a value runs (an unknown key is refused); copies sent by the caller are ignored", async () => {
    const error = await failure(
      client.record.addRecord({
        app: 2,
        record: { Deal_name: { value: "Nobody" }, Customer: { value: "Nobody Inc" } },
      }),
    );
    expect([error.status, error.code]).toEqual([400, "GAIA_LO04"]);
    const { id } = await client.record.addRecord({
      app: 2,
      record: {
        Deal_name: { value: "Tidal" },
        Customer: { value: "Tidal Apps" },
        Customer_industry: { value: "Made up" },
      },
    });
    expect((await copies(id)).slice(0, 2)).toEqual(["Tidal Apps", "Finance"]);
  });
});

type Row = { id: string; value: Record<string, { value: unknown }> };

describe("lookups in table rows", () => {
  const rowsOf = async (id: string) => {
    const { record } = await client.record.getRecord({ app: 2, id });
    return record.Line_items?.value as Row[];
  };

  it("rows that do not write the lookup keep their copies; rows that write it, and new rows, run it", async () => {
    const { customer } = await customerAndDeal();
    const { id } = await client.record.addRecord({
      app: 2,
      record: {
        Deal_name: { value: "Supplies" },
        Customer: { value: "Tidal Apps" },
        Line_items: {
          value: [
            {
              value: {
                Product: { value: "Cable" },
                Quantity: { value: 2 },
                Supplier: { value: "Zephyr Labs" },
              },
            },
          ],
        },
      },
    });
    const [row] = await rowsOf(id);
    expect(row?.value.Supplier_phone?.value).toBe("+81-3-0000-0001");
    await client.record.updateRecord({
      app: 1,
      id: customer,
      record: { Company_name: { value: "Zephyr Holdings" }, Phone: { value: "+81-3-0000-0002" } },
    });

    // Leaving the table out, and writing the row without its lookup: both succeed and keep the copy.
    await client.record.updateRecord({ app: 2, id, record: { Next_step: { value: "Ship" } } });
    await client.record.updateRecord({
      app: 2,
      id,
      record: {
        Line_items: {
          value: [
            { id: row?.id, value: { Quantity: { value: 3 } } },
            {
              value: {
                Product: { value: "Plug" },
                Quantity: { value: 1 },
                Supplier: { value: "Zephyr Holdings" },
              },
            },
          ],
        },
      },
    });
    const rows = await rowsOf(id);
    expect(
      rows.map((r) => [r.value.Supplier?.value, r.value.Supplier_phone?.value, r.value.Quantity?.value]),
    ).toEqual([
      ["Zephyr Labs", "+81-3-0000-0001", "3"],
      ["Zephyr Holdings", "+81-3-0000-0002", "1"],
    ]);

    // A row that writes the lookup runs it: the old key now matches nothing.
    const error = await failure(
      client.record.updateRecord({
        app: 2,
        id,
        record: {
          Line_items: { value: rows.map((r) => ({ id: r.id, value: { Supplier: r.value.Supplier } })) },
        },
      }),
    );
    expect([error.status, error.code]).toEqual([400, "GAIA_LO04"]);
  });
});
