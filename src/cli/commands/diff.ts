import type { Command } from "commander";
import { Option } from "commander";
import { UsageError } from "../../errors.js";
import { diffDocuments } from "../../validate/diff.js";
import { loadDocument, UnreadableDocumentError } from "../../validate/load-document.js";
import { type CommandContext, defineCommand, type RunState } from "../command.js";
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
  { output, json }: CommandContext,
  oldPath: string,
  newPath: string,
  flags: { format?: string },
): Promise<0 | 1> {
  const format = checkFormat(flags.format, json);
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

export function registerDiff(program: Command, state: RunState): void {
  defineCommand<{ format?: string }>(program, state, {
    name: "diff",
    description: "list the changes between two specs, marking those Salesforce refuses for a registered spec",
    arguments: [
      ["<old>", "the spec registered now"],
      ["<new>", "the spec to register instead"],
    ],
    shared: { json: "same as --format json" },
    options: (command) =>
      command.addOption(
        new Option("--format <format>", "stylish or json (default: stylish)").choices(["stylish", "json"]),
      ),
    examples: [
      "kintone-openapi diff registered.json kintone-openapi.json",
      "kintone-openapi diff registered.json kintone-openapi.json --json",
    ],
    run: (context, flags, [oldPath, newPath]) =>
      handleDiff(context, oldPath as string, newPath as string, flags),
  });
}
