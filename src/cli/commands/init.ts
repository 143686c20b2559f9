import { mkdir, readFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { type Command, Option } from "commander";
import { applyEdits, modify, parse } from "jsonc-parser";
import { DEFAULT_CONFIG_FILE, loadConfig } from "../../config/load-config.js";
import { type ExitCode, UsageError } from "../../errors.js";
import { TEMPLATES_DIR } from "../../templates.js";
import { writeFileAtomic } from "../../util/atomic-write.js";
import { exists } from "../../util/fs.js";
import { type CommandContext, defineCommand, type RunState } from "../command.js";
import { schemaReference, selfCommand } from "../invocation.js";
import { packageVersion } from "../main.js";
import type { Output } from "../output.js";

export const WORKFLOW_PATH = ".github/workflows/kintone-openapi.yml";

type InitFlags = { ci?: string; force?: boolean; salesforce?: boolean };

/**
 * `kintone-openapi init`: a commented starting config; with --ci github, a GitHub Actions workflow and
 * kintone-openapi pinned in package.json. Files that exist are kept; --force replaces only the file the command is
 * about (the config for `init`, the workflow for `init --ci github`), never the user's config behind a --ci run.
 */
export async function handleInit(
  { output, cwd, wrote }: CommandContext,
  flags: InitFlags,
): Promise<ExitCode> {
  if (flags.salesforce && flags.ci === undefined)
    throw new UsageError("--salesforce adds a deploy job to the CI workflow: use it with --ci github.");
  const version = packageVersion();
  const configPath = resolve(cwd, DEFAULT_CONFIG_FILE);
  const config = (await readFile(join(TEMPLATES_DIR, "kintone-openapi.config.jsonc"), "utf8")).replace(
    /"\$schema": "[^"]*"/,
    `"$schema": ${JSON.stringify(schemaReference(cwd, version))}`,
  );
  const files: Array<{ target: string; text: string; forced: boolean }> = [
    { target: DEFAULT_CONFIG_FILE, text: config, forced: flags.force === true && flags.ci === undefined },
  ];
  if (flags.ci !== undefined) {
    files.push({
      target: WORKFLOW_PATH,
      text: workflowFor(
        await readFile(join(TEMPLATES_DIR, "ci/github-workflow.yml"), "utf8"),
        await configuredOutput(configPath),
        flags.salesforce
          ? await readFile(join(TEMPLATES_DIR, "ci/github-salesforce-job.yml"), "utf8")
          : undefined,
      ),
      forced: flags.force === true,
    });
    await checkPackageJson(cwd);
  }
  let written = 0;
  for (const { target, text, forced } of files) {
    const path = resolve(cwd, target);
    const present = await exists(path);
    if (present && !forced) {
      output.info(
        `Kept ${target}${flags.ci === undefined || target !== WORKFLOW_PATH ? "" : " (--force replaces it)"}`,
      );
      continue;
    }
    await mkdir(dirname(path), { recursive: true });
    await writeFileAtomic(path, text);
    wrote(target);
    written++;
    output.info(`${output.color.green(present ? "Replaced" : "Wrote")} ${target}`);
  }
  if (flags.ci !== undefined) await pinInPackageJson(cwd, version, output);
  if (written === 0 && flags.ci === undefined) {
    throw new UsageError(`${DEFAULT_CONFIG_FILE} already exists: edit it, or pass --force to replace it.`);
  }
  if (await exists(configPath)) {
    // What the config still lacks (found by an outside attack: a config that interactive generate had saved was
    // told to set what it already held).
    const { config } = await loadConfig(configPath, dirname(configPath));
    const sample = parse(await readFile(join(TEMPLATES_DIR, "kintone-openapi.config.jsonc"), "utf8")) as {
      baseUrl?: string;
      apps?: unknown;
    };
    const missing = [
      config.baseUrl === undefined || config.baseUrl === sample.baseUrl ? "baseUrl" : undefined,
      config.apps === undefined ||
      Object.keys(config.apps).length === 0 ||
      JSON.stringify(config.apps) === JSON.stringify(sample.apps)
        ? "apps"
        : undefined,
    ].filter((key) => key !== undefined);
    output.info(
      `Next: ${missing.length > 0 ? `set ${missing.join(" and ")} in ${DEFAULT_CONFIG_FILE}, ` : ""}export KINTONE_API_TOKEN (or KINTONE_USERNAME/KINTONE_PASSWORD), and run ${selfCommand()} generate.`,
    );
  }
  if (flags.ci !== undefined) {
    output.info(
      "For the workflow, add KINTONE_BASE_URL and KINTONE_API_TOKEN as repository secrets (Settings → Secrets and variables → Actions), and commit kintone-openapi.json, package.json and package-lock.json; see docs/ci.md.",
    );
  }
  if (flags.salesforce) {
    output.info(
      "For the Salesforce job, add SF_CLIENT_ID, SF_JWT_KEY, SF_USERNAME, SF_LOGIN_URL and KINTONE_OPENAPI_API_KEY as repository secrets, and put a non-default service name, operations or header in the config file's salesforce section (the job passes no such flags); see docs/ci.md (Registering in Salesforce).",
    );
  }
  return 0;
}

/** The spec path an existing config names (`output`), when it names one. */
async function configuredOutput(configPath: string): Promise<string | undefined> {
  if (!(await exists(configPath))) return undefined;
  const { config } = await loadConfig(configPath, dirname(configPath));
  return typeof config.output === "string" && config.output !== "" ? config.output : undefined;
}

const DEFAULT_SPEC = "kintone-openapi.json";

/** What `--salesforce` adds to the triggers: pushes to main that change the spec deploy it. */
const PUSH_TRIGGER = `  push:
    branches: [main]
    paths:
      - kintone-openapi.json
      - package.json
      - package-lock.json
`;

/**
 * The workflow, checking and keeping the spec where the config writes it (the template names the default path);
 * with the Salesforce job, also run on pushes to main, where that job deploys.
 */
export function workflowFor(base: string, output: string | undefined, salesforceJob?: string): string {
  let template = base;
  if (salesforceJob !== undefined) {
    template = template.replace(/\n\npermissions:/, `\n${PUSH_TRIGGER}\npermissions:`);
    template = `${template.replace(/\n*$/, "\n")}${salesforceJob}`;
  }
  if (output === undefined || output === DEFAULT_SPEC) return template;
  const fresh = `${output.replace(/\.json$/i, "")}.generated.json`;
  return template.replaceAll("kintone-openapi.generated.json", fresh).replaceAll(DEFAULT_SPEC, output);
}

/** Refuses a package.json that is not plain JSON before anything is written (npm would refuse it later). */
async function checkPackageJson(cwd: string): Promise<void> {
  const path = resolve(cwd, "package.json");
  if (!(await exists(path))) return;
  try {
    const pkg = JSON.parse(await readFile(path, "utf8")) as unknown;
    if (typeof pkg !== "object" || pkg === null || Array.isArray(pkg)) throw new Error("not an object");
  } catch {
    throw new UsageError(
      "package.json is not valid JSON (npm reads no comments or trailing commas): fix it, then run init --ci github again.",
    );
  }
}

/**
 * Makes the workflow's `npm ci` install this exact version: adds kintone-openapi to devDependencies (creating
 * package.json when there is none) unless the project already depends on it; the user's formatting is kept.
 */
async function pinInPackageJson(cwd: string, version: string, output: Output): Promise<void> {
  const path = resolve(cwd, "package.json");
  const present = await exists(path);
  let text = present ? await readFile(path, "utf8") : '{\n  "private": true\n}\n';
  const pkg = JSON.parse(text) as Record<string, Record<string, string> | null | undefined>;
  const declared = pkg.devDependencies?.["kintone-openapi"] ?? pkg.dependencies?.["kintone-openapi"];
  if (declared !== undefined) {
    output.info(`Kept kintone-openapi ${declared} in package.json: the workflow installs that version.`);
  } else {
    // The file's own indentation (tabs, 2 or 4 spaces) is kept.
    const indent = /^([ \t]+)"/m.exec(text)?.[1] ?? "  ";
    const formattingOptions = indent.startsWith("\t")
      ? { insertSpaces: false, tabSize: 1 }
      : { insertSpaces: true, tabSize: indent.length };
    const devDependencies = pkg.devDependencies;
    const edits =
      devDependencies === null || typeof devDependencies !== "object"
        ? modify(text, ["devDependencies"], { "kintone-openapi": version }, { formattingOptions })
        : modify(text, ["devDependencies", "kintone-openapi"], version, { formattingOptions });
    text = applyEdits(text, edits);
    await writeFileAtomic(path, text.endsWith("\n") ? text : `${text}\n`);
    output.info(
      `${output.color.green(present ? "Added" : "Wrote")} kintone-openapi ${version} to devDependencies in package.json: the workflow installs exactly this version.`,
    );
  }
  if (!(await exists(resolve(cwd, "package-lock.json")))) {
    output.info(
      "Run npm install to lock it in package-lock.json (the workflow's npm ci needs the lockfile), and commit both.",
    );
  }
}

export function registerInit(program: Command, state: RunState): void {
  defineCommand<InitFlags>(program, state, {
    name: "init",
    description:
      "write a commented kintone-openapi.config.json; with --ci github, a CI workflow and kintone-openapi pinned in package.json (files that exist are kept)",
    options: (command) =>
      command
        .addOption(new Option("--ci <provider>", "also write a CI workflow").choices(["github"]))
        .option("--force", "replace the file this command is about (the config, or with --ci the workflow)")
        .option(
          "--salesforce",
          "with --ci github, add a job that deploys the spec to Salesforce after the drift check",
        ),
    examples: [
      "kintone-openapi init",
      "kintone-openapi init --ci github",
      "kintone-openapi init --ci github --salesforce",
    ],
    run: (context, flags) => handleInit(context, flags),
  });
}
