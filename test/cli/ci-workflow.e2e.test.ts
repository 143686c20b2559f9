import { execFile, spawn } from "node:child_process";
import { cp, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { createSandbox, type Sandbox } from "../../src/sandbox/server.js";
import { SAMPLE_APPS_DIR } from "../../src/templates.js";
import { cleanEnv, tempDir } from "../helpers/cli.js";
import { packTarball, writeProjectWithTarball } from "../helpers/package.js";

const run = promisify(execFile);

/** Distinctive values, so that any trace of them in an output is found. */
const PASSWORD = "ci-secret-password-7f3a9c";

type Step = {
  name: string;
  id?: string;
  if?: string;
  run?: string;
  uses?: string;
  env?: Record<string, string>;
};
type StepResult = { name: string; code: number; output: string };

/**
 * Runs the `run:` steps of the workflow's spec job as GitHub Actions would, in order, in `cwd`: `${{ secrets.X }}`
 * from `secrets`, `if:` conditions as the template uses them (success by default, always(), failure() of the check).
 * `uses:` steps are what this test provides instead (the checkout is the folder, Node.js is this one).
 */
async function runWorkflow(
  workflow: { jobs: { spec: { steps: Step[] } } },
  cwd: string,
  secrets: Record<string, string>,
): Promise<StepResult[]> {
  const results: StepResult[] = [];
  const outcome = new Map<string, string>();
  let failed = false;
  for (const step of workflow.jobs.spec.steps) {
    if (step.run === undefined) continue;
    const condition = step.if ?? "success()";
    const wanted =
      condition === "always()"
        ? true
        : condition === "success()"
          ? !failed
          : condition === "failure() && steps.check.outcome == 'failure'"
            ? failed && outcome.get("check") === "failure"
            : (() => {
                throw new Error(`the test does not know the condition ${condition}`);
              })();
    if (!wanted) continue;
    const env: Record<string, string> = {
      ...Object.fromEntries(Object.entries(cleanEnv()).filter(([key]) => !key.startsWith("npm_"))),
      // The install works from npm's cache: the tarball's dependencies are there after the project's npm ci.
      npm_config_offline: "true",
    };
    for (const [key, value] of Object.entries(step.env ?? {}))
      env[key] = value.replace(/\$\{\{ secrets\.([A-Z_]+) \}\}/g, (_, name: string) => secrets[name] ?? "");
    const result = await new Promise<StepResult>((resolve) => {
      const child = spawn("bash", ["-eo", "pipefail", "-c", step.run as string], { cwd, env });
      let output = "";
      child.stdout.on("data", (c: Buffer) => {
        output += c;
      });
      child.stderr.on("data", (c: Buffer) => {
        output += c;
      });
      child.on("close", (code) => resolve({ name: step.name, code: code ?? 1, output }));
    });
    results.push(result);
    if (step.id !== undefined) outcome.set(step.id, result.code === 0 ? "success" : "failure");
    if (result.code !== 0) failed = true;
  }
  return results;
}

const COMPANY_NAME_TOO = {
  type: "SINGLE_LINE_TEXT",
  code: "CompanyName",
  label: "Company name (legal)",
  noLabel: false,
  required: false,
  defaultValue: "",
  unique: false,
  minLength: "",
  maxLength: "",
  expression: "",
  hideExpression: false,
};

describe("the CI workflow init --ci github writes, run step by step", { timeout: 300_000 }, () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let repo: string;
  let snapshot: string;
  let sandbox: Sandbox | undefined;
  let workflow: { jobs: { spec: { steps: Step[] } } };
  const npx = (args: string[], env: Record<string, string> = {}) =>
    run("npx", ["--no-install", "kintone-openapi", ...args], {
      cwd: repo,
      env: {
        ...Object.fromEntries(Object.entries(cleanEnv()).filter(([k]) => !k.startsWith("npm_"))),
        ...env,
      },
    });
  const secrets = () => ({
    KINTONE_BASE_URL: sandbox?.url as string,
    KINTONE_USERNAME: "sandbox",
    KINTONE_PASSWORD: PASSWORD,
    KINTONE_API_TOKEN: "",
  });
  const restartSandbox = async () => {
    await sandbox?.close();
    sandbox = await createSandbox({ data: snapshot, password: PASSWORD });
  };

  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir());
    const tarball = await packTarball(dir);
    repo = join(dir, "repo");
    snapshot = join(dir, "kintone");
    await cp(join(SAMPLE_APPS_DIR, "1"), join(snapshot, "1"), { recursive: true });
    await run("mkdir", ["-p", repo]);
    await run("git", ["init", "-q"], { cwd: repo });
    await writeProjectWithTarball(repo, tarball, `file:../${tarball.file.split("/").pop()}`);
    await run("npm", ["ci", "--offline", "--ignore-scripts", "--no-audit", "--no-fund"], { cwd: repo });
    await npx(["init", "--ci", "github"]);
    workflow = parseYaml(await readFile(join(repo, ".github/workflows/kintone-openapi.yml"), "utf8"));
    await writeFile(
      join(repo, "kintone-openapi.config.json"),
      JSON.stringify({ apps: { "1": { name: "Customer" } }, proxyUrl: "https://proxy.example.com" }),
    );
    await restartSandbox();
    await npx(["generate"], secrets());
    await run("git", ["add", "-A"], { cwd: repo });
  }, 300_000);
  afterAll(async () => {
    await sandbox?.close();
    await cleanup();
  });

  it("up to date: every step passes, nothing is regenerated, no secret is printed", async () => {
    const results = await runWorkflow(workflow, repo, secrets());
    expect(results.map((r) => [r.name, r.code])).toEqual([
      ["Install the locked kintone-openapi", 0],
      ["Check the spec against Kintone", 0],
      ["Validate the spec", 0],
    ]);
    for (const r of results) expect(r.output).not.toContain(PASSWORD);
  });

  it("a field added in Kintone: the check fails listing it, and the regenerated spec keeps the committed names", async () => {
    const fields = JSON.parse(await readFile(join(snapshot, "1/form-fields.json"), "utf8"));
    fields.properties.CompanyName = COMPANY_NAME_TOO;
    await writeFile(join(snapshot, "1/form-fields.json"), JSON.stringify(fields));
    await restartSandbox();
    const results = await runWorkflow(workflow, repo, secrets());
    const byName = Object.fromEntries(results.map((r) => [r.name, r]));
    expect(byName["Check the spec against Kintone"]?.code).toBe(1);
    expect(byName["Check the spec against Kintone"]?.output).toMatch(/is out of date/);
    expect(byName["Check the spec against Kintone"]?.output).toMatch(/propert(y|ies).*(added|CompanyName)/is);
    expect(byName["Regenerate the spec, keeping the committed names"]?.code).toBe(0);
    // Adding a field is safe for the registered spec: diff exits 0 and lists it.
    expect(byName["List what changed for the registered spec"]?.code).toBe(0);
    expect(byName["List what changed for the registered spec"]?.output).toMatch(/added/);
    expect(byName["List what changed for the registered spec"]?.output).not.toMatch(/remapped|another field/);
    for (const r of results) expect(r.output).not.toContain(PASSWORD);

    const committed = JSON.parse(await readFile(join(repo, "kintone-openapi.json"), "utf8"));
    const generated = JSON.parse(await readFile(join(repo, "kintone-openapi.generated.json"), "utf8"));
    const codes = (spec: any) =>
      Object.fromEntries(
        Object.entries<any>(spec.components.schemas.Customer.properties).map(([name, p]) => [
          name,
          p["x-kintone-field-code"],
        ]),
      );
    const before = codes(committed);
    const after = codes(generated);
    // Every committed property still reads the same Kintone field; the new field got a new name.
    for (const [name, code] of Object.entries(before)) expect(after[name], name).toBe(code);
    expect(Object.values(after)).toContain("CompanyName");
  });

  it("without the committed names a property can move to the new field, and diff calls that breaking", async () => {
    const unpinned = join(dir, "unpinned.json");
    await npx(["generate", "--output", unpinned], secrets());
    const properties = async (file: string) =>
      JSON.parse(await readFile(file, "utf8")).components.schemas.Customer.properties as Record<string, any>;
    const committed = await properties(join(repo, "kintone-openapi.json"));
    const fresh = await properties(unpinned);
    const moved = Object.keys(committed).filter(
      (name) =>
        fresh[name] !== undefined &&
        fresh[name]["x-kintone-field-code"] !== committed[name]["x-kintone-field-code"],
    );
    expect(moved).toEqual(["companyName"]);
    const diff = await npx(["diff", "kintone-openapi.json", unpinned]).then(
      () => ({ code: 0, stdout: "" }),
      (e: { code: number; stdout: string }) => e,
    );
    expect(diff.code).toBe(1);
    expect(diff.stdout).toMatch(
      /companyName now reads and writes Kintone field CompanyName instead of Company_name/,
    );
  });
});
