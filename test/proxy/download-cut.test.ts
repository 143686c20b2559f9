import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OPERATIONS } from "../../src/generate/build-document.js";
import { generateSpec } from "../../src/generate/generate.js";
import { SnapshotMetadataSource } from "../../src/kintone/snapshot-source.js";
import { type AccessLogEntry, createProxyServer, type ProxyServer } from "../../src/proxy/server.js";
import { readBaseSpec, SAMPLE_APPS_DIR } from "../../src/templates.js";
import { KEY } from "../helpers/proxy-harness.js";

/**
 * A download whose file stops arriving midway (issue #14): the proxy has already answered 200 and streamed part of
 * the base64, so it cuts the connection. The caller sees a broken answer, never a complete-looking JSON with a
 * wrong file, and the proxy goes on serving.
 */
describe("a file download cut off by Kintone midway", () => {
  let kintone: Server;
  let proxy: ProxyServer;
  const logs: AccessLogEntry[] = [];
  const SIZE = 200_000;
  beforeAll(async () => {
    // A Kintone that knows one record with one file, and sends only half of the file before dropping the connection.
    kintone = createServer((req, res) => {
      const url = new URL(req.url ?? "/", "http://localhost");
      if (url.pathname === "/k/v1/record.json") {
        res.writeHead(200, { "content-type": "application/json" });
        res.end(
          JSON.stringify({
            record: {
              $id: { type: "__ID__", value: "1" },
              $revision: { type: "__REVISION__", value: "1" },
              Proposal: {
                type: "FILE",
                value: [
                  {
                    fileKey: "k1",
                    name: "a.bin",
                    contentType: "application/octet-stream",
                    size: String(SIZE),
                  },
                ],
              },
            },
          }),
        );
      } else if (url.pathname === "/k/v1/file.json") {
        res.writeHead(200, { "content-type": "application/octet-stream", "content-length": SIZE });
        res.write(Buffer.alloc(SIZE / 2, 1), () => setTimeout(() => res.socket?.destroy(), 20));
      } else {
        res.writeHead(404, { "content-type": "application/json" });
        res.end(JSON.stringify({ code: "CB_NO01", message: "no", id: "x" }));
      }
    });
    await new Promise<void>((resolve) => kintone.listen(0, "127.0.0.1", resolve));
    const { document: spec } = await generateSpec({
      source: new SnapshotMetadataSource(SAMPLE_APPS_DIR),
      appIds: ["2"],
      build: { proxyUrl: "http://localhost:8080", operations: [...OPERATIONS, "files"] },
      base: await readBaseSpec(),
    });
    proxy = await createProxyServer({
      spec,
      kintone: {
        baseUrl: `http://localhost:${(kintone.address() as AddressInfo).port}`,
        auth: { kind: "password", username: "u", password: "p" },
      },
      apiKeys: [KEY],
      port: 0,
      onLog: (entry) => logs.push(entry),
      retry: { baseMs: 5 },
    });
  });
  afterAll(async () => {
    await proxy?.close();
    await new Promise((resolve) => kintone?.close(resolve));
  });

  it("breaks the answer instead of finishing it, and keeps serving", async () => {
    const outcome = await fetch(`${proxy.url}/deals/1/files/proposal`, {
      headers: { authorization: `Bearer ${KEY}` },
    }).then(
      async (response) => {
        try {
          const text = await response.text();
          return {
            status: response.status,
            complete: (() => {
              try {
                JSON.parse(text);
                return true;
              } catch {
                return false;
              }
            })(),
          };
        } catch {
          return { status: response.status, complete: false };
        }
      },
      () => ({ status: 0, complete: false }),
    );
    expect(outcome.complete).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(logs.find((l) => l.operation === "downloadDealFile")).toMatchObject({
      status: 502,
      error: "KintoneDownloadCut",
    });
    const health = await fetch(`${proxy.url}/healthz`);
    expect(health.status).toBe(200);
  });
});
