import { randomUUID } from "node:crypto";
import type { FileAnswer, Handler } from "../context.js";
import { invalidInput, KintoneApiError } from "../errors.js";

/**
 * Files (kintone-api.md §2, FILE): POST file.json takes a multipart `file` part and answers a temporary fileKey; a
 * record write that names that key stores a copy under a new key; GET file.json answers a stored file's bytes.
 */

const uploadFile: Handler = (ctx, state) => {
  if (ctx.caller.kind === "token" && ctx.caller.apps.size === 0)
    throw new KintoneApiError(403, "GAIA_NO01", "Using this API token, you cannot run the specified API.");
  const part = ctx.params.file as { name?: unknown; contentType?: unknown; data?: unknown } | undefined;
  if (part === undefined || !Buffer.isBuffer(part.data))
    throw invalidInput({ file: ["Required field. Send the file as the multipart part named file."] });
  const fileKey = randomUUID();
  state.files.set(fileKey, {
    name: typeof part.name === "string" && part.name !== "" ? part.name : "file",
    contentType: typeof part.contentType === "string" ? part.contentType : "application/octet-stream",
    data: part.data,
    temporary: true,
  });
  return { fileKey };
};

const downloadFile: Handler = (ctx, state): FileAnswer => {
  const key = ctx.params.fileKey;
  if (typeof key !== "string" || key === "") throw invalidInput({ fileKey: ["Required field."] });
  const file = state.files.get(key);
  // Only files stored in a record can be downloaded; a temporary upload key is not a download key.
  if (file === undefined || file.temporary)
    throw new KintoneApiError(400, "GAIA_BL01", `The specified file (id: ${key}) not found.`);
  return { file };
};

export const FILE_ROUTES: Record<string, Handler> = {
  "POST file": uploadFile,
  "GET file": downloadFile,
};
