import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { TEMPLATES_DIR } from "../../templates.js";
import type { Reply } from "../app.js";
import { ProxyError } from "../errors.js";

const requireFromHere = createRequire(import.meta.url);

function swaggerUiFile(name: string): string {
  return join(dirname(requireFromHere.resolve("swagger-ui-dist/package.json")), name);
}

/** Files of the docs page: our page and script, and Swagger UI from the swagger-ui-dist package (no CDN). */
const DOCS_FILES: Record<string, { file: () => string; type: string }> = {
  "index.html": { file: () => `${TEMPLATES_DIR}docs/index.html`, type: "text/html; charset=utf-8" },
  "init.js": { file: () => `${TEMPLATES_DIR}docs/init.js`, type: "text/javascript; charset=utf-8" },
  "swagger-ui.css": { file: () => swaggerUiFile("swagger-ui.css"), type: "text/css; charset=utf-8" },
  "swagger-ui-bundle.js": {
    file: () => swaggerUiFile("swagger-ui-bundle.js"),
    type: "text/javascript; charset=utf-8",
  },
};
const cache = new Map<string, Uint8Array>();

/** One file of the docs page, with headers that keep it out of frames and its scripts to this origin. */
export async function docsFile(reply: Reply, name: string): Promise<Response> {
  const entry = Object.hasOwn(DOCS_FILES, name) ? DOCS_FILES[name] : undefined;
  if (entry === undefined)
    throw new ProxyError(404, "NotFound", `No such file of the docs page: ${name.slice(0, 100)}.`);
  let content = cache.get(name);
  if (content === undefined) {
    content = new Uint8Array(await readFile(entry.file()));
    cache.set(name, content);
  }
  return reply.raw(content, 200, {
    "content-type": entry.type,
    "cache-control": "public, max-age=300",
    "content-security-policy":
      "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'",
    "x-frame-options": "DENY",
  });
}
