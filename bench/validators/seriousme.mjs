// Validates an OpenAPI file with @seriousme/openapi-schema-validator (the official JSON Schemas, ajv), for bench/run.js.
import { readFileSync } from "node:fs";
import { Validator } from "@seriousme/openapi-schema-validator";

const validator = new Validator();
const result = await validator.validate(JSON.parse(readFileSync(process.argv[2], "utf8")));
process.stdout.write(`${JSON.stringify({ valid: result.valid })}\n`);
