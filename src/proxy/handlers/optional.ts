import type { IncomingMessage } from "node:http";
import type { Operation } from "../../generate/build-document.js";
import type { KintoneOperation } from "../../generate/x-kintone.js";
import type { Reply } from "../app.js";
import type { CallContext } from "../kintone-calls.js";
import type { OptionalOperationRef, Resource } from "../spec-model.js";
import { BULK_HANDLERS } from "./bulk.js";
import { addComment, listComments } from "./comments.js";
import { downloadFile, uploadFile } from "./files.js";
import { runAction } from "./status.js";
import { upsertHandler } from "./upsert.js";

/** What the handler of one opt-in operation is given for one request. */
export type OptionalRequest = {
  ctx: CallContext;
  resource: Resource;
  operation: OptionalOperationRef;
  /** The path parameters, by the names in the spec's path (`{id}` → `id`). */
  params: Readonly<Record<string, string>>;
  /** The URL the caller used (https when a TLS terminator in front says so). */
  url: URL;
  /** Reads the JSON body, bounded by the proxy's body limit (413 beyond it; 415 when it is not JSON). */
  body(limit?: number): Promise<unknown>;
  /** The request itself, for a handler that reads its body its own way (the file upload). */
  incoming: IncomingMessage;
  /**
   * Cuts the connection of an answer already begun (its status and part of its body sent), so the caller cannot
   * take it for a whole one; the access log shows 502 with `code`.
   */
  cut(code: string): void;
  reply: Reply;
};

export type OptionalHandler = {
  /** The `$` system query options the operation takes (every other one is a 400). */
  queryOptions: readonly string[];
  /** Its other query parameters. */
  parameters: readonly string[];
  handle(request: OptionalRequest): Promise<Response>;
};

/**
 * The proxy's handlers of the opt-in operations, by `x-kintone-operation` (the generator's side is
 * src/generate/operations/). An operation of a spec with no handler here is refused when serve starts.
 */
export const OPTIONAL_HANDLERS: Partial<Record<Exclude<KintoneOperation, Operation>, OptionalHandler>> = {
  upsert: upsertHandler,
  ...BULK_HANDLERS,
  "upload-file": uploadFile,
  "download-file": downloadFile,
  "run-action": runAction,
  "list-comments": listComments,
  "add-comment": addComment,
};
