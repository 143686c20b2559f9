import { checkbox, confirm, input, password, select } from "@inquirer/prompts";
import { type ConfigFile, DEFAULT_CONFIG_FILE } from "../config/load-config.js";
import {
  type ConnectionFlags,
  checkBaseUrl,
  type Env,
  resolveConnection,
} from "../config/resolve-options.js";
import { KintoneError, KintoneOpenapiError } from "../errors.js";
import { type InventedName, OPERATIONS, type Operation } from "../generate/build-document.js";
import { NAME_PATTERN } from "../generate/names.js";
import type { ConnectionOptions, KintoneAuth } from "../kintone/connection.js";
import { classifyKintoneAnswer } from "../kintone/failures.js";
import type { LiveMetadataSource } from "../kintone/live-source.js";
import type { KintoneApp } from "../kintone/types.js";
import type { Output } from "./output.js";
import { searchCheckbox } from "./prompts/search-checkbox.js";

/** Codes that mean "these credentials are wrong": asked again rather than exiting. */

function validUrl(value: string): true | string {
  try {
    checkBaseUrl(value, "The domain");
    return true;
  } catch (error) {
    return (error as Error).message;
  }
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
  if (given.baseUrl === undefined && !env.KINTONE_BASE_URL && config.baseUrl === undefined) {
    given.baseUrl = await input({ message: "Kintone domain:", default: "https://", validate: validUrl });
  }
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

export async function askOperations(): Promise<Operation[]> {
  return checkbox({
    message: "Which operations?",
    required: true,
    choices: OPERATIONS.map((op) => ({ value: op, name: op, checked: true })),
  });
}

export async function askProxyUrl(fallback: string): Promise<string> {
  return input({
    message: "URL of the proxy (kintone-openapi serve) Salesforce will call:",
    default: fallback,
    validate: (v) =>
      /^https?:\/\/[^\s]+$/.test(v.trim()) || "Give an http(s) URL, e.g. https://kintone-proxy.example.com.",
  });
}

export async function askOutput(
  fallback: string,
  exists: (path: string) => Promise<boolean>,
): Promise<string> {
  for (;;) {
    const path = (
      await input({
        message: "Write the spec to:",
        default: fallback,
        validate: (v) => v.trim() !== "" || "Give a file name.",
      })
    ).trim();
    if (!(await exists(path)) || (await confirm({ message: `${path} exists. Replace it?`, default: true })))
      return path;
  }
}

/** Readable names for the fields whose names had to be invented (Japanese codes the tool could not spell). */
export async function askNames(
  invented: readonly InventedName[],
  taken: (appId: string) => Set<string>,
): Promise<Record<string, Record<string, string>>> {
  const names: Record<string, Record<string, string>> = {};
  for (const field of invented) {
    const used = taken(field.appId);
    const name = await input({
      message: `Name for field ${field.code} ("${field.label}") of app ${field.appId}:`,
      default: field.name,
      validate: (v) => {
        if (!NAME_PATTERN.test(v))
          return "Use letters and digits, starting with a letter (e.g. contractDate).";
        if (v !== field.name && used.has(v.toLowerCase())) return `${v} is already used in this app.`;
        return true;
      },
    });
    names[field.appId] = { ...names[field.appId], [field.code]: name };
    used.add(name.toLowerCase());
  }
  return names;
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
