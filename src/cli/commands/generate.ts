import { access, constants, readFile, stat } from "node:fs/promises";
import { dirname, relative, resolve } from "node:path";
import { type Command, Option } from "commander";
import { type ConfigFile, DEFAULT_CONFIG_FILE, loadConfig } from "../../config/load-config.js";
import {
  type ConnectionFlags,
  type Env,
  parseAppIds,
  parseOperations,
  pick,
  resolveConnection,
} from "../../config/resolve-options.js";
import { UsageError } from "../../errors.js";
import { OPERATIONS, type Operation, type PinnedNames } from "../../generate/build-document.js";
import { generateSpec } from "../../generate/generate.js";
import { readPinnedNames } from "../../generate/pinned.js";
import { schemaAppId } from "../../generate/x-kintone.js";
import type { ConnectionOptions } from "../../kintone/connection.js";
import { SnapshotMetadataSource } from "../../kintone/snapshot-source.js";
import type { MetadataSource } from "../../kintone/types.js";
import { readBaseSpec, SAMPLE_APPS_DIR } from "../../templates.js";
import { isPrivateHost } from "../../util/address.js";
import { writeFileAtomic } from "../../util/atomic-write.js";
import { type Change, diffDocuments } from "../../validate/diff.js";
import { addConnectionOptions, collect } from "../connection-options.js";
import { selfCommand } from "../invocation.js";
import { createOutput, type Output } from "../output.js";
import { printChanges } from "../report.js";
import { isInteractive } from "../tty.js";

export const DEFAULT_PROXY_URL = "http://localhost:8080";
export const DEFAULT_OUTPUT = "kintone-openapi.json";

type GenerateFlags = ConnectionFlags & {
  json?: boolean;
  app?: string[];
  from?: string;
  demo?: boolean;
  proxyUrl?: string;
  output?: string;
  config?: string;
  operations?: string;
  check?: boolean;
  previous?: string;
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

/** Reads the spec already at the output path: its text (for --check) and the names it gave (kept on regeneration). */
async function readPrevious(
  path: string,
  output: Output,
  keepText: boolean,
): Promise<{ text?: string; pinned?: PinnedNames } | undefined> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch {
    return undefined;
  }
  const pinned = readPinnedNames(text);
  if (pinned === undefined) {
    output.warn(`${path} is not valid JSON, so names from it cannot be kept; they are derived afresh.`);
  }
  return { ...(keepText ? { text } : {}), ...(pinned ? { pinned } : {}) };
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
  const output = createOutput({
    quiet: flags.quiet === true || flags.stdout === true || flags.json === true,
  });
  const loaded = await loadConfig(flags.config, cwd);
  let config = loaded.config;
  if (loaded.path !== undefined)
    output.info(output.color.dim(`Using ${relative(cwd, loaded.path) || loaded.path}`));
  const interactive = isInteractive(flags, env) && !flags.stdout && !flags.check && !flags.json;
  // The prompt library is loaded only when there is someone to prompt.
  const ask = interactive ? await import("../interactive.js") : undefined;
  const answered: {
    connection?: ConnectionOptions;
    appIds?: string[];
    operations?: Operation[];
    proxyUrl?: string;
    output?: string;
  } = {};

  let source: MetadataSource;
  let live: boolean;
  if (ask !== undefined && !flags.demo && flags.from === undefined) {
    const { LiveMetadataSource } = await import("../../kintone/live-source.js");
    const asked = await ask.askConnection(
      flags,
      env,
      config,
      output,
      async (options) => new LiveMetadataSource(options),
    );
    source = asked.source;
    live = true;
    answered.connection = asked.connection;
    if (flags.app === undefined && config.apps === undefined) answered.appIds = await ask.askApps(asked.apps);
  } else {
    ({ source, live } = await chooseSource(flags, env, config, cwd));
  }
  const appIds =
    answered.appIds ??
    (flags.app !== undefined
      ? parseAppIds(flags.app, "--app")
      : config.apps !== undefined
        ? Object.keys(config.apps)
        : []);
  if (appIds.length === 0 && live) {
    throw new UsageError(
      "--app is required when reading from Kintone: give one or more app ids, e.g. --app 12,13 (or list them under apps in the config file).",
    );
  }
  let operations: Operation[] =
    flags.operations !== undefined
      ? parseOperations(flags.operations, "--operations")
      : config.operations !== undefined
        ? parseOperations(config.operations, "operations in the config file")
        : [...OPERATIONS];
  if (ask !== undefined && flags.operations === undefined && config.operations === undefined)
    operations = answered.operations = await ask.askOperations();
  const proxy = pick(flags.proxyUrl, env.KINTONE_OPENAPI_PROXY_URL, config.proxyUrl, DEFAULT_PROXY_URL);
  if (ask !== undefined && proxy.source === "default")
    proxy.value = answered.proxyUrl = await ask.askProxyUrl(DEFAULT_PROXY_URL);
  const proxyUrl = checkProxyUrl(
    proxy.value,
    proxy.source === "flag"
      ? "--proxy-url"
      : proxy.source === "env"
        ? "KINTONE_OPENAPI_PROXY_URL"
        : "proxyUrl",
  );
  // Warnings about the run itself (beside the metadata's), shown once the spec is written.
  const runWarnings: string[] = [];
  if (!flags.check && isPrivateHost(new URL(proxyUrl).hostname)) {
    runWarnings.push(
      `the spec's server is ${proxyUrl}, which Salesforce cannot call (this machine or a private network): give the proxy's public https URL with --proxy-url (or proxyUrl in the config) before registering the spec.`,
    );
  }
  let shown = flags.output ?? config.output ?? DEFAULT_OUTPUT;
  if (ask !== undefined && flags.output === undefined && config.output === undefined) {
    shown = answered.output = await ask.askOutput(
      DEFAULT_OUTPUT,
      async (path) => (await readPrevious(resolve(cwd, path), output, false)) !== undefined,
    );
  }
  const outputPath = resolve(cwd, shown);
  if (!flags.stdout && !flags.check) await checkWritable(outputPath);

  // Only --check needs the old text; otherwise the previous spec is only scanned for its names.
  const read = flags.stdout ? undefined : await readPrevious(outputPath, output, flags.check === true);
  // Names are kept from --previous when given (CI writes a fresh copy beside the committed spec), else from the
  // file being replaced.
  let pinnedFrom = read;
  if (flags.previous !== undefined) {
    pinnedFrom = await readPrevious(resolve(cwd, flags.previous), output, false);
    if (pinnedFrom === undefined)
      throw new UsageError(
        `--previous ${flags.previous} cannot be read: give the spec committed in the repository, whose property names must be kept.`,
      );
  }
  const pinned = pinnedFrom?.pinned;
  const previous = read?.text !== undefined ? { text: read.text } : undefined;

  output.info(output.color.dim(`Reading app metadata from ${source.origin}…`));
  const progress = createProgress(output);
  const base = await readBaseSpec();
  const build = (apps: ConfigFile["apps"]) =>
    generateSpec({
      source,
      appIds,
      base,
      onProgress: progress,
      build: {
        proxyUrl,
        operations,
        ...((flags.title ?? config.title) ? { title: flags.title ?? config.title } : {}),
        ...(config.version !== undefined ? { version: config.version } : {}),
        ...(config.description !== undefined ? { description: config.description } : {}),
        ...(apps !== undefined ? { apps } : {}),
        ...(pinned !== undefined ? { pinned } : {}),
      },
      ...(config.validate?.rules !== undefined ? { levels: config.validate.rules } : {}),
    });
  let result = await build(config.apps);
  if (ask !== undefined && result.invented.length > 0) {
    // Japanese codes the tool could not spell: let the person name them, then build again with those names.
    const names = await ask.askNames(result.invented, (appId) => takenNames(result.document, appId));
    const apps = { ...config.apps };
    for (const [appId, fields] of Object.entries(names))
      apps[appId] = { ...apps[appId], fields: { ...apps[appId]?.fields, ...fields } };
    config = { ...config, apps };
    result = await build(apps);
  }
  // With --json, warnings are part of the summary on stdout, not lines on stderr.
  if (!flags.json) for (const warning of [...runWarnings, ...result.warnings]) output.warn(warning);
  if (!flags.json)
    for (const problem of result.problems)
      output.warn(`${problem.message} (${problem.pointer}) [${problem.ruleId}]`);
  for (const name of result.invented) {
    output.warn(
      `app ${name.appId}: field "${name.code}" got the invented name "${name.name}"; give it a readable one under apps.${name.appId}.fields in the config file.`,
    );
  }
  const operationCount = Object.values(result.document.paths).reduce(
    (n, item) => n + Object.keys(item).length,
    0,
  );
  const appsText = result.resources.map((r) => `${r.plural} ← app ${r.appId}`).join(", ");

  if (flags.check) {
    if (previous === undefined) {
      output.error(`${shown} does not exist: run "${selfCommand()} generate" to create it.`);
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
    output.error(`${shown} is out of date: regenerate it with "${selfCommand()} generate".`);
    printChanges(output, changes, (line) => output.info(line));
    return 1;
  }
  if (flags.stdout) {
    output.out(result.text);
    return 0;
  }
  const { text, resources, warnings, problems } = result;
  if (ask !== undefined) {
    const summary = [
      "",
      output.color.bold("Summary"),
      `  Apps        ${appsText}`,
      `  Operations  ${operationCount} (${operations.join(", ")})`,
      `  Server      ${proxyUrl}`,
      `  Spec        ${shown} (${(text.length / 1024).toFixed(0)} KiB, ${warnings.length + problems.length} warnings)`,
      "",
    ];
    if (!(await ask.confirmWrite(summary, output, shown))) {
      output.info("Nothing was written.");
      return 0;
    }
  }
  await writeFileAtomic(outputPath, text);
  if (flags.json) {
    output.out(
      JSON.stringify(
        {
          output: shown,
          apps: resources,
          operations: operationCount,
          warnings: [
            ...runWarnings,
            ...warnings,
            ...problems.map((p) => `${p.message} (${p.pointer}) [${p.ruleId}]`),
          ],
        },
        null,
        2,
      ),
    );
    return 0;
  }
  output.info(
    `${output.color.green("Wrote")} ${shown}: ${resources.length} app${resources.length === 1 ? "" : "s"} (${appsText}), ${operationCount} operations.`,
  );
  if (ask !== undefined && (await ask.offerToSave(loaded.path))) {
    const target = loaded.path ?? resolve(cwd, DEFAULT_CONFIG_FILE);
    const saved = savedConfig(config, answered, resources);
    await writeFileAtomic(target, `${JSON.stringify(saved, null, 2)}\n`);
    output.info(
      `${output.color.green("Saved")} ${relative(cwd, target) || target}: the next run (and CI, with the secrets in its environment) needs no prompts.`,
    );
  }
  output.info(
    `Next: ${selfCommand()} validate ${shown}, then ${selfCommand()} serve --spec ${shown}, and register it in Salesforce (docs/salesforce.md).`,
  );
  return 0;
}

/** Property names already used by an app's record schema (so an asked name does not collide). */
function takenNames(
  document: { components?: { schemas?: Record<string, unknown> } },
  appId: string,
): Set<string> {
  const taken = new Set<string>();
  for (const schema of Object.values(document.components?.schemas ?? {})) {
    const s = schema as Record<string, unknown> & { properties?: Record<string, unknown> };
    if (schemaAppId(s) === appId)
      for (const name of Object.keys(s.properties ?? {})) taken.add(name.toLowerCase());
  }
  return taken;
}

/** The answers as a config file: never a secret (passwords and tokens stay in the environment). */
function savedConfig(
  config: ConfigFile,
  answered: {
    connection?: ConnectionOptions;
    appIds?: string[];
    operations?: Operation[];
    proxyUrl?: string;
    output?: string;
  },
  resources: ReadonlyArray<{ appId: string; singular: string; plural: string }>,
): ConfigFile {
  const saved: ConfigFile = {
    $schema: "./node_modules/kintone-openapi/templates/config.schema.json",
    ...config,
  } as ConfigFile;
  const connection = answered.connection;
  if (connection !== undefined) {
    saved.baseUrl = connection.baseUrl;
    if (connection.auth.kind === "password") saved.username = connection.auth.username;
    if (connection.guestSpaceId !== undefined) saved.guestSpaceId = connection.guestSpaceId;
  }
  const apps = { ...saved.apps };
  for (const resource of resources)
    apps[resource.appId] = { name: resource.singular, ...apps[resource.appId] };
  saved.apps = apps;
  if (answered.operations !== undefined) saved.operations = answered.operations;
  if (answered.proxyUrl !== undefined) saved.proxyUrl = answered.proxyUrl;
  if (answered.output !== undefined) saved.output = answered.output;
  return saved;
}

/** Progress while reading many apps: a counter on a terminal, plain lines every 25% elsewhere. */
function createProgress(output: Output): ((done: number, all: number) => void) | undefined {
  if (output.quiet) return undefined;
  const tty = process.stderr.isTTY === true;
  let lastQuarter = 0;
  return (done, all) => {
    if (all < 10) return;
    if (tty) {
      process.stderr.write(`\r${output.color.dim(`Read ${done} of ${all} apps`)}${done === all ? "\n" : ""}`);
    } else {
      const quarter = Math.floor((done / all) * 4);
      if (quarter > lastQuarter || done === all) {
        lastQuarter = quarter;
        output.info(`Read ${done} of ${all} apps`);
      }
    }
  };
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
    .option(
      "--previous <file>",
      "keep the property and operation names of this spec (default: the file being replaced)",
    )
    .option("--stdout", "print the spec instead of writing a file")
    .option("--no-interactive", "never prompt (the default when not on a terminal or when CI is set)")
    .option("--json", "print a JSON summary of what was written (for scripts)")
    .addOption(new Option("-q, --quiet", "print only warnings and errors"));
  addConnectionOptions(command).action(async (flags: GenerateFlags) => {
    process.exitCode = await handleGenerate(flags);
  });
}
