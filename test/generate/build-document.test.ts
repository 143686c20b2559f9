import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { buildDocument, OPERATIONS, type Operation } from "../../src/generate/build-document.js";
import { SnapshotMetadataSource } from "../../src/kintone/snapshot-source.js";
import type { AppMetadata } from "../../src/kintone/types.js";
import { readBaseSpec, SAMPLE_APPS_DIR } from "../../src/templates.js";
import { FIXTURES } from "../helpers/cli.js";

type Schema = Record<string, any>;

const base = await readBaseSpec();
const build = (apps: AppMetadata[], operations: readonly Operation[] = OPERATIONS) =>
  buildDocument(apps, { proxyUrl: "http://localhost:8080", operations }, base).document as Schema;
const read = (dir: string) => new SnapshotMetadataSource(dir).readApps([]);

const allTypes = build(await read(join(FIXTURES, "java-client-all-types")));
const sample = build(await read(SAMPLE_APPS_DIR));
const schemasOf = (doc: Schema) => doc.components.schemas as Record<string, Schema>;
const all = schemasOf(allTypes);

/** Every fixture app's spec, for the rules that hold everywhere. */
const fixtures = [
  ...(await readdir(FIXTURES, { withFileTypes: true }))
    .filter((d) => d.isDirectory())
    .map((d) => [d.name, join(FIXTURES, d.name)] as const),
  ["sample-apps", SAMPLE_APPS_DIR] as const,
];
const specs = await Promise.all(fixtures.map(async ([name, dir]) => [name, build(await read(dir))] as const));

/** The schemas of answers (records and their rows) and of inputs (create, update, rows to write). */
function answerSchemas(doc: Schema): Array<[string, Schema]> {
  return Object.entries(schemasOf(doc)).filter(
    ([name, s]) =>
      s["x-kintone-app-id"] !== undefined &&
      !/(Create|Update|Input|Page)$/.test(name) &&
      s.properties !== undefined,
  );
}

const INPUT_ONLY = ["enum", "minLength", "maxLength", "minimum", "maximum", "minItems"];

type Want = {
  /** Keywords the record (answer) schema of the property has, and ones it must not have. */
  answer: Schema;
  /** The create input's schema of the property (undefined: not in the input), and whether it is required. */
  create?: Schema;
  update?: Schema;
  requiredOnCreate?: boolean;
};

/** One row per Kintone field type of the java-client fixture (app 5, "All field type"). */
const CASES: Array<[string, Want]> = [
  ["calc", { answer: { type: "number", nullable: true, readOnly: true } }],
  ["createdTime", { answer: { format: "date-time", nullable: true, readOnly: true } }],
  ["recordNumber", { answer: { type: "string", nullable: undefined, readOnly: true } }],
  ["creator", { answer: { type: "object", nullable: undefined, readOnly: true } }],
  ["status", { answer: { type: "string", nullable: undefined, readOnly: true } }],
  [
    "text",
    {
      answer: { type: "string", nullable: undefined, maxLength: undefined },
      create: { type: "string", maxLength: 10, nullable: true },
      update: { type: "string", maxLength: 10, nullable: true },
    },
  ],
  [
    "link",
    {
      // Kintone's length limits (minLength 1 here) constrain what is written, not what old records hold.
      answer: { type: "string", minLength: undefined, maxLength: undefined },
      create: { type: "string", minLength: 1, maxLength: 128, nullable: true },
      update: { type: "string", minLength: 1, maxLength: 128, nullable: true },
    },
  ],
  [
    "dropdown",
    {
      answer: { type: "string", nullable: true, enum: undefined },
      // null beside an enum would have to be one of the options: choice inputs are not nullable.
      create: { type: "string", enum: ["option 1", "option 2", "option 3"], nullable: undefined },
    },
  ],
  [
    "radiobutton",
    {
      answer: { type: "string", nullable: undefined, enum: undefined },
      create: { enum: ["option 1", "option 2", "option 3"], nullable: undefined },
    },
  ],
  [
    "checkbox",
    {
      answer: { type: "array", items: { type: "string" }, nullable: undefined },
      create: { items: { type: "string", enum: ["option 1", "option 2", "option 3"] }, nullable: true },
    },
  ],
  [
    "multichoice",
    {
      answer: { items: { type: "string" }, minItems: undefined },
      create: { items: { type: "string", enum: ["option 1", "option 2", "option 3"] }, minItems: 1 },
    },
  ],
  [
    "orgselect",
    {
      answer: { items: { $ref: "#/components/schemas/Entity" }, minItems: undefined },
      create: { minItems: 1, nullable: true },
    },
  ],
  [
    "dateValue",
    {
      answer: { format: "date", nullable: true },
      // "" is not a date: the format excludes it, no minLength needed.
      create: { format: "date", minLength: undefined, nullable: true },
    },
  ],
  ["datetimeValue", { answer: { format: "date-time", nullable: true }, create: { nullable: true } }],
  [
    "timeValue",
    { answer: { pattern: "^([01]\\d|2[0-3]):[0-5]\\d$", nullable: true }, create: { minLength: undefined } },
  ],
  ["lookup", { answer: { type: "number", nullable: true }, create: { type: "number", nullable: true } }],
  ["numberValue", { answer: { type: "number", nullable: true, readOnly: true } }],
  [
    "file",
    {
      answer: {
        type: "array",
        items: {
          type: "object",
          required: ["fileKey", "name", "contentType", "size"],
          properties: {
            fileKey: { type: "string" },
            name: { type: "string" },
            contentType: { type: "string" },
            size: { type: "integer", format: "int64" },
          },
        },
        readOnly: true,
      },
      // Without --operations files no operation can upload a file, so FILE is read-only (not in the inputs).
    },
  ],
  [
    "table",
    {
      answer: { items: { $ref: "#/components/schemas/AllFieldTypeTableRow" } },
      create: { items: { $ref: "#/components/schemas/AllFieldTypeTableRowInput" }, nullable: true },
    },
  ],
];

/** `actual` has every key of `want` with that value (undefined: absent), compared deeply where a value is an object. */
function expectShape(actual: Schema | undefined, want: Schema, where: string): void {
  expect(actual, where).toBeDefined();
  for (const [key, value] of Object.entries(want)) {
    if (value === undefined) expect(actual?.[key], `${where}.${key}`).toBeUndefined();
    else if (typeof value === "object" && !Array.isArray(value))
      expectShape(actual?.[key], value as Schema, `${where}.${key}`);
    else expect(actual?.[key], `${where}.${key}`).toEqual(value);
  }
}

describe("property schemas: answers vs inputs (one case per field type)", () => {
  it.each(CASES)("%s", (name, want) => {
    const answer = all.AllFieldType?.properties[name];
    expectShape(answer, want.answer, `AllFieldType.${name}`);
    if (want.create === undefined) {
      expect(all.AllFieldTypeCreate?.properties[name]).toBeUndefined();
      expect(all.AllFieldTypeUpdate?.properties[name]).toBeUndefined();
    } else {
      expectShape(all.AllFieldTypeCreate?.properties[name], want.create, `AllFieldTypeCreate.${name}`);
      expectShape(
        all.AllFieldTypeUpdate?.properties[name],
        want.update ?? want.create,
        `AllFieldTypeUpdate.${name}`,
      );
    }
  });
});

describe("record and input schemas", () => {
  it("require id and revision in every record schema, and nothing in the update input", () => {
    for (const [name, doc] of specs) {
      for (const [schemaName, schema] of answerSchemas(doc)) {
        if (schema.properties.revision !== undefined)
          expect(schema.required, `${name} ${schemaName}`).toEqual(["id", "revision"]);
      }
      for (const [schemaName, schema] of Object.entries(schemasOf(doc)))
        if (schemaName.endsWith("Update")) expect(schema.required, `${name} ${schemaName}`).toBeUndefined();
    }
  });

  it("constrain no answer with an enum, a length, a range or a minimum count (old records must validate)", () => {
    for (const [name, doc] of specs) {
      for (const [schemaName, schema] of answerSchemas(doc)) {
        for (const [property, value] of Object.entries<Schema>(schema.properties)) {
          for (const keyword of INPUT_ONLY) {
            expect(value[keyword], `${name} ${schemaName}.${property}.${keyword}`).toBeUndefined();
            expect(
              value.items?.[keyword],
              `${name} ${schemaName}.${property}.items.${keyword}`,
            ).toBeUndefined();
          }
        }
      }
    }
  });

  it("list the current options of choice properties in the answer's description, in display order", () => {
    const deals = schemasOf(sample).Deal?.properties;
    const stage = deals?.stage;
    const input = schemasOf(sample).DealCreate?.properties.stage;
    expect(input.enum.length).toBeGreaterThan(2);
    expect(stage.description).toContain(
      `options: ${input.enum.map((o: string) => JSON.stringify(o)).join(", ")}.`,
    );
    const tags = schemasOf(sample).Customer?.properties.tags;
    expect(tags.description).toContain('options: "Partner", "Reseller", "Key account", "Newsletter".');
  });

  it("keep a description with hundreds of long options within Salesforce's 1,333 characters", () => {
    const options = Object.fromEntries(
      Array.from({ length: 300 }, (_, i) => [
        `Option number ${i} with a long label`,
        { label: `Option ${i}`, index: String(i) },
      ]),
    );
    const app: AppMetadata = {
      app: { appId: "7", code: "", name: "Options", description: "", spaceId: null, threadId: null },
      fields: {
        revision: "1",
        properties: {
          Choice: {
            type: "DROP_DOWN",
            code: "Choice",
            label: "Choice",
            noLabel: false,
            required: false,
            options,
            defaultValue: "",
          },
        } as never,
      },
    };
    const doc = build([app]);
    const description = schemasOf(doc).Option?.properties.choice.description as string;
    expect(description.length).toBeLessThanOrEqual(1333);
    expect(description).toContain('options: "Option number 0 with a long label", "Option number 1');
    expect(description).toMatch(/ and \d+ more\.$/);
    expect(schemasOf(doc).OptionCreate?.properties.choice.enum).toHaveLength(300);
  });

  it("require the columns Kintone requires in a table row to write, not null and not empty", () => {
    const row = schemasOf(sample).DealLineItemsRowInput as Schema;
    expect(row.required).toEqual(["product", "quantity"]);
    expect(row.properties.product).toMatchObject({ minLength: 1 });
    expect(row.properties.product.nullable).toBeUndefined();
    expect(row.properties.quantity.nullable).toBeUndefined();
    expect(row.properties.unitPrice.nullable).toBe(true);
    expect(row.properties.id).toMatchObject({ type: "integer", nullable: true });
  });

  it("make required create properties non-empty and not nullable, and leave them out of clearFields", () => {
    const create = schemasOf(sample).CustomerCreate as Schema;
    expect(create.required).toEqual(["companyName"]);
    expect(create.properties.companyName).toMatchObject({ type: "string", minLength: 1, maxLength: 100 });
    expect(create.properties.companyName.nullable).toBeUndefined();
    const update = schemasOf(sample).CustomerUpdate as Schema;
    expect(update.properties.companyName).toMatchObject({ minLength: 1, nullable: true });
    expect(update.properties.clearFields.items.enum).not.toContain("companyName");
    expect(update.properties.clearFields.items.enum).toContain("notes");
    // Kintone-required fields with a default cannot be emptied either.
    const clearable = all.AllFieldTypeUpdate?.properties.clearFields.items.enum as string[];
    for (const name of ["multichoice", "orgselect", "dateValue", "timeValue"])
      expect(clearable, name).not.toContain(name);
    expect(clearable).toContain("text");
    expect(clearable).toContain("link");
  });

  it("state in the list parameters what the proxy refuses", () => {
    const list = sample.paths["/customers"].get.parameters as Schema[];
    const param = (name: string) => list.find((p) => p.name === name)?.schema;
    expect(param("$select")).toEqual({ type: "string", minLength: 1 });
    expect(param("$skip")).toMatchObject({ minimum: 0, maximum: 2_147_483_647 });
    expect(param("$skiptoken")).toEqual({
      type: "string",
      minLength: 1,
      maxLength: 512,
      pattern: "^[A-Za-z0-9_-]+$",
    });
    expect(param("$top")).toMatchObject({ minimum: 1, maximum: 500 });
    const get = sample.paths["/customers/{id}"].get.parameters as Schema[];
    expect(get.find((p) => p.name === "id")?.schema).toMatchObject({ minimum: 1, maximum: 2 ** 53 - 1 });
    expect(get.find((p) => p.name === "$select")?.schema).toEqual({ type: "string", minLength: 1 });
  });
});

describe("component schemas", () => {
  /** Names of the component schemas that paths refer to, directly or through other schemas. */
  function used(doc: Schema): Set<string> {
    const found = new Set<string>();
    const visit = (node: unknown): void => {
      if (Array.isArray(node)) node.forEach(visit);
      else if (typeof node === "object" && node !== null) {
        for (const [key, value] of Object.entries(node)) {
          if (key === "$ref" && typeof value === "string") {
            const name = value.split("/").pop() as string;
            if (!found.has(name)) {
              found.add(name);
              visit(schemasOf(doc)[name]);
            }
          } else visit(value);
        }
      }
    };
    visit(doc.paths);
    return found;
  }

  it.each(specs)(
    "%s: every component schema is used by an operation, and there is no FileRef",
    (_name, doc) => {
      expect(Object.keys(schemasOf(doc)).sort()).toEqual([...used(doc)].sort());
      expect(schemasOf(doc).FileRef).toBeUndefined();
    },
  );

  it("leaves out the input schemas and their rows when only list and get are generated", async () => {
    const doc = build(await read(SAMPLE_APPS_DIR), ["list", "get"]);
    const names = Object.keys(schemasOf(doc));
    expect(names.filter((n) => /Create|Update|Input/.test(n))).toEqual([]);
    expect(names).toContain("DealLineItemsRow");
    expect(names).toContain("ErrorResponse");
  });

  it("leaves out Entity when no app has a user, organization or group property", async () => {
    const doc = build(await read(join(FIXTURES, "data-loader")));
    const text = JSON.stringify(doc);
    expect(Object.keys(schemasOf(doc)).includes("Entity")).toBe(text.includes("#/components/schemas/Entity"));
  });
});
