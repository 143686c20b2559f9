import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { ComponentSet, MetadataConverter } from "@salesforce/source-deploy-retrieve";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  buildSalesforceFolder,
  checkApiVersion,
  type FolderInput,
  resolveProxyUrl,
} from "../../src/salesforce/build-folder.js";
import { deriveNames } from "../../src/salesforce/names.js";
import { selectOperations, specOperations } from "../../src/salesforce/operations.js";
import { parseMetadataXml } from "../../src/salesforce/xml.js";
import type { JsonObject } from "../../src/validate/types.js";
import { tempDir } from "../helpers/cli.js";

const GOLDEN = new URL("../fixtures/golden/sample-apps.json", import.meta.url);

async function demoSpec(): Promise<JsonObject> {
  const spec = JSON.parse(await readFile(GOLDEN, "utf8")) as JsonObject;
  // A spec for a proxy on the internet, with a path and characters that need escaping in XML.
  return {
    ...spec,
    servers: [{ url: "https://proxy.example.com/kintone", description: "the proxy" }],
    info: { ...(spec.info as JsonObject), title: `Kintone <records> & "deals" it's` },
  };
}

function inputFor(spec: JsonObject, overrides: Partial<FolderInput> = {}): FolderInput {
  return {
    spec,
    names: deriveNames("Kintone"),
    proxyUrl: resolveProxyUrl(spec, undefined),
    header: "x-api-key",
    operations: specOperations(spec).map((op) => ({ name: op.name, active: true })),
    apiVersion: "62.0",
    packageDirectory: "force-app",
    withProject: true,
    ...overrides,
  };
}

async function writeFolder(root: string, files: Map<string, string>): Promise<void> {
  for (const [path, text] of files) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), text);
  }
}

describe("buildSalesforceFolder", () => {
  let spec: JsonObject;
  beforeAll(async () => {
    spec = await demoSpec();
  });

  it("writes the four components, the manifest and sfdx-project.json, the same bytes on every run", () => {
    const files = buildSalesforceFolder(inputFor(spec));
    expect([...files.keys()]).toEqual([
      "force-app/main/default/externalCredentials/Kintone_Proxy.externalCredential-meta.xml",
      "force-app/main/default/externalServiceRegistrations/Kintone.externalServiceRegistration-meta.xml",
      "force-app/main/default/namedCredentials/Kintone_Proxy.namedCredential-meta.xml",
      "force-app/main/default/permissionsets/Kintone_Proxy_Callout.permissionset-meta.xml",
      "manifest/package.xml",
      "sfdx-project.json",
    ]);
    expect(buildSalesforceFolder(inputFor(structuredClone(spec)))).toEqual(files);
    const project = JSON.parse(files.get("sfdx-project.json") as string);
    expect(project.packageDirectories).toEqual([{ path: "force-app", default: true }]);
    expect(project.sourceApiVersion).toBe("62.0");
  });

  it("writes the files reviewed in test/fixtures/salesforce (the registration's schema shortened)", async () => {
    const files = buildSalesforceFolder(inputFor(spec));
    for (const [path, text] of files) {
      const shown = text.replace(
        /<schema>.*<\/schema>/,
        "<schema>{…the spec, minified and XML-escaped…}</schema>",
      );
      await expect(shown).toMatchFileSnapshot(`../fixtures/salesforce/${path}`);
    }
  });

  it("puts the exact spec, minified and XML-escaped, in <schema>, and no systemVersion on a first create", () => {
    const files = buildSalesforceFolder(inputFor(spec));
    const text = files.get(
      "force-app/main/default/externalServiceRegistrations/Kintone.externalServiceRegistration-meta.xml",
    ) as string;
    expect(
      text.startsWith(
        '<?xml version="1.0" encoding="UTF-8"?>\n<ExternalServiceRegistration xmlns="http://soap.sforce.com/2006/04/metadata">\n',
      ),
    ).toBe(true);
    const schemaLine = text.split("\n").find((line) => line.includes("<schema>")) as string;
    expect(schemaLine).toMatch(/^ {4}<schema>\{&quot;openapi&quot;:&quot;3\.0\.3&quot;/);
    expect(schemaLine).toContain("Kintone &lt;records&gt; &amp; \\&quot;deals\\&quot; it&apos;s");
    const esr = parseMetadataXml(text).ExternalServiceRegistration as Record<string, unknown>;
    expect(JSON.parse(esr.schema as string)).toEqual(spec);
    expect(esr.schema).toBe(JSON.stringify(spec));
    expect(esr.systemVersion).toBeUndefined();
    expect(esr.namedCredentialReference).toBe("Kintone_Proxy");
    expect(esr.registrationProviderType).toBe("Custom");
    expect(esr.schemaType).toBe("OpenApi3");
    expect(esr.status).toBe("Complete");
    expect(esr.operations).toEqual(
      specOperations(spec).map((op) => ({ active: "true", name: op.operationId.toLowerCase() })),
    );
  });

  it("keeps a retrieved systemVersion, and lists only the selected operations", () => {
    const chosen = selectOperations(specOperations(spec), ["list,getCustomer"]);
    const files = buildSalesforceFolder(
      inputFor(spec, {
        systemVersion: "8",
        operations: chosen.map((op) => ({ name: op.name, active: true })),
      }),
    );
    const esr = parseMetadataXml(
      files.get(
        "force-app/main/default/externalServiceRegistrations/Kintone.externalServiceRegistration-meta.xml",
      ) as string,
    ).ExternalServiceRegistration as Record<string, unknown>;
    expect(esr.systemVersion).toBe("8");
    expect((esr.operations as Array<{ name: string }>).map((op) => op.name)).toEqual([
      "listcustomers",
      "getcustomer",
      "listdeals",
      "listinquiries",
    ]);
  });

  it("sends the key as X-API-Key or as a Bearer Authorization header, from the principal's parameter", () => {
    const path = "force-app/main/default/externalCredentials/Kintone_Proxy.externalCredential-meta.xml";
    const apiKey = buildSalesforceFolder(inputFor(spec)).get(path) as string;
    expect(apiKey).toContain("<parameterName>X-API-Key</parameterName>");
    expect(apiKey).toContain("<parameterValue>{!$Credential.Kintone_Proxy.ApiKey}</parameterValue>");
    const bearer = buildSalesforceFolder(inputFor(spec, { header: "authorization" })).get(path) as string;
    expect(bearer).toContain("<parameterName>Authorization</parameterName>");
    expect(bearer).toContain(
      "<parameterValue>{!&apos;Bearer &apos; &amp; $Credential.Kintone_Proxy.ApiKey}</parameterValue>",
    );
  });

  it("gives the Named Credential the proxy's origin (Salesforce appends the spec server's path)", () => {
    const text = buildSalesforceFolder(inputFor(spec)).get(
      "force-app/main/default/namedCredentials/Kintone_Proxy.namedCredential-meta.xml",
    ) as string;
    expect(text).toContain("<parameterValue>https://proxy.example.com</parameterValue>");
  });

  it("writes only the registration and its manifest for the first step of an update, in another package directory", () => {
    const files = buildSalesforceFolder(
      inputFor(spec, { only: "registration", withProject: false, packageDirectory: "src" }),
    );
    expect([...files.keys()]).toEqual([
      "manifest/package.xml",
      "src/main/default/externalServiceRegistrations/Kintone.externalServiceRegistration-meta.xml",
    ]);
  });
});

describe("names, versions and URLs", () => {
  it.each([
    ["Kintone", "Kintone", "Kintone_Proxy", "Kintone_Proxy_Callout"],
    ["Kintone Sales", "Kintone_Sales", "Kintone_Sales_Proxy", "Kintone_Sales_Proxy_Callout"],
    ["  sales--crm__v2_ ", "sales_crm_v2", "sales_crm_v2_Proxy", "sales_crm_v2_Proxy_Callout"],
  ])("--service-name %j", (given, registration, credential, permissionSet) => {
    const names = deriveNames(given);
    expect([
      names.registration,
      names.externalCredential,
      names.namedCredential,
      names.permissionSet,
    ]).toEqual([registration, credential, credential, permissionSet]);
  });

  it.each(["", "2024 sales", "稟議", "___", "x".repeat(41), `Kintone${" -".repeat(30)}`])(
    "refuses --service-name %j",
    (given) => {
      expect(() => deriveNames(given)).toThrow(/--service-name/);
    },
  );

  it.each(["59.0", "62.0", "67.0"])("takes --api-version %s", (v) => expect(checkApiVersion(v)).toBe(v));
  it.each(["58.0", "62", "v62.0", "62.1", ""])("refuses --api-version %j", (v) => {
    expect(() => checkApiVersion(v)).toThrow(/--api-version takes a Salesforce API version from 59\.0/);
  });

  it("refuses a --proxy-url that is not the spec's server, and a callout: server", () => {
    const spec = { servers: [{ url: "https://proxy.example.com/base" }] };
    expect(resolveProxyUrl(spec, "https://proxy.example.com/base/")).toBe("https://proxy.example.com/base");
    expect(() => resolveProxyUrl(spec, "https://other.example.com")).toThrow(/is not the spec's server/);
    expect(() => resolveProxyUrl({ servers: [{ url: "callout:Kintone" }] }, undefined)).toThrow(/callout:/);
    expect(() => resolveProxyUrl({}, undefined)).toThrow(/no server URL/);
  });

  it("refuses --operations that name nothing", () => {
    const spec = { paths: { "/a": { get: { operationId: "listA", "x-kintone-operation": "list" } } } };
    expect(() => selectOperations(specOperations(spec), ["getB"])).toThrow(
      /--operations names "getB", which is no operation of the spec: give operationIds \(listA\) or kinds \(list\)/,
    );
  });
});

describe("Salesforce's source-deploy-retrieve reads the folder", () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let spec: JsonObject;
  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir());
    spec = await demoSpec();
  });
  afterAll(() => cleanup());

  it("recognises the four components with their types and names, and converts them to metadata format", async () => {
    const root = join(dir, "project");
    await writeFolder(root, buildSalesforceFolder(inputFor(spec)));
    const set = ComponentSet.fromSource(join(root, "force-app"));
    const found = set
      .getSourceComponents()
      .toArray()
      .map((component) => [component.type.name, component.fullName])
      .sort();
    expect(found).toEqual([
      ["ExternalCredential", "Kintone_Proxy"],
      ["ExternalServiceRegistration", "Kintone"],
      ["NamedCredential", "Kintone_Proxy"],
      ["PermissionSet", "Kintone_Proxy_Callout"],
    ]);
    const manifest = await ComponentSet.fromManifest({
      manifestPath: join(root, "manifest/package.xml"),
      resolveSourcePaths: [join(root, "force-app")],
    });
    expect(manifest.size).toBe(4);
    const out = join(dir, "mdapi");
    const result = await new MetadataConverter().convert(set, "metadata", {
      type: "directory",
      outputDirectory: out,
      genUniqueDir: false,
    });
    expect(result.packagePath).toBe(out);
    const converted = await readFile(
      join(out, "externalServiceRegistrations/Kintone.externalServiceRegistration"),
      "utf8",
    );
    const esr = parseMetadataXml(converted).ExternalServiceRegistration as Record<string, unknown>;
    expect(JSON.parse(esr.schema as string)).toEqual(spec);
    const pkg = parseMetadataXml(await readFile(join(out, "package.xml"), "utf8")).Package as {
      types: Array<{ members: string; name: string }>;
    };
    expect(pkg.types.map((t) => `${t.name}:${t.members}`).sort()).toEqual([
      "ExternalCredential:Kintone_Proxy",
      "ExternalServiceRegistration:Kintone",
      "NamedCredential:Kintone_Proxy",
      "PermissionSet:Kintone_Proxy_Callout",
    ]);
    for (const file of [
      "externalCredentials/Kintone_Proxy.externalCredential",
      "namedCredentials/Kintone_Proxy.namedCredential",
      "permissionsets/Kintone_Proxy_Callout.permissionset",
    ]) {
      await expect(readFile(join(out, file), "utf8")).resolves.toContain(
        "http://soap.sforce.com/2006/04/metadata",
      );
    }
  });
});
