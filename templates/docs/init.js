// Loads the served spec (asking for the proxy's API key when it needs one) and renders it with Swagger UI.
(async () => {
  const storageKey = "kintone-openapi-key";
  let key = sessionStorage.getItem(storageKey) || "";
  const load = () => fetch("/openapi.json", key ? { headers: { "X-API-Key": key } } : {});
  let response = await load();
  while (response.status === 401) {
    key = window.prompt("API key of this proxy (one of KINTONE_OPENAPI_API_KEYS):") || "";
    if (!key) break;
    response = await load();
  }
  if (!response.ok) {
    const error = document.getElementById("error");
    error.hidden = false;
    error.textContent = `The spec could not be loaded (HTTP ${response.status}).`;
    return;
  }
  if (key) sessionStorage.setItem(storageKey, key);
  const spec = await response.json();
  // "Try it out" goes to this proxy, under the spec's base path.
  const base = new URL(spec.servers?.[0]?.url ?? "/", window.location.origin).pathname.replace(/\/$/, "");
  spec.servers = [{ url: window.location.origin + base, description: "This proxy" }];
  window.ui = SwaggerUIBundle({
    spec,
    dom_id: "#docs",
    deepLinking: true,
    defaultModelsExpandDepth: 0,
    requestInterceptor: (request) => {
      if (key) request.headers["X-API-Key"] = key;
      return request;
    },
  });
})();
