import { access, constants, readFile, stat } from "node:fs/promises";
import { dirname, relative, resolve } from "node:path";
import { type Command, Option } from "commander";
import { type ConfigFile, loadConfig } from "../../config/load-config.js";
import {
  type ConnectionFlags,
  type Env,
  parseAppIds,
  parseOperations,
  pick,
  resolveConnection,
} from "../../config/resolve-options.js";
import { UsageError } from "../../errors.js";
import { SnapshotMetadataSource } from "../../kintone/snapshot-source.js";
import type { MetadataSource } from "../../kintone/types.js";
import { OPERATIONS, type Operation, type PinnedNames } from "../../spec/build-document.js";
import { generateSpec } from "../../spec/generate.js";
import { readPinnedNames } from "../../spec/pinned.js";
import { readBaseSpec, SAMPLE_APPS_DIR } from "../../templates.js";
import { writeFileAtomic } from "../../util/atomic-write.js";
import { type Change, diffDocuments } from "../../validate/diff.js";
import { addConnectionOptions, collect } from "../connection-options.js";
import { createOutput, type Output } from "../output.js";
import { printChanges } from "../report.js";

export const DEFAULT_PROXY_URL = "http://localhost:8080";
export const DEFAULT_OUTPUT = "kintone-openapi.json";

type GenerateFlags = ConnectionFlags & {
  app?: string[];
  from?: string;
  demo?: boolean;
  proxyUrl?: string;
  output?: string;
  config?: string;
  operations?: string;
  check?: boolean;
  stdout?: boolean;
  interactive?: boolean;
  title?: string;
  quiet?: boolean;
};

/** Checks the proxy URL: http(s), no query or fragment. */
function checkProxyUrl(raw: string, origin: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new UsageError(
      `${origin} "${raw}" is not a URL: give the proxy's address, e.g. https://kintone-proxy.example.com.`,
    );
  }
  if ((url.protocol !== "http:" && url.protocol !== "https:") || url.search !== "" || url.hash !== "") {
    throw new UsageError(`${origin} must be an http(s) URL without query or fragment (got "${raw}").`);
  }
  return raw.replace(/\/+$/, "") || raw;
}

/** Fails early (before any Kintone call) when the output cannot be written. */
async function checkWritable(path: string): Promise<void> {
  try {
    if ((await stat(path)).isDirectory())
      throw new UsageError(`${path} is a directory: give a file name with -o.`);
  } catch (error) {
    if (error instanceof UsageError) throw error;
  }
  try {
    await access(dirname(path), constants.W_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "does not exist" : "is not writable";
    throw new UsageError(
      `cannot write ${path}: the folder ${dirname(path)} ${why}; choose another path with -o.`,
    );
  }
}

/**
 * Reads the spec already at the output path: its text (for --check) and the names it gave (kept on regeneration).
 * The text is decoded only for --check; names are scanned from the bytes (see readPinnedNames).
 */
async function readPrevious(
  path: string,
  output: Output,
  keepText: boolean,
): Promise<{ text?: string; pinned?: PinnedNames } | undefined> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path);
  } catch {
    return undefined;
  }
  const pinned = readPinnedNames(bytes);
  if (pinned === undefined) {
    output.warn(`${path} is not valid JSON, so names from it cannot be kept; they are derived afresh.`);
  }
  return { ...(keepText ? { text: bytes.toString("utf8") } : {}), ...(pinned ? { pinned } : {}) };
}

/** Picks the metadata source; the Kintone client is loaded only when Kintone is read (it is slow to load). */
async function chooseSource(
  flags: GenerateFlags,
  env: Env,
  config: ConfigFile,
  cwd: string,
): Promise<{ source: MetadataSource; live: boolean }> {
  if (flags.demo && flags.from !== undefined)
    throw new UsageError("--demo and --from cannot be used together: choose one source.");
  if (flags.demo) return { source: new SnapshotMetadataSource(SAMPLE_APPS_DIR), live: false };
  if (flags.from !== undefined)
    return { source: new SnapshotMetadataSource(resolve(cwd, flags.from)), live: false };
  const connection = resolveConnection(flags, env, config);
  const { LiveMetadataSource } = await import("../../kintone/live-source.js");
  return { source: new LiveMetadataSource(connection), live: true };
}

/** `kintone-openapi generate`: metadata → OpenAPI 3.0 spec (design.md §2). */
export async function handleGenerate(
  flags: GenerateFlags,
  env: Env = process.env,
  cwd = process.cwd(),
): Promise<number> {
  const output = createOutput({ quiet: flags.quiet === true || flags.stdout === true });
  const { config, path: configPath } = await loadConfig(flags.config, cwd);
  if (configPath !== undefined)
    output.info(output.color.dim(`Using ${relative(cwd, configPath) || configPath}`));
  const { source, live } = await chooseSource(flags, env, config, cwd);
  const appIds =
    flags.app !== undefined
      ? parseAppIds(flags.app, "--app")
      : config.apps !== undefined
        ? Object.keys(config.apps)
        : [];
  if (appIds.length === 0 && live) {
    throw new UsageError(
      "--app is required when reading from Kintone: give one or more app ids, e.g. --app 12,13 (or list them under apps in the config file).",
    );
  }
  const operations: Operation[] =
    flags.operations !== undefined
      ? parseOperations(flags.operations, "--operations")
      : config.operations !== undefined
        ? parseOperations(config.operations, "operations in the config file")
        : [...OPERATIONS];
  const proxy = pick(flags.proxyUrl, env.KINTONE_OPENAPI_PROXY_URL, config.proxyUrl, DEFAULT_PROXY_URL);
  const proxyUrl = checkProxyUrl(
    proxy.value,
    proxy.source === "flag"
      ? "--proxy-url"
      : proxy.source === "env"
        ? "KINTONE_OPENAPI_PROXY_URL"
        : "proxyUrl",
  );
  const outputPath = resolve(cwd, flags.output ?? config.output ?? DEFAULT_OUTPUT);
  const shown = flags.output ?? config.output ?? DEFAULT_OUTPUT;
  if (!flags.stdout && !flags.check) await checkWritable(outputPath);

  // Only --check needs the old text; otherwise the previous spec is only scanned for its names.
  const read = flags.stdout ? undefined : await readPrevious(outputPath, output, flags.check === true);
  const pinned = read?.pinned;
  const previous = read?.text !== undefined ? { text: read.text } : undefined;

  output.info(output.color.dim(`Reading app metadata from ${source.origin}…`));
  const result = await generateSpec({
    source,
    appIds,
    base: await readBaseSpec(),
    build: {
      proxyUrl,
      operations,
      ...((flags.title ?? config.title) ? { title: flags.title ?? config.title } : {}),
      ...(config.version !== undefined ? { version: config.version } : {}),
      ...(config.description !== undefined ? { description: config.description } : {}),
      ...(config.apps !== undefined ? { apps: config.apps } : {}),
      ...(pinned !== undefined ? { pinned } : {}),
    },
    ...(config.validate?.rules !== undefined ? { levels: config.validate.rules } : {}),
  });
  for (const warning of result.warnings) output.warn(warning);
  for (const problem of result.problems)
    output.warn(`${problem.message} (${problem.pointer}) [${problem.ruleId}]`);
  for (const name of result.invented) {
    output.warn(
      `app ${name.appId}: field "${name.code}" got the invented name "${name.name}"; give it a readable one under apps.${name.appId}.fields in the config file.`,
    );
  }

  if (flags.check) {
    if (previous === undefined) {
      output.error(`${shown} does not exist: run "kintone-openapi generate" to create it.`);
      return 1;
    }
    if (previous.text === result.text) {
      output.info(`${shown} is up to date.`);
      return 0;
    }
    let changes: Change[] = [];
    try {
      const before = JSON.parse(previous.text) as Record<string, unknown>;
      changes = diffDocuments(before, result.document as unknown as Record<string, unknown>);
    } catch {
      output.info(`${shown} is not valid JSON, so its changes cannot be listed.`);
    }
    output.error(`${shown} is out of date: regenerate it with "kintone-openapi generate".`);
    printChanges(output, changes, (line) => output.info(line));
    return 1;
  }
  if (flags.stdout) {
    output.out(result.text);
    return 0;
  }
  await writeFileAtomic(outputPath, result.text);
  const operationCount = Object.values(result.document.paths).reduce(
    (n, item) => n + Object.keys(item).length,
    0,
  );
  output.info(
    `${output.color.green("Wrote")} ${shown}: ${result.resources.length} app${result.resources.length === 1 ? "" : "s"} (${result.resources.map((r) => `${r.plural} ← app ${r.appId}`).join(", ")}), ${operationCount} operations.`,
  );
  output.info(
    `Next: kintone-openapi validate ${shown}, then kintone-openapi serve --spec ${shown}, and register it in Salesforce (docs/salesforce.md).`,
  );
  return 0;
}

export function registerGenerate(program: Command): void {
  const command = program
    .command("generate")
    .description("write an OpenAPI 3.0 spec for Kintone apps, ready for Salesforce External Services")
    .option("--app <ids>", "app ids, comma-separated or repeated", collect)
    .option("--from <dir>", "read a metadata snapshot directory instead of Kintone")
    .option("--demo", "use the sample apps bundled with kintone-openapi")
    .option(
      "--proxy-url <url>",
      `URL of the kintone-openapi proxy, the spec's server (default ${DEFAULT_PROXY_URL})`,
    )
    .option("-o, --output <file>", `spec file to write (default ${DEFAULT_OUTPUT})`)
    .option("--config <file>", "config file (default kintone-openapi.config.json when present)")
    .option("--operations <list>", `operations per app (default ${OPERATIONS.join(",")})`)
    .option("--title <title>", "info.title of the spec")
    .option("--check", "write nothing; exit 1 when the file on disk differs from what would be generated")
    .option("--stdout", "print the spec instead of writing a file")
    .option("--no-interactive", "never prompt (the default when not on a terminal or when CI is set)")
    .addOption(new Option("-q, --quiet", "print only warnings and errors"));
  addConnectionOptions(command).action(async (flags: GenerateFlags) => {
    process.exitCode = await handleGenerate(flags);
  });
}
