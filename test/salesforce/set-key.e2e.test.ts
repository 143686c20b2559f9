import { chmod, mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { runCli, tempDir } from "../helpers/cli.js";
import { PtySession } from "../helpers/pty.js";

/** Distinctive values, so that any trace of them in an output or a file is found. */
const KEY = "proxy-key-5b1e0c9d7a";
const TOKEN = "00Dxx0000001gPL!access-token-93kq";
const API = "/services/data/v62.0/named-credentials/credential";

type Seen = { method: string; url: string; authorization?: string; body: unknown };

/**
 * A stand-in for the org's Connect REST resource, answering as the documentation shows (Credential output:
 * credential names without their encrypted values; errors as `[{errorCode, message}]`).
 */
function connectServer(state: { mode: "create" | "update" | "missing" | "expired"; seen: Seen[] }): Server {
  return createServer(async (req: IncomingMessage, res) => {
    let text = "";
    for await (const chunk of req) text += chunk;
    const body = text === "" ? undefined : (JSON.parse(text) as unknown);
    state.seen.push({
      method: req.method ?? "",
      url: req.url ?? "",
      ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}),
      body,
    });
    const send = (status: number, value: unknown) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(value));
    };
    if (req.headers.authorization !== `Bearer ${TOKEN}` || state.mode === "expired")
      return send(401, [{ errorCode: "INVALID_SESSION_ID", message: "Session expired or invalid" }]);
    if (!(req.url ?? "").startsWith(API))
      return send(404, [{ errorCode: "NOT_FOUND", message: "no such resource" }]);
    if (state.mode === "missing")
      return send(404, [{ errorCode: "NOT_FOUND", message: "The requested resource does not exist" }]);
    const credential = (credentials: Record<string, unknown>) => ({
      authenticationProtocol: "Custom",
      authenticationProtocolVariant: null,
      authenticationStatus: Object.keys(credentials).length > 0 ? "Configured" : "NotConfigured",
      credentials,
      externalCredential: "Kintone_Proxy",
      principalAccess: null,
      principalName: "Proxy",
      principalType: "NamedPrincipal",
    });
    if (req.method === "GET")
      return send(
        200,
        credential(state.mode === "update" ? { ApiKey: { encrypted: true, value: null } } : {}),
      );
    if (req.method === "POST" && state.mode === "create")
      return send(201, credential({ ApiKey: { encrypted: true, value: null } }));
    if (req.method === "PATCH" && state.mode === "update")
      return send(200, credential({ ApiKey: { encrypted: true, value: null } }));
    return send(400, [{ errorCode: "INVALID_INPUT", message: `unexpected ${req.method}` }]);
  });
}

/** A fake `sf` on PATH that prints what `sf org display --json` prints, for the org "my-org" only. */
async function fakeSf(bin: string, instanceUrl: string): Promise<void> {
  await mkdir(bin, { recursive: true });
  const ok = {
    status: 0,
    result: {
      id: "00Dxx0000001gPLEAY",
      apiVersion: "62.0",
      accessToken: TOKEN,
      instanceUrl,
      username: "admin@example.com",
      clientId: "PlatformCLI",
      connectedStatus: "Connected",
      alias: "my-org",
    },
    warnings: [],
  };
  const missing = {
    status: 1,
    name: "NamedOrgNotFoundError",
    message: "No authorization information found for nope.",
    exitCode: 1,
  };
  await writeFile(
    join(bin, "sf"),
    `#!${process.execPath}
const args = process.argv.slice(2);
const org = args[args.indexOf("--target-org") + 1];
if (args.slice(0, 3).join(" ") !== "org display --json") { process.exitCode = 2; return; }
if (org === "my-org") process.stdout.write(${JSON.stringify(JSON.stringify(ok))});
else { process.stdout.write(${JSON.stringify(JSON.stringify(missing))}); process.exitCode = 1; }
`,
  );
  await chmod(join(bin, "sf"), 0o755);
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name));
}

describe("salesforce set-key, against a stand-in of the Connect REST resource", () => {
  const state: { mode: "create" | "update" | "missing" | "expired"; seen: Seen[] } = {
    mode: "create",
    seen: [],
  };
  let server: Server;
  let url: string;
  let dir: string;
  let cleanup: () => Promise<void>;
  let path: string;
  const outputs: string[] = [];

  const setKey = async (args: string[], env: Record<string, string> = {}) => {
    const result = await runCli(["salesforce", "set-key", ...args], {
      cwd: dir,
      env: { PATH: path, HOME: dir, KINTONE_OPENAPI_API_KEY: KEY, ...env },
    });
    outputs.push(result.stdout, result.stderr);
    return result;
  };

  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir());
    server = connectServer(state);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    await fakeSf(join(dir, "bin"), url);
    path = `${join(dir, "bin")}:${dirname(process.execPath)}`;
  });
  beforeEach(() => {
    state.seen = [];
  });
  afterAll(async () => {
    // The key is in no output of any run, and in no file the runs could have left.
    for (const text of outputs) expect(text).not.toContain(KEY);
    for (const text of outputs) expect(text).not.toContain(TOKEN);
    for (const file of await filesUnder(dir)) expect(await readFile(file, "utf8")).not.toContain(KEY);
    await new Promise((resolve) => server.close(resolve));
    await cleanup();
  });

  it("creates the credential when the principal has none: GET, then POST with encrypted: true", async () => {
    state.mode = "create";
    const result = await setKey(["--target-org", "my-org"]);
    expect(result.stderr).toBe(
      "Set the key of Kintone_Proxy (principal Proxy) in org my-org. Salesforce now sends it to the proxy on every call.\n",
    );
    expect(result.code).toBe(0);
    expect(state.seen.map((s) => s.method)).toEqual(["GET", "POST"]);
    expect(state.seen[0]?.url).toBe(
      `${API}?externalCredential=Kintone_Proxy&principalName=Proxy&principalType=NamedPrincipal`,
    );
    expect(state.seen.every((s) => s.authorization === `Bearer ${TOKEN}`)).toBe(true);
    expect(state.seen[1]?.body).toEqual({
      externalCredential: "Kintone_Proxy",
      authenticationProtocol: "Custom",
      principalName: "Proxy",
      principalType: "NamedPrincipal",
      credentials: { ApiKey: { value: KEY, encrypted: true } },
    });
    expect(result.stdout).toBe("");
  });

  it("updates only the key when the principal has credentials (PATCH), with the session from SF_* variables", async () => {
    state.mode = "update";
    const result = await runCli(["salesforce", "set-key", "--service-name", "Sales Kintone"], {
      cwd: dir,
      env: { PATH: path, KINTONE_OPENAPI_API_KEY: KEY, SF_INSTANCE_URL: url, SF_ACCESS_TOKEN: TOKEN },
    });
    outputs.push(result.stdout, result.stderr);
    expect(result.code).toBe(0);
    expect(state.seen.map((s) => s.method)).toEqual(["GET", "PATCH"]);
    expect(state.seen[0]?.url).toContain("externalCredential=Sales_Kintone_Proxy&");
    expect((state.seen[1]?.body as { credentials?: unknown } | undefined)?.credentials).toEqual({
      ApiKey: { value: KEY, encrypted: true },
    });
    expect(result.stderr).toMatch(
      /Replaced the key of Sales_Kintone_Proxy \(principal Proxy\) in org 127\.0\.0\.1:/,
    );
  });

  it("names the org and the status when the External Credential is not deployed (404)", async () => {
    state.mode = "missing";
    const result = await setKey(["--target-org", "my-org"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /error: Reading the principal Proxy of External Credential Kintone_Proxy in org my-org failed with HTTP 404 \(NOT_FOUND: The requested resource does not exist\): deploy the folder that kintone-openapi salesforce wrote first\./,
    );
    expect(state.seen.map((s) => s.method)).toEqual(["GET"]);
  });

  it("names the org and the status when the session is refused (401)", async () => {
    state.mode = "expired";
    const result = await setKey(["--target-org", "my-org"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /in org my-org failed with HTTP 401 \(INVALID_SESSION_ID: Session expired or invalid\): the access token was refused/,
    );
  });

  it.each([
    [
      ["--target-org", "nope"],
      {},
      /the Salesforce CLI has no session for org nope: No authorization information found for nope\. \(log in with sf org login web --alias nope\)/,
    ],
    [[], {}, /give the org: --target-org <alias\|username>/],
    [["--target-org", "my-org;rm -rf ~"], {}, /--target-org takes an alias or a username/],
    [
      ["--target-org", "my-org"],
      { KINTONE_OPENAPI_API_KEY: "" },
      /set KINTONE_OPENAPI_API_KEY to the proxy key/,
    ],
    [
      ["--target-org", "my-org"],
      { KINTONE_OPENAPI_API_KEY: "a,b" },
      /holds a comma or a space: give one key/,
    ],
    [
      [],
      { SF_INSTANCE_URL: "http://org.example.com", SF_ACCESS_TOKEN: TOKEN },
      /SF_INSTANCE_URL must be an https URL/,
    ],
    [[], { SF_INSTANCE_URL: "https://org.example.com" }, /set both SF_INSTANCE_URL and SF_ACCESS_TOKEN/],
    [
      ["--target-org", "my-org", "--api-version", "58.0"],
      {},
      /--api-version takes a Salesforce API version from 59\.0/,
    ],
  ])("refuses %j %j with exit 2 and one sentence", async (args, env, message) => {
    state.mode = "create";
    const result = await setKey(args, env);
    expect(result.stderr).toMatch(message);
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
    expect(state.seen).toEqual([]);
  });

  it("asks for the key on a terminal, masked, when KINTONE_OPENAPI_API_KEY is not set", async () => {
    state.mode = "create";
    const session = new PtySession(["salesforce", "set-key", "--target-org", "my-org"], {
      cwd: dir,
      env: { PATH: `${path}:/usr/bin:/bin`, HOME: dir },
    });
    try {
      await session.expect(/The proxy key Salesforce should send/);
      session.send(`${KEY}\r`);
      await session.expect(/Set the key of Kintone_Proxy \(principal Proxy\) in org my-org/);
      expect(await session.exit).toBe(0);
    } finally {
      session.kill();
    }
    outputs.push(session.text);
    expect(session.text).toContain("*".repeat(KEY.length));
    expect((state.seen[1]?.body as { credentials?: unknown } | undefined)?.credentials).toEqual({
      ApiKey: { value: KEY, encrypted: true },
    });
  });

  it("says to install the Salesforce CLI when sf is not on PATH", async () => {
    const result = await runCli(["salesforce", "set-key", "--target-org", "my-org"], {
      cwd: dir,
      env: { PATH: dirname(process.execPath), KINTONE_OPENAPI_API_KEY: KEY },
    });
    outputs.push(result.stdout, result.stderr);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/the Salesforce CLI \(sf\) is not on PATH/);
  });
});
