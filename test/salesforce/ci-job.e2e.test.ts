import { spawn } from "node:child_process";
import { chmod, mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { BIN, cleanEnv, runCli, tempDir } from "../helpers/cli.js";

const KEY = "ci-proxy-key-0e7d41";
const JWT_KEY = "-----BEGIN PRIVATE KEY-----\nci-jwt-key-b2c9\n-----END PRIVATE KEY-----";
const TOKEN = "00Dci!token-55aa";

type Step = {
  name: string;
  if?: string;
  run?: string;
  uses?: string;
  env?: Record<string, string>;
  "working-directory"?: string;
};
type Workflow = {
  on: Record<string, { branches?: string[]; paths?: string[] } | null>;
  jobs: Record<string, { needs?: string; if?: string; steps: Step[] }>;
};

/**
 * Runs the `run:` steps of the salesforce job as GitHub Actions would for `event`: `${{ secrets.X }}` from
 * `secrets`, `if:` on the event name, `npx --no-install kintone-openapi` as the built CLI, `sf` as a fake on PATH
 * that logs its arguments. Installing steps (npm) are what this test provides instead.
 */
async function runJob(
  workflow: Workflow,
  event: "push" | "pull_request",
  cwd: string,
  env: Record<string, string>,
  secrets: Record<string, string>,
): Promise<Array<{ name: string; code: number; output: string }>> {
  const results: Array<{ name: string; code: number; output: string }> = [];
  for (const step of workflow.jobs.salesforce?.steps ?? []) {
    if (step.run === undefined || step.run.startsWith("npm ")) continue;
    if (step.if !== undefined && step.if !== `github.event_name == '${event}'`) {
      expect(step.if).toMatch(/^github\.event_name == '(push|pull_request)'$/);
      continue;
    }
    const stepEnv = { ...env };
    for (const [name, value] of Object.entries(step.env ?? {}))
      stepEnv[name] = value.replace(/\$\{\{ secrets\.([A-Z_]+) \}\}/g, (_, s: string) => secrets[s] ?? "");
    const script = step.run.replaceAll("npx --no-install kintone-openapi", `"${process.execPath}" "${BIN}"`);
    const result = await new Promise<{ name: string; code: number; output: string }>((resolve) => {
      const child = spawn("bash", ["-eo", "pipefail", "-c", script], {
        cwd: join(cwd, step["working-directory"] ?? "."),
        env: stepEnv,
      });
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
    if (result.code !== 0) break;
  }
  return results;
}

describe("init --ci github --salesforce: the deploy job, run step by step with a fake sf", () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let workflow: Workflow;
  let server: Server;
  let url: string;
  const posted: unknown[] = [];
  const secrets = {
    SF_CLIENT_ID: "3MVG9-client",
    SF_JWT_KEY: JWT_KEY,
    SF_USERNAME: "ci@example.com",
    SF_LOGIN_URL: "https://test.salesforce.com",
    KINTONE_OPENAPI_API_KEY: KEY,
  };

  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir());
    const init = await runCli(["init", "--ci", "github", "--salesforce"], { cwd: dir });
    expect(init.code).toBe(0);
    expect(init.stderr).toContain(
      "SF_CLIENT_ID, SF_JWT_KEY, SF_USERNAME, SF_LOGIN_URL and KINTONE_OPENAPI_API_KEY",
    );
    workflow = parseYaml(await readFile(join(dir, ".github/workflows/kintone-openapi.yml"), "utf8"));
    expect(
      (await runCli(["generate", "--demo", "--proxy-url", "https://proxy.example.com"], { cwd: dir })).code,
    ).toBe(0);
    // The org: answers the Connect REST resource as in set-key.e2e.test.ts (no credential yet, then created).
    server = createServer(async (req, res) => {
      let text = "";
      for await (const chunk of req) text += chunk;
      if (req.headers.authorization !== `Bearer ${TOKEN}`) {
        res.writeHead(401).end("[]");
        return;
      }
      if (req.method === "POST") posted.push(JSON.parse(text));
      res.writeHead(req.method === "POST" ? 201 : 200, { "content-type": "application/json" });
      res.end(
        JSON.stringify({ credentials: {}, externalCredential: "Kintone_Proxy", principalName: "Proxy" }),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const bin = join(dir, "fake-bin");
    await mkdir(bin);
    await writeFile(
      join(bin, "sf"),
      `#!${process.execPath}
const { appendFileSync, existsSync } = require("node:fs");
const args = process.argv.slice(2);
const keyFile = args.includes("--jwt-key-file") ? args[args.indexOf("--jwt-key-file") + 1] : undefined;
appendFileSync(${JSON.stringify(join(dir, "sf.log"))}, JSON.stringify({ cwd: process.cwd(), args, keyFileThere: keyFile ? existsSync(keyFile) : undefined }) + "\\n");
if (args.slice(0, 2).join(" ") === "org display")
  process.stdout.write(JSON.stringify({ status: 0, result: { instanceUrl: ${JSON.stringify(url)}, accessToken: ${JSON.stringify(TOKEN)}, username: "ci@example.com", alias: "target" } }));
`,
    );
    await chmod(join(bin, "sf"), 0o755);
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await cleanup();
  });

  const env = () => ({
    ...Object.fromEntries(Object.entries(cleanEnv()).filter(([k]) => !k.startsWith("npm_"))),
    PATH: `${join(dir, "fake-bin")}:${dirname(process.execPath)}:/usr/bin:/bin`,
    RUNNER_TEMP: join(dir, "runner-temp"),
  });
  const sfCalls = async () =>
    (await readFile(join(dir, "sf.log"), "utf8").catch(() => ""))
      .trim()
      .split("\n")
      .filter((line) => line !== "")
      .map((line) => JSON.parse(line) as { cwd: string; args: string[]; keyFileThere?: boolean });

  it("runs after the drift check, on pull requests and on pushes to main only", () => {
    expect(workflow.on.push).toEqual({
      branches: ["main"],
      paths: ["kintone-openapi.json", "package.json", "package-lock.json"],
    });
    expect(workflow.on.pull_request).toBeTruthy();
    const job = workflow.jobs.salesforce;
    expect(job?.needs).toBe("spec");
    expect(job?.if).toBe(
      "(github.event_name == 'pull_request' && github.event.pull_request.head.repo.full_name == github.repository) || (github.event_name == 'push' && github.ref == 'refs/heads/main')",
    );
    expect(Object.keys(workflow.jobs)).toEqual(["spec", "node", "salesforce"]);
  });

  it("on a pull request: logs in with the JWT secrets and validates the deploy with --dry-run, no key set", async () => {
    await mkdir(join(dir, "runner-temp"), { recursive: true });
    const results = await runJob(workflow, "pull_request", dir, env(), secrets);
    expect(results.map((r) => [r.name, r.code])).toEqual([
      ["Write the Salesforce folder from the committed spec", 0],
      ["Log in to Salesforce (JWT)", 0],
      ["Validate the deploy (pull requests, nothing is saved)", 0],
    ]);
    const calls = await sfCalls();
    expect(calls.map((c) => c.args.slice(0, 3).join(" "))).toEqual(["org login jwt", "project deploy start"]);
    expect(calls[0]?.args).toEqual([
      "org",
      "login",
      "jwt",
      "--client-id",
      "3MVG9-client",
      "--jwt-key-file",
      join(dir, "runner-temp/sf-jwt.key"),
      "--username",
      "ci@example.com",
      "--instance-url",
      "https://test.salesforce.com",
      "--alias",
      "target",
    ]);
    expect(calls[0]?.keyFileThere).toBe(true);
    expect(await readdir(join(dir, "runner-temp"))).toEqual([]);
    expect(calls[1]?.args).toContain("--dry-run");
    expect(calls[1]?.cwd).toBe(join(dir, "salesforce"));
    expect(await readFile(join(dir, "salesforce/manifest/package.xml"), "utf8")).toContain(
      "ExternalServiceRegistration",
    );
    expect(posted).toEqual([]);
    for (const r of results) expect(r.output).not.toContain("ci-jwt-key-b2c9");
  });

  it("on a push to main: deploys for real, then sets the key through Connect REST", async () => {
    await writeFile(join(dir, "sf.log"), "");
    const results = await runJob(workflow, "push", dir, env(), secrets);
    expect(results.map((r) => [r.name, r.code])).toEqual([
      ["Write the Salesforce folder from the committed spec", 0],
      ["Log in to Salesforce (JWT)", 0],
      ["Deploy to Salesforce (main)", 0],
      ["Set the proxy key (main)", 0],
    ]);
    const calls = await sfCalls();
    expect(calls.map((c) => c.args.slice(0, 3).join(" "))).toEqual([
      "org login jwt",
      "project deploy start",
      "org display --json",
    ]);
    expect(calls[1]?.args).not.toContain("--dry-run");
    expect(calls[2]?.args).toEqual(["org", "display", "--json", "--target-org", "target"]);
    expect(posted).toEqual([
      {
        externalCredential: "Kintone_Proxy",
        authenticationProtocol: "Custom",
        principalName: "Proxy",
        principalType: "NamedPrincipal",
        credentials: { ApiKey: { value: KEY, encrypted: true } },
      },
    ]);
    for (const r of results) {
      expect(r.output).not.toContain(KEY);
      expect(r.output).not.toContain(TOKEN);
    }
  });
});
