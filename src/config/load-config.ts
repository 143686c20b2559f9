import { existsSync } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import { createRequire } from "node:module";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import type { ErrorObject, ValidateFunction } from "ajv";
import { ConfigError } from "../errors.js";
import type { OperationName } from "../generate/build-document.js";
import { readTemplateJson } from "../templates.js";
import { JsonSyntaxError, parseJsonText } from "../util/json-file.js";

export const DEFAULT_CONFIG_FILE = "kintone-openapi.config.json";

/** The config file's content (templates/config.schema.json). */
export type ConfigFile = {
  baseUrl?: string;
  username?: string;
  basicAuthUsername?: string;
  pfxFilePath?: string;
  guestSpaceId?: string | number;
  preview?: boolean;
  concurrency?: number;
  timeoutSeconds?: number;
  apps?: Record<string, { name?: string; plural?: string; fields?: Record<string, string> }>;
  proxyUrl?: string;
  output?: string;
  operations?: OperationName[];
  title?: string;
  version?: string;
  description?: string;
  validate?: { rules?: Record<string, "off" | "warning" | "error"> };
  /** Defaults of `kintone-openapi salesforce` (and set-key's serviceName, apiVersion): a flag given wins. */
  salesforce?: {
    serviceName?: string;
    operations?: string[];
    header?: string;
    output?: string;
    apiVersion?: string;
  };
};

export type LoadedConfig = { path: string | undefined; config: ConfigFile };

/** Keys that would hold a secret: refused, so secrets never sit in a file that gets committed. */
const SECRET_KEYS: Record<string, string> = {
  password: "KINTONE_PASSWORD (or --password)",
  apiToken: "KINTONE_API_TOKEN (or --api-token)",
  apiTokens: "KINTONE_API_TOKEN (or --api-token)",
  token: "KINTONE_API_TOKEN (or --api-token)",
  oauthToken: "KINTONE_OAUTH_TOKEN (or --oauth-token)",
  oAuthToken: "KINTONE_OAUTH_TOKEN (or --oauth-token)",
  basicAuthPassword: "KINTONE_BASIC_AUTH_PASSWORD (or --basic-auth-password)",
  pfxFilePassword: "KINTONE_PFX_FILE_PASSWORD (or --pfx-file-password)",
  apiKeys: "KINTONE_OPENAPI_API_KEYS",
};

let validator: ValidateFunction | undefined;

async function getValidator(): Promise<ValidateFunction> {
  if (validator === undefined) {
    // The build compiles the schema ahead of time (scripts/build-openapi-validator.mjs), saving ~110 ms a run.
    const generated = new URL("./generated/config-schema.cjs", import.meta.url);
    if (existsSync(generated)) {
      validator = createRequire(import.meta.url)(fileURLToPath(generated)) as ValidateFunction;
      return validator;
    }
    const { Ajv } = await import("ajv");
    const ajv = new Ajv({ allErrors: false, strict: false });
    validator = ajv.compile(await readTemplateJson<object>("config.schema.json"));
  }
  return validator;
}

/** One sentence for the first schema error, naming its JSON pointer. */
function describeSchemaError(error: ErrorObject): string {
  const pointer = error.instancePath === "" ? "/" : error.instancePath;
  if (error.propertyName !== undefined) {
    return `has a key "${error.propertyName}" under ${pointer} that is not an app id (a positive whole number)`;
  }
  switch (error.keyword) {
    case "additionalProperties": {
      const key = (error.params as { additionalProperty: string }).additionalProperty;
      const at = `${error.instancePath}/${key}`;
      return `has an unknown setting "${key}" at ${at}: remove it or check its spelling`;
    }
    case "enum":
      return `has ${pointer} set to a value it does not take: use one of ${((error.params as { allowedValues: unknown[] }).allowedValues ?? []).join(", ")}`;
    case "pattern":
      return `has ${pointer} in the wrong form (it must match ${(error.params as { pattern: string }).pattern})`;
    case "type":
      return `has ${pointer} of the wrong type (it must be ${(error.params as { type: string }).type})`;
    default:
      return `has ${pointer} that ${error.message ?? "is invalid"}`;
  }
}

/** Checks a parsed config against the shipped JSON Schema; throws a ConfigError naming the pointer. */
export async function checkConfig(value: unknown, path: string): Promise<ConfigFile> {
  if (typeof value === "object" && value !== null && !Array.isArray(value)) {
    for (const key of Object.keys(value)) {
      const env = SECRET_KEYS[key];
      if (env !== undefined) {
        throw new ConfigError(
          `${path} holds "${key}" (/${key}), but secrets are never read from a file: remove it and set ${env} instead.`,
        );
      }
    }
  }
  const validate = await getValidator();
  if (!validate(value)) {
    const first = (validate.errors ?? [])[0];
    throw new ConfigError(`${path} ${first ? describeSchemaError(first) : "is invalid"}.`);
  }
  return value as ConfigFile;
}

/**
 * Loads the config file: the one given with --config (which must exist), else kintone-openapi.config.json in
 * `cwd` when present, else an empty config.
 */
export async function loadConfig(explicitPath: string | undefined, cwd: string): Promise<LoadedConfig> {
  const path = resolve(cwd, explicitPath ?? DEFAULT_CONFIG_FILE);
  let text: string;
  try {
    if ((await stat(path)).isDirectory())
      throw new ConfigError(`${path} is a directory; --config takes a JSON file.`);
    text = await readFile(path, "utf8");
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    if (explicitPath === undefined && (error as NodeJS.ErrnoException).code === "ENOENT")
      return { path: undefined, config: {} };
    throw new ConfigError(
      `cannot read the config file ${path} (${(error as NodeJS.ErrnoException).code ?? "error"}): check --config.`,
    );
  }
  let parsed: unknown;
  try {
    // Like tsconfig.json, the config file may hold comments and trailing commas.
    parsed = parseJsonText(text, path, { comments: true });
  } catch (error) {
    if (error instanceof JsonSyntaxError) throw new ConfigError(`${error.message}.`);
    throw error;
  }
  return { path, config: await checkConfig(parsed, path) };
}
