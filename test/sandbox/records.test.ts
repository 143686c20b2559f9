import { request } from "node:http";
import { join } from "node:path";
import { KintoneAllRecordsError, KintoneRestAPIClient, KintoneRestAPIError } from "@kintone/rest-api-client";
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { createSandbox, type Sandbox } from "../../src/sandbox/server.js";
import { FIXTURES } from "../helpers/cli.js";

const NOW = new Date("2026-05-01T09:15:42Z");
let sandbox: Sandbox;
let client: KintoneRestAPIClient;

beforeEach(async () => {
  await sandbox?.close();
  sandbox = await createSandbox({
    now: () => NOW,
    apiTokens: [{ token: "deals-view", appId: "2", permissions: ["view"] }],
  });
  client = new KintoneRestAPIClient({
    baseUrl: sandbox.url,
    auth: { username: "sandbox", password: "sandbox" },
  });
});
afterAll(() => sandbox.close());

async function failure(promise: Promise<unknown>): Promise<KintoneRestAPIError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(KintoneRestAPIError);
  return error as KintoneRestAPIError;
}

const deal = (extra: Record<string, { value: unknown }> = {}) => ({
  Deal_name: { value: "Pilot" },
  Customer: { value: "Cedar Finance" },
  ...extra,
});

describe("records through @kintone/rest-api-client", () => {
  it("adds a record with defaults, system fields, lookup copies and calculations", async () => {
    const { id, revision } = await client.record.addRecord({
      app: 2,
      record: deal({
        Line_items: {
          value: [
            {
              value: { Product: { value: "Gateway" }, Quantity: { value: "3" }, Unit_price: { value: 850 } },
            },
          ],
        },
      }),
    });
    expect(revision).toBe("1");
    const { record } = await client.record.getRecord({ app: 2, id });
    expect(record.$id?.value).toBe(id);
    expect(record.Record_number?.value).toBe(`DEALS-${id}`);
    // Found by an outside attack: a record number with the app code compares by its number ("DEALS-25" is 25).
    const later = await client.record.getRecords({
      app: 2,
      query: `Record_number > "DEALS-${Number(id) - 1}" order by $id asc`,
      fields: ["$id"],
    });
    expect(later.records.map((r) => Number(r.$id?.value))).toEqual([Number(id)]);
    expect(record.Stage?.value).toBe("Prospecting"); // default
    expect(record.Owner?.value).toEqual([{ code: "sandbox", name: "sandbox" }]); // LOGINUSER() default
    expect(record.Created_by?.value).toEqual({ code: "sandbox", name: "sandbox" });
    expect(record.Created_datetime?.value).toBe("2026-05-01T09:15:00Z"); // minute precision
    expect(record.Customer_industry?.value).toBe("Healthcare"); // filled by the lookup (Cedar Finance is in Healthcare)
    expect(record.Amount?.value).toBe("2550");
    const rows = record.Line_items?.value as Array<{ id: string; value: Record<string, { value: unknown }> }>;
    expect(rows[0]?.id).toMatch(/^\d+$/);
    expect(rows[0]?.value.Subtotal?.value).toBe("2550");
  });

  it("keeps decimal numbers digit for digit, as Kintone does (found by an outside attack)", async () => {
    for (const value of ["12345678901234567", "1000000000000000000000", "123456789.123456789"]) {
      const { id } = await client.record.addRecord({
        app: 1,
        record: { Company_name: { value: `Digits ${value}` }, Annual_revenue: { value } },
      });
      const { record } = await client.record.getRecord({ app: 1, id });
      expect(record.Annual_revenue?.value).toBe(value);
    }
  });

  it("takes a null revision as any revision, as cli-kintone sends it (issue #11)", async () => {
    const { id } = await client.record.addRecord({
      app: 1,
      record: { Company_name: { value: "Null Revision Co" } },
    });
    const response = await fetch(`${sandbox.url}/k/v1/records.json`, {
      method: "DELETE",
      headers: {
        "x-cybozu-authorization": Buffer.from("sandbox:sandbox").toString("base64"),
        "content-type": "application/json",
      },
      body: JSON.stringify({ app: 1, ids: [id], revisions: [null] }),
    });
    expect(response.status).toBe(200);
    await expect(client.record.getRecord({ app: 1, id })).rejects.toMatchObject({ code: "GAIA_RE01" });
  });

  it("uploads, attaches and downloads files as Kintone does (the official client's multipart)", async () => {
    const bytes = Buffer.from([0, 1, 2, 255, 254, 10, 13, 0x7f, ...Buffer.from("契約書")]);
    const { fileKey } = await client.file.uploadFile({ file: { name: "契約書.pdf", data: bytes } });
    // A temporary key is no download key.
    expect((await failure(client.file.downloadFile({ fileKey }))).status).toBe(400);
    const { id } = await client.record.addRecord({
      app: 2,
      record: {
        Deal_name: { value: "With a contract" },
        Customer: { value: "Acme Robotics" },
        Proposal: { value: [{ fileKey }] },
      },
    });
    const { record } = await client.record.getRecord({ app: 2, id });
    const [stored] = (record.Proposal?.value ?? []) as Array<{
      fileKey: string;
      name: string;
      size: string;
      contentType: string;
    }>;
    expect(stored).toMatchObject({ name: "契約書.pdf", size: String(bytes.length) });
    expect(stored?.fileKey).not.toBe(fileKey);
    const downloaded = Buffer.from(await client.file.downloadFile({ fileKey: stored?.fileKey as string }));
    expect(downloaded.equals(bytes)).toBe(true);
    // A key that was never uploaded is refused, not stored as an empty file.
    const bad = await failure(
      client.record.updateRecord({
        app: 2,
        id,
        record: { Proposal: { value: [{ fileKey: "no-such-key" }] } },
      }),
    );
    expect(bad.code).toBe("GAIA_BL01");
  });

  it("numbers records with the app code when the app has one", async () => {
    const { id } = await client.record.addRecord({ app: 3, record: { 件名: { value: "テスト" } } });
    const { record } = await client.record.getRecord({ app: 3, id });
    expect(record.レコード番号?.value).toBe(`INQ-${id}`);
    expect(record.種別?.value).toBe("製品について");
    expect(record.問い合わせ日時?.value).toBe("2026-05-01T09:15:00Z"); // defaultNowValue
  });

  it("validates with Kintone's error keys: required, unique, options, numbers, ranges", async () => {
    const error = await failure(
      client.record.addRecord({
        app: 1,
        record: {
          Company_name: { value: "Acme Robotics" },
          Industry: { value: "Mining" },
          Tags: { value: ["Partner", "VIP"] },
          Employees: { value: "many" },
        },
      }),
    );
    expect(error.status).toBe(400);
    expect(error.code).toBe("CB_VA01");
    expect(error.errors).toEqual({
      "record.Company_name.value": { messages: ["This value already exists in another record."] },
      "record.Industry.value": { messages: ['The value, "Mining", is not in options.'] },
      "record.Tags.values[1].value": { messages: ['The value, "VIP", is not in options.'] },
      "record[Employees].value": { messages: ["Only numbers are allowed."] },
    });
    const required = await failure(client.record.addRecord({ app: 1, record: {} }));
    expect(required.errors).toEqual({ "record.Company_name.value": { messages: ["Required."] } });
    const range = await failure(
      client.record.addRecord({ app: 2, record: deal({ Probability: { value: 120 } }) }),
    );
    expect(range.errors).toEqual({
      "record.Probability.value": { messages: ["The value must be 100 or less."] },
    });
  });

  it("refuses a lookup key that matches nothing (GAIA_LO04)", async () => {
    const error = await failure(
      client.record.addRecord({ app: 2, record: deal({ Customer: { value: "Nobody Inc" } }) }),
    );
    expect([error.status, error.code]).toEqual([400, "GAIA_LO04"]);
  });

  it("updates partially, bumps the revision, and refuses a stale revision (409 GAIA_CO02)", async () => {
    const { id } = await client.record.addRecord({ app: 2, record: deal() });
    expect(
      await client.record.updateRecord({ app: 2, id, record: { Probability: { value: 40 } }, revision: 1 }),
    ).toEqual({ revision: "2" });
    const { record } = await client.record.getRecord({ app: 2, id });
    expect(record.Probability?.value).toBe("40");
    expect(record.Deal_name?.value).toBe("Pilot");
    const error = await failure(
      client.record.updateRecord({ app: 2, id, record: { Probability: { value: 50 } }, revision: 1 }),
    );
    expect([error.status, error.code]).toEqual([409, "GAIA_CO02"]);
    expect(
      await client.record.updateRecord({ app: 2, id, record: { Probability: { value: 50 } }, revision: -1 }),
    ).toEqual({ revision: "3" });
  });

  it("merges table rows: by id, new rows get ids, rows left out are deleted, a missing key keeps them", async () => {
    const { record: before } = await client.record.getRecord({ app: 2, id: 1 });
    const rows = before.Line_items?.value as Array<{ id: string; value: Record<string, { value: string }> }>;
    expect(rows.length).toBeGreaterThan(1);
    const [first] = rows;
    await client.record.updateRecord({
      app: 2,
      id: 1,
      record: {
        Line_items: {
          value: [
            { id: first?.id, value: { Quantity: { value: "7" } } },
            { value: { Product: { value: "Support hours" }, Quantity: { value: "1" } } },
          ],
        },
      },
    });
    const { record: after } = await client.record.getRecord({ app: 2, id: 1 });
    const next = after.Line_items?.value as Array<{ id: string; value: Record<string, { value: string }> }>;
    expect(next).toHaveLength(2);
    expect(next[0]?.id).toBe(first?.id);
    expect(next[0]?.value.Product?.value).toBe(first?.value.Product?.value);
    expect(next[0]?.value.Quantity?.value).toBe("7");
    expect(next[1]?.id).not.toBe(rows[1]?.id);
    await client.record.updateRecord({ app: 2, id: 1, record: { Next_step: { value: "Call" } } });
    expect((await client.record.getRecord({ app: 2, id: 1 })).record.Line_items?.value).toEqual(
      after.Line_items?.value,
    );
  });

  it("updates and upserts by updateKey", async () => {
    await client.record.updateRecord({
      app: 1,
      updateKey: { field: "Company_name", value: "Tidal Apps" },
      record: { Employees: { value: 77 } },
    });
    const { records } = await client.record.getRecords({ app: 1, query: 'Company_name = "Tidal Apps"' });
    expect(records[0]?.Employees?.value).toBe("77");
    const result = await client.record.updateRecords({
      app: 1,
      upsert: true,
      records: [
        { updateKey: { field: "Company_name", value: "Tidal Apps" }, record: { Employees: { value: 78 } } },
        { updateKey: { field: "Company_name", value: "Brand New Co" }, record: { Employees: { value: 5 } } },
      ],
    });
    expect(result.records.map((r) => ("operation" in r ? r.operation : undefined))).toEqual([
      "UPDATE",
      "INSERT",
    ]);
    const notUnique = await failure(
      client.record.updateRecord({ app: 1, updateKey: { field: "Phone", value: "x" }, record: {} }),
    );
    expect(notUnique.code).toBe("CB_VA01");
  });

  it("upserts as Kintone's update-records page says: by id, add permission, id or updateKey, text and number keys only", async () => {
    // An id no record has: added, with a new id (not the one sent).
    const byId = await client.record.updateRecords({
      app: 1,
      upsert: true,
      records: [
        { id: 99_999, record: { Company_name: { value: "Upserted By Id" } } },
        { id: 1, record: { Employees: { value: 1 } } },
      ],
    });
    expect(byId.records.map((r) => ("operation" in r ? r.operation : undefined))).toEqual([
      "INSERT",
      "UPDATE",
    ]);
    expect(byId.records[0]?.id).not.toBe("99999");
    const both = await failure(
      client.record.updateRecords({
        app: 1,
        upsert: true,
        records: [{ id: 1, updateKey: { field: "Company_name", value: "x" }, record: {} } as never],
      }),
    );
    expect(both.code).toBe("CB_VA01");
    // Upsert mode may add records, so an API token that may only edit is refused.
    await sandbox.close();
    sandbox = await createSandbox({
      apiTokens: [{ token: "edit-only", appId: "1", permissions: ["view", "edit"] }],
    });
    const editor = new KintoneRestAPIClient({ baseUrl: sandbox.url, auth: { apiToken: "edit-only" } });
    await editor.record.updateRecords({ app: 1, records: [{ id: 1, record: {} }] });
    const refused = await failure(
      editor.record.updateRecords({ app: 1, upsert: true, records: [{ id: 1, record: {} }] }),
    );
    expect(refused.code).toBe("GAIA_NO01");
    // A unique DATE field prohibits duplicates but is not a key Kintone takes (only text and number are).
    await sandbox.close();
    sandbox = await createSandbox({ data: join(FIXTURES, "docs-sample") });
    const docs = new KintoneRestAPIClient({
      baseUrl: sandbox.url,
      auth: { username: "sandbox", password: "sandbox" },
    });
    const dateKey = await failure(
      docs.record.updateRecords({
        app: 1,
        upsert: true,
        records: [{ updateKey: { field: "日付_0", value: "2024-01-01" }, record: {} }],
      }),
    );
    expect(Object.keys(dateKey.errors ?? {})).toEqual(["records[0].updateKey.field"]);
  });

  it("holds every records.json write to 100 records and bulkRequest to 20 requests, changing nothing beyond them", async () => {
    const before = await client.record.getAllRecords({ app: 1 });
    const ids = before.map((r) => Number(r.$id?.value));
    const hundredOne = Array.from({ length: 101 }, (_, i) => ids[i % ids.length] as number);
    const update = await failure(
      client.record.updateRecords({ app: 1, records: hundredOne.map((id) => ({ id, record: {} })) }),
    );
    expect([update.code, Object.keys(update.errors ?? {})]).toEqual(["CB_VA01", ["records"]]);
    const upsert = await failure(
      client.record.updateRecords({
        app: 1,
        upsert: true,
        records: Array.from({ length: 101 }, (_, i) => ({
          updateKey: { field: "Company_name", value: `New ${i}` },
          record: {},
        })),
      }),
    );
    expect(upsert.code).toBe("CB_VA01");
    const remove = await failure(client.record.deleteRecords({ app: 1, ids: hundredOne }));
    expect([remove.code, Object.keys(remove.errors ?? {})]).toEqual(["CB_VA01", ["ids"]]);
    const tooMany = await failure(
      client.bulkRequest({
        requests: Array.from({ length: 21 }, (_, i) => ({
          method: "POST" as const,
          api: "/k/v1/record.json",
          payload: { app: 1, record: { Company_name: { value: `Request ${i}` } } },
        })),
      }),
    );
    expect(tooMany.code).toBe("CB_VA01");
    // 20 requests of 100 records: the most one bulkRequest writes; a refusal in the last one leaves nothing.
    const chunk = (from: number) =>
      Array.from({ length: 100 }, (_, i) => ({ Company_name: { value: `Max ${from + i}` } }));
    const requests = Array.from({ length: 20 }, (_, r) => ({
      method: "POST" as const,
      api: "/k/v1/records.json",
      payload: { app: 1, records: chunk(r * 100) },
    }));
    const refused = await failure(
      client.bulkRequest({
        requests: [
          ...requests.slice(0, 19),
          {
            ...requests[19],
            payload: { app: 1, records: [...chunk(1900).slice(0, 99), { Company_name: { value: "Max 0" } }] },
          },
        ] as never,
      }),
    );
    expect([refused.bulkRequestIndex, Object.keys(refused.errors ?? {})]).toEqual([
      19,
      ["records[99].Company_name.value"],
    ]);
    expect(await client.record.getAllRecords({ app: 1 })).toEqual(before);
    const done = await client.bulkRequest({ requests: requests as never });
    expect(done.results).toHaveLength(20);
    expect(await client.record.getAllRecords({ app: 1 })).toHaveLength(before.length + 2000);
  });

  it("adds, updates and deletes in bulk, all or nothing, with the 100-record limit", async () => {
    const { ids } = await client.record.addRecords({
      app: 1,
      records: [{ Company_name: { value: "One" } }, { Company_name: { value: "Two" } }],
    });
    expect(ids).toHaveLength(2);
    const failed = await failure(
      client.record.addRecords({
        app: 1,
        records: [{ Company_name: { value: "Three" } }, { Company_name: { value: "" } }],
      }),
    );
    expect(failed.errors).toEqual({ "records[1].Company_name.value": { messages: ["Required."] } });
    expect(
      (await client.record.getRecords({ app: 1, query: 'Company_name = "Three"' })).records,
    ).toHaveLength(0);
    const tooMany = await failure(
      client.record.addRecords({
        app: 1,
        records: Array.from({ length: 101 }, (_, i) => ({ Company_name: { value: `N${i}` } })),
      }),
    );
    expect(tooMany.code).toBe("CB_VA01");
    const stale = await failure(
      client.record.deleteRecords({ app: 1, ids: ids.map(Number), revisions: [1, 5] }),
    );
    expect(stale.code).toBe("GAIA_CO02");
    expect(
      (await client.record.getRecords({ app: 1, query: `$id in (${ids.join(",")})` })).records,
    ).toHaveLength(2);
    await client.record.deleteRecords({ app: 1, ids: ids.map(Number) });
    expect(
      (await client.record.getRecords({ app: 1, query: `$id in (${ids.join(",")})` })).records,
    ).toHaveLength(0);
    const missing = await failure(client.record.getRecord({ app: 1, id: 99999 }));
    expect([missing.status, missing.code]).toEqual([404, "GAIA_RE01"]);
  });

  it("runs bulkRequest atomically: a failure rolls back the requests before it", async () => {
    const ok = await client.bulkRequest({
      requests: [
        {
          method: "POST",
          api: "/k/v1/record.json",
          payload: { app: 1, record: { Company_name: { value: "Bulk A" } } },
        },
        {
          method: "PUT",
          api: "/k/v1/record.json",
          payload: { app: 1, id: 1, record: { Employees: { value: 9 } } },
        },
      ],
    });
    expect(ok.results).toHaveLength(2);
    const error = await failure(
      client.bulkRequest({
        requests: [
          {
            method: "POST",
            api: "/k/v1/record.json",
            payload: { app: 1, record: { Company_name: { value: "Bulk B" } } },
          },
          { method: "PUT", api: "/k/v1/record.json", payload: { app: 1, id: 1, revision: 99, record: {} } },
        ],
      }),
    );
    expect(error.bulkRequestIndex).toBe(1);
    expect(error.code).toBe("GAIA_CO02");
    expect(
      (await client.record.getRecords({ app: 1, query: 'Company_name = "Bulk B"' })).records,
    ).toHaveLength(0);
  });

  it("reads everything with getAllRecords by $id seek and by cursor, and adds 3,000 records with addAllRecords", async () => {
    const records = Array.from({ length: 3000 }, (_, i) => ({
      Company_name: { value: `Company ${i}` },
      Employees: { value: i },
    }));
    const added = await client.record.addAllRecords({ app: 1, records });
    expect(added.records).toHaveLength(3000);
    const bySeek = await client.record.getAllRecords({
      app: 1,
      condition: "Employees >= 0",
      fields: ["Company_name"],
    });
    const byCursor = await client.record.getAllRecords({
      app: 1,
      condition: "Employees >= 0",
      orderBy: "Employees desc",
    });
    expect(bySeek.length).toBe(byCursor.length);
    expect(bySeek.length).toBeGreaterThanOrEqual(3000);
    expect(byCursor[0]?.Employees?.value).toBe("2999");
    expect(new Set(bySeek.map((r) => r.$id?.value)).size).toBe(bySeek.length);
    const stats = sandbox.stats().byEndpoint;
    expect(stats["POST bulkRequest"]).toBe(2);
    expect(stats["POST records/cursor"]).toBe(1);
  });

  it("reports the failing chunk of addAllRecords", async () => {
    const records = Array.from({ length: 250 }, (_, i) => ({
      Company_name: { value: i === 120 ? "" : `X${i}` },
    }));
    const error = await client.record.addAllRecords({ app: 1, records }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KintoneAllRecordsError);
    expect((error as KintoneAllRecordsError).numOfProcessedRecords).toBe(0);
  });

  it("serves cursors with their limits", async () => {
    const cursor = await client.record.createCursor({ app: 1, size: 7, query: "order by $id asc" });
    expect(cursor.totalCount).toBe("20");
    const page = await client.record.getRecordsByCursor({ id: cursor.id });
    expect(page.records).toHaveLength(7);
    expect(page.next).toBe(true);
    await client.record.deleteCursor({ id: cursor.id });
    expect((await failure(client.record.getRecordsByCursor({ id: cursor.id }))).status).toBe(400);
    expect((await failure(client.record.createCursor({ app: 1, query: "limit 5" }))).code).toBe("CB_VA01");
    expect((await failure(client.record.createCursor({ app: 1, size: 501 }))).code).toBe("CB_VA01");
    const ids = [];
    for (let i = 0; i < 10; i++) ids.push((await client.record.createCursor({ app: 1 })).id);
    const full = await failure(client.record.createCursor({ app: 1 }));
    expect([full.status, full.code]).toEqual([429, "GAIA_TM12"]);
    for (const id of ids) await client.record.deleteCursor({ id });
  });

  it("answers long queries sent as POST with X-HTTP-Method-Override: GET", async () => {
    const names = Array.from({ length: 400 }, (_, i) => `"Company that does not exist number ${i}"`);
    const query = `Company_name in (${names.join(",")}, "Acme Robotics")`;
    expect(query.length).toBeGreaterThan(4096);
    const result = await client.record.getRecords({ app: 1, query });
    expect(result.records.map((r) => r.Company_name?.value)).toEqual(["Acme Robotics"]);
    expect(sandbox.stats().byEndpoint["GET records"]).toBe(1);
  });

  it("enforces API token permissions per operation", async () => {
    const viewer = new KintoneRestAPIClient({ baseUrl: sandbox.url, auth: { apiToken: "deals-view" } });
    expect((await viewer.record.getRecords({ app: 2, query: "limit 1" })).records).toHaveLength(1);
    const error = await failure(viewer.record.addRecord({ app: 2, record: deal() }));
    expect([error.status, error.code]).toEqual([403, "GAIA_NO01"]);
    expect((await failure(viewer.record.getRecords({ app: 1 }))).code).toBe("GAIA_NO01");
  });
});

describe("records of an app in a guest space", () => {
  it("are reached through /k/guest/{space}/v1/ only", async () => {
    const { FIXTURES } = await import("../helpers/cli.js");
    const { join } = await import("node:path");
    const guest = await createSandbox({ data: join(FIXTURES, "docs-sample"), guestSpaces: ["2"] });
    try {
      const inSpace = new KintoneRestAPIClient({
        baseUrl: guest.url,
        auth: { username: "sandbox", password: "sandbox" },
        guestSpaceId: 2,
      });
      const { id } = await inSpace.record.addRecord({
        app: 1,
        record: { 文字列1行_0: { value: "guest record" }, 数値_0: { value: 5 } },
      });
      expect((await inSpace.record.getRecord({ app: 1, id })).record.文字列1行_0?.value).toBe("guest record");
      const outside = new KintoneRestAPIClient({
        baseUrl: guest.url,
        auth: { username: "sandbox", password: "sandbox" },
      });
      expect((await failure(outside.record.getRecord({ app: 1, id }))).code).toBe("GAIA_IL23");
      const otherSpace = new KintoneRestAPIClient({
        baseUrl: guest.url,
        auth: { username: "sandbox", password: "sandbox" },
        guestSpaceId: 9,
      });
      expect((await failure(otherSpace.record.getRecord({ app: 1, id }))).code).toBe("CB_NO02");
    } finally {
      await guest.close();
    }
  });
});

describe("bad requests", () => {
  function raw(
    method: string,
    path: string,
    body: string,
    headers: Record<string, string> = {},
  ): Promise<{ status: number; body: Record<string, unknown> }> {
    return new Promise((resolve, reject) => {
      const url = new URL(path, sandbox.url);
      const req = request(
        url,
        {
          method,
          headers: {
            "x-cybozu-authorization": Buffer.from("sandbox:sandbox").toString("base64"),
            "content-type": "application/json",
            "content-length": String(Buffer.byteLength(body)),
            ...headers,
          },
        },
        (res) => {
          let text = "";
          res.on("data", (c: Buffer) => {
            text += c;
          });
          res.on("end", () =>
            resolve({
              status: res.statusCode ?? 0,
              body: (text ? JSON.parse(text) : {}) as Record<string, unknown>,
            }),
          );
        },
      );
      req.on("error", reject);
      req.end(body);
    });
  }

  it("answers malformed JSON with 400", async () => {
    const result = await raw("POST", "/k/v1/record.json", '{"app": 1, "record": ');
    expect(result.status).toBe(400);
    expect(result.body.code).toBe("CB_IJ01");
  });

  it("answers an unknown app with 404 GAIA_AP01 and a missing app with CB_VA01", async () => {
    expect((await failure(client.record.getRecords({ app: 999 }))).code).toBe("GAIA_AP01");
    const missing = await raw("GET", "/k/v1/records.json", "");
    expect([missing.status, missing.body.code]).toEqual([400, "CB_VA01"]);
  });

  it("answers no credentials with 401 CB_AU01 and an unknown API with 404", async () => {
    const anonymous = await raw("GET", "/k/v1/records.json?app=1", "", { "x-cybozu-authorization": "" });
    expect(anonymous.status).toBe(401);
    const unknown = await raw("GET", "/k/v1/nothing.json", "");
    expect(unknown.status).toBe(404);
  });

  it("accepts GET parameters as a JSON body and ids[0]= arrays in the query string", async () => {
    const viaBody = await raw(
      "GET",
      "/k/v1/records.json",
      JSON.stringify({ app: 1, query: "$id in (1,2) order by $id asc" }),
    );
    expect((viaBody.body.records as unknown[]).length).toBe(2);
    const viaQs = await raw(
      "GET",
      "/k/v1/records.json?app=1&fields%5B0%5D=Company_name&query=%24id%20%3D%201",
      "",
    );
    expect(viaQs.body.records).toEqual([
      { Company_name: { type: "SINGLE_LINE_TEXT", value: "Acme Robotics" } },
    ]);
  });
});
