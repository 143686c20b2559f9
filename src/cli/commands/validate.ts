import { type Command, Option } from "commander";
import { ConfigError, type ExitCode, UsageError } from "../../errors.js";
import { type LoadedDocument, loadDocument, UnreadableDocumentError } from "../../validate/load-document.js";
import { RULES } from "../../validate/rules/index.js";
import type { Problem, RuleLevel } from "../../validate/types.js";
import { RULE_IDS, validateDocument } from "../../validate/validate-document.js";
import { type CommandContext, defineCommand, type RunState } from "../command.js";
import { selfCommand } from "../invocation.js";
import type { Output } from "../output.js";

type ValidateFlags = { format?: string; listRules?: boolean };

/** A problem with the position in the file, when it could be found. */
export type LocatedProblem = Problem & { line?: number; column?: number };

export const FORMATS = ["stylish", "json"] as const;

/** The report format from --format and --json (the same as --format json), refusing the two when they disagree. */
export function checkFormat(format: string | undefined, json = false): "stylish" | "json" {
  if (json && format !== undefined && format !== "json")
    throw new UsageError(
      `--json and --format ${format} ask for different reports: give one of them (--json is --format json).`,
    );
  const value = format ?? (json ? "json" : "stylish");
  if (!(FORMATS as readonly string[]).includes(value))
    throw new UsageError(`--format takes stylish or json (got "${value}").`);
  return value as "stylish" | "json";
}

/** Rule levels from the config file, refusing ids that are not rules. */
export function ruleLevels(
  rules: Readonly<Record<string, RuleLevel>> | undefined,
): Record<string, RuleLevel> | undefined {
  if (rules === undefined) return undefined;
  for (const id of Object.keys(rules)) {
    if (!RULE_IDS.includes(id)) {
      const close = RULE_IDS.filter(
        (known) => known.includes(id.replace(/^sf-/, "")) || id.includes(known.replace(/^sf-/, "")),
      );
      throw new ConfigError(
        `the config file names an unknown rule "${id}" (/validate/rules/${id})${close.length > 0 ? `: did you mean ${close.join(" or ")}?` : `; run ${selfCommand()} validate --list-rules to see them.`}`,
      );
    }
  }
  return { ...rules };
}

/** Prints problems grouped by file, ESLint-style, with a summary line. */
export function printStylish(
  output: Output,
  file: string,
  problems: readonly LocatedProblem[],
  summary: string,
): void {
  const { color } = output;
  if (problems.length === 0) {
    output.out(`${color.green("✔")} ${file}: no problems (${summary}).`);
    return;
  }
  output.out(color.underline(file));
  const width = Math.max(
    ...problems.map((p) => (p.line !== undefined ? `${p.line}:${p.column}`.length : 0)),
    3,
  );
  for (const problem of problems) {
    const position = problem.line !== undefined ? `${problem.line}:${problem.column}` : "";
    const severity = problem.severity === "error" ? color.red("error  ") : color.yellow("warning");
    output.out(
      `  ${color.dim(position.padEnd(width))}  ${severity}  ${problem.message}  ${color.dim(problem.ruleId)}`,
    );
    if (problem.pointer !== "") output.out(`  ${" ".repeat(width)}           ${color.dim(problem.pointer)}`);
  }
  const errors = problems.filter((p) => p.severity === "error").length;
  const warnings = problems.length - errors;
  const total = `${problems.length} problem${problems.length === 1 ? "" : "s"} (${errors} error${errors === 1 ? "" : "s"}, ${warnings} warning${warnings === 1 ? "" : "s"})`;
  output.out("");
  output.out(errors > 0 ? color.red.bold(`✖ ${total}`) : color.yellow.bold(`⚠ ${total}`));
}

/** Validates one loaded document and locates its problems in the file. */
export function checkLoaded(loaded: LoadedDocument, levels?: Record<string, RuleLevel>): LocatedProblem[] {
  const problems = validateDocument(loaded.doc, {
    size: loaded.size,
    format: loaded.format,
    ...(levels ? { levels } : {}),
  });
  const positions = loaded.locateAll([...new Set(problems.map((p) => p.pointer))]);
  return problems.map((problem) => ({ ...problem, ...positions.get(problem.pointer) }));
}

/** `kintone-openapi validate <file>`: OpenAPI 3.0 schema and Salesforce rules (design.md §2). */
export async function handleValidate(
  context: CommandContext,
  file: string | undefined,
  flags: ValidateFlags,
): Promise<ExitCode> {
  // Problems are printed in file order; the JSON report keeps rule order.
  const { output } = context;
  const format = checkFormat(flags.format, context.json);
  if (flags.listRules) {
    if (format === "json") {
      output.out(
        JSON.stringify(
          RULES.map(({ id, severity, description, source }) => ({ id, severity, description, source })),
          null,
          2,
        ),
      );
    } else {
      for (const rule of RULES)
        output.out(`${rule.id.padEnd(28)} ${rule.severity.padEnd(8)} ${rule.description}`);
    }
    return 0;
  }
  if (file === undefined)
    throw new UsageError(`give the spec file to check: ${selfCommand()} validate <file>.`);
  const { config } = await context.config();
  const levels = ruleLevels(config.validate?.rules);
  const shown = file;
  let problems: LocatedProblem[];
  let summary = "";
  try {
    const loaded = await loadDocument(file);
    problems = checkLoaded(loaded, levels);
    const operations = Object.values((loaded.doc.paths ?? {}) as Record<string, object>).reduce(
      (n, item) =>
        n +
        Object.keys(item).filter((k) =>
          ["get", "put", "post", "delete", "patch", "options", "head", "trace"].includes(k),
        ).length,
      0,
    );
    const schemas = Object.keys(
      ((loaded.doc.components as { schemas?: object } | undefined)?.schemas ?? {}) as object,
    ).length;
    summary = `OpenAPI ${String(loaded.doc.openapi ?? loaded.doc.swagger)}, ${operations} operations, ${schemas} schemas`;
  } catch (error) {
    if (!(error instanceof UnreadableDocumentError)) throw error;
    problems = [
      {
        ruleId: "parse",
        severity: "error",
        message: error.message,
        pointer: "",
        ...(error.line !== undefined ? { line: error.line, column: error.column ?? 1 } : {}),
      },
    ];
  }
  if (format === "json") {
    output.out(
      JSON.stringify(
        problems.map(({ ruleId, severity, message, pointer }) => ({ ruleId, severity, message, pointer })),
        null,
        2,
      ),
    );
  } else {
    const byPosition = [...problems].sort(
      (a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0),
    );
    printStylish(output, shown, byPosition, summary);
  }
  return problems.some((p) => p.severity === "error") ? 1 : 0;
}

export function registerValidate(program: Command, state: RunState): void {
  defineCommand<ValidateFlags>(program, state, {
    name: "validate",
    description: "check an OpenAPI file against OpenAPI 3.0 and the rules of Salesforce External Services",
    arguments: [["[file]", "the spec to check (JSON or YAML)"]],
    shared: {
      json: "same as --format json",
      config: "config file whose validate.rules turn rules off or re-grade them",
    },
    options: (command) =>
      command
        .addOption(
          new Option("--format <format>", "stylish or json (default: stylish)").choices(["stylish", "json"]),
        )
        .option("--list-rules", "list the rules with their ids and default severities"),
    examples: [
      "kintone-openapi validate kintone-openapi.json",
      "kintone-openapi validate kintone-openapi.json --format json",
      "kintone-openapi validate --list-rules",
    ],
    run: (context, flags, [file]) => handleValidate(context, file, flags),
  });
}
