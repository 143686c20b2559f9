import { mkdir, readFile } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";
import { type Command, Option } from "commander";
import { DEFAULT_CONFIG_FILE } from "../../config/load-config.js";
import { UsageError } from "../../errors.js";
import { TEMPLATES_DIR } from "../../templates.js";
import { writeFileAtomic } from "../../util/atomic-write.js";
import { exists } from "../../util/fs.js";
import { selfCommand } from "../invocation.js";
import { createOutput } from "../output.js";

export const WORKFLOW_PATH = ".github/workflows/kintone-openapi.yml";

/** `kintone-openapi init`: a commented starting config, and with --ci github a GitHub Actions workflow. */
export async function handleInit(
  flags: { ci?: string; force?: boolean },
  cwd = process.cwd(),
): Promise<number> {
  const output = createOutput();
  const files: Array<[string, string]> = [[DEFAULT_CONFIG_FILE, "kintone-openapi.config.jsonc"]];
  if (flags.ci !== undefined) files.push([WORKFLOW_PATH, "ci/github-workflow.yml"]);
  for (const [target] of files) {
    if (!flags.force && (await exists(resolve(cwd, target)))) {
      throw new UsageError(`${target} already exists: edit it, or pass --force to replace it.`);
    }
  }
  for (const [target, template] of files) {
    const path = resolve(cwd, target);
    await mkdir(dirname(path), { recursive: true });
    await writeFileAtomic(path, await readFile(join(TEMPLATES_DIR, template), "utf8"));
    output.info(`${output.color.green("Wrote")} ${target}`);
  }
  output.info(
    `Next: set baseUrl and apps in ${DEFAULT_CONFIG_FILE}, export KINTONE_API_TOKEN (or KINTONE_USERNAME/KINTONE_PASSWORD), and run ${selfCommand()} generate.`,
  );
  if (flags.ci !== undefined) {
    output.info(
      "For the workflow, add KINTONE_BASE_URL and KINTONE_API_TOKEN as repository secrets (Settings → Secrets and variables → Actions); see docs/ci.md.",
    );
  }
  return 0;
}

export function registerInit(program: Command): void {
  program
    .command("init")
    .description("write a commented kintone-openapi.config.json (and a CI workflow with --ci github)")
    .addOption(new Option("--ci <provider>", "also write a CI workflow").choices(["github"]))
    .option("--force", "replace files that exist")
    .action(async (flags: { ci?: string; force?: boolean }) => {
      process.exitCode = await handleInit(flags);
    });
}
