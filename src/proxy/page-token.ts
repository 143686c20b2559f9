import { createHash } from "node:crypto";
import { ProxyError } from "./errors.js";

/**
 * Where a listing continues: after a record id (seek), at an offset, or in a Kintone cursor. `f` fingerprints the
 * $filter/$orderby/$select it was made for, so a token cannot be replayed against another query.
 */
export type PageToken =
  | { m: "seek"; last: number; f: string }
  | { m: "offset"; skip: number; f: string }
  | { m: "cursor"; id: string; f: string };

export function fingerprint(parts: readonly string[]): string {
  return createHash("sha256").update(parts.join("\u0000")).digest("base64url").slice(0, 12);
}

export function encodeToken(token: PageToken): string {
  return Buffer.from(JSON.stringify(token)).toString("base64url");
}

/** Decodes and checks a $skiptoken; anything malformed or made for another query is a 400. */
export function decodeToken(text: string, print: string): PageToken {
  const invalid = (why: string) =>
    new ProxyError(
      400,
      "InvalidSkipToken",
      `$skiptoken ${why}: use the skipToken of the previous page unchanged, with the same $filter, $orderby and $select.`,
      { target: "$skiptoken" },
    );
  let token: unknown;
  try {
    if (text.length > 512 || !/^[A-Za-z0-9_-]+$/.test(text)) throw new Error("shape");
    token = JSON.parse(Buffer.from(text, "base64url").toString("utf8"));
  } catch {
    throw invalid("is not one this proxy made");
  }
  const t = token as Record<string, unknown>;
  const valid =
    typeof t === "object" &&
    t !== null &&
    typeof t.f === "string" &&
    ((t.m === "seek" && Number.isSafeInteger(t.last) && (t.last as number) > 0) ||
      (t.m === "offset" && Number.isSafeInteger(t.skip) && (t.skip as number) >= 0) ||
      (t.m === "cursor" && typeof t.id === "string" && /^[A-Za-z0-9-]{1,100}$/.test(t.id)));
  if (!valid) throw invalid("is not one this proxy made");
  if (t.f !== print) throw invalid("was made for a different query");
  return token as PageToken;
}
