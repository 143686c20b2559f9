import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { KintoneRestAPIClient } from "@kintone/rest-api-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli, startCli, tempDir } from "../helpers/cli.js";

const startSandbox = (args: string[], cwd: string) =>
  startCli(["sandbox", ...args], {
    cwd,
    ready: /^kintone-openapi sandbox listening on (http:\/\/localhost:\d+)$/m,
  });

describe("kintone-openapi sandbox (built CLI)", () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeAll(async () => ({ dir, cleanup } = await tempDir()));
  afterAll(() => cleanup());

  it("serves the sample apps to the official client and stops cleanly on SIGTERM", async () => {
    const sandbox = startSandbox(["--port", "0", "--api-token", "tok1,tok2"], dir);
    const url = await sandbox.url;
    const byToken = new KintoneRestAPIClient({ baseUrl: url, auth: { apiToken: "tok2" } });
    const { records, totalCount } = await byToken.record.getRecords({
      app: 2,
      query: 'Stage in ("Won")',
      totalCount: true,
    });
    expect(Number(totalCount)).toBe(records.length);
    expect(records.length).toBeGreaterThan(0);
    const byPassword = new KintoneRestAPIClient({
      baseUrl: url,
      auth: { username: "sandbox", password: "sandbox" },
    });
    expect((await byPassword.app.getApps({})).apps.map((a) => a.name)).toEqual([
      "Customers",
      "Deals",
      "問い合わせ管理",
    ]);
    sandbox.child.kill("SIGTERM");
    expect(await sandbox.exit).toBe(0);
    expect(sandbox.output().stderr).toMatch(/Sandbox stopped/);
  });

  it("stops on SIGINT too, and generate reads from it", async () => {
    const sandbox = startSandbox(["--port", "0", "--username", "me", "--password", "pw"], dir);
    const url = await sandbox.url;
    const result = await runCli(
      ["generate", "--app", "3", "--stdout", "--base-url", url, "-u", "me", "-p", "pw"],
      { cwd: dir },
    );
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout).paths["/inquiries"]).toBeDefined();
    sandbox.child.kill("SIGINT");
    expect(await sandbox.exit).toBe(0);
  });

  it("refuses a broken snapshot at start-up, naming the file (exit 2)", async () => {
    await mkdir(join(dir, "broken/4"), { recursive: true });
    await writeFile(join(dir, "broken/4/app.json"), JSON.stringify({ appId: "4", name: "x" }));
    await writeFile(join(dir, "broken/4/form-fields.json"), JSON.stringify({ properties: {} }));
    await writeFile(join(dir, "broken/4/records.json"), '{"records": [ {"$id": ');
    const result = await runCli(["sandbox", "--data", "broken"], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/broken\/4\/records.json is not valid JSON at line 1, column \d+/);
  });

  it("refuses a bad port (exit 2)", async () => {
    const result = await runCli(["sandbox", "--port", "99999"], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--port must be a whole number from 0 to 65535/);
  });
});
