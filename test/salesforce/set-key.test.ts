import { describe, expect, it } from "vitest";
import { deriveNames } from "../../src/salesforce/names.js";
import {
  type Runner,
  SalesforceError,
  sessionFromSfCli,
  setCredentialKey,
} from "../../src/salesforce/set-key.js";

const ok = JSON.stringify({
  status: 0,
  result: { instanceUrl: "https://acme.my.salesforce.com", accessToken: "T0K" },
});

describe("sessionFromSfCli", () => {
  const runner =
    (answer: { code: number; stdout: string; stderr?: string } | Error): Runner =>
    async () => {
      if (answer instanceof Error) throw answer;
      return { stderr: "", ...answer };
    };

  it("reads the instance URL and the token of sf org display --json", async () => {
    await expect(sessionFromSfCli("my-org", runner({ code: 0, stdout: ok }))).resolves.toEqual({
      instanceUrl: "https://acme.my.salesforce.com",
      accessToken: "T0K",
      org: "my-org",
    });
  });

  it.each<[string, { code: number; stdout: string } | Error, RegExp]>([
    ["sf missing (spawn)", Object.assign(new Error("spawn sf ENOENT"), { code: "ENOENT" }), /not on PATH/],
    ["sf missing (sh)", { code: 127, stdout: "" }, /not on PATH/],
    ["sf missing (cmd.exe)", { code: 9009, stdout: "" }, /not on PATH/],
    ["not JSON", { code: 1, stdout: "Warning: update available" }, /did not answer JSON \(exit 1\)/],
    [
      "no session",
      {
        code: 1,
        stdout: JSON.stringify({ status: 1, name: "NoAuthInfoFound", message: "No auth for my-org." }),
      },
      /no session for org my-org: No auth for my-org\./,
    ],
    [
      "an http instance",
      {
        code: 0,
        stdout: JSON.stringify({
          status: 0,
          result: { instanceUrl: "http://acme.example.com", accessToken: "T0K" },
        }),
      },
      /must be an https URL/,
    ],
  ])("%s", async (_, answer, message) => {
    const error = await sessionFromSfCli("my-org", runner(answer)).catch((e: Error) => e);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toContain("T0K");
  });
});

describe("setCredentialKey", () => {
  it("never repeats the key, even when the org's error echoes it", async () => {
    const key = "echoed-key-1234";
    const fetch = (async (_url: string, init?: RequestInit) =>
      init?.method === "GET"
        ? new Response(JSON.stringify({ credentials: {}, externalCredential: "Kintone_Proxy" }), {
            status: 200,
          })
        : new Response(JSON.stringify([{ errorCode: "INVALID_INPUT", message: `bad value ${key}` }]), {
            status: 400,
          })) as typeof globalThis.fetch;
    const error = await setCredentialKey({
      session: { instanceUrl: "https://acme.my.salesforce.com", accessToken: "T0K", org: "my-org" },
      names: deriveNames("Kintone"),
      apiVersion: "62.0",
      key,
      fetch,
    }).catch((e: Error) => e);
    expect(error).toBeInstanceOf(SalesforceError);
    expect((error as SalesforceError).status).toBe(400);
    expect((error as Error).message).toBe(
      "Creating the key of the principal Proxy of External Credential Kintone_Proxy in org my-org failed with HTTP 400 (INVALID_INPUT: bad value ***).",
    );
  });
});
