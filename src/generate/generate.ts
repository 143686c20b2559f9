import type { OpenAPIObject } from "openapi3-ts/oas30";
import { KintoneOpenapiError } from "../errors.js";
import type { AppMetadata, MetadataSource } from "../kintone/types.js";
import type { Problem, RuleLevel } from "../validate/types.js";
import { validateDocument } from "../validate/validate-document.js";
import { type BuildOptions, type BuildResult, buildDocument } from "./build-document.js";
import { deriveResourceNames } from "./names.js";

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

/**
 * A name the tool had to make up, because it could not spell the app's name or the field's code (Japanese it has
 * no reading for): interactive mode asks for a readable one, and every other run warns.
 */
export type Invented =
  | { kind: "app"; appId: string; label: string; name: string; plural: string }
  | { kind: "field"; appId: string; code: string; label: string; name: string };

/** The warning for an invented name, saying where to choose a readable one. */
export function inventedWarning(invented: Invented): string {
  return invented.kind === "app"
    ? `app ${invented.appId} "${invented.label}" got the invented name "${invented.name}" (Flow shows list${invented.plural}); give it a readable one under apps.${invented.appId}.name in the config file.`
    : `app ${invented.appId}: field "${invented.code}" got the invented name "${invented.name}"; give it a readable one under apps.${invented.appId}.fields in the config file.`;
}

export type BuiltSpec = Omit<BuildResult, "invented"> & {
  /** Names made up for apps and fields, in app order (apps first). */
  invented: Invented[];
};

/**
 * Reads the metadata of the apps (every app of a snapshot when `appIds` is empty), with the process management
 * settings when the spec is to have the `status` operations.
 */
export function readMetadata(
  source: MetadataSource,
  appIds: readonly string[],
  onProgress?: (done: number, total: number) => void,
  operations: readonly string[] = [],
): Promise<AppMetadata[]> {
  return source.readApps(appIds, {
    ...(onProgress ? { onProgress } : {}),
    ...(operations.includes("status") ? { withProcessManagement: true } : {}),
  });
}

/**
 * Builds the spec from metadata already read (so that it can be built again, with names the user chose, without
 * reading Kintone again), and lists the names it invented, each also as a warning.
 */
export function buildSpec(
  apps: readonly AppMetadata[],
  options: BuildOptions,
  base: OpenAPIObject,
): BuiltSpec {
  const result = buildDocument(apps, options, base);
  const byId = new Map(apps.map((meta) => [meta.app.appId, meta.app]));
  const invented: Invented[] = [];
  for (const resource of result.resources) {
    const app = byId.get(resource.appId);
    const named =
      options.apps?.[resource.appId]?.name !== undefined ||
      options.pinned?.get(resource.appId)?.singular !== undefined;
    if (app !== undefined && !named && deriveResourceNames(app).source === "id") {
      invented.push({
        kind: "app",
        appId: resource.appId,
        label: app.name,
        name: resource.singular,
        plural: resource.plural,
      });
    }
  }
  invented.push(...result.invented.map((field) => ({ kind: "field" as const, ...field })));
  return { ...result, invented, warnings: [...result.warnings, ...invented.map(inventedWarning)] };
}

export type CheckedSpec = {
  /** The spec as written to the file. */
  text: string;
  /** What the rules found (warnings only: a spec with an error is refused). */
  problems: Problem[];
};

/** Serialises and validates a built spec; throws InvalidSpecError rather than return a spec with errors. */
export function checkSpec(
  document: OpenAPIObject,
  levels?: Readonly<Record<string, RuleLevel>>,
): CheckedSpec {
  const text = serializeDocument(document);
  const problems = validateDocument(document as unknown as Record<string, unknown>, {
    size: text.length,
    ...(levels ? { levels } : {}),
  });
  if (problems.some((p) => p.severity === "error")) throw new InvalidSpecError(problems);
  return { text, problems };
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

export type GenerateOutput = BuiltSpec & CheckedSpec;

/** Reads metadata, builds the spec and validates it, in one call (for the demo and tests). */
export async function generateSpec(input: GenerateInput): Promise<GenerateOutput> {
  const apps = await readMetadata(input.source, input.appIds, input.onProgress, input.build.operations);
  const built = buildSpec(apps, input.build, input.base);
  return { ...built, ...checkSpec(built.document, input.levels) };
}
