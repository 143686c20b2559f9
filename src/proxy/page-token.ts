import { SKIP_TOKEN_MAX } from "../kintone/limits.js";
import { ProxyError } from "./errors.js";

/**
 * Where a listing continues: after a record id (seek), at an offset, or at a position in a Kintone cursor the proxy
 * holds. Every token names the app (`a`) and the list route (`r`) it was made for, and `f` fingerprints the
 * $filter/$orderby/$select, so a token is refused by any other listing.
 */
export type PageToken =
  | { m: "seek"; last: number; a: string; r: string; f: string }
  | { m: "offset"; skip: number; a: string; r: string; f: string }
  | { m: "cursor"; id: string; p: number; a: string; r: string; f: string };

/** What a token must have been made for. */
export type TokenBinding = { a: string; r: string; f: string };

/**
 * A short fingerprint of the query a token was made for. Not a secret (tokens are not signed: they grant nothing their
 * holder could not list anyway), only a guard against reusing a token with another query, so a fast 53-bit hash
 * (cyrb53) serves; a SHA-256 per page was measurable on the proxy's hot path.
 */
export function fingerprint(parts: readonly string[]): string {
  const text = parts.join("\u0000");
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(36);
}

export function encodeToken(token: PageToken): string {
  return Buffer.from(JSON.stringify(token)).toString("base64url");
}

const whole = (value: unknown, min: number) => Number.isSafeInteger(value) && (value as number) >= min;

/** Decodes and checks a $skiptoken; anything malformed or made for another listing or query is a 400. */
export function decodeToken(text: string, binding: TokenBinding): PageToken {
  const invalid = (why: string) =>
    new ProxyError(
      400,
      "InvalidSkipToken",
      `$skiptoken ${why}: use the skipToken of the previous page unchanged, on the same operation, with the same $filter, $orderby and $select.`,
      { target: "$skiptoken" },
    );
  let token: unknown;
  try {
    if (text.length > SKIP_TOKEN_MAX || !/^[A-Za-z0-9_-]+$/.test(text)) throw new Error("shape");
    token = JSON.parse(Buffer.from(text, "base64url").toString("utf8"));
  } catch {
    throw invalid("is not one this proxy made");
  }
  const t = token as Record<string, unknown>;
  const valid =
    typeof t === "object" &&
    t !== null &&
    typeof t.f === "string" &&
    typeof t.a === "string" &&
    typeof t.r === "string" &&
    ((t.m === "seek" && whole(t.last, 1)) ||
      (t.m === "offset" && whole(t.skip, 0)) ||
      (t.m === "cursor" && typeof t.id === "string" && /^[A-Za-z0-9-]{1,100}$/.test(t.id) && whole(t.p, 0)));
  if (!valid) throw invalid("is not one this proxy made");
  if (t.a !== binding.a || t.r !== binding.r) throw invalid("was made for another operation");
  if (t.f !== binding.f) throw invalid("was made for a different query");
  return token as PageToken;
}
