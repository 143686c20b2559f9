import { spawn } from "node:child_process";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BIN, cleanEnv, ROOT, runCli } from "../helpers/cli.js";

const COMMANDS = ["generate", "snapshot", "serve", "sandbox", "validate", "diff", "init", "demo"];

describe("one CLI plumbing for every command", () => {
  it("ends every --help with two or three examples, prints defaults one way, and lists the environment variables the command reads", async () => {
    const helps = await Promise.all(COMMANDS.map((command) => runCli([command, "--help"])));
    for (const [index, command] of COMMANDS.entries()) {
      const { stdout, code } = helps[index] as { stdout: string; code: number };
      expect(code, command).toBe(0);
      const examples = stdout.trimEnd().split("\nExamples:\n")[1]?.split("\n") ?? [];
      expect(examples.length, `${command} --help ends with examples`).toBeGreaterThanOrEqual(2);
      expect(examples.length, command).toBeLessThanOrEqual(3);
      for (const example of examples) expect(example, command).toContain(`kintone-openapi ${command}`);
      // One form for defaults: "(default: value)", never commander's quoted strings or a hand-written variant.
      const unfolded = stdout.replace(/\s+/g, " ");
      expect(unfolded.match(/\(default[^:]/g), command).toBeNull();
      expect(unfolded, command).not.toMatch(/\(default: "/);
      // Every environment variable the command's own code reads is named in its help.
      const source = await readFile(join(ROOT, "src/cli/commands", `${command}.ts`), "utf8");
      for (const [, name] of source.matchAll(/\benv\.([A-Z][A-Z0-9_]*)/g))
        expect(stdout, `${command} --help names ${name}`).toContain(name as string);
    }
    const generate = helps[0]?.stdout ?? "";
    for (const name of ["KINTONE_OPENAPI_PROXY_URL", "CI", "KINTONE_API_TOKEN", "HTTPS_PROXY", "NO_COLOR"])
      expect(generate, name).toContain(name);
  });

  it("hands back each command's exit code without the process.exitCode side channel", async () => {
    const files = await readdir(join(ROOT, "src"), { recursive: true });
    for (const file of files.filter((name) => name.endsWith(".ts"))) {
      const text = await readFile(join(ROOT, "src", file), "utf8");
      expect(text, file).not.toContain("process.exitCode");
    }
  });

  it("diff --json prints the changes as JSON (it was declared and ignored)", async () => {
    const golden = join(ROOT, "test/fixtures/golden/sample-apps.json");
    const result = await runCli(["diff", golden, golden, "--json"]);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual([]);
  });

  it.each([
    [
      ["serve", "--no-auth", "--port", "x"],
      /^error: --port must be a whole number from 0 to 65535 \(got "x"\)\.$/m,
    ],
    [
      ["sandbox", "--latency-ms", "-1"],
      /^error: --latency-ms must be a whole number from 0 to 60000 \(got "-1"\)\.$/m,
    ],
    [["demo", "--sandbox-port", "70000"], /^error: --sandbox-port must be a whole number from 0 to 65535/m],
    [
      ["serve", "--no-auth", "--max-cursors", "1.5"],
      /^error: --max-cursors must be a whole number from 0 to 10/m,
    ],
  ])("one parser for numeric options names the option: %j", async (args, message) => {
    const result = await runCli(args);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
  });

  it("--debug, before or after the command, adds the stack trace to an error", async () => {
    const [plain, after, before] = await Promise.all([
      runCli(["validate", "missing.json"]),
      runCli(["validate", "missing.json", "--debug"]),
      runCli(["--debug", "validate", "missing.json"]),
    ]);
    for (const result of [plain, after, before]) {
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/^error: missing.json does not exist/);
    }
    expect(plain.stderr).not.toMatch(/\n\s+at /);
    expect(after.stderr).toMatch(/\n\s+at loadDocument/);
    expect(before.stderr).toMatch(/\n\s+at loadDocument/);
  });

  it.each([[["generate", "--demo", "--stdout"]], [["validate", "--list-rules"]]])(
    "%j into a closed pipe exits quietly",
    async (args) => {
      const child = spawn(process.execPath, [BIN, ...args], { env: cleanEnv() });
      // The reader is gone before the first write, as after `| head -1`.
      child.stdout.destroy();
      let stderr = "";
      child.stderr.on("data", (chunk: Buffer) => {
        stderr += chunk;
      });
      const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
      expect(stderr).not.toMatch(/EPIPE|\n\s+at /);
      expect(code).toBe(0);
    },
  );
});

describe("the README", () => {
  it("lists every folder of src/ in its Layout section, one line each", async () => {
    const readme = await readFile(join(ROOT, "README.md"), "utf8");
    const layout = /\n### Layout\n([\s\S]*?)(?:\n#|$)/.exec(readme)?.[1] ?? "";
    const folders = (await readdir(join(ROOT, "src"), { withFileTypes: true }))
      .filter((entry) => entry.isDirectory())
      .map((entry) => `src/${entry.name}/`);
    expect(folders.length).toBeGreaterThan(5);
    for (const folder of folders)
      expect(
        layout.split("\n").filter((line) => line.includes(`\`${folder}\``)),
        folder,
      ).toHaveLength(1);
  });
});
