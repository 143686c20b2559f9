import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { type Change, diffDocuments } from "../../src/validate/diff.js";
import type { JsonObject } from "../../src/validate/types.js";
import { ROOT } from "../helpers/cli.js";

const golden = JSON.parse(
  await readFile(join(ROOT, "test/fixtures/golden/sample-apps.json"), "utf8"),
) as JsonObject;
const copy = (): any => structuredClone(golden);
const schemas = (d: any) => d.components.schemas;
const listDeals = (d: any) => d.paths["/deals"].get;

type Row = [string, (d: any) => void, Partial<Change>[]];

/** One row per kind of change: what changes, and how it is classified for a spec registered in Salesforce. */
const CASES: Row[] = [
  [
    "an operation removed",
    (d) => {
      delete d.paths["/deals"].get;
    },
    [{ kind: "removed", target: "operation", breaking: true }],
  ],
  [
    "an operation added",
    (d) => {
      d.paths["/deals"].put = { ...listDeals(d), operationId: "replaceDeals" };
    },
    [{ kind: "added", target: "operation", breaking: false }],
  ],
  [
    "an operation renamed",
    (d) => {
      listDeals(d).operationId = "listOpportunities";
    },
    [{ kind: "renamed", target: "operation", breaking: true }],
  ],
  [
    "an operation renamed in case only",
    (d) => {
      listDeals(d).operationId = "ListDeals";
    },
    [{ kind: "renamed", target: "operation", breaking: false }],
  ],
  [
    "an optional parameter removed",
    (d) => {
      listDeals(d).parameters = listDeals(d).parameters.filter((p: any) => p.name !== "$count");
    },
    [{ kind: "removed", target: "parameter", breaking: false }],
  ],
  [
    "a required parameter removed",
    (d) => {
      d.paths["/deals/{id}"].get.parameters = d.paths["/deals/{id}"].get.parameters.filter(
        (p: any) => p.name !== "id",
      );
    },
    [{ kind: "removed", target: "parameter", breaking: true }],
  ],
  [
    "an optional parameter added",
    (d) => {
      listDeals(d).parameters.push({ name: "q", in: "query", schema: { type: "string" } });
    },
    [{ kind: "added", target: "parameter", breaking: false }],
  ],
  [
    "a required parameter added",
    (d) => {
      listDeals(d).parameters.push({ name: "q", in: "query", required: true, schema: { type: "string" } });
    },
    [{ kind: "added", target: "parameter", breaking: true }],
  ],
  [
    "a parameter made required",
    (d) => {
      listDeals(d).parameters[0].required = true;
    },
    [{ kind: "made-required", target: "parameter", breaking: true }],
  ],
  [
    "a parameter retyped",
    (d) => {
      listDeals(d).parameters.find((p: any) => p.name === "$top").schema = { type: "string" };
    },
    [{ kind: "retyped", target: "parameter", breaking: true }],
  ],
  [
    "a schema removed",
    (d) => {
      delete schemas(d).DealLineItemsRowInput;
    },
    [{ kind: "removed", target: "schema", breaking: true }],
  ],
  [
    "a schema added",
    (d) => {
      schemas(d).Note = { type: "object", properties: { text: { type: "string" } } };
    },
    [{ kind: "added", target: "schema", breaking: false }],
  ],
  [
    "a schema renamed in case only",
    (d) => {
      schemas(d).DEALPAGE = schemas(d).DealPage;
      delete schemas(d).DealPage;
    },
    [{ kind: "renamed", target: "schema", breaking: false }],
  ],
  [
    "a schema renamed",
    (d) => {
      schemas(d).Opportunity = schemas(d).DealPage;
      delete schemas(d).DealPage;
    },
    [{ kind: "renamed", target: "schema", breaking: true }],
  ],
  [
    "a property removed",
    (d) => {
      delete schemas(d).Deal.properties.nextStep;
    },
    [{ kind: "removed", target: "property", breaking: true }],
  ],
  [
    "a property added",
    (d) => {
      schemas(d).Deal.properties.region = { type: "string" };
    },
    [{ kind: "added", target: "property", breaking: false }],
  ],
  [
    "a required property added",
    (d) => {
      schemas(d).DealCreate.properties.region = { type: "string" };
      schemas(d).DealCreate.required.push("region");
    },
    [{ kind: "added", target: "property", breaking: true }],
  ],
  [
    "a property renamed (same Kintone field)",
    (d) => {
      const p = schemas(d).Deal.properties;
      p.step = p.nextStep;
      delete p.nextStep;
    },
    [{ kind: "renamed", target: "property", breaking: true }],
  ],
  [
    "a property renamed in case only",
    (d) => {
      const p = schemas(d).Deal.properties;
      p.NextStep = p.nextStep;
      delete p.nextStep;
    },
    [{ kind: "renamed", target: "property", breaking: false }],
  ],
  [
    "a property retyped",
    (d) => {
      schemas(d).Deal.properties.probability = { type: "string" };
    },
    [{ kind: "retyped", target: "property", breaking: true }],
  ],
  [
    "a property made required",
    (d) => {
      schemas(d).DealCreate.required.push("nextStep");
    },
    [{ kind: "made-required", target: "property", breaking: true }],
  ],
  [
    "a property made optional",
    (d) => {
      schemas(d).DealCreate.required = schemas(d).DealCreate.required.filter((n: string) => n !== "dealName");
    },
    [{ kind: "made-optional", target: "property", breaking: false }],
  ],
  [
    "only descriptions changed",
    (d) => {
      listDeals(d).description = "Other words.";
      schemas(d).Deal.properties.nextStep.description = "Other.";
    },
    [],
  ],
];

describe("diffDocuments", () => {
  it("finds nothing between a spec and itself", () => {
    expect(diffDocuments(golden, copy())).toEqual([]);
  });

  it.each(CASES)("%s", (_what, mutate, expected) => {
    const next = copy();
    mutate(next);
    const changes = diffDocuments(golden, next);
    expect(changes).toHaveLength(expected.length);
    for (const [i, want] of expected.entries()) expect(changes[i]).toMatchObject(want);
    for (const change of changes) {
      expect(change.message.length).toBeGreaterThan(10);
      expect(change.pointer).toMatch(/^\/(paths|components)\//);
    }
  });
});
