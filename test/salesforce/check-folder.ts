import { checkAgainstTable } from "../../src/salesforce/metadata-table.js";
import { parseMetadataXml } from "../../src/salesforce/xml.js";

/** Every XML file of a folder, parsed, checked against the table of documented elements and values. */
export function checkFolder(files: ReadonlyMap<string, string>): string[] {
  const problems: string[] = [];
  for (const [path, text] of files) {
    if (!path.endsWith(".xml")) continue;
    const parsed = parseMetadataXml(text);
    const roots = Object.keys(parsed);
    if (roots.length !== 1) problems.push(`${path}: ${roots.length} root elements`);
    for (const root of roots) {
      const content = parsed[root] as Record<string, unknown>;
      if (content["@_xmlns"] !== "http://soap.sforce.com/2006/04/metadata")
        problems.push(`${path}: not in the metadata namespace`);
      for (const problem of checkAgainstTable(root, content)) problems.push(`${path}: ${problem}`);
    }
  }
  return problems;
}
