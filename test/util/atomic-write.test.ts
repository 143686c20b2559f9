import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
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

  it("leaves what was there and no temp file behind when the write fails", async () => {
    // A folder in the way: the temp file is written, the rename fails.
    const path = join(dir, "spec.json");
    await mkdir(path);
    await writeFile(join(path, "inside"), "kept");
    await expect(writeFileAtomic(path, "x".repeat(2 << 20))).rejects.toThrow();
    expect(await readdir(dir)).toEqual(["spec.json"]);
    expect(await readFile(join(path, "inside"), "utf8")).toBe("kept");
  });
});
