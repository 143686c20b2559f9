import { KintoneRestAPIClient, KintoneRestAPIError } from "@kintone/rest-api-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSandbox, type Sandbox } from "../../src/sandbox/server.js";
import { tempDir } from "../helpers/cli.js";
import { QUERY_LAB_NOW, writeQueryLab } from "../helpers/query-lab.js";

/**
 * The query language, case by case, from the documented behaviour (kintone-api.md §4): one or more cases per
 * operator × field type, per function and per error. The clock is fixed at Wednesday 2026-03-18 12:34:56 UTC.
 */
let sandbox: Sandbox;
let client: KintoneRestAPIClient;
let cleanup: () => Promise<void>;

beforeAll(async () => {
  const temp = await tempDir();
  cleanup = temp.cleanup;
  await writeQueryLab(temp.dir);
  sandbox = await createSandbox({ data: temp.dir, now: () => QUERY_LAB_NOW, username: "sandbox" });
  client = new KintoneRestAPIClient({
    baseUrl: sandbox.url,
    auth: { username: "sandbox", password: "sandbox" },
  });
});
afterAll(async () => {
  await sandbox.close();
  await cleanup();
});

async function ids(query: string): Promise<number[]> {
  const { records } = await client.record.getRecords({ app: 1, query, fields: ["$id"] });
  return records.map((r) => Number(r.$id?.value)).sort((a, b) => a - b);
}

async function order(query: string): Promise<number[]> {
  const { records } = await client.record.getRecords({ app: 1, query, fields: ["$id"] });
  return records.map((r) => Number(r.$id?.value));
}

const MATCHES: Array<[string, number[]]> = [
  // SINGLE_LINE_TEXT and LINK: = != in not in like not like
  ['text = "alpha beta"', [1]],
  ['text != "alpha beta"', [2, 3, 4, 5, 6]],
  ['text in ("delta", "epsilon")', [4, 6]],
  ['text not in ("delta", "epsilon")', [1, 2, 3, 5]],
  ['text like "alpha"', [1, 3]],
  ['text like "key"', []],
  ['text like "keyword"', [2]],
  ['text not like "alpha"', [2, 4, 5, 6]],
  ['text = ""', [5]],
  ['text in ("x\\"y")', []],
  ['link = "https://a.example.com"', [1]],
  ['link like "example"', [1, 3]],
  // MULTI_LINE_TEXT, RICH_TEXT, FILE: like / is empty
  ['memo like "second"', [1]],
  ["memo is empty", [2, 3, 4, 5, 6]],
  ["memo is not empty", [1]],
  ['rich like "bold"', [1]],
  ['rich not like "bold"', [2, 3, 4, 5, 6]],
  ['file like "report"', [1]],
  ["file is empty", [2, 4, 5, 6]],
  ["file is not empty", [1, 3]],
  // NUMBER, CALC, RECORD_NUMBER, $id: comparisons and in
  ["num = 10", [1]],
  ['num = "10"', [1]],
  ["num != 10", [2, 3, 4, 5, 6]],
  ["num > 10", [2, 6]],
  ["num >= 10", [1, 2, 6]],
  ["num < 0", [4]],
  ["num <= 0", [4, 5]],
  ["num in (0, 100)", [5, 6]],
  ["num not in (10, 20)", [3, 4, 5, 6]],
  ["calc > 15", [1, 2, 6]],
  ["rn >= 5", [5, 6]],
  ["$id > 4", [5, 6]],
  ["$id in (1, 3)", [1, 3]],
  ["num\u3000>\u300010", [2, 6]],
  // DATE with literals and functions
  ['date = "2026-03-18"', [1]],
  ['date <= "2026-03-18"', [1, 2]],
  ["date = TODAY()", [1]],
  ["date = YESTERDAY()", [2]],
  ["date = TOMORROW()", []],
  ["date > TODAY()", [4, 5, 6]],
  ["date < TODAY()", [2]],
  ["date = FROM_TODAY(4, DAYS)", [5]],
  ["date = FROM_TODAY(-1, DAYS)", [2]],
  ["date = FROM_TODAY(15, DAYS)", [4]],
  ["date = THIS_WEEK()", [1, 2]],
  ["date = NEXT_WEEK()", [5]],
  ["date = NEXT_WEEK(SUNDAY)", [5]],
  ["date = THIS_WEEK(TUESDAY)", [2]],
  ["date = THIS_MONTH()", [1, 2, 5]],
  ["date = THIS_MONTH(17)", [2]],
  ["date = THIS_MONTH(LAST)", []],
  ["date = LAST_MONTH()", []],
  ["date = NEXT_MONTH()", [4]],
  ["date = NEXT_YEAR()", [6]],
  ["date > THIS_YEAR()", [6]],
  // TIME
  ['time < "12:00"', [1, 5]],
  ['time >= "18:00"', [2, 4]],
  ['time = "00:00"', [5]],
  // DATETIME, CREATED_TIME
  ['dt = "2026-03-18T01:00:00Z"', [1]],
  ['dt > "2026-03-18T12:00:00Z"', [4, 6]],
  ['dt < "2026-01-01T00:00:00Z"', [5]],
  ['dt = "2026-03-10"', [2]],
  ["dt = TODAY()", [1, 4]],
  ["dt > NOW()", [6]],
  ["created = TODAY()", [3, 6]],
  ["created = YESTERDAY()", [5]],
  ['created < "2026-01-01"', [4]],
  // RADIO_BUTTON, DROP_DOWN, CHECK_BOX, MULTI_SELECT: in / not in
  ['radio in ("A")', [1, 4]],
  ['radio not in ("A", "B")', [3, 6]],
  ['drop in ("X")', [1, 5]],
  ['drop in ("")', [2]],
  ['drop not in ("X", "")', [3, 4, 6]],
  ['check in ("p")', [1, 4]],
  ['check in ("q", "r")', [1, 3, 6]],
  ['check not in ("p")', [2, 3, 5, 6]],
  ['multi in ("q")', [2, 4]],
  // USER_SELECT, ORGANIZATION_SELECT, GROUP_SELECT, CREATOR: in / not in, LOGINUSER()
  ['user in ("alice")', [1, 4]],
  ["user in (LOGINUSER())", [5]],
  ['user not in ("alice")', [2, 3, 5, 6]],
  ['org in ("sales")', [1]],
  ['grp in ("admins")', [1, 3]],
  ['creator in ("alice")', [1, 3, 6]],
  ["creator in (LOGINUSER())", [4]],
  // STATUS: = != in
  ['status = "Open"', [1, 3, 6]],
  ['status != "Open"', [2, 4, 5]],
  ['status in ("Closed")', [2, 5]],
  // Fields in a table: any row for positive operators, all rows (of a non-empty table) for negative ones
  ['t_text in ("red")', [1, 2, 6]],
  ['t_text not in ("red")', [4, 5]],
  ["t_num > 8", [2]],
  ['t_text like "blue"', [1, 4]],
  ['t_text in ("red") and t_num > 4', [2]],
  // and / or / parentheses (and binds tighter)
  ['radio in ("A") and num > 5', [1]],
  ['radio in ("A") or status = "Closed"', [1, 2, 4, 5]],
  ['(radio in ("A") or radio in ("B")) and num >= 10', [1, 2]],
  ['radio in ("C") or radio in ("A") and num > 5', [1, 3, 6]],
];

describe("query language: matches", () => {
  it.each(MATCHES)("%s", async (query, expected) => {
    expect(await ids(query)).toEqual(expected);
  });
});

describe("query language: order by, limit, offset, totalCount", () => {
  it.each([
    ["", [6, 5, 4, 3, 2, 1]],
    ["order by num desc", [6, 2, 1, 3, 5, 4]],
    ["order by radio asc, num desc", [1, 4, 2, 5, 6, 3]],
    ["order by $id asc limit 2", [1, 2]],
    ["limit 2 offset 1", [5, 4]],
    ['status = "Open" order by date asc', [3, 1, 6]],
  ])("%j", async (query, expected) => {
    expect(await order(query)).toEqual(expected);
  });

  it("counts all matches with totalCount, whatever the limit", async () => {
    const result = await client.record.getRecords({
      app: 1,
      query: 'status = "Open" limit 1',
      totalCount: true,
    });
    expect(result.records).toHaveLength(1);
    expect(result.totalCount).toBe("3");
    expect((await client.record.getRecords({ app: 1, query: "limit 1" })).totalCount).toBeNull();
  });
});

describe("query language: errors", () => {
  it.each([
    ["unknown = 1", 400, "GAIA_IQ11"],
    ['radio = "A"', 400, "GAIA_IQ03"],
    ['memo = "x"', 400, "GAIA_IQ03"],
    ['date like "2026"', 400, "GAIA_IQ03"],
    ['t_text = "red"', 400, "GAIA_IQ07"],
    ['drop in ("W")', 400, "GAIA_IQ10"],
    ['table.t_text in ("red")', 400, "GAIA_IR02"],
    ["limit 501", 400, "GAIA_QU01"],
    ["offset 10001", 400, "GAIA_QU02"],
    ["text = ", 400, "CB_VA01"],
    ['text = "open', 400, "CB_VA01"],
    ["limit -1", 400, "CB_VA01"],
    ["limit 1 order by $id asc", 400, "CB_VA01"],
    ["date = FROM_TODAY(1, HOURS)", 400, "GAIA_IQ25"],
    ["date = THIS_MONTH(32)", 400, "GAIA_IQ23"],
    ["date = THIS_WEEK(FUNDAY)", 400, "GAIA_IQ23"],
    ["date = TODAY(1)", 400, "GAIA_IL08"],
    ["user in (LOGINUSER(1))", 400, "GAIA_IL08"],
  ])("%s → %i %s", async (query, status, code) => {
    const error = await client.record.getRecords({ app: 1, query }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(KintoneRestAPIError);
    expect((error as KintoneRestAPIError).status).toBe(status);
    expect((error as KintoneRestAPIError).code).toBe(code);
  });

  it("refuses fields in a table in order by", async () => {
    const error = (await client.record
      .getRecords({ app: 1, query: "order by t_num asc" })
      .catch((e: unknown) => e)) as KintoneRestAPIError;
    expect(error.status).toBe(400);
  });

  it("reports a syntax error under errors.query", async () => {
    const error = (await client.record
      .getRecords({ app: 1, query: "text = " })
      .catch((e: unknown) => e)) as KintoneRestAPIError;
    expect(Object.keys(error.errors)).toEqual(["query"]);
  });
});
