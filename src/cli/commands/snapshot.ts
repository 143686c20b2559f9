import { resolve } from "node:path";
import type { Command } from "commander";
import { parseAppIds, resolveConnection } from "../../config/resolve-options.js";
import { type ExitCode, UsageError } from "../../errors.js";
import { SNAPSHOT_FILES } from "../../kintone/snapshot-source.js";
import { writeTreeAtomic } from "../../util/atomic-write.js";
import { type CommandContext, defineCommand, type RunState } from "../command.js";
import { selfCommand } from "../invocation.js";

type SnapshotFlags = { app?: string[]; output?: string };

function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/** `kintone-openapi snapshot`: saves app metadata in the snapshot format (design.md §3). */
export async function handleSnapshot(context: CommandContext, flags: SnapshotFlags): Promise<ExitCode> {
  const { output } = context;
  if (flags.output === undefined)
    throw new UsageError("-o <dir> is required: the directory to save the snapshot in.");
  const { config } = await context.config();
  const appIds = flags.app !== undefined ? parseAppIds(flags.app, "--app") : Object.keys(config.apps ?? {});
  if (appIds.length === 0)
    throw new UsageError("--app is required: give one or more app ids, e.g. --app 12,13.");
  const connection = resolveConnection(context.connection, context.env, config);
  const { LiveMetadataSource } = await import("../../kintone/live-source.js");
  const source = new LiveMetadataSource(connection);
  const dir = resolve(context.cwd, flags.output);
  output.info(
    output.color.dim(`Reading ${appIds.length} app${appIds.length === 1 ? "" : "s"} from ${source.origin}…`),
  );
  const apps = await source.readApps(appIds, { withLayout: true, withProcessManagement: true });
  const files = new Map<string, string>();
  for (const meta of apps) {
    const id = meta.app.appId;
    files.set(`${id}/${SNAPSHOT_FILES.app}`, json(meta.raw?.app ?? meta.app));
    files.set(`${id}/${SNAPSHOT_FILES.fields}`, json(meta.raw?.fields ?? meta.fields));
    if (meta.layout !== undefined) files.set(`${id}/${SNAPSHOT_FILES.layout}`, json(meta.layout));
    if (meta.processManagement !== undefined)
      files.set(
        `${id}/${SNAPSHOT_FILES.processManagement}`,
        json(meta.raw?.processManagement ?? meta.processManagement),
      );
  }
  await writeTreeAtomic(dir, files);
  context.wrote(flags.output);
  output.info(
    `${output.color.green("Saved")} ${apps.length} app${apps.length === 1 ? "" : "s"} to ${flags.output}. Generate from it with: ${selfCommand()} generate --from ${flags.output}`,
  );
  return 0;
}

export function registerSnapshot(program: Command, state: RunState): void {
  defineCommand<SnapshotFlags>(program, state, {
    name: "snapshot",
    description: "save the metadata of Kintone apps to a directory, for generate --from and sandbox --data",
    shared: {
      config: "config file whose apps are saved when --app is not given",
      quiet: "print only warnings and errors",
      connection: "metadata",
      apps: true,
    },
    options: (command) => command.option("-o, --output <dir>", "directory to write (required)"),
    examples: [
      "kintone-openapi snapshot --app 12,13 -o ./metadata --base-url https://example.cybozu.com",
      "KINTONE_API_TOKEN=... kintone-openapi snapshot -o ./metadata   # the apps of the config file",
    ],
    run: (context, flags) => handleSnapshot(context, flags),
  });
}
