import type { IncomingMessage } from "node:http";
import { checkJsonHeaders } from "./body.js";
import { ProxyError } from "./errors.js";

/**
 * Reads the JSON body of a file upload (`{name, contentType, contentBase64}`) without holding the file more than
 * once: the base64 text of `contentBase64` is decoded as it arrives, straight into one buffer, and only the rest of
 * the body (a few hundred bytes) is kept as JSON and parsed. JSON.parse of the whole body would hold the base64
 * text three times (the bytes, the string, the parsed value) before decoding it.
 */

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const KEY = Buffer.from("contentBase64");
/** The body besides the file's text: its name, type and JSON punctuation. */
const REST_MAX = 64 * 1024;
const utf8 = new TextDecoder("utf-8", { fatal: true });

export type UploadBody = { fields: Record<string, unknown>; data: Buffer | undefined };

/** Base64's alphabet: the value of each byte, 64 for "=", 255 for a byte that is not base64. */
const VALUES = new Uint8Array(256).fill(255);
for (const [i, char] of [..."ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"].entries())
  VALUES[char.charCodeAt(0)] = i;
VALUES[0x3d] = 64;

/**
 * The decoded file in one growing buffer, bounded by `limit` bytes: base64 bytes are decoded one by one as they
 * arrive (no intermediate strings, so nothing of the size of the file is left for the garbage collector).
 */
class Decoded {
  buffer: Buffer;
  size = 0;
  private bits = 0;
  private acc = 0;
  private padding = 0;

  constructor(
    private readonly limit: number,
    expected: number,
    private readonly tooLarge: () => ProxyError,
  ) {
    this.buffer = Buffer.allocUnsafe(Math.min(limit, Math.max(1024, expected)));
  }

  /** Decodes `chunk[start, end)`. */
  push(chunk: Uint8Array, start: number, end: number): void {
    for (let i = start; i < end; i++) {
      const value = VALUES[chunk[i] as number] as number;
      if (value === 255) throw invalid();
      if (value === 64) {
        if (++this.padding > 2) throw invalid();
        continue;
      }
      if (this.padding > 0) throw invalid();
      this.acc = ((this.acc << 6) | value) & 0xffffff;
      this.bits += 6;
      if (this.bits >= 8) {
        this.bits -= 8;
        if (this.size === this.buffer.length) this.grow();
        this.buffer[this.size++] = (this.acc >> this.bits) & 0xff;
      }
    }
  }

  /** Takes a JSON escape inside the text: only \/ is part of base64 (line breaks are skipped). */
  escape(byte: number): void {
    if (byte === 0x2f) this.push(SLASH, 0, 1);
    else if (byte !== 0x6e && byte !== 0x72) throw invalid();
  }

  finish(): void {
    // What is left must be whole groups (padding optional): 1 leftover character is not base64.
    if (this.bits === 6 || (this.padding > 0 && (this.bits + this.padding * 6) % 8 !== 0)) throw invalid();
  }

  private grow(): void {
    if (this.size >= this.limit) throw this.tooLarge();
    const grown = Buffer.allocUnsafe(Math.min(this.limit, this.buffer.length * 2));
    this.buffer.copy(grown, 0, 0, this.size);
    this.buffer = grown;
  }
}

const SLASH = Buffer.from("/");

function invalid(): ProxyError {
  return new ProxyError(
    400,
    "InvalidBase64",
    "contentBase64 is not base64: send the file's bytes in standard base64 (A-Z a-z 0-9 + /, = padding), without line breaks.",
    { target: "contentBase64" },
  );
}

/**
 * Reads an upload body of at most `bodyLimit` bytes whose `contentBase64` decodes to at most `fileLimit` bytes:
 * the other properties as parsed JSON, the file as a Buffer (undefined when contentBase64 is missing).
 */
export async function readUploadBody(
  req: IncomingMessage,
  bodyLimit: number,
  fileLimit: number,
): Promise<UploadBody> {
  checkJsonHeaders(req);
  const fileTooLarge = () =>
    new ProxyError(
      413,
      "PayloadTooLarge",
      `The file is larger than ${fileLimit.toLocaleString("en-US")} bytes, the most this operation takes: attach it in Kintone directly.`,
      { target: "contentBase64" },
    );
  const bodyTooLarge = () =>
    new ProxyError(
      413,
      "PayloadTooLarge",
      `The body is larger than ${bodyLimit.toLocaleString("en-US")} bytes: the file may be at most ${fileLimit.toLocaleString("en-US")} bytes once decoded.`,
    );
  const declared = Number(req.headers["content-length"] ?? 0);
  if (declared > bodyLimit) throw bodyTooLarge();
  const decoded = new Decoded(fileLimit, Math.ceil((declared * 3) / 4), fileTooLarge);
  const rest: Buffer[] = [];
  let restSize = 0;
  const keep = (bytes: Buffer) => {
    restSize += bytes.length;
    // The limit hit is this one, not the file's (found by an outside attack: the message named the 12 MB limit).
    if (restSize > REST_MAX)
      throw new ProxyError(
        413,
        "PayloadTooLarge",
        `The upload's name, contentType and JSON around the file take more than ${REST_MAX.toLocaleString("en-US")} bytes: send only name, contentType and contentBase64.`,
      );
    rest.push(bytes);
  };
  // The scanner's state: nesting depth, inside a string (and after a backslash), the top-level key being read.
  let depth = 0;
  let inString = false;
  let escaped = false;
  let expectKey = false;
  let key: number[] | undefined;
  let lastKey = "";
  let inFile = false;
  let fileEscape = false;
  let files = 0;
  let size = 0;
  try {
    for await (const raw of req) {
      const chunk = raw as Buffer;
      size += chunk.length;
      if (size > bodyLimit) throw bodyTooLarge();
      let start = 0;
      let i = 0;
      while (i < chunk.length) {
        if (inFile) {
          // Inside contentBase64's text: decode up to the closing quote (a JSON escape is only \/ or a line break).
          if (fileEscape) {
            fileEscape = false;
            decoded.escape(chunk[i] as number);
            i++;
            start = i;
            continue;
          }
          const quote = chunk.indexOf(QUOTE, i);
          const backslash = chunk.indexOf(BACKSLASH, i);
          let end = quote < 0 ? chunk.length : quote;
          if (backslash >= 0 && backslash < end) end = backslash;
          decoded.push(chunk, i, end);
          if (end === chunk.length) {
            i = end;
            start = end;
            break;
          }
          if (chunk[end] === BACKSLASH) {
            fileEscape = true;
            i = end + 1;
            start = i;
            continue;
          }
          inFile = false;
          start = end;
          i = end + 1;
          inString = false;
          continue;
        }
        const byte = chunk[i] as number;
        if (inString) {
          if (escaped) escaped = false;
          else if (byte === BACKSLASH) escaped = true;
          else if (byte === QUOTE) {
            inString = false;
            if (key !== undefined) {
              lastKey = Buffer.from(key).equals(KEY) ? "contentBase64" : "";
              key = undefined;
            }
          } else if (key !== undefined) key.push(byte);
          i++;
          continue;
        }
        if (byte === QUOTE) {
          inString = true;
          if (depth === 1 && expectKey) key = [];
          else if (depth === 1 && lastKey === "contentBase64") {
            if (++files > 1)
              throw new ProxyError(400, "InvalidBody", "contentBase64 is given twice: give it once.");
            // Keep the opening quote, so the rest parses with contentBase64 as "".
            keep(chunk.subarray(start, i + 1));
            inFile = true;
            i++;
            start = i;
            continue;
          }
        } else if (byte === 0x7b || byte === 0x5b) {
          depth++;
          if (depth === 1) expectKey = byte === 0x7b;
        } else if (byte === 0x7d || byte === 0x5d) depth--;
        else if (depth === 1 && byte === 0x3a) expectKey = false;
        else if (depth === 1 && byte === 0x2c) {
          expectKey = true;
          lastKey = "";
        }
        i++;
      }
      if (start < chunk.length) keep(chunk.subarray(start));
    }
  } catch (error) {
    if (error instanceof ProxyError) throw error;
    throw new ProxyError(400, "IncompleteBody", "The body did not arrive in full.");
  }
  if (inFile) throw new ProxyError(400, "InvalidJson", "The body is not valid JSON.");
  decoded.finish();
  let fields: unknown;
  try {
    fields = JSON.parse(utf8.decode(Buffer.concat(rest)));
  } catch {
    throw new ProxyError(400, "InvalidJson", "The body is not valid JSON encoded as UTF-8.");
  }
  if (typeof fields !== "object" || fields === null || Array.isArray(fields))
    throw new ProxyError(
      400,
      "InvalidBody",
      "The body must be a JSON object: {name, contentType, contentBase64}.",
    );
  const body = fields as Record<string, unknown>;
  if (files === 0 && typeof body.contentBase64 === "string") {
    // The key was written with escapes (\u0063…): decode the value JSON.parse read.
    if (/[^\x00-\x7f]/.test(body.contentBase64)) throw invalid();
    const text = Buffer.from(body.contentBase64, "latin1");
    decoded.push(text, 0, text.length);
    decoded.finish();
    files = 1;
  }
  return { fields: body, data: files === 1 ? decoded.buffer.subarray(0, decoded.size) : undefined };
}
