// Redocly CLI (@redocly/cli, a linter we did not write) with its `recommended` ruleset, as configured in
// redocly.yaml, on a freshly generated spec of the demo apps (`generate --demo`) and of every fixture app (the same
// output test/generate/golden.test.ts pins to test/fixtures/golden). Issue #11 §5: zero errors, and every warning
// accepted in redocly.yaml with its reason. redocly.yaml is the one place to change when the spec changes; the
// failure messages here say which line.
//
// Redocly runs in its own process with telemetry and the update check off (without them it resolves a host name
// on start), no proxy variables, and HOME in an empty temporary directory, which must stay empty.

import { spawn } from "node:child_process";
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { OPERATIONS } from "../../src/generate/build-document.js";
import { generateSpec } from "../../src/generate/generate.js";
import { SnapshotMetadataSource } from "../../src/kintone/snapshot-source.js";
import { readBaseSpec, SAMPLE_APPS_DIR } from "../../src/templates.js";
import { FIXTURES, ROOT, tempDir } from "../helpers/cli.js";
import { fixtureDirs } from "../helpers/proxy-harness.js";

const REDOCLY = createRequire(import.meta.url).resolve("@redocly/cli/bin/cli.js");
const CONFIG = join(ROOT, "redocly.yaml");

type Problem = {
  ruleId: string;
  severity: "error" | "warn";
  message: string;
  location: Array<{ pointer?: string; source?: { ref?: string } }>;
};
type Report = { totals: { errors: number; warnings: number }; problems: Problem[] };

/** `--format=json` prints one JSON document per file linted, one after the other. */
function parseReports(text: string): Report[] {
  const reports: Report[] = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === "\\") i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === "{") {
      if (depth++ === 0) start = i;
    } else if (c === "}" && --depth === 0) reports.push(JSON.parse(text.slice(start, i + 1)) as Report);
  }
  return reports;
}

function lint(
  files: readonly string[],
  home: string,
): Promise<{ code: number | null; reports: Report[]; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [REDOCLY, "lint", ...files, "--config", CONFIG, "--format=json", "--max-problems", "10000"],
      {
        cwd: ROOT,
        env: {
          PATH: process.env.PATH ?? "",
          HOME: home,
          NO_COLOR: "1",
          REDOCLY_TELEMETRY: "off",
          REDOCLY_SUPPRESS_UPDATE_NOTICE: "true",
        },
      },
    );
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString("utf8");
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString("utf8");
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, reports: parseReports(stdout), stderr }));
  });
}

const where = (p: Problem) =>
  `${p.location[0]?.source?.ref?.split("/").pop() ?? "?"}${p.location[0]?.pointer ?? ""}`;

/** Rules redocly.yaml accepts: those it sets to `warn` (a string or `{severity: warn}`). */
async function acceptedRules(): Promise<Set<string>> {
  const config = parse(await readFile(CONFIG, "utf8")) as {
    extends?: string[];
    rules?: Record<string, unknown>;
  };
  expect(config.extends).toEqual(["recommended"]);
  return new Set(
    Object.entries(config.rules ?? {})
      .filter(([, v]) => v === "warn" || (v as { severity?: string } | null)?.severity === "warn")
      .map(([rule]) => rule),
  );
}

const cases: Array<[string, string]> = [
  ["sample-apps", SAMPLE_APPS_DIR],
  ...(await fixtureDirs(FIXTURES)).map((name): [string, string] => [name, join(FIXTURES, name)]),
];

describe("redocly lint (recommended) of every generated spec", () => {
  let work: Awaited<ReturnType<typeof tempDir>>;
  let home: string;
  const files: string[] = [];

  beforeAll(async () => {
    work = await tempDir();
    home = join(work.dir, "home");
    await mkdir(home);
    for (const [name, dir] of cases) {
      const { text } = await generateSpec({
        source: new SnapshotMetadataSource(dir),
        appIds: [],
        build: { proxyUrl: "http://localhost:8080", operations: [...OPERATIONS] },
        base: await readBaseSpec(),
      });
      const file = join(work.dir, `${name}.json`);
      await writeFile(file, text);
      files.push(file);
    }
    // The opt-in upsert and bulk operations of every app (test/fixtures/golden/upsert-bulk).
    for (const [name, dir] of cases) {
      const { text } = await generateSpec({
        source: new SnapshotMetadataSource(dir),
        appIds: [],
        build: { proxyUrl: "http://localhost:8080", operations: [...OPERATIONS, "upsert", "bulk"] },
        base: await readBaseSpec(),
      });
      const file = join(work.dir, `${name}.upsert-bulk.json`);
      await writeFile(file, text);
      files.push(file);
    }
    // The specs with the files, status and comments operations (issue #14), as committed beside the golden specs.
    const optional = join(ROOT, "test/fixtures/golden/files-status-comments");
    for (const name of (await readdir(optional)).sort()) files.push(join(optional, name));
  });
  afterAll(() => work?.cleanup());

  it("reports no error, only warnings redocly.yaml accepts, and every accepted warning still fires", async () => {
    const { code, reports, stderr } = await lint(files, home);
    expect(reports.length, stderr).toBe(files.length);
    const problems = reports.flatMap((r) => r.problems);
    const errors = problems.filter((p) => p.severity === "error");
    expect(
      errors.map((p) => `${p.ruleId} at ${where(p)}: ${p.message}`),
      "errors: fix the generator (src/generate), never accept an error",
    ).toEqual([]);
    expect(code).toBe(0);

    const accepted = await acceptedRules();
    const unaccepted = [...new Set(problems.filter((p) => !accepted.has(p.ruleId)).map((p) => p.ruleId))];
    expect(
      unaccepted.map((rule) => {
        const first = problems.find((p) => p.ruleId === rule) as Problem;
        return `${rule} (e.g. ${where(first)}: ${first.message})`;
      }),
      "new warnings: fix the generator, or accept the rule in redocly.yaml (`<rule>: warn`) with the reason",
    ).toEqual([]);

    const fired = new Set(problems.map((p) => p.ruleId));
    expect(
      [...accepted].filter((rule) => !fired.has(rule)),
      "accepted in redocly.yaml but no longer reported: delete these lines so the rules count again",
    ).toEqual([]);
    expect(await readdir(home)).toEqual([]);
  });

  it("fails a spec that breaks the rules (so the check above can fail)", async () => {
    const spec = JSON.parse(await readFile(files[0] as string, "utf8"));
    const [first, second] = Object.values<Record<string, { operationId?: string }>>(spec.paths);
    const [op1] = Object.values(first ?? {});
    const [op2] = Object.values(second ?? {});
    (op2 as { operationId?: string }).operationId = op1?.operationId;
    spec.components.schemas.Broken = { $ref: "#/components/schemas/DoesNotExist" };
    const broken = join(work.dir, "broken.json");
    await writeFile(broken, JSON.stringify(spec));
    const { code, reports } = await lint([broken], home);
    const errors = reports.flatMap((r) => r.problems).filter((p) => p.severity === "error");
    expect(errors.map((p) => p.ruleId)).toEqual(
      expect.arrayContaining(["operation-operationId-unique", "no-unresolved-refs"]),
    );
    expect(code).toBe(1);
  });
});
