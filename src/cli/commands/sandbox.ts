import { resolve } from "node:path";
import type { Command } from "commander";
import { parseAppIds, parseNumberOption } from "../../config/resolve-options.js";
import { type ExitCode, UsageError } from "../../errors.js";
import { parseFaults } from "../../sandbox/context.js";
import { SAMPLE_APPS_DIR } from "../../templates.js";
import { type CommandContext, collect, defineCommand, type RunState } from "../command.js";
import { waitForStopSignal } from "../signals.js";

type SandboxFlags = {
  data?: string;
  port?: string;
  host?: string;
  latencyMs?: string;
  username?: string;
  password?: string;
  apiToken?: string[];
  guestSpace?: string[];
  faults?: string;
  slowMs?: string;
};

/** A whole-number option, or its default when not given. */
function whole(value: string | undefined, flag: string, fallback: number, max: number): number {
  return value === undefined ? fallback : parseNumberOption(value, flag, { min: 0, max });
}

/** `kintone-openapi sandbox`: a local Kintone-compatible server (design.md §2, §6). */
export async function handleSandbox({ output, cwd }: CommandContext, flags: SandboxFlags): Promise<ExitCode> {
  const port = whole(flags.port, "--port", 0, 65535);
  const latencyMs = whole(flags.latencyMs, "--latency-ms", 0, 60_000);
  const tokens = (flags.apiToken ?? [])
    .flatMap((value) => value.split(","))
    .map((t) => t.trim())
    .filter(Boolean);
  const data = flags.data !== undefined ? resolve(cwd, flags.data) : SAMPLE_APPS_DIR;
  let faults: ReturnType<typeof parseFaults> | undefined;
  if (flags.faults !== undefined) {
    try {
      faults = parseFaults(flags.faults);
    } catch (error) {
      throw new UsageError(`--faults: ${(error as Error).message}, as in --faults 429:0.3,503:0.1.`);
    }
  }
  const slowMs = whole(flags.slowMs, "--slow-ms", 3000, 600_000);
  const { createSandbox } = await import("../../sandbox/server.js");
  let sandbox: Awaited<ReturnType<typeof createSandbox>>;
  try {
    sandbox = await createSandbox({
      data,
      port,
      host: flags.host ?? "127.0.0.1",
      latencyMs,
      username: flags.username ?? "sandbox",
      password: flags.password ?? "sandbox",
      apiTokens: tokens.map((token) => ({ token, appId: "*" })),
      guestSpaces:
        flags.guestSpace !== undefined ? parseAppIds(flags.guestSpace, "--guest-space", "space ids") : [],
      ...(faults !== undefined ? { faults, slowMs } : {}),
    });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EADDRINUSE") {
      throw new UsageError(
        `port ${port} is already in use: choose another with --port (0 picks a free one).`,
      );
    }
    throw error;
  }
  // Listening for a stop signal before saying so: a supervisor may stop us the moment it reads the line.
  const stopped = waitForStopSignal();
  output.out(`kintone-openapi sandbox listening on ${sandbox.url}`);
  if (faults !== undefined) {
    output.warn(
      `injecting faults: ${Object.entries(faults)
        .map(([kind, rate]) => `${kind} ${Math.round((rate ?? 0) * 100)}%`)
        .join(", ")}.`,
    );
  }
  output.info(
    output.color.dim(
      `Data: ${flags.data ?? "the bundled sample apps"}. Log in as ${flags.username ?? "sandbox"} / ${flags.password === undefined ? "sandbox" : "(the given password)"}${tokens.length > 0 ? `, or with the ${tokens.length} given API token(s)` : ""}. Request counts: ${sandbox.url}/__sandbox/stats. Stop with Ctrl-C.`,
    ),
  );
  await stopped;
  await sandbox.close();
  output.info("Sandbox stopped.");
  return 0;
}

export function registerSandbox(program: Command, state: RunState): void {
  defineCommand<SandboxFlags>(program, state, {
    name: "sandbox",
    description: "run a local Kintone-compatible server over a snapshot directory (default: the sample apps)",
    shared: { quiet: "print only the listening line, warnings and errors" },
    options: (command) =>
      command
        .option("--data <dir>", "snapshot directory to serve (default: the bundled sample apps)")
        .option("--port <n>", "port to listen on; 0 picks a free one (default: 0)")
        .option("--host <host>", "interface to bind (default: 127.0.0.1)")
        .option(
          "--latency-ms <ms>",
          "delay added to every request, to simulate Kintone's round trip (default: 0)",
        )
        .option("--username <name>", "login name to accept (default: sandbox)")
        .option("--password <password>", "password to accept (default: sandbox)")
        .option(
          "--api-token <tokens>",
          "API token(s) to accept for every app, comma-separated or repeated",
          collect,
        )
        .option("--guest-space <ids>", "space ids to treat as guest spaces", collect)
        .option(
          "--faults <rates>",
          "inject faults: kind:rate pairs of 429, 500, 503, slow, reset, lost (e.g. 429:0.3,503:0.1)",
        )
        .option("--slow-ms <ms>", "delay of a slow fault (default: 3000)"),
    examples: [
      "kintone-openapi sandbox --port 8000",
      "kintone-openapi sandbox --data ./metadata --api-token tok1 --latency-ms 50",
    ],
    run: (context, flags) => handleSandbox(context, flags),
  });
}
