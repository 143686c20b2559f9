import type { FieldProperty, FormFields, SubtableFieldProperty } from "../kintone/types.js";

/** What the sandbox knows of one field: its type, its settings, the table it sits in, its options. */
export type FieldInfo = {
  code: string;
  type: string;
  property: FieldProperty | SubtableFieldProperty | undefined;
  /** The SUBTABLE holding this field, for fields in a table. */
  table?: string;
  /** Option names of choice fields. */
  options?: string[];
};

/** Indexes an app's fields by code: top-level fields, fields in tables, and `$id`. */
export function indexFields(fields: FormFields): Map<string, FieldInfo> {
  const index = new Map<string, FieldInfo>();
  index.set("$id", { code: "$id", type: "__ID__", property: undefined });
  const add = (field: FieldProperty | SubtableFieldProperty, table?: string) => {
    const info: FieldInfo = { code: field.code, type: field.type, property: field };
    if (table !== undefined) info.table = table;
    const options = (field as { options?: Record<string, unknown> }).options;
    if (options !== undefined) info.options = Object.keys(options);
    index.set(field.code, info);
  };
  // Kintone keeps field codes unique across an app, tables included; a snapshot that breaks this (one fixture does)
  // resolves a shared code to the top-level field.
  const top = Object.values(fields.properties);
  for (const field of top) add(field);
  for (const field of top)
    if (field.type === "SUBTABLE")
      for (const inner of Object.values(field.fields)) if (!index.has(inner.code)) add(inner, field.code);
  return index;
}
