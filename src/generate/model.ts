import { ConfigError, KintoneOpenapiError } from "../errors.js";
import { unsafeFieldCode } from "../kintone/field-code.js";
import { capabilityOf, isKnownFieldType } from "../kintone/field-types.js";
import { MAX_RECORD_ID } from "../kintone/limits.js";
import type { AppMetadata, FieldProperty } from "../kintone/types.js";
import { LAYOUT_ONLY_TYPES } from "../kintone/types.js";
import { collectLookupTargets, type MappedField, mapField } from "./map-field.js";
import { assignNames, derivePropertyName, NAME_PATTERN, type NameRequest } from "./names.js";

/** A property of a record or row schema, named and mapped. */
export type PropertyModel = MappedField & {
  name: string;
  /** How the name was found: the config file, the previous spec, the code, the label, or invented. */
  nameSource: "config" | "previous" | "code" | "label" | "invented";
  rows?: PropertyModel[];
};

/** Names an app's fields may not take: the record's own `id` and `revision`, and the update input's `clearFields`. */
export const RECORD_RESERVED = ["id", "revision", "clearFields"] as const;
export const ROW_RESERVED = ["id"] as const;

/** Name choices that come from outside the metadata. */
export type NamingInput = {
  /** Config overrides: field code → property name. */
  overrides?: Readonly<Record<string, string>>;
  /** Names the previous spec gave: field code → property name. */
  pinned?: ReadonlyMap<string, string>;
  /** Whether the spec has the upload operation, so FILE properties are writable (`--operations files`). */
  uploads?: boolean;
};

export type AppFieldsModel = {
  properties: PropertyModel[];
  warnings: string[];
};

const LAYOUT_ONLY: ReadonlySet<string> = new Set(LAYOUT_ONLY_TYPES);

/** The synthetic id/revision properties every record has. */
export function systemProperties(): PropertyModel[] {
  const base = { writable: false, requiredOnCreate: false, notes: [], nameSource: "code" as const };
  return [
    {
      ...base,
      code: "$id",
      label: "Record ID",
      type: "__ID__" as never,
      kind: "__ID__",
      name: "id",
      // The range is written into inputs only (an upsert by id); the record schema drops it (INPUT_ONLY).
      schema: { type: "integer", format: "int64", minimum: 1, maximum: MAX_RECORD_ID },
      capability: capabilityOf("__ID__", false),
    },
    {
      ...base,
      code: "$revision",
      label: "Revision",
      type: "__REVISION__" as never,
      kind: "__REVISION__",
      name: "revision",
      schema: { type: "integer", format: "int64" },
      capability: capabilityOf("__REVISION__", false),
    },
  ];
}

function nameFields(
  appId: string,
  mapped: MappedField[],
  reserved: readonly string[],
  naming: NamingInput,
  warnings: string[],
  where: string,
): PropertyModel[] {
  const derived = new Map(mapped.map((field) => [field.code, derivePropertyName(field.code, field.label)]));
  const requests: NameRequest[] = mapped.map((field) => {
    const request: NameRequest = {
      key: field.code,
      base: (derived.get(field.code) as { name: string }).name,
    };
    const override = naming.overrides?.[field.code];
    if (override !== undefined) request.override = override;
    const pinned = naming.pinned?.get(field.code);
    if (pinned !== undefined) request.pinned = pinned;
    return request;
  });
  const { names, collisions } = assignNames(requests, reserved);
  for (const collision of collisions) {
    const holder =
      collision.takenBy === "(reserved)" ? "a built-in property" : `field "${collision.takenBy}"`;
    warnings.push(
      `app ${appId}: field "${collision.key}"${where} would be named "${collision.base}", which ${holder} already has; it is named "${collision.name}" (name it in the config file to choose).`,
    );
  }
  return mapped.map((field) => {
    const name = names.get(field.code) as string;
    const source: PropertyModel["nameSource"] =
      naming.overrides?.[field.code] !== undefined
        ? "config"
        : naming.pinned?.get(field.code) === name
          ? "previous"
          : (derived.get(field.code)?.source ?? "code");
    return { ...field, name, nameSource: source };
  });
}

/** Maps and names the fields of one app: system properties first, then the fields sorted by property name. */
export function buildAppFields(meta: AppMetadata, naming: NamingInput = {}): AppFieldsModel {
  const appId = meta.app.appId;
  const warnings: string[] = [];
  const fields: FieldProperty[] = [];
  for (const field of Object.values(meta.fields.properties)) {
    if (LAYOUT_ONLY.has(field.type)) continue;
    if (!isKnownFieldType(field.type)) {
      warnings.push(
        `app ${appId}: field "${field.code}" has type ${field.type}, which this version of kintone-openapi does not know; it is left out of the spec.`,
      );
      continue;
    }
    const unsafe = [field.code, ...(field.type === "SUBTABLE" ? Object.keys(field.fields) : [])]
      .map((code) => [code, unsafeFieldCode(code)] as const)
      .find(([, why]) => why !== undefined);
    if (unsafe !== undefined) {
      throw new KintoneOpenapiError(
        `app ${appId}: the field code ${JSON.stringify(unsafe[0])} ${unsafe[1]}, which no Kintone field code does and the proxy refuses: check the metadata (a snapshot edited by hand?).`,
      );
    }
    fields.push(field);
  }
  checkOverrides(appId, naming.overrides ?? {});
  const ctx = {
    lookupTargets: collectLookupTargets(fields),
    inSubtable: false,
    ...(naming.uploads === true ? { uploads: true } : {}),
    fields: new Map(fields.map((field) => [field.code, field])),
  };
  const mapped = fields
    .map((field) => mapField(field, ctx))
    .filter((field): field is MappedField => field !== undefined);
  const properties = nameFields(appId, mapped, RECORD_RESERVED, naming, warnings, "");
  for (const property of properties) {
    if (property.rowFields === undefined) continue;
    property.rows = nameFields(
      appId,
      property.rowFields,
      ROW_RESERVED,
      naming,
      warnings,
      ` in table "${property.code}"`,
    );
    property.rows.sort(byName);
  }
  properties.sort(byName);
  return { properties: [...systemProperties(), ...properties], warnings };
}

/** Config names must be identifiers, unique ignoring case, and not `id`/`revision`. */
function checkOverrides(appId: string, overrides: Readonly<Record<string, string>>): void {
  const seen = new Map<string, string>();
  for (const [code, name] of Object.entries(overrides)) {
    const where = `/apps/${appId}/fields/${code}`;
    if (!NAME_PATTERN.test(name)) {
      throw new ConfigError(
        `the config names field "${code}" of app ${appId} "${name}" (${where}), which is not an ASCII identifier: use letters and digits only.`,
      );
    }
    const lower = name.toLowerCase();
    if ((RECORD_RESERVED as readonly string[]).includes(lower)) {
      throw new ConfigError(
        `the config names field "${code}" of app ${appId} "${name}" (${where}), which is reserved for the record itself: choose another name.`,
      );
    }
    const other = seen.get(lower);
    if (other !== undefined) {
      throw new ConfigError(
        `the config gives fields "${other}" and "${code}" of app ${appId} the same name "${name}" (names are compared ignoring case): choose two names.`,
      );
    }
    seen.set(lower, code);
  }
}

function byName(a: { name: string }, b: { name: string }): number {
  const x = a.name.toLowerCase();
  const y = b.name.toLowerCase();
  return x < y ? -1 : x > y ? 1 : a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}
