import type { FieldProperty, FormFields, KintoneApp, ProcessManagement } from "./types.js";

/**
 * Thrown when a metadata body does not have the documented shape. `where` names what was read
 * (a file path or an API call) so the caller can say which input is broken.
 */
export class MetadataShapeError extends Error {}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Kintone and its docs disagree on flag types ("true" vs true); accept both. */
function toBool(value: unknown): boolean {
  return value === true || value === "true";
}

function toNumericString(value: unknown): string {
  if (value === null || value === undefined) return "";
  return String(value);
}

/**
 * Checks and normalises a form-fields body: booleans become booleans, `align` upper case, min/max strings,
 * missing SUBTABLE labels filled with the code (2017-era responses omit them). Unknown keys are kept.
 */
export function normalizeFormFields(body: unknown): FormFields {
  if (!isObject(body) || !isObject(body.properties)) {
    throw new MetadataShapeError(
      'expected an object with a "properties" object (the body of GET /k/v1/app/form/fields.json)',
    );
  }
  const properties: Record<string, FieldProperty> = {};
  for (const [key, raw] of Object.entries(body.properties)) {
    properties[key] = normalizeField(key, raw);
  }
  return { properties, revision: toNumericString(body.revision ?? "") };
}

function normalizeField(key: string, raw: unknown): FieldProperty {
  if (!isObject(raw) || typeof raw.type !== "string") {
    throw new MetadataShapeError(`field "${key}" has no "type"`);
  }
  const field: Record<string, unknown> = { ...raw };
  field.code = typeof raw.code === "string" && raw.code !== "" ? raw.code : key;
  if (field.code !== key) {
    throw new MetadataShapeError(`field key "${key}" does not match its code "${String(raw.code)}"`);
  }
  if (typeof field.label !== "string") field.label = key;
  for (const flag of [
    "noLabel",
    "required",
    "unique",
    "enabled",
    "defaultNowValue",
    "hideExpression",
    "digit",
  ]) {
    if (flag in field) field[flag] = toBool(field[flag]);
  }
  for (const num of ["minLength", "maxLength", "minValue", "maxValue", "displayScale"]) {
    if (num in field) field[num] = toNumericString(field[num]);
  }
  if (typeof field.align === "string") field.align = field.align.toUpperCase();
  if ("options" in field && !isObject(field.options)) {
    throw new MetadataShapeError(`field "${key}" has "options" that is not an object`);
  }
  if (raw.type === "SUBTABLE") {
    if (!isObject(raw.fields)) throw new MetadataShapeError(`subtable "${key}" has no "fields" object`);
    const inner: Record<string, unknown> = {};
    for (const [innerKey, innerRaw] of Object.entries(raw.fields))
      inner[innerKey] = normalizeField(innerKey, innerRaw);
    field.fields = inner;
  }
  return field as FieldProperty;
}

/** Checks an app body (GET /k/v1/app.json) and fills what older captures lack. */
export function normalizeApp(body: unknown, expectedId?: string): KintoneApp {
  if (!isObject(body) || (typeof body.appId !== "string" && typeof body.appId !== "number")) {
    throw new MetadataShapeError('expected an object with an "appId" (the body of GET /k/v1/app.json)');
  }
  const appId = String(body.appId);
  if (expectedId !== undefined && appId !== expectedId) {
    throw new MetadataShapeError(`"appId" is "${appId}" but the directory is named "${expectedId}"`);
  }
  return {
    ...(body as KintoneApp),
    appId,
    code: typeof body.code === "string" ? body.code : "",
    name: typeof body.name === "string" ? body.name : `App ${appId}`,
    description: typeof body.description === "string" ? body.description : "",
    spaceId: body.spaceId === null || body.spaceId === undefined ? null : String(body.spaceId),
    threadId: body.threadId === null || body.threadId === undefined ? null : String(body.threadId),
  };
}

/**
 * Checks a process management body (GET /k/v1/app/status.json): `enable` as a boolean (the docs sample writes
 * "true"), `states` an object or null, `actions` a list of {name, from, to} or null. Unknown keys are kept.
 */
export function normalizeProcessManagement(body: unknown): ProcessManagement {
  if (!isObject(body) || !("enable" in body)) {
    throw new MetadataShapeError('expected an object with "enable" (the body of GET /k/v1/app/status.json)');
  }
  const states = body.states ?? null;
  const actions = body.actions ?? null;
  if (states !== null && !isObject(states))
    throw new MetadataShapeError('"states" must be an object or null');
  if (
    actions !== null &&
    (!Array.isArray(actions) ||
      !actions.every(
        (a) =>
          isObject(a) && typeof a.name === "string" && typeof a.from === "string" && typeof a.to === "string",
      ))
  ) {
    throw new MetadataShapeError('"actions" must be a list of {name, from, to} or null');
  }
  return {
    ...(body as ProcessManagement),
    enable: toBool(body.enable),
    states: states as ProcessManagement["states"],
    actions: actions as ProcessManagement["actions"],
    revision: toNumericString(body.revision),
  };
}
