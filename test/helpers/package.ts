import { execFile } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { ROOT } from "./cli.js";

const run = promisify(execFile);

/** Packs the built package (dist/ as `npm test` built it) into `dir`; its file name and integrity. */
export async function packTarball(
  dir: string,
): Promise<{ file: string; integrity: string; version: string }> {
  const { stdout } = await run("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", dir], {
    cwd: ROOT,
    maxBuffer: 64 * 1024 * 1024,
  });
  const [packed] = JSON.parse(stdout.slice(stdout.indexOf("["))) as Array<{
    filename: string;
    integrity: string;
    version: string;
  }>;
  if (packed === undefined) throw new Error("npm pack printed nothing");
  return { file: join(dir, packed.filename), integrity: packed.integrity, version: packed.version };
}

type LockEntry = Record<string, unknown> & { dev?: boolean; devOptional?: boolean; link?: boolean };

/**
 * Writes a package.json that depends on the tarball (devDependencies, as `init --ci github` pins it) and the
 * package-lock.json `npm install` would write for it, made from this project's own lockfile: every production
 * dependency is in npm's cache after the project's `npm ci`, so `npm ci --offline` installs it without the network.
 */
export async function writeProjectWithTarball(
  project: string,
  tarball: { file: string; integrity: string; version: string },
  relativeSpec: string,
): Promise<void> {
  const lock = JSON.parse(await readFile(join(ROOT, "package-lock.json"), "utf8")) as {
    packages: Record<string, LockEntry>;
  };
  const self = lock.packages[""] as LockEntry & { dependencies?: Record<string, string> };
  const manifest = JSON.parse(await readFile(join(ROOT, "package.json"), "utf8")) as Record<string, unknown>;
  const packages: Record<string, LockEntry> = {
    "": { name: "project", version: "1.0.0", devDependencies: { "kintone-openapi": relativeSpec } },
    "node_modules/kintone-openapi": {
      version: tarball.version,
      resolved: relativeSpec,
      integrity: tarball.integrity,
      dev: true,
      license: manifest.license,
      dependencies: self.dependencies,
      bin: manifest.bin,
      engines: manifest.engines,
    },
  };
  for (const [key, entry] of Object.entries(lock.packages)) {
    if (!key.startsWith("node_modules/") || entry.dev === true || entry.link === true) continue;
    const { devOptional, ...rest } = entry;
    packages[key] = { ...rest, dev: true, ...(devOptional ? { optional: true } : {}) };
  }
  await writeFile(
    join(project, "package.json"),
    `${JSON.stringify({ name: "project", version: "1.0.0", private: true, devDependencies: { "kintone-openapi": relativeSpec } }, null, 2)}\n`,
  );
  await writeFile(
    join(project, "package-lock.json"),
    `${JSON.stringify({ name: "project", version: "1.0.0", lockfileVersion: 3, requires: true, packages }, null, 2)}\n`,
  );
}
