/** How bad a problem is: an error stops registration (or generation); a warning registers but loses something. */
export type Severity = "error" | "warning";
/** A rule's configured level: its severity, or off. */
export type RuleLevel = Severity | "off";

/** One problem found in a document (design.md §2: `{ruleId, severity, message, pointer}`). */
export type Problem = { ruleId: string; severity: Severity; message: string; pointer: string };

/** What a rule reports; the runner adds the rule id and severity. */
export type Finding = { message: string; pointer: string; severity?: Severity };

export type JsonObject = Record<string, unknown>;

/** One Salesforce (or OpenAPI) rule, in a file of its own under rules/. */
export type Rule = {
  /** Stable id: `sf-…` for Salesforce rules, `oas3-…` for OpenAPI structure. */
  id: string;
  /** The default level. */
  severity: RuleLevel;
  /** One line: what the rule checks. */
  description: string;
  /** Where the rule comes from (salesforce-external-services.md rule number and source). */
  source: string;
  check(ctx: import("./context.js").RuleContext): Iterable<Finding>;
};
