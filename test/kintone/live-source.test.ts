import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createServer as createNetServer, type Server as NetServer } from "node:net";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OPERATIONS } from "../../src/generate/build-document.js";
import { generateSpec } from "../../src/generate/generate.js";
import type { ConnectionOptions } from "../../src/kintone/connection.js";
import { LiveMetadataSource } from "../../src/kintone/live-source.js";
import { SnapshotMetadataSource } from "../../src/kintone/snapshot-source.js";
import { createSandbox, type Sandbox } from "../../src/sandbox/server.js";
import { readBaseSpec, SAMPLE_APPS_DIR } from "../../src/templates.js";
import { FIXTURES, tempDir } from "../helpers/cli.js";
import { writeSyntheticSnapshot } from "../helpers/synthetic.js";

const build = { proxyUrl: "http://localhost:8080", operations: [...OPERATIONS] };
const password = { kind: "password", username: "sandbox", password: "sandbox" } as const;

async function specFrom(source: LiveMetadataSource | SnapshotMetadataSource, appIds: string[]) {
  return (await generateSpec({ source, appIds, build, base: await readBaseSpec() })).text;
}

function errorOf(promise: Promise<unknown>): Promise<Error & { exitCode?: number; code?: string }> {
  return promise.then(
    () => {
      throw new Error("expected a failure");
    },
    (error: Error) => error,
  );
}

describe("LiveMetadataSource through @kintone/rest-api-client against the sandbox", () => {
  let sandbox: Sandbox;
  const connect = (extra: Partial<ConnectionOptions> = {}): LiveMetadataSource =>
    new LiveMetadataSource({ baseUrl: sandbox.url, auth: password, ...extra });

  beforeAll(async () => {
    sandbox = await createSandbox({
      apiTokens: [
        { token: "tok-customers", appId: "1" },
        { token: "tok-deals", appId: "2" },
        { token: "tok-view-only", appId: "1", permissions: ["view"] },
      ],
      oauthTokens: ["oauth-good"],
    });
  });
  afterAll(() => sandbox.close());

  it("gives the same spec as the snapshot with password, API token and OAuth auth", async () => {
    const expected = await specFrom(new SnapshotMetadataSource(SAMPLE_APPS_DIR), ["1", "2"]);
    expect(await specFrom(connect(), ["1", "2"])).toBe(expected);
    expect(
      await specFrom(connect({ auth: { kind: "apiToken", tokens: ["tok-customers", "tok-deals"] } }), [
        "1",
        "2",
      ]),
    ).toBe(expected);
    expect(await specFrom(connect({ auth: { kind: "oauth", token: "oauth-good" } }), ["1", "2"])).toBe(
      expected,
    );
  });

  it("translates a wrong password into advice (CB_WA01)", async () => {
    const error = await errorOf(
      connect({ auth: { kind: "password", username: "sandbox", password: "nope" } }).readApps(["1"]),
    );
    expect(error.message).toMatch(/rejected the username or password \(CB_WA01\).*KINTONE_PASSWORD/);
    expect(error.message).not.toContain("nope");
    expect(error.exitCode).toBe(1);
  });

  it("translates an unknown API token (GAIA_IA02) and one without Manage app permission (GAIA_NO01)", async () => {
    const unknown = await errorOf(
      connect({ auth: { kind: "apiToken", tokens: ["tok-bad"] } }).readApps(["1"]),
    );
    expect(unknown.message).toMatch(/does not accept the API token \(GAIA_IA02\)/);
    expect(unknown.message).not.toContain("tok-bad");
    const viewOnly = await errorOf(
      connect({ auth: { kind: "apiToken", tokens: ["tok-view-only"] } }).readApps(["1"]),
    );
    expect(viewOnly.message).toMatch(/app 1 \(GAIA_NO01\).*Manage app/);
  });

  it("reads the pre-deploy settings with --preview", async () => {
    const before = sandbox.stats().byEndpoint["GET preview/app/form/fields"] ?? 0;
    const [app] = await connect({ preview: true }).readApps(["3"]);
    expect(Object.keys(app?.fields.properties ?? {})).toContain("回答期限");
    expect(sandbox.stats().byEndpoint["GET preview/app/form/fields"]).toBe(before + 1);
  });

  it("names the app that was not found", async () => {
    const error = await errorOf(connect().readApps(["1", "999"]));
    expect(error.message).toMatch(/^app 999 was not found/);
    expect(error.exitCode).toBe(2);
  });

  it("bounds concurrency and asks for app info in batches of 100", async () => {
    const { dir, cleanup } = await tempDir();
    try {
      await writeSyntheticSnapshot(dir, 250, 3);
      const many = await createSandbox({ data: dir, latencyMs: 5 });
      try {
        const ids = Array.from({ length: 250 }, (_, i) => String(i + 1));
        const apps = await new LiveMetadataSource({
          baseUrl: many.url,
          auth: password,
          concurrency: 4,
        }).readApps(ids);
        expect(apps.map((a) => a.app.appId)).toEqual(ids);
        const stats = many.stats();
        expect(stats.byEndpoint["GET apps"]).toBe(3);
        expect(stats.byEndpoint["GET app/form/fields"]).toBe(250);
        expect(stats.requests).toBe(253);
        expect(stats.maxInFlight).toBeLessThanOrEqual(4);
        expect(stats.maxInFlight).toBeGreaterThan(1);
      } finally {
        await many.close();
      }
    } finally {
      await cleanup();
    }
  });
});

describe("every fixture app, every auth mode: live through the sandbox = snapshot", async () => {
  const { readdir } = await import("node:fs/promises");
  const names = (await readdir(FIXTURES, { withFileTypes: true }))
    .filter((d) => d.isDirectory())
    .map((d) => d.name);
  for (const name of names) {
    it(name, async () => {
      const dir = join(FIXTURES, name);
      const expected = await specFrom(new SnapshotMetadataSource(dir), []);
      const sandbox = await createSandbox({
        data: dir,
        apiTokens: [{ token: "t", appId: "*" }],
        oauthTokens: ["o"],
      });
      try {
        const ids = await new SnapshotMetadataSource(dir).listAppIds();
        const auths: ConnectionOptions["auth"][] = [
          password,
          { kind: "apiToken", tokens: ["t"] },
          { kind: "oauth", token: "o" },
        ];
        for (const auth of auths) {
          expect(
            await specFrom(new LiveMetadataSource({ baseUrl: sandbox.url, auth }), ids),
            `${name} ${auth.kind}`,
          ).toBe(expected);
        }
      } finally {
        await sandbox.close();
      }
    });
  }
});

describe("guest spaces and basic auth", () => {
  let sandbox: Sandbox;
  beforeAll(async () => {
    sandbox = await createSandbox({
      data: join(FIXTURES, "docs-sample"),
      guestSpaces: ["2"],
      basicAuth: { username: "gate", password: "keeper" },
    });
  });
  afterAll(() => sandbox.close());
  const basicAuth = { username: "gate", password: "keeper" };

  it("reads an app in a guest space through the guest URL", async () => {
    const expected = (
      await specFrom(new SnapshotMetadataSource(join(FIXTURES, "docs-sample")), ["1"])
    ).replace(
      /"x-kintone-app-id": "1"(,?)\n(\s*)"x-kintone-operation"/g,
      '"x-kintone-app-id": "1",\n$2"x-kintone-guest-space-id": "2"$1\n$2"x-kintone-operation"',
    );
    const text = await specFrom(
      new LiveMetadataSource({ baseUrl: sandbox.url, auth: password, basicAuth, guestSpaceId: "2" }),
      ["1"],
    );
    expect(JSON.parse(text).paths["/deals"].get["x-kintone-guest-space-id"]).toBe("2");
    expect(text).toContain("in guest space 2");
    expect(text.replace(/ in guest space 2/g, "")).toBe(expected);
  });

  it("says to pass --guest-space-id when the app is in a guest space", async () => {
    const error = await errorOf(
      new LiveMetadataSource({ baseUrl: sandbox.url, auth: password, basicAuth }).readApps(["1"]),
    );
    expect(error.message).toMatch(/--guest-space-id/);
  });

  it("says to give basic auth when the domain asks for it", async () => {
    const error = await errorOf(
      new LiveMetadataSource({ baseUrl: sandbox.url, auth: password, guestSpaceId: "2" }).readApps(["1"]),
    );
    expect(error.message).toMatch(/basic authentication.*--basic-auth-username/);
  });
});

describe("network failures", () => {
  const servers: Array<Server | NetServer> = [];
  const sockets = new Set<import("node:net").Socket>();
  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    for (const server of servers) {
      if ("closeAllConnections" in server) server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });
  async function listen<T extends Server | NetServer>(server: T): Promise<string> {
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    return `http://localhost:${(server.address() as AddressInfo).port}`;
  }

  it("reports a DNS failure with the host and the flag to check", async () => {
    const error = await errorOf(
      new LiveMetadataSource({ baseUrl: "https://does-not-exist.invalid", auth: password }).readApps(["1"]),
    );
    expect(error.message).toMatch(/cannot resolve the host does-not-exist.invalid.*--base-url/);
  });

  it("reports a refused connection", async () => {
    const server = createNetServer();
    const url = await listen(server);
    await new Promise((resolve) => server.close(resolve));
    servers.pop();
    const error = await errorOf(
      new LiveMetadataSource({ baseUrl: url, auth: password, retry: { baseMs: 5 } }).readApps(["1"]),
    );
    expect(error.message).toMatch(/refused the connection/);
  });

  it("reports a timeout", async () => {
    const url = await listen(createNetServer((socket) => sockets.add(socket)));
    const error = await errorOf(
      new LiveMetadataSource({ baseUrl: url, auth: password, timeoutMs: 300, retry: { baseMs: 5 } }).readApps(
        ["1"],
      ),
    );
    expect(error.message).toMatch(/did not answer in time.*--timeout/);
  });

  it("reports a maintenance page (non-JSON 503) and a non-Kintone 200 page", async () => {
    const maintenance = await listen(
      createServer((_req, res) => {
        res.writeHead(503, { "content-type": "text/html" });
        res.end("<html>メンテナンス中</html>");
      }),
    );
    const error = await errorOf(
      new LiveMetadataSource({ baseUrl: maintenance, auth: password, retry: { baseMs: 5 } }).readApps(["1"]),
    );
    expect(error.message).toMatch(/HTTP 503.*maintenance/);
    const login = await listen(
      createServer((_req, res) => {
        res.writeHead(200, { "content-type": "text/html" });
        res.end("<html>login</html>");
      }),
    );
    const notKintone = await errorOf(
      new LiveMetadataSource({ baseUrl: login, auth: password }).readApps(["1"]),
    );
    expect(notKintone.message).toMatch(/not a Kintone API response/);
  });
});
