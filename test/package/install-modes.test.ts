import { execFile } from "node:child_process";
import { cp, mkdir, readFile, symlink } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cleanEnv, ROOT, tempDir } from "../helpers/cli.js";

const run = promisify(execFile);
const BIG = 64 * 1024 * 1024;

/** The environment of a user's shell: no npm script variables (they would make the CLI's hints say npx). */
function shellEnv(): Record<string, string> {
  return Object.fromEntries(Object.entries(cleanEnv()).filter(([key]) => !key.startsWith("npm_")));
}

/** The working tree's sources, as a clone has them, without node_modules or dist. */
async function copySources(to: string): Promise<void> {
  for (const entry of [
    "bin",
    "src",
    "templates",
    "scripts",
    "package.json",
    "package-lock.json",
    "tsconfig.json",
    "tsconfig.build.json",
    "README.md",
    "LICENSE",
    "CHANGELOG.md",
  ])
    await cp(join(ROOT, entry), join(to, entry), { recursive: true });
}

const demo = (cwd: string) =>
  run(process.execPath, ["bin/kintone-openapi.js", "generate", "--demo", "-o", "spec.json"], {
    cwd,
    env: shellEnv(),
    maxBuffer: BIG,
  });

// npm runs offline here: everything the production install needs is in npm's cache after the project's own
// `npm ci`, and tests never need the network beyond loopback.
describe("installs without the TypeScript compiler", { timeout: 300_000 }, () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let published: { files: Array<{ path: string }> };
  let tarball: string;
  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir());
    const clone = join(dir, "clone");
    await copySources(clone);
    // The dev dependencies, as `npm install` in the clone would have them (linked, not installed again).
    await symlink(join(ROOT, "node_modules"), join(clone, "node_modules"), "dir");
    const { stdout } = await run(
      "npm",
      ["publish", "--dry-run", "--offline", "--json", "--registry", "http://127.0.0.1:9/"],
      { cwd: clone, env: shellEnv(), maxBuffer: BIG },
    );
    published = JSON.parse(stdout)["kintone-openapi"];
    const packed = await run("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", dir], {
      cwd: clone,
      env: shellEnv(),
      maxBuffer: BIG,
    });
    tarball = join(dir, JSON.parse(packed.stdout)[0].filename);
    // "A clone after a build": the built dist/ beside the sources, then the production install alone.
    const built = join(dir, "built");
    await copySources(built);
    await cp(join(clone, "dist"), join(built, "dist"), { recursive: true });
  }, 300_000);
  afterAll(() => cleanup());

  it("npm publish --dry-run builds on prepack and lists exactly bin, dist, templates, README, LICENSE, CHANGELOG", () => {
    const tops = new Set(published.files.map((f) => f.path.split("/")[0]));
    expect([...tops].sort()).toEqual(
      ["CHANGELOG.md", "LICENSE", "README.md", "bin", "dist", "package.json", "templates"].sort(),
    );
    expect(published.files.map((f) => f.path)).toContain("dist/cli/main.js");
  });

  it("npm ci --omit=dev works in a clone after a build, and the CLI runs", async () => {
    const built = join(dir, "built");
    await run("npm", ["ci", "--omit=dev", "--offline", "--no-audit", "--no-fund"], {
      cwd: built,
      env: shellEnv(),
      maxBuffer: BIG,
    });
    const { stderr } = await demo(built);
    expect(stderr).toMatch(/Wrote spec\.json: 3 apps/);
    await expect(readFile(join(built, "node_modules/typescript/package.json"))).rejects.toThrow();
  });

  it("npm ci --omit=dev works in a folder holding the tarball's contents (and the lockfile)", async () => {
    const unpacked = join(dir, "unpacked");
    await mkdir(unpacked);
    await run("tar", ["xzf", tarball, "-C", unpacked, "--strip-components", "1"]);
    // Without a lockfile npm would ask the registry for every package's metadata, which a test may not do; with
    // it, the install is the same one (prepare runs, finds no TypeScript, and leaves the built dist/ alone).
    await cp(join(ROOT, "package-lock.json"), join(unpacked, "package-lock.json"));
    await run("npm", ["ci", "--omit=dev", "--offline", "--no-audit", "--no-fund"], {
      cwd: unpacked,
      env: shellEnv(),
      maxBuffer: BIG,
    });
    const { stderr } = await demo(unpacked);
    expect(stderr).toMatch(/Wrote spec\.json: 3 apps/);
    // Run from inside the package itself, the hint names a command that works there.
    expect(stderr).toMatch(/Next: npx kintone-openapi validate spec\.json/);
  });
});
