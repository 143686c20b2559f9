import { APEX_RESERVED_WORDS } from "../generate/names.js";

const PLAIN = /^[A-Za-z][A-Za-z0-9]*$/;

/**
 * Predicts the Apex name External Services derives from a name: characters outside [A-Za-z0-9] (and `_`, and a
 * leading digit) become `x` + their UTF-8 bytes in hex, and reserved words get a `z0` prefix
 * (salesforce-external-services.md §3; the byte-wise form for non-ASCII is inferred).
 */
export function apexName(name: string): string {
  if (APEX_RESERVED_WORDS.has(name.toLowerCase())) return `z0${name}`;
  if (PLAIN.test(name)) return name;
  let out = "";
  let first = true;
  for (const char of name) {
    const ascii = /^[A-Za-z0-9]$/.test(char) && !(first && /[0-9]/.test(char));
    out += ascii
      ? char
      : [...new TextEncoder().encode(char)].map((byte) => `x${byte.toString(16).padStart(2, "0")}`).join("");
    first = false;
  }
  return out;
}

/** True when a name reaches Apex unchanged. */
export function isPlainApexName(name: string): boolean {
  return apexName(name) === name;
}
