import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { parseAllDocuments, parse as parseYaml } from "yaml";
import { ROOT, runCli } from "../helpers/cli.js";

// The deployment recipes in deploy/ (and docs/deploy.md) agree with what `serve` actually takes: its options, the
// environment variables it reads, its port and its health endpoints.

let help = "";
beforeAll(async () => {
  help = (await runCli(["serve", "--help"])).stdout;
});

/** Every `--option` in a command line is one serve lists in its help. */
function expectKnownOptions(args: readonly string[]): void {
  for (const arg of args.filter((a) => a.startsWith("--")))
    expect(help, `serve --help lists ${arg}`).toMatch(new RegExp(`\\s${arg.split("=")[0]}[\\s,]`));
}

/** Every environment variable a recipe gives serve is one serve reads (named in its help). */
function expectKnownEnv(names: readonly string[]): void {
  for (const name of names) expect(help, `serve --help names ${name}`).toContain(name);
}

const read = (file: string) => readFile(join(ROOT, file), "utf8");

describe("deploy/docker-compose.yml", () => {
  it("runs serve on the port Caddy forwards to, with a health check on /healthz and env serve reads", async () => {
    const compose = parseYaml(await read("deploy/docker-compose.yml"));
    const proxy = compose.services.proxy;
    const port = String(proxy.environment.PORT);
    expect(proxy.expose.map(String)).toEqual([port]);
    expectKnownOptions(proxy.command);
    expectKnownEnv(Object.keys(proxy.environment));
    expect(proxy.healthcheck.test.join(" ")).toContain(`127.0.0.1:${port}/healthz`);
    expect(proxy.volumes[0]).toMatch(/:\/app\/kintone-openapi\.json:ro$/);
    expect(proxy.command).toEqual(["--spec", "/app/kintone-openapi.json"]);
    const caddyfile = await read("deploy/Caddyfile");
    expect(caddyfile).toMatch(new RegExp(`reverse_proxy proxy:${port}`));
    expect(compose.services.caddy.ports).toEqual(["80:80", "443:443"]);
  });
});

describe("deploy/kubernetes.yaml", () => {
  it("probes /healthz and /readyz on the container port serve listens on, with a grace period for SIGTERM", async () => {
    const text = await read("deploy/kubernetes.yaml");
    const docs = parseAllDocuments(text).map((d) => d.toJS());
    // The Secret is made with kubectl (never applied from a file that could reset it): its keys are in that command.
    expect(docs.find((d) => d.kind === "Secret")).toBeUndefined();
    const secretName = /kubectl create secret generic (\S+)/.exec(text)?.[1];
    const secretKeys = [...text.matchAll(/--from-literal=(\w+)=/g)].map((m) => m[1] as string);
    expect(secretKeys.length).toBeGreaterThan(0);
    const deployment = docs.find((d) => d.kind === "Deployment");
    const service = docs.find((d) => d.kind === "Service");
    const pod = deployment.spec.template.spec;
    const container = pod.containers[0];
    const port = Number(container.env.find((e: { name: string }) => e.name === "PORT").value);
    expect(container.ports[0].containerPort).toBe(port);
    expect(container.livenessProbe.httpGet).toEqual({ path: "/healthz", port: "http" });
    expect(container.readinessProbe.httpGet).toEqual({ path: "/readyz", port: "http" });
    expect(pod.terminationGracePeriodSeconds).toBeGreaterThanOrEqual(30);
    expectKnownOptions(container.args);
    expect(container.args[1]).toBe(`${container.volumeMounts[0].mountPath}/kintone-openapi.json`);
    expectKnownEnv([...secretKeys, ...container.env.map((e: { name: string }) => e.name)]);
    expect(container.envFrom[0].secretRef.name).toBe(secretName);
    expect(container.securityContext).toMatchObject({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
    });
    expect(service.spec.ports[0].targetPort).toBe("http");
    expect(pod.securityContext.runAsNonRoot).toBe(true);
  });
});

describe("deploy/kintone-openapi.service", () => {
  it("starts serve with options and env it knows, stops it with SIGTERM", async () => {
    const unit = await read("deploy/kintone-openapi.service");
    const exec = /^ExecStart=(.*)$/m.exec(unit)?.[1]?.split(/\s+/) ?? [];
    expect(exec.slice(1, 3)).toEqual(["kintone-openapi", "serve"]);
    expectKnownOptions(exec);
    expectKnownEnv([...unit.matchAll(/^Environment=(\w+)=/gm)].map((m) => m[1] as string));
    expect(unit).toMatch(/^KillSignal=SIGTERM$/m);
  });
});

describe("docs/deploy.md", () => {
  it("names every recipe, the environment variables serve reads and the spec path of each", async () => {
    const doc = await read("docs/deploy.md");
    for (const heading of [/Docker Compose/, /Caddy/, /Kubernetes/, /Cloud Run/, /systemd/])
      expect(doc).toMatch(heading);
    for (const name of ["KINTONE_OPENAPI_API_KEYS", "KINTONE_BASE_URL", "PORT", "HOST", "HTTPS_PROXY"])
      expect(doc).toContain(name);
    expect(doc).toMatch(/publicly trusted certificate/);
    // Every serve option the doc shows is one serve has.
    const shown = [...doc.matchAll(/kintone-openapi serve([^\n`]*)/g)].flatMap((m) =>
      (m[1] as string).split(/\s+/),
    );
    expectKnownOptions(shown);
  });
});
