import { afterEach, describe, expect, it } from "vitest";
import { buildDocument } from "../../src/generate/build-document.js";
import { SnapshotMetadataSource } from "../../src/kintone/snapshot-source.js";
import { readBaseSpec, SAMPLE_APPS_DIR } from "../../src/templates.js";
import { type Harness, startHarness } from "../helpers/proxy-harness.js";

/** Specs of opt-in operations alone (issue #14): serve takes them, and generate refuses files with nothing to attach by. */
describe("a spec of opt-in operations only", () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it("--operations status: serve finds the record schema in run-action's answer", async () => {
    h = await startHarness(SAMPLE_APPS_DIR, { operations: ["status"] });
    expect(Object.keys(h.spec.paths)).toEqual(["/deals/{id}/actions"]);
    const done = await h.call("POST", "/deals/1/actions", { body: { action: "Complete" } });
    expect([200, 400]).toContain(done.status);
    if (done.status === 200) expect(done.body.status).toBe("Completed");
    else expect(done.body.error.code).toBe("ActionNotAvailable");
  });

  it("--operations comments: serve needs no record schema", async () => {
    h = await startHarness(SAMPLE_APPS_DIR, { operations: ["comments"] });
    expect((await h.call("POST", "/customers/1/comments", { body: { text: "hello" } })).status).toBe(201);
    const page = await h.call("GET", "/customers/1/comments");
    expect(page.body.value[0].text).toBe("hello");
  });

  it("--operations files without create or update is refused: an uploaded file could not be attached", async () => {
    const apps = await new SnapshotMetadataSource(SAMPLE_APPS_DIR).readApps([]);
    expect(() =>
      buildDocument(apps, { proxyUrl: "http://localhost:8080", operations: ["list", "files"] }, base),
    ).toThrow("--operations files needs create or update as well");
  });
});

const base = await readBaseSpec();
