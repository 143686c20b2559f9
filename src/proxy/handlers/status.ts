import { MAX_RECORD_ID } from "../../kintone/limits.js";
import { ProxyError } from "../errors.js";
import { KintoneApiError } from "../kintone-client.js";
import type { OptionalHandler } from "./optional.js";
import { outcomeUnknown, readBack, recordId } from "./record-io.js";

/**
 * The run-action operation (--operations status): PUT record/status.json with the action's name, the assignee and
 * the revision when given, then the record as stored. An action Kintone will not run from the record's status is a
 * 400 that says so; a changed revision is a 409.
 */

const KEYS = new Set(["action", "assignee", "revision"]);

function bad(target: string, message: string): ProxyError {
  return new ProxyError(400, "ValidationFailed", message, { target });
}

export const runAction: OptionalHandler = {
  queryOptions: [],
  parameters: [],
  async handle({ ctx, resource, operation, params, body, reply }) {
    const id = recordId(params.id ?? "");
    const input = await body();
    if (typeof input !== "object" || input === null || Array.isArray(input))
      throw new ProxyError(
        400,
        "InvalidBody",
        "The body must be a JSON object: {action, assignee, revision}.",
      );
    const fields = input as Record<string, unknown>;
    const unknown = Object.keys(fields).find((key) => !KEYS.has(key));
    if (unknown !== undefined)
      throw new ProxyError(
        400,
        "UnknownProperty",
        `${unknown.slice(0, 100)} is not a property of an action to run: send action, and optionally assignee and revision.`,
        { target: unknown.slice(0, 100) },
      );
    const { action, assignee, revision } = fields;
    const actions = operation.actions ?? new Set<string>();
    if (action === undefined || action === null || action === "")
      throw bad("action", "action is required: the name of one of the app's process actions.");
    // Only the actions the spec offers, checked here (found by an outside attack: any name cost a Kintone call and
    // was answered as if it existed).
    if (typeof action !== "string" || !actions.has(action))
      throw bad(
        "action",
        `action must be one of the app's process actions: ${[...actions].map((name) => JSON.stringify(name)).join(", ")}.`,
      );
    if (assignee !== undefined && assignee !== null && (typeof assignee !== "string" || assignee === ""))
      throw bad("assignee", "assignee must be a user's login name (or left out).");
    if (
      revision !== undefined &&
      revision !== null &&
      !(Number.isSafeInteger(revision) && (revision as number) >= 1 && (revision as number) <= MAX_RECORD_ID)
    )
      throw bad("revision", "revision must be the record's revision, a whole number from 1 (or left out).");
    const call = {
      app: resource.appId,
      id,
      action,
      ...(typeof assignee === "string" ? { assignee } : {}),
      ...(typeof revision === "number" ? { revision: String(revision) } : {}),
    };
    const done = await outcomeUnknown(
      ctx.write(resource, "status action", async (k) => {
        try {
          return await k.updateStatus(call);
        } catch (error) {
          // Kintone refused the action (nothing was written): say why in the caller's terms.
          if (error instanceof KintoneApiError && error.code === "GAIA_IL03")
            throw new ProxyError(
              400,
              "ActionNotAvailable",
              `The action ${JSON.stringify(action.slice(0, 100))} cannot be run on record ${id} now: it does not start from the record's current status, or the record does not meet its condition. Read the record's status and choose an action that starts from it.`,
              { target: "action" },
            );
          if (error instanceof KintoneApiError && error.code === "GAIA_ST02")
            throw new ProxyError(
              400,
              "ProcessManagementOff",
              "The app's process management is turned off in Kintone: turn it on, or regenerate the spec without the status operations.",
            );
          throw error;
        }
      }),
      `The action was sent to Kintone but no usable answer came back, so it may or may not have been run: read record ${id}'s status before running an action again.`,
    );
    return reply.json(await readBack(ctx, resource, id, done.revision));
  },
};
