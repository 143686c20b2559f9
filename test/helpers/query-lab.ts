import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";

/** A Kintone app with one field of every queryable type, and six records designed for the query tests. */
const opts = (names: string[]) =>
  Object.fromEntries(names.map((n, i) => [n, { label: n, index: String(i) }]));
const F = (type: string, code: string, extra: Record<string, unknown> = {}) => ({
  type,
  code,
  label: code,
  noLabel: false,
  ...extra,
});

export const QUERY_LAB_FIELDS = {
  rn: F("RECORD_NUMBER", "rn"),
  creator: F("CREATOR", "creator"),
  created: F("CREATED_TIME", "created"),
  modifier: F("MODIFIER", "modifier"),
  updated: F("UPDATED_TIME", "updated"),
  status: { type: "STATUS", code: "status", label: "Status", enabled: true },
  assignee: { type: "STATUS_ASSIGNEE", code: "assignee", label: "Assignee", enabled: true },
  text: F("SINGLE_LINE_TEXT", "text", {
    required: false,
    unique: false,
    defaultValue: "",
    minLength: "",
    maxLength: "",
    expression: "",
    hideExpression: false,
  }),
  link: F("LINK", "link", { protocol: "WEB", defaultValue: "", unique: false, minLength: "", maxLength: "" }),
  memo: F("MULTI_LINE_TEXT", "memo", { defaultValue: "" }),
  rich: F("RICH_TEXT", "rich", { defaultValue: "" }),
  num: F("NUMBER", "num", { defaultValue: "", unique: false, minValue: "", maxValue: "" }),
  calc: F("CALC", "calc", { expression: "num*2", format: "NUMBER" }),
  date: F("DATE", "date", { defaultValue: "", unique: false, defaultNowValue: false }),
  time: F("TIME", "time", { defaultValue: "", defaultNowValue: false }),
  dt: F("DATETIME", "dt", { defaultValue: "", unique: false, defaultNowValue: false }),
  radio: F("RADIO_BUTTON", "radio", { options: opts(["A", "B", "C"]), defaultValue: "A", required: true }),
  drop: F("DROP_DOWN", "drop", { options: opts(["X", "Y", "Z"]), defaultValue: "" }),
  check: F("CHECK_BOX", "check", { options: opts(["p", "q", "r"]), defaultValue: [] }),
  multi: F("MULTI_SELECT", "multi", { options: opts(["p", "q", "r"]), defaultValue: [] }),
  user: F("USER_SELECT", "user", { defaultValue: [], entities: [] }),
  org: F("ORGANIZATION_SELECT", "org", { defaultValue: [], entities: [] }),
  grp: F("GROUP_SELECT", "grp", { defaultValue: [], entities: [] }),
  file: F("FILE", "file", { thumbnailSize: "150" }),
  table: {
    type: "SUBTABLE",
    code: "table",
    label: "table",
    noLabel: false,
    fields: {
      t_text: F("SINGLE_LINE_TEXT", "t_text", {
        defaultValue: "",
        unique: false,
        minLength: "",
        maxLength: "",
        expression: "",
        hideExpression: false,
      }),
      t_num: F("NUMBER", "t_num", { defaultValue: "", minValue: "", maxValue: "" }),
    },
  },
};

const entity = (...codes: string[]) => codes.map((code) => ({ code, name: code.toUpperCase() }));

type Spec = Record<string, unknown> & { rows?: Array<[string, string]> };

const SPECS: Spec[] = [
  {
    text: "alpha beta",
    link: "https://a.example.com",
    memo: "first line\nsecond",
    rich: "<b>Bold</b> words",
    num: "10",
    date: "2026-03-18",
    time: "09:30",
    dt: "2026-03-18T01:00:00Z",
    radio: "A",
    drop: "X",
    check: ["p", "q"],
    multi: ["p"],
    user: entity("alice"),
    org: entity("sales"),
    grp: entity("admins"),
    file: [{ contentType: "application/pdf", fileKey: "k1", name: "report.pdf", size: "10" }],
    status: "Open",
    creator: "alice",
    created: "2026-03-01T00:00:00Z",
    rows: [
      ["red", "1"],
      ["blue", "5"],
    ],
  },
  {
    text: "gamma keyword",
    link: "",
    memo: "",
    rich: "",
    num: "20",
    date: "2026-03-17",
    time: "18:00",
    dt: "2026-03-10T12:00:00Z",
    radio: "B",
    drop: null,
    check: [],
    multi: ["q", "r"],
    user: entity("bob"),
    org: [],
    grp: [],
    file: [],
    status: "Closed",
    creator: "bob",
    created: "2026-02-15T00:00:00Z",
    rows: [["red", "9"]],
  },
  {
    text: "Alpha",
    link: "https://b.example.com",
    memo: "   ",
    rich: "plain",
    num: "3",
    date: null,
    time: null,
    dt: "",
    radio: "C",
    drop: "Y",
    check: ["r"],
    multi: [],
    user: [],
    org: entity("dev"),
    grp: entity("admins"),
    file: [{ contentType: "text/plain", fileKey: "k2", name: "notes.txt", size: "3" }],
    status: "Open",
    creator: "alice",
    created: "2026-03-18T11:00:00Z",
    rows: [],
  },
  {
    text: "delta",
    link: "",
    memo: "",
    rich: "",
    num: "-5",
    date: "2026-04-02",
    time: "23:59",
    dt: "2026-03-18T12:34:30Z",
    radio: "A",
    drop: "Z",
    check: ["p"],
    multi: ["p", "q"],
    user: entity("alice", "bob"),
    org: [],
    grp: [],
    file: [],
    status: "In progress",
    creator: "sandbox",
    created: "2025-12-31T23:00:00Z",
    rows: [
      ["green", "3"],
      ["blue", "7"],
    ],
  },
  {
    text: "",
    link: "",
    memo: "",
    rich: "",
    num: "0",
    date: "2026-03-22",
    time: "00:00",
    dt: "2025-06-01T00:00:00Z",
    radio: "B",
    drop: "X",
    check: [],
    multi: [],
    user: entity("sandbox"),
    org: [],
    grp: [],
    file: [],
    status: "Closed",
    creator: "bob",
    created: "2026-03-17T23:59:00Z",
    rows: [["", ""]],
  },
  {
    text: "epsilon",
    link: "",
    memo: "",
    rich: "",
    num: "100",
    date: "2027-01-01",
    time: null,
    dt: "2026-12-31T23:59:00Z",
    radio: "C",
    drop: "Y",
    check: ["q"],
    multi: [],
    user: [],
    org: [],
    grp: [],
    file: [],
    status: "Open",
    creator: "alice",
    created: "2026-03-18T00:00:00Z",
    rows: [["red", "2"]],
  },
];

/** The fixed "now" of the query tests: Wednesday 18 March 2026, 12:34:56 UTC. */
export const QUERY_LAB_NOW = new Date("2026-03-18T12:34:56Z");

function record(spec: Spec, id: number): Record<string, { type: string; value: unknown }> {
  const out: Record<string, { type: string; value: unknown }> = {
    $id: { type: "__ID__", value: String(id) },
    $revision: { type: "__REVISION__", value: "1" },
    rn: { type: "RECORD_NUMBER", value: String(id) },
    modifier: { type: "MODIFIER", value: { code: "alice", name: "ALICE" } },
    updated: { type: "UPDATED_TIME", value: String(spec.created) },
    assignee: { type: "STATUS_ASSIGNEE", value: [] },
    calc: { type: "CALC", value: String(Number(spec.num) * 2) },
  };
  for (const [code, value] of Object.entries(spec)) {
    if (code === "rows") continue;
    const field = (QUERY_LAB_FIELDS as Record<string, { type: string }>)[code];
    if (field === undefined) throw new Error(code);
    out[code] = {
      type: field.type,
      value: code === "creator" ? { code: value, name: String(value).toUpperCase() } : value,
    };
  }
  out.table = {
    type: "SUBTABLE",
    value: (spec.rows ?? []).map(([t, n], i) => ({
      id: String(id * 100 + i),
      value: { t_text: { type: "SINGLE_LINE_TEXT", value: t }, t_num: { type: "NUMBER", value: n } },
    })),
  };
  return out;
}

/** Writes the query-lab app (id 1) as a snapshot directory. */
export async function writeQueryLab(dir: string): Promise<void> {
  await mkdir(join(dir, "1"), { recursive: true });
  await writeFile(
    join(dir, "1/app.json"),
    JSON.stringify({
      appId: "1",
      code: "",
      name: "Query lab",
      description: "",
      spaceId: null,
      threadId: null,
    }),
  );
  await writeFile(
    join(dir, "1/form-fields.json"),
    JSON.stringify({ properties: QUERY_LAB_FIELDS, revision: "1" }),
  );
  await writeFile(
    join(dir, "1/records.json"),
    JSON.stringify({ records: SPECS.map((spec, i) => record(spec, i + 1)) }),
  );
}
