// Proxy benchmarks (issue #5), run by bench/run.js: latency and throughput against direct Kintone (sandbox) calls,
// and deep paging (Kintone calls made, proxy peak RSS). Loopback only; every loop is bounded.
import { spawn } from "node:child_process";
import http from "node:http";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";
import { writeApp } from "./synthetic.js";

export const KEY = "bench-key-0123456789";

/** Starts the reference pass-through (bench/passthrough.js) as a child process, like the proxy: { url, close }. */
async function startPassThroughProcess(kintoneUrl) {
  const child = spawn(
    process.execPath,
    [fileURLToPath(new URL("./passthrough.js", import.meta.url)), kintoneUrl],
    {
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  const url = await new Promise((resolve, reject) => {
    child.stdout.once("data", (c) => resolve(String(c).trim()));
    child.on("exit", (code) => reject(new Error(`pass-through exited ${code}`)));
  });
  return {
    url,
    close: () =>
      new Promise((resolve) => {
        child.removeAllListeners("exit");
        child.on("exit", resolve);
        child.kill("SIGTERM");
      }),
  };
}

/**
 * Starts `kintone-openapi serve` as a child process with the RSS probe (and, with `live`, the live-memory probe);
 * resolves its URL and a stop() → peak RSS in MB (stopWithFigures() → { rss, live } in MB).
 */
export async function startServe(root, probe, spec, sandboxUrl, live = false) {
  const probes = ["--import", probe, ...(live ? ["--import", join(root, "bench/live-probe.mjs")] : [])];
  const child = spawn(
    process.execPath,
    [
      ...probes,
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
  const figure = (name) => Number(new RegExp(`__PEAK_${name}_KB__=(\\d+)`).exec(stderr)?.[1] ?? 0) / 1024;
  const stopWithFigures = () =>
    new Promise((resolve) => {
      child.removeAllListeners("exit");
      child.on("exit", () => resolve({ rss: figure("RSS"), live: figure("LIVE") }));
      child.kill("SIGTERM");
    });
  return { url, stop: async () => (await stopWithFigures()).rss, stopWithFigures };
}

/** Generates a spec from a snapshot with the built CLI (the default operations unless `operations` is given). */
export async function generateSpec(root, data, out, operations) {
  await new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        join(root, "bin/kintone-openapi.js"),
        "generate",
        "--from",
        data,
        ...(operations !== undefined ? ["--operations", operations] : []),
        "-o",
        out,
        "--quiet",
      ],
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

/** Mean and median latency (ms) of `n` sequential GETs over one keep-alive connection, after a warm-up. */
async function sequential(url, headers, n) {
  return (await interleaved([[url, headers]], n, Math.min(200, n)))[0];
}

/** Means of `n` sequential GETs to each of several URLs, one to each in turn (each over its own keep-alive connection). */
async function interleaved(targets, n, warmup = 20) {
  const agents = targets.map(() => new http.Agent({ keepAlive: true, maxSockets: 1 }));
  const get = ([url, headers], agent) =>
    new Promise((resolve, reject) => {
      http
        .get(url, { agent, headers }, (res) => {
          res.resume();
          res.on("end", () =>
            res.statusCode === 200 ? resolve() : reject(new Error(`${url} → ${res.statusCode}`)),
          );
        })
        .on("error", reject);
    });
  const times = targets.map(() => []);
  for (let i = 0; i < n + warmup; i++) {
    for (const [k, target] of targets.entries()) {
      const ms = await timed(() => get(target, agents[k]));
      if (i >= warmup) times[k].push(ms);
    }
  }
  for (const agent of agents) agent.destroy();
  return times.map((list) => ({ mean: list.reduce((x, y) => x + y, 0) / list.length, median: median(list) }));
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

  // (a) Latency with a 20 ms Kintone: the proxy's mean over the direct call's mean, same client for both.
  {
    const sandbox = await createSandbox({ latencyMs: 20 });
    const proxy = await startServe(root, probe, demoSpec, sandbox.url);
    // Interleaved, one call each way in turn, so that the machine's drift weighs on all alike; the pass-through
    // shows what any second process in the path costs on this machine.
    const pass = await startPassThroughProcess(sandbox.url);
    const [direct, via, passed] = await interleaved(
      [
        [
          `${sandbox.url}/k/v1/records.json?app=1&query=${encodeURIComponent("order by $id desc limit 20")}`,
          { "x-cybozu-authorization": Buffer.from("sandbox:sandbox").toString("base64") },
        ],
        [`${proxy.url}/customers?$top=20`, { authorization: `Bearer ${KEY}` }],
        [`${pass.url}/customers?$top=20`, {}],
      ],
      200,
    );
    await pass.close();
    await proxy.stop();
    await sandbox.close();
    const ratio = via.mean / direct.mean;
    record(
      "proxy latency, listCustomers ($top=20), Kintone at 20 ms",
      `mean ${via.mean.toFixed(2)} ms through the proxy vs ${direct.mean.toFixed(2)} ms direct (ratio ${ratio.toFixed(3)}); the minimal pass-through ${passed.mean.toFixed(2)} ms (ratio ${(passed.mean / direct.mean).toFixed(3)})`,
      "ratio ≤ 1.05",
      ratio <= 1.05,
    );
  }

  // (b) Throughput and added latency with no Kintone latency, side by side with a minimal transforming
  // pass-through (bench/passthrough.js) in front of the same sandbox: the proxy's own cost over the least any proxy does.
  {
    const sandbox = await createSandbox();
    const proxy = await startServe(root, probe, demoSpec, sandbox.url);
    const pass = await startPassThroughProcess(sandbox.url);
    const auth = { authorization: `Bearer ${KEY}` };
    const directUrl = `${sandbox.url}/k/v1/records.json?app=1&query=${encodeURIComponent("order by $id desc limit 10")}`;
    const directHeaders = { "x-cybozu-authorization": Buffer.from("sandbox:sandbox").toString("base64") };
    // Warm up each path, then measure: 10 connections for throughput, 1 connection for latency. This machine's speed
    // drifts by tens of percent from second to second, so the two are measured in 10 interleaved slices of 1.5 s
    // (alternating which goes first) and the requests summed: a drift then weighs on both alike.
    for (const url of [`${proxy.url}/customers?$top=10`, `${pass.url}/customers?$top=10`])
      await cannon({ url, headers: auth, duration: 2 });
    const sums = { proxy: 0, pass: 0, seconds: 0, errors: 0 };
    for (let slice = 0; slice < 10; slice++) {
      const order = slice % 2 === 0 ? ["proxy", "pass"] : ["pass", "proxy"];
      for (const which of order) {
        const result = await cannon({
          url: `${which === "proxy" ? proxy.url : pass.url}/customers?$top=10`,
          headers: auth,
          duration: 1.5,
        });
        sums[which] += result.requests.total;
        if (which === "proxy") {
          sums.seconds += result.duration;
          sums.errors += result.errors + result.non2xx;
        }
      }
    }
    const viaProxy = sums.proxy / sums.seconds;
    const viaPass = sums.pass / sums.seconds;
    const direct = await cannon({ url: directUrl, headers: directHeaders });
    const latProxy = await sequential(`${proxy.url}/customers?$top=10`, auth, 2000);
    const latPass = await sequential(`${pass.url}/customers?$top=10`, {}, 2000);
    const latDirect = await sequential(directUrl, directHeaders, 2000);
    await proxy.stop();
    await pass.close();
    await sandbox.close();
    const errors = sums.errors;
    const ratio = viaProxy / viaPass;
    record(
      "proxy throughput, listCustomers ($top=10), 10 connections, 10 interleaved slices of 1.5 s, no latency",
      `${viaProxy.toFixed(0)} req/s through the proxy vs ${viaPass.toFixed(0)} req/s through the minimal pass-through (ratio ${ratio.toFixed(2)}) and ${direct.requests.average.toFixed(0)} req/s direct; ${errors} errors`,
      "≥ 0.8× the pass-through",
      errors === 0 && ratio >= 0.8,
    );
    const addedProxy = latProxy.mean - latDirect.mean;
    const addedPass = latPass.mean - latDirect.mean;
    record(
      "proxy added latency, listCustomers ($top=10), 2,000 sequential calls, no latency",
      `${addedProxy.toFixed(2)} ms added by the proxy vs ${addedPass.toFixed(2)} ms by the pass-through (${(addedProxy / addedPass).toFixed(2)}×); means ${latProxy.mean.toFixed(2)} / ${latPass.mean.toFixed(2)} / ${latDirect.mean.toFixed(2)} ms`,
      "≤ 2× the pass-through's",
      addedProxy <= 2 * addedPass,
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
