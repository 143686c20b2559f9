import { readFileSync } from "node:fs";
import { Command, CommanderError } from "commander";
import { EXIT, KintoneOpenapiError } from "../errors.js";
import type { RunState } from "./command.js";
import { registerDemo } from "./commands/demo.js";
import { registerDiff } from "./commands/diff.js";
import { registerGenerate } from "./commands/generate.js";
import { registerInit } from "./commands/init.js";
import { registerSalesforce } from "./commands/salesforce.js";
import { registerSandbox } from "./commands/sandbox.js";
import { registerServe } from "./commands/serve.js";
import { registerSnapshot } from "./commands/snapshot.js";
import { registerValidate } from "./commands/validate.js";
import { createOutput } from "./output.js";

/** The package version, read from package.json so --version always matches it. */
export function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
    version: string;
  };
  return pkg.version;
}

function buildProgram(state: RunState): Command {
  const program = new Command()
    .name("kintone-openapi")
    .description(
      "OpenAPI 3.0 specs for Salesforce External Services from Kintone apps, and the proxy they call",
    )
    .version(packageVersion(), "-V, --version")
    .option("--debug", "print stack traces of errors (any command)")
    .showHelpAfterError("(run with --help for usage)")
    .exitOverride();
  registerGenerate(program, state);
  registerSnapshot(program, state);
  registerServe(program, state);
  registerSandbox(program, state);
  registerValidate(program, state);
  registerDiff(program, state);
  registerSalesforce(program, state);
  registerInit(program, state);
  registerDemo(program, state);
  for (const command of program.commands) command.exitOverride();
  return program;
}

/**
 * A reader that stops reading (`generate --stdout | head`) closes the pipe: later writes fail with EPIPE, which is
 * no error of ours. Output to a closed stream is dropped (output.ts checks) and the command finishes quietly.
 */
function ignoreClosedPipes(): void {
  for (const stream of [process.stdout, process.stderr]) {
    if (stream.listenerCount("error") > 0) continue;
    stream.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "EPIPE" || error.code === "ERR_STREAM_DESTROYED") return;
      throw error;
    });
  }
}

/** What Ctrl-C at a prompt leaves behind: files are written whole, so either each one is there or it is not. */
function cancelled(written: readonly string[]): string {
  return written.length === 0
    ? "\nCancelled; nothing was written."
    : `\nCancelled; ${written.join(" and ")} ${written.length === 1 ? "was" : "were"} written, nothing else.`;
}

/**
 * Runs the CLI and returns its exit code: the one a command returned, or the one of the error boundary. The one
 * error boundary: known errors print one sentence (and their details); anything else is a bug and prints its stack.
 */
export async function main(argv: readonly string[]): Promise<number> {
  const state: RunState = { exitCode: EXIT.ok, written: [], debug: false };
  const program = buildProgram(state);
  const output = createOutput();
  ignoreClosedPipes();
  try {
    await program.parseAsync([...argv]);
    return state.exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version exit through here with code 0; usage errors were already printed by commander.
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if (error instanceof Error && error.name === "ExitPromptError") {
      output.info(cancelled(state.written));
      return 130;
    }
    if (error instanceof KintoneOpenapiError) {
      output.error(error.message);
      for (const line of error.details) output.info(`  ${line}`);
      if (state.debug && error.stack) output.info(error.stack);
      return error.exitCode;
    }
    output.error(
      "Unexpected failure; this is a bug in kintone-openapi. Please report it with the output below.",
    );
    output.info(error instanceof Error ? (error.stack ?? error.message) : String(error));
    return EXIT.failed;
  }
}
