import { BlockList, createServer, isIP } from "node:net";

/** Loopback, private, link-local and unique-local ranges: addresses the public internet cannot reach. */
const PRIVATE = new BlockList();
for (const [network, prefix] of [
  ["127.0.0.0", 8],
  ["10.0.0.0", 8],
  ["172.16.0.0", 12],
  ["192.168.0.0", 16],
  ["169.254.0.0", 16],
  ["100.64.0.0", 10],
  ["0.0.0.0", 8],
] as const)
  PRIVATE.addSubnet(network, prefix, "ipv4");
for (const [network, prefix] of [
  ["::1", 128],
  ["fc00::", 7],
  ["fe80::", 10],
  ["::", 128],
] as const)
  PRIVATE.addSubnet(network, prefix, "ipv6");

/** Whether a URL's host is this machine or a private network (so Salesforce, on the internet, cannot call it). */
export function isPrivateHost(hostname: string): boolean {
  // A trailing dot is the same name, fully qualified ("localhost." is localhost).
  const name = (hostname.startsWith("[") ? hostname.slice(1, -1) : hostname).replace(/\.$/, "");
  const lower = name.toLowerCase();
  if (lower === "localhost" || /\.(localhost|local|internal|lan|home\.arpa)$/.test(lower)) return true;
  const family = isIP(name);
  if (family === 0) return !lower.includes(".");
  return PRIVATE.check(name, family === 4 ? "ipv4" : "ipv6");
}

/** A loopback port free at the time of asking (for an address needed before its server starts). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
