import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { KintoneRestAPIClient } from "@kintone/rest-api-client";
import { createSandbox } from "../../src/sandbox/server.js";
import { ROOT, startCli } from "../helpers/cli.js";
import { seeded } from "../helpers/seeded.js";

export type ChaosReport = {
  durationMs: number;
  requests: number;
  byStatus: Record<string, number>;
  faultsInjected: Record<string, number>;
  malformed: number;
  connectionFailures: number;
  creates: { acknowledged: number; unknown: number; refused: number };
  writesLost: number;
  writesDoubled: number;
  phantomRecords: number;
  staleUpdates: number;
  rss: { warmMb: number; maxMb: number; lastMb: number };
};

const KEY = "soak-key-0123456789";
const ALLOWED = new Set([200, 201, 204, 400, 404, 409, 429, 502, 503, 504]);

function rssOf(pid: number): Promise<number> {
  return readFile(`/proc/${pid}/status`, "utf8").then(
    (text) => Number(/VmRSS:\s+(\d+)/.exec(text)?.[1] ?? 0) / 1024,
    () => 0,
  );
}

/**
 * Runs the proxy (as a child process) against a sandbox that injects faults, under steady load from `workers`
 * concurrent callers for `durationMs`, then checks the sandbox's data: no acknowledged write lost or doubled.
 * Loopback only; every loop is bounded by the deadline.
 */
export async function runChaos(options: {
  durationMs: number;
  workers: number;
  seed?: number;
}): Promise<ChaosReport> {
  const sandbox = await createSandbox({
    faults: { "429": 0.05, "500": 0.02, "503": 0.03, slow: 0.01, reset: 0.02, lost: 0.02 },
    slowMs: 400,
    random: seeded(options.seed ?? 1),
  });
  const { child, url: ready } = startCli(
    [
      "serve",
      "--spec",
      join(ROOT, "test/fixtures/golden/sample-apps.json"),
      "--port",
      "0",
      "--no-access-log",
      "--max-kintone-concurrency",
      "8",
    ],
    {
      cwd: ROOT,
      env: {
        KINTONE_BASE_URL: sandbox.url,
        KINTONE_USERNAME: "sandbox",
        KINTONE_PASSWORD: "sandbox",
        KINTONE_OPENAPI_API_KEYS: KEY,
      },
      ready: /listening on (\S+)/,
    },
  );
  const url = await ready;
  const report: ChaosReport = {
    durationMs: options.durationMs,
    requests: 0,
    byStatus: {},
    faultsInjected: {},
    malformed: 0,
    connectionFailures: 0,
    creates: { acknowledged: 0, unknown: 0, refused: 0 },
    writesLost: 0,
    writesDoubled: 0,
    phantomRecords: 0,
    staleUpdates: 0,
    rss: { warmMb: 0, maxMb: 0, lastMb: 0 },
  };
  const acknowledged = new Set<string>();
  const unknown = new Set<string>();
  /** Per created record: the last acknowledged value of employees, and values of later unacknowledged updates. */
  const updates = new Map<number, { acked: number | undefined; maybe: number[] }>();
  const headers = { "x-api-key": KEY, "content-type": "application/json" };
  const deadline = Date.now() + options.durationMs;
  const samples: number[] = [];
  const sampler = setInterval(() => void rssOf(child.pid as number).then((mb) => samples.push(mb)), 1000);

  const call = async (
    method: string,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; json: any } | undefined> => {
    report.requests++;
    try {
      const response = await fetch(`${url}${path}`, {
        method,
        headers,
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        signal: AbortSignal.timeout(60_000),
      });
      const text = await response.text();
      report.byStatus[response.status] = (report.byStatus[response.status] ?? 0) + 1;
      let json: any;
      try {
        json = text === "" ? undefined : JSON.parse(text);
      } catch {
        json = undefined;
      }
      const wellFormed =
        ALLOWED.has(response.status) &&
        (response.status === 204 ? text === "" : json !== undefined) &&
        (response.status < 400 ||
          (typeof json?.error?.code === "string" && typeof json?.error?.message === "string"));
      if (!wellFormed) report.malformed++;
      return { status: response.status, json };
    } catch {
      report.connectionFailures++;
      return undefined;
    }
  };

  const worker = async (w: number) => {
    const random = seeded(1000 + w);
    const mine: number[] = [];
    for (let n = 0; Date.now() < deadline; n++) {
      const pick = random();
      if (pick < 0.45) {
        const filters = [
          "industry eq 'Retail'",
          "employees ge 100",
          "rank in ('A','B')",
          "contains(notes, 'email')",
          "customerSince lt 2020-01-01",
        ];
        await call(
          "GET",
          `/customers?$top=${1 + Math.floor(random() * 50)}&$filter=${encodeURIComponent(filters[n % filters.length] as string)}`,
        );
      } else if (pick < 0.65) {
        await call(
          "GET",
          `/customers/${mine.length > 0 && random() < 0.5 ? mine[Math.floor(random() * mine.length)] : 1 + Math.floor(random() * 20)}`,
        );
      } else if (pick < 0.85) {
        const name = `soak-${w}-${n}`;
        const result = await call("POST", "/customers", {
          companyName: name,
          industry: "Software",
          employees: n,
        });
        if (result?.status === 201) {
          acknowledged.add(name);
          mine.push(result.json.id);
          updates.set(result.json.id, { acked: n, maybe: [] });
        } else if (result?.json?.error?.code === "WriteOutcomeUnknown" || result === undefined) {
          unknown.add(name);
        } else {
          report.creates.refused++;
        }
      } else if (mine.length > 0) {
        const id = mine[Math.floor(random() * mine.length)] as number;
        const value = 100_000 + w * 10_000 + n;
        const result = await call("PATCH", `/customers/${id}`, { employees: value });
        const entry = updates.get(id) as { acked: number | undefined; maybe: number[] };
        if (result?.status === 200) updates.set(id, { acked: value, maybe: [] });
        else if (result === undefined || result.json?.error?.code === "WriteOutcomeUnknown")
          entry.maybe.push(value);
      }
    }
  };
  await Promise.all(Array.from({ length: options.workers }, (_, w) => worker(w)));
  clearInterval(sampler);
  report.rss.lastMb = await rssOf(child.pid as number);
  const warm = samples.slice(Math.min(3, samples.length - 1));
  report.rss.warmMb = Math.round(warm[0] ?? report.rss.lastMb);
  report.rss.maxMb = Math.round(Math.max(report.rss.lastMb, ...warm));
  report.rss.lastMb = Math.round(report.rss.lastMb);
  child.kill("SIGTERM");
  await new Promise((resolve) => child.on("exit", resolve));
  report.faultsInjected = sandbox.stats().faults;

  // Check the data directly in the sandbox, without faults in the way.
  const client = new KintoneRestAPIClient({
    baseUrl: sandbox.url,
    auth: { username: "sandbox", password: "sandbox" },
  });
  const all: Array<Record<string, { value: unknown }>> = [];
  for (let attempt = 0; attempt < 50; attempt++) {
    try {
      const records = await client.record.getAllRecords({
        app: 1,
        condition: 'Company_name like "soak"',
        fields: ["$id", "Company_name", "Employees"],
      });
      all.splice(0, all.length, ...(records as unknown as Array<Record<string, { value: unknown }>>));
      break;
    } catch {
      // a fault hit the check itself: try again
    }
  }
  const counts = new Map<string, number>();
  for (const record of all) {
    const name = String(record.Company_name?.value);
    if (!name.startsWith("soak-")) continue;
    counts.set(name, (counts.get(name) ?? 0) + 1);
    const entry = updates.get(Number(record.$id?.value));
    if (entry !== undefined) {
      const value = Number(record.Employees?.value);
      if (value !== entry.acked && !entry.maybe.includes(value)) report.staleUpdates++;
    }
  }
  for (const name of acknowledged) if ((counts.get(name) ?? 0) !== 1) report.writesLost++;
  for (const [name, count] of counts) {
    if (count > 1) report.writesDoubled++;
    if (!acknowledged.has(name) && !unknown.has(name)) report.phantomRecords++;
  }
  report.creates.acknowledged = acknowledged.size;
  report.creates.unknown = unknown.size;
  await sandbox.close();
  return report;
}
