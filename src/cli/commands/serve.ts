import { resolve } from "node:path";
import type { Command } from "commander";
import { parseNumberOption, resolveConnection } from "../../config/resolve-options.js";
import { type ExitCode, KintoneError, UsageError } from "../../errors.js";
import { classifyKintoneAnswer, RETRYABLE_NETWORK_CODES } from "../../kintone/failures.js";
import { JsonSyntaxError, readJsonFile } from "../../util/json-file.js";
import { type CommandContext, defineCommand, type RunState } from "../command.js";
import { selfCommand } from "../invocation.js";
import { waitForStopSignal } from "../signals.js";

type ServeFlags = {
  spec?: string;
  port?: string;
  host?: string;
  auth?: boolean;
  corsOrigin?: string;
  maxKintoneConcurrency?: string;
  maxCursors?: string;
  maxConnections?: string;
  accessLog?: boolean;
  skipStartupCheck?: boolean;
};

/** How long the start-up check waits for Kintone, per app (all apps are asked at once). */
const STARTUP_CHECK_MS = 10_000;

const LOOPBACK = new Set(["127.0.0.1", "localhost", "::1"]);

/** A whole-number option, or its default when not given. */
function whole(value: string | undefined, flag: string, fallback: number, min: number, max: number): number {
  return value === undefined ? fallback : parseNumberOption(value, flag, { min, max });
}

/** `kintone-openapi serve`: the companion proxy (design.md §2, §5). */
export async function handleServe(context: CommandContext, flags: ServeFlags): Promise<ExitCode> {
  const { output, env, cwd } = context;
  const specPath = resolve(cwd, flags.spec ?? "kintone-openapi.json");
  const keys = (env.KINTONE_OPENAPI_API_KEYS ?? "")
    .split(",")
    .map((k) => k.trim())
    .filter(Boolean);
  const noAuth = flags.auth === false;
  // PORT and HOST are how platforms (Cloud Run, Heroku, Render, Fly, …) say where to listen; a platform that sets
  // PORT routes outside traffic to it, so it is bound on every interface unless HOST says otherwise.
  const envPort = (env.PORT ?? "").trim() === "" ? undefined : (env.PORT as string).trim();
  const envHost = (env.HOST ?? "").trim() === "" ? undefined : (env.HOST as string).trim();
  let host =
    flags.host ?? envHost ?? (envPort !== undefined && flags.port === undefined ? "0.0.0.0" : "127.0.0.1");
  if (noAuth) {
    const asked = flags.host ?? envHost;
    if (asked !== undefined && !LOOPBACK.has(asked)) {
      throw new UsageError(
        `--no-auth serves only on this machine: drop ${flags.host !== undefined ? `--host ${flags.host}` : `HOST=${envHost}`}, or set KINTONE_OPENAPI_API_KEYS and remove --no-auth.`,
      );
    }
    host = "127.0.0.1";
  } else if (keys.length === 0) {
    throw new UsageError(
      "KINTONE_OPENAPI_API_KEYS is not set: give one or more keys callers must present (comma-separated), or pass --no-auth to serve this machine only.",
    );
  }
  const { checkProxyOptions, createProxyServer } = await import("../../proxy/server.js");
  checkProxyOptions({ apiKeys: noAuth ? [] : keys, corsOrigin: flags.corsOrigin });
  const port =
    flags.port !== undefined
      ? whole(flags.port, "--port", 8080, 0, 65535)
      : whole(envPort, "PORT", 8080, 0, 65535);
  const concurrency = whole(flags.maxKintoneConcurrency, "--max-kintone-concurrency", 10, 1, 90);
  const maxCursors = whole(flags.maxCursors, "--max-cursors", 3, 0, 10);
  const maxConnections = whole(flags.maxConnections, "--max-connections", 1000, 1, 100_000);
  let spec: unknown;
  try {
    spec = await readJsonFile(specPath);
  } catch (error) {
    if (error instanceof JsonSyntaxError)
      throw new UsageError(`${error.message}; regenerate it with "${selfCommand()} generate".`);
    throw new UsageError(
      `cannot read the spec ${flags.spec ?? "kintone-openapi.json"} (${(error as NodeJS.ErrnoException).code ?? "error"}): pass it with --spec.`,
    );
  }
  const { config } = await context.config();
  // Each app's guest space comes from the spec (x-kintone-guest-space-id), never from the config file.
  const { guestSpaceId: _fromConfig, ...kintone } = resolveConnection(context.connection, env, config);
  let proxy: Awaited<ReturnType<typeof createProxyServer>>;
  try {
    proxy = await createProxyServer({
      spec,
      kintone,
      apiKeys: noAuth ? [] : keys,
      port,
      host,
      maxKintoneConcurrency: concurrency,
      maxCursors,
      maxConnections,
      env,
      onError: (error) =>
        output.error(
          `internal error while answering a request (answered 500): ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
        ),
      onKintoneAuthFailure: (message) => output.error(message),
      ...(flags.corsOrigin !== undefined ? { corsOrigin: flags.corsOrigin } : {}),
      ...(flags.accessLog === false ? {} : { onLog: (entry) => output.out(JSON.stringify(entry)) }),
    });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EADDRINUSE")
      throw new UsageError(
        `port ${port} is already in use: choose another with --port (0 picks a free one).`,
      );
    if (code === "EACCES")
      throw new UsageError(
        `port ${port} needs privileges this user does not have: use a port above 1023 (and a reverse proxy or the platform's port mapping in front).`,
      );
    if (code === "EADDRNOTAVAIL" || code === "ENOTFOUND" || code === "EAI_AGAIN")
      throw new UsageError(
        `${host} is not an address of this machine: give --host (or HOST) an interface it has, such as 127.0.0.1 or 0.0.0.0.`,
      );
    throw error;
  }
  // Listening for a stop signal from here on: a supervisor may stop us during the start-up check, and as PID 1 in a
  // container a signal nobody listens for is ignored.
  let stopRequested = false;
  const stopped = waitForStopSignal().then((signal) => {
    stopRequested = true;
    return signal;
  });
  if (flags.skipStartupCheck !== true) {
    const problems = await Promise.race([proxy.checkKintone(STARTUP_CHECK_MS), stopped.then(() => [])]);
    if (stopRequested) {
      await proxy.close();
      output.info("Stopped before the start-up check finished.");
      return 0;
    }
    if (problems.length > 0) {
      await proxy.close();
      const [first] = problems as [(typeof problems)[number]];
      const others =
        problems.length > 1 ? ` (and ${problems.length - 1} more app${problems.length > 2 ? "s" : ""})` : "";
      const failure =
        RETRYABLE_NETWORK_CODES.has(first.code) || first.code === "ENOTFOUND"
          ? "network"
          : classifyKintoneAnswer(0, first.code);
      const what =
        failure === "network"
          ? `Kintone cannot be reached for app ${first.appId}`
          : failure === "credentials" || failure === "permission"
            ? `Kintone refuses these credentials for app ${first.appId}`
            : `Kintone does not answer as expected for app ${first.appId}`;
      throw new KintoneError(
        `${what} (${first.code}: ${first.message})${others}: check KINTONE_BASE_URL and the credentials, or pass --skip-startup-check to start anyway.`,
      );
    }
  }
  // Listening for a stop signal before saying so: a supervisor may stop us the moment it reads the line.
  output.out(`kintone-openapi serve listening on ${proxy.url}`);
  if (noAuth) output.warn("no API keys are checked (--no-auth): the proxy listens on 127.0.0.1 only.");
  output.info(
    output.color.dim(
      `Serving ${flags.spec ?? "kintone-openapi.json"} for ${kintone.baseUrl}. Spec: ${proxy.url}/openapi.json. Health: ${proxy.url}/healthz, ${proxy.url}/readyz. Stop with Ctrl-C.`,
    ),
  );
  await stopped;
  output.info("Stopping: finishing requests in flight…");
  await proxy.close();
  output.info("Proxy stopped.");
  return 0;
}

export function registerServe(program: Command, state: RunState): void {
  defineCommand<ServeFlags>(program, state, {
    name: "serve",
    description:
      "run the proxy the spec's operations call: OData-style requests become Kintone REST API calls",
    shared: {
      config: "config file whose connection settings are read",
      connection: "records",
    },
    options: (command) =>
      command
        .option("--spec <file>", "the spec made by generate (default: kintone-openapi.json)")
        .option("--port <n>", "port to listen on; 0 picks a free one (default: $PORT, else 8080)")
        .option(
          "--host <host>",
          "interface to bind (default: $HOST, else 0.0.0.0 when $PORT is set by a platform, else 127.0.0.1)",
        )
        .option("--no-auth", "check no API keys (listens on 127.0.0.1 only)")
        .option("--cors-origin <origin>", "allow browser calls from this origin (no CORS headers otherwise)")
        .option("--max-kintone-concurrency <n>", "Kintone calls in flight at once (default: 10)")
        .option(
          "--max-cursors <n>",
          "Kintone cursors held at once for listings in a custom order past 10,000 records; Kintone allows 10 per domain (default: 3)",
        )
        .option("--max-connections <n>", "client connections at once; more are refused (default: 1000)")
        .option("--no-access-log", "do not print a JSON access-log line per request")
        .option("--skip-startup-check", "start without asking Kintone for each app of the spec first"),
    env: [
      ["KINTONE_OPENAPI_API_KEYS", "keys callers must present, comma-separated (required unless --no-auth)"],
      [
        "PORT, HOST",
        "where to listen when --port/--host are not given (set by Cloud Run, Heroku, Render, Fly)",
      ],
    ],
    examples: [
      "KINTONE_OPENAPI_API_KEYS=$(openssl rand -hex 24) kintone-openapi serve --spec kintone-openapi.json",
      "PORT=8080 kintone-openapi serve --spec /srv/kintone-openapi.json",
      "kintone-openapi serve --no-auth --port 0   # this machine only, any free port",
    ],
    run: (context, flags) => handleServe(context, flags),
  });
}
