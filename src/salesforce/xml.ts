import { XMLBuilder, XMLParser } from "fast-xml-parser";

/** The namespace of every Metadata API file. */
export const METADATA_NAMESPACE = "http://soap.sforce.com/2006/04/metadata";

/** An element's content: text, a nested element, or a repeated element (an array). Keys are written in order. */
export type XmlValue = string | number | boolean | XmlElement | XmlElement[];
export type XmlElement = { [name: string]: XmlValue };

// fast-xml-parser escapes & < > " ' in text (retrieved metadata files escape " as &quot; too), and its parser reads
// them back exactly: what goes into <schema> comes out byte for byte.
const builder = new XMLBuilder({
  format: true,
  indentBy: "    ",
  ignoreAttributes: false,
  attributeNamePrefix: "@_",
  processEntities: true,
  suppressBooleanAttributes: false,
});

/**
 * A metadata file as Salesforce writes them: the XML declaration, the root element in the metadata namespace,
 * children in the order given (alphabetical, as retrieved files are), four-space indents, a final newline.
 */
export function buildMetadataXml(root: string, content: XmlElement): string {
  const body = builder.build({ [root]: { "@_xmlns": METADATA_NAMESPACE, ...content } }) as string;
  return `<?xml version="1.0" encoding="UTF-8"?>\n${body.endsWith("\n") ? body : `${body}\n`}`;
}

/** A schema of 10,000,000 characters (Salesforce's limit) holds at most that many escaped characters. */
const MAX_ENTITIES = 10_000_000;

/**
 * Parses a metadata file, keeping every value as text (so "62.0" and "true" stay what the file says). Metadata files
 * have no DOCTYPE; one is refused, so no custom entity can expand (the five XML ones are read, as many as a
 * schema can hold).
 */
export function parseMetadataXml(text: string): Record<string, unknown> {
  if (/<!DOCTYPE/i.test(text)) throw new Error("a DOCTYPE, which metadata files never have");
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: "@_",
    parseTagValue: false,
    parseAttributeValue: false,
    trimValues: true,
    processEntities: { enabled: true, maxTotalExpansions: MAX_ENTITIES },
    ignoreDeclaration: true,
  });
  return parser.parse(text) as Record<string, unknown>;
}
