import { spawn } from "node:child_process";
import { KintoneOpenapiError, UsageError } from "../errors.js";
import type { SalesforceNames } from "./names.js";

/** Where and as whom to call the org: its instance URL and an access token (never printed). */
export type OrgSession = { instanceUrl: string; accessToken: string; org: string };

/** The org refused or failed a call: exit 1, naming the org and the HTTP status. */
export class SalesforceError extends KintoneOpenapiError {
  readonly status: number | undefined;
  constructor(message: string, status?: number) {
    super(message);
    this.status = status;
  }
}

/** Runs a command and collects its output (the Salesforce CLI, or a stand-in in tests). */
export type Runner = (
  command: string,
  args: readonly string[],
) => Promise<{ code: number; stdout: string; stderr: string }>;

/**
 * Spawns a program from PATH. On Windows `sf` is a .cmd file, which only a shell runs: the command line is then one
 * string (its arguments are checked to hold no shell syntax: sessionFromSfCli).
 */
export const spawnRunner: Runner = (command, args) =>
  new Promise((resolve, reject) => {
    const options = { stdio: ["ignore", "pipe", "pipe"] as ["ignore", "pipe", "pipe"] };
    const child =
      process.platform === "win32"
        ? spawn([command, ...args].join(" "), { ...options, shell: true })
        : spawn(command, [...args], options);
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString("utf8");
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString("utf8");
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });

/** Only https, except on this machine (tests, or a local stand-in): the access token must not cross a network in clear. */
export function checkInstanceUrl(value: string, from: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new UsageError(`${from} is not a URL (got ${JSON.stringify(value.slice(0, 100))}).`);
  }
  const local = ["localhost", "127.0.0.1", "[::1]"].includes(url.hostname);
  if (url.protocol !== "https:" && !(url.protocol === "http:" && local)) {
    throw new UsageError(`${from} must be an https URL (got ${url.origin}).`);
  }
  return url.origin;
}

const NO_SF =
  "the Salesforce CLI (sf) is not on PATH: install it (npm install --global @salesforce/cli) and log in to the org, or set SF_INSTANCE_URL and SF_ACCESS_TOKEN.";

/**
 * The org's session from the Salesforce CLI's own auth store: `sf org display --json --target-org <org>` answers
 * `{"status":0,"result":{"instanceUrl":…,"accessToken":…,…}}` (or `{"status":1,"name":…,"message":…}`). The CLI's
 * output holds the token, so none of it is ever repeated; only the CLI's error message is.
 */
export async function sessionFromSfCli(org: string, run: Runner = spawnRunner): Promise<OrgSession> {
  // An alias or a username (an email address): nothing a shell could read as syntax (sf is a .cmd on Windows).
  if (!/^[A-Za-z0-9][A-Za-z0-9._@+-]*$/.test(org))
    throw new UsageError(
      `--target-org takes an alias or a username as the Salesforce CLI knows it (got ${JSON.stringify(org.slice(0, 100))}).`,
    );
  let answer: { code: number; stdout: string; stderr: string };
  try {
    answer = await run("sf", ["org", "display", "--json", "--target-org", org]);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") throw new UsageError(NO_SF);
    throw error;
  }
  // A shell that found no sf answers 127 (sh) or 9009 (cmd.exe).
  if (answer.stdout.trim() === "" && (answer.code === 127 || answer.code === 9009))
    throw new UsageError(NO_SF);
  let parsed: unknown;
  try {
    parsed = JSON.parse(answer.stdout);
  } catch {
    throw new UsageError(
      `sf org display --json --target-org ${org} did not answer JSON (exit ${answer.code}): check that the Salesforce CLI works.`,
    );
  }
  const body = (typeof parsed === "object" && parsed !== null ? parsed : {}) as {
    status?: number;
    message?: string;
    name?: string;
    result?: { instanceUrl?: unknown; accessToken?: unknown };
  };
  const result = body.result;
  if (
    answer.code !== 0 ||
    body.status !== 0 ||
    typeof result?.instanceUrl !== "string" ||
    typeof result.accessToken !== "string" ||
    result.accessToken === ""
  ) {
    const why =
      typeof body.message === "string" ? `: ${body.message.slice(0, 300).replace(/\s+/g, " ")}` : "";
    throw new UsageError(
      `the Salesforce CLI has no session for org ${org}${why} (log in with sf org login web --alias ${org}).`,
    );
  }
  return {
    instanceUrl: checkInstanceUrl(result.instanceUrl, `the instance URL of org ${org}`),
    accessToken: result.accessToken,
    org,
  };
}

type Fetch = typeof fetch;

/** The documented request of the Connect REST resource (CredentialInput). */
function credentialBody(names: SalesforceNames, key: string): string {
  return JSON.stringify({
    externalCredential: names.externalCredential,
    authenticationProtocol: "Custom",
    principalName: names.principal,
    principalType: "NamedPrincipal",
    credentials: { [names.keyParameter]: { value: key, encrypted: true } },
  });
}

/** Salesforce's error answer (`[{errorCode, message}]`), shortened, with the key taken out if it were echoed. */
async function reason(response: Response, key: string): Promise<string> {
  let text = "";
  try {
    text = await response.text();
  } catch {
    return "";
  }
  // Not Salesforce's JSON: a short excerpt, never a whole page (an HTML page is named, not shown).
  let summary = /^\s*</.test(text) ? "an HTML page" : text.slice(0, 120);
  try {
    const body = JSON.parse(text) as unknown;
    const first = (Array.isArray(body) ? body[0] : body) as { errorCode?: unknown; message?: unknown };
    if (first !== undefined && first !== null)
      summary = [first.errorCode, first.message].filter((part) => typeof part === "string").join(": ");
  } catch {
    // Not JSON: the text itself.
  }
  summary = summary.split(key).join("***").replace(/\s+/g, " ").trim().slice(0, 200);
  return summary === "" ? "" : ` (${summary})`;
}

/** Why a call did not reach the org, in words (fetch itself only says "fetch failed"). */
export function networkCause(error: unknown): string {
  const err = error as { name?: string; message?: string; cause?: { code?: string; message?: string } };
  if (err?.name === "TimeoutError" || err?.name === "AbortError") return "no answer within 30 seconds";
  const code = err?.cause?.code;
  const causeMessage = err?.cause?.message ?? "";
  if (/redirect/i.test(causeMessage) || /redirect/i.test(err?.message ?? ""))
    return "it answered with a redirect, which is not followed: give the org's My Domain URL";
  switch (code) {
    case "ECONNREFUSED":
      return "connection refused";
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return "host not found";
    case "ECONNRESET":
      return "connection reset";
    case "ETIMEDOUT":
    case "UND_ERR_CONNECT_TIMEOUT":
      return "connection timed out";
    case "UND_ERR_HEADERS_TIMEOUT":
    case "UND_ERR_BODY_TIMEOUT":
      return "no answer in time";
  }
  if (typeof code === "string" && /CERT|SSL|TLS/.test(code)) return `TLS certificate problem (${code})`;
  return (code ?? causeMessage) || (err?.message ?? "unknown network error");
}

/** The Credential output of Connect REST: an object naming the External Credential, with its credentials. */
function isCredentialAnswer(value: unknown): boolean {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const body = value as { externalCredential?: unknown; credentials?: unknown };
  return (
    typeof body.externalCredential === "string" &&
    (body.credentials === undefined ||
      body.credentials === null ||
      (typeof body.credentials === "object" && !Array.isArray(body.credentials)))
  );
}

/** The JSON of an answer, or undefined when it is none (an HTML login page, a proxy's error page). */
async function jsonOf(response: Response): Promise<unknown> {
  const text = await response.text().catch(() => "");
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** What set-key did. */
export type SetKeyResult = "created" | "updated";

/**
 * Puts the proxy key into the External Credential's principal through the Connect REST resource
 * `/services/data/vXX.X/named-credentials/credential`: GET it, then POST (no credential yet) or PATCH (API 59.0+,
 * Custom protocol: changes only the key sent). The key goes only into the request body, sent encrypted: true.
 * https://developer.salesforce.com/docs/atlas.en-us.chatterapi.meta/chatterapi/connect_resources_named_credential.htm
 */
export async function setCredentialKey(options: {
  session: OrgSession;
  names: SalesforceNames;
  apiVersion: string;
  key: string;
  fetch?: Fetch;
}): Promise<SetKeyResult> {
  const { session, names, apiVersion, key } = options;
  const call = options.fetch ?? fetch;
  const base = `${session.instanceUrl}/services/data/v${apiVersion}/named-credentials/credential`;
  const headers = {
    Authorization: `Bearer ${session.accessToken}`,
    Accept: "application/json",
    "Content-Type": "application/json",
  };
  const what = `the principal ${names.principal} of External Credential ${names.externalCredential} in org ${session.org}`;
  const failed = async (response: Response, action: string) => {
    const status = response.status;
    const hint =
      status === 401
        ? ": the access token was refused; log in again (sf org login web) or renew SF_ACCESS_TOKEN"
        : status === 404
          ? ": deploy the folder that kintone-openapi salesforce wrote first"
          : status === 403
            ? ": the user needs permission to manage named credentials (View Setup and Configuration, Customize Application)"
            : "";
    return new SalesforceError(
      `${action} ${what} failed with HTTP ${status}${await reason(response, key)}${hint}.`,
      status,
    );
  };
  const query = new URLSearchParams({
    externalCredential: names.externalCredential,
    principalName: names.principal,
    principalType: "NamedPrincipal",
  });
  const unreachable = (error: unknown) =>
    new SalesforceError(
      `cannot reach org ${session.org} at ${session.instanceUrl} (${networkCause(error)}).`,
    );
  const notSalesforce = (action: string) =>
    new SalesforceError(
      `org ${session.org} at ${session.instanceUrl} did not answer as Salesforce's Connect REST API (${action} got no Credential JSON), so no key was set: check the instance URL (SF_INSTANCE_URL, or the org's login in the Salesforce CLI).`,
    );
  const timeout = () => AbortSignal.timeout(30_000);
  let read: Response;
  try {
    read = await call(`${base}?${query}`, { method: "GET", headers, redirect: "error", signal: timeout() });
  } catch (error) {
    throw unreachable(error);
  }
  if (!read.ok) throw await failed(read, "Reading");
  const currentJson = await jsonOf(read);
  if (!isCredentialAnswer(currentJson)) throw notSalesforce("reading the credential");
  const current = currentJson as { credentials?: Record<string, unknown> | null };
  const exists =
    current.credentials !== undefined && current.credentials !== null
      ? Object.keys(current.credentials).length > 0
      : false;
  let written: Response;
  try {
    written = await call(base, {
      method: exists ? "PATCH" : "POST",
      headers,
      body: credentialBody(names, key),
      redirect: "error",
      signal: timeout(),
    });
  } catch (error) {
    throw unreachable(error);
  }
  if (!written.ok) throw await failed(written, exists ? "Updating the key of" : "Creating the key of");
  if (!isCredentialAnswer(await jsonOf(written)))
    throw notSalesforce(exists ? "updating the key" : "creating the key");
  return exists ? "updated" : "created";
}
