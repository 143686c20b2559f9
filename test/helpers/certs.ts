import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";

export type TestCerts = {
  ca: string;
  key: string;
  cert: string;
  caPath: string;
  pfxPath: string;
  pfxPassword: string;
  otherPfxPath: string;
};

function openssl(dir: string, args: string[]): void {
  execFileSync("openssl", args, { cwd: dir, stdio: "pipe" });
}

/**
 * Makes a throwaway CA, a server certificate for localhost, a client certificate (PKCS#12, password-protected)
 * signed by that CA, and one signed by another CA, with the openssl command.
 */
export function makeTestCerts(dir: string): TestCerts {
  const pfxPassword = "pfx-secret-42";
  for (const ca of ["ca", "other-ca"]) {
    openssl(dir, [
      "req",
      "-x509",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-keyout",
      `${ca}.key`,
      "-out",
      `${ca}.pem`,
      "-days",
      "2",
      "-subj",
      `/CN=${ca}`,
    ]);
  }
  const sign = (name: string, ca: string, subject: string, ext?: string) => {
    openssl(dir, [
      "req",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-keyout",
      `${name}.key`,
      "-out",
      `${name}.csr`,
      "-subj",
      subject,
    ]);
    const args = [
      "x509",
      "-req",
      "-in",
      `${name}.csr`,
      "-CA",
      `${ca}.pem`,
      "-CAkey",
      `${ca}.key`,
      "-CAcreateserial",
      "-out",
      `${name}.pem`,
      "-days",
      "2",
    ];
    if (ext !== undefined) args.push("-extfile", ext);
    openssl(dir, args);
  };
  execFileSync("sh", ["-c", "printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\\n' > san.ext"], { cwd: dir });
  sign("server", "ca", "/CN=localhost", "san.ext");
  sign("client", "ca", "/CN=sandbox-client");
  sign("stranger", "other-ca", "/CN=stranger");
  for (const name of ["client", "stranger"]) {
    openssl(dir, [
      "pkcs12",
      "-export",
      "-in",
      `${name}.pem`,
      "-inkey",
      `${name}.key`,
      "-out",
      `${name}.pfx`,
      "-passout",
      `pass:${pfxPassword}`,
    ]);
  }
  const read = (file: string) => readFileSync(join(dir, file), "utf8");
  return {
    ca: read("ca.pem"),
    key: read("server.key"),
    cert: read("server.pem"),
    caPath: join(dir, "ca.pem"),
    pfxPath: join(dir, "client.pfx"),
    otherPfxPath: join(dir, "stranger.pfx"),
    pfxPassword,
  };
}
