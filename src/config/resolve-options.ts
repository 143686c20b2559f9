import { UsageError } from "../errors.js";
import { ALL_OPERATIONS, type OperationName } from "../generate/build-document.js";
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

/** Hosts plain http may reach: this machine (the sandbox, a tunnel). The client is given them as localhost. */
export const LOOPBACK_HOSTS: ReadonlySet<string> = new Set(["localhost", "127.0.0.1", "[::1]"]);

const EXAMPLE_DOMAIN = "https://example.cybozu.com";

/**
 * Reads a Kintone domain the way people write it: a bare host (`mycompany.cybozu.com`, https assumed), a URL, or
 * with `path: "strip"` a URL pasted from the browser (`https://mycompany.cybozu.com/k/#/portal`), whose path is
 * dropped. Any host works (`.cybozu.com`, `.kintone.com`, `.cybozu.cn`, custom ones); plain http only for this
 * machine, which a bare host of it means. Returns the origin; throws a UsageError saying what to give.
 */
export function parseKintoneDomain(
  raw: string,
  origin: string,
  options: { path?: "refuse" | "strip" } = {},
): string {
  const text = raw.trim();
  const bare = !/^[a-z][a-z0-9+.-]*:\/\//i.test(text);
  let url: URL | undefined;
  try {
    url = new URL(bare ? `https://${text}` : text);
    // This machine serves plain http (the sandbox): a bare localhost:8000 means that.
    if (bare && LOOPBACK_HOSTS.has(url.hostname)) url = new URL(`http://${text}`);
  } catch {
    url = undefined;
  }
  // A bare word is no domain ("mycompany", or "https//a" with its colon lost), except localhost.
  if (
    url === undefined ||
    url.hostname === "" ||
    (bare && !url.hostname.includes(".") && !LOOPBACK_HOSTS.has(url.hostname) && !url.hostname.includes(":"))
  ) {
    throw new UsageError(
      text === "" || /^[a-z]+:\/*$/i.test(text)
        ? `${origin} is empty: give the domain you sign in to, e.g. ${EXAMPLE_DOMAIN.slice(8)}.`
        : `${origin} "${raw}" is not a URL: give the domain, e.g. ${EXAMPLE_DOMAIN}.`,
    );
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new UsageError(`${origin} must start with https:// (got ${url.protocol}): e.g. ${EXAMPLE_DOMAIN}.`);
  }
  if (url.protocol === "http:" && !LOOPBACK_HOSTS.has(url.hostname)) {
    throw new UsageError(
      `${origin} uses http:// for ${url.hostname}: Kintone is reached over https, and plain http is allowed only for localhost, 127.0.0.1 and [::1] (this machine: the sandbox).`,
    );
  }
  if (url.username !== "" || url.password !== "") {
    throw new UsageError(
      `${origin} must not carry credentials: use --username/--password or --basic-auth-username instead.`,
    );
  }
  if (options.path !== "strip" && (url.pathname !== "/" || url.search !== "" || url.hash !== "")) {
    throw new UsageError(
      `${origin} must be just the domain, without a path (got ${url.pathname}): use ${url.origin}.`,
    );
  }
  return url.origin;
}

/** Checks a Kintone base URL given by flag, env or config: a domain (https assumed for a bare host), no path. */
export function checkBaseUrl(raw: string, origin: string): string {
  return parseKintoneDomain(raw, origin, { path: "refuse" });
}

/**
 * The one parser of numeric options (flags, environment variables, config values): a number from `min` to `max`,
 * whole unless `fraction`; the error names the option and the range.
 */
export function parseNumberOption(
  raw: string | number,
  name: string,
  range: { min: number; max: number; fraction?: boolean },
): number {
  const text = String(raw).trim();
  // Plain decimal digits only: Number() would also take "0x1F90", "1e3" and "  ".
  const value = /^[+-]?\d+(\.\d+)?$/.test(text) ? Number(text) : Number.NaN;
  if (
    !Number.isFinite(value) ||
    (range.fraction !== true && !Number.isInteger(value)) ||
    value < range.min ||
    value > range.max
  ) {
    const kind = range.fraction === true ? "a number" : "a whole number";
    throw new UsageError(`${name} must be ${kind} from ${range.min} to ${range.max} (got "${raw}").`);
  }
  return value;
}

/** Parses "12,13" and repeated flags into app (or space) ids, refusing anything that is not a positive integer. */
export function parseAppIds(values: readonly string[], origin: string, what = "app ids"): string[] {
  const ids: string[] = [];
  for (const value of values) {
    for (const part of value.split(",")) {
      const id = part.trim();
      if (id === "") continue;
      if (!/^[1-9][0-9]{0,17}$/.test(id)) {
        throw new UsageError(
          `${origin} takes ${what} (positive whole numbers, comma-separated); "${id}" is not one.`,
        );
      }
      ids.push(id);
    }
  }
  return [...new Set(ids)];
}

/** Parses "list,get" into operations (in the order of ALL_OPERATIONS, so the spec does not depend on the order given). */
export function parseOperations(value: string | readonly string[], origin: string): OperationName[] {
  const parts = (typeof value === "string" ? value.split(",") : value)
    .map((part) => part.trim())
    .filter(Boolean);
  const unknown = parts.filter((part) => !(ALL_OPERATIONS as readonly string[]).includes(part));
  if (unknown.length > 0 || parts.length === 0) {
    throw new UsageError(
      `${origin} takes a comma-separated list of ${ALL_OPERATIONS.join(", ")}${unknown.length > 0 ? ` (not "${unknown.join(", ")}")` : ""}.`,
    );
  }
  return ALL_OPERATIONS.filter((op) => parts.includes(op));
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
  options.concurrency = parseNumberOption(
    concurrency.value,
    concurrency.source === "config" ? "concurrency in the config file" : "--concurrency",
    { min: 1, max: 50 },
  );
  const timeout = pick<string | number>(
    flags.timeout,
    undefined,
    config.timeoutSeconds,
    DEFAULT_TIMEOUT_MS / 1000,
  );
  const seconds = parseNumberOption(
    timeout.value,
    timeout.source === "config" ? "timeoutSeconds in the config file" : "--timeout (seconds)",
    { min: 0.001, max: 600, fraction: true },
  );
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
