import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT, startCli, tempDir } from "../helpers/cli.js";
import { parseRawResponse, rawExchange } from "../helpers/raw-http.js";

/**
 * What an attacker can send, over raw sockets (no HTTP client normalising paths): request targets, methods, header
 * sets, truncated and garbage requests, to the built `serve` and `sandbox` as users run them. After every batch
 * both processes must still answer /healthz (found by the security review: `GET //` ended serve). Longer form:
 * RAW_FUZZ_RUNS=20000 npm run soak.
 */
const KEY = "raw-fuzz-key-0123456789abcdef";
const RUNS = Number(process.env.RAW_FUZZ_RUNS ?? 2_000);
const BATCH = 100;
const SPEC = join(ROOT, "test/fixtures/golden/sample-apps.json");

const NASTY_TARGETS = [
  "//",
  "/\\",
  "//%",
  "//[",
  "//@",
  "//a:99999",
  "http://[",
  "http://a:99999/",
  "https://[::1/healthz",
  "*",
  "",
  "%",
  "/%",
  "/%zz",
  "/customers/%",
  "/customers/%E0%A4%A",
  "/customers/9007199254740993",
  "/customers/-1",
  "/customers/1e3",
  "/customers/0x10",
  "/customers?$filter=%",
  "/customers?$filter=name%20eq%20'",
  "/customers?$skiptoken=%00",
  "/customers?$top=99999999999999999999",
  "/k/v1/records.json?app=1&query=%",
  "/k/v1/records.json?app[__proto__]=1",
  "/k/v1/record.json?app=1&id[0][0][0][0][0][0]=1",
  "/docs/..%2f..%2fpackage.json",
  "/docs/../../package.json",
  "/openapi.json/../healthz",
  `/${"a".repeat(9000)}`,
  "/\u00ff\u00fe",
  "/a b",
  "/\t",
];
const METHODS = [
  "GET",
  "POST",
  "PATCH",
  "DELETE",
  "HEAD",
  "OPTIONS",
  "PUT",
  "TRACE",
  "CONNECT",
  "PROPFIND",
  "G\u00c9T",
  "get",
  "",
];
const HOSTS = [
  "127.0.0.1",
  "localhost",
  "",
  "[",
  "a:99999",
  "evil.example",
  "[::1]",
  "%",
  "a b",
  "x".repeat(300),
];

const headerLine = fc.oneof(
  fc.constantFrom(
    `Authorization: Bearer ${KEY}`,
    `X-API-Key: ${KEY}`,
    "Authorization: Bearer wrong-key-0123456789",
    "Authorization: Basic c2FuZGJveDpzYW5kYm94",
    "X-Cybozu-Authorization: c2FuZGJveDpzYW5kYm94",
    "Content-Type: application/json",
    "Content-Type: text/plain",
    "Content-Length: 5",
    "Content-Length: -1",
    "Content-Length: 99999999999",
    "Content-Length: 1, 2",
    "Transfer-Encoding: chunked",
    "Transfer-Encoding: gzip, chunked",
    "X-HTTP-Method-Override: DELETE",
    "X-Forwarded-Proto: https",
    "Expect: 100-continue",
    "Origin: https://evil.example",
    "Connection: upgrade",
    "Upgrade: websocket",
  ),
  fc
    .tuple(fc.stringMatching(/^[A-Za-z-]{1,20}$/), fc.string({ maxLength: 40 }))
    .map(([n, v]) => `${n}: ${v}`),
);

const request = fc.record({
  method: fc.oneof(fc.constantFrom(...METHODS), fc.string({ maxLength: 10 })),
  target: fc.oneof(
    fc.constantFrom(...NASTY_TARGETS),
    fc.string({ maxLength: 80 }),
    fc.string({ maxLength: 40 }).map((s) => `/${s}`),
  ),
  version: fc.constantFrom("HTTP/1.1", "HTTP/1.1", "HTTP/1.0", "HTTP/2.0", "HTTP/1.1 x", ""),
  host: fc.option(fc.constantFrom(...HOSTS), { nil: undefined }),
  headers: fc.array(headerLine, { maxLength: 6 }),
  body: fc.oneof(fc.constant(""), fc.json(), fc.string({ maxLength: 200 }), fc.constant('{"a":1e999999}')),
  cut: fc.option(fc.nat(), { nil: undefined }),
  garbage: fc.option(fc.uint8Array({ maxLength: 200 }), { nil: undefined }),
});

type Fuzzed = typeof request extends fc.Arbitrary<infer T> ? T : never;

function bytesOf(r: Fuzzed): Buffer {
  if (r.garbage !== undefined && r.cut !== undefined && r.cut % 5 === 0) return Buffer.from(r.garbage);
  const lines = [`${r.method} ${r.target} ${r.version}`.trimEnd()];
  if (r.host !== undefined) lines.push(`Host: ${r.host}`);
  lines.push(...r.headers);
  const head = `${lines.join("\r\n")}\r\n\r\n`;
  const full = Buffer.concat([Buffer.from(head, "latin1"), Buffer.from(r.body, "utf8")]);
  return r.cut !== undefined && r.cut % 3 === 0 ? full.subarray(0, r.cut % full.length) : full;
}

async function healthy(port: number): Promise<boolean> {
  const response = parseRawResponse(
    await rawExchange(port, "GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n", 5_000),
  );
  return response?.status === 200;
}

/** Sends `RUNS` fuzzed requests, 20 at a time, checking /healthz after each batch and the shape of every answer. */
async function fuzz(
  port: number,
  seed: number,
): Promise<{ answered: number; statuses: Record<number, number> }> {
  const samples = fc.sample(request, { numRuns: RUNS, seed });
  const statuses: Record<number, number> = {};
  let answered = 0;
  for (let start = 0; start < samples.length; start += BATCH) {
    const batch = samples.slice(start, start + BATCH);
    for (let i = 0; i < batch.length; i += 20) {
      await Promise.all(
        batch.slice(i, i + 20).map(async (sample) => {
          const data = await rawExchange(port, bytesOf(sample), 1_500);
          const response = parseRawResponse(data);
          if (response === undefined) return;
          answered++;
          statuses[response.status] = (statuses[response.status] ?? 0) + 1;
          expect(response.status, `${JSON.stringify(sample).slice(0, 300)}`).toBeLessThan(600);
          expect(data.toString("latin1")).not.toContain(KEY);
          expect(data.toString("latin1")).not.toMatch(/\n\s+at .*\.(js|ts):\d+/);
        }),
      );
    }
    expect(await healthy(port), `/healthz after batch ${start / BATCH + 1}`).toBe(true);
  }
  return { answered, statuses };
}

describe("raw-socket fuzzing of the servers", () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let sandbox: ReturnType<typeof startCli>;
  let serve: ReturnType<typeof startCli>;
  let sandboxPort: number;
  let servePort: number;
  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir());
    sandbox = startCli(["sandbox", "--port", "0"], {
      cwd: dir,
      ready: /^kintone-openapi sandbox listening on (http:\/\/localhost:\d+)$/m,
    });
    const sandboxUrl = await sandbox.url;
    sandboxPort = Number(new URL(sandboxUrl).port);
    serve = startCli(["serve", "--spec", SPEC, "--port", "0", "--no-access-log"], {
      cwd: dir,
      env: {
        KINTONE_BASE_URL: sandboxUrl,
        KINTONE_USERNAME: "sandbox",
        KINTONE_PASSWORD: "sandbox",
        KINTONE_OPENAPI_API_KEYS: KEY,
      },
      ready: /^kintone-openapi serve listening on (http:\/\/[^\s]+)$/m,
    });
    servePort = Number(new URL(await serve.url).port);
  });
  afterAll(async () => {
    serve?.child.kill("SIGTERM");
    sandbox?.child.kill("SIGTERM");
    await Promise.all([serve?.exit, sandbox?.exit]);
    await cleanup();
  });

  it("answers each request target the security review found fatal with a 400 error body", async () => {
    for (const target of ["//", "/\\", "//%", "//[", "//@", "//a:99999", "http://["]) {
      for (const port of [servePort, sandboxPort]) {
        const data = await rawExchange(port, `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`, 2_000);
        const response = parseRawResponse(data);
        expect(response, `${target} on ${port === servePort ? "serve" : "sandbox"}`).toBeDefined();
        expect(response?.status).toBeGreaterThanOrEqual(400);
        expect(response?.status).toBeLessThan(500);
        expect(
          typeof JSON.parse(response?.body ?? "{}").error?.code === "string" ||
            JSON.parse(response?.body ?? "{}").code !== undefined,
        ).toBe(true);
        expect(await healthy(port)).toBe(true);
      }
    }
  });

  it(
    `survives ${RUNS} fuzzed requests to serve`,
    async () => {
      const { answered, statuses } = await fuzz(servePort, 10);
      expect(answered).toBeGreaterThan(RUNS / 4);
      expect(statuses[500] ?? 0).toBe(0);
      expect(serve.child.exitCode).toBeNull();
    },
    60_000 + RUNS * 50,
  );

  it(
    `survives ${RUNS} fuzzed requests to the sandbox`,
    async () => {
      const { answered } = await fuzz(sandboxPort, 11);
      expect(answered).toBeGreaterThan(RUNS / 4);
      expect(sandbox.child.exitCode).toBeNull();
    },
    60_000 + RUNS * 50,
  );
});
