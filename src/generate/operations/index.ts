import type { AppBuild, OptionalOperation } from "../build-document.js";
import { buildBulk } from "./bulk.js";
import { buildComments } from "./comments.js";
import { buildFiles } from "./files.js";
import { buildStatus } from "./status.js";
import { buildUpsert } from "./upsert.js";

/**
 * The builders of the opt-in operation groups (`--operations files,status,comments,upsert,bulk`), one module each.
 * A builder adds its group's schemas and operations for one app through `AppBuild`; the proxy's handlers for the
 * same `x-kintone-operation` values are in src/proxy/handlers/optional.ts.
 */
export const OPTIONAL_BUILDERS: Partial<Record<OptionalOperation, (build: AppBuild) => void>> = {
  upsert: buildUpsert,
  bulk: buildBulk,
  files: buildFiles,
  status: buildStatus,
  comments: buildComments,
};
