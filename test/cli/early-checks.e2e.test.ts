import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli, tempDir } from "../helpers/cli.js";

// Found by an outside attack on issue #13: number options of the connection were accepted silently with --demo and
// --from, and checked only after the prompts on a terminal; --previous and --from were read only after them too.
describe("generate checks every flag that needs no network before anything else", () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeAll(async () => ({ dir, cleanup } = await tempDir()));
  afterAll(() => cleanup());

  it.each([
    [["--demo", "--concurrency", "abc"], /--concurrency must be a whole number from 1 to 50 \(got "abc"\)/],
    [["--demo", "--concurrency", "0x10"], /--concurrency must be a whole number/],
    [["--demo", "--timeout", "-1"], /--timeout \(seconds\) must be a number/],
    [["--demo", "--guest-space-id", "abc"], /--guest-space-id must be a space id/],
    [["--from", "no-such-dir"], /snapshot directory .*no-such-dir does not exist/],
    [["--demo", "--previous", "no-such.json"], /--previous no-such\.json cannot be read/],
  ])("generate %j → exit 2, one sentence, nothing written", async (args, message) => {
    const result = await runCli(["generate", ...args, "-o", "out.json"], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    await expect(import("node:fs/promises").then((fs) => fs.access(`${dir}/out.json`))).rejects.toThrow();
  });
});

describe("generate --check --json", () => {
  it("prints the verdict and the changes as JSON on stdout (found by an outside attack: it printed nothing)", async () => {
    const { dir, cleanup } = await tempDir();
    try {
      expect((await runCli(["generate", "--demo", "-o", "spec.json"], { cwd: dir })).code).toBe(0);
      const same = await runCli(["generate", "--demo", "-o", "spec.json", "--check", "--json"], { cwd: dir });
      expect(same.code).toBe(0);
      expect(JSON.parse(same.stdout)).toMatchObject({ output: "spec.json", upToDate: true, changes: [] });
      const drift = await runCli(
        ["generate", "--demo", "--app", "1,2", "-o", "spec.json", "--check", "--json"],
        {
          cwd: dir,
        },
      );
      expect(drift.code).toBe(1);
      const report = JSON.parse(drift.stdout);
      expect(report.upToDate).toBe(false);
      expect(
        report.changes.some((c: { kind: string; breaking: boolean }) => c.kind === "removed" && c.breaking),
      ).toBe(true);
    } finally {
      await cleanup();
    }
  });
});

// Found by the outside attack on issue #13: flags asking for two different outputs were resolved silently (one of
// them ignored).
describe("flags that ask for two different outputs are refused", () => {
  it.each([
    [["generate", "--demo", "--stdout", "--json"], /--stdout and --json cannot be used together/],
    [["generate", "--demo", "--stdout", "--check"], /--stdout and --check cannot be used together/],
    [
      ["validate", "spec.json", "--format", "stylish", "--json"],
      /--json and --format stylish ask for different/,
    ],
    [
      ["diff", "a.json", "b.json", "--format", "stylish", "--json"],
      /--json and --format stylish ask for different/,
    ],
    [["sandbox", "--guest-space", "x"], /--guest-space takes space ids \(positive whole numbers/],
  ])("%j → exit 2 with one sentence", async (args, message) => {
    const { dir, cleanup } = await tempDir();
    try {
      const result = await runCli(args, { cwd: dir });
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(message);
      expect(result.stdout).toBe("");
    } finally {
      await cleanup();
    }
  });
});
