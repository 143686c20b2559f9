import { KintoneRestAPIClient } from "@kintone/rest-api-client";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createSandbox, type Sandbox } from "../../src/sandbox/server.js";

// Requests the official cli-kintone (@kintone/cli 1.19.2) sent to the sandbox in test/outside/cli-kintone.test.ts,
// recorded with a logging forwarder and replayed here through @kintone/rest-api-client, so that a sandbox change
// that breaks cli-kintone fails close to the code (issue #11 §5).

let sandbox: Sandbox;
let client: KintoneRestAPIClient;

beforeEach(async () => {
  sandbox = await createSandbox();
  client = new KintoneRestAPIClient({
    baseUrl: sandbox.url,
    auth: { username: "sandbox", password: "sandbox" },
  });
});
afterEach(() => sandbox.close());

const ids = async (app: number) =>
  (await client.record.getAllRecordsWithId({ app, fields: ["$id"] })).map((r) => Number(r.$id?.value));

describe("what cli-kintone sends", () => {
  it("import --update-key <record number>: upsert by id adds the records no id finds (deleted, or no number)", async () => {
    // `record import --update-key レコード番号` sends each CSV row as {id: <number without app code>, record}, and a
    // row without a number as a made-up id counting down from Number.MAX_SAFE_INTEGER, all with upsert: true.
    await client.record.deleteRecords({ app: 3, ids: [1] });
    const before = await ids(3);
    const record = (subject: string) => ({
      件名: { value: subject },
      種別: { value: "その他" },
      対応状況: { value: "未対応" },
    });
    const { results } = await client.bulkRequest({
      requests: [
        {
          method: "PUT",
          api: "/k/v1/records.json",
          payload: {
            app: "3",
            upsert: true,
            records: [
              { id: "1", record: record("Deleted, imported again") },
              { id: "2", record: record("Updated") },
              { id: String(Number.MAX_SAFE_INTEGER), record: record("No record number") },
            ],
          },
        },
      ],
    });
    // Before the fix: 404 GAIA_RE01 "The specified record (ID: 1) is not found."
    const [first] = results as Array<{ records: Array<{ id: string; operation: string }> }>;
    const next = Math.max(...before) + 1;
    expect(first?.records.map((r) => [r.id, r.operation])).toEqual([
      [String(next), "INSERT"],
      ["2", "UPDATE"],
      [String(next + 1), "INSERT"],
    ]);
    expect(await ids(3)).toEqual([...before, next, next + 1]);
    const { record: inserted } = await client.record.getRecord({ app: 3, id: next + 1 });
    expect([inserted.件名?.value, inserted.$revision?.value]).toEqual(["No record number", "1"]);
    const { record: updated } = await client.record.getRecord({ app: 3, id: 2 });
    expect([updated.件名?.value, updated.$revision?.value]).toEqual(["Updated", "2"]);
  });

  it("without upsert, an id that finds nothing is still 404 GAIA_RE01", async () => {
    const error = await client.record.updateRecords({ app: 3, records: [{ id: 999, record: {} }] }).then(
      () => undefined,
      (e: { status: number; code: string }) => [e.status, e.code],
    );
    expect(error).toEqual([404, "GAIA_RE01"]);
  });

  it("record delete: ids with revisions [null, …] in a bulk request delete whatever the revision", async () => {
    await client.record.updateRecord({ app: 3, id: 2, record: { 件名: { value: "Revision 2" } } });
    await client.bulkRequest({
      requests: [
        {
          method: "DELETE",
          api: "/k/v1/records.json",
          payload: { app: "3", ids: [1, 2, 3], revisions: [null, null, null] },
        },
      ],
    });
    expect((await ids(3)).slice(0, 1)).toEqual([4]);
  });
});
