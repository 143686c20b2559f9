import { spawn } from "node:child_process";
import { chmod, mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { ROOT, runCli, tempDir } from "../helpers/cli.js";

/**
 * Regressions of the outside attack on `kintone-openapi salesforce` (one `it` per finding): each fails on the code
 * before the fixes.
 */

const KEY = "attack-proxy-key-77c1e0";
const TOKEN = "00Dattack!token-1f2e";
const ESR_DIR = "force-app/main/default/externalServiceRegistrations";

type Seen = { method: string; url: string; body: unknown };
type Mode = "json" | "html-read" | "html-write" | "html-error" | "redirect";

/** The org: a Connect REST stand-in, or (by mode) a web server that answers HTML. */
function orgServer(state: { mode: Mode; seen: Seen[] }): Server {
  return createServer(async (req, res) => {
    let text = "";
    for await (const chunk of req) text += chunk;
    state.seen.push({
      method: req.method ?? "",
      url: req.url ?? "",
      body: text === "" ? undefined : JSON.parse(text),
    });
    const html = (status: number) => {
      res.writeHead(status, { "content-type": "text/html" });
      res.end(
        `<!DOCTYPE html><html><head><title>Login</title></head><body>${"<p>x</p>".repeat(200)}</body></html>`,
      );
    };
    if (state.mode === "html-read" || (state.mode === "html-write" && req.method !== "GET")) return html(200);
    if (state.mode === "html-error") return html(500);
    if (state.mode === "redirect") {
      res.writeHead(302, { location: "https://login.salesforce.com/" });
      res.end();
      return;
    }
    res.writeHead(req.method === "POST" ? 201 : 200, { "content-type": "application/json" });
    const name =
      new URL(req.url ?? "/", "http://x").searchParams.get("externalCredential") ?? "Kintone_Proxy";
    res.end(JSON.stringify({ credentials: {}, externalCredential: name, principalName: "Proxy" }));
  });
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => join(e.parentPath, e.name).slice(dir.length + 1))
    .sort();
}

describe("salesforce after the outside attack", () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let server: Server;
  let url: string;
  const state: { mode: Mode; seen: Seen[] } = { mode: "json", seen: [] };
  const cli = (args: string[], env: Record<string, string> = {}) => runCli(args, { cwd: dir, env });
  const setKey = (args: string[] = [], env: Record<string, string> = {}) =>
    cli(["salesforce", "set-key", ...args], {
      SF_INSTANCE_URL: url,
      SF_ACCESS_TOKEN: TOKEN,
      KINTONE_OPENAPI_API_KEY: KEY,
      ...env,
    });

  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir());
    const generated = await cli([
      "generate",
      "--demo",
      "--proxy-url",
      "https://proxy.example.com/kintone",
      "--operations",
      "list,get,create,update,delete,files,comments",
    ]);
    expect(generated.stderr).toBe(generated.stderr);
    expect(generated.code).toBe(0);
    server = orgServer(state);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  beforeEach(() => {
    state.mode = "json";
    state.seen = [];
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await cleanup();
  });

  it("1. reads serviceName, operations and header from the config file's salesforce section; a flag wins", async () => {
    const sub = join(dir, "with-config");
    await mkdir(sub);
    await writeFile(
      join(sub, "kintone-openapi.config.json"),
      JSON.stringify({
        output: "../kintone-openapi.json",
        salesforce: {
          serviceName: "Kintone Sales",
          operations: ["list"],
          header: "authorization",
          output: "sf",
        },
      }),
    );
    const run = await runCli(["salesforce"], { cwd: sub });
    expect(run.stderr).toContain("Wrote sf: External Service Kintone_Sales (");
    expect(run.code).toBe(0);
    const esr = await readFile(
      join(sub, "sf", ESR_DIR, "Kintone_Sales.externalServiceRegistration-meta.xml"),
      "utf8",
    );
    expect(esr.match(/<active>true<\/active>/g)?.length).toBe(3);
    const credential = await readFile(
      join(
        sub,
        "sf/force-app/main/default/externalCredentials/Kintone_Sales_Proxy.externalCredential-meta.xml",
      ),
      "utf8",
    );
    expect(credential).toContain("Authorization");
    // The flag wins over the config file.
    const flagged = await runCli(["salesforce", "--service-name", "Other", "-o", "other"], { cwd: sub });
    expect(flagged.code).toBe(0);
    expect(await filesUnder(join(sub, "other", ESR_DIR))).toEqual([
      "Other.externalServiceRegistration-meta.xml",
    ]);
    // set-key takes the same service name from the config file.
    const set = await runCli(["salesforce", "set-key"], {
      cwd: sub,
      env: { SF_INSTANCE_URL: url, SF_ACCESS_TOKEN: TOKEN, KINTONE_OPENAPI_API_KEY: KEY },
    });
    expect(set.stderr).toContain("Set the key of Kintone_Sales_Proxy");
    expect(set.code).toBe(0);
    // And the CI job passes none of these as flags: the committed config decides.
    const job = await readFile(join(ROOT, "templates/ci/github-salesforce-job.yml"), "utf8");
    expect(job).not.toMatch(/--service-name|--operations|--header/);
    expect(job).toContain('"salesforce" section');
  });

  it("2. the job's concurrency group serialises pushes only; a pull request's dry run has its own group", async () => {
    const text = await readFile(join(ROOT, "templates/ci/github-salesforce-job.yml"), "utf8");
    const jobs = parseYaml(`jobs:\n${text}`) as {
      jobs: { salesforce: { concurrency: { group: string; "cancel-in-progress": boolean } } };
    };
    const { group, "cancel-in-progress": cancel } = jobs.jobs.salesforce.concurrency;
    expect(cancel).toBe(false);
    // Evaluate the expression for each event, as GitHub Actions would.
    const evaluate = (event: string, runId: string) => {
      const match =
        /^\$\{\{ github\.event_name == 'push' && '([\w-]+)' \|\| format\('([\w{}-]+)', github\.run_id\) \}\}$/.exec(
          group,
        );
      expect(match).not.toBeNull();
      return event === "push" ? match?.[1] : match?.[2]?.replace("{0}", runId);
    };
    expect(evaluate("push", "1")).toBe("salesforce-deploy");
    expect(evaluate("push", "2")).toBe("salesforce-deploy");
    expect(evaluate("pull_request", "3")).not.toBe("salesforce-deploy");
    expect(evaluate("pull_request", "3")).not.toBe(evaluate("pull_request", "4"));
  });

  it("3. set-key fails (exit 1) when the instance URL answers HTML, on the read or on the write", async () => {
    for (const mode of ["html-read", "html-write"] as const) {
      state.mode = mode;
      const result = await setKey();
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(
        /^error: org 127\.0\.0\.1:\d+ at http:\/\/127\.0\.0\.1:\d+ did not answer as Salesforce's Connect REST API \(.*\), so no key was set: check the instance URL/,
      );
      expect(result.stderr).not.toContain("<");
      expect(result.stderr).not.toMatch(/Set the key|Replaced the key/);
    }
  });

  it("4. an output folder that cannot be made is one sentence naming the path, exit 2, no bug report", async () => {
    await writeFile(join(dir, "afile"), "x");
    const result = await cli(["salesforce", "-o", "afile/sub"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /^error: -o afile\/sub: cannot write afile\/sub\/[^ ]+: a file is in the way/,
    );
    expect(result.stderr).not.toMatch(/bug|at .*\.js:\d+/);
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
  });

  it.runIf(process.platform === "linux")(
    "4. -o under /proc or /sys ends with one sentence naming the path (fs.mkdir's recursive mode looped forever)",
    async () => {
      for (const path of ["/proc/x/y", "/sys/x"]) {
        const result = await cli(["salesforce", "-o", path]);
        expect(result.stderr).toMatch(new RegExp(`^error: -o ${path}: cannot write ${path}/`));
        expect(result.stderr).not.toMatch(/bug/);
        expect([1, 2]).toContain(result.code);
      }
    },
    20_000,
  );

  it("5. a write failing partway changes nothing: no temporaries, the old files and the user's Flows are kept", async () => {
    const out = join(dir, "partway");
    await mkdir(join(out, "force-app/main/default/flows"), { recursive: true });
    await mkdir(join(out, ESR_DIR), { recursive: true });
    await writeFile(join(out, "force-app/main/default/flows/Mine.flow-meta.xml"), "<Flow/>");
    await writeFile(join(out, ESR_DIR, "Kintone.externalServiceRegistration-meta.xml"), "old");
    await writeFile(
      join(out, "sfdx-project.json"),
      JSON.stringify({
        packageDirectories: [{ path: "force-app", default: true }],
        sourceApiVersion: "62.0",
      }),
    );
    // manifest is a file where the folder manifest/ must go: the write fails after the components were staged.
    await writeFile(join(out, "manifest"), "in the way");
    const before = await filesUnder(out);
    const result = await cli(["salesforce", "-o", "partway"]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /^error: -o partway: cannot write partway\/manifest\/package\.xml: a file is in the way/m,
    );
    expect(await filesUnder(out)).toEqual(before);
    expect(await readFile(join(out, ESR_DIR, "Kintone.externalServiceRegistration-meta.xml"), "utf8")).toBe(
      "old",
    );
    // Once the way is clear, the Flow survives the write.
    await import("node:fs/promises").then(({ rm }) => rm(join(out, "manifest")));
    expect((await cli(["salesforce", "-o", "partway"])).code).toBe(0);
    expect(await readFile(join(out, "force-app/main/default/flows/Mine.flow-meta.xml"), "utf8")).toBe(
      "<Flow/>",
    );
  });

  it("6. --operations takes generate's group names (files, comments) and --help lists groups and kinds", async () => {
    const result = await cli(["salesforce", "-o", "groups", "--operations", "files,comments"]);
    expect(result.code).toBe(0);
    const esr = await readFile(
      join(dir, "groups", ESR_DIR, "Kintone.externalServiceRegistration-meta.xml"),
      "utf8",
    );
    // Every operation of those groups' kinds in the spec, and no other.
    const spec = JSON.parse(await readFile(join(dir, "kintone-openapi.json"), "utf8")) as {
      paths: Record<string, Record<string, { "x-kintone-operation"?: string }>>;
    };
    const kinds = Object.values(spec.paths).flatMap((item) =>
      Object.values(item).map((op) => op["x-kintone-operation"]),
    );
    const wanted = kinds.filter((kind) =>
      ["upload-file", "download-file", "list-comments", "add-comment"].includes(kind ?? ""),
    ).length;
    expect(wanted).toBeGreaterThan(0);
    expect(result.stderr).toContain(`(${wanted} operations active)`);
    expect(esr).toMatch(/<name>upload\w+<\/name>/i);
    const help = await cli(["salesforce", "--help"]);
    expect(help.stdout.replace(/\s+/g, " ")).toMatch(/files,status,comments,upsert,bulk/);
    expect(help.stdout.replace(/\s+/g, " ")).toMatch(/upload-file,download-file,run-action/);
  });

  it("7. --previous with --operations names the operations it deactivates", async () => {
    const result = await cli([
      "salesforce",
      "-o",
      "narrowed",
      "--previous",
      "kintone-openapi.json",
      "--operations",
      "list,get,create,update,delete,files",
    ]);
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(
      /warning: 6 operations registered before and not selected now will be deactivated: [a-z]*comments?[a-z]*, /i,
    );
  });

  it.each([["Ünïcode"], ["ab;rm -rf"], ["a.b"]])(
    "8. --service-name %j is refused with the rule, not rewritten",
    async (name) => {
      const result = await cli(["salesforce", "-o", "named", "--service-name", name]);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain(
        "--service-name takes ASCII letters, digits, spaces, underscores or hyphens, starting with a letter",
      );
    },
  );

  it("8. a 200-character --service-name is not echoed back in full", async () => {
    const result = await cli(["salesforce", "-o", "named", "--service-name", `A${"b".repeat(199)}`]);
    expect(result.code).toBe(2);
    expect(result.stderr).not.toContain("b".repeat(60));
    expect(result.stderr.length).toBeLessThan(250);
  });

  it("9. set-key refuses a key the proxy would refuse (under 16 characters), before calling the org", async () => {
    const result = await setKey([], { KINTONE_OPENAPI_API_KEY: "short-key" });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/KINTONE_OPENAPI_API_KEY has 9 characters; use keys of at least 16/);
    expect(state.seen).toEqual([]);
  });

  it("10. network errors name the cause; an HTML error page is not dumped", async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, "127.0.0.1", resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((resolve) => closed.close(resolve));
    const refused = await setKey([], { SF_INSTANCE_URL: `http://127.0.0.1:${port}` });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("(connection refused)");
    expect(refused.stderr).not.toContain("fetch failed");
    state.mode = "html-error";
    const page = await setKey();
    expect(page.code).toBe(1);
    expect(page.stderr).toContain("failed with HTTP 500 (an HTML page)");
    expect(page.stderr).not.toContain("<");
    state.mode = "redirect";
    const moved = await setKey();
    expect(moved.code).toBe(1);
    expect(moved.stderr).toContain("it answered with a redirect, which is not followed");
  });

  it("11. the login step deletes the JWT key file even when the login fails", async () => {
    const text = await readFile(join(ROOT, "templates/ci/github-salesforce-job.yml"), "utf8");
    const { jobs } = parseYaml(`jobs:\n${text}`) as {
      jobs: { salesforce: { if: string; steps: Array<{ name: string; run?: string }> } };
    };
    expect(jobs.salesforce.if).toContain(
      "github.event.pull_request.head.repo.full_name == github.repository",
    );
    expect(jobs.salesforce.steps.find((s) => s.run?.includes("@salesforce/cli"))?.run).toMatch(
      /@salesforce\/cli@\d+\.\d+\.\d+ /,
    );
    const login = jobs.salesforce.steps.find((s) => s.name.startsWith("Log in"))?.run as string;
    const bin = join(dir, "failing-sf");
    const temp = join(dir, "runner-temp-11");
    await mkdir(bin, { recursive: true });
    await mkdir(temp, { recursive: true });
    await writeFile(join(bin, "sf"), "#!/bin/sh\necho 'login refused' >&2\nexit 1\n");
    await chmod(join(bin, "sf"), 0o755);
    const code = await new Promise<number>((resolve) => {
      const child = spawn("bash", ["-eo", "pipefail", "-c", login], {
        env: { PATH: `${bin}:/usr/bin:/bin`, RUNNER_TEMP: temp, SF_JWT_KEY: "secret-jwt" },
        stdio: "ignore",
      });
      child.on("close", (c) => resolve(c ?? 1));
    });
    expect(code).not.toBe(0);
    expect(await readdir(temp)).toEqual([]);
  });

  it("12. --proxy-url compares as URLs, never echoes credentials, and refuses a non-URL in one sentence", async () => {
    const same = await cli([
      "salesforce",
      "-o",
      "proxied",
      "--proxy-url",
      "HTTPS://Proxy.Example.com:443/kintone/",
    ]);
    expect(same.code).toBe(0);
    const other = await cli([
      "salesforce",
      "-o",
      "proxied",
      "--proxy-url",
      "https://user:s3cret@other.example.com",
    ]);
    expect(other.code).toBe(2);
    expect(other.stderr).not.toContain("s3cret");
    expect(other.stderr).toContain("--proxy-url https://other.example.com is not the spec's server");
    const junk = await cli(["salesforce", "-o", "proxied", "--proxy-url", "not a url"]);
    expect(junk.code).toBe(2);
    expect(junk.stderr).toMatch(/^error: --proxy-url is not a URL \(got "not a url"\)/);
    expect(junk.stderr).not.toContain("generate --proxy-url not a url");
  });

  it("13. --header is case-insensitive", async () => {
    const result = await cli(["salesforce", "-o", "headers", "--header", "X-API-Key"]);
    expect(result.code).toBe(0);
  });

  it("14. a kept sfdx-project.json's sourceApiVersion is package.xml's version, unless --api-version is given", async () => {
    const out = join(dir, "kept");
    await mkdir(out);
    await writeFile(
      join(out, "sfdx-project.json"),
      JSON.stringify({
        packageDirectories: [{ path: "force-app", default: true }],
        sourceApiVersion: "60.0",
      }),
    );
    expect((await cli(["salesforce", "-o", "kept"])).code).toBe(0);
    expect(await readFile(join(out, "manifest/package.xml"), "utf8")).toContain("<version>60.0</version>");
    expect((await cli(["salesforce", "-o", "kept", "--api-version", "61.0"])).code).toBe(0);
    expect(await readFile(join(out, "manifest/package.xml"), "utf8")).toContain("<version>61.0</version>");
  });
});
