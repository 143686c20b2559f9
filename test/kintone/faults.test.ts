import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LiveMetadataSource } from "../../src/kintone/live-source.js";
import { isTransient, withRetry } from "../../src/kintone/retry.js";
import { parseFaults } from "../../src/sandbox/context.js";
import { createSandbox, type Sandbox } from "../../src/sandbox/server.js";
import { runCli, tempDir } from "../helpers/cli.js";
import { seeded } from "../helpers/seeded.js";
import { writeSyntheticSnapshot } from "../helpers/synthetic.js";

const password = { kind: "password", username: "sandbox", password: "sandbox" } as const;
const fast = { baseMs: 5, maxTotalMs: 5_000, retries: 6 };

describe("fault injection in the sandbox", () => {
  it("parses --faults and refuses what it does not know", () => {
    expect(parseFaults("429:0.3, 503:0.1,reset:0.05")).toEqual({ "429": 0.3, "503": 0.1, reset: 0.05 });
    expect(() => parseFaults("418:0.1")).toThrow(/unknown fault "418"/);
    expect(() => parseFaults("429:2")).toThrow(/rate of 429 must be a number from 0 to 1/);
  });

  it("answers each kind the way Kintone (or the network) fails", async () => {
    for (const [kind, check] of [
      [
        "429",
        async (r: Response) => {
          expect(r.status).toBe(429);
          expect(r.headers.get("x-cybozu-error")).toBe("GAIA_TO04");
          expect((await r.json()).code).toBe("GAIA_TO04");
        },
      ],
      ["500", async (r: Response) => expect(r.status).toBe(500)],
      [
        "503",
        async (r: Response) => {
          expect(r.status).toBe(503);
          expect(r.headers.get("content-type")).toMatch(/text\/html/);
        },
      ],
    ] as const) {
      const sandbox = await createSandbox({ faults: { [kind]: 1 } });
      try {
        await check(
          await fetch(`${sandbox.url}/k/v1/apps.json`, {
            headers: { "x-cybozu-authorization": Buffer.from("sandbox:sandbox").toString("base64") },
          }),
        );
        expect(sandbox.stats().faults[kind]).toBe(1);
      } finally {
        await sandbox.close();
      }
    }
    const dropping = await createSandbox({ faults: { reset: 1 } });
    try {
      await expect(fetch(`${dropping.url}/k/v1/apps.json`)).rejects.toThrow();
    } finally {
      await dropping.close();
    }
  });
});

describe("reads retry transient failures", () => {
  it("classifies what may be retried", () => {
    expect(isTransient(Object.assign(new Error("x"), { code: "ECONNRESET" }))).toBe(true);
    expect(isTransient(new Error("503: Service Unavailable"))).toBe(true);
    expect(isTransient(Object.assign(new Error("x"), { code: "ENOTFOUND" }))).toBe(false);
  });

  it("stops after the bounded number of attempts and honours Retry-After", async () => {
    let calls = 0;
    const delays: number[] = [];
    const error = Object.assign(new Error("busy"), {
      code: "ECONNRESET",
      headers: { "retry-after": "0.05" },
    });
    await expect(
      withRetry(
        () => {
          calls += 1;
          return Promise.reject(error);
        },
        {
          retries: 3,
          baseMs: 1,
          onRetry: (_a, d) => delays.push(d),
        },
      ),
    ).rejects.toBe(error);
    expect(calls).toBe(4);
    for (const delay of delays) expect(delay).toBeGreaterThanOrEqual(50);
  });

  let sandbox: Sandbox;
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir());
    await writeSyntheticSnapshot(dir, 200, 5);
  });
  afterAll(async () => {
    await sandbox?.close();
    await cleanup();
  });

  it("reads 200 apps through 429s, 500s, maintenance pages and dropped connections", async () => {
    sandbox = await createSandbox({
      data: dir,
      faults: { "429": 0.15, "500": 0.05, "503": 0.1, reset: 0.05 },
      random: seeded(7),
    });
    const ids = Array.from({ length: 200 }, (_, i) => String(i + 1));
    const apps = await new LiveMetadataSource({ baseUrl: sandbox.url, auth: password, retry: fast }).readApps(
      ids,
    );
    expect(apps).toHaveLength(200);
    const faults = sandbox.stats().faults;
    expect(Object.values(faults).reduce((a, b) => a + b, 0)).toBeGreaterThan(20);
  });

  it("fails cleanly, writing nothing, when Kintone stays down", async () => {
    const down = await createSandbox({ data: dir, faults: { "503": 1 } });
    try {
      const result = await runCli(
        [
          "generate",
          "--app",
          "1,2",
          "-o",
          "spec.json",
          "--base-url",
          down.url,
          "-u",
          "sandbox",
          "-p",
          "sandbox",
        ],
        { cwd: dir },
      );
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/HTTP 503.*maintenance/);
      expect(down.stats().requests).toBeGreaterThan(1);
      const { existsSync } = await import("node:fs");
      expect(existsSync(`${dir}/spec.json`)).toBe(false);
    } finally {
      await down.close();
    }
  });
});
