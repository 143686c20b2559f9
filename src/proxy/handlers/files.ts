import { FILE_NAME_PATTERN, MIME_TYPE_PATTERN } from "../../generate/operations/files.js";
import { FILE_MAX_BYTES, FILE_UPLOAD_BODY_MAX } from "../../kintone/limits.js";
import { parseInteger } from "../../odata/query-options.js";
import { ProxyError } from "../errors.js";
import { CallAbortedError, KintoneApiError } from "../kintone-client.js";
import { readUploadBody } from "../upload-body.js";
import { atMostAtOnce } from "./at-once.js";
import { optionError } from "./list.js";
import type { OptionalHandler } from "./optional.js";
import { outcomeUnknown, recordId } from "./record-io.js";

/**
 * The files operations (--operations files): upload takes the file as base64 in JSON and sends it to Kintone as
 * multipart (POST file.json), answering the fileKey once Kintone confirmed it; download reads the record for the
 * file's key, name and type, then streams the file out as base64 while it arrives, so neither holds the file more
 * than once.
 */

const SIZE = FILE_MAX_BYTES.toLocaleString("en-US");
const UPLOAD_KEYS = new Set(["name", "contentType", "contentBase64"]);
const MIME = new RegExp(MIME_TYPE_PATTERN);
const FILE_NAME = new RegExp(FILE_NAME_PATTERN);

const ALPHABET = Buffer.from("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/");

/** The base64 of `bytes[0, length)` (a multiple of 3), written as bytes: no string of the chunk's size is made. */
function base64Bytes(bytes: Uint8Array, length: number): Buffer {
  const out = Buffer.allocUnsafe((length / 3) * 4);
  for (let i = 0, o = 0; i < length; i += 3, o += 4) {
    const n = ((bytes[i] as number) << 16) | ((bytes[i + 1] as number) << 8) | (bytes[i + 2] as number);
    out[o] = ALPHABET[n >> 18] as number;
    out[o + 1] = ALPHABET[(n >> 12) & 63] as number;
    out[o + 2] = ALPHABET[(n >> 6) & 63] as number;
    out[o + 3] = ALPHABET[n & 63] as number;
  }
  return out;
}

function bad(target: string, message: string): ProxyError {
  return new ProxyError(400, "ValidationFailed", message, { target });
}

/**
 * File uploads handled at once by this process: each holds its file (up to 9 MB) while it arrives, so more are 503
 * ProxyBusy instead of filling the memory (found by an outside attack: 120 stalled uploads held 1.1 GB).
 */
export const UPLOADS_AT_ONCE = 4;

export const uploadFile: OptionalHandler = atMostAtOnce(UPLOADS_AT_ONCE, "file uploads", {
  queryOptions: [],
  parameters: [],
  async handle({ ctx, resource, incoming, reply }) {
    const { fields, data } = await readUploadBody(incoming, FILE_UPLOAD_BODY_MAX, FILE_MAX_BYTES);
    const unknown = Object.keys(fields).find((key) => !UPLOAD_KEYS.has(key));
    if (unknown !== undefined)
      throw new ProxyError(
        400,
        "UnknownProperty",
        `${unknown.slice(0, 100)} is not a property of a file upload: send name, contentType and contentBase64.`,
        { target: unknown.slice(0, 100) },
      );
    const { name, contentType } = fields;
    if (typeof name !== "string" || [...name].length > 255 || !FILE_NAME.test(name))
      throw bad("name", "name must be the file's name: 1 to 255 characters, no control characters.");
    if (contentType !== undefined && contentType !== null) {
      if (typeof contentType !== "string" || contentType.length > 255 || !MIME.test(contentType))
        throw bad("contentType", "contentType must be a MIME type such as application/pdf (or left out).");
    }
    if (fields.contentBase64 !== undefined && typeof fields.contentBase64 !== "string" && data === undefined)
      throw bad("contentBase64", "contentBase64 must be a string: the file's bytes in base64.");
    if (data === undefined)
      throw bad("contentBase64", "contentBase64 is required: the file's bytes in base64.");
    if (data.length === 0)
      throw bad("contentBase64", "contentBase64 is empty: Kintone does not store empty files.");
    const file = {
      name,
      contentType: typeof contentType === "string" ? contentType : "application/octet-stream",
      data,
    };
    const { fileKey } = await outcomeUnknown(
      ctx.write(resource, "file upload", (k) => k.uploadFile(file)),
      "The file was sent to Kintone but no usable answer came back: upload it again (an upload never attached to a record is dropped by Kintone).",
    );
    return reply.json({ fileKey }, 201);
  },
});

export const downloadFile: OptionalHandler = {
  queryOptions: [],
  parameters: ["index", "name"],
  async handle({ ctx, resource, params, url, reply, cut }) {
    const id = recordId(params.id ?? "");
    const property = resource.properties.get(params.property ?? "");
    if (property === undefined || property.type !== "FILE" || property.inTable) {
      const names = [...resource.properties.values()]
        .filter((p) => p.type === "FILE" && !p.inTable)
        .map((p) => p.name);
      throw new ProxyError(
        400,
        "InvalidParameter",
        `${String(params.property).slice(0, 100)} is not a file property of this record: use ${names.join(", ")}.`,
        { target: "property" },
      );
    }
    const query = url.searchParams;
    const wantedName = query.get("name");
    let index = 0;
    try {
      if (wantedName === "") throw bad("name", "name is empty: give the name of the file to download.");
      if (query.get("index") !== null) {
        if (wantedName !== null) throw bad("index", "Give index or name, not both.");
        index = parseInteger(query.get("index") ?? undefined, "index", 0, 0, 999);
      }
    } catch (error) {
      optionError(error);
    }
    const record = await ctx.read(resource, (k, signal) => k.getRecord({ app: resource.appId, id }, signal));
    const files = record[property.code]?.value;
    const list = Array.isArray(files) ? (files as Array<Record<string, unknown>>) : [];
    const file = wantedName !== null ? list.find((f) => f.name === wantedName) : list[index];
    if (file === undefined || typeof file.fileKey !== "string") {
      throw new ProxyError(
        404,
        "FileNotFound",
        wantedName !== null
          ? `${property.name} of record ${id} has no file named ${JSON.stringify(wantedName.slice(0, 100))}.`
          : `${property.name} of record ${id} has ${list.length} file${list.length === 1 ? "" : "s"}: index ${index} is past its end (files count from 0).`,
        { target: wantedName !== null ? "name" : "index" },
      );
    }
    const declared = Number(file.size);
    if (Number.isFinite(declared) && declared > FILE_MAX_BYTES) {
      throw new ProxyError(
        400,
        "FileTooLarge",
        `The file is ${declared.toLocaleString("en-US")} bytes; this operation answers files up to ${SIZE} bytes (Salesforce could not receive more): download it from Kintone directly.`,
        { target: property.name },
      );
    }
    const fileKey = file.fileKey;
    const opened = await ctx.read(resource, async (k, signal) => {
      try {
        return await k.downloadFile(fileKey, signal);
      } catch (error) {
        // The file went away between reading the record and downloading it (the record was changed meanwhile).
        if (error instanceof KintoneApiError && error.code === "GAIA_BL01")
          throw new ProxyError(
            404,
            "FileNotFound",
            `The file is no longer attached to record ${id}: read the record again.`,
          );
        throw error;
      }
    });
    const name = typeof file.name === "string" ? file.name : "file";
    const type =
      typeof file.contentType === "string" && file.contentType !== ""
        ? file.contentType
        : "application/octet-stream";
    const chunks = opened.body[Symbol.asyncIterator]();
    let carry: Buffer = Buffer.alloc(0);
    let size = 0;
    let stage: "head" | "body" | "done" = "head";
    // The answer is written as the file arrives: the JSON head, the base64 of each chunk (in whole groups of 3
    // bytes), then the size counted. A failure midway cuts the connection: the caller sees an incomplete answer,
    // never a wrong file.
    const stream = new ReadableStream<Uint8Array>({
      async pull(controller) {
        if (stage === "head") {
          stage = "body";
          controller.enqueue(
            Buffer.from(
              `{"name":${JSON.stringify(name)},"contentType":${JSON.stringify(type)},"contentBase64":"`,
            ),
          );
          return;
        }
        if (stage === "done") return;
        let next: IteratorResult<Buffer>;
        try {
          next = await chunks.next();
        } catch (error) {
          // Kintone stopped sending: end here, with the connection cut (when the caller left, it is gone already).
          stage = "done";
          if (!(error instanceof CallAbortedError)) cut("KintoneDownloadCut");
          controller.close();
          return;
        }
        if (next.done) {
          stage = "done";
          controller.enqueue(Buffer.from(`${carry.toString("base64")}","size":${size}}`));
          controller.close();
          return;
        }
        size += next.value.length;
        if (size > FILE_MAX_BYTES) {
          stage = "done";
          opened.close();
          cut("FileTooLarge");
          controller.close();
          return;
        }
        const all = carry.length > 0 ? Buffer.concat([carry, next.value]) : next.value;
        const whole = all.length - (all.length % 3);
        carry = Buffer.from(all.subarray(whole));
        if (whole > 0) controller.enqueue(base64Bytes(all, whole));
      },
      cancel() {
        opened.close();
      },
    });
    return reply.raw(stream, 200, { "content-type": "application/json; charset=utf-8" });
  },
};
