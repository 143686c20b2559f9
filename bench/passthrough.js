// The reference the proxy's overhead is measured against (issue #10): a minimal transforming pass-through proxy,
// node:http with a keep-alive agent, that turns GET /customers?$top=N into Kintone's records call and parses and
// re-serialises the answer. No auth, no validation, no conversion: the least any proxy must do.
import http from "node:http";

/** Starts the pass-through in front of `kintoneUrl`; resolves { url, close }. */
export async function startPassThrough(kintoneUrl) {
  const target = new URL(kintoneUrl);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 10 });
  const auth = Buffer.from("sandbox:sandbox").toString("base64");
  const server = http.createServer((req, res) => {
    const top = new URL(req.url, "http://x").searchParams.get("$top") ?? "100";
    const query = encodeURIComponent(`order by $id desc limit ${Number(top)}`);
    const upstream = http.request(
      {
        host: target.hostname,
        port: target.port,
        path: `/k/v1/records.json?app=1&query=${query}`,
        agent,
        headers: { "x-cybozu-authorization": auth },
      },
      (answer) => {
        const chunks = [];
        answer.on("data", (c) => chunks.push(c));
        answer.on("end", () => {
          const body = JSON.stringify(JSON.parse(Buffer.concat(chunks).toString("utf8")));
          res.writeHead(answer.statusCode, {
            "content-type": "application/json",
            "content-length": Buffer.byteLength(body),
          });
          res.end(body);
        });
      },
    );
    upstream.on("error", () => res.writeHead(502).end());
    upstream.end();
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    close: () =>
      new Promise((resolve) => {
        server.close(resolve);
        server.closeAllConnections();
        agent.destroy();
      }),
  };
}

// Run as a script (bench/proxy.js starts it as a child process, like the proxy): node bench/passthrough.js <kintone url>
if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split("/").pop())) {
  const passThrough = await startPassThrough(process.argv[2]);
  console.log(passThrough.url);
  process.on("SIGTERM", () => passThrough.close().then(() => process.exit(0)));
}
