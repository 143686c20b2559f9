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
    "an error response removed",
    (d) => {
      delete listDeals(d).responses.default;
    },
    [{ kind: "removed", target: "response", breaking: true, pointer: "/paths/~1deals/get/responses" }],
  ],
  [
    "a success response retyped",
    (d) => {
      listDeals(d).responses["200"].content["application/json"].schema = {
        $ref: "#/components/schemas/Deal",
      };
    },
    [{ kind: "retyped", target: "response", breaking: true }],
  ],
  [
    "a property made nullable in answers",
    (d) => {
      schemas(d).Deal.properties.nextStep.nullable = true;
    },
    [{ kind: "made-nullable", target: "property", breaking: false }],
  ],
  [
    "an input property no longer nullable",
    (d) => {
      delete schemas(d).DealUpdate.properties.nextStep.nullable;
    },
    [{ kind: "made-not-nullable", target: "property", breaking: false }],
  ],
  [
    "an enum put on an answer",
    (d) => {
      schemas(d).Deal.properties.nextStep.enum = ["Call", "Visit"];
    },
    [{ kind: "constraint-added", target: "property", breaking: false }],
  ],
  [
    "an input's options changed",
    (d) => {
      schemas(d).DealCreate.properties.stage.enum = ["Open", "Won"];
      schemas(d).DealUpdate.properties.stage.enum = [
        ...schemas(d).DealUpdate.properties.stage.enum,
      ].reverse();
    },
    [{ kind: "constraint-changed", target: "property", breaking: false }],
  ],
  [
    "a length limit dropped from an input",
    (d) => {
      delete schemas(d).DealCreate.properties.dealName.maxLength;
    },
    [{ kind: "constraint-removed", target: "property", breaking: false }],
  ],
  [
    "a parameter constrained",
    (d) => {
      listDeals(d).parameters.find((p: any) => p.name === "$filter").schema.maxLength = 2000;
    },
    [{ kind: "constraint-added", target: "parameter", breaking: false }],
  ],
  [
    "a property made required in answers only",
    (d) => {
      schemas(d).Deal.required.push("dealName");
    },
    [{ kind: "made-required", target: "property", breaking: false }],
  ],
  [
    "a required property added to answers only",
    (d) => {
      schemas(d).Deal.properties.region = { type: "string" };
      schemas(d).Deal.required.push("region");
    },
    [{ kind: "added", target: "property", breaking: false }],
  ],
  [
    "a column made required in a table row to write",
    (d) => {
      schemas(d).DealLineItemsRowInput.required.push("unitPrice");
    },
    [{ kind: "made-required", target: "property", breaking: true }],
  ],
  [
    "a security scheme added",
    (d) => {
      d.components.securitySchemes.Basic = { type: "http", scheme: "basic" };
    },
    [{ kind: "added", target: "security", breaking: false }],
  ],
  [
    "the security requirement changed",
    (d) => {
      d.security = [{ ApiKey: [] }];
    },
    [{ kind: "retyped", target: "security", breaking: false, pointer: "/security" }],
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

describe("diffDocuments: changes judged from the old spec", () => {
  it("a default response added is safe (a new output of the action)", () => {
    const old = copy();
    delete listDeals(old).responses.default;
    expect(diffDocuments(old, copy())).toMatchObject([
      { kind: "added", target: "response", breaking: false, pointer: "/paths/~1deals/get/responses" },
    ]);
  });

  it("an object removed is safe when no operation used it, breaking when one did", () => {
    const old = copy();
    schemas(old).Unused = { type: "object", properties: { a: { type: "string" } } };
    expect(diffDocuments(old, copy())).toMatchObject([
      { kind: "removed", target: "schema", breaking: false },
    ]);
    const next = copy();
    delete schemas(next).Entity;
    expect(diffDocuments(golden, next)).toMatchObject([
      { kind: "removed", target: "schema", breaking: true },
    ]);
  });

  it("classifies the upgrade from a spec made before default responses (CHANGELOG: how to re-register)", async () => {
    const before = JSON.parse(
      await readFile(join(ROOT, "test/fixtures/diff/sample-apps-0.1-before-default-responses.json"), "utf8"),
    ) as JsonObject;
    const changes = diffDocuments(before, golden);
    const breaking = changes.filter((c) => c.breaking).map((c) => `${c.kind} ${c.target} ${c.message}`);
    // Breaking: the explicit error outputs (replaced by default), FILE properties (inline objects instead of
    // FileRef in the records; out of the inputs, read-only without --operations files), and the columns Kintone
    // requires in a table row to write.
    expect(breaking.filter((m) => m.startsWith("removed response"))).toHaveLength(15);
    expect(breaking.filter((m) => /^retyped property .*array<#FileRef> to array<object>$/.test(m))).toEqual([
      "retyped property property Deal.proposal changed from array<#FileRef> to array<object>",
      "retyped property property Inquiry.attachment changed from array<#FileRef> to array<object>",
    ]);
    expect(breaking.filter((m) => /^removed property property \w+(Create|Update)\./.test(m))).toEqual([
      "removed property property DealCreate.proposal was removed",
      "removed property property DealUpdate.proposal was removed",
      "removed property property InquiryCreate.attachment was removed",
      "removed property property InquiryUpdate.attachment was removed",
    ]);
    expect(
      breaking.filter((m) => m.startsWith("made-required property property DealLineItemsRowInput.")),
    ).toEqual([
      "made-required property property DealLineItemsRowInput.product became required",
      "made-required property property DealLineItemsRowInput.quantity became required",
    ]);
    expect(breaking).toContain("removed schema object FileRef was removed");
    expect(breaking).toHaveLength(15 + 2 + 4 + 2 + 1);
    // Safe: default added, nullable, enums and limits off the answers, id/revision required in answers, security.
    const safe = changes.filter((c) => !c.breaking);
    const kinds = new Set(safe.map((c) => `${c.kind} ${c.target}`));
    for (const kind of [
      "added response",
      "made-nullable property",
      "constraint-removed property",
      "constraint-added property",
      "constraint-added parameter",
      "made-required property",
      "added security",
    ])
      expect(kinds, kind).toContain(kind);
    expect(safe.filter((c) => c.target === "response")).toHaveLength(15);
    expect(safe.find((c) => c.message.startsWith("property Customer.industry lost enum"))).toBeDefined();
    expect(
      safe.find(
        (c) => c.message === "property Customer.id became required (in answers only: always present)",
      ),
    ).toBeDefined();
  });
});

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
      expect(change.pointer).toMatch(/^\/(paths\/|components\/|security$)/);
    }
  });
});

describe("diffDocuments: what moves a Flow onto other data", () => {
  it("an operation that now acts on another Kintone app is breaking", () => {
    const next = copy();
    for (const item of Object.values<any>(next.paths))
      for (const op of Object.values<any>(item))
        if (op["x-kintone-app-id"] === "1") op["x-kintone-app-id"] = "7";
    const remapped = diffDocuments(golden, next).filter((c) => c.kind === "remapped");
    expect(remapped.length).toBeGreaterThan(0);
    expect(
      remapped.every((c) => c.breaking && /now acts on Kintone app 7 instead of app 1/.test(c.message)),
    ).toBe(true);
  });

  it("a server path that changed is breaking; a host that changed is not (the Named Credential gives it)", () => {
    const moved = copy();
    moved.servers = [{ url: "http://localhost:8080/kintone" }];
    expect(diffDocuments(golden, moved)).toEqual([
      expect.objectContaining({ breaking: true, pointer: "/servers/0/url" }),
    ]);
    const host = copy();
    host.servers = [{ url: "https://proxy.example.com" }];
    expect(diffDocuments(golden, host)).toEqual([]);
  });
});
