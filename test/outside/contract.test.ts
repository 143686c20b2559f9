import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodeToken, fingerprint } from "../../src/proxy/page-token.js";
import { SAMPLE_APPS_DIR } from "../../src/templates.js";
import { FIXTURES } from "../helpers/cli.js";
import { exampleCreateBody } from "../helpers/example-record.js";
import { fixtureDirs, type Harness, KEY, startHarness } from "../helpers/proxy-harness.js";
import { LOOKUP_KEYS, lookupKeys, withRelatedApp } from "../helpers/related-app.js";
import { type CheckedCall, createSpecChecker, type SpecChecker } from "../helpers/spec-check.js";

/**
 * The contract: for every fixture app and the demo apps, the proxy's CRUD and list scenarios run through
 * openapi-backend (a validator this project did not write), which checks every request and every answer against
 * the generated spec. A request the scenario means to be valid must validate; one it means to be invalid must be
 * refused by the spec too (the spec states what the proxy refuses); every answer must validate, whatever its status.
 */
const dirs = [
  ...(await fixtureDirs(FIXTURES)).map((name) => [name, join(FIXTURES, name)] as const),
  ["sample-apps", SAMPLE_APPS_DIR] as const,
];

type Schema = Record<string, any>;

/**
 * Properties whose Kintone default breaks the field's own rules, so that leaving them out (or null) makes Kintone
 * refuse the record: docs-sample is Kintone's documentation example, whose 数値_0 has default 12345 and maximum 64.
 */
const INVALID_DEFAULTS: Record<string, Record<string, unknown>> = { "docs-sample": { number0: 7 } };

const DATE_TYPES = new Set(["DATE", "DATETIME", "TIME"]);

/** What a step expects: its status(es), and whether the spec should accept the request ("any": not the point). */
type Want = { status: number | readonly number[]; request: "valid" | "invalid" | "any" };

class Contract {
  readonly problems: string[] = [];
  readonly calls: CheckedCall[] = [];
  constructor(private readonly checker: SpecChecker) {}

  async step(
    what: string,
    want: Want,
    method: string,
    path: string,
    options?: { body?: unknown; headers?: Record<string, string>; raw?: string },
  ): Promise<CheckedCall> {
    const call = await this.checker.call(method, path, options);
    this.calls.push(call);
    const where = `${what}: ${method} ${path.slice(0, 160)} → ${call.status}`;
    const statuses = typeof want.status === "number" ? [want.status] : want.status;
    if (!statuses.includes(call.status))
      this.problems.push(
        `${where}: expected ${statuses.join(" or ")} (${JSON.stringify(call.body)?.slice(0, 300)})`,
      );
    if (want.request === "valid" && call.requestErrors.length > 0)
      this.problems.push(`${where}: the spec refuses this request: ${call.requestErrors.join("; ")}`);
    if (want.request === "invalid" && call.requestErrors.length === 0)
      this.problems.push(`${where}: the spec allows this request, which the proxy refuses`);
    for (const error of call.responseErrors)
      this.problems.push(`${where}: answer not as the spec says: ${error}`);
    return call;
  }
}

/** The resource of one app in the spec: its paths, schemas and properties. */
function resourcesOf(spec: Schema) {
  const ops = Object.entries<Schema>(spec.paths).flatMap(([path, item]) =>
    Object.entries<Schema>(item).map(([method, op]) => ({ path, method, op })),
  );
  const apps = [...new Set(ops.map((o) => o.op["x-kintone-app-id"] as string))];
  return apps.map((appId) => {
    const of = (kind: string) =>
      ops.find((o) => o.op["x-kintone-app-id"] === appId && o.op["x-kintone-operation"] === kind) as {
        path: string;
        op: Schema;
      };
    const name = (ref: string) => ref.split("/").pop() as string;
    const list = of("list");
    const schemas = spec.components.schemas as Record<string, Schema>;
    const createName = name(of("create").op.requestBody.content["application/json"].schema.$ref);
    const updateName = name(of("update").op.requestBody.content["application/json"].schema.$ref);
    const recordName = name(of("get").op.responses["200"].content["application/json"].schema.$ref);
    const orderby = list.op.parameters.find((p: Schema) => p.name === "$orderby").description as string;
    const sortable = (orderby.match(/Sortable: (.*)\.$/)?.[1] ?? "").split(", ").filter((n) => n !== "id");
    return {
      appId,
      collection: list.path,
      item: (id: number | string) => of("get").path.replace("{id}", String(id)),
      create: schemas[createName] as Schema,
      createName,
      update: schemas[updateName] as Schema,
      record: schemas[recordName] as Schema,
      sortable,
    };
  });
}

const q = (params: Record<string, string>) =>
  `?${Object.entries(params)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`)
    .join("&")}`;

describe.each(dirs)("contract of %s: every request and answer checked against its spec", (name, dir) => {
  let h: Harness;
  let cleanup: (() => Promise<void>) | undefined;
  let checker: SpecChecker;
  beforeAll(async () => {
    let data: string = dir;
    if (name === "java-client-all-types") ({ dir: data, cleanup } = await withRelatedApp(dir));
    h = await startHarness(data);
    checker = await createSpecChecker(h.spec, h);
  });
  afterAll(async () => {
    await h?.close();
    await cleanup?.();
  });

  it("list with each query option, create, read, update (nulls, clearFields), delete, and the errors", async () => {
    const c = new Contract(checker);
    const ok = { request: "valid" } as const;
    let made = 0;
    for (const r of resourcesOf(h.spec as Schema)) {
      // Lookup keys that exist in the related app (a different one per record where the lookup fills a unique field).
      const keys = (): Record<string, unknown> =>
        Object.fromEntries(
          Object.entries(lookupKeys(name, ++made)).filter(([k]) => k in r.create.properties),
        );
      // Records to list: two created from the spec's own create schema.
      const body = (): Record<string, unknown> => {
        const example = exampleCreateBody(h.spec as Schema, r.createName);
        for (const key of Object.keys(example)) if (!r.create.properties[key]) delete example[key];
        return { ...example, ...keys() };
      };
      const first = await c.step("create", { status: 201, ...ok }, "POST", r.collection, { body: body() });
      const second = await c.step("create", { status: 201, ...ok }, "POST", r.collection, { body: body() });
      const id = first.body?.id as number;
      expect(typeof id, JSON.stringify(first.body)).toBe("number");

      // A create with every optional nullable property null: Kintone's defaults, an answer full of nulls.
      const withNulls: Record<string, unknown> = {};
      const required = body();
      for (const [property, schema] of Object.entries<Schema>(r.create.properties)) {
        if ((r.create.required ?? []).includes(property)) withNulls[property] = required[property];
        else if (schema.nullable === true)
          // Dates and times get values: the sandbox answers their defaults unnormalized (the defaults test below).
          withNulls[property] = DATE_TYPES.has(schema["x-kintone-field-type"]) ? required[property] : null;
      }
      Object.assign(withNulls, keys(), INVALID_DEFAULTS[name] ?? {});
      const nulls = await c.step("create with nulls", { status: 201, ...ok }, "POST", r.collection, {
        body: withNulls,
      });

      // Lists, with every query option.
      await c.step("list", { status: 200, ...ok }, "GET", r.collection);
      await c.step(
        "list $top $count",
        { status: 200, ...ok },
        "GET",
        `${r.collection}${q({ $top: "1", $count: "true" })}`,
      );
      await c.step(
        "list $count=false",
        { status: 200, ...ok },
        "GET",
        `${r.collection}${q({ $count: "false" })}`,
      );
      await c.step(
        "list $filter",
        { status: 200, ...ok },
        "GET",
        `${r.collection}${q({ $filter: `id ge ${id}` })}`,
      );
      await c.step(
        "list $filter empty",
        { status: 200, ...ok },
        "GET",
        `${r.collection}${q({ $filter: "" })}`,
      );
      await c.step(
        "list $orderby id",
        { status: 200, ...ok },
        "GET",
        `${r.collection}${q({ $orderby: "id asc" })}`,
      );
      await c.step("list $select", { status: 200, ...ok }, "GET", `${r.collection}${q({ $select: "id" })}`);
      await c.step(
        "list $skip",
        { status: 200, ...ok },
        "GET",
        `${r.collection}${q({ $skip: "1", $top: "2" })}`,
      );
      await c.step(
        "list $skip past the end",
        { status: 200, ...ok },
        "GET",
        `${r.collection}${q({ $skip: "100000" })}`,
      );
      const paged = await c.step(
        "list page 1",
        { status: 200, ...ok },
        "GET",
        `${r.collection}${q({ $top: "1" })}`,
      );
      if (typeof paged.body?.skipToken === "string") {
        await c.step(
          "list $skiptoken",
          { status: 200, ...ok },
          "GET",
          `${r.collection}${q({ $top: "1", $skiptoken: paged.body.skipToken })}`,
        );
        const next = new URL(paged.body.nextLink as string);
        await c.step("list nextLink", { status: 200, ...ok }, "GET", `${next.pathname}${next.search}`);
      } else c.problems.push(`${r.collection}: three records and $top=1 gave no skipToken`);
      for (const property of r.sortable.slice(0, 3)) {
        const sorted = await c.step(
          "list $orderby",
          { status: 200, ...ok },
          "GET",
          `${r.collection}${q({ $orderby: `${property} desc`, $top: "1" })}`,
        );
        if (typeof sorted.body?.skipToken === "string")
          await c.step(
            "list $orderby $skiptoken",
            { status: 200, ...ok },
            "GET",
            `${r.collection}${q({ $orderby: `${property} desc`, $top: "1", $skiptoken: sorted.body.skipToken })}`,
          );
      }
      await c.step(
        "list $select all",
        { status: 200, ...ok },
        "GET",
        `${r.collection}${q({ $select: Object.keys(r.record.properties).join(",") })}`,
      );

      // Reads.
      await c.step("get", { status: 200, ...ok }, "GET", r.item(id));
      await c.step(
        "get $select",
        { status: 200, ...ok },
        "GET",
        `${r.item(id)}${q({ $select: "revision" })}`,
      );
      if (nulls.body?.id !== undefined)
        await c.step("get the record of nulls", { status: 200, ...ok }, "GET", r.item(nulls.body.id));

      // Updates: a change, every property null (nothing changes), clearFields (answers with nulls), a stale revision.
      const text = Object.entries<Schema>(r.update.properties).find(
        ([key, p]) =>
          p.type === "string" &&
          !p.enum &&
          !p.format &&
          !p.pattern &&
          !String(p.description).includes("lookup key") &&
          key !== "clearFields",
      )?.[0];
      const changed = await c.step(
        "update",
        { status: 200, ...ok },
        "PATCH",
        `${r.item(id)}${q({ revision: "1" })}`,
        {
          body: text !== undefined ? { [text]: "Changed" } : {},
        },
      );
      const allNull = Object.fromEntries(
        Object.entries<Schema>(r.update.properties)
          .filter(([, p]) => p.nullable === true)
          .map(([key]) => [key, null]),
      );
      const unchanged = await c.step("update with nulls", { status: 200, ...ok }, "PATCH", r.item(id), {
        body: allNull,
      });
      const { revision: _a, ...before } = changed.body ?? {};
      const { revision: _b, ...after } = unchanged.body ?? {};
      const { updatedDatetime: _c, updatedBy: _d, ...beforeKept } = before;
      const { updatedDatetime: _e, updatedBy: _f, ...afterKept } = after;
      if (JSON.stringify(beforeKept) !== JSON.stringify(afterKept))
        c.problems.push(`${r.item(id)}: a PATCH of nulls changed the record`);
      const clearable = (r.update.properties.clearFields?.items?.enum ?? []) as string[];
      if (clearable.length > 0) {
        await c.step("update clearFields", { status: 200, ...ok }, "PATCH", r.item(second.body?.id), {
          body: { clearFields: clearable.filter((n) => !(n in (LOOKUP_KEYS[name] ?? {}))) },
        });
      }
      await c.step(
        "update, stale revision",
        { status: 409, ...ok },
        "PATCH",
        `${r.item(id)}${q({ revision: "1" })}`,
        { body: {} },
      );

      // Errors the spec states: each must be refused by the spec as well as by the proxy.
      await c.step("get id 0", { status: 400, request: "invalid" }, "GET", r.item(0));
      await c.step("get id not a number", { status: 400, request: "invalid" }, "GET", r.item("abc"));
      await c.step(
        "get id too large",
        { status: 400, request: "invalid" },
        "GET",
        r.item("9007199254740993"),
      );
      await c.step(
        "get $select empty",
        { status: 400, request: "invalid" },
        "GET",
        `${r.item(id)}${q({ $select: "" })}`,
      );
      await c.step(
        "list $top 0",
        { status: 400, request: "invalid" },
        "GET",
        `${r.collection}${q({ $top: "0" })}`,
      );
      await c.step(
        "list $top 501",
        { status: 400, request: "invalid" },
        "GET",
        `${r.collection}${q({ $top: "501" })}`,
      );
      await c.step(
        "list $skip -1",
        { status: 400, request: "invalid" },
        "GET",
        `${r.collection}${q({ $skip: "-1" })}`,
      );
      await c.step(
        "list $count maybe",
        { status: 400, request: "invalid" },
        "GET",
        `${r.collection}${q({ $count: "maybe" })}`,
      );
      await c.step(
        "list $filer",
        { status: 400, request: "invalid" },
        "GET",
        `${r.collection}${q({ $filer: "id eq 1" })}`,
      );
      await c.step(
        "list $TOP",
        { status: 400, request: "invalid" },
        "GET",
        `${r.collection}${q({ $TOP: "1" })}`,
      );
      await c.step(
        "list $top twice",
        { status: 400, request: "invalid" },
        "GET",
        `${r.collection}?$top=1&$top=2`,
      );
      await c.step(
        "list $select empty",
        { status: 400, request: "invalid" },
        "GET",
        `${r.collection}${q({ $select: "" })}`,
      );
      await c.step(
        "list $skiptoken empty",
        { status: 400, request: "invalid" },
        "GET",
        `${r.collection}${q({ $skiptoken: "" })}`,
      );
      await c.step(
        "list $skiptoken not base64url",
        { status: 400, request: "invalid" },
        "GET",
        `${r.collection}${q({ $skiptoken: "a+b" })}`,
      );
      await c.step(
        "list $skiptoken forged",
        { status: 400, ...ok },
        "GET",
        `${r.collection}${q({ $skiptoken: "eyJtIjoic2VlayJ9" })}`,
      );
      await c.step(
        "list $filter malformed",
        { status: 400, request: "any" },
        "GET",
        `${r.collection}${q({ $filter: "id eq" })}`,
      );
      await c.step(
        "list $orderby unknown",
        { status: 400, request: "any" },
        "GET",
        `${r.collection}${q({ $orderby: "nothing" })}`,
      );
      // A listing whose Kintone cursor this proxy does not hold: 410 ListingExpired.
      const binding = {
        a: r.appId,
        r: r.collection,
        f: fingerprint(["", `${r.sortable[0] ?? "id"} desc`, ""]),
      };
      const lost = encodeToken({ m: "cursor", id: "lost-cursor", p: 500, ...binding });
      await c.step(
        "list, expired cursor",
        { status: 410, ...ok },
        "GET",
        `${r.collection}${q({ $orderby: `${r.sortable[0] ?? "id"} desc`, $skiptoken: lost })}`,
      );
      await c.step("create, not JSON", { status: 415, request: "any" }, "POST", r.collection, {
        raw: "x=1",
        headers: { "content-type": "application/x-www-form-urlencoded" },
      });
      await c.step("create, broken JSON", { status: 400, request: "invalid" }, "POST", r.collection, {
        raw: "{",
      });
      await c.step("create, not an object", { status: 400, request: "invalid" }, "POST", r.collection, {
        body: [1],
      });
      if ((r.create.required ?? []).length > 0) {
        const missing = body();
        delete missing[r.create.required[0]];
        await c.step(
          "create, a required property missing",
          { status: 400, request: "invalid" },
          "POST",
          r.collection,
          { body: missing },
        );
        await c.step(
          "create, a required property null",
          { status: 400, request: "invalid" },
          "POST",
          r.collection,
          {
            body: { ...body(), [r.create.required[0]]: null },
          },
        );
      }
      // Values the proxy refuses must be refused by the input schema too (a time of 24:00 once passed its pattern).
      for (const [property, schema] of Object.entries<Schema>(r.create.properties)) {
        const bad =
          schema.pattern !== undefined
            ? "24:00"
            : schema.format === "date"
              ? "2024-02-30"
              : schema.format === "date-time"
                ? "2024-01-31T09:00"
                : undefined;
        if (bad === undefined) continue;
        await c.step(
          `create, ${property} ${bad}`,
          { status: 400, request: "invalid" },
          "POST",
          r.collection,
          {
            body: { ...body(), [property]: bad },
          },
        );
      }
      await c.step("create, an unknown property", { status: 400, request: "any" }, "POST", r.collection, {
        body: { ...body(), notAProperty: 1 },
      });
      await c.step("create, a read-only property", { status: 400, request: "any" }, "POST", r.collection, {
        body: { ...body(), id: 5 },
      });
      await c.step("create, too large", { status: 413, request: "any" }, "POST", r.collection, {
        raw: JSON.stringify({ x: "x".repeat(1_100_000) }),
      });
      await c.step(
        "update, clearFields names a property that cannot be emptied",
        { status: 400, request: "invalid" },
        "PATCH",
        r.item(id),
        {
          body: { clearFields: ["id"] },
        },
      );
      await c.step("update, no such record", { status: 404, ...ok }, "PATCH", r.item(999_999), { body: {} });
      await c.step("without a key", { status: 401, request: "any" }, "GET", r.collection, {
        headers: { authorization: "Bearer wrong-key-0123456789" },
      });

      // Deletes.
      await c.step(
        "delete, stale revision",
        { status: 409, ...ok },
        "DELETE",
        `${r.item(id)}${q({ revision: "1" })}`,
      );
      await c.step("delete", { status: 204, ...ok }, "DELETE", r.item(id));
      await c.step("get deleted", { status: 404, ...ok }, "GET", r.item(id));
      await c.step("delete deleted", { status: 404, ...ok }, "DELETE", r.item(id));
    }
    expect(c.problems, c.problems.join("\n")).toEqual([]);
    // Every operation of the spec was called, and answered at least once with its declared success.
    const succeeded = new Set(c.calls.filter((call) => call.status < 300).map((call) => call.operationId));
    const operations = Object.values<Schema>(h.spec.paths).flatMap((item) =>
      Object.values<Schema>(item).map((op) => op.operationId),
    );
    expect([...succeeded].sort()).toEqual([...operations].sort());
    expect(KEY.length).toBeGreaterThan(0);
  });

  // Found by this test: the sandbox stored DATETIME/TIME defaults unnormalized (fixed in src/sandbox/records.ts).
  it("a create that leaves every optional property to Kintone's defaults is answered as the spec says", async () => {
    const c = new Contract(checker);
    let made = 500;
    for (const r of resourcesOf(h.spec as Schema)) {
      const example = exampleCreateBody(h.spec as Schema, r.createName);
      const body: Record<string, unknown> = {};
      for (const property of r.create.required ?? []) body[property] = example[property];
      Object.assign(
        body,
        Object.fromEntries(
          Object.entries(lookupKeys(name, ++made)).filter(([k]) => k in r.create.properties),
        ),
        INVALID_DEFAULTS[name] ?? {},
      );
      const created = await c.step(
        "create with defaults",
        { status: 201, request: "valid" },
        "POST",
        r.collection,
        { body },
      );
      if (created.status === 201)
        await c.step("get it", { status: 200, request: "valid" }, "GET", r.item(created.body.id));
    }
    expect(c.problems, c.problems.join("\n")).toEqual([]);
  });
});

describe("contract of the demo apps under Kintone faults", () => {
  it("answers 429, 503 and 502 in the shape of the default response, with retryAfterSeconds where due", async () => {
    for (const [fault, status] of [
      ["429", 429],
      ["503", 503],
      ["500", 502],
    ] as const) {
      const h = await startHarness(SAMPLE_APPS_DIR, {
        sandbox: { faults: { [fault]: 1 } },
        proxy: { retry: { baseMs: 1, retries: 1 } },
      });
      try {
        const checker = await createSpecChecker(h.spec, h);
        const c = new Contract(checker);
        const list = await c.step(`list under ${fault}`, { status, request: "valid" }, "GET", "/customers");
        const get = await c.step(`get under ${fault}`, { status, request: "valid" }, "GET", "/customers/1");
        expect(c.problems, c.problems.join("\n")).toEqual([]);
        for (const call of [list, get]) {
          if (status !== 502) expect(call.body.error.retryAfterSeconds).toBeGreaterThan(0);
          expect(call.body.error.retryAfterSeconds === undefined).toBe(status === 502);
        }
      } finally {
        await h.close();
      }
    }
  });
});

/**
 * The upsert and bulk operations (--operations upsert,bulk) of every fixture app and the demo apps, every request and
 * answer checked against the spec by openapi-backend: upsert by each key (created, then updated), bulk create,
 * update (by id and by key, with revisions) and delete across two of Kintone's 100-record calls, a refused bulk
 * write naming the failing entry, and the 2,000-record limit.
 */
describe.each(dirs)("contract of the upsert and bulk operations of %s", (name, dir) => {
  let h: Harness;
  let cleanup: (() => Promise<void>) | undefined;
  let checker: SpecChecker;
  beforeAll(async () => {
    let data: string = dir;
    if (name === "java-client-all-types") ({ dir: data, cleanup } = await withRelatedApp(dir));
    h = await startHarness(data, {
      operations: ["list", "get", "create", "update", "delete", "upsert", "bulk"],
    });
    checker = await createSpecChecker(h.spec, h);
  });
  afterAll(async () => {
    await h?.close();
    await cleanup?.();
  });

  it("upserts by every key, and writes 120 records at once all or nothing", async () => {
    const c = new Contract(checker);
    const ok = { request: "valid" } as const;
    const spec = h.spec as Schema;
    const schemas = spec.components.schemas as Record<string, Schema>;
    const ops = Object.entries<Schema>(spec.paths).flatMap(([path, item]) =>
      Object.entries<Schema>(item).map(([method, op]) => ({ path, method, op })),
    );
    let made = 0;
    for (const r of resourcesOf(spec)) {
      const mine = ops.filter((o) => o.op["x-kintone-app-id"] === r.appId);
      const of = (kind: string) => mine.filter((o) => o.op["x-kintone-operation"] === kind);
      // Unique properties get a value of their own in every record.
      const unique = Object.entries<Schema>(r.create.properties)
        .filter(([, p]) => /; unique\b/.test(String(p.description)))
        .map(([key, p]) => [key, p] as const);
      const body = (n: number): Record<string, unknown> => {
        const example = exampleCreateBody(spec, r.createName);
        for (const key of Object.keys(example)) if (!r.create.properties[key]) delete example[key];
        for (const [key, p] of unique) {
          if (p.type === "number") example[key] = Math.min(p.maximum ?? 1e9, (p.minimum ?? 0) + 1000 + n);
          else if (p.format === "date")
            example[key] = new Date(Date.UTC(2030, 0, 1) + n * 86_400_000).toISOString().slice(0, 10);
          else if (p.type === "string" && !p.format) example[key] = `Unique ${n}`;
        }
        const keys = Object.fromEntries(
          Object.entries(lookupKeys(name, n)).filter(([k]) => k in r.create.properties),
        );
        return { ...example, ...keys, ...(INVALID_DEFAULTS[name] ?? {}) };
      };

      // Upsert by each key: created, then the same key again updates the same record.
      for (const { path, op } of of("upsert")) {
        const input = schemas[
          op.requestBody.content["application/json"].schema.$ref.split("/").pop()
        ] as Schema;
        const key = input.required[0] as string;
        if (op["x-kintone-update-key"] === "$id") {
          const existing = await c.step(
            "create for upsert by id",
            { status: 201, ...ok },
            "POST",
            r.collection,
            {
              body: body(++made),
            },
          );
          const updated = await c.step("upsert by id, existing", { status: 200, ...ok }, "POST", path, {
            body: { id: existing.body?.id },
          });
          expect(updated.body).toEqual({ id: existing.body?.id, revision: 2, created: false });
          const added = await c.step("upsert by id, none", { status: 200, ...ok }, "POST", path, {
            body: { ...body(++made), id: 999_999 },
          });
          expect(added.body?.created).toBe(true);
          expect(added.body?.id).not.toBe(999_999);
          await c.step("upsert by id 0", { status: 400, request: "invalid" }, "POST", path, {
            body: { id: 0 },
          });
        } else {
          const values = body(++made);
          const created = await c.step(`upsert by ${key}, new`, { status: 200, ...ok }, "POST", path, {
            body: values,
          });
          expect(created.body?.created, JSON.stringify(created.body)).toBe(true);
          const again = await c.step(`upsert by ${key}, existing`, { status: 200, ...ok }, "POST", path, {
            body: { [key]: values[key] },
          });
          expect(again.body).toEqual({ id: created.body?.id, revision: 2, created: false });
          await c.step(`upsert by ${key}, key missing`, { status: 400, request: "invalid" }, "POST", path, {
            body: {},
          });
        }
      }

      // Bulk create 120 records: two of Kintone's 100-record calls in one bulkRequest.
      const [create] = of("bulk-create");
      const [update] = of("bulk-update");
      const [remove] = of("bulk-delete");
      if (!create || !update || !remove) throw new Error(`app ${r.appId} has no bulk operations`);
      const before = h.sandbox.stats().byEndpoint["POST bulkRequest"] ?? 0;
      const first = made + 1;
      const records = Array.from({ length: 120 }, () => body(++made));
      const created = await c.step("bulk create", { status: 200, ...ok }, "POST", create.path, {
        body: { records },
      });
      const ids = (created.body?.records ?? []).map((w: { id: number }) => w.id);
      expect(ids).toHaveLength(120);
      expect(new Set(ids).size).toBe(120);
      expect(created.body.records.every((w: { revision: number }) => w.revision === 1)).toBe(true);
      expect((h.sandbox.stats().byEndpoint["POST bulkRequest"] ?? 0) - before).toBe(1);
      const listed = await c.step(
        "list the bulk",
        { status: 200, ...ok },
        "GET",
        `${r.collection}${q({ $filter: `id ge ${ids[0]}`, $orderby: "id asc", $top: "500" })}`,
      );
      expect(listed.body.value.map((rec: { id: number }) => rec.id).slice(0, 120)).toEqual(ids);
      if (unique.length > 0 && unique[0]?.[1].type !== "number") {
        // The first unique property is written in input order: record i holds the value of body(first + i).
        const [property] = unique[0] as [string, Schema];
        expect(listed.body.value[5][property]).toEqual(body(first + 5)[property]);
      }

      // A refused bulk write (a record that does not exist, in the second call) names the entry, writes nothing.
      const refusedBody = {
        records: ids.map((id: number, i: number) => ({
          id: i === 105 ? 999_999 : id,
          record: {},
          revision: 1,
        })),
      };
      const refused = await c.step("bulk update, one missing", { status: 404, ...ok }, "POST", update.path, {
        body: refusedBody,
      });
      expect(refused.body?.error?.target).toBe("records[105]");
      const stale = await c.step(
        "bulk update, a stale revision",
        { status: 409, ...ok },
        "POST",
        update.path,
        {
          body: {
            records: ids.map((id: number, i: number) => ({ id, record: {}, revision: i === 7 ? 5 : 1 })),
          },
        },
      );
      // Kintone's conflict error does not say which record: the proxy reads the call's revisions to name it.
      expect(stale.body?.error?.target).toBe("records[7]");
      const still = await c.step("get after the refusal", { status: 200, ...ok }, "GET", r.item(ids[0]));
      expect(still.body?.revision).toBe(1);

      // Bulk update by id with revisions, then (where the app has one) by a unique key.
      const updated = await c.step("bulk update", { status: 200, ...ok }, "POST", update.path, {
        body: { records: ids.map((id: number) => ({ id, revision: 1, record: {} })) },
      });
      expect(updated.body?.records).toEqual(ids.map((id: number) => ({ id, revision: 2 })));
      const item = schemas[
        update.op.requestBody.content["application/json"].schema.$ref.split("/").pop()
      ] as Schema;
      const itemSchema = schemas[item.properties.records.items.$ref.split("/").pop()] as Schema;
      const keyProperty = itemSchema.properties.keyProperty?.enum?.[0] as string | undefined;
      if (keyProperty !== undefined) {
        const byKey = await c.step("bulk update by key", { status: 200, ...ok }, "POST", update.path, {
          body: {
            records: records.slice(0, 3).map((rec) => ({
              keyProperty,
              keyValue: String(rec[keyProperty]),
              record: {},
            })),
          },
        });
        expect(byKey.body?.records).toEqual(ids.slice(0, 3).map((id: number) => ({ id, revision: 3 })));
      }
      await c.step("bulk update, neither id nor key", { status: 400, request: "any" }, "POST", update.path, {
        body: { records: [{ record: {} }] },
      });

      // Over the limit: a 413 that says to split.
      const tooMany = await c.step(
        "bulk delete 2,001",
        { status: 413, request: "invalid" },
        "POST",
        remove.path,
        {
          body: { ids: Array.from({ length: 2001 }, (_, i) => i + 1) },
        },
      );
      expect(tooMany.body?.error?.message).toMatch(/split/);
      await c.step("bulk create, empty", { status: 400, request: "invalid" }, "POST", create.path, {
        body: { records: [] },
      });
      await c.step("bulk create, a bad record", { status: 400, request: "any" }, "POST", create.path, {
        body: { records: [body(++made), { notAProperty: 1 }] },
      });

      // Bulk delete, with revisions.
      await c.step("bulk delete", { status: 204, ...ok }, "POST", remove.path, {
        body: { ids, revisions: ids.map(() => null) },
      });
      await c.step("get deleted", { status: 404, ...ok }, "GET", r.item(ids[119]));
      const again = await c.step("bulk delete, deleted", { status: 404, ...ok }, "POST", remove.path, {
        body: { ids: [ids[0]] },
      });
      expect(again.body?.error?.target).toBe("ids[0]");
    }
    expect(c.problems, c.problems.join("\n")).toEqual([]);
    const succeeded = new Set(c.calls.filter((call) => call.status < 300).map((call) => call.operationId));
    const operations = ops.map((o) => o.op.operationId as string).filter((id) => /^(upsert|bulk)/.test(id));
    for (const operation of operations) expect(succeeded.has(operation), operation).toBe(true);
  });
});
