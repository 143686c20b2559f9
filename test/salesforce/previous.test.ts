import { readFile } from "node:fs/promises";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { buildSalesforceFolder } from "../../src/salesforce/build-folder.js";
import { deriveNames } from "../../src/salesforce/names.js";
import { PreviousUnreadableError, planUpdate, readPrevious } from "../../src/salesforce/previous.js";
import { parseMetadataXml } from "../../src/salesforce/xml.js";
import type { JsonObject } from "../../src/validate/types.js";

const GOLDEN = new URL("../fixtures/golden/sample-apps.json", import.meta.url);
const load = async () => JSON.parse(await readFile(GOLDEN, "utf8")) as JsonObject;
type Spec = {
  paths: Record<string, Record<string, JsonObject>>;
  components: { schemas: Record<string, { properties: Record<string, unknown>; required?: string[] }> };
};

function inactive(plan: ReturnType<typeof planUpdate>): string[] {
  return plan.deactivate
    .filter((op) => !op.active)
    .map((op) => op.name)
    .sort();
}

describe("planUpdate: what the first of two deploys deactivates", () => {
  it("nothing when nothing breaks", async () => {
    const spec = await load();
    const plan = planUpdate({ spec }, spec);
    expect(plan.changes).toEqual([]);
    expect(inactive(plan)).toEqual([]);
  });

  it.each<[string, (s: Spec) => void, string[]]>([
    ["a removed operation", (s) => delete s.paths["/deals/{id}"]?.delete, ["deletedeal"]],
    [
      "a property removed from the record: every operation that answers or takes it",
      (s) => delete s.components.schemas.Customer?.properties.companyName,
      ["createcustomer", "getcustomer", "listcustomers", "updatecustomer"],
    ],
    [
      "a new required input: the operations that take it",
      (s) => {
        const create = s.components.schemas.CustomerCreate as {
          properties: Record<string, unknown>;
          required?: string[];
        };
        create.properties.region = { type: "string", description: "new" };
        create.required = [...(create.required ?? []), "region"];
      },
      ["createcustomer"],
    ],
  ])("%s", async (_, change, expected) => {
    const previous = await load();
    const next = structuredClone(previous) as unknown as Spec;
    change(next);
    const plan = planUpdate({ spec: previous }, next as unknown as JsonObject);
    expect(plan.breaking.length).toBeGreaterThan(0);
    expect(inactive(plan)).toEqual(expected);
  });

  it("keeps inactive what the retrieved registration lists as inactive", async () => {
    const spec = await load();
    const plan = planUpdate({ spec, active: new Map([["getdeal", false]]) }, spec);
    expect(inactive(plan)).toEqual(["getdeal"]);
  });
});

describe("readPrevious", () => {
  it("reads a retrieved registration: its schema, operations and systemVersion", async () => {
    const spec = await load();
    const files = buildSalesforceFolder({
      spec,
      names: deriveNames("Kintone"),
      proxyUrl: "https://proxy.example.com",
      header: "x-api-key",
      operations: [
        { name: "listcustomers", active: true },
        { name: "getcustomer", active: false },
      ],
      apiVersion: "62.0",
      packageDirectory: "force-app",
      withProject: false,
      systemVersion: "8",
    });
    const xml = [...files.entries()].find(([path]) =>
      path.includes("externalServiceRegistrations"),
    )?.[1] as string;
    const previous = readPrevious(xml);
    expect(previous.spec).toEqual(spec);
    expect(previous.systemVersion).toBe("8");
    expect([...(previous.active ?? [])]).toEqual([
      ["listcustomers", true],
      ["getcustomer", false],
    ]);
  });

  it("reads a spec in JSON or YAML", () => {
    expect(readPrevious('{"openapi":"3.0.3","paths":{}}').spec).toEqual({ openapi: "3.0.3", paths: {} });
    expect(readPrevious("openapi: 3.0.3\npaths: {}\n").spec).toEqual({ openapi: "3.0.3", paths: {} });
  });

  it.each([
    ["{}", /no OpenAPI document/],
    ["{ not json", /neither JSON nor YAML/],
    ['<?xml version="1.0"?><Package><version>62.0</version></Package>', /no ExternalServiceRegistration/],
    [
      '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><ExternalServiceRegistration><schema>&a;</schema></ExternalServiceRegistration>',
      /a DOCTYPE, which metadata files never have/,
    ],
  ])("refuses %j", (text, message) => {
    expect(() => readPrevious(text)).toThrow(PreviousUnreadableError);
    expect(() => readPrevious(text)).toThrow(message);
  });
});

describe("<schema> escaping", () => {
  it("any text in the spec comes back exactly after the XML is written and read", () => {
    fc.assert(
      fc.property(
        fc.string({ unit: "grapheme", maxLength: 40 }),
        fc.string({ maxLength: 40 }),
        (title, description) => {
          const spec = { openapi: "3.0.3", info: { title, description, version: "1" }, paths: {} };
          const files = buildSalesforceFolder({
            spec,
            names: deriveNames("Kintone"),
            proxyUrl: "https://proxy.example.com",
            header: "x-api-key",
            operations: [],
            apiVersion: "62.0",
            packageDirectory: "force-app",
            withProject: false,
            only: "registration",
          });
          const xml = [...files.entries()].find(([path]) => path.endsWith("-meta.xml"))?.[1] as string;
          const parsed = parseMetadataXml(xml).ExternalServiceRegistration as { schema: string };
          expect(parsed.schema).toBe(JSON.stringify(spec));
        },
      ),
      { numRuns: 300, seed: 15 },
    );
  });
});
