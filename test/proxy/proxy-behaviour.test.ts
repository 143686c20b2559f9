import { createServer } from "node:net";
import { KintoneRestAPIClient } from "@kintone/rest-api-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SAMPLE_APPS_DIR } from "../../src/templates.js";
import { tempDir } from "../helpers/cli.js";
import { type Harness, KEY, startHarness } from "../helpers/proxy-harness.js";
import { writeSyntheticSnapshot } from "../helpers/synthetic.js";

describe("paging", () => {
  let h: Harness;
  let list = "";
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    const temp = await tempDir();
    cleanup = temp.cleanup;
    await writeSyntheticSnapshot(temp.dir, 1, 3);
    h = await startHarness(temp.dir);
    list = Object.keys(h.spec.paths)[0] as string;
    const client = new KintoneRestAPIClient({
      baseUrl: h.sandbox.url,
      auth: { username: "sandbox", password: "sandbox" },
    });
    const records = Array.from({ length: 25_000 }, (_, i) => ({
      Field_0_single_line_text: { value: `Name ${String(i % 997).padStart(4, "0")}` },
      Field_1_number: { value: i % 1000 },
    }));
    await client.record.addAllRecords({ app: 1, records });
  });
  afterAll(async () => {
    await h.close();
    await cleanup();
  });

  async function walk(first: string): Promise<{ ids: number[]; pages: number; calls: number }> {
    const before = h.sandbox.stats().byEndpoint;
    const ids: number[] = [];
    let path: string | undefined = first;
    let pages = 0;
    while (path !== undefined) {
      const page = await h.call("GET", path);
      expect(page.status, JSON.stringify(page.body)).toBe(200);
      expect(page.body.value.length).toBeLessThanOrEqual(500);
      ids.push(...page.body.value.map((r: { id: number }) => r.id));
      pages++;
      path = page.body.skipToken
        ? `${first}${first.includes("?") ? "&" : "?"}$skiptoken=${page.body.skipToken}`
        : undefined;
      if (page.body.skipToken) expect(page.body.nextLink).toContain(`%24skiptoken=${page.body.skipToken}`);
    }
    const after = h.sandbox.stats().byEndpoint;
    const calls = Object.entries(after).reduce((n, [k, v]) => n + v - (before[k] ?? 0), 0);
    return { ids, pages, calls };
  }

  it("returns each of 25,000 records exactly once with $top=500, past offset 10,000, in ceil(25000/500)+1 Kintone calls", async () => {
    const { ids, calls } = await walk(`${list}?$top=500&$select=id`);
    expect(ids).toHaveLength(25_000);
    expect(new Set(ids).size).toBe(25_000);
    expect(ids).toEqual([...ids].sort((a, b) => b - a)); // default order: id desc
    expect(calls).toBeLessThanOrEqual(51);
  });

  it("pages a filtered, custom-ordered listing past offset 10,000 with no duplicates or gaps", async () => {
    const filter = encodeURIComponent("field1Number lt 600");
    const { ids } = await walk(
      `${list}?$top=500&$orderby=field0SingleLineText asc&$filter=${filter}&$select=id,field0SingleLineText`,
    );
    expect(ids).toHaveLength(15_000);
    expect(new Set(ids).size).toBe(15_000);
  });

  it("honours $skip, $count and a changed query's token", async () => {
    const page = await h.call("GET", `${list}?$top=3&$skip=12000&$count=true&$orderby=id asc`);
    expect(page.body.value.map((r: { id: number }) => r.id)).toEqual([12001, 12002, 12003]);
    expect(page.body.count).toBe(25_000);
    const other = await h.call(
      "GET",
      `${list}?$top=3&$filter=${encodeURIComponent("id gt 5")}&$skiptoken=${page.body.skipToken}`,
    );
    expect(other.status).toBe(400);
    expect(other.body.error.code).toBe("InvalidSkipToken");
    const forged = await h.call("GET", `${list}?$skiptoken=eyJtIjoic2VlayIsImxhc3QiOiIxIG9yIDE9MSJ9`);
    expect(forged.status).toBe(400);
  });

  it.each([
    ["$top=0", "$top"],
    ["$top=501", "$top"],
    ["$top=abc", "$top"],
    ["$skip=-1", "$skip"],
    ["$count=yes", "$count"],
    ["$orderby=nope", "$orderby"],
    ["$orderby=id sideways", "$orderby"],
    ["$select=nope", "$select"],
    ["$filter=id%20eq", "$filter"],
  ])("refuses %s with 400 naming %s", async (query, target) => {
    const result = await h.call("GET", `${list}?${query}`);
    expect(result.status).toBe(400);
    expect(result.body.error.target).toBe(target);
  });
});

describe("auth, limits, operations endpoints and the access log", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(SAMPLE_APPS_DIR, { proxy: { maxBodyBytes: 2000 } });
  });
  afterAll(() => h.close());

  it("refuses a missing or wrong key with 401 before any Kintone call", async () => {
    const before = h.sandbox.stats().requests;
    expect((await h.call("GET", "/customers", { headers: { authorization: "" } })).status).toBe(401);
    const wrong = await h.call("GET", "/customers", { headers: { authorization: "Bearer nope" } });
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get("www-authenticate")).toMatch(/^Bearer/);
    expect(wrong.body.error.code).toBe("Unauthorized");
    expect(h.sandbox.stats().requests).toBe(before);
    expect(
      (await h.call("GET", "/customers?$top=1", { headers: { authorization: "", "x-api-key": KEY } })).status,
    ).toBe(200);
  });

  it("limits the body (413), wants JSON (415, 400) and answers unknown routes (404, 405)", async () => {
    expect((await h.call("POST", "/customers", { body: { notes: "x".repeat(3000) } })).status).toBe(413);
    expect(
      (
        await h.call("POST", "/customers", {
          raw: "companyName=x",
          headers: { "content-type": "application/x-www-form-urlencoded" },
        })
      ).status,
    ).toBe(415);
    expect(
      (await h.call("POST", "/customers", { raw: "{", headers: { "content-type": "application/json" } })).body
        .error.code,
    ).toBe("InvalidJson");
    expect((await h.call("GET", "/nothing")).status).toBe(404);
    const wrongMethod = await h.call("PUT", "/customers/1", { body: {} });
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get("allow")).toBe("GET, PATCH, DELETE, HEAD");
    expect((await h.call("GET", "/customers/abc")).body.error.code).toBe("InvalidId");
  });

  it("serves /openapi.json to key holders, /healthz and /readyz to anyone, with no server banner or CORS", async () => {
    const spec = await h.call("GET", "/openapi.json");
    expect(spec.body).toEqual(h.spec);
    expect((await h.call("GET", "/openapi.json", { headers: { authorization: "" } })).status).toBe(401);
    const health = await h.call("GET", "/healthz", { headers: { authorization: "" } });
    expect(health.body).toEqual({ status: "ok" });
    const ready = await h.call("GET", "/readyz", { headers: { authorization: "" } });
    expect(ready.body).toEqual({ status: "ready" });
    expect(health.headers.get("server")).toBeNull();
    expect(health.headers.get("x-powered-by")).toBeNull();
    expect(health.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("maps Kintone's answers: validation 400 in property names, 404, 409, lookup 400", async () => {
    const unique = await h.call("POST", "/customers", {
      body: { companyName: "Acme Robotics", industry: "Mining" },
    });
    expect(unique.status).toBe(400);
    expect(unique.body.error.details).toEqual(
      expect.arrayContaining([
        {
          code: "InvalidValue",
          target: "companyName",
          message: "This value already exists in another record.",
        },
        { code: "InvalidValue", target: "industry", message: 'The value, "Mining", is not in options.' },
      ]),
    );
    const row = await h.call("POST", "/deals", {
      body: { dealName: "x", customer: "Acme Robotics", lineItems: [{ product: "p", quantity: 0 }] },
    });
    expect(row.status).toBe(400);
    expect(row.body.error.details).toEqual([
      { code: "InvalidValue", target: "lineItems[0].quantity", message: "The value must be 1 or more." },
    ]);
    expect((await h.call("GET", "/customers/99999")).status).toBe(404);
    expect((await h.call("PATCH", "/customers/1?revision=7", { body: { notes: "x" } })).status).toBe(409);
    expect((await h.call("DELETE", "/customers/1?revision=7")).status).toBe(409);
    const lookup = await h.call("POST", "/deals", { body: { dealName: "x", customer: "Nobody" } });
    expect([lookup.status, lookup.body.error.code]).toEqual([400, "LookupNotFound"]);
    const typed = await h.call("PATCH", "/customers/1", {
      body: { customerSince: "2024-02-30", employees: "7 people", createdBy: { code: "x" }, rows: [] },
    });
    expect(typed.status).toBe(400);
    expect(typed.body.error.details.map((d: { target: string; code: string }) => [d.target, d.code])).toEqual(
      [
        ["customerSince", "InvalidValue"],
        ["employees", "InvalidValue"],
        ["createdBy", "ReadOnlyProperty"],
        ["rows", "UnknownProperty"],
      ],
    );
  });

  it("logs one line per request with method, path, status, duration and Kintone calls, never a key", async () => {
    h.logs.length = 0;
    await h.call("GET", "/customers?$top=1&$filter=industry%20eq%20%27Retail%27");
    const [entry] = h.logs;
    expect(entry).toMatchObject({
      method: "GET",
      path: "/customers",
      status: 200,
      kintoneCalls: 1,
      operation: "listCustomers",
    });
    expect(typeof entry?.durationMs).toBe("number");
    expect(JSON.stringify(h.logs)).not.toContain(KEY);
    expect(JSON.stringify(h.logs)).not.toContain("Retail");
  });
});

describe("when Kintone fails", () => {
  it("answers 502 when the proxy's Kintone credentials are refused (the caller's key was fine), without the credential", async () => {
    const h = await startHarness(SAMPLE_APPS_DIR, {
      kintone: { auth: { kind: "password", username: "sandbox", password: "wrong-secret-pw" } },
    });
    try {
      const result = await h.call("GET", "/customers");
      expect(result.status).toBe(502);
      expect(result.body.error.code).toBe("KintoneAuthFailed");
      expect(JSON.stringify(result.body)).not.toContain("wrong-secret-pw");
      expect((await h.call("GET", "/readyz")).status).toBe(503);
    } finally {
      await h.close();
    }
  });

  it("answers 429 with Retry-After when Kintone throttles", async () => {
    const h = await startHarness(SAMPLE_APPS_DIR, { sandbox: { maxConcurrent: 0 } });
    try {
      const result = await h.call("GET", "/customers");
      expect(result.status).toBe(429);
      expect(result.headers.get("retry-after")).toMatch(/^\d+$/);
    } finally {
      await h.close();
    }
  });

  it("answers 504 when Kintone is too slow and 502 when it cannot be reached", async () => {
    const slow = await startHarness(SAMPLE_APPS_DIR, {
      sandbox: { latencyMs: 1500 },
      kintone: { timeoutMs: 200 },
    });
    try {
      expect((await slow.call("GET", "/customers")).status).toBe(504);
    } finally {
      await slow.close();
    }
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as { port: number }).port;
    await new Promise((resolve) => closed.close(resolve));
    const gone = await startHarness(SAMPLE_APPS_DIR, { kintone: { baseUrl: `http://localhost:${port}` } });
    try {
      const result = await gone.call("GET", "/customers");
      expect([result.status, result.body.error.code]).toEqual([502, "KintoneUnreachable"]);
    } finally {
      await gone.close();
    }
  });

  it("sends CORS headers only for the configured origin", async () => {
    const h = await startHarness(SAMPLE_APPS_DIR, { proxy: { corsOrigin: "https://app.example.com" } });
    try {
      const result = await h.call("GET", "/healthz");
      expect(result.headers.get("access-control-allow-origin")).toBe("https://app.example.com");
      const preflight = await fetch(`${h.proxy.url}/customers`, { method: "OPTIONS" });
      expect(preflight.status).toBe(204);
    } finally {
      await h.close();
    }
  });
});

describe("a tampered spec", () => {
  it("is refused when a field code could change the structure of a Kintone query", async () => {
    const { readSpecModel } = await import("../../src/proxy/spec-model.js");
    const { readFile } = await import("node:fs/promises");
    const { ROOT } = await import("../helpers/cli.js");
    const spec = JSON.parse(await readFile(`${ROOT}test/fixtures/golden/sample-apps.json`, "utf8"));
    expect(() => readSpecModel(spec, "ok.json")).not.toThrow();
    spec.components.schemas.Customer.properties.companyName["x-kintone-field-code"] =
      'Company_name = "x" or $id';
    expect(() => readSpecModel(spec, "bad.json")).toThrow(/cannot be a Kintone field code/);
  });
});

describe("under load", () => {
  it("never runs more Kintone calls than configured, and answers 503 with Retry-After when its queue is full", async () => {
    const h = await startHarness(SAMPLE_APPS_DIR, {
      sandbox: { latencyMs: 200 },
      proxy: { maxKintoneConcurrency: 2, maxQueue: 2 },
    });
    try {
      const results = await Promise.all(Array.from({ length: 8 }, () => h.call("GET", "/customers?$top=1")));
      const statuses = results.map((r) => r.status).sort();
      expect(statuses.filter((s) => s === 200)).toHaveLength(4);
      const busy = results.filter((r) => r.status === 503);
      expect(busy).toHaveLength(4);
      for (const r of busy) {
        expect(r.body.error.code).toBe("ProxyBusy");
        expect(r.headers.get("retry-after")).toBe("1");
      }
      expect(h.sandbox.stats().maxInFlight).toBeLessThanOrEqual(2);
    } finally {
      await h.close();
    }
  });
});
