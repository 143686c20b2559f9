import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { SnapshotError } from "../errors.js";
import { SNAPSHOT_FILES, SnapshotMetadataSource } from "../kintone/snapshot-source.js";
import type { FormFields, KintoneApp } from "../kintone/types.js";
import { JsonSyntaxError, parseJsonText } from "../util/json-file.js";

/** A record as Kintone returns it: field code → {type, value}. */
export type StoredRecord = Record<string, { type: string; value: unknown }>;

/** One app of the sandbox, in memory. */
export type SandboxApp = {
  app: KintoneApp;
  /** The form-fields body as the snapshot holds it (served unchanged). */
  fieldsBody: unknown;
  fields: FormFields;
  layoutBody: unknown | undefined;
  records: StoredRecord[];
};

/** Loads a snapshot directory into memory; a broken directory is a SnapshotError naming the file, at start-up. */
export async function loadSandboxData(dir: string): Promise<Map<string, SandboxApp>> {
  const source = new SnapshotMetadataSource(dir);
  const apps = new Map<string, SandboxApp>();
  for (const meta of await source.readApps([], { withLayout: true })) {
    const id = meta.app.appId;
    const recordsPath = join(dir, id, SNAPSHOT_FILES.records);
    let records: StoredRecord[] = [];
    let text: string | undefined;
    try {
      text = await readFile(recordsPath, "utf8");
    } catch {
      text = undefined; // records.json is optional
    }
    if (text !== undefined) {
      let body: unknown;
      try {
        body = parseJsonText(text, recordsPath);
      } catch (error) {
        if (error instanceof JsonSyntaxError) throw new SnapshotError(`${error.message}; fix or remove it.`);
        throw error;
      }
      const list = (body as { records?: unknown }).records;
      if (!Array.isArray(list))
        throw new SnapshotError(
          `${recordsPath}: expected {"records": [...]} as GET /k/v1/records.json returns it.`,
        );
      records = list as StoredRecord[];
    }
    const fieldsBody = JSON.parse(await readFile(join(dir, id, SNAPSHOT_FILES.fields), "utf8")) as unknown;
    apps.set(id, { app: meta.app, fields: meta.fields, fieldsBody, layoutBody: meta.layout, records });
  }
  return apps;
}
