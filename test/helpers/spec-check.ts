import { createRequire } from "node:module";
import type { Ajv } from "ajv";
import { OpenAPIBackend } from "openapi-backend";
import type { OpenAPIObject } from "openapi3-ts/oas30";
import type { Harness } from "./proxy-harness.js";

const require = createRequire(import.meta.url);
const addFormats = (require("ajv-formats") as { default: (ajv: Ajv, formats: string[]) => Ajv }).default;

/** One call through the proxy, as the checker saw it. */
export type CheckedCall = {
  method: string;
  path: string;
  status: number;
  body: any;
  headers: Headers;
  /** The spec's operation the request matched, if any. */
  operationId: string | undefined;
  /** What openapi-backend found wrong with the request (empty: the spec allows it). */
  requestErrors: string[];
  /** What openapi-backend found wrong with the answer (empty: the spec allows it). */
  responseErrors: string[];
};

export type SpecChecker = {
  /** Sends a request through the harness's proxy and checks both the request and the answer against the spec. */
  call(
    method: string,
    path: string,
    options?: { body?: unknown; headers?: Record<string, string>; raw?: string },
  ): Promise<CheckedCall>;
  /** Checks an answer of `operationId` against the spec (for answers not obtained through `call`). */
  checkResponse(operationId: string, status: number, body: unknown, headers?: Headers): string[];
  /** The success status each operation declares. */
  successOf(operationId: string): number;
};

const describeErrors = (
  errors: ReadonlyArray<{ instancePath?: string; message?: string; params?: unknown }> | null | undefined,
) =>
  (errors ?? []).map((e) =>
    `${e.instancePath || "/"} ${e.message ?? ""} ${JSON.stringify(e.params ?? {})}`.trim(),
  );

/**
 * A checker of requests and answers against `spec` with openapi-backend (a validator this project did not write):
 * parameters (coerced from the query string), request bodies, and each answer against the response its status
 * selects (the declared code, else `default`), with the date and date-time formats checked. Response headers are
 * checked where declared (Salesforce forbids declaring them, so the generated specs declare none).
 */
export async function createSpecChecker(spec: OpenAPIObject, harness: Harness): Promise<SpecChecker> {
  const api = new OpenAPIBackend({
    // A JSON copy: openapi-backend turns objects met twice (the generator shares some) into $refs.
    definition: JSON.parse(JSON.stringify(spec)),
    validate: true,
    coerceTypes: true,
    customizeAjv: (ajv) => {
      addFormats(ajv as unknown as Ajv, ["date", "date-time"]);
      return ajv;
    },
  });
  await api.init();
  const successOf = (operationId: string) => {
    const operation = api.router.getOperation(operationId);
    const code = Object.keys(operation?.responses ?? {}).find((c) => /^2\d\d$/.test(c));
    if (code === undefined) throw new Error(`${operationId} declares no success status`);
    return Number(code);
  };
  const checkResponse = (operationId: string, status: number, body: unknown, headers?: Headers): string[] => {
    const operation = api.router.getOperation(operationId);
    if (operation === undefined) return [`no operation ${operationId}`];
    const declared = Object.keys(operation.responses ?? {});
    const problems: string[] = [];
    // `default` covers errors; a success must be the one declared (a 2xx under default would be a surprise).
    if (status < 400 && !declared.includes(String(status)))
      problems.push(`status ${status} is not the declared success (${declared.join(", ")})`);
    if (!declared.includes(String(status)) && !declared.includes("default"))
      problems.push(`status ${status} is not declared and there is no default response`);
    const response = (operation.responses?.[String(status)] ?? operation.responses?.default) as
      | { content?: Record<string, unknown> }
      | undefined;
    const hasJson = response?.content?.["application/json"] !== undefined;
    if (hasJson && body === undefined) problems.push(`status ${status} came without the declared JSON body`);
    if (!hasJson && body !== undefined)
      problems.push(`status ${status} came with a body the spec does not declare`);
    if (hasJson && headers !== undefined && !/^application\/json\b/.test(headers.get("content-type") ?? ""))
      problems.push(`status ${status} came as ${headers.get("content-type")}, not application/json`);
    // A status without content is checked as an empty (null) body.
    const result = api.validator.validateResponse(body === undefined ? null : body, operation, status);
    problems.push(...describeErrors(result.errors));
    if (headers !== undefined) {
      const plain = Object.fromEntries(headers.entries());
      const headerResult = api.validator.validateResponseHeaders(plain, operation, { statusCode: status });
      problems.push(...describeErrors(headerResult.errors));
    }
    return problems;
  };
  return {
    successOf,
    checkResponse,
    async call(method, path, options = {}) {
      const url = new URL(path, "http://localhost");
      const query: Record<string, string | string[]> = {};
      for (const [key, value] of url.searchParams) {
        const seen = query[key];
        query[key] = seen === undefined ? value : Array.isArray(seen) ? [...seen, value] : [seen, value];
      }
      const headers: Record<string, string> = {
        ...(options.body !== undefined || options.raw !== undefined
          ? { "content-type": "application/json" }
          : {}),
        ...options.headers,
      };
      const request = {
        method,
        path: url.pathname,
        query,
        headers,
        body: options.raw !== undefined ? options.raw : options.body,
      };
      const operation = api.router.matchOperation(request);
      const requestErrors =
        operation === undefined
          ? [`no operation of the spec is ${method} ${url.pathname}`]
          : describeErrors(api.validator.validateRequest(request, operation).errors);
      const answer = await harness.call(method, path, { ...options, headers });
      const responseErrors =
        operation === undefined
          ? []
          : checkResponse(operation.operationId as string, answer.status, answer.body, answer.headers);
      return {
        method,
        path,
        status: answer.status,
        body: answer.body,
        headers: answer.headers,
        operationId: operation?.operationId,
        requestErrors,
        responseErrors,
      };
    },
  };
}
