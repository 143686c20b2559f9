import type { Change } from "../validate/diff.js";
import type { Output } from "./output.js";

/** Prints diff changes grouped as breaking (Salesforce refuses them on re-upload) and safe. */
export function printChanges(
  output: Output,
  changes: readonly Change[],
  print: (line: string) => void,
): void {
  const breaking = changes.filter((c) => c.breaking);
  const safe = changes.filter((c) => !c.breaking);
  if (breaking.length > 0) {
    print(
      output.color.red.bold(
        `Breaking (Salesforce refuses these for a registered spec unless the operations are deactivated first):`,
      ),
    );
    for (const change of breaking) print(`  ${output.color.red("✖")} ${change.message}`);
  }
  if (safe.length > 0) {
    print(output.color.bold("Safe:"));
    for (const change of safe) print(`  ${output.color.green("✔")} ${change.message}`);
  }
  print(`${breaking.length} breaking, ${safe.length} safe change${safe.length === 1 ? "" : "s"}.`);
}
