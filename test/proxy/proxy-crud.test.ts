import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SAMPLE_APPS_DIR } from "../../src/templates.js";
import { FIXTURES } from "../helpers/cli.js";
import { exampleCreateBody } from "../helpers/example-record.js";
import { fixtureDirs, type Harness, startHarness } from "../helpers/proxy-harness.js";
import { LOOKUP_KEYS, withRelatedApp } from "../helpers/related-app.js";

const dirs = [
  ...(await fixtureDirs(FIXTURES)).map((name) => [name, join(FIXTURES, name)] as const),
  ["sample-apps", SAMPLE_APPS_DIR] as const,
];

describe.each(dirs)("every operation of every app: %s", (name, dir) => {
  let h: Harness;
  let cleanup: (() => Promise<void>) | undefined;
  beforeAll(async () => {
    let data: string = dir;
    if (name === "java-client-all-types") ({ dir: data, cleanup } = await withRelatedApp(dir));
    h = await startHarness(data);
  });
  afterAll(async () => {
    await h.close();
    await cleanup?.();
  });

  it("lists, creates, reads, updates and deletes through the proxy", async () => {
    const ops = Object.entries<any>(h.spec.paths).flatMap(([path, item]) =>
      Object.entries<any>(item).map(([method, op]) => ({ path, method, op })),
    );
    const apps = [...new Set(ops.map((o) => o.op["x-kintone-app-id"]))];
    for (const appId of apps) {
      const of = (kind: string) =>
        ops.find((o) => o.op["x-kintone-app-id"] === appId && o.op["x-kintone-operation"] === kind) as {
          path: string;
          op: any;
        };
      const collection = of("list").path;
      const item = (id: number) => of("get").path.replace("{id}", String(id));
      const createRef = of("create").op.requestBody.content["application/json"].schema.$ref as string;
      const createSchema = createRef.split("/").pop() as string;

      const listed = await h.call("GET", `${collection}?$top=5&$count=true`);
      expect(listed.status, JSON.stringify(listed.body)).toBe(200);
      expect(Array.isArray(listed.body.value)).toBe(true);
      expect(typeof listed.body.count).toBe("number");

      const body = {
        ...exampleCreateBody(h.spec as any, createSchema as string),
        ...(LOOKUP_KEYS[name] ?? {}),
      };
      const schema = (h.spec.components as any).schemas[createSchema as string];
      for (const key of Object.keys(body)) if (!schema.properties[key]) delete body[key];
      const created = await h.call("POST", collection, { body });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      const id = created.body.id as number;
      expect(created.body.revision).toBe(1);
      for (const [name, value] of Object.entries(body)) {
        if (Array.isArray(value) && typeof value[0] === "object") continue; // entities and rows gain names and ids
        expect(created.body[name], name).toEqual(value);
      }

      const read = await h.call("GET", item(id));
      expect(read.status).toBe(200);
      expect(read.body).toEqual(created.body);

      const [firstText] = Object.entries<any>(
        (h.spec.components as any).schemas[createSchema as string].properties,
      ).find(
        ([, p]) =>
          p.type === "string" && !p.enum && !p.format && !p.pattern && !p.description?.includes("lookup key"),
      ) ?? [undefined];
      const change = firstText !== undefined ? { [firstText]: "Changed" } : {};
      const updated = await h.call("PATCH", `${item(id)}?revision=1`, { body: change });
      expect(updated.status, JSON.stringify(updated.body)).toBe(200);
      expect(updated.body.revision).toBe(2);
      if (firstText !== undefined) expect(updated.body[firstText]).toBe("Changed");

      const found = await h.call("GET", `${collection}?$filter=${encodeURIComponent(`id eq ${id}`)}`);
      expect(found.body.value.map((r: { id: number }) => r.id)).toEqual([id]);

      expect((await h.call("DELETE", `${item(id)}?revision=2`)).status).toBe(204);
      expect((await h.call("GET", item(id))).status).toBe(404);
    }
  });
});

describe.each(dirs)("no app is impossible to create through its own spec: %s", (app, dir) => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(dir);
  });
  afterAll(() => h.close());

  it("creates a record from the create schema's required properties alone", async () => {
    const schemas = (h.spec.components as any).schemas;
    for (const item of Object.values<any>(h.spec.paths)) {
      const create = item.post;
      if (create?.["x-kintone-operation"] !== "create") continue;
      const name = (create.requestBody.content["application/json"].schema.$ref as string)
        .split("/")
        .pop() as string;
      const full = exampleCreateBody(h.spec as any, name);
      const required: string[] = schemas[name].required ?? [];
      // A required lookup key needs a value its related app holds.
      const known = { ...full, ...(LOOKUP_KEYS[app] ?? {}) };
      const body = Object.fromEntries(required.map((key) => [key, known[key]]));
      const path = Object.keys(h.spec.paths).find((p) => h.spec.paths[p] === item) as string;
      const created = await h.call("POST", path, { body });
      expect(created.status, `${path} ${JSON.stringify(body)}: ${JSON.stringify(created.body)}`).toBe(201);
    }
  });
});
