import { randomBytes } from "node:crypto";
import { mkdir, rename, rm, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";

/**
 * Writes a file atomically: a temp file in the same directory, then a rename, so a reader (or a crash)
 * never sees half a file. The temp file is removed when anything fails.
 */
export async function writeFileAtomic(path: string, content: string): Promise<void> {
  const dir = dirname(path);
  const temp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
  try {
    await writeFile(temp, content, { encoding: "utf8", flag: "wx" });
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

/** Writes several files under `root` so that either all of them land or none does (best effort on rename). */
export async function writeTreeAtomic(root: string, files: ReadonlyMap<string, string>): Promise<void> {
  const parent = dirname(root);
  await mkdir(parent, { recursive: true });
  const staging = join(parent, `.${basename(root)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
  try {
    for (const [relative, content] of files) {
      const target = join(staging, relative);
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, content, "utf8");
    }
    await mkdir(root, { recursive: true });
    // Move each top-level entry into place; existing entries of the same name are replaced.
    const tops = new Set([...files.keys()].map((relative) => relative.split(/[\\/]/)[0] as string));
    for (const top of tops) {
      await rm(join(root, top), { recursive: true, force: true });
      await rename(join(staging, top), join(root, top));
    }
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}
