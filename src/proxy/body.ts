import type { IncomingMessage } from "node:http";
import { ProxyError } from "./errors.js";

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** More significant digits than a double holds exactly. */
const MAX_DIGITS = 15;

/** A decimal number's digits and exponent, without leading or trailing zeros ("1.50e2" and "150" are alike). */
function decimalKey(text: string): string {
  const match = /^(-?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/.exec(text);
  if (match === null) return text;
  const [, sign = "", whole = "", fraction = "", exponent = "0"] = match;
  const digits = `${whole}${fraction}`;
  const lead = digits.length - digits.replace(/^0+/, "").length;
  const significant = digits.replace(/^0+/, "").replace(/0+$/, "");
  if (significant === "") return "0";
  const point = whole.length - lead + Number(exponent);
  return `${sign}${significant}e${point}`;
}

/**
 * The first JSON number in `text` (outside strings) with more significant digits than a double keeps: JSON.parse
 * would round it silently, and a rounded amount must not reach Kintone.
 */
export function inexactNumber(text: string): string | undefined {
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const char = text.charCodeAt(i);
    if (inString) {
      if (char === 92) i++;
      else if (char === 34) inString = false;
      continue;
    }
    if (char === 34) {
      inString = true;
      continue;
    }
    if (char === 45 || (char >= 48 && char <= 57)) {
      let end = i + 1;
      while (end < text.length && /[0-9.eE+-]/.test(text[end] as string)) end++;
      const token = text.slice(i, end);
      const mantissa = (token.split(/[eE]/)[0] as string)
        .replace(/[-.]/g, "")
        .replace(/^0+/, "")
        .replace(/0+$/, "");
      // Past 15 digits a number is taken when the double it parses to writes back as the same decimal (what Apex
      // and JavaScript print, such as 59.970000000000006); otherwise JSON.parse would round it without a word.
      if (mantissa.length > MAX_DIGITS && decimalKey(token) !== decimalKey(String(Number(token))))
        return token;
      // Too small for a double: JSON.parse would make it 0 (or a rounded subnormal) without a word.
      const value = Math.abs(Number(token));
      if (mantissa !== "" && value < Number.MIN_VALUE * 2 ** 52) return token;
      i = end - 1;
    }
  }
  return undefined;
}

/**
 * How deep a body's arrays and objects may nest. The deepest body a spec describes (a bulk write of records whose
 * table rows hold users) nests about 10 levels; JSON.parse of millions of levels takes seconds and hundreds of MB.
 */
export const MAX_JSON_DEPTH = 64;

/** Whether `text` nests arrays and objects deeper than `max` (outside strings): checked before it is parsed. */
export function nestsDeeperThan(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const char = text.charCodeAt(i);
    if (inString) {
      if (char === 92) i++;
      else if (char === 34) inString = false;
    } else if (char === 34) inString = true;
    else if (char === 123 || char === 91) {
      if (++depth > max) return true;
    } else if (char === 125 || char === 93) depth--;
  }
  return false;
}

/**
 * Checks that a request declares an uncompressed JSON body in UTF-8 (415 otherwise): the one check of every reader
 * of JSON bodies. A compressed or otherwise-encoded body was read as if it were plain UTF-8 JSON (found by an outside
 * attack: Content-Encoding gzip and charset latin1 were ignored).
 */
export function checkJsonHeaders(req: IncomingMessage): void {
  const type = req.headers["content-type"] ?? "";
  if (!/^application\/json\s*(;|$)/i.test(type)) {
    throw new ProxyError(
      415,
      "UnsupportedMediaType",
      "Send the body as JSON with Content-Type: application/json.",
    );
  }
  const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(type)?.[1];
  if (charset !== undefined && !/^utf-?8$/i.test(charset))
    throw new ProxyError(
      415,
      "UnsupportedMediaType",
      `Send the JSON body in UTF-8, not ${charset.slice(0, 40)}.`,
    );
  const encoding = req.headers["content-encoding"];
  if (encoding !== undefined && !/^\s*identity\s*$/i.test(encoding))
    throw new ProxyError(
      415,
      "UnsupportedMediaType",
      `Send the JSON body uncompressed: this proxy does not take Content-Encoding ${encoding.slice(0, 40)}.`,
    );
}

/**
 * Reads a JSON body: only application/json, at most `limit` bytes (checked on the declared length and again as it
 * arrives), valid UTF-8, and no number JSON would round. Each failure is a 4xx naming the fix.
 */
export async function readJsonBody(req: IncomingMessage, limit: number): Promise<unknown> {
  checkJsonHeaders(req);
  const tooLarge = () => new ProxyError(413, "PayloadTooLarge", `The body is larger than ${limit} bytes.`);
  const declared = Number(req.headers["content-length"] ?? 0);
  if (declared > limit) throw tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of req) {
      size += (chunk as Buffer).length;
      if (size > limit) throw tooLarge();
      chunks.push(chunk as Buffer);
    }
  } catch (error) {
    if (error instanceof ProxyError) throw error;
    // The caller hung up or the connection broke mid-body: nothing to answer, and not the proxy's fault.
    throw new ProxyError(400, "IncompleteBody", "The body did not arrive in full.");
  }
  let text: string;
  try {
    text = utf8.decode(Buffer.concat(chunks));
  } catch {
    throw new ProxyError(400, "InvalidJson", "The body is not valid UTF-8: send JSON encoded as UTF-8.");
  }
  // Found by an outside attack: a 12 MB body of nested brackets took 700 MB and blocked the proxy for 6 s.
  if (nestsDeeperThan(text, MAX_JSON_DEPTH))
    throw new ProxyError(
      400,
      "InvalidJson",
      `The body nests arrays and objects more than ${MAX_JSON_DEPTH} levels deep: send the records as the spec describes them.`,
    );
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new ProxyError(400, "InvalidJson", "The body is not valid JSON.");
  }
  const inexact = inexactNumber(text);
  if (inexact !== undefined) {
    throw new ProxyError(
      400,
      "InexactNumber",
      `The number ${inexact.slice(0, 40)} cannot be held exactly by a JSON number (more than ${MAX_DIGITS} significant digits, or too close to zero): send it as a decimal string.`,
    );
  }
  return body;
}
