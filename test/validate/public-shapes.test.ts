import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadDocument } from "../../src/validate/load-document.js";
import { validateDocument } from "../../src/validate/validate-document.js";
import { ROOT } from "../helpers/cli.js";

/**
 * Small documents written in the shapes of well-known public APIs. What Salesforce really refuses is reported
 * (the petstore's response header), and nothing else is an error: no false errors on valid-but-unusual documents.
 */
const CASES: Array<[string, Array<[string, string]>, string[]]> = [
  // file, expected errors [ruleId, pointer], allowed warning rule ids
  [
    "petstore.json",
    [["sf-no-response-headers", "/paths/~1pets/get/responses/200/headers"]],
    ["sf-success-response-schema", "sf-reserved-words"],
  ],
  ["github-like.json", [], []],
  ["stripe-like.yaml", [], ["sf-free-form-objects", "sf-reserved-words"]],
  ["secured-relative.yaml", [], []],
];

describe("documents shaped like public APIs", () => {
  it.each(CASES)("%s", async (file, errors, allowedWarnings) => {
    const loaded = await loadDocument(join(ROOT, "test/fixtures/public-shapes", file));
    const problems = validateDocument(loaded.doc, { size: loaded.size, format: loaded.format });
    expect(problems.filter((p) => p.severity === "error").map((p) => [p.ruleId, p.pointer])).toEqual(errors);
    const warnings = problems.filter((p) => p.severity === "warning").map((p) => p.ruleId);
    for (const rule of warnings) expect(allowedWarnings).toContain(rule);
    expect(new Set(warnings)).toEqual(new Set(allowedWarnings));
  });

  it("locates problems in YAML by line and column", async () => {
    const loaded = await loadDocument(join(ROOT, "test/fixtures/public-shapes/stripe-like.yaml"));
    expect(loaded.locate("/components/schemas/customer/properties/metadata/additionalProperties")).toEqual({
      line: 75,
      column: 11,
    });
    expect(loaded.locate("/paths/~1customers~1{customer}/get/parameters/0")).toEqual({
      line: 47,
      column: 11,
    });
  });

  it("locates problems in JSON by line and column, falling back to the nearest existing parent", async () => {
    const loaded = await loadDocument(join(ROOT, "test/fixtures/public-shapes/petstore.json"));
    expect(loaded.locate("/paths/~1pets/get/responses/200/headers")).toEqual({ line: 16, column: 13 });
    expect(loaded.locate("/paths/~1pets/get/parameters/0/schema")).toEqual({ line: 12, column: 142 });
    expect(loaded.locate("/info/missing/deeper")).toEqual({ line: 3, column: 3 });
  });
});
