import { readFile } from "node:fs/promises";
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";
import type { PinnedNames } from "./build-document.js";
import { readPinnedNames } from "./pinned.js";

/** What reading a previous spec's names gave: no file, a file that is not JSON, or its names. */
export type PinnedFile = { state: "missing" } | { state: "invalid" } | { state: "read"; pinned: PinnedNames };

async function readPinnedFile(path: string): Promise<PinnedFile> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch {
    return { state: "missing" };
  }
  const pinned = readPinnedNames(text);
  return pinned === undefined ? { state: "invalid" } : { state: "read", pinned };
}

/**
 * Reads the names a previous spec gave, on a worker thread when running built: parsing a 10 MB spec takes about
 * 100 ms and leaves some 50 MB for the collector, which the main thread spends reading the metadata meanwhile
 * (benchmarks: generate at 80 apps). Only the names (a few hundred kilobytes) cross back. From the TypeScript
 * sources (tests), where a worker cannot load this file, it reads in the calling thread.
 */
export function readPinnedFileOffThread(path: string): Promise<PinnedFile> {
  if (!import.meta.url.endsWith(".js")) return readPinnedFile(path);
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL(import.meta.url), { workerData: { path } });
    worker.once("message", (result: PinnedFile) => resolve(result));
    worker.once("error", reject);
    worker.once("exit", (code) => {
      if (code !== 0) reject(new Error(`reading the names of ${path} stopped with exit code ${code}`));
    });
  });
}

if (!isMainThread && parentPort !== null && typeof (workerData as { path?: unknown })?.path === "string") {
  const port = parentPort;
  readPinnedFile((workerData as { path: string }).path).then((result) => port.postMessage(result));
}
