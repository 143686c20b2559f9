import { COMMENT_TEXT_PATTERN } from "../../generate/operations/comments.js";
import { COMMENT_TEXT_MAX, COMMENTS_PER_CALL, COMMENTS_TOP_MAX } from "../../kintone/limits.js";
import { parseInteger } from "../../odata/query-options.js";
import { ProxyError } from "../errors.js";
import type { KintoneComment } from "../kintone-client.js";
import { optionError } from "./list.js";
import type { OptionalHandler } from "./optional.js";
import { outcomeUnknown, recordId } from "./record-io.js";

/** What the spec asks of a comment's text (not only spaces). */
const COMMENT_TEXT = new RegExp(COMMENT_TEXT_PATTERN, "u");

/**
 * The comments operations (--operations comments): a page of a record's comments, newest first, read 10 a call
 * (Kintone's most) so a request makes at most $top / 10 calls; and a new comment, answered with Kintone's id once
 * Kintone confirmed it.
 */

const MENTION_TYPES = new Set(["USER", "GROUP", "ORGANIZATION"]);
const SKIP_MAX = 2_147_483_647;

function entity(value: unknown): { code: string; name: string } {
  const { code, name } = (value ?? {}) as { code?: unknown; name?: unknown };
  return { code: String(code ?? ""), name: String(name ?? "") };
}

function toApiComment(comment: KintoneComment) {
  const mentions = Array.isArray(comment.mentions) ? comment.mentions : [];
  return {
    id: Number(comment.id),
    text: typeof comment.text === "string" ? comment.text : "",
    createdAt: String(comment.createdAt ?? ""),
    creator: entity(comment.creator),
    mentions: mentions.map((m) => {
      const { code, type } = (m ?? {}) as { code?: unknown; type?: unknown };
      return { code: String(code ?? ""), entityType: String(type ?? "") };
    }),
  };
}

export const listComments: OptionalHandler = {
  queryOptions: ["$top", "$skip"],
  parameters: [],
  async handle({ ctx, resource, params, url, reply }) {
    const id = recordId(params.id ?? "");
    let top = COMMENTS_PER_CALL;
    let skip = 0;
    try {
      top = parseInteger(
        url.searchParams.get("$top") ?? undefined,
        "$top",
        COMMENTS_PER_CALL,
        1,
        COMMENTS_TOP_MAX,
      );
      skip = parseInteger(url.searchParams.get("$skip") ?? undefined, "$skip", 0, 0, SKIP_MAX);
    } catch (error) {
      optionError(error);
    }
    const value: ReturnType<typeof toApiComment>[] = [];
    let hasMore = true;
    while (value.length < top && hasMore) {
      const limit = Math.min(COMMENTS_PER_CALL, top - value.length);
      const offset = skip + value.length;
      const page = await ctx.read(resource, (k, signal) =>
        k.getComments({ app: resource.appId, record: id, order: "desc", offset, limit }, signal),
      );
      value.push(...page.comments.slice(0, limit).map(toApiComment));
      hasMore = page.older && page.comments.length > 0;
    }
    return reply.json({ value, hasMore });
  },
};

export const addComment: OptionalHandler = {
  queryOptions: [],
  parameters: [],
  async handle({ ctx, resource, params, body, reply }) {
    const id = recordId(params.id ?? "");
    const input = await body();
    if (typeof input !== "object" || input === null || Array.isArray(input))
      throw new ProxyError(400, "InvalidBody", "The body must be a JSON object: {text, mentions}.");
    const fields = input as Record<string, unknown>;
    const unknown = Object.keys(fields).find((key) => key !== "text" && key !== "mentions");
    if (unknown !== undefined)
      throw new ProxyError(
        400,
        "UnknownProperty",
        `${unknown.slice(0, 100)} is not a property of a comment: send text, and optionally mentions.`,
        { target: unknown.slice(0, 100) },
      );
    const { text, mentions } = fields;
    if (typeof text !== "string" || !COMMENT_TEXT.test(text))
      throw new ProxyError(400, "ValidationFailed", "text is required: the comment's text.", {
        target: "text",
      });
    if ([...text].length > COMMENT_TEXT_MAX)
      throw new ProxyError(
        400,
        "ValidationFailed",
        `text is longer than ${COMMENT_TEXT_MAX.toLocaleString("en-US")} characters, Kintone's most: shorten it.`,
        { target: "text" },
      );
    const list = mentions === undefined || mentions === null ? [] : mentions;
    if (!Array.isArray(list))
      throw new ProxyError(400, "ValidationFailed", "mentions must be a list of {code, entityType}.", {
        target: "mentions",
      });
    const converted = list.map((m, i) => {
      const { code, entityType, ...rest } = (m ?? {}) as Record<string, unknown>;
      if (
        typeof m !== "object" ||
        m === null ||
        typeof code !== "string" ||
        code === "" ||
        typeof entityType !== "string" ||
        !MENTION_TYPES.has(entityType) ||
        Object.keys(rest).length > 0
      )
        throw new ProxyError(
          400,
          "ValidationFailed",
          `mentions[${i}] must be {code, entityType} with entityType USER, GROUP or ORGANIZATION.`,
          { target: `mentions[${i}]` },
        );
      return { code, type: entityType };
    });
    const added = await outcomeUnknown(
      ctx.write(resource, "comment", (k) =>
        k.addComment({ app: resource.appId, record: id, comment: { text, mentions: converted } }),
      ),
      `The comment was sent to Kintone but no usable answer came back, so it may or may not have been posted: list the record's newest comments before posting it again.`,
    );
    return reply.json({ id: Number(added.id) }, 201);
  },
};
