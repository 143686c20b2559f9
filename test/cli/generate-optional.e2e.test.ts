import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSandbox, type Sandbox } from "../../src/sandbox/server.js";
import { ROOT, runCli, tempDir } from "../helpers/cli.js";

/**
 * generate with the files, status and comments operations (issue #14) from live Kintone (the sandbox over the demo
 * apps): the process management settings are read from GET app/status.json when status is asked for, so the spec is
 * the one generate --demo gives from the snapshot files.
 */
describe("generate --operations …,files,status,comments from live Kintone", () => {
  let sandbox: Sandbox;
  let work: Awaited<ReturnType<typeof tempDir>>;
  beforeAll(async () => {
    sandbox = await createSandbox({});
    work = await tempDir();
  });
  afterAll(async () => {
    await sandbox?.close();
    await work?.cleanup();
  });

  const operations = "list,get,create,update,delete,files,status,comments";

  it("gives the golden spec of the demo apps, with runDealAction from the app's process settings", async () => {
    const live = await runCli(["generate", "--app", "1,2,3", "--operations", operations, "--stdout"], {
      cwd: work.dir,
      env: { KINTONE_BASE_URL: sandbox.url, KINTONE_USERNAME: "sandbox", KINTONE_PASSWORD: "sandbox" },
    });
    expect(live.code, live.stderr).toBe(0);
    expect(live.stdout).toBe(
      await readFile(join(ROOT, "test/fixtures/golden/files-status-comments/sample-apps.json"), "utf8"),
    );
    expect(live.stdout).toContain('"operationId": "runDealAction"');
    expect(live.stderr).toContain('app 1 "Customers": its process management is off');
  });

  it("reads no process settings when status is not asked for", async () => {
    const before = sandbox.stats().byEndpoint["GET app/status"] ?? 0;
    const result = await runCli(
      ["generate", "--app", "2", "--operations", "list,update,files,comments", "--stdout"],
      {
        cwd: work.dir,
        env: { KINTONE_BASE_URL: sandbox.url, KINTONE_USERNAME: "sandbox", KINTONE_PASSWORD: "sandbox" },
      },
    );
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('"operationId": "uploadDealFile"');
    expect(result.stdout).not.toContain("run-action");
    expect(sandbox.stats().byEndpoint["GET app/status"] ?? 0).toBe(before);
  });
});
