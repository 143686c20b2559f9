import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { collectLookupTargets, mapField } from "../../src/generate/map-field.js";
import { capabilityOf } from "../../src/kintone/field-types.js";
import { normalizeFormFields } from "../../src/kintone/normalize.js";
import type { FieldProperty } from "../../src/kintone/types.js";
import { FIXTURES } from "../helpers/cli.js";

const allTypes = normalizeFormFields(
  JSON.parse(await readFile(join(FIXTURES, "java-client-all-types/5/form-fields.json"), "utf8")),
).properties;
const field = (code: string) => allTypes[code] as FieldProperty;
const map = (f: FieldProperty, targets: string[] = []) =>
  mapField(f, { lookupTargets: new Set(targets), inSubtable: false });
const entity = { type: "array", items: { $ref: "#/components/schemas/Entity" } };

describe("mapField: one case per Kintone field type (java-client fixture)", () => {
  it.each([
    ["record_number", "RECORD_NUMBER", { type: "string" }, false],
    ["creator", "CREATOR", { type: "object" }, false],
    ["modifier", "MODIFIER", { type: "object" }, false],
    ["created_time", "CREATED_TIME", { type: "string", format: "date-time" }, false],
    ["updated_time", "UPDATED_TIME", { type: "string", format: "date-time" }, false],
    ["status", "STATUS", { type: "string" }, false],
    ["assignee", "STATUS_ASSIGNEE", entity, false],
    ["category", "CATEGORY", { type: "array", items: { type: "string" } }, false],
    ["text", "SINGLE_LINE_TEXT", { type: "string" }, true],
    ["number", "NUMBER", { type: "number", format: "double", minimum: 10, maximum: 200 }, true],
    ["calc", "CALC", { type: "number", format: "double" }, false],
    ["textarea", "MULTI_LINE_TEXT", { type: "string" }, true],
    ["richtext", "RICH_TEXT", { type: "string" }, true],
    ["link", "LINK", { type: "string", minLength: 1 }, true],
    ["radiobutton", "RADIO_BUTTON", { type: "string", enum: ["option 1", "option 2", "option 3"] }, true],
    ["dropdown", "DROP_DOWN", { type: "string" }, true],
    ["checkbox", "CHECK_BOX", { type: "array", items: { type: "string" } }, true],
    ["multichoice", "MULTI_SELECT", { type: "array", items: { type: "string" } }, true],
    ["date", "DATE", { type: "string", format: "date" }, true],
    ["datetime", "DATETIME", { type: "string", format: "date-time" }, true],
    ["time", "TIME", { type: "string", pattern: "^([01]\\d|2[0-3]):[0-5]\\d$" }, true],
    ["userselect", "USER_SELECT", entity, true],
    ["orgselect", "ORGANIZATION_SELECT", entity, true],
    ["groupselect", "GROUP_SELECT", entity, true],
    // Read-only until the spec has the upload operation (--operations files): see the next test.
    ["file", "FILE", { type: "array", items: { type: "object" } }, false],
    ["table", "SUBTABLE", { type: "array" }, true],
    ["lookup", "NUMBER", { type: "number", format: "double" }, true],
  ])("%s (%s)", (code, type, schema, writable) => {
    const mapped = map(field(code));
    expect(mapped?.type).toBe(type);
    expect(mapped?.schema).toMatchObject(schema);
    expect(mapped?.writable).toBe(writable);
    expect(mapped?.capability).toEqual(capabilityOf(type as never, false));
  });

  it("makes FILE writable only when files can be uploaded (--operations files)", () => {
    expect(
      mapField(field("file"), { lookupTargets: new Set(), inSubtable: false, uploads: true })?.writable,
    ).toBe(true);
    expect(map(field("file"))?.notes.join(" ")).toContain("--operations files");
  });

  it.each(["reference_table", "group"])("leaves %s out of records", (code) => {
    expect(map(field(code))).toBeUndefined();
  });

  it("lists options in index order, not key order", () => {
    const dropdown = field("dropdown") as FieldProperty & { options: Record<string, { index: string }> };
    const byIndex = Object.entries(dropdown.options)
      .sort(([, a], [, b]) => Number(a.index) - Number(b.index))
      .map(([k]) => k);
    expect(Object.keys(dropdown.options)).not.toEqual(byIndex);
    expect(map(dropdown)?.schema.enum).toEqual(byIndex);
  });

  it("maps CALC by format", () => {
    const calc = field("calc");
    const formats = {
      NUMBER: "number",
      NUMBER_DIGIT: "number",
      DATE: "date",
      DATETIME: "date-time",
      TIME: "string",
      HOUR_MINUTE: "string",
      DAY_HOUR_MINUTE: "string",
    };
    for (const [format, expected] of Object.entries(formats)) {
      const schema = map({ ...calc, format } as FieldProperty)?.schema;
      expect(schema?.format ?? schema?.type, format).toBe(expected === "number" ? "double" : expected);
    }
  });

  it("makes auto-calculated text read-only", () => {
    const text = { ...field("text"), expression: "A & B" } as FieldProperty;
    expect(map(text)?.writable).toBe(false);
    expect(map(text)?.notes).toContain("calculated automatically");
  });

  it("keeps a lookup key writable and makes its copy targets read-only", () => {
    const lookup = field("lookup");
    const targets = collectLookupTargets([lookup]);
    expect(targets.size).toBeGreaterThan(0);
    const [target] = [...targets];
    expect(map(lookup, [...targets])?.writable).toBe(true);
    expect(map({ ...field("text"), code: target as string } as FieldProperty, [...targets])?.writable).toBe(
      false,
    );
  });

  it("leaves process-management fields out when the feature is off", () => {
    for (const code of ["status", "assignee", "category"]) {
      expect(map({ ...field(code), enabled: false } as FieldProperty), code).toBeUndefined();
    }
  });

  it("carries required, unique and length limits, and requires on create only what has no default", () => {
    const text = {
      ...field("text"),
      required: true,
      unique: true,
      minLength: "2",
      maxLength: "64",
      defaultValue: "",
    } as FieldProperty;
    const mapped = map(text);
    expect(mapped?.schema).toMatchObject({ minLength: 2, maxLength: 64 });
    expect(mapped?.requiredOnCreate).toBe(true);
    expect(mapped?.notes).toEqual(expect.arrayContaining(["required", "unique"]));
    const withDefault = map({ ...text, defaultValue: "xy" } as FieldProperty);
    expect(withDefault?.requiredOnCreate).toBe(false);
    // A default that breaks the field's own limits is filled in and then refused: the value must be given.
    const badDefault = map({ ...text, required: false, defaultValue: "x" } as FieldProperty);
    expect(badDefault?.requiredOnCreate).toBe(true);
    expect(badDefault?.notes.join("; ")).toMatch(/default \(x\) breaks its own limits/);
  });

  it("maps subtable rows with in-subtable query rules (eq/ne only as in/not in, no null, no sorting)", () => {
    const table = map(field("table"));
    expect(table?.rowFields?.map((f) => f.code).sort()).toEqual(["number", "text"]);
    const row = table?.rowFields?.find((f) => f.code === "text");
    expect(row?.capability.filter).toEqual(["eq", "ne", "in", "contains"]);
    const number = table?.rowFields?.find((f) => f.code === "number");
    expect(number?.capability.filter).toEqual(["eq", "ne", "gt", "ge", "lt", "le", "in"]);
    expect(row?.capability.sort).toBe(false);
  });
});
