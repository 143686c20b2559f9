import { connect, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { UPLOADS_AT_ONCE } from "../../src/proxy/handlers/files.js";
import { SAMPLE_APPS_DIR } from "../../src/templates.js";
import { type Harness, KEY, startHarness } from "../helpers/proxy-harness.js";

/**
 * Regression tests for the outside attack on issue #14 (a security reviewer with raw sockets and a spec-checking
 * client, against every opt-in operation of the demo apps). Each failed on the code before its fix.
 */
let h: Harness;
const ALL = [
  "list",
  "get",
  "create",
  "update",
  "delete",
  "files",
  "status",
  "comments",
  "upsert",
  "bulk",
] as const;

beforeAll(async () => {
  h = await startHarness(SAMPLE_APPS_DIR, { operations: ALL });
});
afterAll(() => h.close());

const calls = () => Object.values(h.sandbox.stats().byEndpoint).reduce((a, b) => a + b, 0);

describe("deeply nested JSON", () => {
  it("is refused before it is parsed, on every operation that reads a JSON body", async () => {
    const nested = `{"records":${"[".repeat(200_000)}${"]".repeat(200_000)}}`;
    for (const path of ["/customers/bulk/create", "/customers/upsert/by-company-name", "/deals/1/comments"]) {
      const before = calls();
      const answer = await h.call("POST", path, {
        raw: nested,
        headers: { "content-type": "application/json" },
      });
      expect(answer.status, path).toBe(400);
      expect(answer.body.error.message).toMatch(/nests arrays and objects more than 64 levels deep/);
      expect(calls() - before).toBe(0);
    }
    // A body as deep as the spec's own shapes still goes through.
    const ok = await h.call("POST", "/customers/bulk/create", {
      body: { records: [{ companyName: "Nest Co", rank: "B", accountOwner: [{ code: "sato" }] }] },
    });
    expect(ok.status, JSON.stringify(ok.body)).toBe(200);
  });
});

describe("file uploads held open", () => {
  it(`are at most ${UPLOADS_AT_ONCE} at once; more are 503 ProxyBusy before their bodies are read`, async () => {
    const port = Number(new URL(h.proxy.url).port);
    const open: Socket[] = [];
    const head = (length: number) =>
      `POST /deals/files HTTP/1.1\r\nHost: 127.0.0.1\r\nX-API-Key: ${KEY}\r\nContent-Type: application/json\r\nContent-Length: ${length}\r\n\r\n`;
    try {
      // Uploads that send their headers and the start of a large body, then stall.
      for (let i = 0; i < UPLOADS_AT_ONCE; i++) {
        const socket = connect({ host: "127.0.0.1", port });
        await new Promise<void>((resolve) => socket.once("connect", () => resolve()));
        socket.write(`${head(1_000_000)}{"name":"a.bin","contentBase64":"${"QUFB".repeat(1000)}`);
        open.push(socket);
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
      const answer = await h.call("POST", "/deals/files", {
        body: { name: "b.txt", contentType: "text/plain", contentBase64: "aGVsbG8=" },
      });
      expect(answer.status).toBe(503);
      expect(answer.body.error.code).toBe("ProxyBusy");
      expect(answer.headers.get("retry-after")).toBe("2");
    } finally {
      for (const socket of open) socket.destroy();
    }
    // Once they are gone, uploads are taken again.
    await new Promise((resolve) => setTimeout(resolve, 200));
    const again = await h.call("POST", "/deals/files", {
      body: { name: "b.txt", contentType: "text/plain", contentBase64: "aGVsbG8=" },
    });
    expect(again.status).toBe(201);
  });
});

describe("bulk update by key", () => {
  it("takes only the key properties the spec offers, without a Kintone call for any other", async () => {
    const before = calls();
    const answer = await h.call("POST", "/customers/bulk/update", {
      body: { records: [{ keyProperty: "employees", keyValue: "3", record: {} }] },
    });
    expect(answer.status).toBe(400);
    expect(answer.body.error.message).toMatch(/keyProperty must be one of companyName/);
    expect(JSON.stringify(answer.body)).not.toMatch(/updateKey|records\[0\]\.record\.records/);
    // An app with no unique property is changed by id only.
    const deals = await h.call("POST", "/deals/bulk/update", {
      body: { records: [{ keyProperty: "dealName", keyValue: "x", record: {} }] },
    });
    expect(deals.status).toBe(400);
    expect(deals.body.error.message).toMatch(/cannot be used for this app/);
    expect(calls() - before).toBe(0);
  });

  it("reports a key value of the wrong type at keyValue", async () => {
    const answer = await h.call("POST", "/customers/bulk/update", {
      body: { records: [{ keyProperty: "companyName", keyValue: 3, record: {} }] },
    });
    expect(answer.status).toBe(400);
    expect(JSON.stringify(answer.body)).toMatch(/records\[0\]\.keyValue/);
  });
});

describe("status actions", () => {
  it("refuses an action the spec does not list, naming the ones it does, without a Kintone call", async () => {
    const before = calls();
    for (const action of ["NoSuchAction", "start", 7]) {
      const answer = await h.call("POST", "/deals/5/actions", { body: { action } });
      expect(answer.status).toBe(400);
      expect(answer.body.error.code).toBe("ValidationFailed");
      expect(answer.body.error.message).toMatch(/action must be one of the app's process actions: "Start"/);
    }
    expect(calls() - before).toBe(0);
  });
});

describe("bodies and parameters the docs do not allow", () => {
  it("refuses compressed or non-UTF-8 JSON bodies instead of reading them as UTF-8 JSON", async () => {
    const body = { name: "c.txt", contentType: "text/plain", contentBase64: "aGVsbG8=" };
    for (const [path, headers] of [
      ["/deals/files", { "content-encoding": "gzip" }],
      ["/deals/files", { "content-type": "application/json; charset=latin1" }],
      ["/deals/1/comments", { "content-encoding": "deflate" }],
    ] as const) {
      const answer = await h.call("POST", path, {
        body: path.endsWith("comments") ? { text: "x" } : body,
        headers: { "content-type": "application/json", ...headers },
      });
      expect(answer.status, `${path} ${JSON.stringify(headers)}`).toBe(415);
    }
    const utf8 = await h.call("POST", "/deals/files", {
      body,
      headers: { "content-type": "application/json; charset=UTF-8" },
    });
    expect(utf8.status).toBe(201);
  });

  it("names the limit an upload's other properties hit, not the file's", async () => {
    const answer = await h.call("POST", "/deals/files", {
      body: { name: "a.txt", contentType: `x/${"a".repeat(70_000)}`, contentBase64: "QQ==" },
    });
    expect(answer.status).toBe(413);
    expect(answer.body.error.message).toMatch(
      /name, contentType and JSON around the file take more than 65,536/,
    );
  });

  it("answers an empty file name on download with 400, not 404", async () => {
    const answer = await h.call("GET", "/deals/3/files/proposal?name=");
    expect(answer.status).toBe(400);
    expect(answer.body.error.target).toBe("name");
  });
});
