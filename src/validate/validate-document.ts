import { RuleContext } from "./context.js";
import { RULES } from "./rules/index.js";
import type { JsonObject, Problem, RuleLevel } from "./types.js";

export type ValidateOptions = {
  /** Characters of the serialised document (defaults to its JSON length). */
  size?: number;
  format?: "json" | "yaml";
  /** Rule id → level, from the config file. */
  levels?: Readonly<Record<string, RuleLevel>>;
};

/** Runs every rule over a parsed document. Problems come in rule order, then document order. */
export function validateDocument(doc: JsonObject, options: ValidateOptions = {}): Problem[] {
  const ctx = new RuleContext(doc, options.size ?? JSON.stringify(doc).length, options.format ?? "json");
  const problems: Problem[] = [];
  for (const rule of RULES) {
    const level = options.levels?.[rule.id] ?? rule.severity;
    if (level === "off") continue;
    for (const finding of rule.check(ctx)) {
      // A configured level re-grades the whole rule; otherwise a finding may be graver than its rule's default.
      const severity =
        options.levels?.[rule.id] !== undefined
          ? (level as Problem["severity"])
          : (finding.severity ?? level);
      problems.push({ ruleId: rule.id, severity, message: finding.message, pointer: finding.pointer });
    }
  }
  return problems;
}

/** Ids of every rule, for config checks and docs. */
export const RULE_IDS: readonly string[] = RULES.map((rule) => rule.id);
