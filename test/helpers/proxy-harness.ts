import { readdir } from "node:fs/promises";
import type { OpenAPIObject } from "openapi3-ts/oas30";
import { OPERATIONS, type OperationName } from "../../src/generate/build-document.js";
import { generateSpec } from "../../src/generate/generate.js";
import type { ConnectionOptions } from "../../src/kintone/connection.js";
import { SnapshotMetadataSource } from "../../src/kintone/snapshot-source.js";
import {
  type AccessLogEntry,
  createProxyServer,
  type ProxyOptions,
  type ProxyServer,
} from "../../src/proxy/server.js";
import { createSandbox, type Sandbox, type SandboxOptions } from "../../src/sandbox/server.js";
import { readBaseSpec } from "../../src/templates.js";

export const KEY = "test-key-0123456789";

/** A sandbox, the spec generated from the same snapshot, and the proxy serving it, all over loopback. */
export type Harness = {
  sandbox: Sandbox;
  proxy: ProxyServer;
  spec: OpenAPIObject;
  logs: AccessLogEntry[];
  call(
    method: string,
    path: string,
    options?: { body?: unknown; headers?: Record<string, string>; raw?: string },
  ): Promise<{ status: number; body: any; headers: Headers }>;
  close(): Promise<void>;
};

export async function startHarness(
  data: string,
  options: {
    sandbox?: SandboxOptions;
    proxy?: Partial<ProxyOptions>;
    kintone?: Partial<ConnectionOptions>;
    /** The spec's operations (default: the five record operations). */
    operations?: readonly OperationName[];
  } = {},
): Promise<Harness> {
  const sandbox = await createSandbox({ data, ...options.sandbox });
  const { document: spec } = await generateSpec({
    source: new SnapshotMetadataSource(data),
    appIds: [],
    build: { proxyUrl: "http://localhost:8080", operations: [...(options.operations ?? OPERATIONS)] },
    base: await readBaseSpec(),
  });
  const logs: AccessLogEntry[] = [];
  const proxy = await createProxyServer({
    spec,
    kintone: {
      baseUrl: sandbox.url,
      auth: { kind: "password", username: "sandbox", password: "sandbox" },
      ...options.kintone,
    },
    apiKeys: [KEY],
    port: 0,
    onLog: (entry) => logs.push(entry),
    retry: { baseMs: 5 },
    ...options.proxy,
  });
  const call: Harness["call"] = async (method, path, init = {}) => {
    const headers: Record<string, string> = { authorization: `Bearer ${KEY}`, ...init.headers };
    let body: string | undefined = init.raw;
    if (init.body !== undefined) {
      body = JSON.stringify(init.body);
      headers["content-type"] ??= "application/json";
    }
    const response = await fetch(`${proxy.url}${path}`, {
      method,
      headers,
      ...(body !== undefined ? { body } : {}),
    });
    const text = await response.text();
    return { status: response.status, body: text ? JSON.parse(text) : undefined, headers: response.headers };
  };
  return {
    sandbox,
    proxy,
    spec,
    logs,
    call,
    close: async () => {
      await proxy.close();
      await sandbox.close();
    },
  };
}

export async function fixtureDirs(root: string): Promise<string[]> {
  return (await readdir(root, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name);
}
