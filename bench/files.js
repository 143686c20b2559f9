// Files benchmark (issue #14), run by bench/run.js: a 5 MB upload and download round trip through the proxy (time,
// and the proxy's peak RSS against a run that moves a 1 KB file, so the difference is what the 5 MB file costs).
// The file must not be held more than twice in the proxy's memory. Loopback only.
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { generateSpec, KEY, startServe } from "./proxy.js";

const MB = 1024 * 1024;

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
    Object.assign(times, await proxy.stopWithFigures());
  }
  return times;
}

const median = (list) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)];

export async function run({ root, work, record, probe }) {
  const { createSandbox } = await import(join(root, "dist/sandbox/server.js"));
  const { SAMPLE_APPS_DIR } = await import(join(root, "dist/templates.js"));
  const spec = join(work, "files.json");
  await generateSpec(root, SAMPLE_APPS_DIR, spec, "list,get,create,update,delete,files");
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
