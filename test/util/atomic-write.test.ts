import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { writeFileAtomic } from "../../src/util/atomic-write.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "atomic-write-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("writeFileAtomic", () => {
  it("writes a string larger than one write, byte for byte, with non-ASCII text across the boundaries", async () => {
    const text = "顧客😀a".repeat(300_000);
    const path = join(dir, "big.json");
    await writeFileAtomic(path, text);
    expect(await readFile(path, "utf8")).toBe(text);
  });

  it("writes pieces of any size as their concatenation", async () => {
    const pieces = function* () {
      for (let i = 0; i < 5_000; i++) yield i % 7 === 0 ? "" : `${"x".repeat(i % 500)}日${i}\n`;
    };
    const path = join(dir, "pieces.txt");
    await writeFileAtomic(path, pieces());
    expect(await readFile(path, "utf8")).toBe([...pieces()].join(""));
  });

  it("leaves the old file and no temp file behind when the pieces fail midway", async () => {
    const path = join(dir, "spec.json");
    await writeFile(path, "old");
    const failing = function* () {
      yield "x".repeat(2 << 20);
      throw new Error("serialisation failed");
    };
    await expect(writeFileAtomic(path, failing())).rejects.toThrow("serialisation failed");
    expect(await readFile(path, "utf8")).toBe("old");
    expect(await readdir(dir)).toEqual(["spec.json"]);
  });
});
