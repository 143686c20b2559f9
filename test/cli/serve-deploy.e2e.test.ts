import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSandbox, type Sandbox } from "../../src/sandbox/server.js";
import { isPrivateHost } from "../../src/util/address.js";
import { runCli, startCli, tempDir } from "../helpers/cli.js";

// What a platform (Cloud Run, Kubernetes, systemd) needs of `serve`: PORT and HOST, a start-up check that fails
// fast with a sentence an operator can act on, endpoints under the spec's server path, and a log that says why.

const KEY = "deploy-key-0123456789";

describe("serve as a platform runs it", { timeout: 60_000 }, () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let sandbox: Sandbox;
  const env = () => ({
    KINTONE_BASE_URL: sandbox.url,
    KINTONE_USERNAME: "sandbox",
    KINTONE_PASSWORD: "sandbox",
    KINTONE_OPENAPI_API_KEYS: KEY,
  });
  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir());
    sandbox = await createSandbox();
    const generated = await runCli(
      ["generate", "--demo", "-o", "spec.json", "--proxy-url", "https://proxy.example.com/kintone"],
      { cwd: dir },
    );
    expect(generated.code).toBe(0);
  });
  afterAll(async () => {
    await sandbox.close();
    await cleanup();
  });

  it("listens on $PORT on every interface when a platform sets it, and answers under the spec's path", async () => {
    const server = startCli(["serve", "--spec", "spec.json"], {
      cwd: dir,
      env: { ...env(), PORT: "0" },
      ready: /listening on (\S+)/,
    });
    const url = await server.url;
    expect(url).toMatch(/^http:\/\/0\.0\.0\.0:\d+$/);
    const base = url.replace("0.0.0.0", "127.0.0.1");
    for (const path of ["/healthz", "/kintone/healthz", "/kintone/readyz", "/kintone/docs/"])
      expect((await fetch(`${base}${path}`)).status, path).toBe(200);
    const spec = await fetch(`${base}/kintone/openapi.json`, { headers: { "x-api-key": KEY } });
    expect(spec.status).toBe(200);
    expect((await spec.json()).servers[0].url).toBe("https://proxy.example.com/kintone");
    expect((await fetch(`${base}/kintone/customers?$top=1`, { headers: { "x-api-key": KEY } })).status).toBe(
      200,
    );
    server.child.kill("SIGTERM");
    expect(await server.exit).toBe(0);
  });

  it("--port and --host win over PORT and HOST; HOST alone keeps the port default", async () => {
    const server = startCli(["serve", "--spec", "spec.json", "--port", "0", "--host", "127.0.0.1"], {
      cwd: dir,
      env: { ...env(), PORT: "1", HOST: "0.0.0.0" },
      ready: /listening on (\S+)/,
    });
    expect(await server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    server.child.kill("SIGTERM");
    expect(await server.exit).toBe(0);
    const bad = await runCli(["serve", "--spec", "spec.json"], { cwd: dir, env: { ...env(), PORT: "http" } });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/PORT must be a whole number from 0 to 65535/);
  });

  it("refuses to start when Kintone refuses its credentials, naming the app and Kintone's code (exit 1)", async () => {
    const result = await runCli(["serve", "--spec", "spec.json", "--port", "0"], {
      cwd: dir,
      env: { ...env(), KINTONE_PASSWORD: "wrong-password-4411" },
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/Kintone refuses these credentials for app 1 \(CB_WA01: /);
    expect(result.stderr).toMatch(/--skip-startup-check/);
    expect(result.stderr).not.toContain("wrong-password-4411");
    expect(result.stdout).not.toMatch(/listening/);
  });

  it("with --skip-startup-check it starts; failed calls log their code, and the auth failure reaches stderr once", async () => {
    const server = startCli(["serve", "--spec", "spec.json", "--port", "0", "--skip-startup-check"], {
      cwd: dir,
      env: { ...env(), KINTONE_PASSWORD: "wrong-password-4411" },
      ready: /listening on (\S+)/,
    });
    const url = await server.url;
    for (let i = 0; i < 3; i++) {
      const answer = await fetch(`${url}/kintone/customers?$top=1`, { headers: { "x-api-key": KEY } });
      expect(answer.status).toBe(502);
    }
    expect((await fetch(`${url}/kintone/customers`)).status).toBe(401);
    server.child.kill("SIGTERM");
    expect(await server.exit).toBe(0);
    const { stdout, stderr } = server.output();
    const log = stdout
      .split("\n")
      .filter((line) => line.startsWith("{"))
      .map((line) => JSON.parse(line));
    expect(log.filter((entry) => entry.error === "KintoneAuthFailed")).toHaveLength(3);
    expect(log.filter((entry) => entry.error === "Unauthorized")).toHaveLength(1);
    expect(stderr.match(/Kintone refused the proxy's credentials/g)).toHaveLength(1);
    expect(stdout + stderr).not.toContain("wrong-password-4411");
  });

  it("stops cleanly on SIGTERM while the start-up check still waits for Kintone (found by an outside attack)", async () => {
    const slow = await createSandbox({ latencyMs: 8_000 });
    try {
      const server = startCli(["serve", "--spec", "spec.json", "--port", "0"], {
        cwd: dir,
        env: { ...env(), KINTONE_BASE_URL: slow.url },
        ready: /listening on (\S+)/,
      });
      server.url.catch(() => undefined);
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      server.child.kill("SIGTERM");
      expect(await server.exit).toBe(0);
      expect(server.output().stdout).not.toMatch(/listening/);
    } finally {
      await slow.close();
    }
  });

  it("serves the docs page with relative URLs, so it works under any path a reverse proxy mounts it at", async () => {
    const server = startCli(["serve", "--spec", "spec.json", "--port", "0"], {
      cwd: dir,
      env: env(),
      ready: /listening on (\S+)/,
    });
    const url = await server.url;
    const redirect = await fetch(`${url}/kintone/docs`, { redirect: "manual" });
    expect(redirect.status).toBe(308);
    expect(redirect.headers.get("location")).toBe("docs/");
    const page = await (await fetch(`${url}/kintone/docs/`)).text();
    expect(page).not.toMatch(/(src|href)="\//);
    for (const asset of ["swagger-ui.css", "swagger-ui-bundle.js", "init.js"]) {
      expect(page).toContain(`"${asset}"`);
      expect((await fetch(`${url}/kintone/docs/${asset}`)).status, asset).toBe(200);
    }
    const script = await (await fetch(`${url}/kintone/docs/init.js`)).text();
    expect(script).not.toMatch(/fetch\("\//);
    server.child.kill("SIGTERM");
    expect(await server.exit).toBe(0);
  });

  it("lists every environment variable it reads, and no option it ignores", async () => {
    const help = (await runCli(["serve", "--help"], { cwd: dir })).stdout;
    for (const name of [
      "KINTONE_OPENAPI_API_KEYS",
      "KINTONE_BASE_URL",
      "KINTONE_API_TOKEN",
      "PORT",
      "HOST",
      "HTTP_PROXY",
      "HTTPS_PROXY",
      "NO_PROXY",
    ])
      expect(help, name).toContain(name);
    for (const ignored of ["--preview", "--concurrency <n>", "--guest-space-id"])
      expect(help, ignored).not.toContain(ignored);
  });

  it("generate warns that Salesforce cannot call a local or private server URL", async () => {
    const local = await runCli(["generate", "--demo", "-o", "local.json"], { cwd: dir });
    expect(local.stderr).toMatch(/Salesforce cannot call.*--proxy-url/);
    const privately = await runCli(
      ["generate", "--demo", "-o", "p.json", "--proxy-url", "https://10.1.2.3"],
      {
        cwd: dir,
      },
    );
    expect(privately.stderr).toMatch(/Salesforce cannot call/);
    const pub = await runCli(
      ["generate", "--demo", "-o", "pub.json", "--proxy-url", "https://proxy.example.com"],
      {
        cwd: dir,
      },
    );
    expect(pub.stderr).not.toMatch(/Salesforce cannot call/);
  });
});

describe("private addresses", () => {
  it.each([
    ["localhost", true],
    ["127.0.0.1", true],
    ["10.0.0.8", true],
    ["172.20.1.1", true],
    ["172.32.1.1", false],
    ["192.168.1.10", true],
    ["[::1]", true],
    ["[fd00::1]", true],
    ["proxy.internal", true],
    ["intranet", true],
    ["proxy.example.com", false],
    ["localhost.", true],
    ["printer.local.", true],
    ["8.8.8.8", false],
    ["[2001:db8::1]", false],
  ])("%s → %s", (host, expected) => {
    expect(isPrivateHost(host)).toBe(expected);
  });
});
