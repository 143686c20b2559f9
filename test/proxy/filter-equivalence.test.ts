import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tempDir } from "../helpers/cli.js";
import { type Harness, startHarness } from "../helpers/proxy-harness.js";

/**
 * For random $filter expressions over random records, the proxy (translating to Kintone's query language, run by
 * the sandbox) returns exactly the records that an independent evaluator of OData semantics selects.
 */
type Row = { id: number; name: string; amount: number; day: string; stage: string | null; tags: string[] };

const WORDS = ["alpha", "beta", "gamma"];
const rowArb = fc.record({
  name: fc.constantFrom(...WORDS),
  amount: fc.integer({ min: -20, max: 20 }),
  day: fc.integer({ min: 1, max: 28 }).map((d) => `2026-02-${String(d).padStart(2, "0")}`),
  stage: fc.constantFrom("a", "b", "c", null),
  tags: fc.subarray(["p", "q"]),
});
const ROWS: Row[] = fc.sample(rowArb, { numRuns: 40, seed: 42 }).map((row, i) => ({ id: i + 1, ...row }));

/**
 * `ordered`/`negatedOrder`: the filter compares with gt/ge/lt/le under an even/odd number of `not`s. The proxy refuses
 * a negated ordering (it would also match empty values, which Kintone cannot select), so those must be 400s.
 */
type Node = { filter: string; test: (row: Row) => boolean; ordered?: boolean; negatedOrder?: boolean };
const quote = (s: string) => `'${s}'`;

const leaf: fc.Arbitrary<Node> = fc.oneof(
  fc.tuple(fc.constantFrom("eq", "ne"), fc.constantFrom(...WORDS)).map(([op, w]) => ({
    filter: `name ${op} ${quote(w)}`,
    test: (r: Row) => (op === "eq" ? r.name === w : r.name !== w),
  })),
  fc.subarray(WORDS, { minLength: 1 }).map((ws) => ({
    filter: `name in (${ws.map(quote).join(", ")})`,
    test: (r: Row) => ws.includes(r.name),
  })),
  fc
    .tuple(fc.constantFrom("eq", "ne", "gt", "ge", "lt", "le"), fc.integer({ min: -20, max: 20 }))
    .map(([op, n]) => ({
      ordered: !["eq", "ne"].includes(op),
      filter: `amount ${op} ${n}`,
      test: (r: Row) =>
        ({
          eq: r.amount === n,
          ne: r.amount !== n,
          gt: r.amount > n,
          ge: r.amount >= n,
          lt: r.amount < n,
          le: r.amount <= n,
        })[op as "eq"],
    })),
  fc
    .subarray([-5, 0, 5, 10], { minLength: 1 })
    .map((ns) => ({ filter: `amount in (${ns.join(", ")})`, test: (r: Row) => ns.includes(r.amount) })),
  fc
    .tuple(fc.constantFrom("eq", "ne", "gt", "ge", "lt", "le"), fc.integer({ min: 1, max: 28 }))
    .map(([op, d]) => {
      const day = `2026-02-${String(d).padStart(2, "0")}`;
      return {
        ordered: !["eq", "ne"].includes(op),
        filter: `day ${op} ${day}`,
        test: (r: Row) =>
          ({
            eq: r.day === day,
            ne: r.day !== day,
            gt: r.day > day,
            ge: r.day >= day,
            lt: r.day < day,
            le: r.day <= day,
          })[op as "eq"],
      };
    }),
  fc.tuple(fc.constantFrom("eq", "ne"), fc.constantFrom("a", "b", "c", null)).map(([op, v]) => ({
    filter: `stage ${op} ${v === null ? "null" : quote(v)}`,
    test: (r: Row) => (op === "eq" ? r.stage === v : r.stage !== v),
  })),
  fc.subarray(["a", "b", "c"], { minLength: 1 }).map((vs) => ({
    filter: `stage in (${vs.map(quote).join(", ")})`,
    test: (r: Row) => r.stage !== null && vs.includes(r.stage),
  })),
  fc.tuple(fc.constantFrom("eq", "ne"), fc.constantFrom("p", "q", null)).map(([op, v]) => ({
    filter: `tags ${op} ${v === null ? "null" : quote(v)}`,
    test: (r: Row) => {
      const hit = v === null ? r.tags.length === 0 : r.tags.includes(v);
      return op === "eq" ? hit : !hit;
    },
  })),
);

const { node } = fc.letrec<{ node: Node }>((tie) => ({
  node: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    leaf,
    fc.tuple(tie("node"), tie("node")).map(([a, b]) => ({
      filter: `(${a.filter}) and (${b.filter})`,
      test: (r: Row) => a.test(r) && b.test(r),
      ordered: a.ordered || b.ordered,
      negatedOrder: a.negatedOrder || b.negatedOrder,
    })),
    fc.tuple(tie("node"), tie("node")).map(([a, b]) => ({
      filter: `(${a.filter}) or (${b.filter})`,
      test: (r: Row) => a.test(r) || b.test(r),
      ordered: a.ordered || b.ordered,
      negatedOrder: a.negatedOrder || b.negatedOrder,
    })),
    tie("node").map((a) => ({
      filter: `not (${a.filter})`,
      test: (r: Row) => !a.test(r),
      ordered: a.negatedOrder,
      negatedOrder: a.ordered,
    })),
  ),
}));

describe("random filters: proxy through the sandbox = reference evaluator", () => {
  let h: Harness;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    const temp = await tempDir();
    cleanup = temp.cleanup;
    const dir = join(temp.dir, "snap");
    await mkdir(join(dir, "1"), { recursive: true });
    const opts = (names: string[]) =>
      Object.fromEntries(names.map((n, i) => [n, { label: n, index: String(i) }]));
    await writeFile(
      join(dir, "1/app.json"),
      JSON.stringify({
        appId: "1",
        code: "",
        name: "Orders",
        description: "",
        spaceId: null,
        threadId: null,
      }),
    );
    await writeFile(
      join(dir, "1/form-fields.json"),
      JSON.stringify({
        properties: {
          name: {
            type: "SINGLE_LINE_TEXT",
            code: "name",
            label: "Name",
            required: false,
            unique: false,
            defaultValue: "",
            minLength: "",
            maxLength: "",
            expression: "",
          },
          amount: {
            type: "NUMBER",
            code: "amount",
            label: "Amount",
            required: false,
            minValue: "",
            maxValue: "",
            defaultValue: "",
          },
          day: { type: "DATE", code: "day", label: "Day", required: false, defaultValue: "" },
          stage: {
            type: "DROP_DOWN",
            code: "stage",
            label: "Stage",
            required: false,
            defaultValue: "",
            options: opts(["a", "b", "c"]),
          },
          tags: {
            type: "CHECK_BOX",
            code: "tags",
            label: "Tags",
            required: false,
            defaultValue: [],
            options: opts(["p", "q"]),
          },
        },
        revision: "1",
      }),
    );
    const records = ROWS.map((r) => ({
      $id: { type: "__ID__", value: String(r.id) },
      $revision: { type: "__REVISION__", value: "1" },
      name: { type: "SINGLE_LINE_TEXT", value: r.name },
      amount: { type: "NUMBER", value: String(r.amount) },
      day: { type: "DATE", value: r.day },
      stage: { type: "DROP_DOWN", value: r.stage },
      tags: { type: "CHECK_BOX", value: r.tags },
    }));
    await writeFile(join(dir, "1/records.json"), JSON.stringify({ records }));
    h = await startHarness(dir);
  });
  afterAll(async () => {
    await h.close();
    await cleanup();
  });

  it("selects the same records", async () => {
    const list = Object.keys(h.spec.paths)[0] as string;
    await fc.assert(
      fc.asyncProperty(node, async ({ filter, test, negatedOrder }) => {
        const result = await h.call(
          "GET",
          `${list}?$top=500&$select=id&$filter=${encodeURIComponent(filter)}`,
        );
        if (negatedOrder === true) {
          expect([result.status, result.body.error.code], filter).toEqual([400, "InvalidFilter"]);
          expect(result.body.error.message).toMatch(/cannot be run exactly/);
          return;
        }
        expect(result.status, `${filter}: ${JSON.stringify(result.body)}`).toBe(200);
        const got = result.body.value.map((r: { id: number }) => r.id).sort((a: number, b: number) => a - b);
        expect(got, filter).toEqual(ROWS.filter(test).map((r) => r.id));
      }),
      { numRuns: 600 },
    );
  });
});
