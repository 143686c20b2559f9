import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ALL_OPERATIONS, type OperationName } from "../../src/generate/build-document.js";
import { SAMPLE_APPS_DIR } from "../../src/templates.js";
import { FIXTURES } from "../helpers/cli.js";
import { exampleCreateBody } from "../helpers/example-record.js";
import { fixtureDirs, type Harness, startHarness } from "../helpers/proxy-harness.js";
import { lookupKeys, RELATED_RECORDS, withRelatedApp } from "../helpers/related-app.js";
import { type GeneratedRequest, requestArbitraries } from "../helpers/spec-arbitraries.js";
import { type CheckedCall, createSpecChecker, type SpecChecker } from "../helpers/spec-check.js";

/**
 * Property-based API test: requests generated from the spec (parameters and bodies from its schemas, with nulls,
 * boundaries, empty strings, wrong types, unknown and repeated `$` options, odd ids) go to `serve` over the sandbox.
 * Whatever is sent: no 5xx, a success only with the declared status, errors among the statuses the default response
 * lists, and every answer valid against the spec (errors as ErrorResponse). A request the spec allows may only be
 * refused for what its schemas cannot say (filter grammar, unknown names, numbers JSON cannot hold, Kintone's own
 * checks); any other refusal is the spec and the proxy disagreeing.
 *
 * PROPERTY_RUNS (default 25) requests per operation; PROPERTY_SEED fixes the seed (default: a fixed one in `npm test`,
 * so a failure reproduces; "random" for a new one each run, as `npm run soak` does with 1000 requests per operation).
 */
const RUNS = Number(process.env.PROPERTY_RUNS ?? 25);
const SEED = process.env.PROPERTY_SEED === "random" ? undefined : Number(process.env.PROPERTY_SEED ?? 20_251);

const ALL = [...ALL_OPERATIONS];
const dirs: Array<[string, string, (readonly OperationName[])?]> = [
  ...(await fixtureDirs(FIXTURES)).map((name): [string, string] => [name, join(FIXTURES, name)]),
  ["sample-apps", SAMPLE_APPS_DIR],
  // Every opt-in operation too (files, status, comments, upsert, bulk), on the demo apps.
  ["sample-apps with every operation", SAMPLE_APPS_DIR, ALL],
];

/** Values of lookup keys that name a record of the related app (any other value is Kintone's LookupNotFound). */
const LOOKUP_VALUES: Record<string, Record<string, fc.Arbitrary<unknown>>> = {
  "sample-apps": { customer: fc.constantFrom("Acme Robotics", null) },
  "java-client-all-types": { lookup: fc.integer({ min: 1, max: RELATED_RECORDS }) },
};

/** Error statuses the proxy answers without Kintone failing (the sandbox here is healthy and fast). */
const ERROR_STATUSES = new Set([400, 401, 404, 409, 410, 413, 415]);

/**
 * Refusals of a request the spec allows that are documented rather than expressible in a schema: the grammar of
 * $filter, $orderby and $select, property names, the contents of a skipToken, the call budget of a deep $skip,
 * numbers of more than 15 significant digits, and what Kintone itself checks (unique values, lookups, options of a
 * table column...). Anything else is a disagreement between the spec and the proxy.
 */
function documentedRefusal(call: CheckedCall): boolean {
  const error = call.body?.error ?? {};
  switch (error.code) {
    case "InvalidFilter":
    case "InvalidSkipToken":
    case "SkipTooDeep":
    case "InexactNumber":
    case "LookupNotFound":
    case "KintoneRejected":
    case "InvalidQuery":
    case "Conflict":
    case "NotFound":
    // What the record's state decides (its process status, the file it holds), not the request's shape.
    case "ActionNotAvailable":
    case "FileNotFound":
      return true;
    case "InvalidId":
      // The validator reads "1e3" or "01" as an integer; the proxy takes ids in plain decimal digits only.
      return !/\/[1-9][0-9]*(\?|$)/.test(call.path);
    case "InvalidParameter":
      return ["$filter", "$orderby", "$select"].includes(error.target);
    case "ValidationFailed":
      // Kintone's own checks; properties an input does not list (no schema says additionalProperties: false, which
      // Salesforce would read as a map); a property both given and named in clearFields (a rule across properties).
      // Rules across properties of the bulk bodies: an entry names its record by id or by keyProperty with
      // keyValue; revisions, when given, pair with ids one to one.
      return (
        (typeof error.message === "string" &&
          (error.message.includes("Kintone refused") ||
            error.message.includes("is both given a value and named in clearFields") ||
            error.message.includes("Give either id or keyProperty and keyValue") ||
            error.message.includes("keyValue must be the value of") ||
            error.message.includes("must be a list as long as ids"))) ||
        (Array.isArray(error.details) &&
          error.details.length > 0 &&
          error.details.every(
            (d: { code: string }) => d.code === "UnknownProperty" || d.code === "ReadOnlyProperty",
          ))
      );
    default:
      return false;
  }
}

describe.each(dirs)("requests generated from the spec of %s", (title, dir, operations) => {
  // The fixture's name, for its lookup values (the title may say more).
  const name = title.split(" ")[0] as string;
  let h: Harness;
  let cleanup: (() => Promise<void>) | undefined;
  let checker: SpecChecker;
  const ids: number[] = [];
  const tokens: string[] = [];
  beforeAll(async () => {
    let data: string = dir;
    if (name.startsWith("java-client-all-types")) ({ dir: data, cleanup } = await withRelatedApp(dir));
    h = await startHarness(data, operations !== undefined ? { operations } : {});
    checker = await createSpecChecker(h.spec, h);
    // Records that exist (five more per app, made from the create schema), so that generated gets, updates and
    // deletes reach some, and skipTokens to continue listings with.
    let made = 0;
    for (const [path, item] of Object.entries<Record<string, any>>(h.spec.paths)) {
      if (path.includes("{")) continue;
      const create = item.post?.requestBody?.content["application/json"].schema.$ref.split("/").pop();
      for (let i = 0; i < 5 && create !== undefined; i++) {
        const body = exampleCreateBody(h.spec as Record<string, any>, create);
        await h.call("POST", path, { body: { ...body, ...lookupKeys(name, ++made) } });
      }
      const listed = await h.call("GET", `${path}?$top=3`);
      for (const record of listed.body?.value ?? []) ids.push(record.id);
      if (typeof listed.body?.skipToken === "string") tokens.push(listed.body.skipToken);
    }
  });
  afterAll(async () => {
    await h?.close();
    await cleanup?.();
  });

  it(
    "answers every generated request with a declared status and an answer valid against the spec",
    async () => {
      const arbitraries = requestArbitraries(h.spec, {
        ids: () => (ids.length > 0 ? ids : [1]),
        tokens: () => tokens,
        values: LOOKUP_VALUES[name] ?? {},
      });
      const problems: string[] = [];
      const seen = new Map<string, number>();
      for (const [operationId, arbitrary] of arbitraries) {
        await fc.assert(
          fc.asyncProperty(arbitrary, async (request: GeneratedRequest) => {
            const call = await checker.call(request.method, request.path, {
              ...(request.body !== undefined ? { body: request.body } : {}),
              ...(request.raw !== undefined ? { raw: request.raw } : {}),
            });
            const kind = `${call.status} ${call.requestErrors.length === 0 ? "spec-valid" : "spec-invalid"}`;
            seen.set(kind, (seen.get(kind) ?? 0) + 1);
            if (kind === "400 spec-valid") {
              const why = `${kind} ${call.body?.error?.code}`;
              seen.set(why, (seen.get(why) ?? 0) + 1);
            }
            if (call.status === 201 && typeof call.body?.id === "number") ids.push(call.body.id);
            if (typeof call.body?.skipToken === "string") tokens.unshift(call.body.skipToken);
            const sent = `${request.method} ${request.path.slice(0, 200)} ${JSON.stringify(request.body ?? request.raw ?? "")?.slice(0, 300)}`;
            const answer = `${call.status} ${JSON.stringify(call.body)?.slice(0, 400)}`;
            const wrong: string[] = [];
            if (call.status >= 500) wrong.push("a 5xx");
            if (call.status < 400 && call.status !== checker.successOf(operationId))
              wrong.push(`a success other than the declared ${checker.successOf(operationId)}`);
            if (call.status >= 400 && !ERROR_STATUSES.has(call.status))
              wrong.push("a status the default response does not list");
            wrong.push(...call.responseErrors.map((e) => `answer not as the spec says: ${e}`));
            if (call.requestErrors.length === 0 && call.status === 400 && !documentedRefusal(call))
              wrong.push("the spec allows this request, but the proxy refuses it");
            if (wrong.length > 0) problems.push(`${operationId}: ${sent} → ${answer}: ${wrong.join("; ")}`);
            // Shrinking would resend many requests to find a smaller one: report, and let the loop go on.
            return true;
          }),
          { numRuns: RUNS, ...(SEED !== undefined ? { seed: SEED } : {}) },
        );
      }
      // PROPERTY_DEBUG=1 prints how often each status came, and why requests the spec allows were refused.
      if (process.env.PROPERTY_DEBUG) console.log(name, JSON.stringify([...seen].sort(), null, 1));
      // Each kind of answer was met: the generators reach the successes as well as the refusals.
      for (const kind of [
        "200 spec-valid",
        "201 spec-valid",
        "204 spec-valid",
        "400 spec-invalid",
        "404 spec-valid",
      ])
        expect(seen.get(kind) ?? 0, `${kind} answers`).toBeGreaterThan(0);
      expect(problems.slice(0, 30), problems.slice(0, 30).join("\n")).toEqual([]);
      // Up to 15 operations of RUNS requests each, a few milliseconds a request (more on a busy machine).
    },
    30_000 + RUNS * 300,
  );
});
