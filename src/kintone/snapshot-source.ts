import { readdir, realpath, stat } from "node:fs/promises";
import { join, sep } from "node:path";
import { SnapshotError } from "../errors.js";
import { exists } from "../util/fs.js";
import { JsonSyntaxError, readJsonFile } from "../util/json-file.js";
import {
  MetadataShapeError,
  normalizeApp,
  normalizeFormFields,
  normalizeProcessManagement,
} from "./normalize.js";
import { type AppMetadata, compareAppIds, type MetadataSource, type ReadOptions } from "./types.js";

/** File names of the snapshot directory format (design.md §3). */
export const SNAPSHOT_FILES = {
  app: "app.json",
  fields: "form-fields.json",
  layout: "form-layout.json",
  processManagement: "process-management.json",
  records: "records.json",
} as const;

/** Reads one JSON file of a snapshot, turning every failure into a SnapshotError that names the file. */
async function readSnapshotJson(path: string): Promise<unknown> {
  try {
    return await readJsonFile(path);
  } catch (error) {
    if (error instanceof JsonSyntaxError)
      throw new SnapshotError(`${error.message}; fix or re-create the snapshot.`);
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new SnapshotError(`${path} is missing; every app directory needs it.`);
    throw new SnapshotError(`cannot read ${path} (${code ?? String(error)}).`, { cause: error });
  }
}

/** Runs a shape check, naming the file when it fails. */
function checkShape<T>(file: string, check: () => T): T {
  try {
    return check();
  } catch (error) {
    if (error instanceof MetadataShapeError) throw new SnapshotError(`${file}: ${error.message}.`);
    throw error;
  }
}

/** Metadata from a snapshot directory: `<dir>/<appId>/{app,form-fields,form-layout}.json`. */
export class SnapshotMetadataSource implements MetadataSource {
  readonly origin: string;
  private root: string | undefined;

  constructor(readonly dir: string) {
    this.origin = `snapshot ${dir}`;
  }

  /** The app ids the directory holds, sorted numerically. */
  async listAppIds(): Promise<string[]> {
    let entries: string[];
    try {
      const info = await stat(this.dir);
      if (!info.isDirectory())
        throw new SnapshotError(`${this.dir} is not a directory; --from takes a snapshot directory.`);
      entries = await readdir(this.dir);
    } catch (error) {
      if (error instanceof SnapshotError) throw error;
      throw new SnapshotError(
        `snapshot directory ${this.dir} does not exist; create one with "kintone-openapi snapshot --app <ids> -o ${this.dir}".`,
        { cause: error },
      );
    }
    const ids: string[] = [];
    for (const entry of entries) {
      if (/^[1-9][0-9]*$/.test(entry) && (await stat(join(this.dir, entry))).isDirectory()) ids.push(entry);
    }
    this.root = await realpath(this.dir);
    if (ids.length === 0) {
      throw new SnapshotError(
        `snapshot directory ${this.dir} holds no app directories (expected <dir>/<appId>/form-fields.json).`,
      );
    }
    return ids.sort(compareAppIds);
  }

  async readApps(appIds: readonly string[], options: ReadOptions = {}): Promise<AppMetadata[]> {
    const available = await this.listAppIds();
    const wanted = appIds.length === 0 ? available : [...new Set(appIds)].sort(compareAppIds);
    const missing = wanted.filter((id) => !available.includes(id));
    if (missing.length > 0) {
      throw new SnapshotError(
        `app ${missing.join(", ")} is not in snapshot ${this.dir} (it holds ${available.join(", ")}).`,
      );
    }
    const result: AppMetadata[] = [];
    for (const id of wanted) {
      result.push(await this.readApp(id, options.withLayout ?? false));
      options.onProgress?.(result.length, wanted.length);
    }
    return result;
  }

  /**
   * Refuses a file that resolves (through a symbolic link) outside the snapshot directory: a snapshot is data
   * handed around, and must not make generate read other files of the machine.
   */
  private async inside(path: string): Promise<void> {
    this.root ??= await realpath(this.dir);
    let real: string;
    try {
      real = await realpath(path);
    } catch {
      return; // a missing file is reported where it is read
    }
    if (real !== this.root && !real.startsWith(`${this.root}${sep}`)) {
      throw new SnapshotError(
        `${path} links to a file outside the snapshot directory ${this.dir}; copy the file into the snapshot instead of linking it.`,
      );
    }
  }

  /** Reads one app directory. */
  async readApp(id: string, withLayout: boolean): Promise<AppMetadata> {
    if (!/^[1-9][0-9]*$/.test(id)) throw new SnapshotError(`"${id}" is not an app id (digits only).`);
    const appDir = join(this.dir, id);
    const appPath = join(appDir, SNAPSHOT_FILES.app);
    const fieldsPath = join(appDir, SNAPSHOT_FILES.fields);
    const layoutPath = join(appDir, SNAPSHOT_FILES.layout);
    for (const path of [appDir, appPath, fieldsPath, layoutPath]) await this.inside(path);
    const appBody = await readSnapshotJson(appPath);
    const fieldsBody = await readSnapshotJson(fieldsPath);
    const metadata: AppMetadata = {
      app: checkShape(appPath, () => normalizeApp(appBody, id)),
      fields: checkShape(fieldsPath, () => normalizeFormFields(fieldsBody)),
    };
    if (withLayout && (await exists(layoutPath))) metadata.layout = await readSnapshotJson(layoutPath);
    // Optional: the process management settings, exactly as GET /k/v1/app/status.json returns them.
    const statusPath = join(appDir, SNAPSHOT_FILES.processManagement);
    await this.inside(statusPath);
    if (await exists(statusPath)) {
      const body = await readSnapshotJson(statusPath);
      metadata.processManagement = checkShape(statusPath, () => normalizeProcessManagement(body));
    }
    return metadata;
  }
}
