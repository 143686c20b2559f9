import { cp, mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { applyEdits, modify } from "jsonc-parser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/load-config.js";
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
    // The sample apps plus one whose name and field code the tool cannot spell, so that it asks for names.
    const data = join(root, "data");
    await cp(SAMPLE_APPS_DIR, data, { recursive: true });
    await mkdir(join(data, "9"));
    await writeFile(
      join(data, "9/app.json"),
      JSON.stringify({
        appId: "9",
        code: "",
        name: "稟議申請",
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

  it("asks for what is missing, takes the domain as typed, re-asks a rejected password, searches with spaces, asks again for an output folder, names invented apps and fields, and saves the answers without secrets", async () => {
    const cwd = await workdir("happy");
    const formFields = () => sandbox.stats().byEndpoint["GET app/form/fields"] ?? 0;
    const readsBefore = formFields();
    const pty = new PtySession(["generate"], { cwd });
    await pty.expect(/Kintone domain/);
    pty.send(KEYS.enter);
    await pty.expect(/is empty: give the domain you sign in to/);
    // What a browser shows, without the scheme: the path is dropped, plain http is this machine's sandbox.
    const port = new URL(sandbox.url).port;
    pty.send(`127.0.0.1:${port}/k/#/portal${KEYS.enter}`);
    await pty.expect(new RegExp(`Kintone domain.*http://127\\.0\\.0\\.1:${port}`));
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
    await pty.expect(/Which apps should the spec describe\?\n.*Tab to select, Enter to confirm/);
    // A space is part of the search, never a selection.
    pty.send("app 9");
    await pty.expect(/Search: app 9[\s\S]*0 selected, 1 of 4 shown/);
    pty.send(KEYS.tab);
    await pty.expect(/1 selected/);
    for (const _ of "app 9") pty.send("\u007f");
    pty.send("cust");
    await pty.expect(/Search: cust/);
    pty.send(KEYS.tab);
    await pty.expect(/2 selected/);
    pty.send(KEYS.enter);
    // The operations are picked the same way (found by the outside attack on #13: Space there, Tab here).
    await pty.expect(
      /Which operations\?\n.*Tab to select, Enter to confirm[\s\S]*5 selected, 10 of 10 shown/,
    );
    pty.send("delete");
    await pty.expect(/Search: delete[\s\S]*5 selected, 1 of 10 shown/);
    pty.send(KEYS.tab);
    await pty.expect(/4 selected, 1 of 10 shown/);
    pty.send(KEYS.enter);
    await pty.expect(/URL of the proxy/);
    pty.send(KEYS.enter);
    await pty.expect(/Write the spec to:/);
    pty.send(`nowhere/spec.json${KEYS.enter}`);
    await pty.expect(/The folder nowhere does not exist\. Create it\?/);
    pty.send(`n${KEYS.enter}`);
    await pty.expect(/Write the spec to:/);
    pty.send(`out/spec.json${KEYS.enter}`);
    await pty.expect(/The folder out does not exist\. Create it\?/);
    pty.send(KEYS.enter);
    await pty.expect(/Name for the records of app 9 \("稟議申請"\)/);
    pty.send(`${"\u007f".repeat(20)}Contract${KEYS.enter}`);
    await pty.expect(/Name for field 顛末/);
    pty.send(`${"\u007f".repeat(20)}outcome${KEYS.enter}`);
    await pty.expect(
      /Summary[\s\S]*Customers ← app 1, Contracts ← app 9[\s\S]*\((\d+) KiB, (\d+) warnings?\)/,
    );
    // The summary counts the warnings printed above it.
    const screen = pty.text;
    const counted = Number(/KiB, (\d+) warnings?\)/.exec(screen)?.[1]);
    expect(counted).toBe(screen.slice(0, screen.indexOf("Summary")).match(/^warning: /gm)?.length ?? 0);
    await pty.expect(/Write out\/spec.json\?/);
    pty.send(KEYS.enter);
    await pty.expect(/Save these answers/);
    pty.send(KEYS.enter);
    await pty.expect(/Next: (npx )?kintone-openapi validate/);
    expect(await pty.exit).toBe(0);
    // Naming the invented names built the spec again from what was read: each app's fields were read once.
    expect(formFields() - readsBefore).toBe(2);

    expect((await readdir(cwd)).sort()).toEqual(["kintone-openapi.config.json", "out"]);
    const spec = JSON.parse(await readFile(join(cwd, "out/spec.json"), "utf8"));
    expect(spec.paths["/contracts"].get.operationId).toBe("listContracts");
    expect(Object.keys(spec.paths["/contracts/{id}"]).sort()).toEqual(["get", "patch"]);
    expect(spec.components.schemas.Contract.properties.outcome["x-kintone-field-code"]).toBe("顛末");
    const configText = await readFile(join(cwd, "kintone-openapi.config.json"), "utf8");
    expect(configText).not.toMatch(/not-the-password|"password"|"sandbox"\s*,\s*"password"/);
    const config = JSON.parse(configText);
    expect(config).toMatchObject({
      baseUrl: `http://127.0.0.1:${port}`,
      username: "sandbox",
      apps: { "1": { name: "Customer" }, "9": { name: "Contract", fields: { 顛末: "outcome" } } },
      proxyUrl: "http://localhost:8080",
      output: "out/spec.json",
      operations: ["list", "get", "create", "update"],
    });

    // The next run needs no prompts: the config holds everything but the secret.
    const again = await runCli(["generate", "--check"], { cwd, env: { KINTONE_PASSWORD: "sandbox" } });
    expect(again.stderr).toMatch(/is up to date/);
    expect(again.code).toBe(0);
  });

  it("signs in with an API token, picks with Enter alone, and saves the answers into init's config with its comments", async () => {
    const cwd = await workdir("token");
    expect((await runCli(["init"], { cwd })).code).toBe(0);
    const written = await readFile(join(cwd, "kintone-openapi.config.json"), "utf8");
    // init's config, pointed at the sandbox and without apps, so that they are asked for.
    let text = written.replace("https://example.cybozu.com", sandbox.url);
    text = applyEdits(text, modify(text, ["apps"], undefined, {}));
    await writeFile(join(cwd, "kintone-openapi.config.json"), text);
    const comments = text.split("\n").filter((line) => line.trim().startsWith("//"));
    expect(comments.length).toBeGreaterThan(5);

    const pty = new PtySession(["generate", "--proxy-url", "https://proxy.example.com"], { cwd });
    await pty.expect(/How do you sign in to Kintone\?/);
    pty.send(`${KEYS.down}${KEYS.enter}`);
    await pty.expect(/API token\(s\), comma-separated:/);
    pty.send(`tok-customers${KEYS.enter}`);
    await pty.expect(/Which apps should the spec describe\?[\s\S]*1 of 1 shown/);
    pty.send(KEYS.enter); // nothing selected: Enter takes the highlighted app
    await pty.expect(/Summary[\s\S]*Customers ← app 1[\s\S]*0 warnings/);
    await pty.expect(/Write kintone-openapi.json\?/);
    pty.send(KEYS.enter);
    await pty.expect(/Save these answers/);
    pty.send(KEYS.enter);
    expect(await pty.exit).toBe(0);

    const saved = await readFile(join(cwd, "kintone-openapi.config.json"), "utf8");
    for (const line of comments) expect(saved).toContain(line);
    expect(saved).not.toContain("tok-customers");
    const { config } = await loadConfig(undefined, cwd);
    expect(config).toMatchObject({ baseUrl: sandbox.url, apps: { "1": { name: "Customer" } } });
    expect(config.proxyUrl).toBe("http://localhost:8080"); // init's value; the flag is not an answer
  });

  it("exits 130 on Ctrl-C at the last question, saying which file was written", async () => {
    const cwd = await workdir("cancel");
    const pty = new PtySession(
      [
        "generate",
        "--app",
        "1",
        "-o",
        "spec.json",
        "--operations",
        "list",
        "--proxy-url",
        "https://p.example.com",
      ],
      {
        cwd,
        env: { KINTONE_BASE_URL: sandbox.url, KINTONE_USERNAME: "sandbox", KINTONE_PASSWORD: "sandbox" },
      },
    );
    await pty.expect(/Write spec.json\?/);
    pty.send(KEYS.enter);
    await pty.expect(/Save these answers/);
    pty.send(KEYS.ctrlC);
    await pty.expect(/Cancelled; spec.json was written, nothing else\./);
    expect(await pty.exit).toBe(130);
    expect(await readdir(cwd)).toEqual(["spec.json"]);
  });

  it("checks what flags and the config file give before asking anything, so that no answer is lost to them", async () => {
    const cwd = await workdir("early");
    const withConfig = await workdir("early-config");
    await writeFile(
      join(withConfig, "kintone-openapi.config.json"),
      JSON.stringify({ validate: { rules: { "sf-no-such-rule": "off" } } }),
    );
    const cases: Array<[string, string[], RegExp]> = [
      [cwd, ["--operations", "list,purge"], /not "purge"/],
      [cwd, ["--proxy-url", "ftp://p"], /--proxy-url must be an http\(s\) URL/],
      [cwd, ["--app", "x"], /"x" is not one/],
      [withConfig, [], /unknown rule "sf-no-such-rule"/],
    ];
    for (const [dir, args, message] of cases) {
      const pty = new PtySession(["generate", ...args], { cwd: dir });
      try {
        await pty.expect(message);
        expect(await pty.exit, args.join(" ")).toBe(2);
        expect(pty.text, args.join(" ")).not.toMatch(/Kintone domain/);
      } finally {
        pty.kill();
      }
    }
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
      await pty.expect(/Search: 129[\s\S]*1 of 130 shown/);
      pty.send(KEYS.ctrlC);
      await pty.expect(/Cancelled; nothing was written/);
      expect(await pty.exit).toBe(130);
      expect(await readdir(dir)).not.toContain("kintone-openapi.json");
      expect(many.stats().byEndpoint["GET apps"]).toBe(2);
    } finally {
      await many.close();
      await cleanup();
    }
  });
});
