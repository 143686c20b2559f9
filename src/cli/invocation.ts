import { readFileSync, realpathSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";

/** Where this package is installed (its folder holding package.json, bin/ and dist/). */
const PACKAGE_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");

function real(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}

function versionOf(root: string): string {
  try {
    return (JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as { version: string }).version;
  } catch {
    return "latest";
  }
}

function inside(path: string, folder: string): boolean {
  return path === folder || path.startsWith(folder.endsWith(sep) ? folder : `${folder}${sep}`);
}

/**
 * The command that runs this CLI again from where the user is, for the hints it prints ("Next: …"):
 * `npx kintone-openapi` when it came through npx or npm scripts, or lives in the project the user is in (a local
 * install, or the clone itself); `kintone-openapi` when it is on PATH from a global install or `npm link`.
 */
export function selfCommand(
  env: NodeJS.ProcessEnv = process.env,
  cwd: string = process.cwd(),
  packageRoot: string = PACKAGE_ROOT,
): string {
  const root = real(packageRoot);
  // npx fetched the package into its cache for this run: an unpinned `npx kintone-openapi` later would run whatever
  // then owns the name (with the user's credentials in its environment), so the hint names this exact version.
  if (root.includes(`${sep}_npx${sep}`)) return `npx kintone-openapi@${versionOf(root)}`;
  if (env.npm_command === "exec" || env.npm_lifecycle_event !== undefined) return "npx kintone-openapi";
  const here = real(cwd);
  if (inside(here, root)) return "npx kintone-openapi";
  const modules = root.lastIndexOf(`${sep}node_modules${sep}`);
  if (modules >= 0 && inside(here, root.slice(0, modules) || sep)) return "npx kintone-openapi";
  return "kintone-openapi";
}

/**
 * What a config file's `$schema` should say so that it points at a file that exists: the schema inside this
 * package when the package sits in the config's project (a local install, or the clone itself), else the published
 * copy of this exact version (a one-off npx run or a global install has nothing inside the project).
 */
export function schemaReference(
  configDir: string,
  version: string,
  packageRoot: string = PACKAGE_ROOT,
): string {
  const root = real(packageRoot);
  const here = real(configDir);
  const modules = root.lastIndexOf(`${sep}node_modules${sep}`);
  const local = inside(here, root) || (modules >= 0 && inside(here, root.slice(0, modules) || sep));
  if (!local) return `https://unpkg.com/kintone-openapi@${version}/templates/config.schema.json`;
  const path = relative(here, resolve(root, "templates/config.schema.json")).split(sep).join("/");
  return path.startsWith(".") ? path : `./${path}`;
}
