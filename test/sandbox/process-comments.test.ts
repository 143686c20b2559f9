import { join } from "node:path";
import { KintoneRestAPIClient, KintoneRestAPIError } from "@kintone/rest-api-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSandbox, type Sandbox } from "../../src/sandbox/server.js";
import { SAMPLE_APPS_DIR } from "../../src/templates.js";
import { FIXTURES } from "../helpers/cli.js";

// Process management and comments, through the official client, as Kintone answers them (kintone-api.md §1.5,
// §1.10). The docs-sample fixture holds Kintone's documented process management settings unchanged.

async function failure(promise: Promise<unknown>): Promise<KintoneRestAPIError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(KintoneRestAPIError);
  return error as KintoneRestAPIError;
}

describe("process management in the sandbox", () => {
  let sandbox: Sandbox;
  let client: KintoneRestAPIClient;
  beforeAll(async () => {
    sandbox = await createSandbox({ data: join(FIXTURES, "docs-sample") });
    client = new KintoneRestAPIClient({
      baseUrl: sandbox.url,
      auth: { username: "sandbox", password: "sandbox" },
    });
  });
  afterAll(() => sandbox.close());

  let count = 0;
  const add = () =>
    client.record.addRecord({
      app: 1,
      record: {
        文字列1行_0: { value: `申請 ${++count}` },
        ラジオボタン_0: { value: "sample1" },
        数値_0: { value: "5" },
        // Unique, with today as its default: one date per record.
        日付_0: { value: `2024-01-${String(count).padStart(2, "0")}` },
      },
    });

  it("serves the snapshot's settings and starts new records in the first status", async () => {
    const settings = await client.app.getProcessManagement({ app: 1 });
    expect(settings.enable).toBe(true);
    expect(Object.keys(settings.states ?? {})).toEqual(["未処理", "処理中", "完了"]);
    const { id } = await add();
    const { record } = await client.record.getRecord({ app: 1, id });
    expect(record.ステータス?.value).toBe("未処理");
  });

  it("runs an action from the current status: status, assignees and revision +2", async () => {
    const { id, revision } = await add();
    const moved = await client.record.updateRecordStatus({ app: 1, id, action: "処理開始", revision });
    expect(moved.revision).toBe(String(Number(revision) + 2));
    const { record } = await client.record.getRecord({ app: 1, id });
    expect(record.ステータス?.value).toBe("処理中");
    expect(record.作業者?.value).toEqual([{ code: "user1", name: "user1" }]);
    const done = await client.record.updateRecordStatus({
      app: 1,
      id,
      action: "完了する",
      assignee: "sandbox",
    });
    expect(done.revision).toBe(String(Number(revision) + 4));
    expect((await client.record.getRecord({ app: 1, id })).record.作業者?.value).toEqual([
      { code: "sandbox", name: "sandbox" },
    ]);
  });

  it("refuses an action not available from the status, a stale revision, and an unknown record", async () => {
    const { id, revision } = await add();
    expect((await failure(client.record.updateRecordStatus({ app: 1, id, action: "完了する" }))).code).toBe(
      "GAIA_IL03",
    );
    expect(
      (
        await failure(
          client.record.updateRecordStatus({
            app: 1,
            id,
            action: "処理開始",
            revision: Number(revision) + 5,
          }),
        )
      ).code,
    ).toBe("GAIA_CO02");
    expect(
      (await failure(client.record.updateRecordStatus({ app: 1, id: 99999, action: "処理開始" }))).code,
    ).toBe("GAIA_RE01");
    // Nothing moved.
    expect((await client.record.getRecord({ app: 1, id })).record.ステータス?.value).toBe("未処理");
  });

  it("runs many in one call, all or nothing", async () => {
    const a = await add();
    const b = await add();
    const error = await failure(
      client.record.updateRecordsStatus({
        app: 1,
        records: [
          { id: a.id, action: "処理開始" },
          { id: b.id, action: "完了する" },
        ],
      }),
    );
    expect(error.code).toBe("GAIA_IL03");
    expect((await client.record.getRecord({ app: 1, id: a.id })).record.ステータス?.value).toBe("未処理");
  });
});

describe("an app without process management", () => {
  it("refuses status actions with GAIA_ST02", async () => {
    const sandbox = await createSandbox({ data: SAMPLE_APPS_DIR });
    try {
      const client = new KintoneRestAPIClient({
        baseUrl: sandbox.url,
        auth: { username: "sandbox", password: "sandbox" },
      });
      expect((await failure(client.record.updateRecordStatus({ app: 1, id: 1, action: "x" }))).code).toBe(
        "GAIA_ST02",
      );
    } finally {
      await sandbox.close();
    }
  });
});

describe("record comments in the sandbox", () => {
  let sandbox: Sandbox;
  let client: KintoneRestAPIClient;
  beforeAll(async () => {
    sandbox = await createSandbox({ data: SAMPLE_APPS_DIR });
    client = new KintoneRestAPIClient({
      baseUrl: sandbox.url,
      auth: { username: "sandbox", password: "sandbox" },
    });
  });
  afterAll(() => sandbox.close());

  it("adds comments, lists them newest first 10 at a time, and deletes them", async () => {
    const ids: string[] = [];
    for (let i = 1; i <= 12; i++)
      ids.push(
        (
          await client.record.addRecordComment({
            app: 1,
            record: 1,
            comment: {
              text: `note ${i}`,
              ...(i === 1 ? { mentions: [{ code: "sandbox", type: "USER" as const }] } : {}),
            },
          })
        ).id,
      );
    const first = await client.record.getRecordComments({ app: 1, record: 1 });
    expect(first.comments.map((c) => c.text)).toEqual(Array.from({ length: 10 }, (_, i) => `note ${12 - i}`));
    expect(first.older).toBe(true);
    const rest = await client.record.getRecordComments({ app: 1, record: 1, offset: 10 });
    expect(rest.comments.map((c) => c.text)).toEqual(["note 2", "note 1"]);
    expect(rest.comments[1]?.mentions).toEqual([{ code: "sandbox", type: "USER" }]);
    expect(rest.older).toBe(false);
    await client.record.deleteRecordComment({ app: 1, record: 1, comment: ids[0] as string });
    expect(
      (await client.record.getRecordComments({ app: 1, record: 1, offset: 10 })).comments.map((c) => c.text),
    ).toEqual(["note 2"]);
    expect(
      (await failure(client.record.deleteRecordComment({ app: 1, record: 1, comment: ids[0] as string })))
        .code,
    ).toBe("GAIA_RE02");
    expect((await failure(client.record.getRecordComments({ app: 1, record: 1, limit: 11 }))).code).toBe(
      "CB_VA01",
    );
  });
});
