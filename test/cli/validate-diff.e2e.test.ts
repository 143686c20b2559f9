import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT, runCli, tempDir } from "../helpers/cli.js";

const GOLDEN = join(ROOT, "test/fixtures/golden/sample-apps.json");

describe("kintone-openapi validate (built CLI)", () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeAll(async () => ({ dir, cleanup } = await tempDir()));
  afterAll(() => cleanup());
  const file = async (name: string, content: string) => {
    await writeFile(join(dir, name), content);
    return name;
  };
  const validate = (args: string[]) => runCli(["validate", ...args], { cwd: dir });

  it("passes a generated spec (exit 0) with a one-line summary", async () => {
    const result = await runCli(["validate", GOLDEN]);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(
      /✔ .*sample-apps.json: no problems \(OpenAPI 3.0.3, 15 operations, 20 schemas\)\./,
    );
  });

  it("reports problems grouped with line:column, rule id, pointer and a summary (stylish), exit 1 on errors", async () => {
    const name = await file(
      "bad.json",
      '{\n  "openapi": "3.0.3",\n  "info": { "title": "x", "version": "1" },\n  "servers": [{ "url": "https://a.example.com" }],\n  "paths": {\n    "/a": { "get": { "operationId": "get_a", "description": "d", "responses": { "200": { "description": "ok", "content": { "application/json": { "schema": { "type": "integer" } } } } } } }\n  }\n}\n',
    );
    const result = await validate([name]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain("bad.json");
    expect(result.stdout).toMatch(
      / {2}6:22 +error +operationId "get_a" must be letters and digits.*sf-operation-id-format/,
    );
    expect(result.stdout).toMatch(/\/paths\/~1a\/get\/operationId/);
    expect(result.stdout).toMatch(/warning +Give the integer format.*sf-integer-format/);
    expect(result.stdout).toMatch(/✖ 2 problems \(1 error, 1 warning\)/);
  });

  it("prints a JSON array of {ruleId, severity, message, pointer} with --format json", async () => {
    const result = await validate(["bad.json", "--format", "json"]);
    expect(result.code).toBe(1);
    const problems = JSON.parse(result.stdout);
    expect(problems).toEqual([
      {
        ruleId: "sf-operation-id-format",
        severity: "error",
        message: expect.any(String),
        pointer: "/paths/~1a/get/operationId",
      },
      {
        ruleId: "sf-integer-format",
        severity: "warning",
        message: expect.any(String),
        pointer: "/paths/~1a/get/responses/200/content/application~1json/schema",
      },
    ]);
  });

  it("exits 0 when there are only warnings, and honours rule levels from the config file", async () => {
    await file(
      "w.json",
      JSON.stringify({
        openapi: "3.0.3",
        info: { title: "x", version: "1" },
        servers: [{ url: "/" }],
        paths: {
          "/a": {
            get: {
              operationId: "getA",
              description: "d",
              responses: {
                "200": {
                  description: "ok",
                  content: { "application/json": { schema: { type: "integer" } } },
                },
              },
            },
          },
        },
      }),
    );
    expect((await validate(["w.json"])).code).toBe(0);
    await file(
      "strict.config.json",
      JSON.stringify({ validate: { rules: { "sf-integer-format": "error" } } }),
    );
    expect((await validate(["w.json", "--config", "strict.config.json"])).code).toBe(1);
    await file("quiet.config.json", JSON.stringify({ validate: { rules: { "sf-integer-format": "off" } } }));
    expect(
      (await validate(["w.json", "--config", "quiet.config.json", "--format", "json"])).stdout.trim(),
    ).toBe("[]");
    await file("typo.config.json", JSON.stringify({ validate: { rules: { "sf-integer-formats": "off" } } }));
    const typo = await validate(["w.json", "--config", "typo.config.json"]);
    expect(typo.code).toBe(2);
    expect(typo.stderr).toMatch(/unknown rule "sf-integer-formats".*did you mean sf-integer-format/);
  });

  it("checks YAML and reports YAML positions", async () => {
    await file(
      "a.yaml",
      "openapi: 3.0.3\ninfo:\n  title: x\n  version: '1'\nservers:\n  - url: /\npaths:\n  /a:\n    get:\n      operationId: getA\n      description: d\n      responses:\n        '2XX':\n          description: ok\n",
    );
    const result = await validate(["a.yaml"]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/13:9 +error +Response key "2XX" is not a status code/);
  });

  const bad: Array<[string, string, string, number, RegExp]> = [
    ["an empty file", "empty.json", "", 1, /1:1 +error +The file is empty/],
    [
      "invalid JSON",
      "broken.json",
      '{\n  "openapi": "3.0.3",\n  "info": {\n}',
      1,
      /4:2 +error +Not valid JSON: expected '}'/,
    ],
    ["invalid YAML", "broken.yaml", "openapi: 3.0.3\ninfo:\n  title: [x\n", 1, /error +Not valid YAML/],
    [
      "a document that is not OpenAPI",
      "other.json",
      '{"name": "package", "version": "1.0.0"}',
      1,
      /Not an OpenAPI document: it has no "openapi" version field/,
    ],
    ["a JSON array", "array.json", "[1, 2]", 1, /Not an OpenAPI document: the file does not hold an object/],
    [
      "OpenAPI 3.1",
      "v31.json",
      '{"openapi": "3.1.0", "info": {"title": "x", "version": "1"}, "paths": {}}',
      1,
      /OpenAPI 3.1.0 is not supported by Salesforce External Services: write OpenAPI 3.0.3.*sf-openapi-version/,
    ],
    [
      "Swagger 2.0",
      "v2.json",
      '{"swagger": "2.0", "info": {"title": "x", "version": "1"}, "paths": {}}',
      1,
      /Swagger 2.0 documents are not checked here/,
    ],
    [
      "external $refs",
      "ext.json",
      JSON.stringify({
        openapi: "3.0.3",
        info: { title: "x", version: "1" },
        servers: [{ url: "/" }],
        paths: {},
        components: { schemas: { A: { $ref: "other.json#/B" } } },
      }),
      1,
      /External \$ref "other.json#\/B": Salesforce needs one self-contained file/,
    ],
    [
      "$refs to missing components",
      "missing.json",
      JSON.stringify({
        openapi: "3.0.3",
        info: { title: "x", version: "1" },
        servers: [{ url: "/" }],
        paths: {},
        components: {
          schemas: { A: { type: "object", properties: { b: { $ref: "#/components/schemas/B" } } } },
        },
      }),
      1,
      /\$ref "#\/components\/schemas\/B" points at nothing/,
    ],
  ];
  for (const [what, name, content, code, message] of bad) {
    it(`${what} → exit ${code}, no stack trace`, async () => {
      await file(name, content);
      const result = await validate([name]);
      expect(result.code).toBe(code);
      expect(result.stdout + result.stderr).toMatch(message);
      expect(result.stderr).not.toMatch(/\n\s+at /);
    });
  }

  it("handles $ref cycles without hanging", async () => {
    const doc = {
      openapi: "3.0.3",
      info: { title: "x", version: "1" },
      servers: [{ url: "/" }],
      paths: {},
      components: {
        schemas: {
          A: { $ref: "#/components/schemas/B" },
          B: { $ref: "#/components/schemas/A" },
          Node: { type: "object", properties: { next: { $ref: "#/components/schemas/Node" } } },
        },
      },
    };
    await file("cycle.json", JSON.stringify(doc));
    const result = await validate(["cycle.json", "--format", "json"]);
    expect(result.code).toBe(0);
  });

  it("reports a 20 MB document as over Salesforce's size limit instead of crashing", async () => {
    const schemas: Record<string, unknown> = {};
    for (let i = 0; i < 2000; i++)
      schemas[`S${i}`] = {
        type: "object",
        description: "d".repeat(10_000),
        properties: { a: { type: "string" } },
      };
    await file(
      "huge.json",
      JSON.stringify({
        openapi: "3.0.3",
        info: { title: "x", version: "1" },
        servers: [{ url: "/" }],
        paths: {},
        components: { schemas },
      }),
    );
    const result = await validate(["huge.json", "--format", "json"]);
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout)).toContainEqual(
      expect.objectContaining({ ruleId: "sf-document-size", pointer: "" }),
    );
  });

  it.each([
    ["a missing file", ["nowhere.json"], /nowhere.json does not exist/],
    ["a directory", ["."], /\. is a directory/],
    ["no file", [], /give the spec file to check/],
    ["a bad --format", ["bad.json", "--format", "xml"], /Allowed choices are stylish, json/],
  ])("%s → exit 2", async (_what, args, message) => {
    const result = await validate(args);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
  });

  it("lists the rules", async () => {
    const result = await validate(["--list-rules", "--format", "json"]);
    const rules = JSON.parse(result.stdout) as Array<{ id: string }>;
    expect(rules.map((r) => r.id)).toContain("sf-no-response-headers");
    expect(rules.length).toBeGreaterThanOrEqual(39);
  });
});

describe("kintone-openapi diff (built CLI)", () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeAll(async () => ({ dir, cleanup } = await tempDir()));
  afterAll(() => cleanup());

  it("exits 0 for safe changes and 1 for breaking ones, in both formats", async () => {
    expect((await runCli(["diff", GOLDEN, GOLDEN])).stdout).toMatch(/No changes/);
    const doc = JSON.parse(await (await import("node:fs/promises")).readFile(GOLDEN, "utf8"));
    doc.components.schemas.Customer.properties.region = { type: "string" };
    await writeFile(join(dir, "safe.json"), JSON.stringify(doc));
    const safe = await runCli(["diff", GOLDEN, "safe.json"], { cwd: dir });
    expect(safe.code).toBe(0);
    expect(safe.stdout).toMatch(
      /Safe:\n\s+✔ property Customer.region was added\n0 breaking, 1 safe change\./,
    );
    delete doc.paths["/deals/{id}"].delete;
    await writeFile(join(dir, "breaking.json"), JSON.stringify(doc));
    const breaking = await runCli(["diff", GOLDEN, "breaking.json", "--format", "json"], { cwd: dir });
    expect(breaking.code).toBe(1);
    expect(JSON.parse(breaking.stdout)).toContainEqual(
      expect.objectContaining({ kind: "removed", target: "operation", breaking: true }),
    );
  });

  it("refuses unreadable input with exit 2", async () => {
    await writeFile(join(dir, "broken.json"), "{");
    const result = await runCli(["diff", GOLDEN, "broken.json"], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/broken.json: Not valid JSON/);
  });
});
