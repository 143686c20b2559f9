import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SAMPLE_APPS_DIR } from "../../src/templates.js";
import { type Harness, KEY, startHarness } from "../helpers/proxy-harness.js";

/**
 * Fuzzing every input path of the proxy over HTTP: query options and bodies made of arbitrary text and JSON must get
 * a well-formed answer in time, never a 500, a hang or a credential.
 */
const KINTONE_PASSWORD = "Kintone-Secret-Password-9f3e";
const ALLOWED = new Set([200, 201, 204, 400, 404, 405, 409, 413, 415]);

describe("fuzzing the proxy", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(SAMPLE_APPS_DIR, {
      sandbox: { password: KINTONE_PASSWORD },
      kintone: { auth: { kind: "password", username: "sandbox", password: KINTONE_PASSWORD } },
    });
  });
  afterAll(() => h.close());

  async function check(method: string, path: string, body?: string) {
    const response = await fetch(`${h.proxy.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${KEY}`, "content-type": "application/json" },
      ...(body !== undefined ? { body } : {}),
      signal: AbortSignal.timeout(5_000),
    });
    const text = await response.text();
    expect(
      ALLOWED.has(response.status),
      `${method} ${path} ${body ?? ""} → ${response.status} ${text.slice(0, 300)}`,
    ).toBe(true);
    if (response.status >= 400) {
      const json = JSON.parse(text);
      expect(typeof json.error.code).toBe("string");
      expect(typeof json.error.message).toBe("string");
    }
    expect(text).not.toContain(KINTONE_PASSWORD);
    expect(text).not.toContain(KEY);
    expect(text).not.toMatch(/\n\s+at .*\.(js|ts):\d+/);
  }

  const text = fc.oneof(
    fc.string({ maxLength: 60 }),
    fc.constantFrom(
      "'",
      "''",
      "(",
      ")",
      "eq",
      " and ",
      "not",
      "null",
      "1e309",
      "-0",
      "2024-13-45",
      "$id",
      "%",
      "\u0000",
      "日本",
      "\\",
      '"',
    ),
  );
  const phrase = fc.array(text, { maxLength: 8 }).map((parts) => parts.join(" "));

  it("answers arbitrary $filter, $orderby, $select, $top, $skip, $count and $skiptoken", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record(
          {
            $filter: phrase,
            $orderby: phrase,
            $select: phrase,
            $top: text,
            $skip: text,
            $count: text,
            $skiptoken: text,
          },
          { requiredKeys: [] },
        ),
        async (params) => {
          const query = new URLSearchParams(params as Record<string, string>).toString();
          await check("GET", `/customers?${query}`);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("answers arbitrary JSON bodies on create and update", async () => {
    const value = fc.jsonValue({ maxDepth: 3 });
    const body = fc.oneof(
      fc.dictionary(
        fc.constantFrom(
          "companyName",
          "industry",
          "employees",
          "tags",
          "accountOwner",
          "customerSince",
          "rank",
          "recordNumber",
          "id",
          "bogus",
          "__proto__",
          "constructor",
        ),
        value,
      ),
      value,
    );
    await fc.assert(
      fc.asyncProperty(
        body,
        fc.constantFrom("POST /customers", "PATCH /customers/2", "PATCH /deals/3", "POST /deals"),
        async (json, route) => {
          const [method, path] = route.split(" ") as [string, string];
          await check(method, path, JSON.stringify(json));
        },
      ),
      { numRuns: 300 },
    );
  });

  it("answers arbitrary paths and raw bodies", async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 40 }), fc.string({ maxLength: 200 }), async (segment, raw) => {
        await check("GET", `/customers/${encodeURIComponent(segment)}`);
        await check("POST", "/customers", raw);
      }),
      { numRuns: 200 },
    );
  });

  it("logged nothing secret", () => {
    const log = JSON.stringify(h.logs);
    expect(log).not.toContain(KINTONE_PASSWORD);
    expect(log).not.toContain(KEY);
  });
});
