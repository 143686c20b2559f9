import type { SchemaObject } from "openapi3-ts/oas30";
import { COMMENT_TEXT_MAX, COMMENTS_PER_CALL, COMMENTS_TOP_MAX } from "../../kintone/limits.js";
import type { AppBuild } from "../build-document.js";

/**
 * The `comments` group (issue #14): per app, list a record's comments (newest first; Kintone answers at most 10 a
 * call, so `$top` is bounded) and add one (`{text, mentions?}`), with Kintone's comment ids.
 */

export const commentSchemaNames = {
  comment: (singular: string) => `${singular}Comment`,
  page: (singular: string) => `${singular}CommentPage`,
  input: (singular: string) => `${singular}CommentInput`,
  added: (singular: string) => `${singular}CommentAdded`,
} as const;

export const commentPaths = { comments: (item: string) => `${item}/comments` } as const;

export const MENTION_TYPES = ["USER", "GROUP", "ORGANIZATION"] as const;

function mention(input: boolean): SchemaObject {
  return {
    type: "object",
    description: "A user, group or organization mentioned in the comment (notified by Kintone).",
    required: ["code", "entityType"],
    properties: {
      code: {
        type: "string",
        ...(input ? { minLength: 1 } : {}),
        description: "Login name (user) or code (group, organization).",
      },
      entityType: {
        type: "string",
        ...(input ? { enum: [...MENTION_TYPES] } : {}),
        description: "USER, GROUP or ORGANIZATION (Kintone's mention type).",
      },
    },
  };
}

/** A comment's text holds a character that is not a space (written into the spec, checked by the proxy). */
export const COMMENT_TEXT_PATTERN = "\\S";

export function buildComments(build: AppBuild): void {
  const { singular } = build;
  const appId = build.appId;
  build.put(commentSchemaNames.comment(singular), {
    type: "object",
    description: `A comment on a record of ${build.about}.`,
    required: ["id", "text", "createdAt", "creator", "mentions"],
    properties: {
      id: {
        type: "integer",
        format: "int64",
        description: "Kintone's comment id (unique within the record).",
      },
      text: { type: "string", description: "The comment's text (mentions appear as @name)." },
      createdAt: { type: "string", format: "date-time", description: "When the comment was posted." },
      creator: build.ref("Entity"),
      mentions: { type: "array", items: mention(false), description: "Who the comment mentions." },
    },
    "x-kintone-app-id": appId,
  });
  build.put(commentSchemaNames.page(singular), {
    type: "object",
    description: `A page of a record's comments, newest first.`,
    required: ["value", "hasMore"],
    properties: {
      value: {
        type: "array",
        description: "The comments of this page, newest first.",
        items: build.ref(commentSchemaNames.comment(singular)),
      },
      hasMore: {
        type: "boolean",
        description:
          "Whether older comments follow: ask again with $skip raised by the number of comments read.",
      },
    },
    "x-kintone-app-id": appId,
  });
  build.put(commentSchemaNames.input(singular), {
    type: "object",
    description: `A comment to post on a record of ${build.about}.`,
    required: ["text"],
    properties: {
      text: {
        type: "string",
        minLength: 1,
        maxLength: COMMENT_TEXT_MAX,
        // Not only spaces: the proxy refuses a blank comment (a property-based test found the spec allowing it).
        pattern: COMMENT_TEXT_PATTERN,
        description: `The comment's text (plain text, not only spaces, at most ${COMMENT_TEXT_MAX.toLocaleString("en-US")} characters).`,
      },
      mentions: {
        type: "array",
        nullable: true,
        items: mention(true),
        description: "Users, groups or organizations to mention (Kintone notifies them).",
      },
    },
    "x-kintone-app-id": appId,
  });
  build.put(commentSchemaNames.added(singular), {
    type: "object",
    description: "The comment posted.",
    required: ["id"],
    properties: { id: { type: "integer", format: "int64", description: "Kintone's id of the new comment." } },
    "x-kintone-app-id": appId,
  });
  const path = commentPaths.comments(build.item);
  build.addOperation(path, "get", "list-comments", {
    operationId: `list${singular}Comments`,
    summary: `List the comments of a ${singular}`,
    description: build.describe(
      `Lists the comments on one record of ${build.about}, newest first, a page at a time ($top and $skip). Kintone answers ${COMMENTS_PER_CALL} comments a call, so a page of up to ${COMMENTS_TOP_MAX} takes up to ${COMMENTS_TOP_MAX / COMMENTS_PER_CALL} calls.`,
    ),
    parameters: [
      build.idParameter(),
      {
        name: "$top",
        in: "query",
        required: false,
        description: `Largest number of comments in one page, 1 to ${COMMENTS_TOP_MAX} (default ${COMMENTS_PER_CALL}).`,
        schema: {
          type: "integer",
          format: "int32",
          minimum: 1,
          maximum: COMMENTS_TOP_MAX,
          default: COMMENTS_PER_CALL,
        },
      },
      {
        name: "$skip",
        in: "query",
        required: false,
        description: "Number of the newest comments to skip before the page starts (default 0).",
        schema: { type: "integer", format: "int32", minimum: 0, maximum: 2_147_483_647, default: 0 },
      },
    ],
    responses: build.responses(["400", "401", "404", "429", "500", "502", "503", "504"], "200", {
      description: "A page of comments.",
      content: { "application/json": { schema: build.ref(commentSchemaNames.page(singular)) } },
    }),
  });
  build.addOperation(path, "post", "add-comment", {
    operationId: `add${singular}Comment`,
    summary: `Comment on a ${singular}`,
    description: build.describe(
      `Posts a comment on one record of ${build.about}, optionally mentioning users, groups or organizations, and answers the new comment's id.`,
    ),
    parameters: [build.idParameter()],
    requestBody: build.jsonBody(commentSchemaNames.input(singular), "The comment: its text and mentions."),
    responses: build.responses(
      ["400", "401", "404", "413", "415", "429", "500", "502", "503", "504"],
      "201",
      {
        description: "The comment was posted; its id.",
        content: { "application/json": { schema: build.ref(commentSchemaNames.added(singular)) } },
      },
    ),
  });
}
