// Proxy benchmarks (issue #5), run by bench/run.js: latency and throughput against direct Kintone (sandbox) calls,
// and deep paging (Kintone calls made, proxy peak RSS). Loopback only; every loop is bounded.
import { spawn } from "node:child_process";
import { join } from "node:path";
import autocannon from "autocannon";
import { writeApp } from "./synthetic.js";

const KEY = "bench-key";

/** Starts `kintone-openapi serve` as a child process (with the RSS probe); resolves its URL and a stop() → peak RSS MB. */
async function startServe(root, probe, spec, sandboxUrl) {
  const child = spawn(
    process.execPath,
    [
      "--import",
      probe,
      join(root, "bin/kintone-openapi.js"),
      "serve",
      "--spec",
      spec,
      "--port",
      "0",
      "--no-access-log",
    ],
    {
      env: {
        ...process.env,
        KINTONE_BASE_URL: sandboxUrl,
        KINTONE_USERNAME: "sandbox",
        KINTONE_PASSWORD: "sandbox",
        KINTONE_OPENAPI_API_KEYS: KEY,
        NO_COLOR: "1",
      },
    },
  );
  let stdout = "";
  let stderr = "";
  child.stderr.on("data", (c) => {
    stderr += c;
  });
  const url = await new Promise((resolve, reject) => {
    child.stdout.on("data", (c) => {
      stdout += c;
      const match = /listening on (http:\/\/\S+)/.exec(stdout);
      if (match) resolve(match[1]);
    });
    child.on("exit", (code) => reject(new Error(`serve exited ${code}: ${stderr}`)));
  });
  const stop = () =>
    new Promise((resolve) => {
      child.removeAllListeners("exit");
      child.on("exit", () => resolve(Number(/__PEAK_RSS_KB__=(\d+)/.exec(stderr)?.[1] ?? 0) / 1024));
      child.kill("SIGTERM");
    });
  return { url, stop };
}

async function generateSpec(root, data, out) {
  await new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [join(root, "bin/kintone-openapi.js"), "generate", "--from", data, "-o", out, "--quiet"],
      { env: { ...process.env, CI: "true" } },
    );
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`generate exited ${code}`))));
  });
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

async function timed(fn) {
  const start = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

function cannon(options) {
  return new Promise((resolve, reject) => {
    autocannon({ connections: 10, duration: 5, ...options }, (error, result) =>
      error ? reject(error) : resolve(result),
    );
  });
}

/** A one-app snapshot with a few fields and no records (the records are added through the API). */
async function pagingApp(dir) {
  const text = (code) => ({
    type: "SINGLE_LINE_TEXT",
    code,
    label: code,
    required: false,
    unique: false,
    defaultValue: "",
    minLength: "",
    maxLength: "",
    expression: "",
  });
  const seats = {
    type: "NUMBER",
    code: "Seats",
    label: "Seats",
    required: false,
    defaultValue: "",
    minValue: "",
    maxValue: "",
  };
  await writeApp(dir, 1, "Events", { Title: text("Title"), Place: text("Place"), Seats: seats });
}

export async function run({ root, work, record, probe }) {
  const { createSandbox } = await import(join(root, "dist/sandbox/server.js"));
  const { KintoneRestAPIClient } = await import("@kintone/rest-api-client");
  const { SAMPLE_APPS_DIR } = await import(join(root, "dist/templates.js"));
  const demoSpec = join(work, "demo.json");
  await generateSpec(root, SAMPLE_APPS_DIR, demoSpec);

  // (a) Latency with a 20 ms Kintone: the proxy's median over the direct call's median.
  {
    const sandbox = await createSandbox({ latencyMs: 20 });
    const proxy = await startServe(root, probe, demoSpec, sandbox.url);
    const client = new KintoneRestAPIClient({
      baseUrl: sandbox.url,
      auth: { username: "sandbox", password: "sandbox" },
    });
    const direct = [];
    const via = [];
    for (let i = 0; i < 60; i++) {
      direct.push(
        await timed(() => client.record.getRecords({ app: 1, query: "order by $id desc limit 20" })),
      );
      via.push(
        await timed(async () =>
          (
            await fetch(`${proxy.url}/customers?$top=20`, { headers: { authorization: `Bearer ${KEY}` } })
          ).arrayBuffer(),
        ),
      );
    }
    await proxy.stop();
    await sandbox.close();
    const ratio = median(via.slice(10)) / median(direct.slice(10));
    record(
      "proxy latency, listCustomers ($top=20), Kintone at 20 ms",
      `median ${median(via.slice(10)).toFixed(1)} ms through the proxy vs ${median(direct.slice(10)).toFixed(1)} ms direct (ratio ${ratio.toFixed(2)})`,
      "ratio ≤ 1.10",
      ratio <= 1.1,
    );
  }

  // (b) Throughput with no latency: requests per second through the proxy vs straight at the sandbox.
  {
    const sandbox = await createSandbox();
    const proxy = await startServe(root, probe, demoSpec, sandbox.url);
    const viaProxy = await cannon({
      url: `${proxy.url}/customers?$top=10`,
      headers: { authorization: `Bearer ${KEY}` },
    });
    const direct = await cannon({
      url: `${sandbox.url}/k/v1/records.json?app=1&query=${encodeURIComponent("order by $id desc limit 10")}`,
      headers: { "x-cybozu-authorization": Buffer.from("sandbox:sandbox").toString("base64") },
    });
    await proxy.stop();
    await sandbox.close();
    const errors = viaProxy.errors + viaProxy.non2xx;
    record(
      "proxy throughput, listCustomers ($top=10), 10 connections × 5 s, no latency",
      `${viaProxy.requests.average.toFixed(0)} req/s through the proxy vs ${direct.requests.average.toFixed(0)} req/s direct (ratio ${(viaProxy.requests.average / direct.requests.average).toFixed(2)}), ${errors} errors`,
      "reported (the proxy adds a hop and a conversion to every call)",
      errors === 0,
    );
  }

  // (c) Deep paging: Kintone calls made and the proxy's peak RSS, for 25,000 and 50,000 records.
  for (const total of [25_000, 50_000]) {
    const dir = join(work, `paging-${total}`);
    await pagingApp(dir);
    const spec = join(work, `paging-${total}.json`);
    await generateSpec(root, dir, spec);
    const sandbox = await createSandbox({ data: dir });
    const client = new KintoneRestAPIClient({
      baseUrl: sandbox.url,
      auth: { username: "sandbox", password: "sandbox" },
    });
    await client.record.addAllRecords({
      app: 1,
      records: Array.from({ length: total }, (_, i) => ({
        Title: { value: `Event ${i}` },
        Place: { value: `Hall ${i % 17}` },
        Seats: { value: i % 300 },
      })),
    });
    const proxy = await startServe(root, probe, spec, sandbox.url);
    await fetch(`${sandbox.url}/__sandbox/stats`, { method: "DELETE" });
    const seen = new Set();
    let path = "/events?$top=500";
    const start = process.hrtime.bigint();
    for (let guard = 0; path !== undefined && guard < 1000; guard++) {
      const page = await (
        await fetch(`${proxy.url}${path}`, { headers: { authorization: `Bearer ${KEY}` } })
      ).json();
      for (const r of page.value) seen.add(r.id);
      path = page.skipToken ? `/events?$top=500&$skiptoken=${page.skipToken}` : undefined;
    }
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    const { requests } = await (await fetch(`${sandbox.url}/__sandbox/stats`)).json();
    const rss = await proxy.stop();
    await sandbox.close();
    const ideal = Math.ceil(total / 500);
    record(
      `proxy paging, ${total.toLocaleString("en-US")} records, $top=500`,
      `${seen.size.toLocaleString("en-US")} records once each in ${ms.toFixed(0)} ms, ${requests} Kintone calls (ideal ${ideal}), proxy peak RSS ${rss.toFixed(0)} MB`,
      `every record once, ≤ ${ideal} + 1 calls, RSS < 200 MB`,
      seen.size === total && requests <= ideal + 1 && rss < 200,
    );
  }
}
