import { closeSync, openSync, readSync } from "node:fs";
import { access } from "node:fs/promises";

/** Whether a path exists (and is reachable by this process). */
export async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * Reads a file in fixed-size chunks, so a large file can be scanned without holding all of it. Each chunk is a
 * fresh buffer the caller may keep. Throws (like readFile) when the file cannot be opened.
 */
export function* readChunks(path: string, size = 1 << 20): Generator<Uint8Array> {
  const fd = openSync(path, "r");
  try {
    for (;;) {
      const buffer = Buffer.allocUnsafe(size);
      const read = readSync(fd, buffer, 0, size, null);
      if (read === 0) return;
      yield buffer.subarray(0, read);
    }
  } finally {
    closeSync(fd);
  }
}
