import { confirm, input, password, select } from "@inquirer/prompts";
import { type ConfigFile, DEFAULT_CONFIG_FILE } from "../config/load-config.js";
import {
  type ConnectionFlags,
  type Env,
  parseKintoneDomain,
  resolveConnection,
} from "../config/resolve-options.js";
import { KintoneError, KintoneOpenapiError } from "../errors.js";
import { ALL_OPERATIONS, OPERATIONS, type OperationName } from "../generate/build-document.js";
import type { Invented } from "../generate/generate.js";
import { NAME_PATTERN } from "../generate/names.js";
import type { ConnectionOptions, KintoneAuth } from "../kintone/connection.js";
import { classifyKintoneAnswer } from "../kintone/failures.js";
import type { LiveMetadataSource } from "../kintone/live-source.js";
import type { KintoneApp } from "../kintone/types.js";
import type { Output } from "./output.js";
import { searchCheckbox } from "./prompts/search-checkbox.js";

/** The domain as typed, normalised (https assumed, a pasted URL's path dropped), or the sentence saying why not. */
function domainOf(value: string): { url: string } | { problem: string } {
  try {
    return { url: parseKintoneDomain(value, "The domain", { path: "strip" }) };
  } catch (error) {
    return { problem: (error as Error).message };
  }
}

/** Asks for the Kintone domain the way people have it: a host, or a URL pasted from the browser. */
async function askDomain(): Promise<string> {
  const answer = await input({
    message: "Kintone domain (e.g. mycompany.cybozu.com):",
    validate: (value) => {
      const domain = domainOf(value);
      return "url" in domain ? true : domain.problem;
    },
    // Once answered, the line shows the URL that will be used.
    transformer: (value, { isFinal }) => {
      const domain = isFinal ? domainOf(value) : undefined;
      return domain !== undefined && "url" in domain ? domain.url : value;
    },
  });
  return parseKintoneDomain(answer, "The domain", { path: "strip" });
}

async function askAuth(defaults: { username?: string }): Promise<KintoneAuth> {
  const method = await select({
    message: "How do you sign in to Kintone?",
    choices: [
      { name: "Login name and password", value: "password" },
      { name: "API token(s) of the apps", value: "apiToken" },
      { name: "OAuth access token", value: "oauth" },
    ],
  });
  if (method === "password") {
    const username = await input({
      message: "Login name:",
      default: defaults.username,
      validate: (v) => v.trim() !== "" || "Enter the login name.",
    });
    const secret = await password({
      message: "Password:",
      mask: "*",
      validate: (v) => v !== "" || "Enter the password.",
    });
    return { kind: "password", username: username.trim(), password: secret };
  }
  if (method === "apiToken") {
    const tokens = await password({
      message: "API token(s), comma-separated:",
      mask: "*",
      validate: (v) => v.trim() !== "" || "Enter at least one token.",
    });
    return {
      kind: "apiToken",
      tokens: tokens
        .split(",")
        .map((t) => t.trim())
        .filter(Boolean),
    };
  }
  const token = await password({
    message: "OAuth access token:",
    mask: "*",
    validate: (v) => v.trim() !== "" || "Enter the token.",
  });
  return { kind: "oauth", token: token.trim() };
}

/**
 * Asks for what is missing to reach Kintone (domain, sign-in), checks the login by listing apps, and asks again when
 * Kintone refuses it. Values given by flag, env or config are not asked again.
 */
export async function askConnection(
  flags: ConnectionFlags,
  env: Env,
  config: ConfigFile,
  output: Output,
  connect: (options: ConnectionOptions) => Promise<LiveMetadataSource>,
): Promise<{ connection: ConnectionOptions; source: LiveMetadataSource; apps: KintoneApp[] }> {
  const given = { ...flags };
  if (given.baseUrl === undefined && !env.KINTONE_BASE_URL && config.baseUrl === undefined)
    given.baseUrl = await askDomain();
  let connection: ConnectionOptions;
  try {
    connection = resolveConnection(given, env, config);
  } catch (error) {
    if (
      !(error instanceof KintoneOpenapiError) ||
      !/credentials are required|is required with/.test(error.message)
    )
      throw error;
    connection = resolveConnection({ ...given, apiToken: "placeholder" }, env, config);
    connection.auth = await askAuth({ username: flags.username ?? env.KINTONE_USERNAME ?? config.username });
  }
  for (let attempt = 1; ; attempt++) {
    const source = await connect(connection);
    try {
      output.info(output.color.dim("Checking the sign-in and listing your apps…"));
      const apps = await listAllApps(source);
      return { connection, source, apps };
    } catch (error) {
      if (
        !(error instanceof KintoneError) ||
        error.code === undefined ||
        classifyKintoneAnswer(error.status ?? 0, error.code) !== "credentials" ||
        attempt >= 5
      )
        throw error;
      output.error(error.message);
      connection = {
        ...connection,
        auth: await askAuth({
          username: connection.auth.kind === "password" ? connection.auth.username : undefined,
        }),
      };
    }
  }
}

/** Every app these credentials can see, 100 a call. */
async function listAllApps(source: LiveMetadataSource): Promise<KintoneApp[]> {
  const apps: KintoneApp[] = [];
  for (let offset = 0; offset < 10_000; offset += 100) {
    const page = await source.listApps({ offset, limit: 100 });
    apps.push(...page);
    if (page.length < 100) break;
  }
  return apps;
}

/** The apps to describe, picked from a searchable list. */
export async function askApps(apps: readonly KintoneApp[]): Promise<string[]> {
  if (apps.length === 0)
    throw new KintoneError(
      "these credentials can see no apps: check the account's permissions, or give --app.",
    );
  return searchCheckbox({
    message: "Which apps should the spec describe?",
    pageSize: 12,
    choices: apps.map((app) => ({
      value: app.appId,
      name: app.name,
      description: `(app ${app.appId}${app.spaceId ? `, space ${app.spaceId}` : ""})`,
    })),
  });
}

/** What each opt-in group adds, for the operations prompt. */
const OPTIONAL_HINTS: Record<string, string> = {
  files: "upload and download attached files",
  status: "run process-management actions",
  comments: "list and post record comments",
  upsert: "create or update by a unique field",
  bulk: "write up to 2,000 records at once, all or nothing",
};

/** The operations, picked like the apps (Tab selects), the five record operations selected at the start. */
export async function askOperations(): Promise<OperationName[]> {
  const picked = await searchCheckbox<OperationName>({
    message: "Which operations?",
    choices: ALL_OPERATIONS.map((op) => ({
      value: op,
      name: op,
      ...(OPTIONAL_HINTS[op] !== undefined ? { description: OPTIONAL_HINTS[op] } : {}),
    })),
    selected: OPERATIONS,
  });
  // In the order of ALL_OPERATIONS, whatever the order of picking (the config file and the spec stay stable).
  return ALL_OPERATIONS.filter((op) => picked.includes(op));
}

/** The proxy's URL; `check` throws the sentence saying what is wrong with one. */
export async function askProxyUrl(fallback: string, check: (value: string) => unknown): Promise<string> {
  const answer = await input({
    message: "URL of the proxy (kintone-openapi serve) Salesforce will call:",
    default: fallback,
    validate: (value) => {
      try {
        check(value.trim());
        return true;
      } catch (error) {
        return (error as Error).message;
      }
    },
  });
  return answer.trim();
}

/** Why a spec cannot be written at a path, as the prompt says it; a folder that does not exist can be created. */
export type OutputProblem = { kind: "missing-folder"; folder: string } | { kind: "refused"; message: string };

/**
 * Asks where to write the spec until the answer can be written: a path in a folder that does not exist offers to
 * create it (at write time), anything else unwritable is said and asked again. No earlier answer is lost.
 */
export async function askOutput(
  fallback: string,
  check: (path: string) => Promise<OutputProblem | undefined>,
  exists: (path: string) => Promise<boolean>,
): Promise<{ path: string; createFolder?: string }> {
  for (;;) {
    const path = (
      await input({
        message: "Write the spec to:",
        default: fallback,
        validate: async (v) => {
          if (v.trim() === "") return "Give a file name.";
          const problem = await check(v.trim());
          return problem?.kind === "refused" ? problem.message : true;
        },
      })
    ).trim();
    const problem = await check(path);
    if (problem?.kind === "missing-folder") {
      if (
        await confirm({ message: `The folder ${problem.folder} does not exist. Create it?`, default: true })
      )
        return { path, createFolder: problem.folder };
      continue;
    }
    if (!(await exists(path)) || (await confirm({ message: `${path} exists. Replace it?`, default: true })))
      return { path };
  }
}

/** Names the user chose: per app, its resource name and field names by code. */
export type ChosenNames = Record<string, { name?: string; fields?: Record<string, string> }>;

/**
 * Readable names for what had to be named by the tool (Japanese app names and field codes it could not spell).
 * `taken(appId)` lists the names already used ignoring case: other apps' resource names for an app (appId
 * undefined), the app's property names for a field.
 */
export async function askNames(
  invented: readonly Invented[],
  taken: (appId: string | undefined) => Set<string>,
): Promise<ChosenNames> {
  const chosen: ChosenNames = {};
  const apps = taken(undefined);
  for (const item of invented) {
    const used = item.kind === "app" ? apps : taken(item.appId);
    const name = await input({
      message:
        item.kind === "app"
          ? `Name for the records of app ${item.appId} ("${item.label}"), as Flow will show it (e.g. Contract for listContracts):`
          : `Name for field ${item.code} ("${item.label}") of app ${item.appId}:`,
      default: item.name,
      validate: (v) => {
        if (!NAME_PATTERN.test(v))
          return `Use letters and digits, starting with a letter (e.g. ${item.kind === "app" ? "Contract" : "contractDate"}).`;
        if (v.toLowerCase() !== item.name.toLowerCase() && used.has(v.toLowerCase()))
          return `${v} is already used${item.kind === "app" ? " by another app" : " in this app"}.`;
        return true;
      },
    });
    const entry = chosen[item.appId] ?? {};
    chosen[item.appId] = entry;
    if (item.kind === "app") entry.name = (name[0] as string).toUpperCase() + name.slice(1);
    else entry.fields = { ...entry.fields, [item.code]: name };
    used.add(name.toLowerCase());
  }
  return chosen;
}

export async function confirmWrite(summary: string[], output: Output, path: string): Promise<boolean> {
  for (const line of summary) output.info(line);
  return confirm({ message: `Write ${path}?`, default: true });
}

/** Offers to save the answers (never a secret) so the next run, and CI, need no prompts. */
export async function offerToSave(path: string | undefined): Promise<boolean> {
  return confirm({
    message: `Save these answers (no passwords or tokens) to ${path ?? DEFAULT_CONFIG_FILE} for the next run and CI?`,
    default: true,
  });
}
