import type { ParameterObject, SchemaObject } from "openapi3-ts/oas30";
import { FILE_MAX_BYTES } from "../../kintone/limits.js";
import type { AppBuild } from "../build-document.js";

/**
 * The `files` group (issue #14): per app, an upload operation (JSON with the file as base64 → a fileKey for a
 * following create or update, which then takes FILE properties) and a download operation (a record's attached file
 * as base64). Apps without FILE fields get neither.
 */

const SIZE = FILE_MAX_BYTES.toLocaleString("en-US");

const TOKEN = "[A-Za-z0-9!#$&^_.+-]+";
/**
 * What the upload takes as contentType and as name, written into the spec and checked by the proxy
 * (src/proxy/handlers/files.ts) from these same patterns: a MIME type (`type/subtype`, parameters allowed), and a
 * file name with a character that is not a space and no control character. A property-based test found the spec
 * allowing any text where the proxy refused all but these.
 */
export const MIME_TYPE_PATTERN = `^${TOKEN}/${TOKEN}(\\s*;\\s*${TOKEN}=("[^"\\r\\n\\\\]*"|${TOKEN}))*$`;
// Spaces first, then a character that is not a space, then anything but control characters: the three parts cannot
// overlap, so the pattern takes linear time in any validator.
export const FILE_NAME_PATTERN =
  "^[^\\S\\u0000-\\u001f\\u007f]*[^\\s\\u0000-\\u001f\\u007f][^\\u0000-\\u001f\\u007f]*$";

/** The component names of the group's schemas for one app. */
export const fileSchemaNames = {
  upload: (singular: string) => `${singular}FileUpload`,
  key: (singular: string) => `${singular}FileKey`,
  content: (singular: string) => `${singular}FileContent`,
} as const;

/** The path of an app's upload operation, and of its download operation. */
export const filePaths = {
  upload: (collection: string) => `${collection}/files`,
  download: (item: string) => `${item}/files/{property}`,
} as const;

export function buildFiles(build: AppBuild): void {
  const { singular, properties } = build;
  const hasFiles = (list: typeof properties): boolean =>
    list.some((p) => p.type === "FILE" || (p.rows !== undefined && hasFiles(p.rows)));
  if (!hasFiles(properties)) {
    build.warn("it has no attachment (FILE) field, so it gets no files operations.");
    return;
  }
  const appId = build.appId;
  // Downloads read a top-level FILE property (a table's files are read through the record's rows).
  const top = properties.filter((p) => p.type === "FILE").map((p) => p.name);
  const example = top[0] ?? "attachments";
  build.put(fileSchemaNames.upload(singular), {
    type: "object",
    description: `A file to upload for ${build.about}, as JSON: its name, MIME type and bytes in base64 (in Flow and Apex a Text: EncodingUtil.base64Encode of a Blob). At most ${SIZE} bytes once decoded.`,
    required: ["name", "contentBase64"],
    properties: {
      name: {
        type: "string",
        minLength: 1,
        maxLength: 255,
        pattern: FILE_NAME_PATTERN,
        description: "File name, as Kintone shows it (e.g. contract.pdf); no control characters.",
      },
      contentType: {
        type: "string",
        nullable: true,
        maxLength: 255,
        pattern: MIME_TYPE_PATTERN,
        description: "MIME type (e.g. application/pdf); application/octet-stream when left out.",
      },
      contentBase64: {
        type: "string",
        format: "byte",
        minLength: 1,
        description: `The file's bytes in base64 (standard alphabet, padding allowed, no line breaks); at most ${SIZE} bytes once decoded (a larger file is refused with 413).`,
      },
    },
    "x-kintone-app-id": appId,
  });
  build.put(fileSchemaNames.key(singular), {
    type: "object",
    description:
      "The key of the uploaded file: put it as {fileKey} in a FILE property of a create or update within 3 days (Kintone drops unused uploads).",
    required: ["fileKey"],
    properties: { fileKey: { type: "string", description: "Kintone's key of the uploaded file." } },
    "x-kintone-app-id": appId,
  });
  build.put(fileSchemaNames.content(singular), {
    type: "object",
    description: "A file attached to a record, with its bytes in base64.",
    required: ["name", "contentType", "size", "contentBase64"],
    properties: {
      name: { type: "string", description: "File name." },
      contentType: { type: "string", description: "MIME type." },
      size: { type: "integer", format: "int64", description: "Size in bytes." },
      contentBase64: {
        type: "string",
        format: "byte",
        description:
          "The file's bytes in base64 (in Flow and Apex: EncodingUtil.base64Decode gives the Blob).",
      },
    },
    "x-kintone-app-id": appId,
  });
  build.addOperation(filePaths.upload(build.collection), "post", "upload-file", {
    operationId: `upload${singular}File`,
    summary: `Upload a file for ${singular} records`,
    description: build.describe(
      `Uploads a file to Kintone for ${build.about} and answers its fileKey. To attach it, create or update a record with the key in a FILE property (e.g. {"${example}":[{"fileKey":"…"}]}); a file not attached within 3 days is dropped by Kintone. Files up to ${SIZE} bytes (base64 text up to 12 MB, Salesforce's largest asynchronous callout; a synchronous callout, as from Flow, carries at most 6 MB, so about 4.4 MB of file). Larger files are refused with 413.`,
    ),
    requestBody: build.jsonBody(
      fileSchemaNames.upload(singular),
      `The file: name, contentType and contentBase64 (at most ${SIZE} bytes once decoded).`,
    ),
    responses: build.responses(["400", "401", "413", "415", "429", "500", "502", "503", "504"], "201", {
      description: "The file was stored in Kintone; its key.",
      content: { "application/json": { schema: build.ref(fileSchemaNames.key(singular)) } },
    }),
  });
  if (top.length === 0) return;
  const property: ParameterObject = {
    name: "property",
    in: "path",
    required: true,
    description: `The FILE property holding the file: ${top.join(", ")}.`,
    schema: { type: "string", enum: top },
  };
  const index: ParameterObject = {
    name: "index",
    in: "query",
    required: false,
    description:
      "Position of the file in the property's list, from 0 (the order of the record's answer). Default 0. Leave out when name is given.",
    schema: { type: "integer", format: "int32", minimum: 0, maximum: 999 } as SchemaObject,
  };
  const name: ParameterObject = {
    name: "name",
    in: "query",
    required: false,
    description:
      "File name to download instead of a position: the first file of the property with exactly this name.",
    schema: { type: "string", minLength: 1, maxLength: 255 },
  };
  build.addOperation(filePaths.download(build.item), "get", "download-file", {
    operationId: `download${singular}File`,
    summary: `Download a ${singular} file`,
    description: build.describe(
      `Downloads one file attached to a record of ${build.about}: the record's FILE property and the file's position (or name). Answers its name, MIME type, size and bytes in base64. Files over ${SIZE} bytes are refused (400 FileTooLarge): Salesforce could not receive them.`,
    ),
    parameters: [build.idParameter(), property, index, name],
    responses: build.responses(["400", "401", "404", "429", "500", "502", "503", "504"], "200", {
      description: "The file.",
      content: { "application/json": { schema: build.ref(fileSchemaNames.content(singular)) } },
    }),
  });
}
