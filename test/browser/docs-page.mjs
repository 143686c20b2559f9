// Drives the proxy's /docs page in headless Chromium (Debian's chromium package) over the DevTools protocol (a pipe,
// no extra package): the page shows only Swagger UI's Authorize button until a key is given, authorizing with the
// proxy's key loads the operations, "Try it out" on listCustomers answers 200 with the key, a wrong key is refused,
// and a reload in the same tab uses the key again. Run by .ci/run when Chromium is installed; it uses the built dist/.
//   node test/browser/docs-page.mjs [--screenshot out.png]
import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../../", import.meta.url));
const { createSandbox } = await import(join(root, "dist/sandbox/server.js"));
const { createProxyServer } = await import(join(root, "dist/proxy/server.js"));
const spec = JSON.parse(await readFile(join(root, "test/fixtures/golden/sample-apps.json"), "utf8"));
const chromium = process.env.CHROMIUM ?? "/usr/bin/chromium";
const KEY = "docs-page-key-0123456789";

/** A Chromium driven through --remote-debugging-pipe: commands on fd 3, answers and events on fd 4, NUL-separated. */
async function launch(profile) {
  const child = spawn(
    chromium,
    [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
      "--disable-quic",
      "--window-size=1280,1600",
      `--user-data-dir=${profile}`,
      "--remote-debugging-pipe",
      "about:blank",
    ],
    { stdio: ["ignore", "ignore", "pipe", "pipe", "pipe"] },
  );
  let stderr = "";
  child.stderr.on("data", (chunk) => {
    stderr = (stderr + chunk).slice(-4000);
  });
  const writer = child.stdio[3];
  const reader = child.stdio[4];
  let nextId = 1;
  const pending = new Map();
  let buffer = "";
  reader.on("data", (chunk) => {
    buffer += chunk.toString("utf8");
    let end = buffer.indexOf("\0");
    while (end !== -1) {
      const message = JSON.parse(buffer.slice(0, end));
      buffer = buffer.slice(end + 1);
      end = buffer.indexOf("\0");
      const waiter = pending.get(message.id);
      if (waiter === undefined) continue;
      pending.delete(message.id);
      if (message.error) waiter.reject(new Error(`${waiter.method}: ${message.error.message}`));
      else waiter.resolve(message.result);
    }
  });
  const exited = new Promise((resolve) => child.once("exit", resolve));
  const send = (method, params = {}, sessionId) =>
    new Promise((resolve, reject) => {
      const id = nextId++;
      pending.set(id, { resolve, reject, method });
      writer.write(`${JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) })}\0`);
      setTimeout(() => {
        if (pending.delete(id)) reject(new Error(`${method}: no answer in 30 s\n${stderr}`));
      }, 30_000).unref();
    });
  const { targetInfos } = await send("Target.getTargets");
  const page = targetInfos.find((t) => t.type === "page");
  const { sessionId } = await send("Target.attachToTarget", { targetId: page.targetId, flatten: true });
  const call = (method, params) => send(method, params, sessionId);
  await call("Page.enable");
  await call("Runtime.enable");
  return {
    call,
    async evaluate(expression) {
      const { result, exceptionDetails } = await call("Runtime.evaluate", {
        expression,
        awaitPromise: true,
        returnByValue: true,
      });
      if (exceptionDetails) throw new Error(`${expression}: ${exceptionDetails.exception?.description ?? exceptionDetails.text}`);
      return result.value;
    },
    async close() {
      await send("Browser.close").catch(() => {});
      await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000))]);
      child.kill("SIGKILL");
    },
  };
}

const sandbox = await createSandbox();
const proxy = await createProxyServer({
  spec,
  kintone: { baseUrl: sandbox.url, auth: { kind: "password", username: "sandbox", password: "sandbox" } },
  apiKeys: [KEY],
  port: 0,
});
const profile = await mkdtemp(join(tmpdir(), "kintone-openapi-chromium-"));
const browser = await launch(profile);
let passed = 0;
let failures = 0;
function check(ok, what) {
  if (ok) passed++;
  else failures++;
  console.log(`${ok ? "ok" : "not ok"} - ${what}`);
}

/** Polls `expression` in the page until it is truthy; returns its value (false after `ms`). */
async function waitFor(expression, ms = 15_000) {
  const until = Date.now() + ms;
  for (;;) {
    const value = await browser.evaluate(`(() => { const v = (${expression}); return v instanceof Node ? true : v; })()`).catch(() => false);
    if (value) return value;
    if (Date.now() > until) return false;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Gives `text` to the Authorize dialog's input of the scheme `title` ("ApiKey" or "Bearer") and closes it. */
async function authorize(title, text) {
  await browser.evaluate(`document.querySelector(".auth-wrapper .authorize").click()`);
  const opened = await waitFor(`document.querySelectorAll(".auth-container").length >= 2`);
  if (!opened) return false;
  const focused = await browser.evaluate(`(() => {
    const box = [...document.querySelectorAll(".auth-container")].find((c) => c.querySelector("h4")?.textContent.includes(${JSON.stringify(title)}));
    const input = box?.querySelector("input");
    input?.focus();
    return input !== undefined && input !== null;
  })()`);
  if (!focused) return false;
  await browser.call("Input.insertText", { text });
  await browser.evaluate(`(() => {
    const box = [...document.querySelectorAll(".auth-container")].find((c) => c.querySelector("h4")?.textContent.includes(${JSON.stringify(title)}));
    box.querySelector("button.authorize").click();
  })()`);
  await waitFor(`document.querySelector(".auth-container .btn-done, .modal-ux .close-modal")`);
  await browser.evaluate(`document.querySelector(".modal-ux .close-modal")?.click()`);
  return waitFor(`document.querySelectorAll(".auth-container").length === 0`);
}

/** Opens listCustomers, presses Try it out and Execute; returns the status shown and the curl line. */
async function tryListCustomers() {
  const op = "#operations-Customers-listCustomers";
  // Deep linking may have opened it already (the address keeps the last operation opened).
  await browser.evaluate(`(() => {
    const control = document.querySelector("${op} .opblock-summary-control");
    if (control.getAttribute("aria-expanded") !== "true") control.click();
  })()`);
  const opened = await waitFor(`document.querySelector("${op} .try-out__btn")`);
  if (!opened) return { opened, status: undefined, curl: "" };
  await browser.evaluate(`document.querySelector("${op} .try-out__btn").click()`);
  if (!(await waitFor(`document.querySelector("${op} .execute")`))) return { opened, status: undefined, curl: "" };
  await browser.evaluate(`document.querySelector("${op} .execute").click()`);
  const status = await waitFor(
    `document.querySelector("${op} .live-responses-table tr.response .response-col_status")?.textContent.trim()`,
  );
  const curl = await browser.evaluate(`document.querySelector("${op} .curl-command")?.textContent ?? ""`);
  return { opened, status, curl };
}

try {
  await browser.call("Page.navigate", { url: `${proxy.url}/docs` });
  check(await waitFor(`document.querySelector(".auth-wrapper .authorize")`), "the page shows Swagger UI's Authorize button");
  check(
    !(await browser.evaluate(`document.body.innerText.includes("listCustomers")`)) &&
      (await browser.evaluate(`document.body.innerText.includes("Click Authorize")`)),
    "without a key it shows no operation and says to click Authorize",
  );

  check(await authorize("ApiKey", "not-the-key-0123456789"), "a wrong key can be given in the Authorize dialog");
  check(
    await waitFor(`document.getElementById("error").textContent.includes("refused")`),
    "a wrong key is refused with a message, and no operation is shown",
  );

  check(await authorize("ApiKey", KEY), "the proxy's key can be given in the Authorize dialog (X-API-Key)");
  check(await waitFor(`document.body.innerText.includes("listCustomers")`), "authorizing loads the served spec");
  const dom = await browser.evaluate("document.body.innerText");
  for (const text of ["createDeal", "getInquiry", "updateCustomer", "deleteDeal", "/customers/{id}", "Kintone records"])
    check(dom.includes(text), `the docs page shows ${text}`);
  check(
    await browser.evaluate(`document.getElementById("error").hidden`),
    "the refusal message is gone once a good key is given",
  );

  // Try it out: listCustomers, executed from the page, answers 200 (the proxy answers 401 without the key).
  const withKey = await tryListCustomers();
  check(withKey.opened, "listCustomers opens and offers Try it out");
  check(withKey.status === "200", `Try it out on listCustomers answers 200 (got ${withKey.status})`);
  check(withKey.curl.includes("X-API-Key"), "the call carried the key as X-API-Key");

  // The same tab, reloaded: the key given before is used again.
  await browser.call("Page.reload");
  check(
    await waitFor(`document.body.innerText.includes("listCustomers") && document.querySelector(".auth-wrapper .authorize.locked")`),
    "a reload in the same tab loads the spec with the key given before, shown as authorized",
  );

  // A new session authorized the other way: Try it out then sends Authorization: Bearer, which the proxy takes too.
  await browser.evaluate("sessionStorage.clear()");
  await browser.call("Page.reload");
  await waitFor(`document.querySelector(".auth-wrapper .authorize")`);
  check(await authorize("Bearer", KEY), "the proxy's key can be given in the Authorize dialog as a bearer token");
  check(await waitFor(`document.body.innerText.includes("listCustomers")`), "which loads the spec too");
  const withBearer = await tryListCustomers();
  check(
    withBearer.status === "200" && withBearer.curl.includes("Authorization: Bearer"),
    `Try it out with the bearer token answers 200 (got ${withBearer.status})`,
  );

  // Found by an outside attack: a reload kept a bearer session but sent the key as X-API-Key, and Logout did not
  // forget the key (a reload authorized again).
  await browser.call("Page.reload");
  await waitFor(`document.body.innerText.includes("listCustomers")`);
  const reloaded = await tryListCustomers();
  check(
    reloaded.status === "200" && reloaded.curl.includes("Authorization: Bearer"),
    "after a reload the bearer session still sends Authorization: Bearer",
  );
  await browser.evaluate(`document.querySelector(".auth-wrapper .authorize").click()`);
  await waitFor(`document.querySelectorAll(".auth-container").length >= 2`);
  await browser.evaluate(
    `[...document.querySelectorAll(".auth-container button")].filter((b) => b.textContent.trim() === "Logout").forEach((b) => b.click())`,
  );
  await browser.evaluate(`document.querySelector(".modal-ux .close-modal")?.click()`);
  await browser.call("Page.reload");
  await waitFor(`document.querySelector(".auth-wrapper .authorize")`);
  await new Promise((resolve) => setTimeout(resolve, 1500));
  check(
    !(await browser.evaluate(`document.body.innerText.includes("listCustomers")`)),
    "after Logout a reload shows no operation (the key is forgotten)",
  );
} catch (error) {
  failures++;
  console.log(`not ok - ${error.message}`);
} finally {
  const shot = process.argv.indexOf("--screenshot");
  if (shot !== -1) {
    const { data } = await browser.call("Page.captureScreenshot", { format: "png" });
    await writeFile(process.argv[shot + 1], Buffer.from(data, "base64"));
    console.log(`screenshot: ${process.argv[shot + 1]}`);
  }
  await browser.close();
  await proxy.close();
  await sandbox.close();
  await rm(profile, { recursive: true, force: true });
}
console.log(`${passed} passed, ${failures} failed`);
process.exitCode = failures > 0 ? 1 : 0;
