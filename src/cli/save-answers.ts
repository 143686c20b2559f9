import { applyEdits, type JSONPath, modify } from "jsonc-parser";
import type { ConfigFile } from "../config/load-config.js";
import type { OperationName } from "../generate/build-document.js";
import type { ConnectionOptions } from "../kintone/connection.js";
import type { ChosenNames } from "./interactive.js";

/** What interactive generate asked for (anything else came from flags, env or the config file). */
export type Answers = {
  connection?: ConnectionOptions;
  appIds?: string[];
  operations?: OperationName[];
  proxyUrl?: string;
  output?: string;
  names?: ChosenNames;
};

/**
 * The config file's text with the answers in it, never a secret (passwords and tokens stay in the environment).
 * An existing file is edited in place with jsonc-parser, so its comments and layout stay as they were (`init`
 * writes a commented one); a new file starts from `$schema`.
 */
export function configWithAnswers(
  existing: string | undefined,
  options: {
    config: ConfigFile;
    answers: Answers;
    resources: ReadonlyArray<{ appId: string; singular: string }>;
    schema: string;
  },
): string {
  const { config, answers } = options;
  let text = existing ?? "{}\n";
  const set = (path: JSONPath, value: unknown) => {
    const edits = modify(text, path, value, {
      formattingOptions: { insertSpaces: true, tabSize: 2, eol: "\n" },
    });
    text = applyEdits(text, edits);
  };
  if (existing === undefined) set(["$schema"], options.schema);
  const connection = answers.connection;
  if (connection !== undefined) {
    set(["baseUrl"], connection.baseUrl);
    if (connection.auth.kind === "password") set(["username"], connection.auth.username);
    if (connection.guestSpaceId !== undefined) set(["guestSpaceId"], connection.guestSpaceId);
  }
  // Every app keeps the name it got, so that later runs (and CI) name it the same.
  for (const resource of options.resources)
    if (config.apps?.[resource.appId]?.name === undefined)
      set(["apps", resource.appId, "name"], resource.singular);
  for (const [appId, chosen] of Object.entries(answers.names ?? {}))
    for (const [code, name] of Object.entries(chosen.fields ?? {}))
      set(["apps", appId, "fields", code], name);
  if (answers.operations !== undefined) set(["operations"], answers.operations);
  if (answers.proxyUrl !== undefined) set(["proxyUrl"], answers.proxyUrl);
  if (answers.output !== undefined) set(["output"], answers.output);
  return text.endsWith("\n") ? text : `${text}\n`;
}
