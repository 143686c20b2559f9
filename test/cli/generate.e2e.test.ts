import { existsSync } from "node:fs";
import { readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSandbox, type Sandbox } from "../../src/sandbox/server.js";
import { FIXTURES, ROOT, runCli, tempDir } from "../helpers/cli.js";
import { writeApp, writeSyntheticSnapshot } from "../helpers/synthetic.js";

const golden = (name: string) => readFile(join(ROOT, "test/fixtures/golden", `${name}.json`), "utf8");

describe("kintone-openapi generate (built CLI)", () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let sandbox: Sandbox;
  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir());
    sandbox = await createSandbox({ apiTokens: [{ token: "secret-token-1", appId: "1" }] });
  });
  afterAll(async () => {
    await sandbox.close();
    await cleanup();
  });

  it("--demo writes the sample apps' spec and says what to do next", async () => {
    const result = await runCli(["generate", "--demo", "-o", "demo.json"], { cwd: dir });
    expect(result.code).toBe(0);
    expect(await readFile(join(dir, "demo.json"), "utf8")).toBe(await golden("sample-apps"));
    expect(result.stderr).toMatch(
      /Wrote demo.json: 3 apps \(Customers ← app 1, Deals ← app 2, Inquiries ← app 3\), 15 operations/,
    );
    expect(result.stderr).toMatch(/Next: (npx )?kintone-openapi validate demo.json/);
    expect(result.stdout).toBe("");
  });

  it("--stdout prints the spec and writes no file", async () => {
    const result = await runCli(["generate", "--from", join(FIXTURES, "ginue-inquiry"), "--stdout"], {
      cwd: dir,
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(await golden("ginue-inquiry"));
    expect(existsSync(join(dir, "kintone-openapi.json"))).toBe(false);
  });

  it("--app narrows, --operations selects, --proxy-url sets the server", async () => {
    const result = await runCli(
      [
        "generate",
        "--demo",
        "--app",
        "2",
        "--operations",
        "list,get",
        "--proxy-url",
        "https://proxy.example.com/kintone",
        "--stdout",
      ],
      { cwd: dir },
    );
    expect(result.code).toBe(0);
    const doc = JSON.parse(result.stdout);
    expect(doc.servers).toEqual([
      { url: "https://proxy.example.com/kintone", description: expect.any(String) },
    ]);
    expect(Object.keys(doc.paths)).toEqual(["/deals", "/deals/{id}"]);
    expect(Object.keys(doc.paths["/deals"])).toEqual(["get"]);
    expect(doc.components.schemas.DealCreate).toBeUndefined();
  });

  it("--check passes when up to date and fails with a classified summary on drift", async () => {
    expect((await runCli(["generate", "--demo", "-o", "check.json"], { cwd: dir })).code).toBe(0);
    const same = await runCli(["generate", "--demo", "-o", "check.json", "--check"], { cwd: dir });
    expect(same.code).toBe(0);
    expect(same.stderr).toMatch(/check.json is up to date/);

    const doc = JSON.parse(await readFile(join(dir, "check.json"), "utf8"));
    doc.components.schemas.Customer.properties.legacyCode = {
      type: "string",
      "x-kintone-field-code": "Legacy",
    };
    delete doc.paths["/deals"].get;
    await writeFile(join(dir, "check.json"), `${JSON.stringify(doc, null, 2)}\n`);
    const before = await readFile(join(dir, "check.json"), "utf8");
    const drift = await runCli(["generate", "--demo", "-o", "check.json", "--check"], { cwd: dir });
    expect(drift.code).toBe(1);
    expect(drift.stderr).toMatch(/check.json is out of date/);
    expect(drift.stderr).toMatch(/Breaking[^\n]*\n\s+✖ property Customer.legacyCode was removed/);
    expect(drift.stderr).toMatch(/Safe:\n\s+✔ operation listDeals \(GET \/deals\) was added/);
    expect(await readFile(join(dir, "check.json"), "utf8")).toBe(before);

    const missing = await runCli(["generate", "--demo", "-o", "missing.json", "--check"], { cwd: dir });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/missing.json does not exist/);
  });

  it("takes app and field names from the config file, and warns about collisions it resolved", async () => {
    await writeFile(
      join(dir, "names.config.json"),
      JSON.stringify({
        apps: { "1": { name: "Client", fields: { Company_name: "firmName", Phone: "email" } } },
      }),
    );
    const result = await runCli(["generate", "--demo", "--config", "names.config.json", "--stdout"], {
      cwd: dir,
    });
    expect(result.code).toBe(0);
    const doc = JSON.parse(result.stdout);
    expect(doc.paths["/clients"].get.operationId).toBe("listClients");
    const props = doc.components.schemas.Client.properties;
    expect(props.firmName["x-kintone-field-code"]).toBe("Company_name");
    expect(props.email["x-kintone-field-code"]).toBe("Phone");
    expect(props.email2["x-kintone-field-code"]).toBe("Email");
    expect(result.stderr).toMatch(
      /field "Email" would be named "email", which field "Phone" already has; it is named "email2"/,
    );
  });

  it("keeps the names of the previous spec when regenerating", async () => {
    const out = join(dir, "pinned.json");
    expect((await runCli(["generate", "--demo", "--app", "1", "-o", out], { cwd: dir })).code).toBe(0);
    const doc = JSON.parse(await readFile(out, "utf8"));
    for (const schema of ["Customer", "CustomerCreate", "CustomerUpdate"]) {
      const props = doc.components.schemas[schema].properties;
      props.firm = props.companyName;
      delete props.companyName;
    }
    await writeFile(out, JSON.stringify(doc));
    expect((await runCli(["generate", "--demo", "--app", "1", "-o", out], { cwd: dir })).code).toBe(0);
    const again = JSON.parse(await readFile(out, "utf8"));
    expect(again.components.schemas.Customer.properties.firm["x-kintone-field-code"]).toBe("Company_name");
    expect(again.components.schemas.Customer.properties.companyName).toBeUndefined();
  });

  it("reads live Kintone (the sandbox) with a token and gives the same spec as the snapshot", async () => {
    const live = await runCli(
      ["generate", "--app", "1", "--stdout", "--proxy-url", "https://proxy.example.com"],
      {
        cwd: dir,
        env: { KINTONE_BASE_URL: sandbox.url, KINTONE_API_TOKEN: "secret-token-1" },
      },
    );
    expect(live.stderr).toBe("");
    expect(live.code).toBe(0);
    const snap = await runCli(
      ["generate", "--demo", "--app", "1", "--stdout", "--proxy-url", "https://proxy.example.com"],
      { cwd: dir },
    );
    expect(live.stdout).toBe(snap.stdout);
  });

  it("snapshot saves what generate --from reads back", async () => {
    const result = await runCli(
      ["snapshot", "--app", "1,2", "-o", "snap", "--base-url", sandbox.url, "-u", "sandbox", "-p", "sandbox"],
      { cwd: dir },
    );
    expect(result.code).toBe(0);
    expect((await readdir(join(dir, "snap"))).sort()).toEqual(["1", "2"]);
    expect((await readdir(join(dir, "snap/2"))).sort()).toEqual([
      "app.json",
      "form-fields.json",
      "form-layout.json",
      "process-management.json",
    ]);
    const fromSnapshot = await runCli(["generate", "--from", "snap", "--stdout"], { cwd: dir });
    const fromDemo = await runCli(["generate", "--demo", "--app", "1,2", "--stdout"], { cwd: dir });
    expect(fromSnapshot.stdout).toBe(fromDemo.stdout);
  });

  it("handles an app with 500 fields", async () => {
    await writeSyntheticSnapshot(join(dir, "wide"), 1, 500);
    const result = await runCli(["generate", "--from", "wide", "--stdout"], { cwd: dir });
    expect(result.code).toBe(0);
    expect(Object.keys(JSON.parse(result.stdout).components.schemas.SyntheticApp1.properties)).toHaveLength(
      503,
    );
  });
});

describe("bad input: one sentence, the right exit code, no file written", () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let sandbox: Sandbox;
  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir());
    sandbox = await createSandbox();
  });
  afterAll(async () => {
    await sandbox.close();
    await cleanup();
  });

  const cases: Array<[string, string[], Record<string, string>, number, RegExp]> = [
    ["no base URL", ["generate", "--app", "1"], {}, 2, /--base-url \(or KINTONE_BASE_URL\) is required/],
    [
      "no credentials",
      ["generate", "--app", "1", "--base-url", "https://a.cybozu.com"],
      {},
      2,
      /credentials are required/,
    ],
    [
      "a malformed URL",
      ["generate", "--app", "1", "--base-url", "https//a"],
      { KINTONE_API_TOKEN: "t" },
      2,
      /is not a URL/,
    ],
    [
      "http to a remote host",
      ["generate", "--app", "1", "--base-url", "http://a.cybozu.com"],
      { KINTONE_API_TOKEN: "t" },
      2,
      /plain http is allowed only for localhost/,
    ],
    [
      "no --app for live Kintone",
      ["generate", "--base-url", "https://a.cybozu.com"],
      { KINTONE_API_TOKEN: "t" },
      2,
      /--app is required/,
    ],
    ["a bad --app", ["generate", "--demo", "--app", "x"], {}, 2, /"x" is not one/],
    ["--demo with --from", ["generate", "--demo", "--from", "x"], {}, 2, /cannot be used together/],
    ["a missing snapshot", ["generate", "--from", "nowhere"], {}, 2, /nowhere does not exist/],
    ["an unknown option", ["generate", "--frm", "x"], {}, 2, /unknown option '--frm'/],
    [
      "an unwritable output path",
      ["generate", "--demo", "-o", "no/such/dir/spec.json"],
      {},
      2,
      /cannot write .*no\/such\/dir\/spec.json: the folder .* does not exist/,
    ],
  ];

  for (const [what, args, env, code, message] of cases) {
    it(`${what} → exit ${code}`, async () => {
      const result = await runCli(args, { cwd: dir, env });
      expect(result.code).toBe(code);
      expect(result.stderr).toMatch(message);
      expect(result.stderr).not.toMatch(/\n\s+at /); // no stack trace
      expect(existsSync(join(dir, "kintone-openapi.json"))).toBe(false);
    });
  }

  it("a wrong password → exit 1, advice, and the password never printed", async () => {
    const result = await runCli(["generate", "--app", "1"], {
      cwd: dir,
      env: { KINTONE_BASE_URL: sandbox.url, KINTONE_USERNAME: "sandbox", KINTONE_PASSWORD: "hunter2-wrong" },
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/rejected the username or password \(CB_WA01\)/);
    expect(result.stderr + result.stdout).not.toContain("hunter2-wrong");
    expect(existsSync(join(dir, "kintone-openapi.json"))).toBe(false);
  });

  it("an app that does not exist → exit 2 naming the id", async () => {
    const result = await runCli(
      ["generate", "--app", "1,77", "--base-url", sandbox.url, "-u", "sandbox", "-p", "sandbox"],
      { cwd: dir },
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/app 77 was not found/);
  });

  it("an invalid config file → exit 2 naming the pointer", async () => {
    await writeFile(join(dir, "bad.config.json"), JSON.stringify({ apps: { "1": { name: "1abc" } } }));
    const result = await runCli(["generate", "--demo", "--config", "bad.config.json"], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/bad.config.json has \/apps\/1\/name in the wrong form/);
  });

  it("an app with no user fields → exit 2", async () => {
    await writeSyntheticSnapshot(join(dir, "empty"), 1, 0);
    const result = await runCli(["generate", "--from", "empty"], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/app 1 "Synthetic app 1" has no fields that can be written/);
  });

  it("a spec that breaks a rule graded error is not written (exit 1, problems listed)", async () => {
    await writeFile(
      join(dir, "strict.config.json"),
      JSON.stringify({ validate: { rules: { "sf-ignored-keywords": "error" } } }),
    );
    const result = await runCli(
      ["generate", "--demo", "--config", "strict.config.json", "-o", "strict.json"],
      { cwd: dir },
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/would not register in Salesforce \(\d+ errors\); nothing was written/);
    expect(result.stderr).toMatch(/readOnly is documentation only.*\[sf-ignored-keywords\]/);
    expect(existsSync(join(dir, "strict.json"))).toBe(false);
  });

  it("--help and --version exit 0", async () => {
    const help = await runCli(["generate", "--help"]);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/--proxy-url <url>/);
    const version = await runCli(["--version"]);
    expect(version.stdout.trim()).toBe(
      JSON.parse(await readFile(join(ROOT, "package.json"), "utf8")).version,
    );
  });
});

describe("output for people and for scripts", () => {
  it("prints progress lines while reading many apps, and a JSON summary with --json", async () => {
    const { dir, cleanup } = await tempDir();
    try {
      await writeSyntheticSnapshot(join(dir, "many"), 40, 2);
      const plain = await runCli(["generate", "--from", "many", "-o", "a.json"], { cwd: dir });
      expect(plain.code).toBe(0);
      expect(plain.stderr).toMatch(
        /Read 10 of 40 apps\nRead 20 of 40 apps\nRead 30 of 40 apps\nRead 40 of 40 apps/,
      );
      const json = await runCli(["generate", "--from", "many", "-o", "b.json", "--json"], { cwd: dir });
      expect(json.code).toBe(0);
      expect(json.stderr).toBe("");
      const summary = JSON.parse(json.stdout);
      expect(summary).toMatchObject({
        output: "b.json",
        operations: 200,
        warnings: [
          expect.stringMatching(
            /^the spec's server is http:\/\/localhost:8080, which Salesforce cannot call/,
          ),
        ],
      });
      expect(summary.apps).toHaveLength(40);
      const quiet = await runCli(
        ["generate", "--from", "many", "--proxy-url", "https://proxy.example.com", "-o", "c.json", "-q"],
        { cwd: dir },
      );
      // --quiet keeps warnings and errors only; with a public server URL there are none.
      expect(quiet.stderr).toBe("");
    } finally {
      await cleanup();
    }
  });

  it("reports invented app and field names as warnings, in the --json summary too", async () => {
    const { dir, cleanup } = await tempDir();
    try {
      // An app name and a field code the tool has no reading for.
      await writeApp(join(dir, "meta"), 14, "稟議申請", {
        顛末: { type: "SINGLE_LINE_TEXT", code: "顛末", label: "顛末", noLabel: false, required: false },
      });
      const args = ["generate", "--from", "meta", "--proxy-url", "https://proxy.example.com"];
      const json = await runCli([...args, "-o", "a.json", "--json"], { cwd: dir });
      expect(json.code).toBe(0);
      expect(json.stderr).toBe("");
      const { warnings } = JSON.parse(json.stdout);
      expect(warnings).toEqual([
        expect.stringMatching(
          /^app 14 "稟議申請" got the invented name "App14Record" \(Flow shows listApp14Records\); give it a readable one under apps.14.name/,
        ),
        expect.stringMatching(/^app 14: field "顛末" got the invented name "\w+"; give it a readable one/),
      ]);
      const plain = await runCli([...args, "-o", "b.json"], { cwd: dir });
      expect(plain.stderr.match(/^warning: /gm)).toHaveLength(2);
    } finally {
      await cleanup();
    }
  });
});
