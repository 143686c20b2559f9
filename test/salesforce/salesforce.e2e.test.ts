import { readdir, readFile, rm, writeFile } from "node:fs/promises";
import { join, relative } from "node:path";
import { ComponentSet, MetadataConverter } from "@salesforce/source-deploy-retrieve";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseMetadataXml } from "../../src/salesforce/xml.js";
import type { JsonObject } from "../../src/validate/types.js";
import { runCli, tempDir } from "../helpers/cli.js";
import { checkFolder } from "./check-folder.js";

const ESR =
  "force-app/main/default/externalServiceRegistrations/Kintone.externalServiceRegistration-meta.xml";

async function readFolder(root: string): Promise<Map<string, string>> {
  const entries = await readdir(root, { withFileTypes: true, recursive: true });
  const files = new Map<string, string>();
  for (const entry of entries
    .filter((e) => e.isFile())
    .sort((a, b) => (a.parentPath + a.name).localeCompare(b.parentPath + b.name)))
    files.set(
      relative(root, join(entry.parentPath, entry.name)),
      await readFile(join(entry.parentPath, entry.name), "utf8"),
    );
  return files;
}

async function exists(path: string): Promise<boolean> {
  return readFile(path).then(
    () => true,
    (error: NodeJS.ErrnoException) => error.code === "EISDIR",
  );
}

function registrationOf(text: string): Record<string, unknown> {
  return parseMetadataXml(text).ExternalServiceRegistration as Record<string, unknown>;
}

describe("kintone-openapi salesforce on the demo spec, as a user runs it", () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let spec: JsonObject;
  const cli = (args: string[]) => runCli(args, { cwd: dir });

  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir());
    const generated = await cli(["generate", "--demo", "--proxy-url", "https://proxy.example.com/kintone"]);
    expect(generated.code).toBe(0);
    spec = JSON.parse(await readFile(join(dir, "kintone-openapi.json"), "utf8"));
  });
  afterAll(() => cleanup());

  it("writes a folder that Salesforce's source-deploy-retrieve converts, byte-identical on a second run", async () => {
    const first = await cli(["salesforce", "--spec", "kintone-openapi.json", "-o", "salesforce"]);
    expect(first.code).toBe(0);
    expect(first.stdout).toBe("");
    expect(first.stderr).toContain("Wrote salesforce: External Service Kintone (15 operations active)");
    expect(first.stderr).toContain("sf project deploy start --manifest manifest/package.xml");
    expect(first.stderr).toContain("Flows and Apex that use the service go in a later deploy");
    const files = await readFolder(join(dir, "salesforce"));
    expect([...files.keys()].sort()).toEqual([
      "force-app/main/default/externalCredentials/Kintone_Proxy.externalCredential-meta.xml",
      ESR,
      "force-app/main/default/namedCredentials/Kintone_Proxy.namedCredential-meta.xml",
      "force-app/main/default/permissionsets/Kintone_Proxy_Callout.permissionset-meta.xml",
      "manifest/package.xml",
      "sfdx-project.json",
    ]);
    expect(checkFolder(files)).toEqual([]);
    const esr = registrationOf(files.get(ESR) as string);
    expect(esr.schema).toBe(JSON.stringify(spec));
    expect(esr.systemVersion).toBeUndefined();

    const set = ComponentSet.fromSource(join(dir, "salesforce/force-app"));
    expect(
      set
        .getSourceComponents()
        .toArray()
        .map((c) => `${c.type.name}:${c.fullName}`)
        .sort(),
    ).toEqual([
      "ExternalCredential:Kintone_Proxy",
      "ExternalServiceRegistration:Kintone",
      "NamedCredential:Kintone_Proxy",
      "PermissionSet:Kintone_Proxy_Callout",
    ]);
    await new MetadataConverter().convert(set, "metadata", {
      type: "directory",
      outputDirectory: join(dir, "mdapi"),
      genUniqueDir: false,
    });
    const converted = await readFile(
      join(dir, "mdapi/externalServiceRegistrations/Kintone.externalServiceRegistration"),
      "utf8",
    );
    expect(JSON.parse(registrationOf(converted).schema as string)).toEqual(spec);

    const second = await cli(["salesforce", "--spec", "kintone-openapi.json", "-o", "salesforce"]);
    expect(second.code).toBe(0);
    expect(await readFolder(join(dir, "salesforce"))).toEqual(files);
  });

  it("keeps an existing sfdx-project.json and writes into its default package directory", async () => {
    await writeFile(
      join(dir, "sfdx-project.json"),
      JSON.stringify({
        packageDirectories: [{ path: "other" }, { path: "src", default: true }],
        sourceApiVersion: "58.0",
      }),
    );
    const result = await cli(["salesforce", "-o", ".", "--operations", "list,get"]);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain("Kept the existing sfdx-project.json");
    expect(JSON.parse(await readFile(join(dir, "sfdx-project.json"), "utf8")).sourceApiVersion).toBe("58.0");
    expect(result.stderr).toMatch(
      /sfdx-project\.json has sourceApiVersion 58\.0: the permission set needs 59\.0 or later/,
    );
    const esr = registrationOf(
      await readFile(
        join(
          dir,
          "src/main/default/externalServiceRegistrations/Kintone.externalServiceRegistration-meta.xml",
        ),
        "utf8",
      ),
    );
    expect((esr.operations as Array<{ name: string }>).map((op) => op.name)).toEqual([
      "listcustomers",
      "getcustomer",
      "listdeals",
      "getdeal",
      "listinquiries",
      "getinquiry",
    ]);
  });

  it("writes nothing when the spec breaks a Salesforce rule (exit 1, each problem listed)", async () => {
    const broken = structuredClone(spec) as { paths: Record<string, Record<string, unknown>> };
    const first = Object.values(broken.paths)[0] as Record<string, unknown>;
    first.head = { operationId: "headCustomers", responses: { "200": { description: "ok" } } };
    await writeFile(join(dir, "broken.json"), JSON.stringify(broken));
    const result = await cli(["salesforce", "--spec", "broken.json", "-o", "broken-out"]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/error: broken\.json breaks \d+ Salesforce rules?, so nothing was written/);
    expect(result.stderr).toMatch(/sf-http-methods/);
    expect(await exists(join(dir, "broken-out"))).toBe(false);
  });

  it.each([
    [
      ["--service-name", "2024 sales"],
      /--service-name takes ASCII letters, digits, spaces, underscores or hyphens, starting with a letter \(got "2024 sales"\)/,
    ],
    [
      ["--proxy-url", "https://elsewhere.example.com"],
      /--proxy-url https:\/\/elsewhere\.example\.com is not the spec's server https:\/\/proxy\.example\.com\/kintone/,
    ],
    [["--operations", "listWidgets"], /--operations names "listWidgets", which is no operation of the spec/],
    [["--header", "cookie"], /--header takes x-api-key or authorization \(got "cookie"\)/],
    [["--api-version", "58.0"], /--api-version takes a Salesforce API version from 59\.0/],
    [["--spec", "missing.json"], /--spec missing\.json does not exist/],
    [["--deactivate-first"], /--deactivate-first needs --previous/],
    [
      ["--previous", "sfdx-project.json"],
      /--previous sfdx-project\.json is not a spec or a retrieved registration: it holds no OpenAPI document\./,
    ],
    [["--previous", "nowhere.json"], /--previous nowhere\.json does not exist/],
  ])("refuses %j with exit 2 and writes nothing", async (args, message) => {
    const result = await cli(["salesforce", "-o", "refused", ...args]);
    expect(result.stderr).toMatch(message);
    expect(result.code).toBe(2);
    expect(await exists(join(dir, "refused"))).toBe(false);
  });

  it("takes the spec the config file's output names when --spec is not given", async () => {
    await writeFile(
      join(dir, "kintone-openapi.config.json"),
      JSON.stringify({ output: "specs/kintone.json" }),
    );
    try {
      const result = await cli(["salesforce", "-o", "refused"]);
      expect(result.stderr).toMatch(/--spec specs\/kintone\.json does not exist/);
      expect(result.code).toBe(2);
    } finally {
      await rm(join(dir, "kintone-openapi.config.json"));
    }
  });

  it("--help of salesforce and set-key: two or three examples, defaults one way, every variable read named", async () => {
    const source = await readFile(new URL("../../src/cli/commands/salesforce.ts", import.meta.url), "utf8");
    const helps = [await cli(["salesforce", "--help"]), await cli(["salesforce", "set-key", "--help"])];
    for (const { stdout, code } of helps) {
      expect(code).toBe(0);
      const examples = stdout.trimEnd().split("\nExamples:\n")[1]?.split("\n") ?? [];
      expect(examples.length).toBeGreaterThanOrEqual(2);
      expect(examples.length).toBeLessThanOrEqual(3);
      for (const example of examples) expect(example).toContain("kintone-openapi salesforce");
      expect(stdout.replace(/\s+/g, " ").match(/\(default[^:]/g)).toBeNull();
    }
    for (const [, name] of source.matchAll(/\benv\.([A-Z][A-Z0-9_]*)/g))
      expect(helps[1]?.stdout, name).toContain(name as string);
  });

  describe("--previous", () => {
    let registered: string;
    beforeAll(async () => {
      // The registered spec had one more operation (a breaking removal) and one more property of a record.
      const before = structuredClone(spec) as {
        paths: Record<string, Record<string, { operationId?: string }>>;
        components: { schemas: Record<string, { properties?: Record<string, unknown> }> };
      };
      const item = before.paths["/customers/{id}"] as Record<string, unknown>;
      item.put = { ...(item.patch as object), operationId: "replaceCustomer" };
      const create = before.components.schemas.DealCreate as { properties: Record<string, unknown> };
      create.properties.legacyCode = { type: "string", description: "gone" };
      registered = JSON.stringify(before);
      await writeFile(join(dir, "registered.json"), registered);
    });

    it("takes a spec with safe changes only, and keeps the systemVersion of a retrieved registration", async () => {
      const retrieved = (await readFile(join(dir, "salesforce", ESR), "utf8")).replace(
        "    <status>Complete</status>\n",
        "    <status>Complete</status>\n    <systemVersion>8</systemVersion>\n",
      );
      await writeFile(join(dir, "retrieved.xml"), retrieved);
      const result = await cli(["salesforce", "--previous", "retrieved.xml", "-o", "safe"]);
      expect(result.code).toBe(0);
      expect(result.stderr).toContain("No changes against retrieved.xml.");
      expect(registrationOf(await readFile(join(dir, "safe", ESR), "utf8")).systemVersion).toBe("8");
      // Registered operations no longer selected are listed inactive: the update deactivates them.
      const narrowed = await cli([
        "salesforce",
        "--previous",
        "retrieved.xml",
        "--operations",
        "list",
        "-o",
        "narrow",
      ]);
      expect(narrowed.code).toBe(0);
      const listed = registrationOf(await readFile(join(dir, "narrow", ESR), "utf8")).operations as Array<{
        name: string;
        active: string;
      }>;
      expect(listed).toHaveLength(15);
      expect(listed.filter((op) => op.active === "true").map((op) => op.name)).toEqual([
        "listcustomers",
        "listdeals",
        "listinquiries",
      ]);
    });

    it("refuses a breaking update (exit 1, each change listed), writing nothing", async () => {
      const result = await cli(["salesforce", "--previous", "registered.json", "-o", "update"]);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/✖ operation replaceCustomer .*removed/);
      expect(result.stderr).toMatch(/✖ property DealCreate\.legacyCode was removed/);
      expect(result.stderr).toMatch(
        /error: Salesforce refuses 2 breaking changes while the operations are active, so nothing was written: rerun with --deactivate-first/,
      );
      expect(await exists(join(dir, "update"))).toBe(false);
    });

    it("with --deactivate-first, writes the two deploys and says in which order", async () => {
      const result = await cli([
        "salesforce",
        "--previous",
        "registered.json",
        "--deactivate-first",
        "-o",
        "update",
      ]);
      expect(result.code).toBe(0);
      const order = result.stderr.slice(result.stderr.indexOf("Deploy in this order"));
      expect(order).toMatch(/1\. \(cd update\/1-deactivate && sf project deploy start/);
      expect(order).toMatch(/2\. \(cd update\/2-update && sf project deploy start/);
      expect(order.indexOf("1-deactivate")).toBeLessThan(order.indexOf("2-update"));

      const step1 = await readFolder(join(dir, "update/1-deactivate"));
      expect([...step1.keys()].sort()).toEqual([ESR, "manifest/package.xml", "sfdx-project.json"]);
      expect(checkFolder(step1)).toEqual([]);
      const esr1 = registrationOf(step1.get(ESR) as string);
      expect(esr1.schema).toBe(registered);
      const inactive = (esr1.operations as Array<{ name: string; active: string }>)
        .filter((op) => op.active === "false")
        .map((op) => op.name);
      expect(inactive.sort()).toEqual(["createdeal", "replacecustomer"]);

      const step2 = await readFolder(join(dir, "update/2-update"));
      expect(step2.size).toBe(6);
      expect(checkFolder(step2)).toEqual([]);
      const esr2 = registrationOf(step2.get(ESR) as string);
      expect(esr2.schema).toBe(JSON.stringify(spec));
      expect((esr2.operations as Array<{ active: string }>).every((op) => op.active === "true")).toBe(true);
      const set = ComponentSet.fromSource(join(dir, "update/1-deactivate/force-app"));
      expect(set.size).toBe(1);
    });
  });
});
