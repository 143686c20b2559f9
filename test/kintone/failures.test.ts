import { KintoneRestAPIError } from "@kintone/rest-api-client";
import { describe, expect, it } from "vitest";
import { classifyKintoneAnswer, isRetryable } from "../../src/kintone/failures.js";
import { isTransient } from "../../src/kintone/retry.js";
import { isTransientKintoneFailure, KintoneApiError } from "../../src/proxy/kintone-client.js";

describe("Kintone failures are classified in one place", () => {
  it.each([
    [401, "CB_WA01", "credentials"],
    [520, "CB_AU01", "credentials"],
    [520, "GAIA_IA02", "credentials"],
    [403, "GAIA_NO01", "permission"],
    [403, "CB_NO02", "permission"],
    [429, "GAIA_TO04", "throttled"],
    [429, "GAIA_TM12", "cursor-limit"],
    [400, "CB_VA01", "validation"],
    [404, "GAIA_RE01", "record-not-found"],
    [409, "GAIA_CO02", "conflict"],
    [400, "GAIA_LO04", "lookup-not-found"],
    [404, "GAIA_AP01", "app-not-found"],
    [520, "GAIA_IL23", "guest-space"],
    [400, "GAIA_IQ03", "query"],
    [400, "GAIA_QU01", "query"],
    [503, undefined, "unavailable"],
    [500, "GAIA_XX99", "unavailable"],
    [429, undefined, "throttled"],
    [400, "GAIA_XX99", "refused"],
  ] as const)("HTTP %s %s is %s", (status, code, failure) => {
    expect(classifyKintoneAnswer(status, code)).toBe(failure);
  });

  it("only throttling, outages and network failures are worth a retry", () => {
    expect(isRetryable("throttled")).toBe(true);
    expect(isRetryable("unavailable")).toBe(true);
    expect(isRetryable("cursor-limit")).toBe(false);
    expect(isRetryable("validation")).toBe(false);
  });

  it("generate's retry and the proxy's agree: a cursor limit is not retried by either", () => {
    const body = { code: "GAIA_TM12", id: "x", message: "too many cursors" };
    const restApi = new KintoneRestAPIError({ data: body, status: 429, headers: {} } as never);
    const proxy = new KintoneApiError(429, "GAIA_TM12", "too many cursors", undefined, undefined);
    expect(isTransient(restApi)).toBe(false);
    expect(isTransientKintoneFailure(proxy)).toBe(false);
    const busy = new KintoneRestAPIError({
      data: { ...body, code: "GAIA_TO04" },
      status: 429,
      headers: {},
    } as never);
    expect(isTransient(busy)).toBe(true);
    expect(isTransientKintoneFailure(new KintoneApiError(429, "GAIA_TO04", "", undefined, undefined))).toBe(
      true,
    );
  });
});
