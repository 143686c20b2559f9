import { readFile } from "node:fs/promises";
import { join } from "node:path";
import type { OpenAPIObject } from "openapi3-ts/oas30";
import { describe, expect, it } from "vitest";
import { serializeChunks, serializeDocument, serializedLength } from "../../src/generate/generate.js";
import { ROOT } from "../helpers/cli.js";

describe("serializeChunks and serializedLength", () => {
  it("counts exactly the characters of the golden sample-apps spec", async () => {
    const text = await readFile(join(ROOT, "test/fixtures/golden/sample-apps.json"), "utf8");
    const doc = JSON.parse(text) as OpenAPIObject;
    expect(serializedLength(doc)).toBe(text.length);
    expect(serializeDocument(doc)).toBe(text);
    const chunks = [...serializeChunks(doc)];
    expect(chunks.length).toBeGreaterThan(100);
    expect(chunks.join("")).toBe(text);
  });

  it.each([
    ["empty containers", { a: {}, b: [], c: [[], {}] }],
    ["escapes and non-ASCII", { 'q"\\\n': "改行\n\t\u0001", 顧客: ["😀", "\u2028"] }],
    ["numbers, booleans and null", { n: [0, -1.5, 1e21, 3], t: true, f: false, z: null }],
    ["undefined members and items", { gone: undefined, kept: [undefined, 1], deep: { x: { y: undefined } } }],
    ["deep nesting", { a: [{ b: [{ c: [1, { d: "e\nf" }] }] }] }],
    ["a scalar at the top", "just text"],
  ])("matches JSON.stringify for %s", (_name, value) => {
    const doc = value as unknown as OpenAPIObject;
    expect([...serializeChunks(doc)].join("")).toBe(serializeDocument(doc));
    expect(serializedLength(doc)).toBe(serializeDocument(doc).length);
  });
});
