import { appFor, arrayParam, type Handler, intParam, isGuestApp } from "../context.js";
import { invalidInput } from "../errors.js";

export const getApps: Handler = (ctx, state) => {
  const ids = arrayParam(ctx.params.ids);
  const codes = arrayParam(ctx.params.codes);
  const spaceIds = arrayParam(ctx.params.spaceIds);
  for (const [name, list] of [
    ["ids", ids],
    ["codes", codes],
    ["spaceIds", spaceIds],
  ] as const) {
    if (list !== undefined && list.length > 100)
      throw invalidInput({ [name]: ["Up to 100 values can be specified."] });
  }
  const limit = intParam(ctx.params.limit, "limit", 100, 1, 100);
  const offset = intParam(ctx.params.offset, "offset", 0, 0, 2147483647);
  const name = typeof ctx.params.name === "string" ? ctx.params.name.toLowerCase() : undefined;
  const visible = [...state.apps.values()].filter((app) => {
    if (ctx.guestSpaceId !== undefined ? app.app.spaceId !== ctx.guestSpaceId : isGuestApp(app, state))
      return false;
    if (ctx.caller.kind === "token" && !ctx.caller.apps.has(app.app.appId) && !ctx.caller.apps.has("*"))
      return false;
    if (ids !== undefined && !ids.includes(app.app.appId)) return false;
    if (codes !== undefined && !codes.includes(app.app.code)) return false;
    if (spaceIds !== undefined && (app.app.spaceId === null || !spaceIds.includes(app.app.spaceId)))
      return false;
    if (name !== undefined && !app.app.name.toLowerCase().includes(name)) return false;
    return true;
  });
  visible.sort((a, b) => Number(a.app.appId) - Number(b.app.appId));
  return { apps: visible.slice(offset, offset + limit).map((app) => app.app) };
};

export const getApp: Handler = (ctx, state) => appFor(ctx, state, ctx.params.id, "view").app;

export const getFormFields: Handler = (ctx, state) => appFor(ctx, state, ctx.params.app, "manage").fieldsBody;

export const getFormLayout: Handler = (ctx, state) => {
  const app = appFor(ctx, state, ctx.params.app, "manage");
  return app.layoutBody ?? { layout: [], revision: app.fields.revision };
};

export const getStatus: Handler = (ctx, state) => {
  const app = appFor(ctx, state, ctx.params.app, "manage");
  if (app.processManagement !== undefined) return app.processManagement;
  const status = Object.values(app.fields.properties).find((field) => field.type === "STATUS");
  const enabled = status !== undefined && (status as { enabled?: boolean }).enabled === true;
  return { enable: enabled, states: null, actions: null, revision: app.fields.revision };
};
