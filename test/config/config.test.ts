import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkConfig, loadConfig } from "../../src/config/load-config.js";
import {
  checkBaseUrl,
  parseAppIds,
  parseKintoneDomain,
  parseOperations,
  pick,
  resolveConnection,
} from "../../src/config/resolve-options.js";
import { ConfigError, UsageError } from "../../src/errors.js";
import { clientBaseUrl } from "../../src/kintone/live-source.js";
import { tempDir } from "../helpers/cli.js";

const fail = (fn: () => unknown): Error => {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected a failure");
};
const failAsync = async (promise: Promise<unknown>): Promise<Error> => {
  try {
    await promise;
  } catch (error) {
    return error as Error;
  }
  throw new Error("expected a failure");
};

describe("config file", () => {
  let dir: string;
  let cleanup: () => Promise<void>;
  beforeAll(async () => ({ dir, cleanup } = await tempDir()));
  afterAll(() => cleanup());

  it("accepts a full, valid config", async () => {
    const config = {
      $schema: "./node_modules/kintone-openapi/templates/config.schema.json",
      baseUrl: "https://example.cybozu.com",
      username: "alice",
      guestSpaceId: 3,
      apps: { "12": { name: "Customer", fields: { 会社名: "companyName" } }, "13": {} },
      proxyUrl: "https://proxy.example.com/kintone",
      operations: ["list", "get"],
      validate: { rules: { "sf-reserved-words": "off" } },
    };
    expect(await checkConfig(config, "c.json")).toEqual(config);
  });

  it.each([
    [
      { password: "x" },
      /holds "password" \(\/password\), but secrets are never read from a file.*KINTONE_PASSWORD/,
    ],
    [{ apiToken: "x" }, /holds "apiToken".*KINTONE_API_TOKEN/],
    [{ basicAuthPassword: "x" }, /KINTONE_BASIC_AUTH_PASSWORD/],
    [{ baseUrl: "example.cybozu.com" }, /\/baseUrl in the wrong form/],
    [{ apps: { abc: {} } }, /key "abc" under \/apps that is not an app id/],
    [{ apps: { "12": { name: "会社" } } }, /\/apps\/12\/name in the wrong form/],
    [{ apps: { "12": { nmae: "X" } } }, /unknown setting "nmae" at \/apps\/12\/nmae/],
    [
      { operations: ["list", "purge"] },
      /\/operations\/1 set to a value it does not take: use one of list, get, create, update, delete/,
    ],
    [{ concurrency: "8" }, /\/concurrency of the wrong type/],
  ])("refuses %j with a message naming the pointer", async (config, message) => {
    const error = await failAsync(checkConfig(config, "c.json"));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toMatch(message);
    expect(error.message).not.toMatch(/"x"/);
  });

  it("reports malformed JSON with line and column", async () => {
    const path = join(dir, "broken.json");
    await writeFile(path, '{\n  "baseUrl": "https://a.cybozu.com"\n  "title": "x"\n}\n');
    const error = await failAsync(loadConfig(path, dir));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.message).toMatch(/broken.json is not valid JSON at line 3, column 3: expected ','/);
  });

  it("accepts comments and trailing commas, as in tsconfig.json", async () => {
    const path = join(dir, "commented.json");
    await writeFile(
      path,
      '{\n  // the domain\n  "baseUrl": "https://a.cybozu.com", /* trailing comma next */\n}\n',
    );
    expect((await loadConfig(path, dir)).config).toEqual({ baseUrl: "https://a.cybozu.com" });
  });

  it("finds kintone-openapi.config.json in the working directory, and needs --config files to exist", async () => {
    const sub = join(dir, "project");
    await mkdir(sub);
    expect((await loadConfig(undefined, sub)).path).toBeUndefined();
    await writeFile(join(sub, "kintone-openapi.config.json"), '{"title":"Mine"}');
    expect((await loadConfig(undefined, sub)).config).toEqual({ title: "Mine" });
    const missing = await failAsync(loadConfig("nope.json", sub));
    expect(missing.message).toMatch(/cannot read the config file .*nope.json \(ENOENT\)/);
  });
});

describe("option resolution", () => {
  it("prefers flag over env over config over default, and says where a value came from", () => {
    expect(pick("f", "e", "c", "d")).toEqual({ value: "f", source: "flag" });
    expect(pick(undefined, "e", "c", "d")).toEqual({ value: "e", source: "env" });
    expect(pick(undefined, undefined, "c", "d")).toEqual({ value: "c", source: "config" });
    expect(pick(undefined, undefined, undefined, "d")).toEqual({ value: "d", source: "default" });
  });

  it("resolves the connection with the documented precedence", () => {
    const env = {
      KINTONE_BASE_URL: "https://env.cybozu.com",
      KINTONE_USERNAME: "env-user",
      KINTONE_PASSWORD: "pw",
    };
    const config = { baseUrl: "https://file.cybozu.com", username: "file-user" };
    expect(resolveConnection({}, env, config)).toMatchObject({
      baseUrl: "https://env.cybozu.com",
      auth: { username: "env-user" },
    });
    expect(resolveConnection({ baseUrl: "https://flag.cybozu.com/" }, env, config).baseUrl).toBe(
      "https://flag.cybozu.com",
    );
    expect(resolveConnection({}, { KINTONE_PASSWORD: "pw" }, config)).toMatchObject({
      baseUrl: "https://file.cybozu.com",
      auth: { username: "file-user" },
    });
  });

  it("lets password auth win over API tokens, and splits comma-separated tokens", () => {
    const base = { KINTONE_BASE_URL: "https://a.cybozu.com" };
    expect(
      resolveConnection(
        {},
        { ...base, KINTONE_API_TOKEN: "t1, t2", KINTONE_USERNAME: "u", KINTONE_PASSWORD: "p" },
        {},
      ).auth.kind,
    ).toBe("password");
    expect(resolveConnection({}, { ...base, KINTONE_API_TOKEN: "t1, t2" }, {}).auth).toEqual({
      kind: "apiToken",
      tokens: ["t1", "t2"],
    });
    expect(resolveConnection({ oauthToken: "o" }, base, {}).auth).toEqual({ kind: "oauth", token: "o" });
  });

  it.each([
    [{}, {}, /--base-url \(or KINTONE_BASE_URL\) is required/],
    [
      { baseUrl: "https://a.cybozu.com" },
      {},
      /credentials are required: --username and --password \(or KINTONE_USERNAME and KINTONE_PASSWORD\)/,
    ],
    [
      { baseUrl: "https://a.cybozu.com", username: "u" },
      {},
      /--password \(or KINTONE_PASSWORD\) is required/,
    ],
    [{ baseUrl: "https://a.cybozu.com", apiToken: "t", basicAuthUsername: "b" }, {}, /basic auth needs both/],
    [
      { baseUrl: "https://a.cybozu.com", apiToken: "t", pfxFilePath: "c.pfx" },
      {},
      /client certificate needs both/,
    ],
    [
      { baseUrl: "https://a.cybozu.com", apiToken: "t", guestSpaceId: "x" },
      {},
      /--guest-space-id.*must be a space id/,
    ],
    [
      { baseUrl: "https://a.cybozu.com", apiToken: "t", concurrency: "0" },
      {},
      /--concurrency must be a whole number from 1 to 50/,
    ],
  ])("refuses %j", (flags, env, message) => {
    const error = fail(() => resolveConnection(flags, env, {}));
    expect(error).toBeInstanceOf(UsageError);
    expect(error.message).toMatch(message);
  });

  it.each([
    ["not a url", /is not a URL/],
    ["ftp://a.cybozu.com", /must start with https:\/\//],
    ["http://a.cybozu.com", /uses http:\/\/ for a.cybozu.com.*only for localhost/],
    ["https://a.cybozu.com/k/v1", /must be just the domain, without a path/],
    ["https://u:p@a.cybozu.com", /must not carry credentials/],
  ])("refuses the base URL %s", (url, message) => {
    expect(fail(() => checkBaseUrl(url, "--base-url")).message).toMatch(message);
  });

  it("accepts http for this machine (the sandbox, as demo prints it) and strips a trailing slash", () => {
    expect(checkBaseUrl("http://localhost:1234/", "--base-url")).toBe("http://localhost:1234");
    expect(checkBaseUrl("http://127.0.0.1:1234", "--base-url")).toBe("http://127.0.0.1:1234");
    expect(checkBaseUrl("http://[::1]:1234", "--base-url")).toBe("http://[::1]:1234");
    // The official client takes plain http only for localhost: it is given that name.
    expect(clientBaseUrl("http://127.0.0.1:1234")).toBe("http://localhost:1234");
    expect(clientBaseUrl("http://[::1]:1234")).toBe("http://localhost:1234");
    expect(clientBaseUrl("https://a.cybozu.com")).toBe("https://a.cybozu.com");
  });

  it.each([
    ["mycompany.cybozu.com", "https://mycompany.cybozu.com"],
    ["  mycompany.kintone.com  ", "https://mycompany.kintone.com"],
    ["mycompany.cybozu.cn", "https://mycompany.cybozu.cn"],
    ["kintone.example.co.jp", "https://kintone.example.co.jp"],
    ["https://mycompany.cybozu.com/k/#/portal", "https://mycompany.cybozu.com"],
    ["https://mycompany.cybozu.com/k/12/", "https://mycompany.cybozu.com"],
    ["mycompany.cybozu.com/k/12/show#record=3", "https://mycompany.cybozu.com"],
    ["HTTPS://MyCompany.Cybozu.com", "https://mycompany.cybozu.com"],
    ["localhost:8000", "http://localhost:8000"],
    ["127.0.0.1:8000/k/#/portal", "http://127.0.0.1:8000"],
  ])("reads the domain typed as %j as %s", (typed, url) => {
    expect(parseKintoneDomain(typed, "The domain", { path: "strip" })).toBe(url);
  });

  it.each([
    ["", /is empty: give the domain you sign in to, e.g. example.cybozu.com/],
    ["https://", /is empty/],
    ["mycompany", /"mycompany" is not a URL/],
    ["http://mycompany.cybozu.com", /plain http is allowed only for localhost/],
  ])("refuses the domain typed as %j in one sentence", (typed, message) => {
    expect(fail(() => parseKintoneDomain(typed, "The domain", { path: "strip" })).message).toMatch(message);
  });

  it("parses app ids and operations", () => {
    expect(parseAppIds(["12,13", "13", " 14 "], "--app")).toEqual(["12", "13", "14"]);
    expect(fail(() => parseAppIds(["12,abc"], "--app")).message).toMatch(/"abc" is not one/);
    expect(parseOperations("delete,list", "--operations")).toEqual(["list", "delete"]);
    expect(fail(() => parseOperations("list,purge", "--operations")).message).toMatch(/not "purge"/);
  });
});
