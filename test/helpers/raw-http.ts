import { connect } from "node:net";

/**
 * Sends bytes over a raw TCP connection, exactly as given (no HTTP client normalising paths or headers), and
 * resolves with what came back once the server closes the connection or `waitMs` passes without it.
 */
export function rawExchange(
  port: number,
  bytes: Buffer | string,
  waitMs = 1_000,
  endWrite = true,
): Promise<Buffer> {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port });
    const chunks: Buffer[] = [];
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(Buffer.concat(chunks));
    };
    const timer = setTimeout(finish, waitMs);
    socket.on("data", (chunk) => chunks.push(chunk));
    socket.on("close", finish);
    socket.on("error", finish);
    socket.on("connect", () => {
      socket.write(bytes, () => {
        if (endWrite) socket.end();
      });
    });
  });
}

export type RawResponse = { status: number; headers: Record<string, string>; body: string };

/** Parses the first HTTP/1.1 response in `data` (undefined when there is none). */
export function parseRawResponse(data: Buffer): RawResponse | undefined {
  const text = data.toString("latin1");
  const end = text.indexOf("\r\n\r\n");
  const match = /^HTTP\/1\.1 (\d{3})/.exec(text);
  if (end < 0 || match === null) return undefined;
  const headers: Record<string, string> = {};
  for (const line of text.slice(0, end).split("\r\n").slice(1)) {
    const colon = line.indexOf(":");
    if (colon > 0) headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
  }
  let body = data.subarray(Buffer.byteLength(text.slice(0, end + 4), "latin1"));
  const length = Number(headers["content-length"]);
  if (Number.isInteger(length)) body = body.subarray(0, length);
  return { status: Number(match[1]), headers, body: body.toString("utf8") };
}
