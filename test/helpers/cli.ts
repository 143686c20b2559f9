import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const BIN = join(ROOT, "bin/kintone-openapi.js");
export const FIXTURES = join(ROOT, "test/fixtures/snapshots");

export type CliResult = { code: number; stdout: string; stderr: string };

/** Environment without any KINTONE_* variable of the developer's shell, with colours off. */
export function cleanEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && !key.startsWith("KINTONE_") && key !== "FORCE_COLOR") env[key] = value;
  }
  return { ...env, NO_COLOR: "1", CI: "true", ...extra };
}

/** Runs the built CLI as a user would (node bin/kintone-openapi.js …). */
export function runCli(
  args: readonly string[],
  options: { cwd?: string; env?: Record<string, string>; input?: string } = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], {
      cwd: options.cwd ?? ROOT,
      env: cleanEnv(options.env),
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString("utf8");
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString("utf8");
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(options.input ?? "");
  });
}

/** A fresh temporary directory, removed by the returned cleanup. */
export async function tempDir(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), "kintone-openapi-test-"));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/**
 * Starts a long-running command of the built CLI (sandbox, serve, demo) and resolves `url` once it prints the line
 * matching `ready` (its first group is the URL). `bin` runs another executable instead (an installed package's).
 */
export function startCli(
  args: readonly string[],
  options: { cwd: string; env?: Record<string, string>; ready: RegExp; bin?: string },
) {
  const [command, argv] =
    options.bin === undefined ? [process.execPath, [BIN, ...args]] : [options.bin, [...args]];
  const child = spawn(command, argv, { cwd: options.cwd, env: cleanEnv(options.env) });
  let stdout = "";
  let stderr = "";
  child.stderr.on("data", (c: Buffer) => {
    stderr += c;
  });
  const url = new Promise<string>((resolve, reject) => {
    child.stdout.on("data", (c: Buffer) => {
      stdout += c;
      const match = options.ready.exec(stdout);
      if (match) resolve(match[1] as string);
    });
    child.on("exit", () => reject(new Error(`${args[0]} exited early: ${stderr}`)));
  });
  const exit = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  return { child, url, exit, output: () => ({ stdout, stderr }) };
}
