import type { Env } from "../config/resolve-options.js";

/** Interactive only on a terminal, outside CI, and unless --no-interactive (design.md §2, §7). */
export function isInteractive(flags: { interactive?: boolean }, env: Env): boolean {
  const ci = env.CI !== undefined && env.CI !== "" && env.CI !== "false" && env.CI !== "0";
  return flags.interactive !== false && process.stdin.isTTY === true && process.stdout.isTTY === true && !ci;
}
