import { randomBytes } from "node:crypto";
import { mkdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { basename, dirname, join, relative, resolve } from "node:path";
import { password } from "@inquirer/prompts";
import type { Command } from "commander";
import { type ConfigFile, loadConfig } from "../../config/load-config.js";
import { type ExitCode, KintoneOpenapiError, UsageError } from "../../errors.js";
import { OPERATION_GROUP_KINDS } from "../../generate/x-kintone.js";
import { apiKeyProblem } from "../../proxy/api-keys.js";
import {
  buildSalesforceFolder,
  checkApiVersion,
  DEFAULT_API_VERSION,
  DEFAULT_PACKAGE_DIRECTORY,
  type FolderInput,
  HEADERS,
  type KeyHeader,
  MIN_API_VERSION,
  resolveProxyUrl,
  withoutCredentials,
} from "../../salesforce/build-folder.js";
import { deriveNames, type SalesforceNames } from "../../salesforce/names.js";
import { selectOperations, specOperations } from "../../salesforce/operations.js";
import {
  type PreviousRegistration,
  PreviousUnreadableError,
  planUpdate,
  readPrevious,
} from "../../salesforce/previous.js";
import {
  checkInstanceUrl,
  type OrgSession,
  sessionFromSfCli,
  setCredentialKey,
} from "../../salesforce/set-key.js";
import { isPrivateHost } from "../../util/address.js";
import { exists } from "../../util/fs.js";
import { loadDocument, UnreadableDocumentError } from "../../validate/load-document.js";
import { type CommandContext, collect, defineCommand, type RunState } from "../command.js";
import { selfCommand } from "../invocation.js";
import type { Output } from "../output.js";
import { printChanges } from "../report.js";
import { isInteractive } from "../tty.js";
import { checkLoaded, ruleLevels } from "./validate.js";

type SalesforceFlags = {
  spec?: string;
  output?: string;
  serviceName?: string;
  proxyUrl?: string;
  header?: string;
  operations?: string[];
  apiVersion?: string;
  previous?: string;
  deactivateFirst?: boolean;
};

type SetKeyFlags = { targetOrg?: string; serviceName?: string; apiVersion?: string; config?: string };

const DEFAULT_SPEC = "kintone-openapi.json";
const DEFAULT_OUTPUT = "salesforce";
const DEFAULT_SERVICE_NAME = "Kintone";
/** The two folders of an update that needs the operations deactivated first, in deploy order. */
export const STEP_FOLDERS = ["1-deactivate", "2-update"] as const;

/** --header, in any case (HTTP header names are case-insensitive): x-api-key or authorization. */
function checkHeader(value: string | undefined, from = "--header"): KeyHeader {
  const header = (value ?? "x-api-key").toLowerCase();
  if (!(HEADERS as readonly string[]).includes(header))
    throw new UsageError(
      `${from} takes x-api-key or authorization (got ${JSON.stringify(String(value).slice(0, 40))}).`,
    );
  return header as KeyHeader;
}

/** The config file's salesforce section (flag > config > default for each of its settings). */
function salesforceSection(config: ConfigFile): NonNullable<ConfigFile["salesforce"]> {
  return config.salesforce ?? {};
}

/** The service name: --service-name, else the config file's salesforce.serviceName, else Kintone. */
function serviceNames(flag: string | undefined, config: ConfigFile): SalesforceNames {
  if (flag !== undefined) return deriveNames(flag);
  const fromConfig = salesforceSection(config).serviceName;
  if (fromConfig !== undefined) return deriveNames(fromConfig, "the config file's salesforce.serviceName");
  return deriveNames(DEFAULT_SERVICE_NAME);
}

/**
 * The default package directory of an existing sfdx-project.json, or undefined when the folder has none; warns
 * when its sourceApiVersion is older than the permission set's principal access needs.
 */
async function existingPackageDirectory(
  folder: string,
  output: Output,
): Promise<{ path: string; sourceApiVersion: string | undefined } | undefined> {
  const path = join(folder, "sfdx-project.json");
  if (!(await exists(path))) return undefined;
  let project: {
    packageDirectories?: Array<{ path?: unknown; default?: unknown }>;
    sourceApiVersion?: unknown;
  };
  try {
    project = JSON.parse(await readFile(path, "utf8"));
  } catch {
    throw new UsageError(`${path} is not valid JSON: fix it, or remove it to have a new one written.`);
  }
  const version = Number.parseFloat(String(project.sourceApiVersion ?? ""));
  if (!Number.isNaN(version) && version < MIN_API_VERSION)
    output.warn(
      `${path} has sourceApiVersion ${String(project.sourceApiVersion)}: the permission set needs ${MIN_API_VERSION}.0 or later; raise it before deploying.`,
    );
  const dirs = Array.isArray(project.packageDirectories) ? project.packageDirectories : [];
  const chosen = dirs.find((dir) => dir?.default === true) ?? dirs[0];
  if (typeof chosen?.path !== "string" || chosen.path === "" || chosen.path.includes(".."))
    throw new UsageError(`${path} names no package directory: add one to packageDirectories.`);
  return {
    path: chosen.path.replace(/^\.\//, "").replace(/\/+$/, ""),
    sourceApiVersion:
      !Number.isNaN(version) &&
      version >= MIN_API_VERSION &&
      /^\d{2,3}\.0$/.test(String(project.sourceApiVersion))
        ? String(project.sourceApiVersion)
        : undefined,
  };
}

async function readPreviousFile(cwd: string, path: string): Promise<PreviousRegistration> {
  let text: string;
  try {
    text = await readFile(resolve(cwd, path), "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(
      code === "ENOENT"
        ? `--previous ${path} does not exist: check the path.`
        : `cannot read --previous ${path} (${code}).`,
    );
  }
  try {
    return readPrevious(text);
  } catch (error) {
    if (error instanceof PreviousUnreadableError)
      throw new UsageError(`--previous ${path} is not a spec or a retrieved registration: ${error.message}.`);
    throw error;
  }
}

/** Why a folder or file under -o could not be written, as one sentence (exit 2 when the path cannot be a folder). */
function writeFailure(error: unknown, flag: string, path: string): KintoneOpenapiError {
  const code = (error as NodeJS.ErrnoException).code;
  const where = `${flag}: cannot write ${path}`;
  switch (code) {
    case "ENOTDIR":
    case "EEXIST":
    case "EISDIR":
      return new UsageError(
        `${where}: ${code === "EISDIR" ? "a folder is in the way of the file" : "a file is in the way of a folder on that path"}; move it or give another folder.`,
      );
    case "ENOENT":
      return new UsageError(`${where}: a folder on that path cannot be made; give another folder.`);
    case "EACCES":
    case "EPERM":
      return new KintoneOpenapiError(
        `${where}: permission denied; give a folder you can write, or fix its permissions.`,
      );
    case "EROFS":
      return new KintoneOpenapiError(`${where}: the file system is read-only; give another folder.`);
    case "ENOSPC":
    case "EDQUOT":
      return new KintoneOpenapiError(`${where}: the disk is full; free space and run again.`);
    default:
      return new KintoneOpenapiError(`${where} (${code ?? (error as Error).message}); nothing was changed.`);
  }
}

/**
 * Makes `dir` and its missing parents, one at a time (fs.mkdir's recursive mode loops forever under /proc), and
 * returns the top-most folder it made, or undefined when `dir` was there. A file in the way fails with ENOTDIR.
 */
async function makeFolders(dir: string): Promise<string | undefined> {
  const missing: string[] = [];
  let current = dir;
  for (;;) {
    const found = await stat(current).catch((error: NodeJS.ErrnoException) =>
      error.code === "ENOENT" ? undefined : Promise.reject(error),
    );
    if (found !== undefined) {
      if (!found.isDirectory()) throw Object.assign(new Error("not a folder"), { code: "ENOTDIR" });
      break;
    }
    missing.push(current);
    const parent = dirname(current);
    if (parent === current) break;
    current = parent;
  }
  for (const folder of [...missing].reverse()) await mkdir(folder);
  return missing[missing.length - 1];
}

/** A path as shown: relative to the working folder when it is under it, else absolute. */
function shownPath(cwd: string, path: string): string {
  const rel = relative(cwd, path);
  return rel === "" || rel.startsWith("..") ? path : rel;
}

/**
 * Writes every file of every folder to a temporary sibling first and, only once all are written, renames them into
 * place: a failure removes the temporaries (and the folders it made) and changes nothing. Other files of the
 * folders (the user's Flows in force-app) are left as they are: whole folders are never replaced.
 */
async function writeFolders(
  context: CommandContext,
  flag: string,
  folders: ReadonlyArray<{ root: string; files: ReadonlyMap<string, string> }>,
): Promise<void> {
  const suffix = `.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  const staged: Array<{ temp: string; target: string }> = [];
  const made: string[] = [];
  let current = "";
  try {
    for (const { root, files } of folders) {
      for (const [path, text] of files) {
        const target = join(root, path);
        current = shownPath(context.cwd, target);
        const first = await makeFolders(dirname(target));
        if (first !== undefined) made.push(first);
        // A folder where a file goes would fail the rename below, after others moved: refuse it now.
        if ((await stat(target).catch(() => undefined))?.isDirectory())
          throw Object.assign(new Error("a folder is in the way"), { code: "EISDIR" });
        const temp = join(dirname(target), `.${basename(target)}${suffix}`);
        await writeFile(temp, text, { encoding: "utf8", flag: "wx" });
        staged.push({ temp, target });
      }
    }
  } catch (error) {
    await Promise.all(staged.map(({ temp }) => rm(temp, { force: true })));
    for (const dir of made.reverse()) await rm(dir, { recursive: true, force: true });
    throw writeFailure(error, flag, current);
  }
  for (const { temp, target } of staged) {
    try {
      await rename(temp, target);
    } catch (error) {
      await Promise.all(staged.map(({ temp: t }) => rm(t, { force: true })));
      throw writeFailure(error, flag, shownPath(context.cwd, target));
    }
    context.wrote(shownPath(context.cwd, target));
  }
}

/** `kintone-openapi salesforce`: the Salesforce DX folder that registers the spec with one deploy. */
export async function handleSalesforce(context: CommandContext, flags: SalesforceFlags): Promise<ExitCode> {
  const { output, cwd } = context;
  const { config } = await context.config();
  const section = salesforceSection(config);
  // flag > the config file's salesforce section > default, for each setting.
  const givenApiVersion =
    flags.apiVersion !== undefined
      ? checkApiVersion(flags.apiVersion)
      : section.apiVersion !== undefined
        ? checkApiVersion(section.apiVersion)
        : undefined;
  const names = serviceNames(flags.serviceName, config);
  const header =
    flags.header !== undefined
      ? checkHeader(flags.header)
      : checkHeader(section.header, "the config file's salesforce.header");
  const outputFlag = flags.output ?? section.output ?? DEFAULT_OUTPUT;
  const operationsFlag = flags.operations ?? section.operations;
  if (flags.deactivateFirst && flags.previous === undefined)
    throw new UsageError(
      "--deactivate-first needs --previous <the registered spec>: it plans the update against it.",
    );
  // The spec generate wrote: --spec, else the config file's output, else generate's default.
  const specPath =
    flags.spec ?? (typeof config.output === "string" && config.output !== "" ? config.output : DEFAULT_SPEC);
  const outRoot = resolve(cwd, outputFlag);
  if ((await exists(outRoot)) && !(await stat(outRoot)).isDirectory())
    throw new UsageError(`-o ${outputFlag} is a file: give a folder.`);

  let loaded: Awaited<ReturnType<typeof loadDocument>>;
  try {
    loaded = await loadDocument(resolve(cwd, specPath));
  } catch (error) {
    if (error instanceof UnreadableDocumentError)
      throw new UsageError(`--spec ${specPath}: ${error.message.replace(/\.$/, "")}.`);
    if (error instanceof UsageError && !(await exists(resolve(cwd, specPath))))
      throw new UsageError(
        `--spec ${specPath} does not exist: give the spec generate wrote (${selfCommand()} generate -o ${specPath}).`,
      );
    throw error;
  }
  const problems = checkLoaded(loaded, ruleLevels(config.validate?.rules));
  const errors = problems.filter((p) => p.severity === "error");
  if (errors.length > 0) {
    throw new KintoneOpenapiError(
      `${specPath} breaks ${errors.length} Salesforce rule${errors.length === 1 ? "" : "s"}, so nothing was written: fix the spec (${selfCommand()} validate ${specPath} shows where).`,
      {
        details: errors
          .slice(0, 20)
          .map((p) => `${p.line !== undefined ? `${p.line}:${p.column} ` : ""}${p.message} (${p.ruleId})`)
          .concat(errors.length > 20 ? [`… and ${errors.length - 20} more`] : []),
      },
    );
  }
  const spec = loaded.doc;
  const proxyUrl = resolveProxyUrl(spec, flags.proxyUrl);
  const shownProxy = withoutCredentials(new URL(proxyUrl));
  if (isPrivateHost(new URL(proxyUrl).hostname))
    output.warn(
      `the spec's server is ${shownProxy}, which Salesforce cannot call (this machine or a private network): regenerate the spec with the proxy's public https URL (generate --proxy-url) before deploying.`,
    );
  else if (!proxyUrl.startsWith("https:"))
    output.warn(`the spec's server ${shownProxy} is not https: Salesforce would send the key in clear.`);
  const warnings = problems.length - errors.length;
  if (warnings > 0)
    output.info(
      `${specPath} has ${warnings} warning${warnings === 1 ? "" : "s"} (it registers; ${selfCommand()} validate ${specPath} lists them).`,
    );
  const all = specOperations(spec);
  const selected = selectOperations(all, operationsFlag);
  const previous = flags.previous === undefined ? undefined : await readPreviousFile(cwd, flags.previous);
  // Selected operations are active; on an update, those registered before and not selected now are listed inactive
  // (deactivated), the others are left out.
  const chosen = new Set(selected.map((op) => op.name));
  const registered = new Set(
    previous === undefined ? [] : specOperations(previous.spec).map((op) => op.name),
  );
  const operations = all.flatMap((op) =>
    chosen.has(op.name)
      ? [{ name: op.name, active: true }]
      : registered.has(op.name)
        ? [{ name: op.name, active: false }]
        : [],
  );

  if (previous !== undefined) {
    const deactivated = operations.filter((op) => !op.active).map((op) => op.name);
    if (deactivated.length > 0)
      output.warn(
        `${deactivated.length} operation${deactivated.length === 1 ? "" : "s"} registered before and not selected now will be deactivated: ${deactivated.join(", ")}.`,
      );
  }

  const base = {
    spec,
    names,
    proxyUrl,
    header,
    operations,
    apiVersion: givenApiVersion ?? DEFAULT_API_VERSION,
  };
  const folders: Array<{ root: string; files: Map<string, string> }> = [];
  const folderInput = async (root: string, extra: Partial<FolderInput> = {}): Promise<FolderInput> => {
    const project = await existingPackageDirectory(root, output);
    // One version for package.xml and sfdx-project.json: --api-version (or the config's), else a kept project's
    // sourceApiVersion when it is 59.0 or later, else the default.
    const apiVersion = givenApiVersion ?? project?.sourceApiVersion ?? DEFAULT_API_VERSION;
    return {
      ...base,
      apiVersion,
      packageDirectory: project?.path ?? DEFAULT_PACKAGE_DIRECTORY,
      withProject: project === undefined,
      ...extra,
    };
  };

  let twoStep = false;
  if (previous !== undefined) {
    const plan = planUpdate(previous, spec);
    const print = (line: string) => output.info(line);
    if (plan.changes.length > 0) printChanges(output, plan.changes, print);
    else output.info(`No changes against ${flags.previous as string}.`);
    if (plan.breaking.length > 0 && flags.deactivateFirst !== true) {
      output.error(
        `Salesforce refuses ${plan.breaking.length} breaking change${plan.breaking.length === 1 ? "" : "s"} while the operations are active, so nothing was written: rerun with --deactivate-first to write the two deploys that deactivate them first, or keep the registered names (generate --previous).`,
      );
      return 1;
    }
    const systemVersion =
      previous.systemVersion === undefined ? {} : { systemVersion: previous.systemVersion };
    if (plan.breaking.length > 0) {
      twoStep = true;
      const [first, second] = STEP_FOLDERS.map((step) => join(outRoot, step)) as [string, string];
      folders.push({
        root: first,
        files: buildSalesforceFolder(
          await folderInput(first, {
            spec: previous.spec,
            operations: plan.deactivate,
            only: "registration",
            ...systemVersion,
          }),
        ),
      });
      folders.push({ root: second, files: buildSalesforceFolder(await folderInput(second, systemVersion)) });
    } else {
      folders.push({
        root: outRoot,
        files: buildSalesforceFolder(await folderInput(outRoot, systemVersion)),
      });
    }
  } else {
    folders.push({ root: outRoot, files: buildSalesforceFolder(await folderInput(outRoot)) });
  }
  if (folders.some(({ files }) => !files.has("sfdx-project.json")))
    output.info("Kept the existing sfdx-project.json (its default package directory takes the components).");
  await writeFolders(context, `-o ${outputFlag}`, folders);

  const shown = (root: string) => {
    const path = relative(cwd, root) || ".";
    return /^[\w./@+-]+$/.test(path) ? path : `'${path.replaceAll("'", "'\\''")}'`;
  };
  const deploy = (root: string) =>
    `(cd ${shown(root)} && sf project deploy start --manifest manifest/package.xml --target-org <org> --wait 30)`;
  const selectedCount = `${selected.length} operation${selected.length === 1 ? "" : "s"}`;
  output.info(
    `${output.color.green("Wrote")} ${shown(outRoot)}: External Service ${names.registration} (${selectedCount} active), Named Credential ${names.namedCredential}, External Credential ${names.externalCredential}, permission set ${names.permissionSet}.`,
  );
  if (twoStep) {
    const [first, second] = folders as unknown as [{ root: string }, { root: string }];
    output.info(
      [
        "Deploy in this order (each must succeed before the next):",
        `  1. ${deploy(first.root)}`,
        "     the registered spec again, with the operations the breaking changes touch made inactive;",
        "     update or deactivate the Flows that use them first, or Salesforce refuses the deploy.",
        `  2. ${deploy(second.root)}`,
        "     the new spec, with the selected operations active again.",
      ].join("\n"),
    );
  } else {
    const root = (folders[0] as { root: string }).root;
    output.info(
      [
        "Next:",
        `  1. ${deploy(root).replace("--wait 30)", "--wait 30 --dry-run)")}   (validates only)`,
        `  2. ${deploy(root)}`,
        `  3. KINTONE_OPENAPI_API_KEY=<one of the proxy's keys> ${selfCommand()} salesforce set-key --target-org <org>${names.label === DEFAULT_SERVICE_NAME ? "" : ` --service-name ${JSON.stringify(names.label)}`}`,
        `  4. sf org assign permset --name ${names.permissionSet} --target-org <org> --on-behalf-of <user>`,
        `  5. once: retrieve the registration (sf project retrieve start -m ExternalServiceRegistration:${names.registration} --target-org <org> --output-dir <another folder>) and compare it with ${shown(root)} (docs/salesforce.md, "Verify in your org once").`,
        "Flows and Apex that use the service go in a later deploy, once the registration is in the org.",
      ].join("\n"),
    );
  }
  return 0;
}

/** The org's session: SF_INSTANCE_URL + SF_ACCESS_TOKEN, else the Salesforce CLI's auth store for --target-org. */
async function resolveSession(context: CommandContext, flags: SetKeyFlags): Promise<OrgSession> {
  const { env } = context;
  const instanceUrl = env.SF_INSTANCE_URL ?? "";
  const accessToken = env.SF_ACCESS_TOKEN ?? "";
  if (instanceUrl !== "" || accessToken !== "") {
    if (instanceUrl === "" || accessToken === "")
      throw new UsageError(
        `set both SF_INSTANCE_URL and SF_ACCESS_TOKEN (only ${instanceUrl === "" ? "SF_ACCESS_TOKEN" : "SF_INSTANCE_URL"} is set), or neither and give --target-org.`,
      );
    const origin = checkInstanceUrl(instanceUrl, "SF_INSTANCE_URL");
    return { instanceUrl: origin, accessToken, org: flags.targetOrg ?? new URL(origin).host };
  }
  if (flags.targetOrg === undefined || flags.targetOrg === "")
    throw new UsageError(
      "give the org: --target-org <alias|username> (as the Salesforce CLI knows it), or set SF_INSTANCE_URL and SF_ACCESS_TOKEN.",
    );
  return sessionFromSfCli(flags.targetOrg);
}

/** The proxy key: KINTONE_OPENAPI_API_KEY, else a masked prompt on a terminal. Never printed, never written. */
async function readKey(context: CommandContext): Promise<string> {
  const fromEnv = context.env.KINTONE_OPENAPI_API_KEY ?? "";
  if (fromEnv !== "") return fromEnv.trim();
  if (!isInteractive({}, context.env))
    throw new UsageError(
      "set KINTONE_OPENAPI_API_KEY to the proxy key Salesforce should send (one of the proxy's KINTONE_OPENAPI_API_KEYS).",
    );
  const key = await password({
    message: "The proxy key Salesforce should send (one of the proxy's KINTONE_OPENAPI_API_KEYS):",
    mask: "*",
    validate: (value) => value.trim() !== "" || "Enter the key.",
  });
  return key.trim();
}

/** `kintone-openapi salesforce set-key`: the proxy key into the External Credential, through Connect REST. */
export async function handleSetKey(context: CommandContext, flags: SetKeyFlags): Promise<ExitCode> {
  const { config } = await context.config();
  const section = salesforceSection(config);
  const apiVersion = checkApiVersion(flags.apiVersion ?? section.apiVersion ?? DEFAULT_API_VERSION);
  const names: SalesforceNames = serviceNames(flags.serviceName, config);
  const session = await resolveSession(context, flags);
  const key = await readKey(context);
  if (key.includes(",") || /\s/.test(key))
    throw new UsageError(
      "KINTONE_OPENAPI_API_KEY holds a comma or a space: give one key, exactly as the proxy has it.",
    );
  const problem = apiKeyProblem(key);
  if (problem !== undefined)
    throw new UsageError(
      `KINTONE_OPENAPI_API_KEY ${problem}: the proxy refuses such a key, so give one of its KINTONE_OPENAPI_API_KEYS.`,
    );
  const result = await setCredentialKey({ session, names, apiVersion, key });
  context.output.info(
    `${context.output.color.green(result === "created" ? "Set" : "Replaced")} the key of ${names.externalCredential} (principal ${names.principal}) in org ${session.org}. Salesforce now sends it to the proxy on every call.`,
  );
  return 0;
}

export function registerSalesforce(program: Command, state: RunState): void {
  const command = defineCommand<SalesforceFlags>(program, state, {
    name: "salesforce",
    description:
      "write the Salesforce DX folder that registers the spec as an External Service in one deploy (set-key then sets the proxy key)",
    shared: {
      config:
        "config file: its output is the default --spec, its validate.rules re-grade the rules, its salesforce section (serviceName, operations, header, output, apiVersion) gives the defaults of those flags",
    },
    options: (c) =>
      c
        .option("--spec <file>", `the spec to register (default: the config's output, else ${DEFAULT_SPEC})`)
        .option("-o, --output <dir>", `the folder to write (default: ${DEFAULT_OUTPUT})`)
        .option(
          "--service-name <name>",
          `the External Service's name; the other names derive from it (default: ${DEFAULT_SERVICE_NAME})`,
        )
        .option(
          "--proxy-url <url>",
          "the proxy's URL; must be the spec's server (default: the spec's server)",
        )
        .option(
          "--header <name>",
          `the header that carries the key: ${HEADERS.join(" or ")}, any case (default: x-api-key)`,
        )
        .option(
          "--operations <list>",
          `operations to activate, comma-separated or repeated: operationIds, generate's groups (${Object.keys(OPERATION_GROUP_KINDS).join(",")}) or kinds (${[...new Set(Object.values(OPERATION_GROUP_KINDS).flat())].filter((kind) => !(kind in OPERATION_GROUP_KINDS)).join(",")}) (default: all)`,
          collect,
        )
        .option(
          "--api-version <version>",
          `Salesforce API version, 59.0 or later (default: ${DEFAULT_API_VERSION})`,
        )
        .option(
          "--previous <file>",
          "the registered spec (or its retrieved registration file): refuse breaking changes",
        )
        .option(
          "--deactivate-first",
          `with --previous, write a breaking update as two folders (${STEP_FOLDERS.join(", then ")})`,
        ),
    examples: [
      "kintone-openapi salesforce --spec kintone-openapi.json -o salesforce",
      "kintone-openapi salesforce --service-name Kintone --header authorization --operations list,get",
      "kintone-openapi salesforce --previous registered.json --deactivate-first",
    ],
    run: (context, flags) => handleSalesforce(context, flags),
  });
  defineCommand<SetKeyFlags>(command, state, {
    name: "set-key",
    shared: { config: "config file: its salesforce section's serviceName and apiVersion are the defaults" },
    description:
      "put the proxy key into the External Credential of an org (Connect REST API); the key is never printed or written",
    options: (c) =>
      c
        .option("--target-org <org>", "the org's alias or username in the Salesforce CLI (sf org display)")
        .option(
          "--service-name <name>",
          `the name given to kintone-openapi salesforce (default: ${DEFAULT_SERVICE_NAME})`,
        )
        .option(
          "--api-version <version>",
          `Salesforce API version, 59.0 or later (default: ${DEFAULT_API_VERSION})`,
        ),
    env: [
      ["KINTONE_OPENAPI_API_KEY", "the key to set (else asked for, masked, on a terminal)"],
      ["SF_INSTANCE_URL, SF_ACCESS_TOKEN", "the org's session, instead of sf org display --target-org"],
      ["CI", "set (not to false or 0): never prompt"],
    ],
    examples: [
      "KINTONE_OPENAPI_API_KEY=… kintone-openapi salesforce set-key --target-org my-org",
      "kintone-openapi salesforce set-key --target-org me@example.com --service-name Kintone",
      "SF_INSTANCE_URL=https://example.my.salesforce.com SF_ACCESS_TOKEN=… KINTONE_OPENAPI_API_KEY=… kintone-openapi salesforce set-key",
    ],
    // Commander hands options both commands declare (--service-name, --api-version) to the parent: take them there.
    run: (context, flags) => {
      const parent = command.opts<SalesforceFlags & { config?: string }>();
      const withConfig =
        flags.config === undefined && parent.config !== undefined
          ? { ...context, config: () => loadConfig(parent.config, context.cwd) }
          : context;
      return handleSetKey(withConfig, {
        ...flags,
        serviceName: flags.serviceName ?? parent.serviceName,
        apiVersion: flags.apiVersion ?? parent.apiVersion,
      });
    },
  }).exitOverride();
}
