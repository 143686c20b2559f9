import { classifyKintoneAnswer } from "../kintone/failures.js";
import type { PropertyInfo, PropertyMap } from "../odata/translate-filter.js";
import { type ErrorDetail, ProxyError } from "./errors.js";
import {
  CallAbortedError,
  KintoneApiError,
  KintoneBadResponseError,
  KintoneNetworkError,
} from "./kintone-client.js";

/**
 * Our property path for a Kintone error key: "record.Company_name.value" → "companyName", rows → "lineItems[0].product".
 * Updates of several records (records.json PUT, upsert) key their errors "records[3].record.Company_name.value"; a
 * field may itself be coded "record", so each reading is tried and the first that names a property wins.
 */
function targetOf(key: string, properties: PropertyMap): string {
  const byCode = new Map<string, PropertyInfo>([...properties.values()].map((p) => [p.code, p]));
  for (const prefix of [/^records\[\d+\]\.record/, /^records?(?:\[\d+\])?/]) {
    const head = prefix.exec(key)?.[0];
    if (head === undefined) continue;
    const rest = key.slice(head.length);
    const rowMatch = /^\.([^.[]+)\.value\[(\d+)\]\.value\.([^.[]+)/.exec(rest);
    if (rowMatch) {
      const table = byCode.get(rowMatch[1] as string);
      const column = [...(table?.rows?.values() ?? [])].find((p) => p.code === rowMatch[3]);
      if (table && column) return `${table.name}[${rowMatch[2]}].${column.name}`;
    }
    const code = /^(?:\.|\[)([^.[\]]+)/.exec(rest)?.[1];
    const info = code !== undefined ? byCode.get(code) : undefined;
    if (info !== undefined) return info.name;
  }
  return key;
}

/**
 * Maps what a Kintone call failed with onto the proxy's error answer (design.md §5). Kintone's validation errors
 * become 400 with one detail per property, in the spec's property names; a refused Kintone credential is a 502 (the
 * caller's key was fine); messages never carry Kintone credentials or request ids.
 */
export function mapKintoneError(error: unknown, properties: PropertyMap): ProxyError {
  if (error instanceof ProxyError) return error;
  if (error instanceof CallAbortedError)
    return new ProxyError(499, "ClientClosedRequest", "The caller disconnected before the answer was ready.");
  if (error instanceof KintoneApiError) {
    const text = error.kintoneMessage.replace(/ \([A-Za-z0-9_-]+\)$/, "");
    const retryAfter = (fallback: number) => ({
      headers: { "retry-after": String(Math.max(1, Math.ceil(error.retryAfterSeconds ?? fallback))) },
    });
    switch (classifyKintoneAnswer(error.status, error.code)) {
      case "unavailable":
        if (error.status !== 503)
          return new ProxyError(502, "KintoneError", `Kintone answered with an error (${error.code}).`);
        return new ProxyError(
          503,
          "KintoneUnavailable",
          "Kintone answered HTTP 503 without an API answer (maintenance?); retry later.",
          retryAfter(30),
        );
      case "throttled":
        return new ProxyError(
          429,
          "KintoneBusy",
          "Kintone is handling too many requests at once; retry shortly.",
          retryAfter(2),
        );
      case "cursor-limit":
        return new ProxyError(
          503,
          "ProxyBusy",
          "Kintone's cursors for deep listings are all in use (10 per domain); retry shortly.",
          retryAfter(30),
        );
      case "validation": {
        if (!error.errors || typeof error.errors !== "object") break;
        const details: ErrorDetail[] = Object.entries(
          error.errors as Record<string, { messages?: string[] }>,
        ).map(([key, value]) => ({
          code: "InvalidValue",
          target: targetOf(key, properties),
          message: (Array.isArray(value?.messages) ? value.messages : []).map(String).join(" "),
        }));
        return new ProxyError(
          400,
          "ValidationFailed",
          `Kintone refused the record: ${details.map((d) => `${d.target}: ${d.message}`).join("; ")}`.slice(
            0,
            1000,
          ),
          { details },
        );
      }
      case "record-not-found":
        return new ProxyError(404, "NotFound", "No record with this ID.");
      case "conflict":
        return new ProxyError(
          409,
          "Conflict",
          "The record changed since the given revision: read it again and retry with its current revision.",
        );
      case "lookup-not-found":
        return new ProxyError(
          400,
          "LookupNotFound",
          `A lookup value matches no record of the related app: ${text}`,
        );
      case "credentials":
      case "permission":
        return new ProxyError(
          502,
          "KintoneAuthFailed",
          `Kintone refused the proxy's credentials (${error.code}); the proxy's operator must fix its Kintone settings.`,
        );
      case "app-not-found":
      case "guest-space":
        return new ProxyError(
          502,
          "KintoneAppNotFound",
          `The Kintone app behind this operation cannot be reached (${error.code}); the proxy's operator must regenerate the spec.`,
        );
      case "query":
        return new ProxyError(400, "InvalidQuery", `Kintone refused the query: ${text}`);
      default:
        break;
    }
    if (error.status >= 400 && error.status < 500)
      return new ProxyError(400, "KintoneRejected", `Kintone refused the request (${error.code}): ${text}`);
    return new ProxyError(502, "KintoneError", `Kintone answered with an error (${error.code}).`);
  }
  if (error instanceof KintoneBadResponseError)
    return new ProxyError(
      502,
      "KintoneBadResponse",
      `${error.message}; the proxy's operator must check its Kintone URL.`,
    );
  if (error instanceof KintoneNetworkError) {
    if (error.code === "ETIMEDOUT")
      return new ProxyError(504, "KintoneTimeout", "Kintone did not answer in time; retry later.");
    return new ProxyError(
      502,
      "KintoneUnreachable",
      `The proxy could not reach Kintone (${error.code}); retry later.`,
    );
  }
  return new ProxyError(502, "KintoneError", "The call to Kintone failed; retry later.");
}
