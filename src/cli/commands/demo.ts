import { randomBytes } from "node:crypto";
import type { Command } from "commander";
import { parseNumberOption } from "../../config/resolve-options.js";
import { type ExitCode, UsageError } from "../../errors.js";
import { OPERATIONS } from "../../generate/build-document.js";
import { generateSpec } from "../../generate/generate.js";
import { SnapshotMetadataSource } from "../../kintone/snapshot-source.js";
import { readBaseSpec, SAMPLE_APPS_DIR } from "../../templates.js";
import { freePort } from "../../util/address.js";
import { type CommandContext, defineCommand, type RunState } from "../command.js";
import { selfCommand } from "../invocation.js";
import { waitForStopSignal } from "../signals.js";

type DemoFlags = { port?: string; sandboxPort?: string };

/** Single-quotes a string for POSIX shells. */
function sh(value: string): string {
  return `'${value.replace(/'/g, `'"'"'`)}'`;
}

/** `kintone-openapi demo`: the sandbox, a spec for its sample apps, and the proxy, all on this machine. */
export async function handleDemo({ output }: CommandContext, flags: DemoFlags): Promise<ExitCode> {
  const requested =
    flags.port === undefined ? 0 : parseNumberOption(flags.port, "--port", { min: 0, max: 65535 });
  const sandboxPort =
    flags.sandboxPort === undefined
      ? 0
      : parseNumberOption(flags.sandboxPort, "--sandbox-port", { min: 0, max: 65535 });
  if (requested !== 0 && requested === sandboxPort)
    throw new UsageError(`--port and --sandbox-port are both ${requested}: give them different ports.`);
  const { createSandbox } = await import("../../sandbox/server.js");
  const { createProxyServer } = await import("../../proxy/server.js");
  const port = requested === 0 ? await freePort() : requested;
  const proxyUrl = `http://127.0.0.1:${port}`;
  let sandbox: Awaited<ReturnType<typeof createSandbox>>;
  try {
    sandbox = await createSandbox({ port: sandboxPort });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EADDRINUSE")
      throw new UsageError(
        `port ${sandboxPort} is already in use: choose another with --sandbox-port (0 picks a free one).`,
      );
    throw error;
  }
  const key = randomBytes(18).toString("base64url");
  let proxy: Awaited<ReturnType<typeof createProxyServer>>;
  try {
    const { document } = await generateSpec({
      source: new SnapshotMetadataSource(SAMPLE_APPS_DIR),
      appIds: [],
      build: { proxyUrl, operations: [...OPERATIONS], title: "Kintone records (demo)" },
      base: await readBaseSpec(),
    });
    proxy = await createProxyServer({
      spec: document,
      kintone: { baseUrl: sandbox.url, auth: { kind: "password", username: "sandbox", password: "sandbox" } },
      apiKeys: [key],
      port,
      host: "127.0.0.1",
    });
  } catch (error) {
    await sandbox.close();
    if ((error as NodeJS.ErrnoException).code === "EADDRINUSE")
      throw new UsageError(
        `port ${port} is already in use: choose another with --port (0 picks a free one).`,
      );
    throw error;
  }
  const auth = `-H ${sh(`X-API-Key: ${key}`)}`;
  const json = `-H 'Content-Type: application/json'`;
  const filter = encodeURIComponent("industry eq 'Retail' and employees ge 100").replace(/'/g, "%27");
  // Listening for a stop signal before saying so: a supervisor may stop us the moment it reads the line.
  const stopped = waitForStopSignal();
  output.out(`kintone-openapi demo is running.
  Kintone sandbox  ${sandbox.url}  (log in as sandbox / sandbox${flags.sandboxPort === undefined ? "; --sandbox-port keeps it at one address" : ""})
  Proxy            ${proxy.url}  (API key ${key})
  API docs         ${proxy.url}/docs

Try it (each line is one command):
curl -s ${auth} ${sh(`${proxy.url}/customers?$top=3&$select=id,companyName,industry,employees&$filter=${filter}`)}
curl -s -X POST ${auth} ${json} -d ${sh(JSON.stringify({ companyName: "Demo Company", industry: "Software", employees: 12, tags: ["Partner"] }))} ${sh(`${proxy.url}/customers`)}
curl -s -X PATCH ${auth} ${json} -d ${sh(JSON.stringify({ employees: 42 }))} ${sh(`${proxy.url}/customers/1`)}
curl -s -o /dev/null -w '%{http_code}\\n' -X DELETE ${auth} ${sh(`${proxy.url}/customers/20`)}

Then generate your own spec: ${selfCommand()} generate. Ctrl-C stops the demo.`);
  await stopped;
  await proxy.close();
  await sandbox.close();
  output.info("Demo stopped.");
  return 0;
}

export function registerDemo(program: Command, state: RunState): void {
  defineCommand<DemoFlags>(program, state, {
    name: "demo",
    description: "run the sandbox, a spec of its sample apps and the proxy, and print commands to try",
    options: (command) =>
      command
        .option("--port <n>", "port of the proxy; 0 picks a free one (default: 0)")
        .option(
          "--sandbox-port <n>",
          "port of the sandbox (the local Kintone); 0 picks a free one (default: 0)",
        ),
    examples: [
      "kintone-openapi demo",
      "kintone-openapi demo --port 8080 --sandbox-port 8000   # the same addresses at every start",
    ],
    run: (context, flags) => handleDemo(context, flags),
  });
}
