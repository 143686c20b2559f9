import { appFor, type Handler, intParam } from "../context.js";
import { invalidInput, KintoneApiError } from "../errors.js";
import { kintoneDateTime } from "../records.js";
import type { SandboxApp, SandboxComment } from "../store.js";

/** Record comments (kintone-api.md §1.10): newest first by default, at most 10 a call; 400 GAIA_RE02 for a comment that is not there. */

function recordOf(app: SandboxApp, value: unknown): number {
  const id = Number(value);
  if (value === undefined || value === null || value === "")
    throw invalidInput({ record: ["Required field."] });
  if (!Number.isInteger(id) || id < 1) throw invalidInput({ record: ["Enter an integer value."] });
  if (!app.records.has(id))
    throw new KintoneApiError(404, "GAIA_RE01", `The specified record (ID: ${id}) is not found.`);
  return id;
}

const getComments: Handler = (ctx, state) => {
  const app = appFor(ctx, state, ctx.params.app, "view");
  const id = recordOf(app, ctx.params.record);
  const order = ctx.params.order ?? "desc";
  if (order !== "asc" && order !== "desc") throw invalidInput({ order: ["Enter asc or desc."] });
  const offset = intParam(ctx.params.offset, "offset", 0, 0, 2147483647);
  const limit = intParam(ctx.params.limit, "limit", 10, 1, 10);
  const all = app.comments.get(id) ?? [];
  const ordered = order === "asc" ? all : [...all].reverse();
  const page = ordered.slice(offset, offset + limit);
  return {
    comments: page,
    older: order === "desc" ? offset + limit < all.length : offset > 0,
    newer: order === "desc" ? offset > 0 : offset + limit < all.length,
  };
};

const addComment: Handler = (ctx, state) => {
  const app = appFor(ctx, state, ctx.params.app, "view");
  const id = recordOf(app, ctx.params.record);
  const comment = ctx.params.comment as { text?: unknown; mentions?: unknown } | undefined;
  if (comment === undefined || typeof comment !== "object" || comment === null)
    throw invalidInput({ comment: ["Required field."] });
  if (typeof comment.text !== "string" || comment.text.trim() === "")
    throw invalidInput({ "comment.text": ["Required field."] });
  if ([...comment.text].length > 65535)
    throw invalidInput({ "comment.text": ["Enter less than 65536 characters."] });
  const mentions = Array.isArray(comment.mentions) ? comment.mentions : [];
  for (const [i, mention] of mentions.entries()) {
    const m = mention as { code?: unknown; type?: unknown };
    if (typeof m?.code !== "string" || !["USER", "GROUP", "ORGANIZATION"].includes(String(m.type)))
      throw invalidInput({
        [`comment.mentions[${i}]`]: ["Specify a code and a type (USER, GROUP or ORGANIZATION)."],
      });
  }
  const actor =
    ctx.caller.kind === "user"
      ? { code: ctx.caller.login, name: ctx.caller.login }
      : { code: "Administrator", name: "Administrator" };
  const created: SandboxComment = {
    id: String(app.nextCommentId++),
    text: comment.text,
    createdAt: kintoneDateTime(state.options.now?.() ?? new Date()),
    creator: actor,
    mentions: mentions.map((m) => ({
      code: String((m as { code: string }).code),
      type: String((m as { type: string }).type),
    })),
  };
  app.comments.set(id, [...(app.comments.get(id) ?? []), created]);
  return { id: created.id };
};

const deleteComment: Handler = (ctx, state) => {
  const app = appFor(ctx, state, ctx.params.app, "view");
  const id = recordOf(app, ctx.params.record);
  const list = app.comments.get(id) ?? [];
  const index = list.findIndex((c) => c.id === String(ctx.params.comment));
  if (index < 0) throw new KintoneApiError(400, "GAIA_RE02", "The specified comment does not exist.");
  app.comments.set(
    id,
    list.filter((_, i) => i !== index),
  );
  return {};
};

export const COMMENT_ROUTES: Record<string, Handler> = {
  "GET record/comments": getComments,
  "POST record/comment": addComment,
  "DELETE record/comment": deleteComment,
};
