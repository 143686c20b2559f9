// Files benchmark (issue #14), run by bench/run.js: a 5 MB upload and download round trip through the proxy (time,
// and the proxy's peak RSS against a run that moves a 1 KB file, so the difference is what the 5 MB file costs).
// The file must not be held more than twice in the proxy's memory. Loopback only.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { join } from "node:path";

const KEY = "bench-key-0123456789";
const MB = 1024 * 1024;

async function generate(root, data, out) {
  await new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        join(root, "bin/kintone-openapi.js"),
        "generate",
        "--from",
        data,
        "--operations",
        "list,get,create,update,delete,files",
        "-o",
        out,
        "--quiet",
      ],
      { env: { ...process.env, CI: "true" } },
    );
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`generate exited ${code}`))));
  });
}

/** Starts `serve` with the RSS probe (and, when `live`, the live-memory probe); stop() → { rss, live } in MB. */
async function startServe(root, probe, spec, sandboxUrl, live) {
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
  const stop = () =>
    new Promise((resolve) => {
      child.removeAllListeners("exit");
      child.on("exit", () => resolve({ rss: figure("RSS"), live: figure("LIVE") }));
      child.kill("SIGTERM");
    });
  return { url, stop };
}

async function call(url, method, body) {
  const response = await fetch(url, {
    method,
    headers: { authorization: `Bearer ${KEY}`, ...(body ? { "content-type": "application/json" } : {}) },
    ...(body ? { body } : {}),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${url} → ${response.status}: ${text.slice(0, 300)}`);
  return JSON.parse(text);
}

/** Uploads, attaches and downloads `file` `runs` times through a fresh proxy: the times (ms) and its peak RSS (MB). */
async function roundTrips(root, probe, spec, sandboxUrl, file, runs, live = false) {
  const proxy = await startServe(root, probe, spec, sandboxUrl, live);
  const body = JSON.stringify({
    name: "bench.bin",
    contentType: "application/octet-stream",
    contentBase64: file.toString("base64"),
  });
  const times = { upload: [], download: [], total: [] };
  try {
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      const { fileKey } = await call(`${proxy.url}/deals/files`, "POST", body);
      const t1 = performance.now();
      await call(`${proxy.url}/deals/1`, "PATCH", JSON.stringify({ proposal: [{ fileKey }] }));
      const t2 = performance.now();
      const back = await call(`${proxy.url}/deals/1/files/proposal`, "GET");
      const t3 = performance.now();
      if (!Buffer.from(back.contentBase64, "base64").equals(file))
        throw new Error("the file came back changed");
      times.upload.push(t1 - t0);
      times.download.push(t3 - t2);
      times.total.push(t3 - t0);
    }
  } finally {
    Object.assign(times, await proxy.stop());
  }
  return times;
}

const median = (list) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)];

export async function run({ root, work, record, probe }) {
  const { createSandbox } = await import(join(root, "dist/sandbox/server.js"));
  const { SAMPLE_APPS_DIR } = await import(join(root, "dist/templates.js"));
  const spec = join(work, "files.json");
  await generate(root, SAMPLE_APPS_DIR, spec);
  const sandbox = await createSandbox();
  try {
    const small = await roundTrips(root, probe, spec, sandbox.url, randomBytes(1024), 5);
    const file = randomBytes(5 * MB);
    const big = await roundTrips(root, probe, spec, sandbox.url, file, 5);
    // Again with the live-memory probe (a full collection every 5 ms: slower, so its times are not reported).
    const smallLive = await roundTrips(root, probe, spec, sandbox.url, randomBytes(1024), 3, true);
    const bigLive = await roundTrips(root, probe, spec, sandbox.url, file, 3, true);
    const rss = big.rss - small.rss;
    const live = bigLive.live - smallLive.live;
    record(
      "files: 5 MB upload + attach + download round trip through the proxy",
      `median ${median(big.total).toFixed(0)} ms (upload ${median(big.upload).toFixed(0)} ms, download ${median(big.download).toFixed(0)} ms); the 5 MB file costs the proxy ${live.toFixed(1)} MB of live memory at its peak (${(live / 5).toFixed(2)}× the file; heap + Buffers after a full collection) and ${rss.toFixed(1)} MB of peak RSS (${big.rss.toFixed(0)} MB vs ${small.rss.toFixed(0)} MB moving 1 KB files; RSS also counts garbage not yet collected)`,
      "the file held at most twice (live ≤ 10 MB over the 1 KB run)",
      live <= 10,
    );
  } finally {
    await sandbox.close();
  }
}
