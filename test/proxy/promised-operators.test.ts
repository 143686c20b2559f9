import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FILTER_OPERATORS, type FilterOperator } from "../../src/kintone/field-types.js";
import { SAMPLE_APPS_DIR } from "../../src/templates.js";
import { FIXTURES } from "../helpers/cli.js";
import { fixtureDirs, type Harness, startHarness } from "../helpers/proxy-harness.js";
import { writeApp } from "../helpers/synthetic.js";

// What the spec promises a Flow admin ("filter: eq ne …" in each property's description) is exactly what the proxy
// takes: every promised operator answers 200 through the proxy and the sandbox (which refuses what Kintone refuses),
// and every other operator is a 400 from the proxy, never a Kintone error or a wrong answer.

type Json = Record<string, any>;

/** A CALC field of every result format, which the fixtures do not all have. */
async function calcApp(dir: string): Promise<void> {
  const calc = (code: string, format: string, expression: string) => ({
    type: "CALC",
    code,
    label: code,
    noLabel: false,
    required: false,
    expression,
    hideExpression: false,
    format,
    displayScale: "",
    unit: "",
    unitPosition: "BEFORE",
  });
  await writeApp(dir, 1, "Calculations", {
    Title: {
      type: "SINGLE_LINE_TEXT",
      code: "Title",
      label: "Title",
      noLabel: false,
      required: false,
      unique: false,
      maxLength: "",
      minLength: "",
      defaultValue: "",
      expression: "",
      hideExpression: false,
    },
    Amount: {
      type: "NUMBER",
      code: "Amount",
      label: "Amount",
      noLabel: false,
      required: false,
      unique: false,
      maxValue: "",
      minValue: "",
      defaultValue: "",
      digit: false,
      displayScale: "",
      unit: "",
      unitPosition: "BEFORE",
    },
    Doubled: calc("Doubled", "NUMBER", "Amount*2"),
    Digits: calc("Digits", "NUMBER_DIGIT", "Amount*3"),
    Due: calc("Due", "DATE", "Amount"),
    Stamp: calc("Stamp", "DATETIME", "Amount"),
    Clock: calc("Clock", "TIME", "Amount"),
    Hours: calc("Hours", "HOUR_MINUTE", "Amount"),
    Days: calc("Days", "DAY_HOUR_MINUTE", "Amount"),
  });
}

/** A literal of the property's type, read off its record schema (and its input schema's options). */
function literal(schema: Json, options: readonly string[] | undefined): string {
  if (options !== undefined && options.length > 0) return `'${options[0]?.replace(/'/g, "''")}'`;
  if (schema.type === "number" || schema.type === "integer") return "1";
  if (schema.format === "date") return "2024-01-31";
  if (schema.format === "date-time") return "2024-01-31T09:00:00Z";
  if (typeof schema.pattern === "string" && schema.pattern.includes(":")) return "'09:00'";
  return "'a'";
}

function filterFor(op: FilterOperator, path: string, value: string): string[] {
  switch (op) {
    case "in":
      return [`${path} in (${value})`];
    case "contains":
      return [`contains(${path}, 'a')`];
    case "null":
      return [`${path} eq null`, `${path} ne null`];
    default:
      return [`${path} ${op} ${value}`];
  }
}

/** The operators a description promises ("filter: eq ne in"), or none. */
function promised(description: string): Set<FilterOperator> {
  const match = /filter: ([a-z ]+?)(?:;|\.$|$)/.exec(description);
  const words = match?.[1]?.replace("eq null", "null").split(" ") ?? [];
  return new Set(
    words.filter((w): w is FilterOperator => (FILTER_OPERATORS as readonly string[]).includes(w)),
  );
}

type Case = { path: string; op: FilterOperator; filter: string; promised: boolean };

function casesOf(spec: Json): Map<string, Case[]> {
  const byCollection = new Map<string, Case[]>();
  const schemas = spec.components.schemas as Record<string, Json>;
  for (const [path, item] of Object.entries(spec.paths as Record<string, Json>)) {
    const list = item.get;
    if (list?.["x-kintone-operation"] !== "list") continue;
    const pageName = String(list.responses["200"].content["application/json"].schema.$ref).split("/").pop();
    const recordName = String(schemas[pageName as string]?.properties.value.items.$ref)
      .split("/")
      .pop();
    const record = schemas[recordName as string] as Json;
    const input = schemas[`${recordName}Create`] ?? schemas[`${recordName}Update`];
    const cases: Case[] = [];
    const add = (
      prefix: string,
      properties: Record<string, Json>,
      inputs: Record<string, Json> | undefined,
    ) => {
      for (const [name, schema] of Object.entries(properties)) {
        if (typeof schema.description !== "string" || schema["x-kintone-field-type"] === undefined) continue;
        if (schema["x-kintone-field-type"] === "SUBTABLE") {
          const row = schemas[String(schema.items.$ref).split("/").pop() as string] as Json;
          const rowInput = schemas[`${String(schema.items.$ref).split("/").pop()}Input`];
          add(`${name}/`, row.properties, rowInput?.properties);
          continue;
        }
        const inputSchema = inputs?.[name];
        const options = inputSchema?.enum ?? inputSchema?.items?.enum ?? schema.enum ?? schema.items?.enum;
        const value = literal(schema, options);
        const yes = promised(schema.description);
        for (const op of FILTER_OPERATORS)
          for (const filter of filterFor(op, `${prefix}${name}`, value))
            cases.push({ path: `${prefix}${name}`, op, filter, promised: yes.has(op) });
      }
    };
    add("", record.properties, input?.properties);
    byCollection.set(path, cases);
  }
  return byCollection;
}

const calcDir = await mkdtemp(join(tmpdir(), "kintone-openapi-calc-"));
await calcApp(calcDir);
afterAll(() => rm(calcDir, { recursive: true, force: true }));

const sources: Array<[string, string]> = [
  ...(await fixtureDirs(FIXTURES)).map((name) => [name, join(FIXTURES, name)] as [string, string]),
  ["sample-apps", SAMPLE_APPS_DIR],
  ["calc formats", calcDir],
];

describe.each(sources)("%s: the operators each description promises, and only those", (_name, dir) => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness(dir);
  });
  afterAll(() => harness.close());

  it("answers 200 to every promised operator and 400 InvalidFilter to every other", async () => {
    const wrong: string[] = [];
    let promisedCount = 0;
    for (const [path, cases] of casesOf(harness.spec as Json)) {
      for (const c of cases) {
        if (c.promised) promisedCount++;
        const { status, body } = await harness.call(
          "GET",
          `${path}?$top=1&$filter=${encodeURIComponent(c.filter)}`,
        );
        const ok = c.promised ? status === 200 : status === 400 && body?.error?.code === "InvalidFilter";
        if (!ok)
          wrong.push(
            `${path} ${c.filter} (${c.promised ? "promised" : "not promised"}): ${status} ${body?.error?.code ?? ""} ${body?.error?.message ?? ""}`,
          );
      }
    }
    expect(promisedCount).toBeGreaterThan(0);
    expect(wrong).toEqual([]);
  });
});
