import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import {
  buildSalesforceFolder,
  type FolderInput,
  resolveProxyUrl,
} from "../../src/salesforce/build-folder.js";
import { checkAgainstTable, METADATA_TABLE } from "../../src/salesforce/metadata-table.js";
import { deriveNames } from "../../src/salesforce/names.js";
import { specOperations } from "../../src/salesforce/operations.js";
import { parseMetadataXml } from "../../src/salesforce/xml.js";
import type { JsonObject } from "../../src/validate/types.js";
import { checkFolder } from "./check-folder.js";

const GOLDEN = new URL("../fixtures/golden/sample-apps.json", import.meta.url);

describe("every XML file against the table of documented elements and values", () => {
  it.each([
    ["x-api-key", "Kintone", undefined],
    ["authorization", "Sales CRM", "8"],
  ] as const)("header %s, service %s, systemVersion %s", async (header, service, systemVersion) => {
    const spec = {
      ...(JSON.parse(await readFile(GOLDEN, "utf8")) as JsonObject),
      servers: [{ url: "https://proxy.example.com/kintone" }],
    };
    const input: FolderInput = {
      spec,
      names: deriveNames(service),
      proxyUrl: resolveProxyUrl(spec, undefined),
      header,
      operations: specOperations(spec).map((op, i) => ({ name: op.name, active: i % 2 === 0 })),
      apiVersion: "62.0",
      packageDirectory: "force-app",
      withProject: true,
      ...(systemVersion === undefined ? {} : { systemVersion }),
    };
    const files = buildSalesforceFolder(input);
    expect(checkFolder(files)).toEqual([]);
    expect(checkFolder(buildSalesforceFolder({ ...input, only: "registration" }))).toEqual([]);
    const roots = [...files.keys()]
      .filter((p) => p.endsWith(".xml"))
      .map((p) => Object.keys(parseMetadataXml(files.get(p) as string))[0]);
    expect(roots.sort()).toEqual(Object.keys(METADATA_TABLE).sort());
  });

  it("catches an undocumented element, a value outside its set, a missing required element", () => {
    expect(
      checkAgainstTable("NamedCredential", {
        label: "x",
        namedCredentialType: "Secured",
        endpointUrl: "https://x",
        namedCredentialParameters: [{ parameterName: "Url" }],
      }),
    ).toEqual([
      'NamedCredential/namedCredentialType is "Secured", not one of SecuredEndpoint, PrivateEndpoint, Legacy',
      `NamedCredential/endpointUrl is not a documented element (${METADATA_TABLE.NamedCredential?.doc})`,
      "NamedCredential/namedCredentialParameters/parameterType is missing",
    ]);
    expect(checkAgainstTable("PermissionSet", { label: ["a", "b"] })).toEqual([
      "PermissionSet/label is repeated",
    ]);
  });

  it("links each type to its documentation", () => {
    for (const rule of Object.values(METADATA_TABLE))
      expect(rule.doc).toMatch(/^https:\/\/developer\.salesforce\.com\/docs\//);
  });
});
