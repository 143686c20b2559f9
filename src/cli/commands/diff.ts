import { type Command, Option } from "commander";
import { UsageError } from "../../errors.js";
import { diffDocuments } from "../../validate/diff.js";
import { loadDocument, UnreadableDocumentError } from "../../validate/load-document.js";
import { createOutput } from "../output.js";
import { printChanges } from "../report.js";
import { checkFormat } from "./validate.js";

async function load(path: string) {
  try {
    return await loadDocument(path);
  } catch (error) {
    if (error instanceof UnreadableDocumentError) {
      const where = error.line !== undefined ? ` (line ${error.line}, column ${error.column ?? 1})` : "";
      throw new UsageError(`${path}: ${error.message.replace(/\.$/, "")}${where}.`);
    }
    throw error;
  }
}

/** `kintone-openapi diff <old> <new>`: changes, each breaking or safe for a spec registered in Salesforce. */
export async function handleDiff(
  oldPath: string,
  newPath: string,
  flags: { format?: string },
): Promise<number> {
  const output = createOutput();
  const format = checkFormat(flags.format);
  const [before, after] = [await load(oldPath), await load(newPath)];
  const changes = diffDocuments(before.doc, after.doc);
  if (format === "json") {
    output.out(JSON.stringify(changes, null, 2));
  } else if (changes.length === 0) {
    output.out(`${output.color.green("✔")} No changes between ${oldPath} and ${newPath}.`);
  } else {
    printChanges(output, changes, (line) => output.out(line));
  }
  return changes.some((c) => c.breaking) ? 1 : 0;
}

export function registerDiff(program: Command): void {
  program
    .command("diff")
    .description("list the changes between two specs, marking those Salesforce refuses for a registered spec")
    .argument("<old>", "the spec registered now")
    .argument("<new>", "the spec to register instead")
    .addOption(new Option("--format <format>", "stylish (default) or json").choices(["stylish", "json"]))
    .option("--json", "same as --format json")
    .action(async (oldPath: string, newPath: string, flags: { format?: string; json?: boolean }) => {
      process.exitCode = await handleDiff(oldPath, newPath, flags);
    });
}
