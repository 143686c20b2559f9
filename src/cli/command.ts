import { type Command, Option } from "commander";
import { type LoadedConfig, loadConfig } from "../config/load-config.js";
import type { ConnectionFlags, Env } from "../config/resolve-options.js";
import type { ExitCode } from "../errors.js";
import { createOutput, type Output } from "./output.js";

/** What one run of the CLI leaves behind for main(): its exit code, the files it wrote, and --debug. */
export type RunState = { exitCode: ExitCode; written: string[]; debug: boolean };

/** Options shared by several commands: declared here, once, and resolved here, once. */
export type SharedOptions = {
  /** `--json`, with what it prints. */
  json?: string;
  /** `--config <file>`, with what the command reads from it. */
  config?: string;
  /** `-q, --quiet`, with what still gets through. */
  quiet?: string;
  /** The connection options of design.md §2: all of them to read metadata, fewer to serve records. */
  connection?: "metadata" | "records";
  /** `--app <ids>` (repeatable), the apps to read metadata of. */
  apps?: true;
};

/** Everything a command's handler gets besides its own flags. */
export type CommandContext = {
  output: Output;
  /** Only the environment variables the command declares (and so lists in its --help). */
  env: Env;
  cwd: string;
  json: boolean;
  quiet: boolean;
  /** The config file (--config, else kintone-openapi.config.json when present), loaded once, on first use. */
  config(): Promise<LoadedConfig>;
  /** The connection flags as given (resolveConnection merges them with env and the config file). */
  connection: ConnectionFlags;
  /** Records a file the run wrote, so that a Ctrl-C after it can say so. */
  wrote(path: string): void;
};

export type CommandSpec<Flags> = {
  name: string;
  description: string;
  arguments?: ReadonlyArray<readonly [name: string, description: string]>;
  shared?: SharedOptions;
  /** The command's own options. */
  options?: (command: Command) => void;
  /** Environment variables the command reads (besides the connection ones), with what each means. */
  env?: ReadonlyArray<readonly [name: string, meaning: string]>;
  /** Two or three command lines, printed last in --help. */
  examples: readonly string[];
  /** Runs the command; `args` are its arguments in order (undefined when an optional one is not given). */
  run(context: CommandContext, flags: Flags, args: ReadonlyArray<string | undefined>): Promise<ExitCode>;
};

/** Read by every command: colours (output.ts). */
const COLOR_ENV = [["NO_COLOR, FORCE_COLOR", "turn colours off, or on when not on a terminal"]] as const;

/** Read through the HTTP client of every command that calls Kintone. */
const PROXY_ENV = [
  ["HTTPS_PROXY, HTTP_PROXY, NO_PROXY", "an outbound proxy for the calls to Kintone"],
] as const;

const CONNECTION_ENV = {
  metadata: [
    ["KINTONE_BASE_URL", "the Kintone domain (--base-url)"],
    ["KINTONE_USERNAME, KINTONE_PASSWORD", "password auth (--username, --password)"],
    ["KINTONE_API_TOKEN", "API token(s), comma-separated (--api-token)"],
    ["KINTONE_OAUTH_TOKEN", "OAuth access token (--oauth-token)"],
    ["KINTONE_BASIC_AUTH_USERNAME, KINTONE_BASIC_AUTH_PASSWORD", "basic auth in front of the domain"],
    ["KINTONE_PFX_FILE_PATH, KINTONE_PFX_FILE_PASSWORD", "client certificate"],
    ["KINTONE_GUEST_SPACE_ID", "guest space of the apps (--guest-space-id)"],
  ],
} as const;

/** The connection env vars of a command that serves records: no guest space (it comes from the spec). */
function connectionEnv(kind: "metadata" | "records") {
  const all = CONNECTION_ENV.metadata;
  return kind === "metadata" ? all : all.filter(([name]) => name !== "KINTONE_GUEST_SPACE_ID");
}

/** The names in an env table ("A, B" lists two). */
function names(table: ReadonlyArray<readonly [string, string]>): string[] {
  return table.flatMap(([name]) => name.split(/,\s*/));
}

/** The declared variables of `env`, and the lower-case spelling of the proxy ones (which HTTP clients read too). */
function pickEnv(env: NodeJS.ProcessEnv, declared: readonly string[]): Env {
  const picked: Record<string, string | undefined> = {};
  for (const name of declared) {
    for (const spelling of name.endsWith("_PROXY") ? [name, name.toLowerCase()] : [name]) {
      if (env[spelling] !== undefined) picked[spelling] = env[spelling];
    }
  }
  return picked;
}

/** Declares the connection options of design.md §2, each naming its environment variable. */
function addConnectionOptions(command: Command, kind: "metadata" | "records"): void {
  command
    .addOption(
      new Option(
        "--base-url <url>",
        "Kintone domain, e.g. https://example.cybozu.com (env: KINTONE_BASE_URL)",
      ),
    )
    .addOption(new Option("-u, --username <name>", "login name for password auth (env: KINTONE_USERNAME)"))
    .addOption(new Option("-p, --password <password>", "password (env: KINTONE_PASSWORD)"))
    .addOption(new Option("--api-token <tokens>", "API token(s), comma-separated (env: KINTONE_API_TOKEN)"))
    .addOption(new Option("--oauth-token <token>", "OAuth access token (env: KINTONE_OAUTH_TOKEN)"))
    .addOption(
      new Option("--basic-auth-username <name>", "basic auth user (env: KINTONE_BASIC_AUTH_USERNAME)"),
    )
    .addOption(
      new Option(
        "--basic-auth-password <password>",
        "basic auth password (env: KINTONE_BASIC_AUTH_PASSWORD)",
      ),
    )
    .addOption(new Option("--pfx-file-path <file>", "client certificate (env: KINTONE_PFX_FILE_PATH)"))
    .addOption(
      new Option(
        "--pfx-file-password <password>",
        "client certificate password (env: KINTONE_PFX_FILE_PASSWORD)",
      ),
    )
    .addOption(new Option("--timeout <seconds>", "timeout of one Kintone request (default: 30)"));
  if (kind === "records") return;
  command
    .addOption(new Option("--guest-space-id <id>", "guest space of the apps (env: KINTONE_GUEST_SPACE_ID)"))
    .addOption(new Option("--preview", "read the pre-deploy (preview) settings"))
    .addOption(new Option("--concurrency <n>", "metadata requests in flight at once (default: 8)"));
}

/** The help text after the options: the environment variables, then the examples (always last). */
function helpAfter(env: ReadonlyArray<readonly [string, string]>, examples: readonly string[]): string {
  const width = Math.min(Math.max(...env.map(([name]) => name.length)) + 2, 36);
  const lines = ["", "Environment variables:"];
  for (const [name, meaning] of env) {
    lines.push(
      name.length + 2 > width
        ? `  ${name}\n  ${" ".repeat(width)}${meaning}`
        : `  ${name.padEnd(width)}${meaning}`,
    );
  }
  lines.push("", "Examples:", ...examples.map((example) => `  ${example}`));
  return lines.join("\n");
}

/**
 * Adds a command to the program through the one command wrapper: declares the shared options it asks for, lists
 * the environment variables it reads and its examples in --help, builds its context (output, env, config loaded
 * once), runs it, and hands its exit code to main() through `state`.
 */
export function defineCommand<Flags extends object>(
  program: Command,
  state: RunState,
  spec: CommandSpec<Flags>,
): Command {
  const command = program.command(spec.name).description(spec.description);
  for (const [name, description] of spec.arguments ?? []) command.argument(name, description);
  spec.options?.(command);
  const shared = spec.shared ?? {};
  if (shared.json !== undefined) command.option("--json", shared.json);
  if (shared.config !== undefined)
    command.option("--config <file>", `${shared.config} (default: kintone-openapi.config.json when present)`);
  if (shared.quiet !== undefined) command.option("-q, --quiet", shared.quiet);
  if (shared.apps !== undefined)
    command.option(
      "--app <ids>",
      "app ids, comma-separated or repeated (default: the apps in the config file)",
      collect,
    );
  if (shared.connection !== undefined) addConnectionOptions(command, shared.connection);
  const env = [
    ...(spec.env ?? []),
    ...(shared.connection !== undefined ? connectionEnv(shared.connection) : []),
    ...(shared.connection !== undefined ? PROXY_ENV : []),
    ...COLOR_ENV,
  ];
  command.addHelpText("after", helpAfter(env, spec.examples));
  command.action(async (...parameters: unknown[]) => {
    const self = parameters[parameters.length - 1] as Command;
    const flags = self.opts() as Flags & {
      json?: boolean;
      quiet?: boolean;
      config?: string;
    } & ConnectionFlags;
    const args = parameters.slice(0, -2) as Array<string | undefined>;
    state.debug = self.optsWithGlobals().debug === true;
    const json = flags.json === true;
    const quiet = flags.quiet === true;
    const cwd = process.cwd();
    let loaded: Promise<LoadedConfig> | undefined;
    const context: CommandContext = {
      output: createOutput({ quiet: quiet || json }),
      env: pickEnv(process.env, names(env)),
      cwd,
      json,
      quiet,
      config: () => {
        loaded ??= loadConfig(flags.config, cwd);
        return loaded;
      },
      connection: flags,
      wrote: (path) => state.written.push(path),
    };
    state.exitCode = await spec.run(context, flags, args);
  });
  return command;
}

/** Collects repeatable options (`--app 1 --app 2,3`). */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}
