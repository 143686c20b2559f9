import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSandbox, type Sandbox } from "../../src/sandbox/server.js";
import { makeTestCerts, type TestCerts } from "../helpers/certs.js";
import { runCli, tempDir } from "../helpers/cli.js";

describe("client certificate auth (https sandbox that requires a client certificate)", () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let certs: TestCerts;
  let sandbox: Sandbox;
  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir());
    certs = makeTestCerts(dir);
    sandbox = await createSandbox({
      tls: { key: certs.key, cert: certs.cert, ca: certs.ca, requireClientCert: true },
    });
  });
  afterAll(async () => {
    await sandbox.close();
    await cleanup();
  });

  const run = (extra: Record<string, string>) =>
    runCli(["generate", "--app", "1", "--stdout", "--proxy-url", "https://proxy.example.com"], {
      cwd: dir,
      env: {
        KINTONE_BASE_URL: sandbox.url,
        KINTONE_USERNAME: "sandbox",
        KINTONE_PASSWORD: "sandbox",
        NODE_EXTRA_CA_CERTS: certs.caPath,
        ...extra,
      },
    });

  it("reads the app with the certificate and gives the same spec as the snapshot", async () => {
    const result = await run({
      KINTONE_PFX_FILE_PATH: certs.pfxPath,
      KINTONE_PFX_FILE_PASSWORD: certs.pfxPassword,
    });
    expect(result.stderr).toBe("");
    expect(result.code).toBe(0);
    const demo = await runCli(
      ["generate", "--demo", "--app", "1", "--stdout", "--proxy-url", "https://proxy.example.com"],
      { cwd: dir },
    );
    expect(result.stdout).toBe(demo.stdout);
  });

  it("says the certificate could not be used when its password is wrong, without printing it", async () => {
    const result = await run({
      KINTONE_PFX_FILE_PATH: certs.pfxPath,
      KINTONE_PFX_FILE_PASSWORD: "wrong-pfx-pass",
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /client certificate could not be used: check --pfx-file-path and --pfx-file-password/,
    );
    expect(result.stderr).not.toContain("wrong-pfx-pass");
  });

  it("fails clearly when the server refuses the certificate", async () => {
    const result = await run({
      KINTONE_PFX_FILE_PATH: certs.otherPfxPath,
      KINTONE_PFX_FILE_PASSWORD: certs.pfxPassword,
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^error: localhost:\d+ ended the TLS handshake .*does not accept the client certificate/m,
    );
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  it("names a missing certificate file (exit 2)", async () => {
    const result = await run({ KINTONE_PFX_FILE_PATH: "nope.pfx", KINTONE_PFX_FILE_PASSWORD: "x" });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/cannot read the client certificate nope.pfx \(ENOENT\)/);
  });
});
