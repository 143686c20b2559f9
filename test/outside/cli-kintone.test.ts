// The official cli-kintone (@kintone/cli, a tool we did not write) against the sandbox, for every sample app: the
// demo apps `sandbox` and `generate --demo` bundle, and every fixture app (issue #11 §5). For each app it exports the
// records to CSV, deletes them all, imports the CSV back (creating records), exports again, deletes one record by
// its number, imports with --update-key (updating the others and creating the deleted one again, which is
// cli-kintone's upsert), and deletes everything. Every effect is read back through @kintone/rest-api-client.
//
// cli-kintone runs as a user would run it: its own process, with no proxy variables, no KINTONE_* variables of the
// developer's shell, and HOME in a fresh temporary directory (checked to be still empty at the end). It reaches the
// sandbox at http://localhost:PORT: the official REST client refuses plain http to any other host name, 127.0.0.1
// included ("The protocol of baseUrl must be https").

import { spawn } from "node:child_process";
import { cp, mkdir, readdir, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { join } from "node:path";
import { KintoneRestAPIClient } from "@kintone/rest-api-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSandbox, type Sandbox } from "../../src/sandbox/server.js";
import { SAMPLE_APPS_DIR } from "../../src/templates.js";
import { FIXTURES, tempDir } from "../helpers/cli.js";
import { parseCsv, writeCsv } from "../helpers/csv.js";
import { fixtureDirs } from "../helpers/proxy-harness.js";

const CLI_KINTONE = createRequire(import.meta.url).resolve("@kintone/cli/cli.js");
const TOKEN = "cli-kintone-test-token";

type Field = Record<string, any>;
type KRecord = Record<string, { type: string; value: any }>;
type Run = { code: number | null; stdout: string; stderr: string };

/** Runs cli-kintone with only the variables it needs. Credentials go in KINTONE_* variables, not in argv. */
function cliKintone(args: readonly string[], env: Record<string, string>): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI_KINTONE, ...args], {
      env: { PATH: process.env.PATH ?? "", NO_COLOR: "1", LANG: "C.UTF-8", ...env },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString("utf8");
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString("utf8");
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
    child.stdin.end();
  });
}

/**
 * What each data directory needs besides its own files. java-client-all-types' lookup reads app 1 (record_number →
 * other_number), which the fixture lacks; its copy target `number` is required and unique, so each record needs a
 * related record of its own.
 */
const LOOKUP_KEYS: Record<string, Record<string, (i: number) => string>> = {
  "java-client-all-types": { lookup: (i) => String(i + 1) },
};

async function withRelatedApp(dir: string, into: string): Promise<void> {
  await cp(dir, into, { recursive: true });
  await mkdir(join(into, "1"));
  await writeFile(
    join(into, "1/app.json"),
    JSON.stringify({ appId: "1", code: "", name: "Related", description: "", spaceId: null, threadId: null }),
  );
  const number = (code: string) => ({ type: "NUMBER", code, label: code, noLabel: false, required: false });
  await writeFile(
    join(into, "1/form-fields.json"),
    JSON.stringify({
      properties: {
        record_number: { type: "RECORD_NUMBER", code: "record_number", label: "No", noLabel: false },
        other_number: { ...number("other_number"), minValue: "", maxValue: "", defaultValue: "" },
      },
      revision: "1",
    }),
  );
  const records = [1, 2, 3, 4, 5].map((id) => ({
    $id: { type: "__ID__", value: String(id) },
    record_number: { type: "RECORD_NUMBER", value: String(id) },
    other_number: { type: "NUMBER", value: String(40 + id) },
  }));
  await writeFile(join(into, "1/records.json"), JSON.stringify({ records }));
}

const SYSTEM = new Set(["CREATOR", "MODIFIER", "CREATED_TIME", "UPDATED_TIME"]);
/** Types cli-kintone neither exports nor imports (its schema leaves them out), and ids the server assigns. */
const NOT_CARRIED = new Set([
  "__ID__",
  "__REVISION__",
  "RECORD_NUMBER",
  "STATUS",
  "STATUS_ASSIGNEE",
  "CATEGORY",
]);

const isLookup = (field: Field) => typeof field.lookup === "object" && field.lookup !== null;
const copyTargets = (fields: Field[]) =>
  new Set(fields.filter(isLookup).flatMap((f) => f.lookup.fieldMappings.map((m: Field) => m.field)));
const optionsOf = (field: Field) =>
  Object.entries<Field>(field.options ?? {})
    .sort(([, a], [, b]) => Number(a.index) - Number(b.index))
    .map(([name]) => name);

/** A value to write into `field` for the i-th seeded record, or undefined to leave it to Kintone. */
function seedValue(
  field: Field,
  i: number,
  targets: Set<string>,
  keys: Record<string, (i: number) => string>,
) {
  if (targets.has(field.code)) return undefined;
  if (isLookup(field)) return keys[field.code]?.(i); // a key the related app holds, or empty
  const pick = (list: string[]) => list[i % list.length];
  switch (field.type) {
    case "SINGLE_LINE_TEXT":
      return field.expression
        ? undefined
        : `Text ${i}`.padEnd(Number(field.minLength || 0), "x").slice(0, Number(field.maxLength || 64));
    case "MULTI_LINE_TEXT":
      return `First line ${i}\nSecond line, with "quotes"`;
    case "RICH_TEXT":
      return `<div>Rich <b>${i}</b></div>`;
    case "LINK":
      return field.protocol === "MAIL" ? `user${i}@example.com` : `https://example.com/${i}`;
    case "NUMBER":
      return String(Math.max(Number(field.minValue || 0), 0) + 10 + i);
    case "RADIO_BUTTON":
    case "DROP_DOWN":
      return pick(optionsOf(field));
    case "CHECK_BOX":
    case "MULTI_SELECT":
      return [pick(optionsOf(field))];
    case "DATE":
      return `2026-03-${String(10 + i).padStart(2, "0")}`;
    case "DATETIME":
      return `2026-03-${String(10 + i).padStart(2, "0")}T09:30:00Z`;
    case "TIME":
      return `09:${String(10 + i).padStart(2, "0")}`;
    case "USER_SELECT":
      return [{ code: "sandbox" }];
    case "ORGANIZATION_SELECT":
      return [{ code: "org1" }];
    case "GROUP_SELECT":
      return [{ code: "group1" }];
    default:
      return undefined; // system fields, CALC, FILE (the sandbox has no file API), STATUS, tables (below)
  }
}

function seedRecord(
  properties: Record<string, Field>,
  i: number,
  keys: Record<string, (i: number) => string>,
) {
  const record: Record<string, { value: unknown }> = {};
  const top = Object.values(properties);
  for (const field of top) {
    if (field.type === "SUBTABLE") {
      const inner = Object.values<Field>(field.fields);
      const targets = copyTargets(inner);
      const rows = [0, 1].map((r) => {
        const value: Record<string, { value: unknown }> = {};
        for (const f of inner) {
          const v = seedValue(f, i + r, targets, keys);
          if (v !== undefined) value[f.code] = { value: v };
        }
        return { value };
      });
      record[field.code] = { value: rows };
      continue;
    }
    const value = seedValue(field, i, copyTargets(top), keys);
    if (value !== undefined) record[field.code] = { value };
  }
  return record;
}

/** A record as cli-kintone carries it: without what it does not carry, table rows without their ids. */
function carried(record: KRecord, drop: ReadonlySet<string> = new Set()): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [code, field] of Object.entries(record)) {
    if (NOT_CARRIED.has(field.type) || drop.has(field.type) || drop.has(code)) continue;
    out[code] =
      field.type === "SUBTABLE"
        ? (field.value as Array<{ value: unknown }>).map((row) => row.value)
        : { type: field.type, value: field.value };
  }
  return out;
}

/** cli-kintone's CSV, grouped by record: the "*" column marks the first line of each record (apps with tables). */
function csvRecords(text: string): { header: string[]; records: string[][][] } {
  const [header = [], ...lines] = parseCsv(text);
  if (header[0] !== "*") return { header, records: lines.map((line) => [line]) };
  const records: string[][][] = [];
  for (const line of lines) {
    if (line[0] === "*") records.push([line]);
    else records.at(-1)?.push(line);
  }
  return { header, records };
}

/** The text cli-kintone writes for a top-level value (its csvStringifier/fieldValue.ts). */
function csvText(field: { type: string; value: any }): string {
  switch (field.type) {
    case "CREATOR":
    case "MODIFIER":
      return field.value.code;
    case "CHECK_BOX":
    case "MULTI_SELECT":
      return field.value.join("\n");
    case "USER_SELECT":
    case "ORGANIZATION_SELECT":
    case "GROUP_SELECT":
      return field.value.map((entity: { code: string }) => entity.code).join("\n");
    case "FILE":
      return field.value.map((file: { name: string }) => file.name).join("\n");
    default:
      return field.value ?? "";
  }
}

const dataDirs: Array<[string, string]> = [
  ["sample-apps", SAMPLE_APPS_DIR],
  ...(await fixtureDirs(FIXTURES)).map((name): [string, string] => [name, join(FIXTURES, name)]),
];
/** One case per app, each with a sandbox of its own (app 2's lookups need app 1's records, which a case deletes). */
const cases: Array<[string, string, string]> = [];
for (const [name, source] of dataDirs)
  for (const app of (await fixtureDirs(source)).sort((a, b) => Number(a) - Number(b)))
    cases.push([name, app, source]);

describe.each(cases)("cli-kintone against the sandbox: %s, app %s", (name, app, source) => {
  let sandbox: Sandbox;
  let client: KintoneRestAPIClient;
  let work: Awaited<ReturnType<typeof tempDir>>;
  let home: string;
  let properties: Record<string, Field>;

  beforeAll(async () => {
    work = await tempDir();
    let data = source;
    if (name === "java-client-all-types") {
      data = join(work.dir, "data");
      await withRelatedApp(source, data);
    }
    sandbox = await createSandbox({ data, apiTokens: [{ token: TOKEN, appId: "*" }] });
    client = new KintoneRestAPIClient({
      baseUrl: sandbox.url,
      auth: { username: "sandbox", password: "sandbox" },
    });
    home = join(work.dir, "home");
    await mkdir(home);
    await mkdir(join(work.dir, "attachments"));
    properties = (await client.app.getFormFields({ app })).properties as Record<string, Field>;
  });
  afterAll(async () => {
    await sandbox?.close();
    await work?.cleanup();
  });

  const base = () => ["--base-url", sandbox.url];
  const asUser = () => ({ HOME: home, KINTONE_USERNAME: "sandbox", KINTONE_PASSWORD: "sandbox" });
  // `record delete` takes only API tokens.
  const withToken = () => ({ HOME: home, KINTONE_API_TOKEN: TOKEN });
  const all = async (of: string) =>
    ((await client.record.getAllRecordsWithId({ app: of })) as KRecord[]).sort(
      (a, b) => Number(a.$id?.value) - Number(b.$id?.value),
    );
  const ok = (run: Run, what: string) => expect(run.code, `${what}\n${run.stderr}\n${run.stdout}`).toBe(0);

  it("exports, imports (create and --update-key) and deletes the records of the app", {
    timeout: 180_000,
  }, async () => {
    const fields = Object.values(properties);
    if ((await all(app)).length === 0) {
      const records = [0, 1, 2].map((i) => seedRecord(properties, i, LOOKUP_KEYS[name] ?? {}));
      await client.record.addRecords({ app, records }).catch((e) => {
        throw new Error(JSON.stringify(e.errors));
      });
    }
    const before = await all(app);
    expect(before.length, `app ${app}`).toBeGreaterThan(0);

    // Export: one CSV record per record, in $id order, with each top-level value as cli-kintone writes it.
    const exported = await cliKintone(["record", "export", "--app", app, ...base()], asUser());
    ok(exported, `export app ${app}`);
    const csv = csvRecords(exported.stdout);
    // (java-client-all-types has `number` both at top level and in its table, which Kintone itself would refuse.)
    const inTables = new Set(
      fields.filter((f) => f.type === "SUBTABLE").flatMap((f) => Object.keys(f.fields as object)),
    );
    expect(csv.records.length, `app ${app}`).toBe(before.length);
    csv.records.forEach((lines, r) => {
      const record = before[r] as KRecord;
      const [first = []] = lines;
      for (const [column, code] of csv.header.entries()) {
        const field = record[code];
        // "*", the table's own column (row ids) and the columns of fields in tables are checked by the import.
        if (field === undefined || field.type === "SUBTABLE" || inTables.has(code)) continue;
        expect(first[column], `app ${app} record ${r} field ${code}`).toBe(csvText(field));
      }
      const table = fields.find((f) => f.type === "SUBTABLE");
      if (table)
        expect(lines.length).toBe(Math.max(1, ((record[table.code]?.value ?? []) as unknown[]).length));
    });
    const csvFile = join(work.dir, `app-${app}.csv`);
    await writeFile(csvFile, exported.stdout);

    // Delete all (cli-kintone reads every $id, then deletes in bulk with revisions [null, …]).
    ok(await cliKintone(["record", "delete", "--app", app, "--yes", ...base()], withToken()), "delete all");
    expect(await all(app)).toEqual([]);

    // Import creates the records again: equal to what was exported, as far as CSV carries them.
    const imported = await cliKintone(
      [
        "record",
        "import",
        "--app",
        app,
        "--file-path",
        csvFile,
        "--attachments-dir",
        join(work.dir, "attachments"),
        ...base(),
      ],
      asUser(),
    );
    ok(imported, `import app ${app}`);
    const recreated = await all(app);
    expect(
      recreated.map((r) => carried(r)),
      `app ${app}`,
    ).toEqual(before.map((r) => carried(r)));

    // Export again (new record numbers; with a condition and an order, which cli-kintone reads through a cursor),
    // delete the first record by its number, then import with --update-key.
    const again = await cliKintone(
      ["record", "export", "--app", app, "--condition", "$id > 0", "--order-by", "$id asc", ...base()],
      asUser(),
    );
    ok(again, "second export");
    expect(sandbox.stats().byEndpoint["POST records/cursor"]).toBeGreaterThan(0);
    const rows = csvRecords(again.stdout);
    const recordNumber = fields.find((f) => f.type === "RECORD_NUMBER")?.code as string | undefined;
    const [gone, ...kept] = recreated as [KRecord, ...KRecord[]];
    if (recordNumber !== undefined) {
      const one = join(work.dir, `delete-${app}.csv`);
      await writeFile(one, writeCsv([rows.header, ...(rows.records[0] ?? [])]));
      ok(
        await cliKintone(
          ["record", "delete", "--app", app, "--yes", "--file-path", one, ...base()],
          withToken(),
        ),
        "delete by record number",
      );
      expect((await all(app)).map((r) => r.$id?.value)).toEqual(kept.map((r) => r.$id?.value));
    }
    // Without a record number field (docs-sample), cli-kintone cannot delete by file; all records are then updated.

    // The update key: a unique text or number field when the app has one (not a lookup or a copy target), else
    // the record number, which cli-kintone turns into record ids.
    const targets = copyTargets(fields);
    const key =
      fields.find(
        (f) =>
          (f.type === "SINGLE_LINE_TEXT" || f.type === "NUMBER") &&
          f.unique === true &&
          !isLookup(f) &&
          !targets.has(f.code),
      )?.code ?? recordNumber;
    expect(key, `app ${app} has an update key`).toBeDefined();
    const changed = fields.find(
      (f) =>
        ["SINGLE_LINE_TEXT", "MULTI_LINE_TEXT", "LINK", "NUMBER"].includes(f.type) &&
        f.code !== key &&
        f.unique !== true &&
        !f.expression &&
        !isLookup(f) &&
        !targets.has(f.code),
    ) as Field;
    const newValue = (r: number) =>
      changed.type === "NUMBER"
        ? String(Number(changed.minValue || 0) + 1 + r) // the seeded values start at minimum + 10
        : changed.type === "LINK"
          ? `https://example.com/updated/${r}`
          : `Updated ${r}`;
    const column = rows.header.indexOf(changed.code);
    expect(column, `app ${app} exports ${changed.code}`).toBeGreaterThan(-1);
    const updatedCsv = rows.records.flatMap((lines, r) =>
      lines.map((line) => line.map((cell, c) => (c === column ? newValue(r) : cell))),
    );
    const upsertFile = join(work.dir, `upsert-${app}.csv`);
    await writeFile(upsertFile, writeCsv([rows.header, ...updatedCsv]));
    const upserted = await cliKintone(
      [
        "record",
        "import",
        "--app",
        app,
        "--file-path",
        upsertFile,
        "--update-key",
        key as string,
        "--attachments-dir",
        join(work.dir, "attachments"),
        ...base(),
      ],
      asUser(),
    );
    ok(upserted, `import --update-key ${key} app ${app}`);
    const after = await all(app);
    const updatedOnly = new Set([...SYSTEM, changed.code]);
    const existing = recordNumber === undefined ? recreated : kept;
    for (const record of existing) {
      const r = recreated.indexOf(record);
      const now = after.find((a) => a.$id?.value === record.$id?.value) as KRecord;
      expect(now, `app ${app} record ${record.$id?.value} kept its id`).toBeDefined();
      expect(now.$revision?.value).toBe(String(Number(record.$revision?.value) + 1));
      expect(now[changed.code]?.value).toBe(newValue(r));
      expect(carried(now, updatedOnly)).toEqual(carried(record, updatedOnly));
    }
    if (recordNumber !== undefined) {
      // The record deleted above is created again by the upsert, with a new id.
      const back = after.filter((a) => !kept.some((k) => k.$id?.value === a.$id?.value));
      expect(back.map((a) => a[changed.code]?.value)).toEqual([newValue(0)]);
      expect(Number(back[0]?.$id?.value)).toBeGreaterThan(Number(recreated.at(-1)?.$id?.value));
      expect(carried(back[0] as KRecord, updatedOnly)).toEqual(carried(gone, updatedOnly));
    }
    expect(after.length).toBe(recreated.length);

    ok(await cliKintone(["record", "delete", "--app", app, "--yes", ...base()], withToken()), "delete all");
    expect(await all(app)).toEqual([]);
    // cli-kintone wrote nothing under HOME.
    expect(await readdir(home)).toEqual([]);
  });
});
