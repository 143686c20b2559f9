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
  let summary = text;
  try {
    const body = JSON.parse(text) as unknown;
    const first = (Array.isArray(body) ? body[0] : body) as { errorCode?: unknown; message?: unknown };
    if (first !== undefined && first !== null)
      summary = [first.errorCode, first.message].filter((part) => typeof part === "string").join(": ");
  } catch {
    // Not JSON: the text itself.
  }
  summary = summary.split(key).join("***").replace(/\s+/g, " ").trim().slice(0, 300);
  return summary === "" ? "" : ` (${summary})`;
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
  let read: Response;
  try {
    read = await call(`${base}?${query}`, { method: "GET", headers, redirect: "error" });
  } catch (error) {
    throw new SalesforceError(
      `cannot reach org ${session.org} at ${session.instanceUrl} (${(error as Error).message}).`,
    );
  }
  if (!read.ok) throw await failed(read, "Reading");
  const current = (await read.json().catch(() => ({}))) as { credentials?: Record<string, unknown> | null };
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
    });
  } catch (error) {
    throw new SalesforceError(
      `cannot reach org ${session.org} at ${session.instanceUrl} (${(error as Error).message}).`,
    );
  }
  if (!written.ok) throw await failed(written, exists ? "Updating the key of" : "Creating the key of");
  await written.arrayBuffer().catch(() => undefined);
  return exists ? "updated" : "created";
}
