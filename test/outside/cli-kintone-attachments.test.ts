// The official cli-kintone (@kintone/cli, a tool we did not write) imports a CSV whose FILE column names files of an
// attachments directory into the sandbox (issue #14): it uploads each file (POST file.json, multipart) and writes the
// record with the temporary keys, which the sandbox turns into stored files. Exporting with --attachments-dir then
// downloads them again (GET file.json), byte for byte. Run as cli-kintone.test.ts runs it: its own process, a fresh
// HOME, credentials in KINTONE_* variables, the sandbox at http://localhost:PORT.

import { spawn } from "node:child_process";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { join } from "node:path";
import { KintoneRestAPIClient } from "@kintone/rest-api-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSandbox, type Sandbox } from "../../src/sandbox/server.js";
import { SAMPLE_APPS_DIR } from "../../src/templates.js";
import { tempDir } from "../helpers/cli.js";
import { writeCsv } from "../helpers/csv.js";

const CLI_KINTONE = createRequire(import.meta.url).resolve("@kintone/cli/cli.js");
type Run = { code: number | null; stdout: string; stderr: string };

function cliKintone(args: readonly string[], env: Record<string, string>): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI_KINTONE, ...args], {
      env: { PATH: process.env.PATH ?? "", NO_COLOR: "1", LANG: "C.UTF-8", ...env },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString("utf8");
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString("utf8");
    });
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
    child.stdin.end();
  });
}

describe("cli-kintone record import with an attachments directory, against the sandbox (demo app 2, Deals)", () => {
  let sandbox: Sandbox;
  let work: Awaited<ReturnType<typeof tempDir>>;
  let env: Record<string, string>;
  beforeAll(async () => {
    work = await tempDir();
    sandbox = await createSandbox({ data: SAMPLE_APPS_DIR });
    await mkdir(join(work.dir, "home"));
    env = { HOME: join(work.dir, "home"), KINTONE_USERNAME: "sandbox", KINTONE_PASSWORD: "sandbox" };
  });
  afterAll(async () => {
    await sandbox?.close();
    await work?.cleanup();
  });

  it("uploads the files the CSV names, stores them in the records, and exports them back byte for byte", {
    timeout: 120_000,
  }, async () => {
    const attachments = join(work.dir, "attachments");
    await mkdir(join(attachments, "deal-a"), { recursive: true });
    const pdf = Buffer.concat([Buffer.from("%PDF-1.4\n"), Buffer.alloc(70_000, 0xe9)]);
    const notes = Buffer.from("Notes for 契約 B\n");
    await writeFile(join(attachments, "deal-a", "offer.pdf"), pdf);
    await writeFile(join(attachments, "notes.txt"), notes);
    const csv = join(work.dir, "deals.csv");
    await writeFile(
      csv,
      writeCsv([
        ["Deal_name", "Customer", "Stage", "Proposal"],
        ["Attachment deal A", "Acme Robotics", "Prospecting", "deal-a/offer.pdf"],
        ["Attachment deal B", "Acme Robotics", "Prospecting", "deal-a/offer.pdf\nnotes.txt"],
      ]),
    );
    const before = sandbox.stats().byEndpoint["POST file"] ?? 0;
    const imported = await cliKintone(
      [
        "record",
        "import",
        "--app",
        "2",
        "--file-path",
        csv,
        "--attachments-dir",
        attachments,
        "--base-url",
        sandbox.url,
      ],
      env,
    );
    expect(imported.code, `${imported.stderr}\n${imported.stdout}`).toBe(0);
    expect((sandbox.stats().byEndpoint["POST file"] ?? 0) - before).toBe(3);

    const client = new KintoneRestAPIClient({
      baseUrl: sandbox.url,
      auth: { username: "sandbox", password: "sandbox" },
    });
    const { records } = await client.record.getRecords({ app: 2, query: 'Deal_name like "Attachment deal"' });
    const byName = new Map(records.map((r) => [r.Deal_name?.value as string, r]));
    const files = (name: string) => byName.get(name)?.Proposal?.value as Array<Record<string, string>>;
    expect(files("Attachment deal A")).toEqual([
      {
        fileKey: expect.any(String),
        name: "offer.pdf",
        contentType: expect.any(String),
        size: String(pdf.length),
      },
    ]);
    expect(files("Attachment deal B").map((f) => [f.name, f.size])).toEqual([
      ["offer.pdf", String(pdf.length)],
      ["notes.txt", String(notes.length)],
    ]);
    // Each record holds its own stored copy.
    expect(files("Attachment deal A")[0]?.fileKey).not.toBe(files("Attachment deal B")[0]?.fileKey);

    const out = join(work.dir, "exported");
    const exported = await cliKintone(
      [
        "record",
        "export",
        "--app",
        "2",
        "--condition",
        'Deal_name like "Attachment deal"',
        "--attachments-dir",
        out,
        "--base-url",
        sandbox.url,
      ],
      env,
    );
    expect(exported.code, exported.stderr).toBe(0);
    const idB = byName.get("Attachment deal B")?.$id?.value as string;
    expect((await readFile(join(out, `Proposal-${idB}`, "offer.pdf"))).equals(pdf)).toBe(true);
    expect((await readFile(join(out, `Proposal-${idB}`, "notes.txt"))).equals(notes)).toBe(true);
  });
});
