// Bulk write benchmark (issue #14), run by bench/run.js: 2,000 records created through the proxy's bulk-create
// operation: Kintone calls made (ideal: one bulkRequest), wall time, the proxy's peak RSS. Loopback only.
import { join } from "node:path";
import { generateSpec, KEY, startServe } from "./proxy.js";

const RECORDS = 2000;

/** The same records as Kintone takes them, in one bulkRequest of 20 calls: the reference without the proxy. */
function direct(records) {
  const code = {
    companyName: "Company_name",
    rank: "Rank",
    industry: "Industry",
    employees: "Employees",
    annualRevenue: "Annual_revenue",
    customerSince: "Customer_since",
    phone: "Phone",
    notes: "Notes",
  };
  const requests = [];
  for (let start = 0; start < records.length; start += 100) {
    requests.push({
      method: "POST",
      api: "/k/v1/records.json",
      payload: {
        app: 1,
        records: records
          .slice(start, start + 100)
          .map((r) =>
            Object.fromEntries(
              Object.entries(r).map(([k, v]) => [code[k], { value: typeof v === "number" ? String(v) : v }]),
            ),
          ),
      },
    });
  }
  return JSON.stringify({ requests });
}

/** 2,000 customers of the demo app, about 400 bytes each (a 0.8 MB body). */
function customers(run) {
  return Array.from({ length: RECORDS }, (_, i) => ({
    companyName: `Bench ${run}-${i}`,
    rank: "B",
    industry: "Manufacturing",
    employees: i,
    annualRevenue: 1000 + i,
    customerSince: "2024-01-31",
    phone: `+81-3-0000-${String(i).padStart(4, "0")}`,
    notes: `Imported by the bulk benchmark, run ${run}, record ${i}. `.repeat(4),
  }));
}

export async function run({ root, work, record, probe }) {
  const { createSandbox } = await import(join(root, "dist/sandbox/server.js"));
  const { SAMPLE_APPS_DIR } = await import(join(root, "dist/templates.js"));
  const spec = join(work, "bulk.json");
  await generateSpec(root, SAMPLE_APPS_DIR, spec, "list,get,create,update,delete,upsert,bulk");
  for (const latencyMs of [0, 50]) {
    const sandbox = await createSandbox({ latencyMs });
    const proxy = await startServe(root, probe, spec, sandbox.url);
    const times = [];
    const directTimes = [];
    let calls;
    let bytes = 0;
    let rss = 0;
    try {
      for (let run = 0; run < 5; run++) {
        const body = JSON.stringify({ records: customers(run) });
        bytes = Buffer.byteLength(body);
        await fetch(`${sandbox.url}/__sandbox/stats`, { method: "DELETE" });
        const start = process.hrtime.bigint();
        const response = await fetch(`${proxy.url}/customers/bulk/create`, {
          method: "POST",
          headers: { authorization: `Bearer ${KEY}`, "content-type": "application/json" },
          body,
        });
        const answer = await response.json();
        times.push(Number(process.hrtime.bigint() - start) / 1e6);
        if (response.status !== 200 || answer.records?.length !== RECORDS)
          throw new Error(`bulk create answered ${response.status}: ${JSON.stringify(answer).slice(0, 300)}`);
        const stats = await (await fetch(`${sandbox.url}/__sandbox/stats`)).json();
        calls = stats.byEndpoint;
        // The same records sent straight to the sandbox as one bulkRequest: what Kintone's side costs here.
        const reference = direct(customers(run + 100));
        const startDirect = process.hrtime.bigint();
        const plain = await fetch(`${sandbox.url}/k/v1/bulkRequest.json`, {
          method: "POST",
          headers: {
            "x-cybozu-authorization": Buffer.from("sandbox:sandbox").toString("base64"),
            "content-type": "application/json",
          },
          body: reference,
        });
        await plain.json();
        directTimes.push(Number(process.hrtime.bigint() - startDirect) / 1e6);
        if (plain.status !== 200) throw new Error(`the direct bulkRequest answered ${plain.status}`);
      }
    } finally {
      rss = await proxy.stop();
      await sandbox.close();
    }
    times.sort((a, b) => a - b);
    directTimes.sort((a, b) => a - b);
    const total = Object.values(calls).reduce((a, b) => a + b, 0);
    const bulk = calls["POST bulkRequest"] ?? 0;
    record(
      `bulk create of ${RECORDS.toLocaleString("en-US")} records through the proxy (${(bytes / 1e6).toFixed(1)} MB body), Kintone at ${latencyMs} ms`,
      `median ${times[2].toFixed(0)} ms (of 5: ${times.map((t) => t.toFixed(0)).join(", ")} ms), ${total} Kintone call(s) per request (${bulk} bulkRequest), proxy peak RSS ${rss.toFixed(0)} MB; the same records sent straight to the sandbox as one bulkRequest: median ${directTimes[2].toFixed(0)} ms`,
      "1 Kintone call (one bulkRequest)",
      total === 1 && bulk === 1,
    );
  }
}
