import { cp, mkdir, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SnapshotError } from "../../src/errors.js";
import { SnapshotMetadataSource } from "../../src/kintone/snapshot-source.js";
import { FIXTURES, tempDir } from "../helpers/cli.js";

describe("SnapshotMetadataSource", () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeEach(async () => {
    ({ dir, cleanup } = await tempDir());
    await cp(join(FIXTURES, "docs-sample"), join(dir, "snap"), { recursive: true });
  });
  afterEach(() => cleanup());

  const read = async (ids: string[] = []) => {
    try {
      await new SnapshotMetadataSource(join(dir, "snap")).readApps(ids);
    } catch (error) {
      return error as Error;
    }
    throw new Error("expected a failure");
  };

  it("reads apps and normalises the docs' string booleans", async () => {
    const [app] = await new SnapshotMetadataSource(join(dir, "snap")).readApps([]);
    expect(app?.app.name).toBe("案件管理");
    const status = app?.fields.properties.ステータス as { enabled: unknown };
    expect(status.enabled).toBe(true);
  });

  it("names a missing directory and says how to make one", async () => {
    const error = await (async () => {
      try {
        await new SnapshotMetadataSource(join(dir, "none")).readApps([]);
      } catch (e) {
        return e as Error;
      }
    })();
    expect(error).toBeInstanceOf(SnapshotError);
    expect(error?.message).toMatch(/none does not exist; create one with "kintone-openapi snapshot/);
  });

  it("names a missing file of an app directory", async () => {
    await rm(join(dir, "snap/1/form-fields.json"));
    expect((await read())?.message).toMatch(/1\/form-fields.json is missing/);
  });

  it("names the file, line and column of malformed JSON", async () => {
    await writeFile(join(dir, "snap/1/app.json"), '{\n  "appId": "1",\n  "name": \n}');
    const error = await read();
    expect(error).toBeInstanceOf(SnapshotError);
    expect(error?.message).toMatch(/1\/app.json is not valid JSON at line 4, column 1: expected a value/);
  });

  it("names a body of the wrong shape", async () => {
    await writeFile(join(dir, "snap/1/form-fields.json"), '{"fields": {}}');
    expect((await read())?.message).toMatch(
      /form-fields.json: expected an object with a "properties" object/,
    );
  });

  it("says which app is missing from the snapshot", async () => {
    expect((await read(["1", "7"]))?.message).toMatch(/app 7 is not in snapshot .* \(it holds 1\)/);
  });

  it("refuses a directory with no app directories", async () => {
    await rm(join(dir, "snap/1"), { recursive: true });
    await mkdir(join(dir, "snap/notes"));
    expect((await read())?.message).toMatch(/holds no app directories/);
  });
});
