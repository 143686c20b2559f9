import type { KintoneFormFieldProperty } from "@kintone/rest-api-client";
import {
  FIELD_KINDS,
  type FieldKindFacts,
  isAutoCalculatedText,
  isFieldKind,
  lookupOf,
  lookupTargets,
} from "../kintone/field-types.js";
import type { FieldProperty, SubtableFieldProperty } from "../kintone/types.js";
import { evaluateFormula, formatNumber } from "./calc.js";
import { invalidInput, KintoneApiError } from "./errors.js";
import type { FieldInfo } from "./fields.js";
import type { SandboxApp, StoredRecord } from "./store.js";

/** Who is writing: shown in CREATOR/MODIFIER. API-token writes are logged as "Administrator" (kintone-api.md §5.1). */
export type Actor = { code: string; name: string };

/** Everything a write needs besides the app. */
export type WriteContext = {
  apps: ReadonlyMap<string, SandboxApp>;
  actor: Actor;
  now: Date;
  /** Known user, organization and group names by code, to fill `name` in entity values. */
  names: ReadonlyMap<string, string>;
  /**
   * Stores a copy of an uploaded file under a new key and describes it, or undefined when `fileKey` is no upload
   * (absent: uploads are not known, and unknown keys are kept as they are).
   */
  storeUpload?: (
    fileKey: string,
  ) => { contentType: string; fileKey: string; name: string; size: string } | undefined;
};

type Input = Record<string, { value?: unknown } | undefined>;
type Errors = Record<string, string[]>;

/** The facts of a Kintone type (src/kintone/field-types.ts); undefined for types the registry does not know. */
function factsOfType(type: string): FieldKindFacts | undefined {
  return isFieldKind(type) ? FIELD_KINDS[type] : undefined;
}

function addError(errors: Errors, key: string, message: string): void {
  errors[key] = [...(errors[key] ?? []), message];
}

/** Minute-precision UTC date-time, as Kintone returns it. */
export function kintoneDateTime(date: Date): string {
  return `${date.toISOString().slice(0, 16)}:00Z`;
}

/** Whether a write may set the field (admins may set CREATOR, MODIFIER, CREATED_TIME and UPDATED_TIME on add). */
function isWritable(field: FieldProperty | SubtableFieldProperty, targets: ReadonlySet<string>): boolean {
  const writable = factsOfType(field.type)?.writable ?? "no";
  return writable !== "no" && !targets.has(field.code) && !isAutoCalculatedText(field);
}

/** The status a new record starts in: the state with the lowest index, when process management is on. */
function initialStatus(app: SandboxApp): string | undefined {
  const settings = app.processManagement;
  if (settings === undefined || !settings.enable || settings.states === null) return undefined;
  return Object.values(settings.states).sort((a, b) => Number(a.index) - Number(b.index))[0]?.name;
}

/** The empty value of a type, as GET returns it (kintone-api.md §2). */
export function emptyValue(type: string): unknown {
  const empty = factsOfType(type)?.empty ?? "";
  return Array.isArray(empty) ? [] : empty;
}

function isEmpty(value: unknown): boolean {
  return (
    value === null || value === undefined || value === "" || (Array.isArray(value) && value.length === 0)
  );
}

function normalizeDate(raw: string): string | undefined {
  const match = /^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$/.exec(raw.trim());
  if (!match) return undefined;
  const [year, month = "1", day = "1"] = [match[1] as string, match[2], match[3]];
  const date = new Date(Date.UTC(Number(year), Number(month) - 1, Number(day)));
  if (date.getUTCMonth() !== Number(month) - 1) return undefined;
  return date.toISOString().slice(0, 10);
}

function normalizeDateTime(raw: string): string | undefined {
  const text = raw.trim();
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/.test(text)) return undefined;
  const withZone = /(Z|[+-]\d{2}:?\d{2})$/.test(text) ? text : `${text}Z`;
  const time = Date.parse(withZone);
  return Number.isNaN(time) ? undefined : kintoneDateTime(new Date(time));
}

function normalizeTime(raw: string): string | undefined {
  const match = /^(\d{1,2}):(\d{2})(?::\d{2}(?:\.\d+)?)?$/.exec(raw.trim());
  if (!match || Number(match[1]) > 23 || Number(match[2]) > 59) return undefined;
  return `${String(match[1]).padStart(2, "0")}:${match[2]}`;
}

function normalizeNumber(raw: unknown): string | undefined {
  if (raw === null || raw === undefined || raw === "") return "";
  const text = String(raw).trim();
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)) return undefined;
  // Plain decimals are kept digit for digit, as Kintone keeps them (a double would round past 15 digits).
  if (/^[+-]?\d+(\.\d+)?$/.test(text)) return text.replace(/^\+/, "").replace(/^(-?)0+(?=\d)/, "$1");
  return formatNumber(Number(text));
}

/** Kintone reports a non-number as `record[<code>].value` (brackets), unlike its other errors. */
function numberErrorKey(key: string): string {
  return `${key.replace(/\.([^.[]+)$/, "[$1]")}.value`;
}

function optionNames(field: FieldProperty | SubtableFieldProperty): string[] {
  return Object.keys((field as { options?: Record<string, unknown> }).options ?? {});
}

/**
 * Converts one written value into the stored form, reporting Kintone's validation errors under `key`
 * ("record.<code>" or "records[<i>].<code>", or a row path for fields in tables).
 */
function normalizeValue(
  field: FieldProperty | SubtableFieldProperty,
  raw: unknown,
  key: string,
  errors: Errors,
  ctx: WriteContext,
  previous: unknown,
): unknown {
  switch (field.type) {
    case "SINGLE_LINE_TEXT":
    case "MULTI_LINE_TEXT":
    case "RICH_TEXT":
    case "LINK":
      return raw === null || raw === undefined ? "" : String(raw);
    case "NUMBER": {
      const number = normalizeNumber(raw);
      if (number === undefined) {
        addError(errors, numberErrorKey(key), "Only numbers are allowed.");
        return "";
      }
      return number;
    }
    case "DATE": {
      if (isEmpty(raw)) return null;
      const date = normalizeDate(String(raw));
      if (date === undefined) addError(errors, `${key}.value`, "Enter a date in the format YYYY-MM-DD.");
      return date ?? null;
    }
    case "DATETIME":
    case "CREATED_TIME":
    case "UPDATED_TIME": {
      if (isEmpty(raw)) return "";
      const value = normalizeDateTime(String(raw));
      if (value === undefined)
        addError(
          errors,
          `${key}.value`,
          "Enter a date and time in ISO 8601 format, e.g. 2024-01-31T09:00:00Z.",
        );
      return value ?? "";
    }
    case "TIME": {
      if (isEmpty(raw)) return null;
      const value = normalizeTime(String(raw));
      if (value === undefined) addError(errors, `${key}.value`, "Enter a time in the format HH:MM.");
      return value ?? null;
    }
    case "RADIO_BUTTON":
    case "DROP_DOWN": {
      if (isEmpty(raw)) return field.type === "DROP_DOWN" ? null : "";
      const value = String(raw);
      if (!optionNames(field).includes(value))
        addError(errors, `${key}.value`, `The value, "${value}", is not in options.`);
      return value;
    }
    case "CHECK_BOX":
    case "MULTI_SELECT": {
      if (isEmpty(raw)) return [];
      if (!Array.isArray(raw)) {
        addError(errors, `${key}.values`, "Specify an array of option names.");
        return [];
      }
      const options = optionNames(field);
      raw.forEach((item, i) => {
        if (!options.includes(String(item)))
          addError(errors, `${key}.values[${i}].value`, `The value, "${String(item)}", is not in options.`);
      });
      return raw.map(String);
    }
    case "USER_SELECT":
    case "ORGANIZATION_SELECT":
    case "GROUP_SELECT":
    case "CREATOR":
    case "MODIFIER": {
      const single = field.type === "CREATOR" || field.type === "MODIFIER";
      const list = single ? [raw] : raw;
      if (isEmpty(list)) return single ? { code: ctx.actor.code, name: ctx.actor.name } : [];
      if (!Array.isArray(list)) {
        addError(errors, `${key}.values`, "Specify an array of {code} objects.");
        return [];
      }
      const entities = list.map((item, i) => {
        const code =
          typeof item === "object" && item !== null ? (item as { code?: unknown }).code : undefined;
        if (typeof code !== "string" || code === "")
          addError(errors, `${key}.values[${i}].value`, "Specify the code.");
        return { code: String(code ?? ""), name: ctx.names.get(String(code)) ?? String(code ?? "") };
      });
      return single ? entities[0] : entities;
    }
    case "FILE": {
      if (isEmpty(raw)) return [];
      if (!Array.isArray(raw)) {
        addError(errors, `${key}.values`, "Specify an array of {fileKey} objects.");
        return [];
      }
      const known = Array.isArray(previous) ? (previous as Array<{ fileKey: string }>) : [];
      return raw.map((item, i) => {
        const fileKey = (item as { fileKey?: unknown } | null)?.fileKey;
        if (typeof fileKey !== "string" || fileKey === "")
          addError(errors, `${key}.values[${i}].fileKey`, "Specify the fileKey.");
        const existing = known.find((file) => file.fileKey === fileKey);
        if (existing !== undefined) return existing;
        if (ctx.storeUpload !== undefined && typeof fileKey === "string" && fileKey !== "") {
          const stored = ctx.storeUpload(fileKey);
          if (stored === undefined)
            throw new KintoneApiError(400, "GAIA_BL01", `The specified file (id: ${fileKey}) not found.`);
          return stored;
        }
        return {
          contentType: "application/octet-stream",
          fileKey: String(fileKey ?? ""),
          name: String(fileKey ?? ""),
          size: "0",
        };
      });
    }
    default:
      return raw;
  }
}

/** The default a field gets on add when its key is absent (kintone-api.md §2 "Defaults"). */
function defaultOf(field: FieldProperty | SubtableFieldProperty, ctx: WriteContext): unknown {
  const f = field as { defaultValue?: unknown; defaultNowValue?: boolean };
  if (f.defaultNowValue === true) {
    if (field.type === "DATE") return ctx.now.toISOString().slice(0, 10);
    if (field.type === "TIME") return ctx.now.toISOString().slice(11, 16);
    if (field.type === "DATETIME") return kintoneDateTime(ctx.now);
  }
  const value = f.defaultValue;
  if (factsOfType(field.type)?.value === "entities" && Array.isArray(value)) {
    return value
      .map((entity: { code: string; type: string }) =>
        entity.type === "FUNCTION" && entity.code === "LOGINUSER()"
          ? { code: ctx.actor.code, name: ctx.actor.name }
          : { code: entity.code, name: ctx.names.get(entity.code) ?? entity.code },
      )
      .filter((entity) => !entity.code.endsWith("()"));
  }
  if (value === undefined || value === "" || (Array.isArray(value) && value.length === 0))
    return emptyValue(field.type);
  if (field.type === "NUMBER") return normalizeNumber(value) ?? "";
  // Defaults are written in the form settings' own format ("2012-07-19T00:00", "05:00:00.000"); a record stores
  // them as a written value would be, as Kintone answers them.
  if (field.type === "DATETIME") return normalizeDateTime(String(value)) ?? "";
  if (field.type === "TIME") return normalizeTime(String(value)) ?? null;
  if (field.type === "DATE") return normalizeDate(String(value)) ?? null;
  return Array.isArray(value) ? [...value] : value;
}

function checkConstraints(
  field: FieldProperty | SubtableFieldProperty,
  value: unknown,
  key: string,
  errors: Errors,
): void {
  const f = field as {
    required?: boolean;
    minLength?: string;
    maxLength?: string;
    minValue?: string;
    maxValue?: string;
  };
  if (f.required === true && factsOfType(field.type)?.requiredEnforced === true && isEmpty(value)) {
    const suffix =
      field.type === "CHECK_BOX" || field.type === "MULTI_SELECT" || field.type === "FILE"
        ? "values"
        : factsOfType(field.type)?.value === "entities"
          ? "values.value"
          : "value";
    addError(errors, `${key}.${suffix}`, "Required.");
    return;
  }
  if (
    (field.type === "SINGLE_LINE_TEXT" || field.type === "LINK") &&
    typeof value === "string" &&
    value !== ""
  ) {
    const length = [...value].length;
    if (f.maxLength && length > Number(f.maxLength))
      addError(errors, `${key}.value`, `Enter less than ${Number(f.maxLength) + 1} characters.`);
    if (f.minLength && length < Number(f.minLength))
      addError(errors, `${key}.value`, `Enter ${f.minLength} or more characters.`);
  }
  if (field.type === "NUMBER" && typeof value === "string" && value !== "") {
    if (f.maxValue && Number(value) > Number(f.maxValue))
      addError(errors, `${key}.value`, `The value must be ${f.maxValue} or less.`);
    if (f.minValue && Number(value) < Number(f.minValue))
      addError(errors, `${key}.value`, `The value must be ${f.minValue} or more.`);
  }
}

type Row = { id: string; value: StoredRecord };

/** Builds the rows of a SUBTABLE with Kintone's merge rules (kintone-api.md §2 "SUBTABLE write rules"). */
function buildRows(
  table: KintoneFormFieldProperty.Subtable<Record<string, KintoneFormFieldProperty.InSubtable>>,
  raw: unknown,
  previous: Row[],
  key: string,
  errors: Errors,
  ctx: WriteContext,
  nextRowId: () => string,
): Row[] {
  if (!Array.isArray(raw)) {
    if (!isEmpty(raw)) addError(errors, `${key}.value`, "Specify an array of rows.");
    return [];
  }
  const inner = Object.values(table.fields);
  const targets = lookupTargets(inner);
  return raw.map((rawRow, r) => {
    const row = (rawRow ?? {}) as { id?: unknown; value?: Input };
    const existing =
      row.id !== undefined && row.id !== null ? previous.find((p) => p.id === String(row.id)) : undefined;
    const values: StoredRecord = {};
    const input = row.value ?? {};
    for (const field of inner) {
      const fieldKey = `${key}.value[${r}].value.${field.code}`;
      const given = input[field.code];
      let value: unknown;
      if (given !== undefined && isWritable(field, targets)) {
        value = normalizeValue(field, given.value, fieldKey, errors, ctx, existing?.value[field.code]?.value);
        if (field.type === "NUMBER" && errors[numberErrorKey(fieldKey)]) {
          // A non-number inside a table is stored as "" rather than refused (kintone-api.md §2).
          delete errors[numberErrorKey(fieldKey)];
          value = "";
        }
      } else if (existing !== undefined) {
        value = existing.value[field.code]?.value ?? emptyValue(field.type);
      } else {
        value = defaultOf(field, ctx);
      }
      values[field.code] = { type: field.type, value };
    }
    for (const field of inner)
      checkConstraints(field, values[field.code]?.value, `${key}.value[${r}].value.${field.code}`, errors);
    return { id: existing?.id ?? nextRowId(), value: values };
  });
}

/**
 * Fills lookup copies from the related app; an unknown key is 400 GAIA_LO04. Only the lookups `runs` names are run:
 * Kintone runs a lookup when the request writes its field (or the record or row is new), so an update that leaves the
 * lookup out keeps its copies as they are, even when the source record has changed or is gone (issue #11 §4).
 */
function applyLookups(
  fields: Iterable<FieldProperty | SubtableFieldProperty>,
  values: StoredRecord,
  ctx: WriteContext,
  runs: (code: string) => boolean,
  isNew: boolean,
): void {
  for (const field of fields) {
    const lookup = lookupOf(field);
    if (lookup === undefined || !runs(field.code)) continue;
    const key = values[field.code]?.value;
    const mappings = lookup.fieldMappings ?? [];
    if (isEmpty(key)) {
      // A new record with no lookup key copies nothing: its copy targets keep their defaults (so a required copy
      // target with a default can be created without the lookup). Emptying the key of a record empties its copies.
      if (isNew) continue;
      for (const m of mappings)
        if (values[m.field])
          values[m.field] = {
            type: values[m.field]?.type ?? "",
            value: emptyValue(values[m.field]?.type ?? ""),
          };
      continue;
    }
    const related = ctx.apps.get(String(lookup.relatedApp.app));
    const source =
      related === undefined
        ? undefined
        : [...related.records.values()].find((record) => {
            const keyField = lookup.relatedKeyField;
            const value =
              keyField === "$id" || keyField === "レコード番号" ? record.$id?.value : record[keyField]?.value;
            return String(value ?? "") === String(key);
          });
    if (source === undefined) {
      throw new KintoneApiError(
        400,
        "GAIA_LO04",
        `The value "${String(key)}" of the lookup field (${field.code}) does not match any record of the related app ${lookup.relatedApp.app}.`,
      );
    }
    for (const m of mappings) {
      const copied = source[m.relatedField];
      if (values[m.field] !== undefined)
        values[m.field] = { type: values[m.field]?.type ?? copied?.type ?? "", value: copied?.value ?? "" };
    }
  }
}

/** Recomputes CALC fields (top level and in tables) with the formulas the evaluator understands. */
function applyCalc(app: SandboxApp, values: StoredRecord): void {
  const numberOf = (raw: unknown): number | undefined => {
    if (raw === "" || raw === null || raw === undefined) return undefined;
    const number = Number(raw);
    return Number.isFinite(number) ? number : undefined;
  };
  const topLookup = (code: string): number | number[] | undefined => {
    const direct = values[code];
    if (direct !== undefined) return numberOf(direct.value) ?? 0;
    const info = app.index.get(code);
    if (info?.table === undefined) return undefined;
    const rows = (values[info.table]?.value ?? []) as Row[];
    return rows.map((row) => numberOf(row.value[code]?.value) ?? 0);
  };
  for (const field of Object.values(app.fields.properties)) {
    if (field.type !== "SUBTABLE") continue;
    const calcs = Object.values(field.fields).filter(
      (f) => f.type === "CALC",
    ) as KintoneFormFieldProperty.Calc[];
    if (calcs.length === 0) continue;
    for (const row of (values[field.code]?.value ?? []) as Row[]) {
      for (const calc of calcs) {
        const result = evaluateFormula(
          calc.expression,
          (code) => numberOf(row.value[code]?.value) ?? topLookup(code),
        );
        row.value[calc.code] = { type: "CALC", value: result === undefined ? "" : formatNumber(result) };
      }
    }
  }
  for (const field of Object.values(app.fields.properties)) {
    if (field.type !== "CALC") continue;
    const format = field.format;
    if (format !== "NUMBER" && format !== "NUMBER_DIGIT") continue;
    const result = evaluateFormula(field.expression, topLookup);
    values[field.code] = { type: "CALC", value: result === undefined ? "" : formatNumber(result) };
  }
}

function checkUnique(
  app: SandboxApp,
  records: ReadonlyMap<number, StoredRecord>,
  values: StoredRecord,
  selfId: number | undefined,
  prefix: string,
  errors: Errors,
): void {
  for (const field of Object.values(app.fields.properties)) {
    if (factsOfType(field.type)?.unique !== true || (field as { unique?: boolean }).unique !== true) continue;
    const value = values[field.code]?.value;
    if (isEmpty(value)) continue;
    for (const [id, record] of records) {
      if (id !== selfId && record[field.code]?.value === value) {
        addError(errors, `${prefix}.${field.code}.value`, "This value already exists in another record.");
        break;
      }
    }
  }
}

/** Writes the given field values onto `values` (a new record's defaults or an existing record's copy). */
function writeFields(
  app: SandboxApp,
  input: Input,
  values: StoredRecord,
  mode: "add" | "update",
  prefix: string,
  errors: Errors,
  ctx: WriteContext,
): void {
  const fields = Object.values(app.fields.properties);
  const targets = lookupTargets(fields);
  for (const field of fields) {
    const given = input[field.code];
    if (given === undefined || typeof given !== "object" || given === null) continue;
    const settable =
      isWritable(field, targets) && (mode === "add" || factsOfType(field.type)?.writable !== "admin-on-add");
    if (!settable) continue;
    const key = `${prefix}.${field.code}`;
    if (field.type === "SUBTABLE") {
      values[field.code] = {
        type: "SUBTABLE",
        value: buildRows(
          field,
          given.value,
          (values[field.code]?.value ?? []) as Row[],
          key,
          errors,
          ctx,
          () => String(app.nextRowId++),
        ),
      };
    } else {
      values[field.code] = {
        type: field.type,
        value: normalizeValue(field, given.value, key, errors, ctx, values[field.code]?.value),
      };
    }
  }
}

/** Whether a request writes a field: the same test `writeFields` and `buildRows` apply to what they are given. */
function writes(input: Input | undefined, code: string): boolean {
  const given = input?.[code];
  return typeof given === "object" && given !== null;
}

/**
 * `update` is the update request and the record before it; without it (an add) every lookup runs. On update, a
 * top-level lookup runs when the request writes it; in a table the request writes, a row's lookup runs when the row
 * is new or the request's row writes it; rows of a table the request leaves out keep their copies.
 */
function finish(
  app: SandboxApp,
  values: StoredRecord,
  prefix: string,
  errors: Errors,
  ctx: WriteContext,
  update?: { input: Input; existing: StoredRecord },
): void {
  const fields = Object.values(app.fields.properties);
  applyLookups(
    fields,
    values,
    ctx,
    (code) => update === undefined || writes(update.input, code),
    update === undefined,
  );
  for (const table of fields) {
    if (table.type !== "SUBTABLE") continue;
    const rowsGiven = update === undefined ? undefined : update.input[table.code]?.value;
    if (update !== undefined && !(writes(update.input, table.code) && Array.isArray(rowsGiven))) continue;
    const before = new Set(((update?.existing[table.code]?.value ?? []) as Row[]).map((row) => row.id));
    ((values[table.code]?.value ?? []) as Row[]).forEach((row, r) => {
      // buildRows keeps the request's row order, so row r is the request's row r.
      const rowInput = (rowsGiven as Array<{ value?: Input } | null> | undefined)?.[r]?.value;
      applyLookups(
        Object.values(table.fields),
        row.value,
        ctx,
        (code) => update === undefined || !before.has(row.id) || writes(rowInput, code),
        update === undefined || !before.has(row.id),
      );
    });
  }
  applyCalc(app, values);
  for (const field of fields) {
    if (field.type !== "SUBTABLE")
      checkConstraints(field, values[field.code]?.value, `${prefix}.${field.code}`, errors);
  }
}

/**
 * Builds a new record from an add request: defaults for absent keys, system fields, lookups, calculations,
 * then validation. Throws 400 CB_VA01 with Kintone's `errors` keys when anything is invalid.
 */
export function buildNewRecord(
  app: SandboxApp,
  records: ReadonlyMap<number, StoredRecord>,
  input: Input,
  id: number,
  prefix: string,
  ctx: WriteContext,
): StoredRecord {
  const errors: Errors = {};
  const values: StoredRecord = {
    $id: { type: "__ID__", value: String(id) },
    $revision: { type: "__REVISION__", value: "1" },
  };
  for (const field of Object.values(app.fields.properties)) {
    switch (field.type) {
      case "RECORD_NUMBER":
        values[field.code] = { type: field.type, value: app.app.code ? `${app.app.code}-${id}` : String(id) };
        break;
      case "CREATOR":
      case "MODIFIER":
        values[field.code] = { type: field.type, value: { code: ctx.actor.code, name: ctx.actor.name } };
        break;
      case "CREATED_TIME":
      case "UPDATED_TIME":
        values[field.code] = { type: field.type, value: kintoneDateTime(ctx.now) };
        break;
      case "STATUS":
      case "STATUS_ASSIGNEE":
      case "CATEGORY":
        if ((field as { enabled?: boolean }).enabled)
          values[field.code] = {
            type: field.type,
            value: field.type === "STATUS" ? (initialStatus(app) ?? "") : emptyValue(field.type),
          };
        break;
      case "GROUP":
      case "REFERENCE_TABLE":
        break;
      case "SUBTABLE":
        values[field.code] = { type: "SUBTABLE", value: [] };
        break;
      default:
        values[field.code] = { type: field.type, value: defaultOf(field, ctx) };
    }
  }
  writeFields(app, input, values, "add", prefix, errors, ctx);
  finish(app, values, prefix, errors, ctx);
  checkUnique(app, records, values, undefined, prefix, errors);
  if (Object.keys(errors).length > 0) throw invalidInput(errors);
  return values;
}

/** Applies an update request to a copy of `existing` (partial, with the table merge rules); validates the result. */
export function buildUpdatedRecord(
  app: SandboxApp,
  records: ReadonlyMap<number, StoredRecord>,
  existing: StoredRecord,
  input: Input,
  prefix: string,
  ctx: WriteContext,
): StoredRecord {
  const errors: Errors = {};
  const values: StoredRecord = { ...existing };
  for (const [code, field] of Object.entries(existing)) {
    if (field.type === "SUBTABLE") {
      values[code] = {
        type: "SUBTABLE",
        value: (field.value as Row[]).map((row) => ({ id: row.id, value: { ...row.value } })),
      };
    }
  }
  writeFields(app, input, values, "update", prefix, errors, ctx);
  finish(app, values, prefix, errors, ctx, { input, existing });
  const id = Number(existing.$id?.value);
  checkUnique(app, records, values, id, prefix, errors);
  if (Object.keys(errors).length > 0) throw invalidInput(errors);
  for (const field of Object.values(app.fields.properties)) {
    if (field.type === "MODIFIER")
      values[field.code] = { type: field.type, value: { code: ctx.actor.code, name: ctx.actor.name } };
    if (field.type === "UPDATED_TIME")
      values[field.code] = { type: field.type, value: kintoneDateTime(ctx.now) };
  }
  values.$revision = { type: "__REVISION__", value: String(Number(existing.$revision?.value ?? "1") + 1) };
  return values;
}

/** Fields Kintone lets `updateKey` use: single-line text and number fields that prohibit duplicate values. */
export function updateKeyField(app: SandboxApp, field: unknown, prefix: string): FieldInfo {
  const info = typeof field === "string" ? app.index.get(field) : undefined;
  const unique = (info?.property as { unique?: boolean } | undefined)?.unique === true;
  if (
    info === undefined ||
    info.table !== undefined ||
    factsOfType(info.type)?.updateKey !== true ||
    !unique
  ) {
    throw invalidInput({
      [`${prefix}updateKey.field`]: ["Specify a field that prohibits duplicate values."],
    });
  }
  return info;
}
