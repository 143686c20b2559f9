import type { OpenAPIObject } from "openapi3-ts/oas30";
import { KintoneOpenapiError } from "../errors.js";
import type { MetadataSource } from "../kintone/types.js";
import type { Problem, RuleLevel } from "../validate/types.js";
import { validateDocument } from "../validate/validate-document.js";
import { type BuildOptions, type BuildResult, buildDocument } from "./build-document.js";

/** Serialises a spec the one way this project does: 2-space JSON with a final newline. */
export function serializeDocument(document: OpenAPIObject): string {
  return `${JSON.stringify(document, null, 2)}\n`;
}

/** The generated spec broke a rule marked error: nothing is written. */
export class InvalidSpecError extends KintoneOpenapiError {
  constructor(readonly problems: readonly Problem[]) {
    const errors = problems.filter((p) => p.severity === "error");
    super(
      `the generated spec would not register in Salesforce (${errors.length} error${errors.length === 1 ? "" : "s"}); nothing was written. Rename the fields named below in the config file, or report this as a bug.`,
      { details: errors.map((p) => `${p.pointer || "/"}: ${p.message} [${p.ruleId}]`) },
    );
  }
}

export type GenerateInput = {
  source: MetadataSource;
  /** Apps to read; empty = every app of a snapshot. */
  appIds: readonly string[];
  build: BuildOptions;
  base: OpenAPIObject;
  levels?: Readonly<Record<string, RuleLevel>>;
  onProgress?: (done: number, total: number) => void;
};

export type GenerateOutput = BuildResult & {
  /** The spec as written to the file. */
  text: string;
  problems: Problem[];
};

/** Reads metadata, builds the spec, and validates it; throws InvalidSpecError rather than return a spec with errors. */
export async function generateSpec(input: GenerateInput): Promise<GenerateOutput> {
  // Not kept in a variable: the metadata can be collected once the document is built.
  const result = buildDocument(
    await input.source.readApps(input.appIds, input.onProgress ? { onProgress: input.onProgress } : {}),
    input.build,
    input.base,
  );
  const text = serializeDocument(result.document);
  const problems = validateDocument(result.document as unknown as Record<string, unknown>, {
    size: text.length,
    ...(input.levels ? { levels: input.levels } : {}),
  });
  if (problems.some((p) => p.severity === "error")) throw new InvalidSpecError(problems);
  return { ...result, problems, text };
}
