import { randomUUID } from "node:crypto";
import {
  type ApiRequest,
  appFor,
  arrayParam,
  type Handler,
  intParam,
  type SandboxState,
} from "../context.js";
import { invalidInput, KintoneApiError } from "../errors.js";
import { compileQuery, invalidQuery, type QueryEnv } from "../query/compile-query.js";
import { parseQuery, QuerySyntaxError } from "../query/parse-query.js";
import {
  type Actor,
  buildNewRecord,
  buildUpdatedRecord,
  kintoneDateTime,
  updateKeyField,
  type WriteContext,
} from "../records.js";
import type { SandboxApp, StoredRecord } from "../store.js";

/** Kintone's limits (kintone-api.md §3). */
export const LIMITS = {
  recordsPerWrite: 100,
  bulkRequests: 20,
  cursorSize: 500,
  cursors: 10,
  cursorLifetimeMs: 10 * 60_000,
};

export type Cursor = {
  appId: string;
  ids: number[];
  fields: string[] | undefined;
  size: number;
  position: number;
  expires: number;
};

/** Pending writes of one request (or one bulkRequest), committed together or not at all. */
class Transaction {
  private readonly drafts = new Map<
    SandboxApp,
    { records: Map<number, StoredRecord>; nextId: number; nextRowId: number }
  >();

  records(app: SandboxApp): Map<number, StoredRecord> {
    let draft = this.drafts.get(app);
    if (draft === undefined) {
      draft = { records: new Map(app.records), nextId: app.nextId, nextRowId: app.nextRowId };
      this.drafts.set(app, draft);
    }
    return draft.records;
  }

  commit(): void {
    for (const [app, draft] of this.drafts) app.records = draft.records;
  }

  rollback(): void {
    for (const [app, draft] of this.drafts) {
      app.nextId = draft.nextId;
      app.nextRowId = draft.nextRowId;
    }
  }
}

function actorOf(ctx: ApiRequest): Actor {
  if (ctx.caller.kind === "user") return { code: ctx.caller.login, name: ctx.caller.login };
  if (ctx.caller.kind === "token") return { code: "Administrator", name: "Administrator" };
  return { code: "sandbox", name: "sandbox" };
}

function writeContext(ctx: ApiRequest, state: SandboxState): WriteContext {
  return {
    apps: state.apps,
    actor: actorOf(ctx),
    now: state.options.now?.() ?? new Date(),
    names: state.names,
    storeUpload: (fileKey) => {
      const upload = state.files.get(fileKey);
      if (upload === undefined || !upload.temporary) return undefined;
      const key = randomUUID().replace(/-/g, "");
      state.files.set(key, { ...upload, temporary: false });
      return {
        contentType: upload.contentType,
        fileKey: key,
        name: upload.name,
        size: String(upload.data.length),
      };
    },
  };
}

function queryEnv(app: SandboxApp, ctx: ApiRequest, state: SandboxState): QueryEnv {
  return {
    fields: app.index,
    user: actorOf(ctx).code,
    now: state.options.now?.() ?? new Date(),
    offsetMinutes: state.options.timeZoneOffsetMinutes ?? 0,
  };
}

function recordId(value: unknown, name = "id"): number {
  if (value === undefined || value === null || value === "")
    throw invalidInput({ [name]: ["Required field."] });
  const id = Number(value);
  if (!Number.isInteger(id)) throw invalidInput({ [name]: ["Enter an integer value."] });
  if (id < 1) throw invalidInput({ [name]: ["must be greater than or equal to 1"] });
  return id;
}

const notFound = (id: number | string) =>
  new KintoneApiError(404, "GAIA_RE01", `The specified record (ID: ${id}) is not found.`);
const conflict = () =>
  new KintoneApiError(
    409,
    "GAIA_CO02",
    "The revision is not the latest. Someone may update a record after you opened it.",
  );

function checkRevision(record: StoredRecord, revision: unknown): void {
  if (revision === undefined || revision === null || revision === "" || Number(revision) === -1) return;
  if (String(revision) !== String(record.$revision?.value)) throw conflict();
}

/** Returns only the requested fields (always by code; unknown codes are ignored, as Kintone does). */
function project(record: StoredRecord, fields: string[] | undefined): StoredRecord {
  if (fields === undefined || fields.length === 0) return record;
  const out: StoredRecord = {};
  for (const code of fields) if (record[code] !== undefined) out[code] = record[code];
  return out;
}

function parseOrFail(text: string) {
  try {
    return parseQuery(text);
  } catch (error) {
    if (error instanceof QuerySyntaxError)
      throw invalidQuery(`${error.message} at character ${error.position + 1}`);
    throw error;
  }
}

/** The records matching a query, sorted, before limit/offset. */
function select(
  app: SandboxApp,
  records: Map<number, StoredRecord>,
  text: string,
  ctx: ApiRequest,
  state: SandboxState,
) {
  const compiled = compileQuery(parseOrFail(text), queryEnv(app, ctx, state));
  const matching = [...records.values()].filter(compiled.filter).sort(compiled.compare);
  return { matching, compiled };
}

function inputOf(value: unknown, key: string): Record<string, { value?: unknown }> {
  if (value === undefined || value === null) return {};
  if (typeof value !== "object" || Array.isArray(value))
    throw invalidInput({ [key]: ["Specify an object of field codes."] });
  return value as Record<string, { value?: unknown }>;
}

function listParam(value: unknown, name: string, max: number, what: string): unknown[] {
  const list = Array.isArray(value)
    ? value
    : typeof value === "object" && value !== null
      ? Object.values(value)
      : undefined;
  if (list === undefined || list.length === 0)
    throw invalidInput({ [name]: [`Between 1 and ${max} ${what} at one time.`, "Required field."] });
  if (list.length > max)
    throw invalidInput({
      [name]: [`A maximum of ${max} records can be ${what.split(" ").pop()} at one time.`],
    });
  return list;
}

/** Runs a write inside a transaction of its own unless one is given (bulkRequest gives one). */
function inTransaction<T>(tx: Transaction | undefined, run: (tx: Transaction) => T): T {
  if (tx !== undefined) return run(tx);
  const own = new Transaction();
  try {
    const result = run(own);
    own.commit();
    return result;
  } catch (error) {
    own.rollback();
    throw error;
  }
}

type WriteHandler = (ctx: ApiRequest, state: SandboxState, tx?: Transaction) => unknown;

const getRecord: Handler = (ctx, state) => {
  const app = appFor(ctx, state, ctx.params.app, "view");
  const id = recordId(ctx.params.id);
  const record = app.records.get(id);
  if (record === undefined) throw notFound(id);
  return { record };
};

const getRecords: Handler = (ctx, state) => {
  const app = appFor(ctx, state, ctx.params.app, "view");
  const query = typeof ctx.params.query === "string" ? ctx.params.query : "";
  const { matching, compiled } = select(app, app.records, query, ctx, state);
  const limit = compiled.limit ?? 100;
  const page = matching.slice(compiled.offset, compiled.offset + limit);
  const fields = arrayParam(ctx.params.fields);
  const total = ctx.params.totalCount === true || ctx.params.totalCount === "true";
  return {
    records: page.map((record) => project(record, fields)),
    totalCount: total ? String(matching.length) : null,
  };
};

const addRecord: WriteHandler = (ctx, state, tx) => {
  const app = appFor(ctx, state, ctx.params.app, "add");
  return inTransaction(tx, (t) => {
    const records = t.records(app);
    const id = app.nextId++;
    records.set(
      id,
      buildNewRecord(
        app,
        records,
        inputOf(ctx.params.record, "record"),
        id,
        "record",
        writeContext(ctx, state),
      ),
    );
    return { id: String(id), revision: "1" };
  });
};

const addRecords: WriteHandler = (ctx, state, tx) => {
  const app = appFor(ctx, state, ctx.params.app, "add");
  const list = listParam(ctx.params.records, "records", LIMITS.recordsPerWrite, "records can be added");
  return inTransaction(tx, (t) => {
    const records = t.records(app);
    const write = writeContext(ctx, state);
    const ids: string[] = [];
    list.forEach((input, i) => {
      const id = app.nextId++;
      records.set(
        id,
        buildNewRecord(app, records, inputOf(input, `records[${i}]`), id, `records[${i}]`, write),
      );
      ids.push(String(id));
    });
    return { ids, revisions: ids.map(() => "1") };
  });
};

/** Finds the record an update targets, by `id` or by `updateKey`. */
function target(
  app: SandboxApp,
  records: Map<number, StoredRecord>,
  item: Record<string, unknown>,
  prefix: string,
): StoredRecord | undefined {
  if (item.updateKey !== undefined) {
    const key = item.updateKey as { field?: unknown; value?: unknown };
    const info = updateKeyField(app, key.field, prefix);
    return [...records.values()].find(
      (record) => String(record[info.code]?.value ?? "") === String(key.value ?? ""),
    );
  }
  const id = recordId(item.id, `${prefix}id`);
  return records.get(id);
}

function update(
  app: SandboxApp,
  records: Map<number, StoredRecord>,
  item: Record<string, unknown>,
  prefix: string,
  ctx: ApiRequest,
  state: SandboxState,
) {
  const existing = target(app, records, item, prefix);
  if (existing === undefined) {
    const key = item.updateKey as { value?: unknown } | undefined;
    throw notFound(key !== undefined ? String(key.value) : String(item.id));
  }
  checkRevision(existing, item.revision);
  const updated = buildUpdatedRecord(
    app,
    records,
    existing,
    inputOf(item.record, `${prefix}record`),
    prefix ? `${prefix}record` : "record",
    writeContext(ctx, state),
  );
  records.set(Number(existing.$id?.value), updated);
  return updated;
}

const updateRecord: WriteHandler = (ctx, state, tx) => {
  const app = appFor(ctx, state, ctx.params.app, "edit");
  if (ctx.params.id === undefined && ctx.params.updateKey === undefined)
    throw invalidInput({ id: ["Required field."] });
  return inTransaction(tx, (t) => ({
    revision: update(app, t.records(app), ctx.params, "", ctx, state).$revision?.value,
  }));
};

const updateRecords: WriteHandler = (ctx, state, tx) => {
  const app = appFor(ctx, state, ctx.params.app, "edit");
  const list = listParam(ctx.params.records, "records", LIMITS.recordsPerWrite, "records can be updated");
  const upsert = ctx.params.upsert === true || ctx.params.upsert === "true";
  // Upsert mode may add records: Kintone asks for the app's add permission too (update-records page).
  if (upsert) appFor(ctx, state, ctx.params.app, "add");
  list.forEach((raw, i) => {
    const item = (raw ?? {}) as Record<string, unknown>;
    if (item.id !== undefined && item.id !== null && item.updateKey !== undefined && item.updateKey !== null)
      throw invalidInput({ [`records[${i}].id`]: ["Specify either id or updateKey, not both."] });
  });
  return inTransaction(tx, (t) => {
    const records = t.records(app);
    const results = list.map((raw, i) => {
      const item = (raw ?? {}) as Record<string, unknown>;
      const prefix = `records[${i}].`;
      // In upsert mode a record that neither `updateKey` nor `id` finds is added, with an id of the sandbox's
      // choosing: cli-kintone's `import --update-key <record number>` sends rows without a number as made-up ids
      // counting down from Number.MAX_SAFE_INTEGER, and rows of deleted records with their old ids.
      if (upsert && target(app, records, item, prefix) === undefined) {
        const key = item.updateKey as { field: string; value: unknown } | undefined;
        const id = app.nextId++;
        const input = {
          ...inputOf(item.record, `${prefix}record`),
          ...(key !== undefined ? { [key.field]: { value: key.value } } : {}),
        };
        records.set(id, buildNewRecord(app, records, input, id, `records[${i}]`, writeContext(ctx, state)));
        return { id: String(id), revision: "1", operation: "INSERT" };
      }
      const updated = update(app, records, item, prefix, ctx, state);
      return {
        id: updated.$id?.value,
        revision: updated.$revision?.value,
        ...(upsert ? { operation: "UPDATE" } : {}),
      };
    });
    return { records: results };
  });
};

const deleteRecords: WriteHandler = (ctx, state, tx) => {
  const app = appFor(ctx, state, ctx.params.app, "delete");
  const ids = listParam(ctx.params.ids, "ids", LIMITS.recordsPerWrite, "records can be deleted").map((id) =>
    recordId(id, "ids"),
  );
  // A null revision means "any" (the official cli-kintone sends [null, …]); keep it null, not the text "null".
  const rawRevisions = ctx.params.revisions;
  const revisions: unknown[] | undefined = Array.isArray(rawRevisions)
    ? rawRevisions
    : arrayParam(rawRevisions);
  return inTransaction(tx, (t) => {
    const records = t.records(app);
    ids.forEach((id, i) => {
      const record = records.get(id);
      if (record === undefined) throw notFound(id);
      if (revisions !== undefined) checkRevision(record, revisions[i]);
      records.delete(id);
    });
    return {};
  });
};

function liveCursors(state: SandboxState): Map<string, Cursor> {
  const now = Date.now();
  for (const [id, cursor] of state.cursors) if (cursor.expires < now) state.cursors.delete(id);
  return state.cursors;
}

const createCursor: Handler = (ctx, state) => {
  const app = appFor(ctx, state, ctx.params.app, "view");
  const size = intParam(ctx.params.size, "size", 100, 1, LIMITS.cursorSize);
  const query = typeof ctx.params.query === "string" ? ctx.params.query : "";
  const parsed = parseOrFail(query);
  if (parsed.limit !== undefined || parsed.offset !== undefined) {
    throw invalidInput({ query: ["limit and offset cannot be used in the query of a cursor."] });
  }
  const cursors = liveCursors(state);
  if (cursors.size >= LIMITS.cursors) {
    // Kintone answers 429 GAIA_TM12 (observed by public clients that retry on it; kintone-api.md §3 has the limit).
    throw new KintoneApiError(
      429,
      "GAIA_TM12",
      `No more than ${LIMITS.cursors} cursors can exist at once. Delete cursors you no longer need, or try again later.`,
    );
  }
  const { matching } = select(app, app.records, query, ctx, state);
  const id = randomUUID();
  const fields = arrayParam(ctx.params.fields);
  cursors.set(id, {
    appId: app.app.appId,
    ids: matching.map((r) => Number(r.$id?.value)),
    fields,
    size,
    position: 0,
    expires: Date.now() + LIMITS.cursorLifetimeMs,
  });
  return { id, totalCount: String(matching.length) };
};

function cursorOf(ctx: ApiRequest, state: SandboxState): [string, Cursor] {
  const id = typeof ctx.params.id === "string" ? ctx.params.id : "";
  const cursor = liveCursors(state).get(id);
  if (cursor === undefined)
    throw new KintoneApiError(400, "GAIA_CU02", `The cursor (ID: ${id}) does not exist, or it expired.`);
  return [id, cursor];
}

const getCursor: Handler = (ctx, state) => {
  const [id, cursor] = cursorOf(ctx, state);
  const app = appFor(ctx, state, cursor.appId, "view");
  const slice = cursor.ids.slice(cursor.position, cursor.position + cursor.size);
  cursor.position += slice.length;
  cursor.expires = Date.now() + LIMITS.cursorLifetimeMs;
  const next = cursor.position < cursor.ids.length;
  if (!next) state.cursors.delete(id);
  const records = slice
    .map((recordId) => app.records.get(recordId))
    .filter((r): r is StoredRecord => r !== undefined);
  return { records: records.map((record) => project(record, cursor.fields)), next };
};

const deleteCursor: Handler = (ctx, state) => {
  const [id] = cursorOf(ctx, state);
  state.cursors.delete(id);
  return {};
};

/**
 * Whether a record meets an action's condition (`filterCond`, a query condition). A condition naming fields the
 * app does not have (the documentation's sample settings do) is not enforced.
 */
function meetsCondition(
  app: SandboxApp,
  record: StoredRecord,
  condition: string | undefined,
  ctx: ApiRequest,
  state: SandboxState,
): boolean {
  if (condition === undefined || condition.trim() === "") return true;
  try {
    return compileQuery(parseQuery(condition), queryEnv(app, ctx, state)).filter(record);
  } catch {
    return true;
  }
}

/**
 * Runs a process management action on one record (PUT /k/v1/record/status.json): the action must start from the
 * record's status (400 GAIA_IL03 otherwise), and the app must have process management on (400 GAIA_ST02). The
 * status moves to the action's `to`, the assignees to the one given or the new status's users; the revision goes up
 * by 2, as Kintone's does (kintone-api.md §1.5).
 */
function runAction(
  app: SandboxApp,
  records: Map<number, StoredRecord>,
  item: Record<string, unknown>,
  prefix: string,
  ctx: ApiRequest,
  state: SandboxState,
): StoredRecord {
  const settings = app.processManagement;
  if (settings === undefined || !settings.enable)
    throw new KintoneApiError(400, "GAIA_ST02", "The process management feature is disabled.");
  const id = recordId(item.id, `${prefix}id`);
  const existing = records.get(id);
  if (existing === undefined) throw notFound(id);
  checkRevision(existing, item.revision);
  if (typeof item.action !== "string" || item.action === "")
    throw invalidInput({ [`${prefix}action`]: ["Required field."] });
  const status = Object.values(existing).find((field) => field.type === "STATUS");
  const current = String(status?.value ?? "");
  const action = (settings.actions ?? []).find((a) => a.name === item.action && a.from === current);
  if (action === undefined || !meetsCondition(app, existing, action.filterCond, ctx, state))
    throw new KintoneApiError(
      400,
      "GAIA_IL03",
      `The specified action "${item.action}" cannot be run from the status "${current}" on this record.`,
    );
  const write = writeContext(ctx, state);
  const next: StoredRecord = { ...existing };
  let assignees: Array<{ code: string; name: string }> = [];
  if (typeof item.assignee === "string" && item.assignee !== "")
    assignees = [{ code: item.assignee, name: state.names.get(item.assignee) ?? item.assignee }];
  else
    assignees = (settings.states?.[action.to]?.assignee?.entities ?? [])
      .filter((e) => e.entity.type === "USER" && typeof e.entity.code === "string")
      .map((e) => ({
        code: e.entity.code as string,
        name: state.names.get(e.entity.code as string) ?? (e.entity.code as string),
      }));
  for (const [code, field] of Object.entries(existing)) {
    if (field.type === "STATUS") next[code] = { type: "STATUS", value: action.to };
    if (field.type === "STATUS_ASSIGNEE") next[code] = { type: "STATUS_ASSIGNEE", value: assignees };
    if (field.type === "MODIFIER") next[code] = { type: "MODIFIER", value: { ...write.actor } };
    if (field.type === "UPDATED_TIME")
      next[code] = { type: "UPDATED_TIME", value: kintoneDateTime(write.now) };
  }
  next.$revision = { type: "__REVISION__", value: String(Number(existing.$revision?.value ?? 0) + 2) };
  records.set(id, next);
  return next;
}

const updateStatus: WriteHandler = (ctx, state, tx) => {
  const app = appFor(ctx, state, ctx.params.app, "edit");
  return inTransaction(tx, (t) => ({
    revision: runAction(app, t.records(app), ctx.params, "", ctx, state).$revision?.value,
  }));
};

const updateStatuses: WriteHandler = (ctx, state, tx) => {
  const app = appFor(ctx, state, ctx.params.app, "edit");
  const list = listParam(ctx.params.records, "records", LIMITS.recordsPerWrite, "records can be updated");
  return inTransaction(tx, (t) => ({
    records: list.map((raw, i) => {
      const updated = runAction(
        app,
        t.records(app),
        (raw ?? {}) as Record<string, unknown>,
        `records[${i}].`,
        ctx,
        state,
      );
      return { id: updated.$id?.value, revision: updated.$revision?.value };
    }),
  }));
};

const BULK_APIS: Record<string, WriteHandler> = {
  "PUT record/status": updateStatus,
  "PUT records/status": updateStatuses,
  "POST record": addRecord,
  "POST records": addRecords,
  "PUT record": updateRecord,
  "PUT records": updateRecords,
  "DELETE records": deleteRecords,
};

/** All-or-nothing: the failing request's error sits at its index; the others are `{}` (kintone-api.md §1.9). */
const bulkRequest: Handler = (ctx, state) => {
  const requests = ctx.params.requests;
  if (!Array.isArray(requests) || requests.length === 0)
    throw invalidInput({ requests: ["Required field."] });
  if (requests.length > LIMITS.bulkRequests) {
    throw invalidInput({
      requests: [`A maximum of ${LIMITS.bulkRequests} requests can be sent at one time.`],
    });
  }
  const tx = new Transaction();
  const results: unknown[] = [];
  for (const [index, raw] of requests.entries()) {
    const request = (raw ?? {}) as { method?: unknown; api?: unknown; payload?: unknown };
    const api = /^\/k(?:\/guest\/[1-9][0-9]*)?\/v1\/(.+)\.json$/.exec(String(request.api ?? ""))?.[1];
    const handler = BULK_APIS[`${String(request.method ?? "").toUpperCase()} ${api ?? ""}`];
    try {
      if (handler === undefined)
        throw invalidInput({ [`requests[${index}].api`]: ["This API cannot be used in a bulk request."] });
      results.push(
        handler({ ...ctx, params: (request.payload ?? {}) as Record<string, unknown> }, state, tx),
      );
    } catch (error) {
      tx.rollback();
      if (!(error instanceof KintoneApiError)) throw error;
      const body = requests.map((_, i) => (i === index ? error.body() : {}));
      throw new BulkRequestError(error.status, body);
    }
  }
  tx.commit();
  return { results };
};

/** A failed bulk request: the HTTP status of the failing request with every index's result. */
export class BulkRequestError extends KintoneApiError {
  constructor(
    status: number,
    readonly results: unknown[],
  ) {
    super(status, "BULK", "bulk request failed");
  }

  override body(): Record<string, unknown> {
    return { results: this.results };
  }
}

export const RECORD_ROUTES: Record<string, Handler> = {
  "GET record": getRecord,
  "POST record": addRecord,
  "PUT record": updateRecord,
  "GET records": getRecords,
  "POST records": addRecords,
  "PUT records": updateRecords,
  "DELETE records": deleteRecords,
  "POST records/cursor": createCursor,
  "GET records/cursor": getCursor,
  "DELETE records/cursor": deleteCursor,
  "POST bulkRequest": bulkRequest,
  "PUT record/status": updateStatus,
  "PUT records/status": updateStatuses,
};
