import { type Command, Option } from "commander";

/**
 * Adds the connection options of design.md §2 (shared by generate, snapshot and serve). Options about reading
 * metadata (guest space, preview settings, metadata concurrency) only with `metadata`: serve reads each app's guest
 * space from the spec and reads no settings.
 */
export function addConnectionOptions(command: Command, { metadata = true } = {}): Command {
  command
    .addOption(
      new Option(
        "--base-url <url>",
        "Kintone domain, e.g. https://example.cybozu.com (env KINTONE_BASE_URL)",
      ),
    )
    .addOption(new Option("-u, --username <name>", "login name for password auth (env KINTONE_USERNAME)"))
    .addOption(new Option("-p, --password <password>", "password (env KINTONE_PASSWORD)"))
    .addOption(new Option("--api-token <tokens>", "API token(s), comma-separated (env KINTONE_API_TOKEN)"))
    .addOption(new Option("--oauth-token <token>", "OAuth access token (env KINTONE_OAUTH_TOKEN)"))
    .addOption(
      new Option("--basic-auth-username <name>", "basic auth user (env KINTONE_BASIC_AUTH_USERNAME)"),
    )
    .addOption(
      new Option("--basic-auth-password <password>", "basic auth password (env KINTONE_BASIC_AUTH_PASSWORD)"),
    )
    .addOption(new Option("--pfx-file-path <file>", "client certificate (env KINTONE_PFX_FILE_PATH)"))
    .addOption(
      new Option(
        "--pfx-file-password <password>",
        "client certificate password (env KINTONE_PFX_FILE_PASSWORD)",
      ),
    )
    .addOption(new Option("--timeout <seconds>", "timeout of one Kintone request (default 30)"));
  if (!metadata) return command;
  return command
    .addOption(new Option("--guest-space-id <id>", "guest space of the apps (env KINTONE_GUEST_SPACE_ID)"))
    .addOption(new Option("--preview", "read the pre-deploy (preview) settings"))
    .addOption(new Option("--concurrency <n>", "metadata requests in flight at once (default 8)"));
}

/** Collects repeatable options (`--app 1 --app 2,3`). */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}
