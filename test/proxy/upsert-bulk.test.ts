import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { KintoneRestAPIClient } from "@kintone/rest-api-client";
import fc from "fast-check";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { BULK_AT_ONCE } from "../../src/proxy/handlers/bulk.js";
import { createProxyServer } from "../../src/proxy/server.js";
import { SAMPLE_APPS_DIR } from "../../src/templates.js";
import { type Harness, KEY, startHarness } from "../helpers/proxy-harness.js";

/**
 * The upsert and bulk operations end to end over the demo apps (sandbox ← serve ← HTTP): 2,000 records in one
 * bulkRequest, all or nothing (checked by reading the sandbox directly with the official client), a lost answer
 * reported as WriteOutcomeUnknown and never retried, and hostile bodies answered with a 4xx, never a crash.
 * Every fixture app is driven through these operations, with each answer checked against the spec, in
 * test/outside/contract.test.ts.
 */
let h: Harness;
let client: KintoneRestAPIClient;
const ALL = ["list", "get", "create", "update", "delete", "upsert", "bulk"] as const;

beforeAll(async () => {
  h = await startHarness(SAMPLE_APPS_DIR, { operations: ALL, proxy: { retry: { baseMs: 1, retries: 3 } } });
  client = new KintoneRestAPIClient({
    baseUrl: h.sandbox.url,
    auth: { username: "sandbox", password: "sandbox" },
  });
});
afterAll(() => h.close());
beforeEach(() => h.sandbox.setFaults({}));

const customers = (n: number, from = 0) =>
  Array.from({ length: n }, (_, i) => ({
    companyName: `Bulk Co ${from + i}`,
    rank: "B",
    employees: i,
  }));
const count = async () => (await client.record.getAllRecords({ app: 1 })).length;
const bulkCalls = () => h.sandbox.stats().byEndpoint["POST bulkRequest"] ?? 0;

describe("bulk create of 2,000 records", () => {
  it("writes them in one bulkRequest and answers their ids and revisions in input order", async () => {
    const before = await count();
    const calls = bulkCalls();
    const answer = await h.call("POST", "/customers/bulk/create", { body: { records: customers(2000) } });
    expect(answer.status, JSON.stringify(answer.body).slice(0, 300)).toBe(200);
    expect(answer.body.records).toHaveLength(2000);
    expect(bulkCalls() - calls).toBe(1);
    expect(await count()).toBe(before + 2000);
    // Input order: the 1,234th entry is the record named Bulk Co 1233.
    const { id } = answer.body.records[1233];
    const read = await client.record.getRecord({ app: 1, id });
    expect(read.record.Company_name?.value).toBe("Bulk Co 1233");
    expect(read.record.Employees?.value).toBe("1233");
    await h.call("POST", "/customers/bulk/delete", {
      body: { ids: answer.body.records.map((r: { id: number }) => r.id) },
    });
    expect(await count()).toBe(before);
  });

  it("writes nothing when Kintone refuses one record, and names it by its input index", async () => {
    const before = await client.record.getAllRecords({ app: 1 });
    const records = customers(2000, 5000);
    records[1500] = { ...records[1500], companyName: "Bulk Co 5003" } as (typeof records)[number];
    const answer = await h.call("POST", "/customers/bulk/create", { body: { records } });
    expect(answer.status).toBe(400);
    expect(answer.body.error.target).toBe("records[1500]");
    expect(answer.body.error.details[0].target).toBe("records[1500].companyName");
    expect(answer.body.error.message).toMatch(/^Nothing was written: Kintone refused records\[1500\]/);
    // Read directly from the sandbox: the same records, the same revisions.
    const after = await client.record.getAllRecords({ app: 1 });
    expect(after).toEqual(before);
  });

  it("answers 413 over 2,000 records, saying to split, with no Kintone call", async () => {
    const requests = h.sandbox.stats().requests;
    const answer = await h.call("POST", "/customers/bulk/create", { body: { records: customers(2001) } });
    expect(answer.status).toBe(413);
    expect(answer.body.error.message).toMatch(/at most 2,000.*split the list/);
    expect(h.sandbox.stats().requests).toBe(requests);
  });

  it("takes a body over the default 1 MB limit, and refuses one over 12 MB", async () => {
    const big = customers(1000).map((c) => ({ ...c, notes: "n".repeat(1500) }));
    const answer = await h.call("POST", "/customers/bulk/create", { body: { records: big } });
    expect(answer.status, JSON.stringify(answer.body).slice(0, 300)).toBe(200);
    await h.call("POST", "/customers/bulk/delete", {
      body: { ids: answer.body.records.map((r: { id: number }) => r.id) },
    });
    const huge = customers(2000).map((c) => ({ ...c, notes: "n".repeat(7000) }));
    const refused = await h.call("POST", "/customers/bulk/create", { body: { records: huge } });
    expect(refused.status).toBe(413);
  });
});

describe("a bulk write or upsert whose answer is lost", () => {
  it("is WriteOutcomeUnknown, sent to Kintone once and never retried", async () => {
    for (const [path, body] of [
      ["/customers/bulk/create", { records: customers(150, 9000) }],
      ["/customers/bulk/update", { records: [{ id: 1, record: { notes: "x" } }] }],
      ["/customers/bulk/delete", { ids: [1] }],
      ["/customers/upsert/by-company-name", { companyName: "Lost Answer Inc", rank: "A" }],
    ] as const) {
      const before = h.sandbox.stats().requests;
      h.sandbox.setFaults({ reset: 1 });
      const answer = await h.call("POST", path, { body });
      h.sandbox.setFaults({});
      expect([answer.status, answer.body.error.code], path).toEqual([502, "WriteOutcomeUnknown"]);
      expect(answer.body.error.message).toMatch(/may or may not have been applied/);
      // One Kintone call: the write was not repeated.
      expect(h.sandbox.stats().requests - before, path).toBe(1);
    }
  });
});

describe("a bulk write applied by Kintone whose answer is then lost", () => {
  it("is WriteOutcomeUnknown, and the records are there exactly once (never written twice)", async () => {
    const before = await count();
    h.sandbox.setFaults({ lost: 1 });
    const answer = await h.call("POST", "/customers/bulk/create", {
      body: { records: customers(250, 11_000) },
    });
    h.sandbox.setFaults({});
    expect([answer.status, answer.body.error.code]).toEqual([502, "WriteOutcomeUnknown"]);
    const last = await client.record.getRecords({ app: 1, query: 'Company_name = "Bulk Co 11249"' });
    expect(last.records).toHaveLength(1);
    expect(await count()).toBe(before + 250);
  });
});

describe("upsert", () => {
  it("creates, then updates by the unique field, as the official client sees it", async () => {
    const first = await h.call("POST", "/customers/upsert/by-company-name", {
      body: { companyName: "Upsert Ltd", rank: "A", employees: 3, notes: null },
    });
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body).toMatchObject({ revision: 1, created: true });
    const second = await h.call("POST", "/customers/upsert/by-company-name", {
      body: { companyName: "Upsert Ltd", employees: 4, clearFields: ["phone"] },
    });
    expect(second.body).toEqual({ id: first.body.id, revision: 2, created: false });
    const { record } = await client.record.getRecord({ app: 1, id: first.body.id });
    expect([record.Employees?.value, record.Rank?.value, record.Phone?.value]).toEqual(["4", "A", ""]);
    // The official client's own upsert against the sandbox agrees.
    const viaClient = await client.record.updateRecords({
      app: 1,
      upsert: true,
      records: [
        { updateKey: { field: "Company_name", value: "Upsert Ltd" }, record: { Employees: { value: 5 } } },
      ],
    });
    expect(viaClient.records).toEqual([{ id: String(first.body.id), revision: "3", operation: "UPDATE" }]);
  });

  it("names what Kintone refused by property (its error keys are records[0].record.<code>.value)", async () => {
    const refused = await h.call("POST", "/customers/upsert/by-company-name", {
      body: { companyName: "Acme Robotics", employees: -5, rank: "Z" },
    });
    expect(refused.status).toBe(400);
    expect(refused.body.error.details.map((d: { target: string }) => d.target).sort()).toEqual([
      "employees",
      "rank",
    ]);
    const duplicate = await h.call("POST", "/customers/bulk/update", {
      body: {
        records: [
          { id: 1, record: {} },
          { id: 2, record: { companyName: "Acme Robotics" } },
        ],
      },
    });
    expect([duplicate.status, duplicate.body.error.target, duplicate.body.error.details[0].target]).toEqual([
      400,
      "records[1]",
      "records[1].record.companyName",
    ]);
    expect(duplicate.body.error.message).toBe(
      "Nothing was written: Kintone refused records[1] (counting from 0). Kintone refused the record: companyName: This value already exists in another record.",
    );
  });

  it("refuses a missing key, a null key and a key of the wrong type with one sentence", async () => {
    for (const body of [{}, { companyName: null }, { companyName: 5 }, [], "x"]) {
      const answer = await h.call("POST", "/customers/upsert/by-company-name", { body });
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect(answer.body.error.message).toMatch(/\.$/);
    }
    for (const id of [0, -1, 1.5, "1", 2 ** 53]) {
      const answer = await h.call("POST", "/customers/upsert/by-id", { body: { id } });
      expect(answer.status, String(id)).toBe(400);
    }
  });
});

describe("hostile bulk bodies", () => {
  it("are answered with a 4xx naming the problem, never a 500", async () => {
    const cases: Array<[string, unknown]> = [
      ["/customers/bulk/create", null],
      ["/customers/bulk/create", { records: "x" }],
      ["/customers/bulk/create", { records: [1, 2] }],
      ["/customers/bulk/create", { records: [{}], extra: 1 }],
      ["/customers/bulk/create", '{"records":[{"companyName":"A","rank":"A","__proto__":{"x":1}}]}'],
      ["/customers/bulk/update", { records: [{ id: 1 }] }],
      [
        "/customers/bulk/update",
        { records: [{ id: 1, keyProperty: "companyName", keyValue: "x", record: {} }] },
      ],
      ["/customers/bulk/update", { records: [{ keyProperty: "notes", keyValue: "x", record: {} }] }],
      [
        "/customers/bulk/update",
        { records: [{ keyProperty: "companyName", keyValue: { a: 1 }, record: {} }] },
      ],
      ["/customers/bulk/update", { records: [{ id: "1", record: {} }] }],
      ["/customers/bulk/update", { records: [{ id: 1, revision: -1, record: {} }] }],
      ["/customers/bulk/update", { records: [{ id: 1, record: { clearFields: ["nope"] } }] }],
      ["/customers/bulk/delete", { ids: [1, "2"] }],
      ["/customers/bulk/delete", { ids: [1], revisions: [1, 2] }],
      ["/customers/bulk/delete", { ids: [] }],
    ];
    for (const [path, body] of cases) {
      const answer = await h.call("POST", path, {
        raw: typeof body === "string" ? body : JSON.stringify(body),
        headers: { "content-type": "application/json" },
      });
      expect(answer.status, `${path} ${JSON.stringify(body)}`).toBe(400);
      expect(answer.body.error.message.length).toBeGreaterThan(10);
    }
    const bad = await h.call("POST", "/customers/bulk/create", {
      body: { records: [...customers(120), { companyName: "X", rank: "nope" }] },
    });
    expect(bad.body.error.target).toBe("records[120]");
  });

  it("names the record whose revision is stale in a bulk delete (Kintone's conflict does not)", async () => {
    const made = await h.call("POST", "/customers/bulk/create", { body: { records: customers(130, 8000) } });
    const ids = made.body.records.map((r: { id: number }) => r.id);
    const revisions = ids.map((_: number, i: number) => (i === 117 ? 3 : i % 2 === 0 ? 1 : null));
    const stale = await h.call("POST", "/customers/bulk/delete", { body: { ids, revisions } });
    expect([stale.status, stale.body.error.target]).toEqual([409, "ids[117]"]);
    expect(stale.body.error.message).toMatch(
      /^Nothing was written: Kintone refused ids\[117\] \(counting from 0\)\. /,
    );
    const gone = await h.call("POST", "/customers/bulk/delete", { body: { ids } });
    expect(gone.status).toBe(204);
  });

  it("updates by key and by id in one call, the answer in input order", async () => {
    const made = await h.call("POST", "/customers/bulk/create", { body: { records: customers(3, 7000) } });
    const [a, b, c] = made.body.records as Array<{ id: number }>;
    const answer = await h.call("POST", "/customers/bulk/update", {
      body: {
        records: [
          { id: c?.id, record: { employees: 30 } },
          { keyProperty: "companyName", keyValue: "Bulk Co 7000", revision: 1, record: { employees: 10 } },
          { id: b?.id, record: {} },
        ],
      },
    });
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    expect(answer.body.records).toEqual([
      { id: c?.id, revision: 2 },
      { id: a?.id, revision: 2 },
      { id: b?.id, revision: 2 },
    ]);
  });
});

describe("a spec with only the upsert and bulk operations", () => {
  it("is served: its inputs give the properties, the required ones and what clearFields may name", async () => {
    const only = await startHarness(SAMPLE_APPS_DIR, { operations: ["upsert", "bulk"] });
    try {
      expect(Object.keys(only.spec.paths).every((path) => /\/(upsert|bulk)\//.test(path))).toBe(true);
      const created = await only.call("POST", "/customers/bulk/create", {
        body: { records: customers(2, 13_000) },
      });
      expect(created.status, JSON.stringify(created.body)).toBe(200);
      const missing = await only.call("POST", "/customers/bulk/create", {
        body: { records: [{ rank: "A" }] },
      });
      expect([missing.status, missing.body.error.details[0].target]).toEqual([400, "records[0].companyName"]);
      const cleared = await only.call("POST", "/customers/bulk/update", {
        body: { records: [{ id: created.body.records[0].id, record: { clearFields: ["employees"] } }] },
      });
      expect(cleared.status, JSON.stringify(cleared.body)).toBe(200);
      const upserted = await only.call("POST", "/customers/upsert/by-company-name", {
        body: { companyName: "Bulk Co 13001", employees: 9, clearFields: ["notes"] },
      });
      expect(upserted.body).toEqual({ id: created.body.records[1].id, revision: 2, created: false });
      const direct = new KintoneRestAPIClient({
        baseUrl: only.sandbox.url,
        auth: { username: "sandbox", password: "sandbox" },
      });
      const { record } = await direct.record.getRecord({ app: 1, id: created.body.records[0].id });
      expect(record.Employees?.value).toBe("");
    } finally {
      await only.close();
    }
  });
});

describe("bulk requests at once", () => {
  it("are at most BULK_AT_ONCE per process; more are 503 ProxyBusy with Retry-After, nothing written for them", async () => {
    const slow = await startHarness(SAMPLE_APPS_DIR, { operations: ALL, sandbox: { latencyMs: 300 } });
    try {
      const answers = await Promise.all(
        Array.from({ length: BULK_AT_ONCE + 2 }, (_, i) =>
          slow.call("POST", "/customers/bulk/create", { body: { records: customers(3, 20_000 + i * 10) } }),
        ),
      );
      const statuses = answers.map((a) => a.status).sort();
      expect(statuses).toEqual([...Array(BULK_AT_ONCE).fill(200), 503, 503]);
      const busy = answers.find((a) => a.status === 503);
      expect([busy?.body.error.code, busy?.headers.get("retry-after")]).toEqual(["ProxyBusy", "2"]);
    } finally {
      await slow.close();
    }
  });
});

/** Something at the Kintone URL that answers every call with `status` and `body`. */
async function answering(
  status: number,
  body: unknown,
): Promise<{ url: string; server: Server; calls: () => number }> {
  let calls = 0;
  const server = createServer((req, res) => {
    calls++;
    req.resume();
    req.on("end", () => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { url: `http://localhost:${(server.address() as AddressInfo).port}`, server, calls: () => calls };
}

describe("what Kintone answers to a bulkRequest", () => {
  const cases: Array<[string, number, unknown, number, string, string | undefined]> = [
    [
      "a refusal at index 1 (records[3] of the second call)",
      400,
      {
        results: [
          {},
          {
            code: "CB_VA01",
            id: "x",
            message: "Missing or invalid input.",
            errors: { "records[3].Company_name.value": { messages: ["Required."] } },
          },
        ],
      },
      400,
      "ValidationFailed",
      "records[103]",
    ],
    [
      "a 500 inside the results",
      500,
      { results: [{ code: "CB_IL02", id: "x", message: "An unexpected error occurred." }, {}] },
      502,
      "WriteOutcomeUnknown",
      undefined,
    ],
    ["a success with results missing", 200, { results: [{}] }, 502, "WriteOutcomeUnknown", undefined],
    [
      "a success with too few ids",
      200,
      {
        results: [
          { ids: ["1"], revisions: ["1"] },
          { ids: [], revisions: [] },
        ],
      },
      502,
      "WriteOutcomeUnknown",
      undefined,
    ],
    [
      "a refusal with no error at any index",
      400,
      { results: [{}, {}] },
      502,
      "KintoneBadResponse",
      undefined,
    ],
  ];
  it.each(cases)("%s", async (_what, status, body, answered, code, target) => {
    const fake = await answering(status, body);
    const proxy = await createProxyServer({
      spec: h.spec,
      kintone: { baseUrl: fake.url, auth: { kind: "password", username: "sandbox", password: "sandbox" } },
      apiKeys: [KEY],
      port: 0,
    });
    try {
      const response = await fetch(`${proxy.url}/customers/bulk/create`, {
        method: "POST",
        headers: { authorization: `Bearer ${KEY}`, "content-type": "application/json" },
        body: JSON.stringify({ records: customers(150, 30_000) }),
      });
      const answer = await response.json();
      expect([response.status, answer.error.code, answer.error.target]).toEqual([answered, code, target]);
      expect(fake.calls()).toBe(1);
    } finally {
      await proxy.close();
      fake.server.close();
    }
  });
});

describe("fuzzing the upsert and bulk operations", () => {
  it("answers arbitrary JSON bodies with a well-formed answer, never a 500", async () => {
    const value = fc.jsonValue({ maxDepth: 3 });
    const entry = fc.oneof(
      fc.dictionary(
        fc.constantFrom(
          "id",
          "keyProperty",
          "keyValue",
          "revision",
          "record",
          "companyName",
          "rank",
          "employees",
          "clearFields",
          "__proto__",
        ),
        fc.oneof(
          value,
          fc.constantFrom("companyName", "Acme Robotics", 1, 2, -1, null, ["notes"], { rank: "A" }),
        ),
      ),
      value,
    );
    const body = fc.oneof(
      fc.dictionary(
        fc.constantFrom("records", "ids", "revisions", "companyName", "id", "extra"),
        fc.oneof(
          fc.array(entry, { maxLength: 4 }),
          fc.array(fc.integer({ min: -2, max: 30 }), { maxLength: 4 }),
          value,
        ),
      ),
      entry,
    );
    const routes = [
      "/customers/bulk/create",
      "/customers/bulk/update",
      "/customers/bulk/delete",
      "/customers/upsert/by-company-name",
      "/customers/upsert/by-id",
    ];
    await fc.assert(
      fc.asyncProperty(body, fc.constantFrom(...routes), async (json, path) => {
        const answer = await h.call("POST", path, {
          raw: JSON.stringify(json),
          headers: { "content-type": "application/json" },
        });
        expect(
          [200, 204, 400, 404, 409].includes(answer.status),
          `${path} ${JSON.stringify(json)} → ${answer.status} ${JSON.stringify(answer.body)}`,
        ).toBe(true);
        if (answer.status >= 400) {
          expect(typeof answer.body.error.code).toBe("string");
          expect(answer.body.error.message).toMatch(/\S/);
        }
      }),
      { numRuns: 300 },
    );
  });
});
