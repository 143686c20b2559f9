import { randomBytes } from "node:crypto";
import { mkdir, open, rename, rm, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";

/** Characters written at a time for large files. */
const CHUNK = 1 << 20;

/**
 * Writes a file atomically: a temp file in the same directory, then a rename, so a reader (or a crash)
 * never sees half a file. The temp file is removed when anything fails.
 */
export async function writeFileAtomic(path: string, content: string): Promise<void> {
  const dir = dirname(path);
  const temp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
  try {
    if (content.length <= CHUNK) {
      await writeFile(temp, content, { encoding: "utf8", flag: "wx" });
    } else {
      // Large specs are written a slice at a time, so no second copy of the whole text is made as one buffer.
      const file = await open(temp, "wx");
      try {
        for (let at = 0; at < content.length; at += CHUNK)
          await file.write(content.slice(at, at + CHUNK), null, "utf8");
      } finally {
        await file.close();
      }
    }
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
