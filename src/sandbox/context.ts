import { appNotFound, invalidInput, KintoneApiError, noPermission } from "./errors.js";
import type { SandboxApp } from "./store.js";

/** An API token the sandbox accepts, for one app, with Kintone's token permissions. */
export type SandboxToken = {
  token: string;
  /** The app the token belongs to, or "*" for a token the sandbox accepts for every app. */
  appId: string;
  /** Default: all. Reading field settings needs "manage" (Kintone's "Manage app" token permission). */
  permissions?: ReadonlyArray<"view" | "add" | "edit" | "delete" | "manage">;
};

export type SandboxOptions = {
  /** Snapshot directory to serve (default: the sample apps in templates/). */
  data?: string;
  /** Port (0 = any free port). */
  port?: number;
  /** Interface to bind (default 127.0.0.1: the sandbox is for this machine). */
  host?: string;
  /** Fixed delay added to every request, to simulate Kintone's round trip in benchmarks. */
  latencyMs?: number;
  /** Password login (default sandbox / sandbox). */
  username?: string;
  password?: string;
  apiTokens?: readonly SandboxToken[];
  oauthTokens?: readonly string[];
  /** When set, every request must also carry this basic auth (a domain behind basic auth). */
  basicAuth?: { username: string; password: string };
  /** Space ids that are guest spaces: apps whose spaceId is one of them are reached only through guest URLs. */
  guestSpaces?: readonly string[];
  /** Kintone's limit of concurrent requests (default 100); the next one gets 429 GAIA_TO04. */
  maxConcurrent?: number;
  /**
   * Serve https (PEM strings). With `ca` and `requireClientCert`, only clients presenting a certificate signed by
   * that CA get through, like a Kintone domain with client certificate authentication (*.s.cybozu.com).
   */
  tls?: { key: string; cert: string; ca?: string; requireClientCert?: boolean };
  /**
   * Faults to inject, each with the share of requests it hits (drawn independently per request): 429 (Kintone's
   * GAIA_TO04 with its headers), 500 (a JSON error), 503 (a maintenance page in HTML), slow (an answer after
   * `slowMs`), reset (the connection is dropped before the request is handled), lost (the request is handled, then
   * the connection is dropped, so the caller cannot know it succeeded).
   */
  faults?: Partial<Record<FaultKind, number>>;
  /** Delay of a "slow" fault (default 3 s). */
  slowMs?: number;
  /** The random source faults are drawn from (default Math.random); tests pass a seeded one. */
  random?: () => number;
  /** The clock (default: the real one); tests fix it to make date functions predictable. */
  now?: () => Date;
  /** The users' time zone, as minutes east of UTC (default 0), for TODAY() and the other date functions. */
  timeZoneOffsetMinutes?: number;
};

export const FAULT_KINDS = ["429", "500", "503", "slow", "reset", "lost"] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/** Parses "429:0.3,503:0.1" into fault rates; throws an Error naming what is wrong. */
export function parseFaults(text: string): Partial<Record<FaultKind, number>> {
  const faults: Partial<Record<FaultKind, number>> = {};
  for (const part of text
    .split(",")
    .map((p) => p.trim())
    .filter(Boolean)) {
    const [kind, rate] = part.split(":");
    if (!(FAULT_KINDS as readonly string[]).includes(kind ?? "")) {
      throw new Error(`unknown fault "${kind}": use ${FAULT_KINDS.join(", ")}`);
    }
    const value = Number(rate);
    if (rate === undefined || !Number.isFinite(value) || value < 0 || value > 1)
      throw new Error(`the rate of ${kind} must be a number from 0 to 1 (got "${rate ?? ""}")`);
    faults[kind as FaultKind] = value;
  }
  return faults;
}

/** Who called: a user (password or OAuth) or a set of API tokens with their per-app permissions. */
export type Caller =
  | { kind: "user"; login: string }
  | { kind: "token"; apps: Map<string, Set<string>> }
  | { kind: "oauth" };

/** One API call, after routing and authentication. */
export type ApiRequest = {
  method: string;
  endpoint: string;
  guestSpaceId: string | undefined;
  preview: boolean;
  params: Record<string, unknown>;
  caller: Caller;
};

/** The sandbox's in-memory state. */
export type SandboxState = {
  apps: Map<string, SandboxApp>;
  options: SandboxOptions;
  cursors: Map<string, import("./routes/records.js").Cursor>;
  /** Known entity names by code (users, organizations, groups met in the data), for entity values. */
  names: Map<string, string>;
  /** Uploaded files (temporary keys from POST file.json) and stored ones (keys of files in records). */
  files: Map<string, SandboxFile>;
};

/** A file the sandbox holds: uploaded (temporary: usable in a record write) or stored in a record. */
export type SandboxFile = { name: string; contentType: string; data: Buffer; temporary: boolean };

/** An answer that is a file, not JSON (GET file.json). */
export type FileAnswer = { file: SandboxFile };

export type Handler = (ctx: ApiRequest, state: SandboxState) => unknown;

export type Permission = "view" | "add" | "edit" | "delete" | "manage";

/** The app a request targets, after the guest-space and permission checks. */
export function appFor(
  ctx: ApiRequest,
  state: SandboxState,
  id: unknown,
  permission: Permission,
): SandboxApp {
  const key = typeof id === "number" ? String(id) : id;
  if (typeof key !== "string" || key === "") throw invalidInput({ app: ["Required field."] });
  if (!/^-?[0-9]+$/.test(key)) throw invalidInput({ app: ["Enter an integer value."] });
  if (Number(key) < 1) throw invalidInput({ app: ["must be greater than or equal to 1"] });
  const app = state.apps.get(key);
  if (app === undefined) throw appNotFound(key);
  const guest = isGuestApp(app, state);
  if (guest && ctx.guestSpaceId === undefined) {
    throw new KintoneApiError(
      400,
      "GAIA_IL23",
      "This app is in a guest space. Send the request to '/k/guest/(guest space ID)/v1/...'.",
    );
  }
  if (ctx.guestSpaceId !== undefined && app.app.spaceId !== ctx.guestSpaceId) throw noPermission();
  if (ctx.caller.kind === "token") {
    const permissions = ctx.caller.apps.get(key) ?? ctx.caller.apps.get("*");
    if (permissions === undefined || !permissions.has(permission)) {
      throw new KintoneApiError(403, "GAIA_NO01", "Using this API token, you cannot run the specified API.");
    }
  }
  return app;
}

export function isGuestApp(app: SandboxApp, state: SandboxState): boolean {
  return app.app.spaceId !== null && (state.options.guestSpaces ?? []).includes(app.app.spaceId);
}

export function arrayParam(value: unknown): string[] | undefined {
  if (value === undefined) return undefined;
  const list = Array.isArray(value)
    ? value
    : typeof value === "object" && value !== null
      ? Object.values(value)
      : [value];
  return list.map(String);
}

export function intParam(value: unknown, name: string, fallback: number, min: number, max: number): number {
  if (value === undefined || value === "") return fallback;
  const number = Number(value);
  if (!Number.isInteger(number)) throw invalidInput({ [name]: ["Enter an integer value."] });
  if (number < min) throw invalidInput({ [name]: [`must be greater than or equal to ${min}`] });
  if (number > max) throw invalidInput({ [name]: [`must be less than or equal to ${max}`] });
  return number;
}
