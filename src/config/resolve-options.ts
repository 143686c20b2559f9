import { UsageError } from "../errors.js";
import { OPERATIONS, type Operation } from "../generate/build-document.js";
import {
  type ConnectionOptions,
  DEFAULT_CONCURRENCY,
  DEFAULT_TIMEOUT_MS,
  type KintoneAuth,
} from "../kintone/connection.js";
import type { ConfigFile } from "./load-config.js";

/** Where a setting came from, as commander tracks it (flag > env > config > default). */
export type Source = "flag" | "env" | "config" | "default";
export type Resolved<T> = { value: T; source: Source };

/** Connection flags as commander parses them (all optional strings). */
export type ConnectionFlags = {
  baseUrl?: string;
  username?: string;
  password?: string;
  apiToken?: string[] | string;
  oauthToken?: string;
  basicAuthUsername?: string;
  basicAuthPassword?: string;
  pfxFilePath?: string;
  pfxFilePassword?: string;
  guestSpaceId?: string;
  preview?: boolean;
  concurrency?: string;
  timeout?: string;
};

export type Env = Readonly<Record<string, string | undefined>>;

/** Picks the first defined value in precedence order and says where it came from. */
export function pick<T>(
  flag: T | undefined,
  env: T | undefined,
  config: T | undefined,
  fallback: T,
): Resolved<T>;
export function pick<T>(
  flag: T | undefined,
  env: T | undefined,
  config: T | undefined,
): Resolved<T> | undefined;
export function pick<T>(flag: T | undefined, env: T | undefined, config: T | undefined, fallback?: T) {
  if (flag !== undefined) return { value: flag, source: "flag" };
  if (env !== undefined) return { value: env, source: "env" };
  if (config !== undefined) return { value: config, source: "config" };
  return fallback === undefined ? undefined : { value: fallback, source: "default" };
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === "" ? undefined : value;
}

/** Checks a Kintone base URL: https (http only for localhost), scheme and host only. */
export function checkBaseUrl(raw: string, origin: string): string {
  let url: URL;
  try {
    url = new URL(raw.trim());
  } catch {
    throw new UsageError(
      `${origin} "${raw}" is not a URL: give the domain, e.g. https://example.cybozu.com.`,
    );
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new UsageError(
      `${origin} must start with https:// (got ${url.protocol}): e.g. https://example.cybozu.com.`,
    );
  }
  if (url.protocol === "http:" && url.hostname !== "localhost") {
    throw new UsageError(
      `${origin} uses http:// for ${url.hostname}: Kintone is reached over https, and plain http is allowed only for localhost (the sandbox).`,
    );
  }
  if (url.pathname !== "/" || url.search !== "" || url.hash !== "") {
    throw new UsageError(
      `${origin} must be just the domain, without a path (got ${url.pathname}): e.g. https://example.cybozu.com.`,
    );
  }
  if (url.username !== "" || url.password !== "") {
    throw new UsageError(
      `${origin} must not carry credentials: use --username/--password or --basic-auth-username instead.`,
    );
  }
  return url.origin;
}

function positiveInteger(raw: string | number, name: string, max: number): number {
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > max) {
    throw new UsageError(`${name} must be a whole number from 1 to ${max} (got "${raw}").`);
  }
  return value;
}

/** Parses "12,13" and repeated flags into app ids, refusing anything that is not a positive integer. */
export function parseAppIds(values: readonly string[], origin: string): string[] {
  const ids: string[] = [];
  for (const value of values) {
    for (const part of value.split(",")) {
      const id = part.trim();
      if (id === "") continue;
      if (!/^[1-9][0-9]{0,17}$/.test(id)) {
        throw new UsageError(
          `${origin} takes app ids (positive whole numbers, comma-separated); "${id}" is not one.`,
        );
      }
      ids.push(id);
    }
  }
  return [...new Set(ids)];
}

/** Parses "list,get" into operations. */
export function parseOperations(value: string | readonly string[], origin: string): Operation[] {
  const parts = (typeof value === "string" ? value.split(",") : value)
    .map((part) => part.trim())
    .filter(Boolean);
  const unknown = parts.filter((part) => !(OPERATIONS as readonly string[]).includes(part));
  if (unknown.length > 0 || parts.length === 0) {
    throw new UsageError(
      `${origin} takes a comma-separated list of ${OPERATIONS.join(", ")}${unknown.length > 0 ? ` (not "${unknown.join(", ")}")` : ""}.`,
    );
  }
  return OPERATIONS.filter((op) => parts.includes(op));
}

/**
 * Resolves how to reach Kintone from flags, env and the config file (flag > env > file). Secrets come from flags
 * or env only. Password auth wins over an API token when both are given, as in cli-kintone.
 */
export function resolveConnection(flags: ConnectionFlags, env: Env, config: ConfigFile): ConnectionOptions {
  const baseUrl = pick(nonEmpty(flags.baseUrl), nonEmpty(env.KINTONE_BASE_URL), config.baseUrl);
  if (baseUrl === undefined) {
    throw new UsageError(
      "--base-url (or KINTONE_BASE_URL) is required: the Kintone domain, e.g. https://example.cybozu.com.",
    );
  }
  const origin = {
    flag: "--base-url",
    env: "KINTONE_BASE_URL",
    config: "baseUrl in the config file",
    default: "",
  }[baseUrl.source];
  const options: ConnectionOptions = {
    baseUrl: checkBaseUrl(baseUrl.value, origin),
    auth: resolveAuth(flags, env, config),
  };

  const basicUser = pick(
    nonEmpty(flags.basicAuthUsername),
    nonEmpty(env.KINTONE_BASIC_AUTH_USERNAME),
    config.basicAuthUsername,
  );
  const basicPassword = nonEmpty(flags.basicAuthPassword) ?? nonEmpty(env.KINTONE_BASIC_AUTH_PASSWORD);
  if (basicUser !== undefined || basicPassword !== undefined) {
    if (basicUser === undefined || basicPassword === undefined) {
      throw new UsageError(
        "basic auth needs both --basic-auth-username and --basic-auth-password (or KINTONE_BASIC_AUTH_USERNAME and KINTONE_BASIC_AUTH_PASSWORD).",
      );
    }
    options.basicAuth = { username: basicUser.value, password: basicPassword };
  }
  const pfxPath = pick(nonEmpty(flags.pfxFilePath), nonEmpty(env.KINTONE_PFX_FILE_PATH), config.pfxFilePath);
  const pfxPassword = nonEmpty(flags.pfxFilePassword) ?? nonEmpty(env.KINTONE_PFX_FILE_PASSWORD);
  if (pfxPath !== undefined || pfxPassword !== undefined) {
    if (pfxPath === undefined || pfxPassword === undefined) {
      throw new UsageError(
        "a client certificate needs both --pfx-file-path and --pfx-file-password (or KINTONE_PFX_FILE_PATH and KINTONE_PFX_FILE_PASSWORD).",
      );
    }
    options.clientCert = { pfxFilePath: pfxPath.value, password: pfxPassword };
  }
  const guest = pick(
    nonEmpty(flags.guestSpaceId),
    nonEmpty(env.KINTONE_GUEST_SPACE_ID),
    config.guestSpaceId?.toString(),
  );
  if (guest !== undefined) {
    if (!/^[1-9][0-9]*$/.test(guest.value.trim())) {
      throw new UsageError(
        `--guest-space-id (or KINTONE_GUEST_SPACE_ID) must be a space id, a positive whole number (got "${guest.value}").`,
      );
    }
    options.guestSpaceId = guest.value.trim();
  }
  if (flags.preview === true || config.preview === true) options.preview = true;
  const concurrency = pick<string | number>(
    flags.concurrency,
    undefined,
    config.concurrency,
    DEFAULT_CONCURRENCY,
  );
  options.concurrency = positiveInteger(concurrency.value, "--concurrency", 50);
  const timeout = pick<string | number>(
    flags.timeout,
    undefined,
    config.timeoutSeconds,
    DEFAULT_TIMEOUT_MS / 1000,
  );
  const seconds = Number(timeout.value);
  if (!Number.isFinite(seconds) || seconds <= 0 || seconds > 600) {
    throw new UsageError(`--timeout must be a number of seconds from 0 to 600 (got "${timeout.value}").`);
  }
  options.timeoutMs = Math.round(seconds * 1000);
  return options;
}

function resolveAuth(flags: ConnectionFlags, env: Env, config: ConfigFile): KintoneAuth {
  const username = pick(nonEmpty(flags.username), nonEmpty(env.KINTONE_USERNAME), config.username);
  const password = nonEmpty(flags.password) ?? nonEmpty(env.KINTONE_PASSWORD);
  if (username !== undefined && password !== undefined)
    return { kind: "password", username: username.value, password };
  const tokenFlag = Array.isArray(flags.apiToken) ? flags.apiToken.join(",") : flags.apiToken;
  const tokens = (nonEmpty(tokenFlag) ?? nonEmpty(env.KINTONE_API_TOKEN) ?? "")
    .split(",")
    .map((token) => token.trim())
    .filter(Boolean);
  if (tokens.length > 0) return { kind: "apiToken", tokens };
  const oauth = nonEmpty(flags.oauthToken) ?? nonEmpty(env.KINTONE_OAUTH_TOKEN);
  if (oauth !== undefined) return { kind: "oauth", token: oauth };
  if (username !== undefined) {
    throw new UsageError(
      `--password (or KINTONE_PASSWORD) is required with the username "${username.value}".`,
    );
  }
  if (password !== undefined)
    throw new UsageError("--username (or KINTONE_USERNAME) is required with the password.");
  throw new UsageError(
    "credentials are required: --username and --password (or KINTONE_USERNAME and KINTONE_PASSWORD), --api-token (or KINTONE_API_TOKEN), or --oauth-token (or KINTONE_OAUTH_TOKEN).",
  );
}
