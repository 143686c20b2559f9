import type { AppBuild } from "../build-document.js";

/**
 * The `status` group (issue #14): per app whose process management is on, an operation that runs one of its
 * actions on a record (PUT /k/v1/record/status.json). The record's status and assignees are already in the record
 * schema, read-only (STATUS and STATUS_ASSIGNEE fields). Apps with process management off, or whose settings were
 * not read, get no operation and a warning.
 */

export const statusSchemaNames = { run: (singular: string) => `${singular}ActionRun` } as const;

export const statusPaths = { run: (item: string) => `${item}/actions` } as const;

export function buildStatus(build: AppBuild): void {
  const { singular, meta } = build;
  const settings = meta.processManagement;
  const statusField = Object.values(meta.fields.properties).find((field) => field.type === "STATUS");
  const statusOn = String((statusField as { enabled?: unknown } | undefined)?.enabled) === "true";
  if (settings === undefined && statusOn) {
    build.warn(
      "its process management settings were not read (a snapshot without process-management.json?), so it gets no status operation: take the snapshot again with this version.",
    );
    return;
  }
  const actions = settings?.enable === true ? (settings.actions ?? []) : [];
  if (actions.length === 0) {
    build.warn("its process management is off (or has no actions), so it gets no status operation.");
    return;
  }
  const names = [...new Set(actions.map((a) => a.name))];
  const moves = names.map((name) => {
    const steps = actions
      .filter((a) => a.name === name)
      .map((a) => `from "${a.from}" to "${a.to}"${a.filterCond ? " (when its condition holds)" : ""}`);
    return `"${name}": ${steps.join(", or ")}`;
  });
  build.put(statusSchemaNames.run(singular), {
    type: "object",
    description: build.describe(
      `An action of the process management of ${build.about} to run on a record. Actions: ${moves.join("; ")}.`,
    ),
    required: ["action"],
    properties: {
      action: {
        type: "string",
        enum: names,
        description: build.describe(
          `The action's name, as the app's process management names it: ${moves.join("; ")}.`,
        ),
      },
      assignee: {
        type: "string",
        nullable: true,
        minLength: 1,
        description:
          "Login name of the user to assign, when the next status is set to have one assignee chosen from a list; otherwise leave out.",
      },
      revision: {
        type: "integer",
        format: "int64",
        nullable: true,
        minimum: 1,
        description:
          "Expected revision of the record. When given and the record changed since, the call fails with 409 instead of running the action.",
      },
    },
    "x-kintone-app-id": build.appId,
  });
  build.addOperation(statusPaths.run(build.item), "post", "run-action", {
    operationId: `run${singular}Action`,
    summary: `Run a process action on a ${singular}`,
    description: build.describe(
      `Runs an action of the process management of ${build.about} on one record, moving it to the action's next status, and returns the record as stored (its status and assignees changed, its revision up by 2). An action that cannot be run from the record's current status, or whose condition the record does not meet, is refused (400 ActionNotAvailable). Actions: ${moves.join("; ")}.`,
    ),
    parameters: [build.idParameter()],
    requestBody: build.jsonBody(
      statusSchemaNames.run(singular),
      "The action to run, and optionally the assignee.",
    ),
    responses: build.responses(
      ["400", "401", "404", "409", "413", "415", "429", "500", "502", "503", "504"],
      "200",
      {
        description: "The record as stored after the action.",
        content: { "application/json": { schema: build.ref(singular) } },
      },
    ),
  });
}
