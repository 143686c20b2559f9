import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { readPinnedNames } from "../../src/generate/pinned.js";
import { ROOT } from "../helpers/cli.js";

describe("readPinnedNames", () => {
  it("reads resource and property names from a generated spec", async () => {
    const text = await readFile(join(ROOT, "test/fixtures/golden/sample-apps.json"), "utf8");
    const pinned = readPinnedNames(text);
    expect(pinned?.get("1")).toMatchObject({ singular: "Customer", plural: "Customers" });
    expect(pinned?.get("3")?.fields.get("回答期限")).toBe("answerDueDate");
    expect(pinned?.get("2")?.fields.get("Product")).toBe("product");
    expect(pinned?.get("1")?.fields.has("$id")).toBe(false);
  });

  it("finds the names in compact JSON, with escapes and nested arrays", () => {
    const doc = {
      paths: {
        "/x": {
          get: {
            operationId: "getThing",
            "x-kintone-app-id": "9",
            "x-kintone-operation": "get",
            tags: ["a", "b"],
          },
        },
      },
      components: {
        schemas: {
          Thing: {
            "x-kintone-app-id": "9",
            properties: {
              'quote"d': { "x-kintone-field-code": 'コード\\"1', enum: ["x", { y: "z" }] },
              plain: { "x-kintone-field-code": "Plain" },
            },
          },
        },
      },
    };
    const pinned = readPinnedNames(JSON.stringify(doc));
    expect(pinned?.get("9")?.singular).toBe("Thing");
    expect(Object.fromEntries(pinned?.get("9")?.fields ?? [])).toEqual({
      'コード\\"1': 'quote"d',
      Plain: "plain",
    });
  });

  it.each(["", "{", '{"a": [1, 2}', '{"a": "unterminated'])(
    "gives undefined for text that is not JSON: %j",
    (text) => {
      expect(readPinnedNames(text)).toBeUndefined();
    },
  );
});
