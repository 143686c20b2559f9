import { mkdir, mkdtemp, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { selfCommand } from "../../src/cli/invocation.js";

const base = await mkdtemp(join(tmpdir(), "kintone-openapi-invocation-"));
afterAll(() => rm(base, { recursive: true, force: true }));
const project = join(base, "project");
const local = join(project, "node_modules/kintone-openapi");
const global = join(base, "usr/lib/node_modules/kintone-openapi");
await mkdir(join(project, "src"), { recursive: true });
await mkdir(local, { recursive: true });
await mkdir(global, { recursive: true });

describe("the command the printed hints use", () => {
  it("pins the version when npx fetched the package for this run (a later unpinned npx could run another package)", async () => {
    const cached = join(base, "home/.npm/_npx/3f2a/node_modules/kintone-openapi");
    await mkdir(cached, { recursive: true });
    await writeFile(
      join(cached, "package.json"),
      JSON.stringify({ name: "kintone-openapi", version: "9.8.7" }),
    );
    expect(selfCommand({ npm_command: "exec" }, base, cached)).toBe("npx kintone-openapi@9.8.7");
  });

  it("is npx kintone-openapi when run through npx or an npm script", () => {
    expect(selfCommand({ npm_command: "exec" }, base, global)).toBe("npx kintone-openapi");
    expect(selfCommand({ npm_lifecycle_event: "spec" }, base, global)).toBe("npx kintone-openapi");
  });

  it("is npx kintone-openapi from a project that installed it, in any of its folders", () => {
    expect(selfCommand({}, project, local)).toBe("npx kintone-openapi");
    expect(selfCommand({}, join(project, "src"), local)).toBe("npx kintone-openapi");
  });

  it("is npx kintone-openapi inside the clone itself", () => {
    expect(selfCommand({}, join(local, "docs"), local)).toBe("npx kintone-openapi");
  });

  it("is kintone-openapi for a global install or npm link, used from elsewhere", async () => {
    expect(selfCommand({}, project, global)).toBe("kintone-openapi");
    const linked = join(base, "usr/lib/node_modules/linked");
    await symlink(project, linked);
    expect(selfCommand({}, base, linked)).toBe("kintone-openapi");
  });
});
