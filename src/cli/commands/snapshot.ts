import { resolve } from "node:path";
import type { Command } from "commander";
import { loadConfig } from "../../config/load-config.js";
import { type ConnectionFlags, parseAppIds, resolveConnection } from "../../config/resolve-options.js";
import { UsageError } from "../../errors.js";
import { SNAPSHOT_FILES } from "../../kintone/snapshot-source.js";
import { writeTreeAtomic } from "../../util/atomic-write.js";
import { addConnectionOptions, collect } from "../connection-options.js";
import { createOutput } from "../output.js";

type SnapshotFlags = ConnectionFlags & { app?: string[]; output?: string; config?: string; quiet?: boolean };

function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/** `kintone-openapi snapshot`: saves app metadata in the snapshot format (design.md §3). */
export async function handleSnapshot(
  flags: SnapshotFlags,
  env = process.env,
  cwd = process.cwd(),
): Promise<number> {
  const output = createOutput({ quiet: flags.quiet === true });
  if (flags.output === undefined)
    throw new UsageError("-o <dir> is required: the directory to save the snapshot in.");
  const { config } = await loadConfig(flags.config, cwd);
  const appIds = flags.app !== undefined ? parseAppIds(flags.app, "--app") : Object.keys(config.apps ?? {});
  if (appIds.length === 0)
    throw new UsageError("--app is required: give one or more app ids, e.g. --app 12,13.");
  const connection = resolveConnection(flags, env, config);
  const { LiveMetadataSource } = await import("../../kintone/live-source.js");
  const source = new LiveMetadataSource(connection);
  const dir = resolve(cwd, flags.output);
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
  output.info(
    `${output.color.green("Saved")} ${apps.length} app${apps.length === 1 ? "" : "s"} to ${flags.output}. Generate from it with: kintone-openapi generate --from ${flags.output}`,
  );
  return 0;
}

export function registerSnapshot(program: Command): void {
  const command = program
    .command("snapshot")
    .description("save the metadata of Kintone apps to a directory, for generate --from and sandbox --data")
    .option("--app <ids>", "app ids, comma-separated or repeated", collect)
    .option("-o, --output <dir>", "directory to write")
    .option("--config <file>", "config file (default kintone-openapi.config.json when present)")
    .option("-q, --quiet", "print only warnings and errors");
  addConnectionOptions(command).action(async (flags: SnapshotFlags) => {
    process.exitCode = await handleSnapshot(flags);
  });
}
