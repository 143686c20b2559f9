#!/usr/bin/env node
// Benchmarks of kintone-openapi (npm run bench). Figures, not assertions: targets are reported as met or not,
// and the numbers go into docs/benchmarks.md. Everything runs on this machine, over loopback only.
import { spawn } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { cpus, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { writeSyntheticSnapshot } from "./synthetic.js";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const BIN = join(ROOT, "bin/kintone-openapi.js");
const PROBE = join(ROOT, "bench/rss-probe.mjs");
const results = [];

function record(name, figures, target, met) {
  results.push({ name, figures, target, met });
  console.log(`${met ? "✔" : "✖"} ${name}: ${figures} (target: ${target})`);
}

/** Runs the built CLI; returns wall time (ms) and peak RSS (MB). */
function runCli(args, cwd, okCodes = [0]) {
  return runNode([BIN, ...args], cwd, okCodes);
}

/** Runs a Node script in a child process; returns wall time (ms) and peak RSS (MB). */
function runNode(args, cwd, okCodes = [0]) {
  return new Promise((resolve, reject) => {
    const start = process.hrtime.bigint();
    const child = spawn(process.execPath, ["--import", PROBE, ...args], {
      cwd,
      env: { ...process.env, NO_COLOR: "1", CI: "true" },
    });
    let stderr = "";
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
    });
    child.stdout.resume();
    child.on("error", reject);
    child.on("close", (code) => {
      const ms = Number(process.hrtime.bigint() - start) / 1e6;
      const rss = Number(/__PEAK_RSS_KB__=(\d+)/.exec(stderr)?.[1] ?? 0) / 1024;
      if (!okCodes.includes(code)) reject(new Error(`${args.join(" ")} exited ${code}:\n${stderr}`));
      else resolve({ ms, rss });
    });
  });
}

async function best(times, fn) {
  const runs = [];
  for (let i = 0; i < times; i++) runs.push(await fn());
  runs.sort((a, b) => a.ms - b.ms);
  return { ms: runs[Math.floor(runs.length / 2)].ms, rss: Math.max(...runs.map((r) => r.rss)) };
}

async function benchGenerate(work) {
  const small = join(work, "apps-20");
  const target = join(work, "apps-80");
  const large = join(work, "apps-200");
  await writeSyntheticSnapshot(small, 20, 100);
  await writeSyntheticSnapshot(target, 80, 100);
  // 80 apps of 100 fields make about 10 MB of spec: the largest Salesforce accepts (sf-document-size refuses
  // more, and so does generate). The size rule is re-graded to a warning so that the figure stays comparable when
  // the spec's shape moves it a little over or under the line.
  await writeFile(
    join(work, "kintone-openapi.config.json"),
    JSON.stringify({ validate: { rules: { "sf-document-size": "warning" } } }),
  );
  const out = join(work, "target.json");
  const a = await best(3, () => runCli(["generate", "--from", small, "-o", join(work, "small.json")], work));
  // The first of the three runs writes a new file; the other two replace it, reading its names first.
  const b = await best(3, () => runCli(["generate", "--from", target, "-o", out], work));
  const { size } = await import("node:fs").then((fs) => fs.promises.stat(out));
  record(
    "generate --from, 20 apps × 100 fields",
    `${a.ms.toFixed(0)} ms, peak RSS ${a.rss.toFixed(0)} MB`,
    "reference",
    true,
  );
  record(
    `generate --from, 80 apps × 100 fields (${(size / 1e6).toFixed(1)} MB spec)`,
    `${b.ms.toFixed(0)} ms, peak RSS ${b.rss.toFixed(0)} MB, ${(b.ms / a.ms).toFixed(2)}× the 20-app run`,
    "< 2,000 ms, < 250 MB",
    b.ms < 2000 && b.rss < 250,
  );
  // The metadata-fetch benchmark reads 200 apps.
  await writeSyntheticSnapshot(large, 200, 100);
  return { large, spec: out };
}

async function benchValidate(work, spec) {
  const { size } = await import("node:fs").then((fs) => fs.promises.stat(spec));
  // Interleaved runs, so that all three see the same machine conditions; medians of five.
  const runs = { ours: [], seriousme: [], readme: [] };
  for (let i = 0; i < 5; i++) {
    runs.ours.push(await runCli(["validate", spec, "--format", "json"], work, [0, 1]));
    runs.seriousme.push(await runNode([join(ROOT, "bench/validators/seriousme.mjs"), spec], work));
    runs.readme.push(await runNode([join(ROOT, "bench/validators/readme.mjs"), spec], work));
  }
  const median = (list) => {
    const sorted = [...list].sort((a, b) => a.ms - b.ms);
    return { ms: sorted[Math.floor(sorted.length / 2)].ms, rss: Math.max(...list.map((r) => r.rss)) };
  };
  const [ours, seriousme, readme] = [median(runs.ours), median(runs.seriousme), median(runs.readme)];
  const label = `validate, 80 apps × 100 fields (${(size / 1e6).toFixed(1)} MB JSON)`;
  const fastest = Math.min(seriousme.ms, readme.ms);
  const ratio = `${(ours.ms / seriousme.ms).toFixed(2)}× @seriousme, ${(ours.ms / readme.ms).toFixed(2)}× @readme`;
  record(
    label,
    `kintone-openapi validate ${ours.ms.toFixed(0)} ms / ${ours.rss.toFixed(0)} MB (schema + ${"Salesforce rules"}); @seriousme/openapi-schema-validator ${seriousme.ms.toFixed(0)} ms / ${seriousme.rss.toFixed(0)} MB (schema only); @readme/openapi-parser ${readme.ms.toFixed(0)} ms / ${readme.rss.toFixed(0)} MB; ${ratio}`,
    "no slower than the widely used validators",
    ours.ms <= fastest,
  );
}

async function benchFetch(large) {
  const { createSandbox } = await import(join(ROOT, "dist/sandbox/server.js"));
  const { LiveMetadataSource } = await import(join(ROOT, "dist/kintone/live-source.js"));
  const latency = 50;
  const concurrency = 8;
  const sandbox = await createSandbox({ data: large, latencyMs: latency });
  try {
    const ids = Array.from({ length: 200 }, (_, i) => String(i + 1));
    const source = new LiveMetadataSource({
      baseUrl: sandbox.url,
      auth: { kind: "password", username: "sandbox", password: "sandbox" },
      concurrency,
    });
    const start = process.hrtime.bigint();
    await source.readApps(ids);
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    const { requests, maxInFlight } = sandbox.stats();
    const ideal = Math.ceil(requests / concurrency) * latency;
    const budget = 2 * Math.ceil(200 / 100) + 200;
    record(
      `metadata fetch, 200 apps, --latency-ms ${latency}, concurrency ${concurrency}`,
      `${ms.toFixed(0)} ms, ${requests} requests (at most ${maxInFlight} in flight), ${(ms / ideal).toFixed(2)}× the ideal ${ideal} ms`,
      `≤ ${budget} requests, ≤ 1.5× ideal`,
      requests <= budget && ms <= 1.5 * ideal,
    );
  } finally {
    await sandbox.close();
  }
}

const work = await mkdtemp(join(tmpdir(), "kintone-openapi-bench-"));
try {
  console.log(`kintone-openapi benchmarks on Node ${process.version}, ${cpus().length} cores\n`);
  let large;
  // BENCH_ONLY=generate|proxy|bulk|files runs one group.
  if (!process.env.BENCH_ONLY || process.env.BENCH_ONLY === "generate") {
    const generated = await benchGenerate(work);
    large = generated.large;
    await benchFetch(large);
    await benchValidate(work, generated.spec);
  }
  if (!process.env.BENCH_ONLY || process.env.BENCH_ONLY === "proxy") {
    const proxy = await import(join(ROOT, "bench/proxy.js"));
    await proxy.run({ root: ROOT, work, record, probe: PROBE });
  }
  if (!process.env.BENCH_ONLY || process.env.BENCH_ONLY === "bulk") {
    const bulk = await import(join(ROOT, "bench/bulk.js"));
    await bulk.run({ root: ROOT, work, record, probe: PROBE });
  }
  if (!process.env.BENCH_ONLY || process.env.BENCH_ONLY === "files") {
    const files = await import(join(ROOT, "bench/files.js"));
    await files.run({ root: ROOT, work, record, probe: PROBE });
  }
  const extra = process.env.BENCH_EXTRA ? await import(join(ROOT, process.env.BENCH_EXTRA)) : undefined;
  if (extra?.run) await extra.run({ work, large, record, runCli });
} finally {
  await rm(work, { recursive: true, force: true });
}
await mkdir(join(ROOT, "bench/.out"), { recursive: true });
await writeFile(join(ROOT, "bench/.out/results.json"), `${JSON.stringify(results, null, 2)}\n`);
console.log("\n| benchmark | figures | target | met |\n|---|---|---|---|");
for (const r of results) console.log(`| ${r.name} | ${r.figures} | ${r.target} | ${r.met ? "yes" : "no"} |`);
