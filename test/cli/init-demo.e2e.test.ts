import { spawn } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { checkConfig, loadConfig } from "../../src/config/load-config.js";
import { freePort } from "../../src/util/address.js";
import { BIN, cleanEnv, ROOT, runCli, tempDir } from "../helpers/cli.js";

describe("kintone-openapi init", () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeAll(async () => ({ dir, cleanup } = await tempDir()));
  afterAll(() => cleanup());

  it("writes a commented config that validates, and a GitHub Actions workflow with the expected steps", async () => {
    const result = await runCli(["init", "--ci", "github"], { cwd: dir });
    expect(result.code).toBe(0);
    const text = await readFile(join(dir, "kintone-openapi.config.json"), "utf8");
    expect(text).toMatch(/^\s*\/\/ /m);
    const { config } = await loadConfig(undefined, dir);
    expect(await checkConfig(config, "x")).toEqual(config);
    expect(config).toMatchObject({
      baseUrl: "https://example.cybozu.com",
      apps: { "1": { name: "Customer" } },
    });

    const workflow = parseYaml(await readFile(join(dir, ".github/workflows/kintone-openapi.yml"), "utf8"));
    expect(Object.keys(workflow.on)).toEqual(["schedule", "workflow_dispatch", "pull_request"]);
    const steps = workflow.jobs.spec.steps as Array<{
      name: string;
      run?: string;
      uses?: string;
      env?: Record<string, string>;
      with?: Record<string, unknown>;
    }>;
    expect(steps.find((s) => s.run?.includes("generate --check"))?.env?.KINTONE_API_TOKEN).toBe(
      "${{ secrets.KINTONE_API_TOKEN }}",
    );
    expect(steps.some((s) => s.uses?.startsWith("actions/upload-artifact"))).toBe(true);
    expect(
      steps.some((s) => s.run === "npx --no-install kintone-openapi validate kintone-openapi.json"),
    ).toBe(true);
    // Installed from the project's lockfile; secrets go only to steps that run that locked package.
    const raw = await readFile(join(dir, ".github/workflows/kintone-openapi.yml"), "utf8");
    expect(raw).not.toMatch(/@latest|npx --yes/);
    expect(steps.some((s) => s.run?.startsWith("npm ci"))).toBe(true);
    for (const step of steps.filter((s) => s.env !== undefined))
      expect(step.run, step.name).toMatch(/^npx --no-install kintone-openapi /);
    expect(steps.find((s) => s.run?.includes("--output kintone-openapi.generated.json"))?.run).toMatch(
      /--previous kintone-openapi\.json/,
    );
    expect(steps.find((s) => s.uses?.startsWith("actions/setup-node"))?.with).toMatchObject({
      "node-version": 24,
    });
    expect(workflow.jobs.node.strategy.matrix["node-version"]).toEqual([20, 22, 24]);
    const pkg = JSON.parse(await readFile(join(dir, "package.json"), "utf8"));
    const { version } = JSON.parse(await readFile(join(BIN, "../../package.json"), "utf8"));
    expect(pkg.devDependencies).toEqual({ "kintone-openapi": version });
    // One-off use: nothing is installed in this folder, so $schema is the published copy of this version.
    expect(JSON.parse(text.replace(/^\s*\/\/.*$/gm, "")).$schema).toBe(
      `https://unpkg.com/kintone-openapi@${version}/templates/config.schema.json`,
    );
  });

  it("init --ci github keeps package.json's indentation, refuses one npm could not read, and follows the config's output", async () => {
    const { dir: project, cleanup: done } = await tempDir();
    try {
      await writeFile(
        join(project, "package.json"),
        '{\n\t"name": "tabs",\n\t"devDependencies": {\n\t\t"a": "1.0.0"\n\t}\n}\n',
      );
      await writeFile(
        join(project, "kintone-openapi.config.json"),
        JSON.stringify({ output: "specs/kintone.json", apps: { "1": {} } }),
      );
      expect((await runCli(["init", "--ci", "github"], { cwd: project })).code).toBe(0);
      const pkg = await readFile(join(project, "package.json"), "utf8");
      expect(pkg).toMatch(/^\t\t"a": "1.0.0",\n\t\t"kintone-openapi": "/m);
      expect(pkg).not.toMatch(/^ +"/m);
      const workflow = await readFile(join(project, ".github/workflows/kintone-openapi.yml"), "utf8");
      expect(workflow).toContain("--previous specs/kintone.json");
      expect(workflow).toContain("validate specs/kintone.json");
      expect(workflow).toContain("specs/kintone.generated.json");
      expect(workflow).not.toMatch(/kintone-openapi\.json/);

      const { dir: broken, cleanup: done2 } = await tempDir();
      try {
        await writeFile(join(broken, "package.json"), '{ "name": "x", }\n');
        const refused = await runCli(["init", "--ci", "github"], { cwd: broken });
        expect(refused.code).toBe(2);
        expect(refused.stderr).toMatch(/package\.json is not valid JSON/);
        // Nothing was written before the refusal.
        await expect(readFile(join(broken, "kintone-openapi.config.json"))).rejects.toThrow();
      } finally {
        await done2();
      }
    } finally {
      await done();
    }
  });

  it("init --ci github after init keeps the config; --force replaces only the workflow", async () => {
    const { dir: project, cleanup: done } = await tempDir();
    try {
      await writeFile(
        join(project, "package.json"),
        '{\n    "name": "mine",\n    "devDependencies": {}\n}\n',
      );
      expect((await runCli(["init"], { cwd: project })).code).toBe(0);
      const mine = '{ "baseUrl": "https://mine.cybozu.com" }\n';
      await writeFile(join(project, "kintone-openapi.config.json"), mine);
      const ci = await runCli(["init", "--ci", "github"], { cwd: project });
      expect(ci.code).toBe(0);
      expect(ci.stderr).toMatch(/Kept kintone-openapi.config.json/);
      // The hint asks only for what the kept config lacks (found by an outside attack: it asked for both).
      expect(ci.stderr).toMatch(/Next: set apps in kintone-openapi.config.json, export KINTONE_API_TOKEN/);
      expect(await readFile(join(project, "kintone-openapi.config.json"), "utf8")).toBe(mine);
      const pkg = await readFile(join(project, "package.json"), "utf8");
      expect(pkg).toMatch(/^ {4}"name": "mine",$/m);
      expect(JSON.parse(pkg).devDependencies["kintone-openapi"]).toMatch(/^\d+\.\d+\.\d+/);
      await writeFile(join(project, ".github/workflows/kintone-openapi.yml"), "# edited\n");
      expect((await runCli(["init", "--ci", "github"], { cwd: project })).code).toBe(0);
      expect(await readFile(join(project, ".github/workflows/kintone-openapi.yml"), "utf8")).toBe(
        "# edited\n",
      );
      const forced = await runCli(["init", "--ci", "github", "--force"], { cwd: project });
      expect(forced.code).toBe(0);
      expect(forced.stderr).toMatch(/Replaced .github\/workflows\/kintone-openapi.yml/);
      expect(await readFile(join(project, ".github/workflows/kintone-openapi.yml"), "utf8")).toMatch(
        /npm ci/,
      );
      expect(await readFile(join(project, "kintone-openapi.config.json"), "utf8")).toBe(mine);
    } finally {
      await done();
    }
  });

  it("refuses to overwrite without --force (exit 2)", async () => {
    const again = await runCli(["init"], { cwd: dir });
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/kintone-openapi.config.json already exists: edit it, or pass --force/);
    await writeFile(join(dir, "kintone-openapi.config.json"), "{}");
    expect((await runCli(["init", "--force"], { cwd: dir })).code).toBe(0);
    expect(await readFile(join(dir, "kintone-openapi.config.json"), "utf8")).toMatch(/baseUrl/);
  });
});

describe("kintone-openapi demo", () => {
  it("prints curl commands that work against what it started, keeps the sandbox on --sandbox-port, and generate reads it at the address demo prints, then stops on Ctrl-C", async () => {
    const sandboxPort = await freePort();
    const child = spawn(process.execPath, [BIN, "demo", "--sandbox-port", String(sandboxPort)], {
      env: cleanEnv(),
    });
    let stdout = "";
    child.stdout.on("data", (c: Buffer) => {
      stdout += c;
    });
    const exit = new Promise<number | null>((resolve) => child.on("exit", resolve));
    const deadline = Date.now() + 15_000;
    while (!stdout.includes("Ctrl-C stops the demo") && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    const curls = stdout.split("\n").filter((line) => line.startsWith("curl "));
    expect(curls).toHaveLength(4);
    const results: string[] = [];
    for (const line of curls) {
      results.push(
        await new Promise<string>((resolve, reject) => {
          const sh = spawn("sh", ["-c", line]);
          let out = "";
          sh.stdout.on("data", (c: Buffer) => {
            out += c;
          });
          sh.on("exit", (code) => (code === 0 ? resolve(out) : reject(new Error(`${line} exited ${code}`))));
        }),
      );
    }
    const list = JSON.parse(results[0] as string);
    expect(list.value.length).toBeGreaterThan(0);
    for (const record of list.value) expect(record.industry).toBe("Retail");
    expect(JSON.parse(results[1] as string)).toMatchObject({ companyName: "Demo Company", revision: 1 });
    expect(JSON.parse(results[2] as string)).toMatchObject({ id: 1, employees: 42 });
    expect((results[3] as string).trim()).toBe("204");
    const docs = /API docs\s+(\S+)/.exec(stdout)?.[1] as string;
    expect((await fetch(docs)).status).toBe(200);
    // The sandbox is where --sandbox-port put it; generate takes this machine's address as demo prints it
    // (127.0.0.1), although the official Kintone client takes plain http only for localhost.
    expect(stdout).toMatch(new RegExp(`Kintone sandbox +http://localhost:${sandboxPort} `));
    expect(stdout).toMatch(/Proxy +http:\/\/127\.0\.0\.1:/);
    const generated = await runCli(
      [
        "generate",
        "--app",
        "1",
        "--base-url",
        `http://127.0.0.1:${sandboxPort}`,
        "-u",
        "sandbox",
        "-p",
        "sandbox",
        "--proxy-url",
        "https://proxy.example.com",
        "--stdout",
      ],
      { cwd: ROOT },
    );
    expect(generated.stderr).toBe("");
    expect(generated.code).toBe(0);
    expect(JSON.parse(generated.stdout).paths["/customers"]).toBeDefined();
    child.kill("SIGINT");
    expect(await exit).toBe(0);
  });
});
