import type { KintoneFormFieldProperty } from "@kintone/rest-api-client";

/** Body of GET /k/v1/app.json (and one entry of /k/v1/apps.json). */
export type KintoneApp = {
  appId: string;
  code: string;
  name: string;
  description: string;
  spaceId: string | null;
  threadId: string | null;
  createdAt?: string;
  creator?: { code: string; name: string };
  modifiedAt?: string;
  modifier?: { code: string; name: string };
};

export type FieldProperty = KintoneFormFieldProperty.OneOf;
export type SubtableFieldProperty = KintoneFormFieldProperty.InSubtable;
export type FieldType = FieldProperty["type"];

/** Body of GET /k/v1/app/form/fields.json. */
export type FormFields = { properties: Record<string, FieldProperty>; revision: string };

/** Body of GET /k/v1/app/status.json: the app's process management settings (kintone-api.md §1.5). */
export type ProcessManagement = {
  enable: boolean;
  states: Record<
    string,
    {
      name: string;
      index: string;
      assignee?: { type: string; entities: Array<{ entity: { type: string; code: string | null } }> };
    }
  > | null;
  actions: Array<{ name: string; from: string; to: string; filterCond?: string; type?: string }> | null;
  revision: string;
};

/** Everything `generate` needs to know about one app. */
export type AppMetadata = {
  app: KintoneApp;
  fields: FormFields;
  /** Body of GET /k/v1/app/form/layout.json, when it was read (snapshots keep it; generate does not need it). */
  layout?: unknown;
  /** The bodies exactly as Kintone returned them, for snapshots (design.md §3: stored unchanged). */
  raw?: { app: unknown; fields: unknown; processManagement?: unknown };
  /** The guest space the app lives in, when it was read through a guest-space URL. */
  guestSpaceId?: string;
  /** Body of GET /k/v1/app/status.json, when it was read (snapshots keep it as process-management.json). */
  processManagement?: ProcessManagement;
};

/** A place to read app metadata from: live Kintone or a snapshot directory. */
export interface MetadataSource {
  /** Human-readable origin, for messages ("https://example.cybozu.com", "snapshot ./meta"). */
  readonly origin: string;
  /** Reads the given apps (all apps the source holds when `appIds` is empty), sorted by numeric app id. */
  readApps(appIds: readonly string[], options?: ReadOptions): Promise<AppMetadata[]>;
}

export type ReadOptions = {
  /** Also read the form layout (snapshot needs it; generate does not). */
  withLayout?: boolean;
  /** Also read the process management settings (snapshot, and generate for the `status` operations). */
  withProcessManagement?: boolean;
  /** Called after each app's metadata is read (for progress lines). */
  onProgress?: (done: number, total: number) => void;
};

/** Field types that exist only in the layout API or carry no record value. */
export const LAYOUT_ONLY_TYPES = ["LABEL", "SPACER", "HR"] as const;

/** Sorts app ids numerically ("2" before "10"). */
export function compareAppIds(a: string, b: string): number {
  return Number(a) - Number(b) || (a < b ? -1 : a > b ? 1 : 0);
}
