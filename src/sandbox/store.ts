import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { SnapshotError } from "../errors.js";
import { SNAPSHOT_FILES, SnapshotMetadataSource } from "../kintone/snapshot-source.js";
import type { FormFields, KintoneApp, ProcessManagement } from "../kintone/types.js";
import { JsonSyntaxError, parseJsonText } from "../util/json-file.js";
import { type FieldInfo, indexFields } from "./fields.js";

/** A record as Kintone returns it: field code → {type, value}. */
export type StoredRecord = Record<string, { type: string; value: unknown }>;

/** One app of the sandbox, in memory. */
export type SandboxApp = {
  app: KintoneApp;
  /** The form-fields body as the snapshot holds it (served unchanged). */
  fieldsBody: unknown;
  fields: FormFields;
  layoutBody: unknown | undefined;
  /** Fields by code (top level, in tables, and `$id`). */
  index: Map<string, FieldInfo>;
  /** Records by id, in insertion order. Replaced whole by a committed write, so a failed batch leaves it as it was. */
  records: Map<number, StoredRecord>;
  nextId: number;
  nextRowId: number;
  /** The process management settings of the snapshot (process-management.json), when it has them. */
  processManagement?: ProcessManagement;
  /** Comments by record id, oldest first. */
  comments: Map<number, SandboxComment[]>;
  nextCommentId: number;
};

/** A record comment as GET /k/v1/record/comments.json returns it. */
export type SandboxComment = {
  id: string;
  text: string;
  createdAt: string;
  creator: { code: string; name: string };
  mentions: Array<{ code: string; type: string }>;
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
    const byId = new Map<number, StoredRecord>();
    let maxRow = 0;
    for (const [index, record] of records.entries()) {
      const recordId = Number(record.$id?.value);
      if (!Number.isInteger(recordId) || recordId < 1 || byId.has(recordId)) {
        throw new SnapshotError(
          `${recordsPath}: record ${index} has no unique "$id" (a positive whole number).`,
        );
      }
      byId.set(recordId, record);
      for (const field of Object.values(record)) {
        if (field.type !== "SUBTABLE" || !Array.isArray(field.value)) continue;
        for (const row of field.value as Array<{ id?: string }>)
          maxRow = Math.max(maxRow, Number(row.id) || 0);
      }
    }
    apps.set(id, {
      app: meta.app,
      fields: meta.fields,
      fieldsBody,
      layoutBody: meta.layout,
      index: indexFields(meta.fields),
      records: byId,
      nextId: Math.max(0, ...byId.keys()) + 1,
      nextRowId: maxRow + 1,
      ...(meta.processManagement !== undefined ? { processManagement: meta.processManagement } : {}),
      comments: new Map(),
      nextCommentId: 1,
    });
  }
  return apps;
}
