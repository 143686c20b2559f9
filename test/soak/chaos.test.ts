import { describe, expect, it } from "vitest";
import { runChaos } from "./chaos.js";

/**
 * The chaos/soak test in its short form (CI): the proxy under steady load with faults injected. Long form by hand:
 * SOAK_SECONDS=300 npx vitest run test/soak
 */
const seconds = Number(process.env.SOAK_SECONDS ?? 20);

describe("proxy under load with faults injected", () => {
  it(`answers every request well, loses and doubles no write, keeps memory flat (${seconds} s)`, {
    timeout: (seconds + 90) * 1000,
  }, async () => {
    const report = await runChaos({ durationMs: seconds * 1000, workers: 8 });
    console.log(JSON.stringify(report));
    expect(report.requests).toBeGreaterThan(seconds * 20);
    expect(Object.values(report.faultsInjected).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
    expect(report.connectionFailures).toBe(0);
    expect(report.malformed).toBe(0);
    expect(report.creates.acknowledged).toBeGreaterThan(0);
    expect(report.writesLost).toBe(0);
    expect(report.writesDoubled).toBe(0);
    expect(report.phantomRecords).toBe(0);
    expect(report.staleUpdates).toBe(0);
    expect(report.rss.maxMb - report.rss.warmMb).toBeLessThan(60);
  });
});
