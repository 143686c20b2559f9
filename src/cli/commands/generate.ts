import { access, constants, mkdir, readFile, stat } from "node:fs/promises";
import { dirname, relative, resolve } from "node:path";
import type { Command } from "commander";
import type { OpenAPIObject } from "openapi3-ts/oas30";
import { type ConfigFile, DEFAULT_CONFIG_FILE } from "../../config/load-config.js";
import {
  parseAppIds,
  parseNumberOption,
  parseOperations,
  pick,
  resolveConnection,
} from "../../config/resolve-options.js";
import { type ExitCode, UsageError } from "../../errors.js";
import {
  type AppNaming,
  type BuildOptions,
  OPERATIONS,
  OPTIONAL_OPERATIONS,
  type PinnedNames,
} from "../../generate/build-document.js";
import {
  type BuiltSpec,
  buildSpec,
  type CheckedSpec,
  checkSpec,
  readMetadata,
} from "../../generate/generate.js";
import { readPinnedNames } from "../../generate/pinned.js";
import { schemaAppId } from "../../generate/x-kintone.js";
import { SnapshotMetadataSource } from "../../kintone/snapshot-source.js";
import type { AppMetadata, MetadataSource } from "../../kintone/types.js";
import { readBaseSpec, SAMPLE_APPS_DIR } from "../../templates.js";
import { isPrivateHost } from "../../util/address.js";
import { writeFileAtomic } from "../../util/atomic-write.js";
import { exists } from "../../util/fs.js";
import { type Change, diffDocuments } from "../../validate/diff.js";
import { type CommandContext, defineCommand, type RunState } from "../command.js";
import type { OutputProblem } from "../interactive.js";
import { schemaReference, selfCommand } from "../invocation.js";
import { packageVersion } from "../main.js";
import { createOutput, type Output } from "../output.js";
import { printChanges } from "../report.js";
import { type Answers, configWithAnswers } from "../save-answers.js";
import { isInteractive } from "../tty.js";
import { ruleLevels } from "./validate.js";

export const DEFAULT_PROXY_URL = "http://localhost:8080";
export const DEFAULT_OUTPUT = "kintone-openapi.json";

type GenerateFlags = {
  app?: string[];
  from?: string;
  demo?: boolean;
  proxyUrl?: string;
  output?: string;
  operations?: string;
  check?: boolean;
  previous?: string;
  stdout?: boolean;
  interactive?: boolean;
  title?: string;
};

type Prompts = typeof import("../interactive.js");

/** What one run of generate works from, once every option is resolved (and, on a terminal, asked for). */
type Plan = {
  output: Output;
  flags: GenerateFlags;
  config: ConfigFile;
  configPath: string | undefined;
  /** The prompts, on a terminal; undefined when nothing may be asked. */
  ask: Prompts | undefined;
  answers: Answers;
  source: MetadataSource;
  appIds: string[];
  build: BuildOptions;
  levels: BuildLevels;
  /** The output file as the user wrote it, and resolved. */
  shown: string;
  outputPath: string;
  /** A folder to create before writing (the user agreed to it). */
  createFolder: string | undefined;
  /** The text of the file being replaced, for --check. */
  previousText: string | undefined;
  /** Warnings about the run itself (beside the metadata's). */
  runWarnings: string[];
};

type BuildLevels = ReturnType<typeof ruleLevels>;

/** Where a proxy URL came from, as its errors name it. */
const PROXY_URL_ORIGIN = {
  flag: "--proxy-url",
  env: "KINTONE_OPENAPI_PROXY_URL",
  config: "proxyUrl in the config file",
  default: "--proxy-url",
} as const;

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
  if (url.username !== "" || url.password !== "") {
    throw new UsageError(
      `${origin} must not carry a user name or password: the spec is shared and served at /openapi.json; callers present an API key instead.`,
    );
  }
  return raw.replace(/\/+$/, "") || raw;
}

/** Why the spec cannot be written at `path` (relative to `cwd`, and named as given), or undefined when it can. */
async function outputProblem(cwd: string, path: string): Promise<OutputProblem | undefined> {
  try {
    if ((await stat(resolve(cwd, path))).isDirectory())
      return { kind: "refused", message: `${path} is a folder: give a file name.` };
  } catch {}
  const folder = dirname(path);
  try {
    await access(resolve(cwd, folder), constants.W_OK);
    return undefined;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return { kind: "missing-folder", folder };
    return { kind: "refused", message: `the folder ${folder} is not writable: choose another path.` };
  }
}

/** Fails early (before any prompt or Kintone call) when an output path given by flag or config cannot be written. */
async function checkWritable(cwd: string, path: string): Promise<void> {
  const problem = await outputProblem(cwd, path);
  if (problem === undefined) return;
  if (problem.kind === "refused")
    throw new UsageError(`cannot write ${path}: ${problem.message.replace(/\.$/, "")} with -o.`);
  throw new UsageError(
    `cannot write ${path}: the folder ${problem.folder} does not exist; create it, or choose another path with -o.`,
  );
}

/** Reads a file's text, or undefined when there is none. */
async function readText(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, "utf8");
  } catch {
    return undefined;
  }
}

/** The names a spec gave, kept on regeneration; a file that is not JSON is said and ignored. */
function pinnedFrom(text: string, path: string, output: Output): PinnedNames | undefined {
  const pinned = readPinnedNames(text);
  if (pinned === undefined)
    output.warn(`${path} is not valid JSON, so names from it cannot be kept; they are derived afresh.`);
  return pinned;
}

// Step 1: resolve the options (flag > env > config > default), asking for what is missing on a terminal.

/** Resolves every option of the run; on a terminal, asks for what flags, env and the config file did not give. */
async function resolvePlan(context: CommandContext, flags: GenerateFlags): Promise<Plan> {
  const { env, cwd } = context;
  const output = flags.stdout ? createOutput({ quiet: true }) : context.output;
  const loaded = await context.config();
  const config = loaded.config;
  if (loaded.path !== undefined)
    output.info(output.color.dim(`Using ${relative(cwd, loaded.path) || loaded.path}`));
  if (flags.demo && flags.from !== undefined)
    throw new UsageError("--demo and --from cannot be used together: choose one source.");
  // Each of these prints something else on stdout: the spec, the verdict of --check, a summary.
  const printing = [
    flags.stdout ? "--stdout" : undefined,
    flags.check ? "--check" : undefined,
    context.json && !flags.check ? "--json" : undefined,
  ].filter((flag) => flag !== undefined);
  if (printing.length > 1)
    throw new UsageError(
      `${printing.join(" and ")} cannot be used together: --stdout prints the spec, --check compares it with the file (add --json for its verdict as JSON), --json prints a summary of what was written.`,
    );
  const interactive = isInteractive(flags, env) && !flags.stdout && !flags.check && !context.json;
  // The prompt library is loaded only when there is someone to prompt.
  const ask = interactive ? await import("../interactive.js") : undefined;
  const answers: Answers = {};

  // What flags, env and the config file give is checked before anything is asked or read, so that no answer is
  // lost to a mistake in them.
  const levels = ruleLevels(config.validate?.rules);
  const givenApps =
    flags.app !== undefined
      ? parseAppIds(flags.app, "--app")
      : config.apps !== undefined
        ? Object.keys(config.apps)
        : undefined;
  const givenOperations =
    flags.operations !== undefined
      ? parseOperations(flags.operations, "--operations")
      : config.operations !== undefined
        ? parseOperations(config.operations, "operations in the config file")
        : undefined;
  const proxy = pick(flags.proxyUrl, env.KINTONE_OPENAPI_PROXY_URL, config.proxyUrl);
  const givenProxyUrl =
    proxy === undefined ? undefined : checkProxyUrl(proxy.value, PROXY_URL_ORIGIN[proxy.source]);
  const givenOutput = flags.output ?? config.output;
  if (givenOutput !== undefined && !flags.stdout && !flags.check) await checkWritable(cwd, givenOutput);
  // Number options of the connection, the snapshot directory and --previous need no network either: checked now,
  // whatever the source, so that a mistake in them is neither found after the prompts nor passed over in silence.
  const { concurrency, timeout, guestSpaceId } = context.connection;
  if (concurrency !== undefined) parseNumberOption(concurrency, "--concurrency", { min: 1, max: 50 });
  if (timeout !== undefined)
    parseNumberOption(timeout, "--timeout (seconds)", { min: 0.001, max: 600, fraction: true });
  if (guestSpaceId !== undefined && !/^[1-9][0-9]*$/.test(guestSpaceId.trim()))
    throw new UsageError(
      `--guest-space-id must be a space id, a positive whole number (got "${guestSpaceId}").`,
    );
  if (flags.from !== undefined && !(await exists(resolve(cwd, flags.from))))
    throw new UsageError(
      `snapshot directory ${resolve(cwd, flags.from)} does not exist; create one with "kintone-openapi snapshot --app <ids> -o ${flags.from}".`,
    );
  if (flags.previous !== undefined && !(await exists(resolve(cwd, flags.previous))))
    throw new UsageError(
      `--previous ${flags.previous} cannot be read: give the spec committed in the repository, whose property names must be kept.`,
    );

  let source: MetadataSource;
  let live = false;
  if (flags.demo) source = new SnapshotMetadataSource(SAMPLE_APPS_DIR);
  else if (flags.from !== undefined) source = new SnapshotMetadataSource(resolve(cwd, flags.from));
  else {
    live = true;
    // The Kintone client is loaded only when Kintone is read (it is slow to load).
    const { LiveMetadataSource } = await import("../../kintone/live-source.js");
    if (ask !== undefined) {
      const asked = await ask.askConnection(
        context.connection,
        env,
        config,
        output,
        async (options) => new LiveMetadataSource(options),
      );
      source = asked.source;
      answers.connection = asked.connection;
      if (givenApps === undefined) answers.appIds = await ask.askApps(asked.apps);
    } else {
      source = new LiveMetadataSource(resolveConnection(context.connection, env, config));
    }
  }
  const appIds = answers.appIds ?? givenApps ?? [];
  if (appIds.length === 0 && live) {
    throw new UsageError(
      "--app is required when reading from Kintone: give one or more app ids, e.g. --app 12,13 (or list them under apps in the config file).",
    );
  }
  let operations = givenOperations ?? [...OPERATIONS];
  if (ask !== undefined && givenOperations === undefined)
    operations = answers.operations = await ask.askOperations();
  let proxyUrl = givenProxyUrl ?? DEFAULT_PROXY_URL;
  if (ask !== undefined && givenProxyUrl === undefined) {
    const answer = await ask.askProxyUrl(DEFAULT_PROXY_URL, (value) => checkProxyUrl(value, "The URL"));
    proxyUrl = checkProxyUrl(answer, "The URL");
    answers.proxyUrl = answer;
  }
  const runWarnings: string[] = [];
  const server = new URL(proxyUrl);
  if (!flags.check && isPrivateHost(server.hostname)) {
    runWarnings.push(
      `the spec's server is ${proxyUrl}, which Salesforce cannot call (this machine or a private network): give the proxy's public https URL with --proxy-url (or proxyUrl in the config) before registering the spec.`,
    );
  } else if (!flags.check && server.protocol === "http:") {
    runWarnings.push(
      `the spec's server is ${proxyUrl}, but Salesforce calls only https URLs: give the proxy's https URL with --proxy-url (or proxyUrl in the config) before registering the spec.`,
    );
  }

  let shown = givenOutput ?? DEFAULT_OUTPUT;
  let createFolder: string | undefined;
  if (ask !== undefined && givenOutput === undefined) {
    const asked = await ask.askOutput(
      DEFAULT_OUTPUT,
      (path) => outputProblem(cwd, path),
      async (path) => (await readText(resolve(cwd, path))) !== undefined,
    );
    shown = answers.output = asked.path;
    if (asked.createFolder !== undefined) createFolder = resolve(cwd, asked.createFolder);
  } else if (!flags.stdout && !flags.check) {
    await checkWritable(cwd, shown);
  }
  const outputPath = resolve(cwd, shown);

  // Names are kept from --previous when given (CI writes a fresh copy beside the committed spec), else from the
  // file being replaced (parsing a 10 MB spec takes about 120 ms, so only one of them is read). --check also
  // compares with the replaced file's text.
  const previousText = flags.check ? await readText(outputPath) : undefined;
  let pinned: PinnedNames | undefined;
  if (flags.previous !== undefined) {
    const path = resolve(cwd, flags.previous);
    const text = await readText(path);
    if (text === undefined)
      throw new UsageError(
        `--previous ${flags.previous} cannot be read: give the spec committed in the repository, whose property names must be kept.`,
      );
    pinned = pinnedFrom(text, flags.previous, output);
  } else if (!flags.stdout) {
    const text = previousText ?? (await readText(outputPath));
    if (text !== undefined) pinned = pinnedFrom(text, shown, output);
  }
  const title = flags.title ?? config.title;
  return {
    output,
    flags,
    config,
    configPath: loaded.path,
    ask,
    answers,
    source,
    appIds,
    build: {
      proxyUrl,
      operations,
      ...(title ? { title } : {}),
      ...(config.version !== undefined ? { version: config.version } : {}),
      ...(config.description !== undefined ? { description: config.description } : {}),
      ...(config.apps !== undefined ? { apps: config.apps } : {}),
      ...(pinned !== undefined ? { pinned } : {}),
    },
    levels,
    shown,
    outputPath,
    createFolder,
    previousText,
    runWarnings,
  };
}

// Step 2: read the metadata, once.

async function readApps(plan: Plan): Promise<AppMetadata[]> {
  plan.output.info(plan.output.color.dim(`Reading app metadata from ${plan.source.origin}…`));
  return readMetadata(plan.source, plan.appIds, createProgress(plan.output), plan.build.operations);
}

// Step 3: build the spec; on a terminal, ask for readable names where the tool had to invent them and build again
// from the same metadata.

async function build(plan: Plan, apps: readonly AppMetadata[]): Promise<BuiltSpec> {
  const base = await readBaseSpec();
  const built = buildSpec(apps, plan.build, base);
  if (plan.ask === undefined || built.invented.length === 0) return built;
  const names = await plan.ask.askNames(built.invented, (appId) =>
    appId === undefined ? resourceNames(built) : takenNames(built.document, appId),
  );
  plan.answers.names = names;
  const named: Record<string, AppNaming> = { ...plan.build.apps };
  for (const [appId, chosen] of Object.entries(names)) {
    named[appId] = {
      ...named[appId],
      ...(chosen.name !== undefined ? { name: chosen.name } : {}),
      ...(chosen.fields !== undefined ? { fields: { ...named[appId]?.fields, ...chosen.fields } } : {}),
    };
  }
  plan.build = { ...plan.build, apps: named };
  return buildSpec(apps, plan.build, base);
}

/** Resource names (singular and plural, lower case) of every app of the spec. */
function resourceNames(built: BuiltSpec): Set<string> {
  return new Set(built.resources.flatMap((r) => [r.singular.toLowerCase(), r.plural.toLowerCase()]));
}

/** Property names already used by an app's record schema (so an asked name does not collide). */
function takenNames(document: OpenAPIObject, appId: string): Set<string> {
  const taken = new Set<string>();
  for (const schema of Object.values(document.components?.schemas ?? {})) {
    const s = schema as Record<string, unknown> & { properties?: Record<string, unknown> };
    if (schemaAppId(s) === appId)
      for (const name of Object.keys(s.properties ?? {})) taken.add(name.toLowerCase());
  }
  return taken;
}

// Step 4 is checkSpec (serialise and validate). Step 5: compare (--check), print (--stdout) or write.

/** --check: exit 1 with the changes when the file on disk differs from what would be written. */
function checkDrift(plan: Plan, built: BuiltSpec, checked: CheckedSpec, json: boolean): ExitCode {
  const { output, shown, previousText } = plan;
  // With --json the verdict and the changes are a JSON object on stdout (found by an outside attack: it was empty).
  const report = (exists: boolean, upToDate: boolean, changes: Change[]) => {
    if (json) output.out(JSON.stringify({ output: shown, exists, upToDate, changes }, null, 2));
  };
  if (previousText === undefined) {
    report(false, false, []);
    output.error(`${shown} does not exist: run "${selfCommand()} generate" to create it.`);
    return 1;
  }
  if (previousText === checked.text) {
    report(true, true, []);
    output.info(`${shown} is up to date.`);
    return 0;
  }
  let changes: Change[] = [];
  try {
    const before = JSON.parse(previousText) as Record<string, unknown>;
    changes = diffDocuments(before, built.document as unknown as Record<string, unknown>);
  } catch {
    output.info(`${shown} is not valid JSON, so its changes cannot be listed.`);
  }
  report(true, false, changes);
  output.error(`${shown} is out of date: regenerate it with "${selfCommand()} generate".`);
  if (!json) printChanges(output, changes, (line) => output.info(line));
  return 1;
}

/** Every warning of the run, as printed and counted in the summary. */
function allWarnings(plan: Plan, built: BuiltSpec, checked: CheckedSpec): string[] {
  return [
    ...plan.runWarnings,
    ...built.warnings,
    ...checked.problems.map((p) => `${p.message} (${p.pointer}) [${p.ruleId}]`),
  ];
}

/** Writes the spec (creating the folder the user agreed to); on a terminal, after a summary and a yes. */
async function write(
  context: CommandContext,
  plan: Plan,
  built: BuiltSpec,
  checked: CheckedSpec,
  warnings: readonly string[],
): Promise<boolean> {
  const { output, ask, shown } = plan;
  if (ask !== undefined) {
    const summary = [
      "",
      output.color.bold("Summary"),
      `  Apps        ${appsText(built)}`,
      `  Operations  ${operationCount(built)} (${plan.build.operations.join(", ")})`,
      `  Server      ${plan.build.proxyUrl}`,
      `  Spec        ${shown} (${(checked.text.length / 1024).toFixed(0)} KiB, ${warnings.length} warning${warnings.length === 1 ? "" : "s"})`,
      "",
    ];
    if (!(await ask.confirmWrite(summary, output, shown))) return false;
  }
  if (plan.createFolder !== undefined) await mkdir(plan.createFolder, { recursive: true });
  await writeFileAtomic(plan.outputPath, checked.text);
  context.wrote(shown);
  return true;
}

// Step 6: report what was written, and on a terminal offer to save the answers.

async function report(
  context: CommandContext,
  plan: Plan,
  built: BuiltSpec,
  warnings: readonly string[],
): Promise<void> {
  const { output, shown } = plan;
  if (context.json) {
    output.out(
      JSON.stringify(
        { output: shown, apps: built.resources, operations: operationCount(built), warnings },
        null,
        2,
      ),
    );
    return;
  }
  const count = built.resources.length;
  output.info(
    `${output.color.green("Wrote")} ${shown}: ${count} app${count === 1 ? "" : "s"} (${appsText(built)}), ${operationCount(built)} operations.`,
  );
  if (plan.ask !== undefined && (await plan.ask.offerToSave(plan.configPath))) {
    const target = plan.configPath ?? resolve(context.cwd, DEFAULT_CONFIG_FILE);
    const text = configWithAnswers(await readText(target), {
      config: plan.config,
      answers: plan.answers,
      resources: built.resources,
      schema: schemaReference(dirname(target), packageVersion()),
    });
    await writeFileAtomic(target, text);
    const name = relative(context.cwd, target) || target;
    context.wrote(name);
    output.info(
      `${output.color.green("Saved")} ${name}: the next run (and CI, with the secrets in its environment) needs no prompts.`,
    );
  }
  output.info(
    `Next: ${selfCommand()} validate ${shown}, then ${selfCommand()} serve --spec ${shown}, and register it in Salesforce (docs/salesforce.md).`,
  );
}

function operationCount(built: BuiltSpec): number {
  return Object.values(built.document.paths).reduce((n, item) => n + Object.keys(item).length, 0);
}

function appsText(built: BuiltSpec): string {
  return built.resources.map((r) => `${r.plural} ← app ${r.appId}`).join(", ");
}

/**
 * `kintone-openapi generate`: metadata → OpenAPI 3.0 spec (design.md §2), in steps: resolve the options (asking on
 * a terminal) → read the metadata → build → validate → write → report.
 */
export async function handleGenerate(context: CommandContext, flags: GenerateFlags): Promise<ExitCode> {
  const plan = await resolvePlan(context, flags);
  const apps = await readApps(plan);
  const built = await build(plan, apps);
  const checked = checkSpec(built.document, plan.levels);
  const warnings = allWarnings(plan, built, checked);
  // With --json, warnings are part of the summary on stdout, not lines on stderr.
  if (!context.json) for (const warning of warnings) plan.output.warn(warning);
  if (flags.check) return checkDrift(plan, built, checked, context.json);
  if (flags.stdout) {
    plan.output.out(checked.text);
    return 0;
  }
  if (!(await write(context, plan, built, checked, warnings))) {
    plan.output.info("Nothing was written.");
    return 0;
  }
  await report(context, plan, built, warnings);
  return 0;
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

export function registerGenerate(program: Command, state: RunState): void {
  defineCommand<GenerateFlags>(program, state, {
    name: "generate",
    description: "write an OpenAPI 3.0 spec for Kintone apps, ready for Salesforce External Services",
    shared: {
      json: "print a JSON summary of what was written, warnings included (for scripts)",
      config: "config file",
      quiet: "print only warnings and errors",
      connection: "metadata",
      apps: true,
    },
    options: (command) =>
      command
        .option("--from <dir>", "read a metadata snapshot directory instead of Kintone")
        .option("--demo", "use the sample apps bundled with kintone-openapi")
        .option(
          "--proxy-url <url>",
          `URL of the kintone-openapi proxy, the spec's server (default: ${DEFAULT_PROXY_URL})`,
        )
        .option("-o, --output <file>", `spec file to write (default: ${DEFAULT_OUTPUT})`)
        .option(
          "--operations <list>",
          `operations per app (default: ${OPERATIONS.join(",")}; opt in to ${OPTIONAL_OPERATIONS.join(",")})`,
        )
        .option("--title <title>", "info.title of the spec")
        .option("--check", "write nothing; exit 1 when the file on disk differs from what would be generated")
        .option(
          "--previous <file>",
          "keep the property and operation names of this spec (default: the file being replaced)",
        )
        .option("--stdout", "print the spec instead of writing a file")
        .option("--no-interactive", "never prompt (the default when not on a terminal or when CI is set)"),
    env: [
      ["KINTONE_OPENAPI_PROXY_URL", "the proxy's URL (--proxy-url)"],
      ["CI", "set (not to false or 0): never prompt"],
    ],
    examples: [
      "kintone-openapi generate   # on a terminal: asks for the domain, sign-in and apps",
      "kintone-openapi generate --app 12,13 --base-url https://example.cybozu.com --proxy-url https://kintone-proxy.example.com",
      "kintone-openapi generate --from ./metadata --check",
    ],
    run: (context, flags) => handleGenerate(context, flags),
  });
}
