import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SnapshotMetadataSource } from "../../src/kintone/snapshot-source.js";
import { createSandbox, type Sandbox } from "../../src/sandbox/server.js";
import { FIXTURES, runCli, tempDir } from "../helpers/cli.js";

// `snapshot` keeps the process management settings exactly as Kintone returns them (process-management.json), and
// `generate --from` (and the sandbox) read them back (issue #14).
describe("snapshot keeps process management settings", () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let sandbox: Sandbox;
  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir());
    sandbox = await createSandbox({ data: join(FIXTURES, "docs-sample") });
  });
  afterAll(async () => {
    await sandbox.close();
    await cleanup();
  });

  it("writes the body of GET /k/v1/app/status.json unchanged, and reads it back", async () => {
    const result = await runCli(
      ["snapshot", "--app", "1", "-o", "snap", "--base-url", sandbox.url, "-u", "sandbox", "-p", "sandbox"],
      { cwd: dir },
    );
    expect(result.code).toBe(0);
    const saved = JSON.parse(await readFile(join(dir, "snap/1/process-management.json"), "utf8"));
    const original = JSON.parse(
      await readFile(join(FIXTURES, "docs-sample/1/process-management.json"), "utf8"),
    );
    expect(saved).toEqual(original);
    const [meta] = await new SnapshotMetadataSource(join(dir, "snap")).readApps([]);
    expect(meta?.processManagement?.enable).toBe(true);
    expect(meta?.processManagement?.actions?.map((a) => a.name)).toEqual(
      original.actions.map((a: { name: string }) => a.name),
    );
  });

  it("refuses a process-management.json that is not Kintone's shape, naming the file", async () => {
    const { writeFile, mkdir, cp } = await import("node:fs/promises");
    await mkdir(join(dir, "broken"), { recursive: true });
    await cp(join(FIXTURES, "docs-sample/1"), join(dir, "broken/1"), { recursive: true });
    await writeFile(
      join(dir, "broken/1/process-management.json"),
      JSON.stringify({ enable: true, actions: [{ name: 1 }] }),
    );
    const result = await runCli(["generate", "--from", "broken", "--stdout"], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/process-management\.json.*actions/);
  });
});
