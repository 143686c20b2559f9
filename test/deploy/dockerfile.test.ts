import { execFile, spawn } from "node:child_process";
import { cp, mkdir, readdir, readFile } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSandbox, type Sandbox } from "../../src/sandbox/server.js";
import { cleanEnv, ROOT, runCli, tempDir } from "../helpers/cli.js";

// No container engine runs here, so the Dockerfile's own instructions are carried out as a script: each stage gets a
// folder standing for its filesystem root, COPY copies the same files (the build context filtered by .dockerignore),
// RUN runs the same commands (absolute paths inside that root), and the final ENTRYPOINT + CMD starts serve.

const run = promisify(execFile);

type Instruction = { op: string; args: string };

function parseDockerfile(text: string): Instruction[] {
  return text
    .replace(/\\\n/g, " ")
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("#"))
    .map((line) => {
      const space = line.indexOf(" ");
      return { op: line.slice(0, space).toUpperCase(), args: line.slice(space + 1).trim() };
    });
}

/** Docker's .dockerignore for top-level entries: exact names and `*` globs. */
async function contextEntries(ignore: string): Promise<string[]> {
  const patterns = ignore
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("#"))
    .map((p) => new RegExp(`^${p.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, "[^/]*")}$`));
  return (await readdir(ROOT)).filter((name) => !patterns.some((re) => re.test(name)));
}

/** Absolute paths in a command, moved inside the stage's root. */
const inside = (root: string, command: string) => command.replace(/(^|[\s=])(\/[^\s;&|]*)/g, `$1${root}$2`);

async function expand(root: string, pattern: string): Promise<string[]> {
  const dir = join(root, dirname(pattern));
  const re = new RegExp(
    `^${basename(pattern)
      .replace(/[.+^${}()|[\]\\]/g, "\\$&")
      .replace(/\*/g, ".*")}$`,
  );
  return (await readdir(dir)).filter((name) => re.test(name)).map((name) => join(dir, name));
}

type Stage = { name: string; root: string; cwd: string; env: Record<string, string> };

describe("the Dockerfile, carried out as a script", { timeout: 400_000 }, () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  let final: Stage;
  let entrypoint: string[] = [];
  let cmd: string[] = [];
  let healthcheck: string[] = [];
  let user = "";
  let sandbox: Sandbox;
  const npmCache = async () => (await run("npm", ["config", "get", "cache"])).stdout.trim();

  beforeAll(async () => {
    ({ dir, cleanup } = await tempDir());
    const context = join(dir, "context");
    await mkdir(context);
    for (const entry of await contextEntries(await readFile(join(ROOT, ".dockerignore"), "utf8")))
      await cp(join(ROOT, entry), join(context, entry), { recursive: true });
    const home = join(dir, "home");
    await mkdir(home);
    const cache = await npmCache();
    const stages = new Map<string, Stage>();
    let stage: Stage | undefined;
    for (const { op, args } of parseDockerfile(await readFile(join(ROOT, "Dockerfile"), "utf8"))) {
      if (op === "FROM") {
        const name = /\bAS\s+(\S+)/i.exec(args)?.[1] ?? `stage${stages.size}`;
        const root = join(dir, "stages", name);
        await mkdir(root, { recursive: true });
        stage = { name, root, cwd: root, env: {} };
        stages.set(name, stage);
        continue;
      }
      if (stage === undefined) throw new Error(`${op} before FROM`);
      const current: Stage = stage;
      switch (op) {
        case "WORKDIR":
          current.cwd = join(current.root, args);
          await mkdir(current.cwd, { recursive: true });
          break;
        case "ENV":
          for (const [, key, value] of args.matchAll(/(\w+)=(\S+)/g))
            current.env[key as string] = value as string;
          break;
        case "COPY": {
          const words = args.split(/\s+/);
          const from = words[0]?.startsWith("--from=") ? words.shift()?.slice(7) : undefined;
          const dest = words.pop() as string;
          const target = dest.startsWith("/") ? join(current.root, dest) : join(current.cwd, dest);
          const sourceRoot = from !== undefined ? (stages.get(from) as Stage).root : context;
          for (const source of words) {
            const paths = source.includes("*")
              ? await expand(sourceRoot, source)
              : [join(sourceRoot, source === "." ? "" : source)];
            for (const path of paths) {
              if (source === ".") await cp(path, target, { recursive: true });
              else if (dest.endsWith("/")) await cp(path, join(target, basename(path)), { recursive: true });
              else await cp(path, target, { recursive: true });
            }
          }
          break;
        }
        case "RUN": {
          await mkdir(join(current.root, "tmp"), { recursive: true });
          await run("bash", ["-eo", "pipefail", "-c", inside(current.root, args)], {
            cwd: current.cwd,
            env: {
              ...Object.fromEntries(Object.entries(cleanEnv()).filter(([k]) => !k.startsWith("npm_"))),
              ...current.env,
              HOME: home,
              // The image's npm would download; here everything comes from npm's cache, as in the other tests.
              npm_config_offline: "true",
              npm_config_cache: cache,
            },
            maxBuffer: 64 * 1024 * 1024,
          });
          break;
        }
        case "USER":
          user = args;
          break;
        case "ENTRYPOINT":
          entrypoint = JSON.parse(args);
          break;
        case "CMD":
          cmd = JSON.parse(args);
          break;
        case "HEALTHCHECK":
          healthcheck = JSON.parse(args.slice(args.indexOf("CMD ") + 4));
          break;
        case "EXPOSE":
          break;
        default:
          throw new Error(`the test does not carry out ${op}`);
      }
    }
    final = stage as Stage;
    sandbox = await createSandbox();
    const spec = await runCli(["generate", "--demo", "-o", join(final.root, "app/kintone-openapi.json")], {
      cwd: dir,
    });
    expect(spec.code).toBe(0);
  }, 400_000);
  afterAll(async () => {
    await sandbox?.close();
    await cleanup();
  });

  it("runs as a non-root user with production dependencies only", async () => {
    expect(user).toBe("node");
    const modules = await readdir(join(final.root, "opt/kintone-openapi/node_modules"));
    expect(modules).toContain("hono");
    expect(modules).not.toContain("typescript");
    expect(modules).not.toContain("vitest");
  });

  it("starts kintone-openapi serve from the image's entry point, passes its health check, stops on SIGTERM", async () => {
    expect(entrypoint.slice(-2)).toEqual(["/opt/kintone-openapi/bin/kintone-openapi.js", "serve"]);
    const argv = [...entrypoint, ...cmd].map((arg) => (arg.startsWith("/") ? join(final.root, arg) : arg));
    const env = {
      ...Object.fromEntries(Object.entries(cleanEnv()).filter(([k]) => !k.startsWith("npm_"))),
      ...final.env,
      // docker run -e PORT=0 … : any free port, so that the test never collides.
      PORT: "0",
      KINTONE_BASE_URL: sandbox.url,
      KINTONE_USERNAME: "sandbox",
      KINTONE_PASSWORD: "sandbox",
      KINTONE_OPENAPI_API_KEYS: "docker-key-0123456789",
    };
    const child = spawn(argv[0] as string, argv.slice(1), { cwd: join(final.root, "app"), env });
    let stdout = "";
    child.stdout.on("data", (c: Buffer) => {
      stdout += c;
    });
    const exit = new Promise<number | null>((resolve) => child.on("exit", resolve));
    const deadline = Date.now() + 20_000;
    while (!/listening on \S+/.test(stdout) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    const url = /listening on (\S+)/.exec(stdout)?.[1] as string;
    expect(url).toMatch(/^http:\/\/0\.0\.0\.0:\d+$/);
    const port = new URL(url).port;
    const health = await run(healthcheck[0] as string, healthcheck.slice(1), {
      env: { ...env, PORT: port },
    }).then(
      () => 0,
      (e: { code: number }) => e.code,
    );
    expect(health).toBe(0);
    const listed = await fetch(`http://127.0.0.1:${port}/customers?$top=1`, {
      headers: { "x-api-key": "docker-key-0123456789" },
    });
    expect(listed.status).toBe(200);
    child.kill("SIGTERM");
    expect(await exit).toBe(0);
  });

  it("keeps the secrets and the build tree out of the image's context", async () => {
    const entries = await contextEntries(await readFile(join(ROOT, ".dockerignore"), "utf8"));
    for (const kept of ["node_modules", "dist", ".git", "test", "kintone-openapi.json"])
      expect(entries).not.toContain(kept);
  });
});
