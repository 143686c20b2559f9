import { readFileSync } from "node:fs";
import { Command, CommanderError } from "commander";
import { EXIT, KintoneOpenapiError } from "../errors.js";
import { registerDemo } from "./commands/demo.js";
import { registerDiff } from "./commands/diff.js";
import { registerGenerate } from "./commands/generate.js";
import { registerInit } from "./commands/init.js";
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

function buildProgram(): Command {
  const program = new Command()
    .name("kintone-openapi")
    .description(
      "OpenAPI 3.0 specs for Salesforce External Services from Kintone apps, and the proxy they call",
    )
    .version(packageVersion(), "-V, --version")
    .option("--debug", "print stack traces of errors")
    .showHelpAfterError("(run with --help for usage)")
    .exitOverride();
  registerGenerate(program);
  registerSnapshot(program);
  registerServe(program);
  registerSandbox(program);
  registerValidate(program);
  registerDiff(program);
  registerInit(program);
  registerDemo(program);
  for (const command of program.commands) command.exitOverride();
  return program;
}

/**
 * Runs the CLI and returns its exit code. The one error boundary: known errors print one sentence (and their
 * details); anything else is a bug and prints its stack.
 */
export async function main(argv: readonly string[]): Promise<number> {
  const program = buildProgram();
  const debug = argv.includes("--debug");
  const output = createOutput();
  try {
    process.exitCode = undefined;
    await program.parseAsync([...argv]);
    return typeof process.exitCode === "number" ? process.exitCode : EXIT.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      // --help and --version exit through here with code 0; usage errors were already printed by commander.
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if (error instanceof Error && error.name === "ExitPromptError") {
      // Ctrl-C at a prompt: nothing was written (files are written whole, at the end).
      output.info("\nCancelled; nothing was written.");
      return 130;
    }
    if (error instanceof KintoneOpenapiError) {
      output.error(error.message);
      for (const line of error.details) output.info(`  ${line}`);
      if (debug && error.stack) output.info(error.stack);
      return error.exitCode;
    }
    output.error(
      "Unexpected failure; this is a bug in kintone-openapi. Please report it with the output below.",
    );
    output.info(error instanceof Error ? (error.stack ?? error.message) : String(error));
    return EXIT.failed;
  }
}
