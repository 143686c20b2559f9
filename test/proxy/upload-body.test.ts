import type { IncomingMessage } from "node:http";
import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { ProxyError } from "../../src/proxy/errors.js";
import { readUploadBody } from "../../src/proxy/upload-body.js";

/** A request carrying `text` in chunks of `size` bytes (so that every boundary falls somewhere new). */
function request(text: string | Buffer, size: number, headers: Record<string, string> = {}): IncomingMessage {
  const bytes = Buffer.from(text);
  const chunks: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.subarray(i, i + size));
  return Object.assign(Readable.from(chunks), {
    headers: { "content-type": "application/json", "content-length": String(bytes.length), ...headers },
  }) as unknown as IncomingMessage;
}

const file = Buffer.from(Array.from({ length: 1000 }, (_, i) => (i * 7) % 256));
const b64 = file.toString("base64");

async function read(text: string | Buffer, size = 7, fileLimit = 10_000) {
  return readUploadBody(request(text, size), 100_000, fileLimit);
}

async function refusal(text: string, fileLimit = 10_000): Promise<{ status: number; code: string }> {
  try {
    await read(text, 5, fileLimit);
  } catch (error) {
    if (error instanceof ProxyError) return { status: error.status, code: error.code };
    throw error;
  }
  return { status: 200, code: "" };
}

describe("readUploadBody: the file decoded as it arrives, the rest parsed as JSON", () => {
  it.each([1, 2, 3, 5, 64, 100_000])("decodes whatever the chunk size (%i bytes)", async (size) => {
    const body = await read(JSON.stringify({ name: "a.bin", contentType: "x/y", contentBase64: b64 }), size);
    expect(body.data?.equals(file)).toBe(true);
    expect(body.fields).toEqual({ name: "a.bin", contentType: "x/y", contentBase64: "" });
  });

  it.each<[string, string, string]>([
    ["key first", `{"contentBase64":"${b64}","name":"n"}`, "n"],
    ["spaces around", `{ "name" : "n" , "contentBase64" : "${b64}" }`, "n"],
    ["an escaped slash", `{"name":"n","contentBase64":"${b64.replace(/\//g, "\\/")}"}`, "n"],
    ["line breaks", `{"name":"n","contentBase64":"${b64.slice(0, 76)}\\n${b64.slice(76)}"}`, "n"],
    [
      "a quote in the name",
      `{"name":"a\\"contentBase64\\":\\"b","contentBase64":"${b64}"}`,
      'a"contentBase64":"b',
    ],
    ["an escaped key", `{"name":"n","\\u0063ontentBase64":"${b64}"}`, "n"],
    ["no padding", `{"name":"n","contentBase64":"${b64.replace(/=+$/, "")}"}`, "n"],
  ])("takes %s", async (_, text, name) => {
    const body = await read(text);
    expect(body.data?.equals(file)).toBe(true);
    expect(body.fields.name).toBe(name);
  });

  it("leaves contentBase64 in a nested object alone (it is not the file)", async () => {
    const body = await read(`{"name":"n","other":{"contentBase64":"QQ=="},"contentBase64":"QUJD"}`);
    expect(body.data?.toString()).toBe("ABC");
    expect(body.fields.other).toEqual({ contentBase64: "QQ==" });
  });

  it("answers no file when contentBase64 is missing", async () => {
    expect((await read(`{"name":"n"}`)).data).toBeUndefined();
  });

  it.each<[string, string, { status: number; code: string }]>([
    ["not base64", `{"name":"n","contentBase64":"ab!d"}`, { status: 400, code: "InvalidBase64" }],
    ["text after padding", `{"name":"n","contentBase64":"QQ==QUJD"}`, { status: 400, code: "InvalidBase64" }],
    [
      "one character left over",
      `{"name":"n","contentBase64":"QUJDR"}`,
      { status: 400, code: "InvalidBase64" },
    ],
    [
      "a unicode escape inside",
      `{"name":"n","contentBase64":"QU\\u0041D"}`,
      { status: 400, code: "InvalidBase64" },
    ],
    ["given twice", `{"contentBase64":"QQ==","contentBase64":"QQ=="}`, { status: 400, code: "InvalidBody" }],
    ["cut in the middle", `{"name":"n","contentBase64":"QUJD`, { status: 400, code: "InvalidJson" }],
    ["not JSON", `{"name":n,"contentBase64":"QUJD"}`, { status: 400, code: "InvalidJson" }],
    ["an array", `["contentBase64"]`, { status: 400, code: "InvalidBody" }],
  ])("refuses %s", async (_, text, want) => {
    expect(await refusal(text)).toEqual(want);
  });

  it("refuses a file past the limit with 413, at the first byte too many", async () => {
    expect(
      await refusal(`{"name":"n","contentBase64":"${Buffer.alloc(301).toString("base64")}"}`, 300),
    ).toEqual({
      status: 413,
      code: "PayloadTooLarge",
    });
    expect(
      (await read(`{"contentBase64":"${Buffer.alloc(300).toString("base64")}"}`, 5, 300)).data,
    ).toHaveLength(300);
  });

  it("refuses a body past its limit by its Content-Length, and other media types", async () => {
    await expect(
      readUploadBody(request("{}", 1, { "content-length": "100001" }), 100_000, 10),
    ).rejects.toMatchObject({
      status: 413,
    });
    await expect(
      readUploadBody(request("{}", 1, { "content-type": "text/plain" }), 100_000, 10),
    ).rejects.toMatchObject({ status: 415 });
  });
});
