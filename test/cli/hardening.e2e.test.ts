import { cp, mkdir, readFile, symlink, writeFile } from "node:fs/promises";
import { createServer } from "node:http";
import { type AddressInfo, connect } from "node:net";
import { join } from "node:path";
import { KintoneRestAPIClient } from "@kintone/rest-api-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FIXTURES, ROOT, runCli, startCli, tempDir } from "../helpers/cli.js";

/** The CLI side of issue #10's findings: options refused at start, redirects, field codes, snapshot links. */
const SPEC = join(ROOT, "test/fixtures/golden/sample-apps.json");

describe("kintone-openapi refuses what would fail later (built CLI)", () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeAll(async () => ({ dir, cleanup } = await tempDir()));
  afterAll(() => cleanup());

  it("refuses keys shorter than 16 characters and a --cors-origin that is not an origin (exit 2)", async () => {
    const env = { KINTONE_BASE_URL: "http://localhost:1", KINTONE_API_TOKEN: "t" };
    const short = await runCli(["serve", "--spec", SPEC], {
      env: { ...env, KINTONE_OPENAPI_API_KEYS: "short" },
    });
    expect(short.code).toBe(2);
    expect(short.stderr).toMatch(/at least 16 .*openssl rand -hex 24/);
    expect(short.stderr).not.toContain("short,");
    const key = { ...env, KINTONE_OPENAPI_API_KEYS: "a-long-enough-key-0123" };
    for (const origin of ["https://a.example/path", "bad\r\nX-Injected: 1", "a.example"]) {
      const bad = await runCli(["serve", "--spec", SPEC, "--cors-origin", origin], { env: key });
      expect(bad.code, origin).toBe(2);
      expect(bad.stderr).toMatch(/--cors-origin .* is not an origin/);
    }
  });

  it("follows no redirect from Kintone's address: generate names the host and says to fix --base-url (exit 1)", async () => {
    let reachedTarget = 0;
    const target = createServer((req, res) => {
      if (req.headers["x-cybozu-authorization"] !== undefined) reachedTarget++;
      res.end("{}");
    });
    await new Promise<void>((resolve) => target.listen(0, "127.0.0.1", resolve));
    const redirecting = createServer((req, res) => {
      res.writeHead(302, {
        location: `http://127.0.0.1:${(target.address() as AddressInfo).port}${req.url}`,
      });
      res.end();
    });
    await new Promise<void>((resolve) => redirecting.listen(0, "127.0.0.1", resolve));
    try {
      const result = await runCli(
        [
          "generate",
          "--app",
          "1",
          "--base-url",
          `http://localhost:${(redirecting.address() as AddressInfo).port}`,
        ],
        { cwd: dir, env: { KINTONE_USERNAME: "u", KINTONE_PASSWORD: "secret-password-123" } },
      );
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/redirects to 127\.0\.0\.1:\d+.*--base-url/);
      expect(result.stderr).not.toContain("secret-password-123");
      expect(reachedTarget).toBe(0);
    } finally {
      redirecting.close();
      target.close();
    }
  });

  it("refuses to generate from field codes the proxy would refuse, naming the field (exit 1)", async () => {
    const snapshot = join(dir, "unsafe");
    await cp(join(FIXTURES, "docs-sample"), snapshot, { recursive: true });
    const fieldsPath = join(snapshot, "1", "form-fields.json");
    const fields = JSON.parse(await readFile(fieldsPath, "utf8"));
    const [code, field] = Object.entries(fields.properties).find(
      ([, f]) => (f as { type: string }).type === "SINGLE_LINE_TEXT",
    ) as [string, Record<string, unknown>];
    delete fields.properties[code];
    fields.properties['x") or ("1'] = { ...field, code: 'x") or ("1' };
    await writeFile(fieldsPath, JSON.stringify(fields));
    const result = await runCli(["generate", "--from", snapshot, "-o", join(dir, "unsafe.json")], {
      cwd: dir,
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/field code "x\\"\) or \(\\"1" holds spaces, quotes/);
  });

  it("does not follow a snapshot's links out of its directory (exit 2)", async () => {
    const snapshot = join(dir, "linked");
    await mkdir(join(snapshot, "1"), { recursive: true });
    await cp(join(FIXTURES, "docs-sample", "1", "app.json"), join(snapshot, "1", "app.json"));
    await symlink(
      join(FIXTURES, "docs-sample", "1", "form-fields.json"),
      join(snapshot, "1", "form-fields.json"),
    );
    const result = await runCli(["generate", "--from", snapshot, "--stdout"], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/links to a file outside the snapshot directory/);
  });

  it("leaves no Kintone cursor behind when callers hang up while it is being made (found by an outside attack)", async () => {
    const sandbox = startCli(["sandbox", "--port", "0", "--latency-ms", "200"], {
      cwd: dir,
      ready: /^kintone-openapi sandbox listening on (http:\/\/localhost:\d+)$/m,
    });
    const sandboxUrl = await sandbox.url;
    const key = "leak-key-0123456789abcdef";
    const serve = startCli(["serve", "--spec", SPEC, "--port", "0", "--no-access-log"], {
      cwd: dir,
      env: {
        KINTONE_BASE_URL: sandboxUrl,
        KINTONE_USERNAME: "sandbox",
        KINTONE_PASSWORD: "sandbox",
        KINTONE_OPENAPI_API_KEYS: key,
      },
      ready: /^kintone-openapi serve listening on (http:\/\/[^\s]+)$/m,
    });
    try {
      const client = new KintoneRestAPIClient({
        baseUrl: sandboxUrl,
        auth: { username: "sandbox", password: "sandbox" },
      });
      await client.record.addAllRecords({
        app: 1,
        records: Array.from({ length: 10_500 }, (_, i) => ({ Company_name: { value: `Leak ${i}` } })),
      });
      const url = await serve.url;
      // Kintone answers in 200 ms: the count call, then the cursor's creation from about 200 ms to 400 ms.
      for (const after of [230, 270, 310, 350, 390]) {
        const controller = new AbortController();
        const request = fetch(`${url}/customers?$top=1&$skip=10400&$orderby=companyName&$select=id`, {
          headers: { "x-api-key": key },
          signal: controller.signal,
        }).catch(() => undefined);
        await new Promise((resolve) => setTimeout(resolve, after));
        controller.abort();
        await request;
      }
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      const stats = await (await fetch(`${sandboxUrl}/__sandbox/stats`)).json();
      expect(stats.byEndpoint["POST records/cursor"]).toBeGreaterThan(0);
      expect(stats.cursors).toBe(0);
    } finally {
      serve.child.kill("SIGTERM");
      sandbox.child.kill("SIGTERM");
      await Promise.all([serve.exit, sandbox.exit]);
    }
  }, 30_000);

  it("stops at once on SIGTERM although a client keeps a connection open without a request (found by an outside attack)", async () => {
    // Kintone is deliberately unreachable here: the start-up check is skipped.
    const serve = startCli(
      ["serve", "--spec", SPEC, "--port", "0", "--no-access-log", "--skip-startup-check"],
      {
        cwd: dir,
        env: {
          KINTONE_BASE_URL: "http://localhost:1",
          KINTONE_API_TOKEN: "t",
          KINTONE_OPENAPI_API_KEYS: "sigterm-key-0123456789",
        },
        ready: /^kintone-openapi serve listening on (http:\/\/[^\s]+)$/m,
      },
    );
    const port = Number(new URL(await serve.url).port);
    const idle = connect({ host: "127.0.0.1", port });
    const partial = connect({ host: "127.0.0.1", port });
    await new Promise((resolve) => partial.on("connect", resolve));
    partial.write("GET /healthz HTTP/1.1\r\nHost: loc");
    await new Promise((resolve) => setTimeout(resolve, 200));
    const started = Date.now();
    serve.child.kill("SIGTERM");
    expect(await serve.exit).toBe(0);
    expect(Date.now() - started).toBeLessThan(5_000);
    idle.destroy();
    partial.destroy();
  });
});
