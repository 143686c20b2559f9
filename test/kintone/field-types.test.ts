import { describe, expect, it } from "vitest";
import {
  capabilityOf,
  FIELD_KINDS,
  type FieldKind,
  isKnownFieldType,
  kindOfField,
} from "../../src/kintone/field-types.js";
import type { FieldProperty } from "../../src/kintone/types.js";

const COMPARE = ["eq", "ne", "gt", "ge", "lt", "le"];

describe("field-types: OData capabilities follow Kintone's operators (kintone-api.md §4.2)", () => {
  // Written out by hand from the documented table, so that a change to the registry shows up here.
  it.each<[FieldKind, string[], boolean]>([
    ["__ID__", [...COMPARE, "in"], true],
    ["__REVISION__", [], false],
    ["RECORD_NUMBER", [...COMPARE, "in"], true],
    ["NUMBER", [...COMPARE, "in"], true],
    ["CALC", [...COMPARE, "in"], true],
    ["CALC_DATE", COMPARE, true],
    ["CALC_DATETIME", COMPARE, true],
    ["CALC_TEXT", [], true],
    ["CREATED_TIME", COMPARE, true],
    ["DATE", COMPARE, true],
    ["TIME", COMPARE, true],
    ["DATETIME", COMPARE, true],
    ["SINGLE_LINE_TEXT", ["eq", "ne", "in", "contains", "null"], true],
    ["LINK", ["eq", "ne", "in", "contains", "null"], true],
    ["MULTI_LINE_TEXT", ["contains", "null"], false],
    ["RICH_TEXT", ["contains"], false],
    ["FILE", ["contains", "null"], false],
    ["CHECK_BOX", ["eq", "ne", "in", "null"], false],
    ["MULTI_SELECT", ["eq", "ne", "in", "null"], false],
    ["RADIO_BUTTON", ["eq", "ne", "in"], true],
    ["DROP_DOWN", ["eq", "ne", "in", "null"], true],
    ["CREATOR", ["eq", "ne", "in"], true],
    ["USER_SELECT", ["eq", "ne", "in"], false],
    ["STATUS_ASSIGNEE", ["eq", "ne", "in"], false],
    ["STATUS", ["eq", "ne", "in"], true],
    ["CATEGORY", [], false],
    ["SUBTABLE", [], false],
  ])("%s", (kind, filter, sort) => {
    expect(capabilityOf(kind, false)).toEqual({ filter, sort });
  });

  it.each<[FieldKind, string[]]>([
    ["SINGLE_LINE_TEXT", ["eq", "ne", "in", "contains"]],
    ["NUMBER", [...COMPARE, "in"]],
    ["DATE", ["gt", "ge", "lt", "le"]],
    ["MULTI_LINE_TEXT", ["contains"]],
    ["CHECK_BOX", ["eq", "ne", "in"]],
  ])("in a table, %s takes eq/ne only through in, no null test, no sorting", (kind, filter) => {
    expect(capabilityOf(kind, true)).toEqual({ filter, sort: false });
  });
});

describe("field-types: kinds", () => {
  it.each([
    ["NUMBER", "CALC"],
    [undefined, "CALC"],
    ["NUMBER_DIGIT", "CALC"],
    ["DATE", "CALC_DATE"],
    ["DATETIME", "CALC_DATETIME"],
    ["TIME", "CALC_TEXT"],
    ["HOUR_MINUTE", "CALC_TEXT"],
    ["DAY_HOUR_MINUTE", "CALC_TEXT"],
  ])("a CALC field of format %s behaves as %s", (format, kind) => {
    const field = {
      type: "CALC",
      code: "c",
      label: "c",
      expression: "1",
      format,
    } as unknown as FieldProperty;
    expect(kindOfField(field)).toBe(kind);
  });

  it("knows Kintone's field types and not layout elements or pseudo kinds", () => {
    expect(isKnownFieldType("DROP_DOWN")).toBe(true);
    expect(isKnownFieldType("LABEL")).toBe(false);
    expect(isKnownFieldType("__ID__")).toBe(false);
    expect(isKnownFieldType("CALC_DATE")).toBe(false);
  });

  it("empty values are what Kintone's GET answers: null for drop-downs, dates and times, [] for lists", () => {
    expect(FIELD_KINDS.DROP_DOWN.empty).toBeNull();
    expect(FIELD_KINDS.DATE.empty).toBeNull();
    expect(FIELD_KINDS.TIME.empty).toBeNull();
    expect(FIELD_KINDS.DATETIME.empty).toBe("");
    expect(FIELD_KINDS.CHECK_BOX.empty).toEqual([]);
    expect(FIELD_KINDS.SUBTABLE.empty).toEqual([]);
    expect(FIELD_KINDS.NUMBER.empty).toBe("");
  });
});
