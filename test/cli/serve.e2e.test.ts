import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSandbox, type Sandbox } from "../../src/sandbox/server.js";
import { ROOT, runCli, startCli, tempDir } from "../helpers/cli.js";

const SPEC = join(ROOT, "test/fixtures/golden/sample-apps.json");

const startServe = (args: string[], env: Record<string, string>, cwd: string) =>
  startCli(["serve", ...args], {
    cwd,
    env,
    ready: /^kintone-openapi serve listening on (http:\/\/[^\s]+)$/m,
  });

describe("kintone-openapi serve (built CLI)", () => {
  let sandbox: Sandbox;
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    sandbox = await createSandbox({ latencyMs: 300 });
    ({ dir, cleanup } = await tempDir());
  });
  afterAll(async () => {
    await sandbox.close();
    await cleanup();
  });
  const kintoneEnv = () => ({
    KINTONE_BASE_URL: sandbox.url,
    KINTONE_USERNAME: "sandbox",
    KINTONE_PASSWORD: "sandbox",
  });

  it("serves the spec with keys, logs JSON lines without secrets, and drains in-flight requests on SIGTERM", async () => {
    const serve = startServe(
      ["--spec", SPEC, "--port", "0"],
      { ...kintoneEnv(), KINTONE_OPENAPI_API_KEYS: "key-one-0123456789,key-two-0123456789" },
      dir,
    );
    const url = await serve.url;
    expect((await fetch(`${url}/customers`)).status).toBe(401);
    const slow = fetch(`${url}/customers?$top=2`, { headers: { "x-api-key": "key-two-0123456789" } });
    await new Promise((resolve) => setTimeout(resolve, 100));
    serve.child.kill("SIGTERM");
    const response = await slow;
    expect(response.status).toBe(200);
    expect((await response.json()).value).toHaveLength(2);
    expect(await serve.exit).toBe(0);
    const { stdout, stderr } = serve.output();
    const logs = stdout
      .trim()
      .split("\n")
      .slice(1)
      .map((line) => JSON.parse(line));
    expect(logs.map((l: { status: number }) => l.status)).toEqual([401, 200]);
    expect(stdout + stderr).not.toMatch(/key-one|key-two|sandbox:sandbox/);
    expect(stderr).toMatch(/Proxy stopped/);
  });

  it("serves the upsert and bulk operations of a spec generated with them (golden upsert-bulk), logging one Kintone call each", async () => {
    const spec = join(ROOT, "test/fixtures/golden/upsert-bulk/sample-apps.json");
    const serve = startServe(
      ["--spec", spec, "--port", "0"],
      { ...kintoneEnv(), KINTONE_OPENAPI_API_KEYS: "key-one-0123456789" },
      dir,
    );
    const url = await serve.url;
    const post = (path: string, body: unknown) =>
      fetch(`${url}${path}`, {
        method: "POST",
        headers: { "x-api-key": "key-one-0123456789", "content-type": "application/json" },
        body: JSON.stringify(body),
      });
    const upsert = await post("/customers/upsert/by-company-name", { companyName: "CLI Upsert", rank: "A" });
    expect([upsert.status, (await upsert.json()).created]).toEqual([200, true]);
    const records = Array.from({ length: 250 }, (_, i) => ({ companyName: `CLI Bulk ${i}`, rank: "C" }));
    const bulk = await post("/customers/bulk/create", { records });
    const written = await bulk.json();
    expect([bulk.status, written.records.length]).toEqual([200, 250]);
    const removed = await post("/customers/bulk/delete", {
      ids: written.records.map((r: { id: number }) => r.id),
    });
    expect(removed.status).toBe(204);
    serve.child.kill("SIGTERM");
    expect(await serve.exit).toBe(0);
    const logs = serve
      .output()
      .stdout.trim()
      .split("\n")
      .slice(1)
      .map((line) => JSON.parse(line));
    expect(
      logs.map((l: { operation: string; kintoneCalls: number }) => [l.operation, l.kintoneCalls]),
    ).toEqual([
      ["upsertCustomerByCompanyName", 1],
      ["bulkCreateCustomers", 1],
      ["bulkDeleteCustomers", 1],
    ]);
  });

  it("refuses to start without keys unless --no-auth, which binds loopback only", async () => {
    const refused = await runCli(["serve", "--spec", SPEC], { cwd: dir, env: kintoneEnv() });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/KINTONE_OPENAPI_API_KEYS is not set/);
    const wide = await runCli(["serve", "--spec", SPEC, "--no-auth", "--host", "0.0.0.0"], {
      cwd: dir,
      env: kintoneEnv(),
    });
    expect(wide.code).toBe(2);
    expect(wide.stderr).toMatch(/--no-auth serves only on this machine/);
    const open = startServe(["--spec", SPEC, "--port", "0", "--no-auth"], kintoneEnv(), dir);
    const url = await open.url;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:/);
    expect((await fetch(`${url}/customers?$top=1`)).status).toBe(200);
    open.child.kill("SIGINT");
    expect(await open.exit).toBe(0);
  });

  it("refuses a spec that is missing, broken or not made by kintone-openapi (exit 2)", async () => {
    const env = { ...kintoneEnv(), KINTONE_OPENAPI_API_KEYS: "k-0123456789abcdef" };
    expect((await runCli(["serve", "--spec", "nope.json"], { cwd: dir, env })).stderr).toMatch(
      /cannot read the spec nope.json/,
    );
    await writeFile(join(dir, "broken.json"), "{");
    expect((await runCli(["serve", "--spec", "broken.json"], { cwd: dir, env })).stderr).toMatch(
      /broken.json is not valid JSON at line 1/,
    );
    await writeFile(
      join(dir, "other.json"),
      JSON.stringify({
        openapi: "3.0.3",
        info: { title: "x", version: "1" },
        paths: { "/a": { get: { responses: {} } } },
      }),
    );
    const other = await runCli(["serve", "--spec", "other.json"], { cwd: dir, env });
    expect(other.code).toBe(2);
    expect(other.stderr).toMatch(/has no operations with x-kintone-app-id/);
  });
});
