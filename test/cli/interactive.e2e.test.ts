import { cp, mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSandbox, type Sandbox } from "../../src/sandbox/server.js";
import { SAMPLE_APPS_DIR } from "../../src/templates.js";
import { runCli, tempDir } from "../helpers/cli.js";
import { KEYS, PtySession } from "../helpers/pty.js";

describe("interactive generate in a terminal", () => {
  let sandbox: Sandbox;
  let root: string;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    ({ dir: root, cleanup } = await tempDir());
    // The sample apps plus one whose field code the tool cannot spell, so that it asks for a name.
    const data = join(root, "data");
    await cp(SAMPLE_APPS_DIR, data, { recursive: true });
    await mkdir(join(data, "9"));
    await writeFile(
      join(data, "9/app.json"),
      JSON.stringify({
        appId: "9",
        code: "",
        name: "Contracts",
        description: "",
        spaceId: "4",
        threadId: "4",
      }),
    );
    await writeFile(
      join(data, "9/form-fields.json"),
      JSON.stringify({
        properties: {
          顛末: {
            type: "SINGLE_LINE_TEXT",
            code: "顛末",
            label: "顛末",
            required: false,
            unique: false,
            defaultValue: "",
            minLength: "",
            maxLength: "",
            expression: "",
          },
        },
        revision: "1",
      }),
    );
    sandbox = await createSandbox({ data, apiTokens: [{ token: "tok-customers", appId: "1" }] });
  });
  afterAll(async () => {
    await sandbox.close();
    await cleanup();
  });

  async function workdir(name: string): Promise<string> {
    const dir = join(root, name);
    await mkdir(dir);
    return dir;
  }

  it("asks for what is missing, re-asks a rejected password, searches apps, names invented fields, and saves the answers without secrets", async () => {
    const cwd = await workdir("happy");
    const pty = new PtySession(["generate"], { cwd });
    await pty.expect(/Kintone domain:/);
    pty.send(`${"\u007f".repeat(8)}${sandbox.url}${KEYS.enter}`);
    await pty.expect(/How do you sign in to Kintone\?/);
    pty.send(KEYS.enter); // login name and password
    await pty.expect(/Login name:/);
    pty.send(`sandbox${KEYS.enter}`);
    await pty.expect(/Password:/);
    pty.send(`not-the-password${KEYS.enter}`);
    await pty.expect(/rejected the username or password \(CB_WA01\)/);
    await pty.expect(/How do you sign in to Kintone\?/);
    pty.send(KEYS.enter);
    await pty.expect(/Login name:/);
    pty.send(KEYS.enter); // the default is the login name given before
    await pty.expect(/Password:/);
    pty.send(`sandbox${KEYS.enter}`);
    await pty.expect(/Which apps should the spec describe\?/);
    pty.send("contr");
    await pty.expect(/1 of 4 shown/);
    pty.send(KEYS.space);
    await pty.expect(/1 selected/);
    for (const _ of "contr") pty.send("\u007f");
    pty.send("cust");
    await pty.expect(/Filter: cust/);
    pty.send(KEYS.space);
    await pty.expect(/2 selected/);
    pty.send(KEYS.enter);
    await pty.expect(/Which operations\?/);
    pty.send(KEYS.enter);
    await pty.expect(/URL of the proxy/);
    pty.send(KEYS.enter);
    await pty.expect(/Write the spec to:/);
    pty.send(KEYS.enter);
    await pty.expect(/Name for field 顛末/);
    pty.send(`${"\u007f".repeat(20)}outcome${KEYS.enter}`);
    await pty.expect(/Summary[\s\S]*Customers ← app 1, Contracts ← app 9/);
    await pty.expect(/Write kintone-openapi.json\?/);
    pty.send(KEYS.enter);
    await pty.expect(/Save these answers/);
    pty.send(KEYS.enter);
    await pty.expect(/Next: (npx )?kintone-openapi validate/);
    expect(await pty.exit).toBe(0);

    const spec = JSON.parse(await readFile(join(cwd, "kintone-openapi.json"), "utf8"));
    expect(spec.components.schemas.Contract.properties.outcome["x-kintone-field-code"]).toBe("顛末");
    const configText = await readFile(join(cwd, "kintone-openapi.config.json"), "utf8");
    expect(configText).not.toMatch(/not-the-password|"password"|"sandbox"\s*,\s*"password"/);
    const config = JSON.parse(configText);
    expect(config).toMatchObject({
      baseUrl: sandbox.url,
      username: "sandbox",
      apps: { "1": { name: "Customer" }, "9": { name: "Contract", fields: { 顛末: "outcome" } } },
      proxyUrl: "http://localhost:8080",
      output: "kintone-openapi.json",
    });

    // The next run needs no prompts: the config holds everything but the secret.
    const again = await runCli(["generate", "--check"], { cwd, env: { KINTONE_PASSWORD: "sandbox" } });
    expect(again.stderr).toMatch(/is up to date/);
    expect(again.code).toBe(0);
  });

  it("signs in with an API token and offers only the apps the token sees", async () => {
    const cwd = await workdir("token");
    const pty = new PtySession(
      ["generate", "--operations", "list,get", "-o", "spec.json", "--proxy-url", "https://proxy.example.com"],
      { cwd, env: { KINTONE_BASE_URL: sandbox.url } },
    );
    await pty.expect(/How do you sign in to Kintone\?/);
    pty.send(`${KEYS.down}${KEYS.enter}`);
    await pty.expect(/API token\(s\), comma-separated:/);
    pty.send(`tok-customers${KEYS.enter}`);
    await pty.expect(/Which apps should the spec describe\?[\s\S]*1 of 1 shown/);
    pty.send(`${KEYS.space}${KEYS.enter}`);
    await pty.expect(/Write spec.json\?/);
    pty.send(KEYS.enter);
    await pty.expect(/Save these answers/);
    pty.send(`n${KEYS.enter}`);
    expect(await pty.exit).toBe(0);
    expect(Object.keys(JSON.parse(await readFile(join(cwd, "spec.json"), "utf8")).paths)).toEqual([
      "/customers",
      "/customers/{id}",
    ]);
    expect(await readdir(cwd)).toEqual(["spec.json"]);
  });

  it("exits 130 on Ctrl-C and leaves nothing behind", async () => {
    const cwd = await workdir("cancel");
    const pty = new PtySession(["generate"], {
      cwd,
      env: { KINTONE_BASE_URL: sandbox.url, KINTONE_USERNAME: "sandbox", KINTONE_PASSWORD: "sandbox" },
    });
    await pty.expect(/Which apps should the spec describe\?/);
    pty.send(KEYS.ctrlC);
    await pty.expect(/Cancelled; nothing was written/);
    expect(await pty.exit).toBe(130);
    expect(await readdir(cwd)).toEqual([]);
  });

  it("never prompts without a terminal, even outside CI", async () => {
    const cwd = await workdir("pipe");
    const result = await runCli(["generate"], { cwd, env: { CI: "" } });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--base-url \(or KINTONE_BASE_URL\) is required/);
    expect(result.stdout).not.toMatch(/\?/);
  });
});

describe("the app picker with many apps", () => {
  it("lists every app the account can see, past the 100 of one Kintone call", async () => {
    const { dir, cleanup } = await tempDir();
    const { writeSyntheticSnapshot } = await import("../helpers/synthetic.js");
    await writeSyntheticSnapshot(dir, 130, 2);
    const many = await createSandbox({ data: dir });
    try {
      const pty = new PtySession(["generate"], {
        cwd: dir,
        env: { KINTONE_BASE_URL: many.url, KINTONE_USERNAME: "sandbox", KINTONE_PASSWORD: "sandbox" },
      });
      await pty.expect(/0 selected, 130 of 130 shown/);
      pty.send("129");
      await pty.expect(/Filter: 129[\s\S]*1 of 130 shown/);
      pty.send(KEYS.ctrlC);
      expect(await pty.exit).toBe(130);
      expect(many.stats().byEndpoint["GET apps"]).toBe(2);
    } finally {
      await many.close();
      await cleanup();
    }
  });
});
