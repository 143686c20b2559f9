import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import type { OpenAPIObject } from "openapi3-ts/oas30";

/** The package's templates/ folder (data read at run time: base spec, config schema, sample apps). */
export const TEMPLATES_DIR = fileURLToPath(new URL("../templates/", import.meta.url));

/** Reads a JSON file from templates/. */
export async function readTemplateJson<T>(name: string): Promise<T> {
  return JSON.parse(await readFile(`${TEMPLATES_DIR}${name}`, "utf8")) as T;
}

export const readBaseSpec = () => readTemplateJson<OpenAPIObject>("base-spec.json");

/** Snapshot directory of the bundled sample apps (`generate --demo`, `sandbox`). */
export const SAMPLE_APPS_DIR = `${TEMPLATES_DIR}sample-apps`;
