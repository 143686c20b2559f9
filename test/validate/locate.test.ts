import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { escapePointer } from "../../src/validate/context.js";
import { loadDocument } from "../../src/validate/load-document.js";
import { tempDir } from "../helpers/cli.js";

/** Every pointer of a JSON value, with the value. */
function* pointers(value: unknown, at = ""): Generator<[string, unknown]> {
  yield [at, value];
  if (Array.isArray(value)) for (const [i, item] of value.entries()) yield* pointers(item, `${at}/${i}`);
  else if (typeof value === "object" && value !== null)
    for (const [key, item] of Object.entries(value)) yield* pointers(item, `${at}/${escapePointer(key)}`);
}

describe("problem positions in a JSON file", () => {
  it("puts every pointer at its key (or, in arrays, at its value), and a missing one at its nearest parent", async () => {
    const doc = {
      openapi: "3.0.3",
      info: { title: "t", version: "1" },
      "a/b~c": { "": [1, { "x y": "z", 顧客: [true, null, [], {}] }] },
      paths: { "/x/{id}": { get: { tags: ["a", "b"], parameters: [{ name: "id" }] } } },
    };
    const { dir, cleanup } = await tempDir();
    try {
      for (const indent of [2, 0]) {
        const text = JSON.stringify(doc, null, indent);
        const path = join(dir, `doc-${indent}.json`);
        await writeFile(path, text);
        const loaded = await loadDocument(path);
        const all = [...pointers(doc)];
        const found = loaded.locateAll([...all.map(([pointer]) => pointer), "/info/missing/deeper"]);
        const lines = text.split("\n");
        for (const [pointer, value] of all) {
          const at = found.get(pointer);
          expect(at, pointer).toBeDefined();
          const rest = (lines[(at?.line ?? 1) - 1] as string).slice((at?.column ?? 1) - 1);
          const segments = pointer.split("/");
          const parent = all.find(([p]) => p === segments.slice(0, -1).join("/"))?.[1];
          const expected =
            pointer === ""
              ? text.slice(0, 1)
              : Array.isArray(parent)
                ? JSON.stringify(value).slice(0, 1)
                : JSON.stringify(segments[segments.length - 1]?.replace(/~1/g, "/").replace(/~0/g, "~"));
          expect(rest.startsWith(expected), `${pointer} at ${at?.line}:${at?.column}: ${rest}`).toBe(true);
        }
        expect(found.get("/info/missing/deeper")).toEqual(found.get("/info"));
      }
    } finally {
      await cleanup();
    }
  });
});
