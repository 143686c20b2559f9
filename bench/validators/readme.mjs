// Validates an OpenAPI file with @readme/openapi-parser (schema and spec checks), for bench/run.js.
import { validate } from "@readme/openapi-parser";

const result = await validate(process.argv[2]);
process.stdout.write(`${JSON.stringify({ valid: result.valid })}\n`);
