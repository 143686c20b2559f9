// Loads the proxy's /docs page in headless Chromium (Debian's chromium package) and checks that it shows the
// operations of the served spec. Run by .ci/run when Chromium is installed; it uses the built dist/.
//   node test/browser/docs-page.mjs [--screenshot out.png]
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../", import.meta.url));
const { createSandbox } = await import(join(root, "dist/sandbox/server.js"));
const { createProxyServer } = await import(join(root, "dist/proxy/server.js"));
const spec = JSON.parse(await readFile(join(root, "test/fixtures/golden/sample-apps.json"), "utf8"));
const chromium = process.env.CHROMIUM ?? "/usr/bin/chromium";

function run(args) {
  return new Promise((resolve, reject) => {
    execFile(chromium, args, { maxBuffer: 64 * 1024 * 1024, timeout: 60_000 }, (error, stdout, stderr) => (error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(stdout)));
  });
}

const sandbox = await createSandbox();
const proxy = await createProxyServer({ spec, kintone: { baseUrl: sandbox.url, auth: { kind: "password", username: "sandbox", password: "sandbox" } }, apiKeys: [], port: 0 });
const profile = await mkdtemp(join(tmpdir(), "kintone-openapi-chromium-"));
const flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic", `--user-data-dir=${profile}`, "--virtual-time-budget=8000"];
let failures = 0;
try {
  const dom = await run([...flags, "--dump-dom", `${proxy.url}/docs`]);
  const expected = ["listCustomers", "createDeal", "getInquiry", "updateCustomer", "deleteDeal", "/customers/{id}", "Kintone records"];
  for (const text of expected) {
    if (dom.includes(text)) console.log(`ok - the docs page shows ${text}`);
    else {
      failures++;
      console.log(`not ok - the docs page does not show ${text}`);
    }
  }
  const shot = process.argv.indexOf("--screenshot");
  if (shot !== -1) {
    await run([...flags, "--window-size=1280,1600", `--screenshot=${process.argv[shot + 1]}`, `${proxy.url}/docs`]);
    console.log(`screenshot: ${process.argv[shot + 1]}`);
  }
} finally {
  await proxy.close();
  await sandbox.close();
  await rm(profile, { recursive: true, force: true });
}
console.log(`${7 - failures} passed, ${failures} failed`);
process.exitCode = failures > 0 ? 1 : 0;
