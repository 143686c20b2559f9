import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OPERATIONS, type OperationName } from "../../src/generate/build-document.js";
import { FILE_MAX_BYTES } from "../../src/kintone/limits.js";
import { SAMPLE_APPS_DIR } from "../../src/templates.js";
import { FIXTURES } from "../helpers/cli.js";
import { exampleCreateBody } from "../helpers/example-record.js";
import { fixtureDirs, type Harness, startHarness } from "../helpers/proxy-harness.js";
import { lookupKeys, withRelatedApp } from "../helpers/related-app.js";
import { type CheckedCall, createSpecChecker, type SpecChecker } from "../helpers/spec-check.js";

/**
 * The files, status and comments operations (issue #14) end to end: serve over the sandbox, for every fixture app
 * that has what an operation needs, each request and answer checked against the generated spec by openapi-backend
 * (a validator this project did not write). Beside the contract of the record operations (contract.test.ts).
 */
const dirs = [
  ...(await fixtureDirs(FIXTURES)).map((name) => [name, join(FIXTURES, name)] as const),
  ["sample-apps", SAMPLE_APPS_DIR] as const,
];
const operations: OperationName[] = [...OPERATIONS, "files", "status", "comments"];
/** docs-sample's 数値_0 has a default (12345) above its own maximum (64): Kintone refuses a record without it. */
const INVALID_DEFAULTS: Record<string, Record<string, unknown>> = { "docs-sample": { number0: 7 } };

type Schema = Record<string, any>;
type Want = { status: number | readonly number[]; request: "valid" | "invalid" | "any" };

class Steps {
  readonly problems: string[] = [];
  constructor(private readonly checker: SpecChecker) {}

  async step(
    what: string,
    want: Want,
    method: string,
    path: string,
    options?: { body?: unknown; raw?: string },
  ): Promise<CheckedCall> {
    const call = await this.checker.call(method, path, options);
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

/** Each app's operations in the spec, by x-kintone-operation. */
function appsOf(spec: Schema) {
  const ops = Object.entries<Schema>(spec.paths).flatMap(([path, item]) =>
    Object.entries<Schema>(item).map(([method, op]) => ({ path, method, op })),
  );
  const ids = [...new Set(ops.map((o) => o.op["x-kintone-app-id"] as string))];
  return ids.map((appId) => {
    const of = (kind: string) =>
      ops.find((o) => o.op["x-kintone-app-id"] === appId && o.op["x-kintone-operation"] === kind);
    const create = of("create") as { path: string; op: Schema };
    const createName = create.op.requestBody.content["application/json"].schema.$ref
      .split("/")
      .pop() as string;
    const recordName = of("get")
      ?.op.responses["200"].content["application/json"].schema.$ref.split("/")
      .pop();
    const record = spec.components.schemas[recordName] as Schema;
    const propOfType = (type: string) =>
      Object.entries<Schema>(record.properties).find(([, p]) => p["x-kintone-field-type"] === type)?.[0];
    return {
      appId,
      of,
      collection: create.path,
      createName,
      create: spec.components.schemas[createName],
      propOfType,
    };
  });
}

const b64 = (text: string | Buffer) => Buffer.from(text).toString("base64");

describe.each(dirs)(
  "files, status and comments of %s through serve, checked against the spec",
  (name, dir) => {
    let h: Harness;
    let checker: SpecChecker;
    let cleanup: (() => Promise<void>) | undefined;
    let made = 0;
    beforeAll(async () => {
      let data: string = dir;
      if (name === "java-client-all-types") ({ dir: data, cleanup } = await withRelatedApp(dir));
      h = await startHarness(data, { operations });
      checker = await createSpecChecker(h.spec, h);
    });
    afterAll(async () => {
      await h?.close();
      await cleanup?.();
    });

    /** Creates a record of the app from its create schema; its id. */
    async function createRecord(s: Steps, app: ReturnType<typeof appsOf>[number]): Promise<number> {
      const example = exampleCreateBody(h.spec as Schema, app.createName);
      for (const key of Object.keys(example)) if (!app.create.properties[key]) delete example[key];
      const keys = Object.fromEntries(
        Object.entries(lookupKeys(name, ++made)).filter(([k]) => k in app.create.properties),
      );
      const created = await s.step("create", { status: 201, request: "valid" }, "POST", app.collection, {
        body: { ...example, ...keys, ...(INVALID_DEFAULTS[name] ?? {}) },
      });
      return created.body?.id as number;
    }

    it("comments: add 12, list them newest first in pages ($top/$skip over Kintone's 10 a call), and the errors", async () => {
      const s = new Steps(checker);
      for (const app of appsOf(h.spec as Schema)) {
        const list = app.of("list-comments");
        const add = app.of("add-comment");
        expect(list && add, `app ${app.appId} has the comment operations`).toBeTruthy();
        if (!list || !add) continue;
        const id = await createRecord(s, app);
        const path = list.path.replace("{id}", String(id));
        const ids: number[] = [];
        for (let i = 1; i <= 12; i++) {
          const added = await s.step("add", { status: 201, request: "valid" }, "POST", path, {
            body:
              i === 1
                ? { text: "Approved, see @sandbox", mentions: [{ code: "sandbox", entityType: "USER" }] }
                : { text: `comment ${i}`, mentions: null },
          });
          ids.push(added.body.id);
        }
        const all = await s.step("list all", { status: 200, request: "valid" }, "GET", `${path}?$top=100`);
        expect(all.body.value.map((c: Schema) => c.id)).toEqual([...ids].reverse());
        expect(all.body.hasMore).toBe(false);
        expect(all.body.value.at(-1)).toMatchObject({
          text: "Approved, see @sandbox",
          mentions: [{ code: "sandbox", entityType: "USER" }],
          creator: { code: "sandbox" },
        });
        const first = await s.step("first page", { status: 200, request: "valid" }, "GET", path);
        expect(first.body.value).toHaveLength(10);
        expect(first.body.hasMore).toBe(true);
        const page = await s.step(
          "a page",
          { status: 200, request: "valid" },
          "GET",
          `${path}?$top=5&$skip=9`,
        );
        expect(page.body.value.map((c: Schema) => c.id)).toEqual([...ids].reverse().slice(9, 14));
        expect(page.body.hasMore).toBe(false);
        const bad = { status: 400, request: "invalid" } as const;
        await s.step("top too large", bad, "GET", `${path}?$top=101`);
        await s.step("unknown option", bad, "GET", `${path}?$filter=id eq 1`);
        await s.step("empty text", bad, "POST", path, { body: { text: "" } });
        await s.step("unknown property", { status: 400, request: "any" }, "POST", path, {
          body: { text: "x", pinned: true },
        });
        await s.step("bad mention", bad, "POST", path, {
          body: { text: "x", mentions: [{ code: "a", entityType: "ROBOT" }] },
        });
        const missing = list.path.replace("{id}", "999999");
        await s.step("no such record", { status: 404, request: "valid" }, "POST", missing, {
          body: { text: "x" },
        });
        await s.step("no such record", { status: 404, request: "valid" }, "GET", missing);
      }
      expect(s.problems).toEqual([]);
    });

    it("files: upload, attach with an update, download by position and by name, and the errors", async () => {
      const s = new Steps(checker);
      let downloads = 0;
      for (const app of appsOf(h.spec as Schema)) {
        const upload = app.of("upload-file");
        const fileProp = app.propOfType("FILE");
        const hasFiles = Object.values<Schema>(h.spec.components?.schemas ?? {}).some(
          (schema) =>
            schema["x-kintone-app-id"] === app.appId &&
            Object.values<Schema>(schema.properties ?? {}).some((p) => p["x-kintone-field-type"] === "FILE"),
        );
        expect(Boolean(upload), `app ${app.appId}: an upload operation exactly when it has FILE fields`).toBe(
          hasFiles,
        );
        if (!upload) continue;
        const content = Buffer.from(`Signed contract for app ${app.appId}\n${"é".repeat(1000)}`);
        const up = await s.step("upload", { status: 201, request: "valid" }, "POST", upload.path, {
          body: { name: "contract 1.txt", contentType: "text/plain", contentBase64: b64(content) },
        });
        expect(up.body.fileKey).toEqual(expect.any(String));
        const other = await s.step(
          "upload without type",
          { status: 201, request: "valid" },
          "POST",
          upload.path,
          {
            body: { name: "契約書.pdf", contentBase64: b64("%PDF-1.4 …") },
          },
        );
        const bad = { status: 400, request: "invalid" } as const;
        await s.step("no name", bad, "POST", upload.path, { body: { contentBase64: b64("x") } });
        await s.step("not base64", { status: 400, request: "any" }, "POST", upload.path, {
          body: { name: "a.txt", contentBase64: "not base64!" },
        });
        await s.step("unknown property", { status: 400, request: "any" }, "POST", upload.path, {
          body: { name: "a.txt", contentBase64: b64("x"), folder: "x" },
        });
        await s.step("not JSON", { status: 400, request: "any" }, "POST", upload.path, { raw: "{" });
        const download = app.of("download-file");
        if (fileProp === undefined || !download) continue;
        downloads++;
        const id = await createRecord(s, app);
        const item = app.of("update")?.path.replace("{id}", String(id)) as string;
        const updated = await s.step("attach", { status: 200, request: "valid" }, "PATCH", item, {
          body: { [fileProp]: [{ fileKey: up.body.fileKey }, { fileKey: other.body.fileKey }] },
        });
        expect(updated.body[fileProp]).toMatchObject([
          { name: "contract 1.txt", contentType: "text/plain", size: content.length },
          { name: "契約書.pdf", contentType: "application/octet-stream" },
        ]);
        const path = download.path.replace("{id}", String(id)).replace("{property}", fileProp);
        const first = await s.step("download", { status: 200, request: "valid" }, "GET", path);
        expect(first.body).toEqual({
          name: "contract 1.txt",
          contentType: "text/plain",
          size: content.length,
          contentBase64: b64(content),
        });
        const byName = await s.step(
          "by name",
          { status: 200, request: "valid" },
          "GET",
          `${path}?name=${encodeURIComponent("契約書.pdf")}`,
        );
        expect(Buffer.from(byName.body.contentBase64, "base64").toString()).toBe("%PDF-1.4 …");
        const second = await s.step("second", { status: 200, request: "valid" }, "GET", `${path}?index=1`);
        expect(second.body.name).toBe("契約書.pdf");
        await s.step("past the end", { status: 404, request: "valid" }, "GET", `${path}?index=2`);
        await s.step("no such name", { status: 404, request: "valid" }, "GET", `${path}?name=none.txt`);
        await s.step("both", { status: 400, request: "valid" }, "GET", `${path}?index=0&name=x`);
        await s.step("bad index", bad, "GET", `${path}?index=-1`);
        await s.step(
          "not a file property",
          bad,
          "GET",
          download.path.replace("{id}", String(id)).replace("{property}", "revision"),
        );
        await s.step(
          "no such record",
          { status: 404, request: "valid" },
          "GET",
          download.path.replace("{id}", "999999").replace("{property}", fileProp),
        );
        // The upload key was taken by the record: Kintone stored the file under a new key.
        expect(updated.body[fileProp][0].fileKey).not.toBe(up.body.fileKey);
      }
      expect(downloads > 0).toBe(["docs-sample", "java-client-all-types", "sample-apps"].includes(name));
      expect(s.problems).toEqual([]);
    });

    it("status: run an action from the record's status, refuse one that does not start there, and a stale revision", async () => {
      const s = new Steps(checker);
      const settingsPath = (appId: string) => join(dir, appId, "process-management.json");
      let runs = 0;
      for (const app of appsOf(h.spec as Schema)) {
        const run = app.of("run-action");
        const settings = existsSync(settingsPath(app.appId))
          ? JSON.parse(readFileSync(settingsPath(app.appId), "utf8"))
          : undefined;
        expect(Boolean(run), `app ${app.appId}: run-action exactly when its process management is on`).toBe(
          settings?.enable === true && (settings.actions ?? []).length > 0,
        );
        if (!run) continue;
        runs++;
        const statusProp = app.propOfType("STATUS") as string;
        const id = await createRecord(s, app);
        const item = app.of("get")?.path.replace("{id}", String(id)) as string;
        const before = await s.step("read", { status: 200, request: "valid" }, "GET", item);
        const current = before.body[statusProp];
        const action = settings.actions.find((a: Schema) => a.from === current);
        const path = run.path.replace("{id}", String(id));
        await s.step("stale revision", { status: 409, request: "valid" }, "POST", path, {
          body: { action: action.name, revision: before.body.revision + 5 },
        });
        const done = await s.step(
          "run",
          { status: action.filterCond ? [200, 400] : 200, request: "valid" },
          "POST",
          path,
          {
            body: { action: action.name, revision: before.body.revision },
          },
        );
        if (done.status === 200) {
          expect(done.body[statusProp]).toBe(action.to);
          expect(done.body.revision).toBe(before.body.revision + 2);
        }
        const notFromHere = settings.actions.find(
          (a: Schema) => a.from !== (done.status === 200 ? action.to : current),
        );
        const refused = await s.step(
          "not from this status",
          { status: 400, request: "valid" },
          "POST",
          path,
          {
            body: { action: notFromHere.name },
          },
        );
        expect(refused.body.error.code).toBe("ActionNotAvailable");
        await s.step("unknown action", { status: 400, request: "invalid" }, "POST", path, {
          body: { action: "Fly" },
        });
        await s.step("no action", { status: 400, request: "invalid" }, "POST", path, {
          body: { assignee: "x" },
        });
        await s.step(
          "no such record",
          { status: 404, request: "valid" },
          "POST",
          run.path.replace("{id}", "999999"),
          {
            body: { action: action.name },
          },
        );
      }
      expect(runs > 0).toBe(["docs-sample", "sample-apps"].includes(name));
      expect(s.problems).toEqual([]);
    });
  },
);

describe("files at the size limit (demo apps)", () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness(SAMPLE_APPS_DIR, { operations });
  });
  afterAll(async () => {
    await h?.close();
  });

  it(`takes a file of ${FILE_MAX_BYTES} bytes and refuses one byte more with 413, and downloads it back whole`, async () => {
    // Through the harness: openapi-backend's byte-format check cannot take a 12 MB string (its regex recurses).
    const checker = await createSpecChecker(h.spec, h);
    const file = Buffer.alloc(FILE_MAX_BYTES, 7);
    const ok = await h.call("POST", "/deals/files", {
      body: {
        name: "big.bin",
        contentType: "application/octet-stream",
        contentBase64: file.toString("base64"),
      },
    });
    expect(ok.status).toBe(201);
    expect(checker.checkResponse("uploadDealFile", ok.status, ok.body, ok.headers)).toEqual([]);
    const over = await h.call("POST", "/deals/files", {
      body: { name: "big.bin", contentBase64: Buffer.alloc(FILE_MAX_BYTES + 1, 7).toString("base64") },
    });
    expect(over.status).toBe(413);
    expect(over.body.error.message).toContain("9,000,000 bytes");
    expect(checker.checkResponse("uploadDealFile", over.status, over.body, over.headers)).toEqual([]);
    const attached = await h.call("PATCH", "/deals/1", {
      body: { proposal: [{ fileKey: ok.body.fileKey }] },
    });
    expect(attached.status).toBe(200);
    const back = await h.call("GET", "/deals/1/files/proposal");
    expect(back.status).toBe(200);
    expect(back.body.size).toBe(FILE_MAX_BYTES);
    expect(Buffer.from(back.body.contentBase64, "base64").equals(file)).toBe(true);
    expect(
      checker.checkResponse(
        "downloadDealFile",
        back.status,
        { ...back.body, contentBase64: "AA==" },
        back.headers,
      ),
    ).toEqual([]);
  }, 60_000);
});
