import { randomBytes } from "node:crypto";
import { mkdir, open, rename, rm, writeFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";

/** Characters gathered before each write of a large or chunked file. */
const CHUNK = 1 << 20;

/**
 * Writes a file atomically: a temp file in the same directory, then a rename, so a reader (or a crash)
 * never sees half a file. The temp file is removed when anything fails. `content` may be given in pieces
 * (any size; they are gathered into ~1 MB writes), so a large file need never be held whole.
 */
export async function writeFileAtomic(path: string, content: string | Iterable<string>): Promise<void> {
  const dir = dirname(path);
  const temp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
  try {
    if (typeof content === "string" && content.length <= CHUNK) {
      await writeFile(temp, content, { encoding: "utf8", flag: "wx" });
    } else {
      const file = await open(temp, "wx");
      try {
        for (const piece of typeof content === "string" ? slices(content) : gather(content))
          await file.write(piece, null, "utf8");
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

function* slices(text: string): Generator<string> {
  for (let at = 0; at < text.length; at += CHUNK) yield text.slice(at, at + CHUNK);
}

function* gather(pieces: Iterable<string>): Generator<string> {
  let batch: string[] = [];
  let length = 0;
  for (const piece of pieces) {
    batch.push(piece);
    length += piece.length;
    if (length >= CHUNK) {
      yield batch.join("");
      batch = [];
      length = 0;
    }
  }
  if (batch.length > 0) yield batch.join("");
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
