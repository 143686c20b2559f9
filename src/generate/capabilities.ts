import type { FieldType } from "../kintone/types.js";

/** OData `$filter` operators a property can take; the proxy translates each to Kintone's query language. */
export const FILTER_OPERATORS = ["eq", "ne", "gt", "ge", "lt", "le", "in", "contains", "null"] as const;
export type FilterOperator = (typeof FILTER_OPERATORS)[number];

export type Capability = {
  /** OData operators accepted in `$filter` ("null" = `eq null` / `ne null`). */
  filter: readonly FilterOperator[];
  /** Whether the property may appear in `$orderby`. */
  sort: boolean;
};

const COMPARE = ["eq", "ne", "gt", "ge", "lt", "le"] as const;
const NONE: Capability = { filter: [], sort: false };

/**
 * What Kintone's query language allows per field type (kintone-api.md §4.2), as OData operators. Choice and user
 * fields take `eq`/`ne`/`in` (the proxy turns `eq` into Kintone's `in`); `contains` is Kintone's `like`, a word search.
 */
export const CAPABILITIES = {
  RECORD_NUMBER: { filter: [...COMPARE, "in"], sort: true },
  NUMBER: { filter: [...COMPARE, "in"], sort: true },
  CALC: { filter: [...COMPARE, "in"], sort: true },
  CREATED_TIME: { filter: COMPARE, sort: true },
  UPDATED_TIME: { filter: COMPARE, sort: true },
  DATE: { filter: COMPARE, sort: true },
  TIME: { filter: COMPARE, sort: true },
  DATETIME: { filter: COMPARE, sort: true },
  SINGLE_LINE_TEXT: { filter: ["eq", "ne", "in", "contains", "null"], sort: true },
  LINK: { filter: ["eq", "ne", "in", "contains", "null"], sort: true },
  MULTI_LINE_TEXT: { filter: ["contains", "null"], sort: false },
  RICH_TEXT: { filter: ["contains"], sort: false },
  FILE: { filter: ["contains", "null"], sort: false },
  CHECK_BOX: { filter: ["eq", "ne", "in", "null"], sort: false },
  MULTI_SELECT: { filter: ["eq", "ne", "in", "null"], sort: false },
  RADIO_BUTTON: { filter: ["eq", "ne", "in"], sort: true },
  DROP_DOWN: { filter: ["eq", "ne", "in", "null"], sort: true },
  CREATOR: { filter: ["eq", "ne", "in"], sort: true },
  MODIFIER: { filter: ["eq", "ne", "in"], sort: true },
  USER_SELECT: { filter: ["eq", "ne", "in"], sort: false },
  ORGANIZATION_SELECT: { filter: ["eq", "ne", "in"], sort: false },
  GROUP_SELECT: { filter: ["eq", "ne", "in"], sort: false },
  STATUS_ASSIGNEE: { filter: ["eq", "ne", "in"], sort: false },
  STATUS: { filter: ["eq", "ne", "in"], sort: true },
  CATEGORY: NONE,
  SUBTABLE: NONE,
  REFERENCE_TABLE: NONE,
  GROUP: NONE,
} as const satisfies Record<FieldType, Capability>;

/** Capability of the record id (`$id`). */
export const ID_CAPABILITY: Capability = { filter: [...COMPARE, "in"], sort: true };

/** Capability of a field, given its type (and, for fields in a subtable, Kintone's any-row rules). */
export function capabilityOf(type: FieldType, inSubtable: boolean): Capability {
  const base: Capability = CAPABILITIES[type];
  if (!inSubtable) return base;
  // In a table, Kintone refuses `=`/`!=` (GAIA_IQ07): the proxy writes eq/ne as in/not in where the type takes in,
  // and drops them elsewhere (dates). Emptiness tests and sorting do not work on table fields.
  const filter = base.filter.filter(
    (op) => op !== "null" && ((op !== "eq" && op !== "ne") || base.filter.includes("in")),
  );
  return { filter, sort: false };
}
