import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSandbox, type Sandbox } from "../../src/sandbox/server.js";
import { cleanEnv, ROOT, startCli, tempDir } from "../helpers/cli.js";

const run = promisify(execFile);

/** The registry tarball, installed into an empty folder and used the way a user would. */
describe("the npm package", { timeout: 240_000 }, () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let files: string[];
  let bin: string;
  let sandbox: Sandbox;
  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir());
    // npm test has just built dist/; rebuilding it here (prepack) would race the other test files using it.
    const { stdout } = await run("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", dir], {
      cwd: ROOT,
      maxBuffer: 64 * 1024 * 1024,
    });
    const [packed] = JSON.parse(stdout.slice(stdout.indexOf("["))) as Array<{
      filename: string;
      files: Array<{ path: string }>;
    }>;
    files = (packed?.files ?? []).map((f) => f.path);
    const app = join(dir, "app");
    await run("mkdir", ["-p", app]);
    await run("npm", ["init", "-y"], { cwd: app });
    await run("npm", ["install", "--no-audit", "--no-fund", join(dir, packed?.filename as string)], {
      cwd: app,
      maxBuffer: 64 * 1024 * 1024,
    });
    bin = join(app, "node_modules/.bin/kintone-openapi");
    sandbox = await createSandbox();
  }, 240_000);
  afterAll(async () => {
    await sandbox?.close();
    await cleanup();
  });

  const cli = (args: string[], env: Record<string, string> = {}) =>
    run(bin, args, { cwd: join(dir, "app"), env: cleanEnv(env), maxBuffer: 64 * 1024 * 1024 }).then(
      (r) => ({ code: 0, ...r }),
      (e: { code: number; stdout: string; stderr: string }) => ({
        code: e.code,
        stdout: e.stdout,
        stderr: e.stderr,
      }),
    );

  it("holds only what users need", () => {
    for (const file of files)
      expect(file, file).toMatch(
        /^(bin\/|dist\/|templates\/|package\.json$|README\.md$|LICENSE$|CHANGELOG\.md$)/,
      );
    expect(files.some((f) => f.endsWith(".map"))).toBe(false);
    for (const needed of [
      "bin/kintone-openapi.js",
      "dist/cli/main.js",
      "dist/validate/generated/openapi-3.0-all-errors.cjs",
      "templates/base-spec.json",
      "templates/config.schema.json",
      "templates/sample-apps/1/records.json",
      "templates/docs/index.html",
      "templates/ci/github-workflow.yml",
      "templates/ci/github-salesforce-job.yml",
    ]) {
      expect(files).toContain(needed);
    }
  });

  it("--version matches package.json", async () => {
    const { version } = JSON.parse(await readFile(join(ROOT, "package.json"), "utf8")) as { version: string };
    expect((await cli(["--version"])).stdout.trim()).toBe(version);
  });

  it("runs the README's Quick start command, then validate", async () => {
    const readme = await readFile(join(ROOT, "README.md"), "utf8");
    const quickStart = readme.slice(
      readme.indexOf("## Quick start"),
      readme.indexOf("\n## ", readme.indexOf("## Quick start") + 5),
    );
    const commands = [...quickStart.matchAll(/```sh\n([^`]+)```/g)].map((m) => (m[1] as string).trim());
    expect(commands).toEqual(["npm install && npx kintone-openapi generate --demo", "npm test"]);
    // In an installed package, `npm install` has been done: run the rest of the first command as written.
    const generate = (commands[0] as string).split("&&")[1]?.trim().split(/\s+/) as string[];
    expect(generate.slice(0, 2)).toEqual(["npx", "kintone-openapi"]);
    const result = await run("npx", generate.slice(1), { cwd: join(dir, "app"), env: cleanEnv() });
    expect(result.stderr).toMatch(/Wrote kintone-openapi.json: 3 apps/);
    expect(existsSync(join(dir, "app/kintone-openapi.json"))).toBe(true);
    const validate = await cli(["validate", "kintone-openapi.json"]);
    expect(validate.code).toBe(0);
    expect(validate.stdout).toMatch(/no problems/);
  });

  it("hints at commands that work in the project that installed it (npx kintone-openapi)", async () => {
    const env = Object.fromEntries(Object.entries(cleanEnv()).filter(([key]) => !key.startsWith("npm_")));
    const result = await run(bin, ["generate", "--demo", "-o", "hint.json"], { cwd: join(dir, "app"), env });
    expect(result.stderr).toMatch(
      /Next: npx kintone-openapi validate hint\.json, then npx kintone-openapi serve/,
    );
  });

  it("serves the spec from the installed package", async () => {
    const {
      child,
      url: ready,
      exit,
    } = startCli(["serve", "--spec", "kintone-openapi.json", "--port", "0"], {
      bin,
      cwd: join(dir, "app"),
      env: {
        KINTONE_BASE_URL: sandbox.url,
        KINTONE_USERNAME: "sandbox",
        KINTONE_PASSWORD: "sandbox",
        KINTONE_OPENAPI_API_KEYS: "pkg-key-0123456789",
      },
      ready: /listening on (\S+)/,
    });
    const url = await ready;
    const response = await fetch(`${url}/customers?$top=2`, {
      headers: { "x-api-key": "pkg-key-0123456789" },
    });
    expect(response.status).toBe(200);
    expect((await response.json()).value).toHaveLength(2);
    expect((await fetch(`${url}/docs/swagger-ui-bundle.js`)).status).toBe(200);
    child.kill("SIGTERM");
    expect(await exit).toBe(0);
  });
});
