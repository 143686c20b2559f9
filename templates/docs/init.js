// Renders the served spec with Swagger UI. Reading the spec takes one of the proxy's API keys: until one is given
// through Swagger UI's Authorize button (the spec's ApiKey or Bearer scheme), the page shows only that button; then it
// loads the spec with the key, and "Try it out" sends the key the way it was authorized.
(() => {
  const storageKey = "kintone-openapi-key";
  const schemes = {
    ApiKey: {
      type: "apiKey",
      in: "header",
      name: "X-API-Key",
      description: "One of this proxy's API keys (KINTONE_OPENAPI_API_KEYS).",
    },
    Bearer: { type: "http", scheme: "bearer", description: "The same API key, as Authorization: Bearer <key>." },
  };
  const placeholder = {
    openapi: "3.0.3",
    info: {
      title: "kintone-openapi proxy",
      version: "",
      description:
        "Click **Authorize** and give one of this proxy's API keys (KINTONE_OPENAPI_API_KEYS) to see its operations.",
    },
    security: [{ ApiKey: [] }, { Bearer: [] }],
    paths: {},
    components: { securitySchemes: schemes },
  };
  const notice = document.getElementById("error");
  const tell = (text) => {
    notice.hidden = text === "";
    notice.textContent = text;
  };
  /** The key and the scheme it was given under, from an authorize action's payload. */
  const keyOf = (payload) => {
    for (const [scheme, auth] of Object.entries(payload ?? {})) {
      const value = auth?.get ? auth.get("value") : auth?.value;
      if (typeof value === "string" && value.trim() !== "") return { scheme, key: value.trim() };
    }
    return undefined;
  };
  let shownWith; // the key the spec on screen was loaded with ("" without one)
  let ui;

  async function show(given) {
    const key = given?.key ?? "";
    if (ui !== undefined && shownWith === key) return;
    const response = await fetch(new URL("../openapi.json", window.location.href), key ? { headers: { "X-API-Key": key } } : {});
    if (response.status === 401) {
      if (key) {
        sessionStorage.removeItem(storageKey);
        ui?.authActions.logout(Object.keys(schemes));
        tell("This proxy refused that API key: click Authorize and give one of its keys.");
      }
      return;
    }
    if (!response.ok) {
      tell(`The spec could not be loaded (HTTP ${response.status}).`);
      return;
    }
    const spec = await response.json();
    // "Try it out" goes to this proxy, under the spec's base path.
    const base = new URL(spec.servers?.[0]?.url ?? "/", window.location.origin).pathname.replace(/\/$/, "");
    spec.servers = [{ url: window.location.origin + base, description: "This proxy" }];
    shownWith = key;
    if (key) sessionStorage.setItem(storageKey, JSON.stringify({ scheme: given.scheme, key }));
    tell("");
    ui.specActions.updateSpec(JSON.stringify(spec));
    if (key) ui.preauthorizeApiKey(given.scheme === "Bearer" ? "Bearer" : "ApiKey", key);
  }

  // Every authorization (the Authorize dialog, or preauthorizeApiKey) loads the spec with its key.
  const AuthorizeLoadsSpec = () => ({
    statePlugins: {
      auth: {
        wrapActions: {
          authorize: (authorize) => (payload) => {
            const result = authorize(payload);
            const given = keyOf(payload);
            if (given !== undefined) void show(given);
            return result;
          },
          // Logout forgets the key in this tab too: a reload must not authorize again.
          logout: (logout) => (payload) => {
            sessionStorage.removeItem(storageKey);
            shownWith = undefined;
            return logout(payload);
          },
        },
      },
    },
  });

  ui = SwaggerUIBundle({
    spec: placeholder,
    dom_id: "#docs",
    deepLinking: true,
    // Operation ids are the names of the actions in Salesforce.
    displayOperationId: true,
    defaultModelsExpandDepth: 0,
    plugins: [AuthorizeLoadsSpec],
  });
  window.ui = ui;
  // Without keys (serve --no-auth) the spec loads at once; in this tab, the key given before is used again.
  let stored;
  try {
    stored = JSON.parse(sessionStorage.getItem(storageKey) ?? "null");
  } catch {
    stored = null;
  }
  void show(stored && typeof stored.key === "string" ? { scheme: stored.scheme, key: stored.key } : undefined);
})();
