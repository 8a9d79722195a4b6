// Junction developer portal: a small single-page app over the gateway's own endpoints.
// Every data call carries the visitor's token; the gateway decides what it may see.
(function () {
  "use strict";

  const main = document.getElementById("main");
  const TOKEN_KEY = "junction.portal.token";
  // the last subscription key requested in this tab, offered by "Try it" (never sent to the server
  // except as the key header of a call)
  const SUBSCRIPTION_KEY = "junction.portal.subscription-key";
  const KEY_HEADER = "Junction-Subscription-Key";
  let catalog = null; // the last /portal/api/catalog answer

  // ---- helpers ---------------------------------------------------------------------------

  function esc(value) {
    return String(value == null ? "" : value)
      .replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;")
      .replace(/"/g, "&quot;").replace(/'/g, "&#39;");
  }

  function json(value) {
    return esc(JSON.stringify(value, null, 2));
  }

  function token() {
    return sessionStorage.getItem(TOKEN_KEY);
  }

  function claims(jwt) {
    try {
      const part = jwt.split(".")[1].replace(/-/g, "+").replace(/_/g, "/");
      return JSON.parse(atob(part));
    } catch (e) {
      return null;
    }
  }

  function scopesOf(jwt) {
    const c = jwt && claims(jwt);
    if (!c) return [];
    const s = c.scope || c.scp || [];
    return Array.isArray(s) ? s : String(s).split(" ");
  }

  function setToken(jwt) {
    if (jwt) sessionStorage.setItem(TOKEN_KEY, jwt);
    else sessionStorage.removeItem(TOKEN_KEY);
    catalog = null;
    showWho();
  }

  function showWho() {
    const who = document.getElementById("who");
    const jwt = token();
    if (!jwt) {
      who.textContent = "No token";
      return;
    }
    const c = claims(jwt) || {};
    who.textContent = "Token for " + (c.sub || "?") + " — scopes: " + scopesOf(jwt).join(" ");
  }

  /** fetch with the visitor's token; resolves with the Response whatever its status. */
  function call(method, url, body, contentType) {
    const headers = {};
    const jwt = token();
    if (jwt) headers["Authorization"] = "Bearer " + jwt;
    if (body != null) headers["Content-Type"] = contentType || "application/json";
    return fetch(url, { method: method, headers: headers, body: body == null ? undefined : body });
  }

  async function problemText(response) {
    let text = await response.text();
    try {
      const p = JSON.parse(text);
      text = (p.title || "") + (p.detail ? ": " + p.detail : "");
    } catch (e) { /* not a problem document */ }
    return response.status + " " + text;
  }

  function notice(message, isError) {
    return '<div class="notice' + (isError ? " error" : "") + '" role="' + (isError ? "alert" : "status") + '">' + message + "</div>";
  }

  function needToken() {
    return notice('You need a token to see this page. <a href="#/token">Get or paste a token</a>.', false);
  }

  /** Counts navigations: a page that loads data checks it is still the one shown before it renders. */
  let navigation = 0;

  /** A check that the visitor has not moved to another page since this one started loading. */
  function stillShown() {
    const at = navigation;
    return () => at === navigation;
  }

  function render(title, html) {
    document.title = title + " · Junction developer portal";
    main.innerHTML = html;
  }

  async function loadCatalog() {
    if (catalog) return catalog;
    const response = await call("GET", "/portal/api/catalog");
    if (!response.ok) throw new Error(await problemText(response));
    catalog = await response.json();
    return catalog;
  }

  function findApi(name, version) {
    return (catalog || []).find(a => a.name === name && a.version === version);
  }

  // How the version is reached and which revision is served (versioning in /portal/api/catalog).
  function versioningHtml(api) {
    const v = api.versioning;
    if (!v) return "";
    const how = v.scheme === "header"
      ? "header <code>Api-Version: " + esc(api.version) + "</code>" + (v.isDefault ? " (the default version)" : "")
      : "its base path";
    const others = v.revisions.filter(r => r !== v.revision);
    return '<p id="versioning">Reached by ' + how + " · revision " + v.revision +
      (others.length ? " (also " + others.map(r => "<code>Api-Revision: " + r + "</code>").join(", ") + ")" : "") + "</p>";
  }

  function changeLogHtml(api) {
    const log = api.versioning ? api.versioning.changeLog : [];
    if (!log.length) return "";
    return '<h2>Change log</h2><ul id="changelog">' +
      log.map(c => "<li><time datetime=\"" + esc(c.date) + "\">" + esc(c.date) + "</time> · revision " + c.revision + ": " + esc(c.description) + "</li>").join("") +
      "</ul>";
  }

  // Headers a call needs to reach this very version (prefilled in "Try it").
  function versionHeaders(api) {
    return api.versioning && api.versioning.scheme === "header" ? "Api-Version: " + api.version : "";
  }

  function limitsText(limits) {
    if (!limits.length) return "none";
    return limits.map(l => l.limit + " calls / " + l.window + " s per " + l.key).join("; ");
  }

  // ---- catalog ---------------------------------------------------------------------------

  async function catalogPage(query) {
    if (!token()) return render("APIs", "<h1>APIs</h1>" + needToken());
    render("APIs", "<h1>APIs</h1><p>Loading the catalog…</p>");
    const shown = stillShown();
    let apis;
    try {
      apis = await loadCatalog();
    } catch (e) {
      if (!shown()) return;
      return render("APIs", "<h1>APIs</h1>" + notice("The catalog could not be loaded: " + esc(e.message), true));
    }
    if (!shown()) return;
    const tags = [...new Set(apis.flatMap(a => a.tags))].sort();
    render("APIs",
      "<h1>APIs</h1>" +
      '<form class="filters" role="search" id="catalog-filters">' +
      '<div class="field"><label for="q">Search</label><input id="q" type="search" placeholder="name, title, description" value="' + esc(query.get("q") || "") + '"></div>' +
      '<div class="field"><label for="tag">Tag</label><select id="tag"><option value="">All tags</option>' +
      tags.map(t => '<option value="' + esc(t) + '">' + esc(t) + "</option>").join("") + "</select></div>" +
      '<div class="field"><label for="status">Status</label><select id="status"><option value="">Any status</option>' +
      '<option value="CURRENT">current</option><option value="DEPRECATED">deprecated</option></select></div>' +
      "</form>" +
      '<p id="api-count" role="status"></p><ul class="cards" id="api-list"></ul>');
    const q = document.getElementById("q");
    const tag = document.getElementById("tag");
    const status = document.getElementById("status");
    const list = document.getElementById("api-list");
    const count = document.getElementById("api-count");
    function draw() {
      const words = q.value.trim().toLowerCase().split(/\s+/).filter(Boolean);
      const shown = apis.filter(a => {
        const text = (a.name + " " + a.version + " " + a.title + " " + a.description + " " + a.tags.join(" ")).toLowerCase();
        return words.every(w => text.includes(w)) &&
          (!tag.value || a.tags.includes(tag.value)) &&
          (!status.value || a.status === status.value);
      });
      list.innerHTML = shown.map(a =>
        '<li class="card api" data-api="' + esc(a.name) + '" data-version="' + esc(a.version) + '">' +
        '<h2><a href="#/apis/' + encodeURIComponent(a.name) + "/" + encodeURIComponent(a.version) + '">' + esc(a.title) + " " + esc(a.version) + "</a></h2>" +
        '<p><span class="status-' + a.status + '">' + a.status.toLowerCase() + "</span> · <code>" + esc(a.basePath) + "</code> · " + a.operations.length + " operation(s)</p>" +
        "<p>" + esc(a.description.length > 180 ? a.description.slice(0, 177) + "…" : a.description) + "</p>" +
        "<p>" + a.tags.map(t => '<span class="tag">' + esc(t) + "</span>").join("") + "</p></li>").join("");
      count.textContent = shown.length + " of " + apis.length + " API version(s)";
      list.setAttribute("data-rendered", String(shown.length));
      performance.mark("catalog-rendered"); // read by the portal's load-time test
    }
    q.addEventListener("input", draw);
    tag.addEventListener("change", draw);
    status.addEventListener("change", draw);
    document.getElementById("catalog-filters").addEventListener("submit", e => e.preventDefault());
    draw();
  }

  // ---- API page --------------------------------------------------------------------------

  function loadSwaggerUi() {
    if (window.SwaggerUIBundle) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const css = document.createElement("link");
      css.rel = "stylesheet";
      css.href = "/portal/webjars/swagger-ui/swagger-ui.css";
      document.head.appendChild(css);
      const script = document.createElement("script");
      script.src = "/portal/webjars/swagger-ui/swagger-ui-bundle.js";
      script.onload = resolve;
      script.onerror = () => reject(new Error("Swagger UI could not be loaded"));
      document.head.appendChild(script);
    });
  }

  async function apiPage(name, version) {
    if (!token()) return render("API", "<h1>API</h1>" + needToken());
    const shown = stillShown();
    let api;
    try {
      await loadCatalog();
      api = findApi(name, version);
    } catch (e) {
      if (!shown()) return;
      return render("API", "<h1>API</h1>" + notice(esc(e.message), true));
    }
    if (!shown()) return;
    if (!api) return render("API", "<h1>API not found</h1>" + notice("No API " + esc(name) + " " + esc(version) + " in the catalog.", true));
    render(api.title + " " + api.version,
      "<h1>" + esc(api.title) + " " + esc(api.version) + "</h1>" +
      '<p><span class="status-' + api.status + '">' + api.status.toLowerCase() + "</span> · base path <code>" + esc(api.basePath) + "</code> · " +
      '<a href="' + esc(api.openapi) + '" id="openapi-link">OpenAPI document</a></p>' +
      "<p>" + esc(api.description) + "</p>" +
      "<p>" + api.tags.map(t => '<span class="tag">' + esc(t) + "</span>").join("") + "</p>" +
      versioningHtml(api) +
      "<h2>Operations</h2>" +
      '<div class="table-wrap"><table id="operations"><thead><tr><th scope="col">Operation</th><th scope="col">Method and path</th>' +
      '<th scope="col">Required scopes</th><th scope="col">Rate limits</th><th scope="col">Try it</th></tr></thead><tbody>' +
      api.operations.map(o =>
        '<tr data-operation="' + esc(o.id) + '"><td>' + esc(o.id) + (o.summary ? '<div class="meta">' + esc(o.summary) + "</div>" : "") + "</td>" +
        '<td><span class="method">' + esc(o.method) + "</span> <code>" + esc(o.path) + "</code></td>" +
        "<td>" + (o.scopes.length ? o.scopes.map(s => "<code>" + esc(s) + "</code>").join(" ") : "any valid token") + "</td>" +
        "<td>" + esc(limitsText(o.rateLimits)) + "</td>" +
        '<td><a href="#/try/' + encodeURIComponent(api.name) + "/" + encodeURIComponent(api.version) + "/" + encodeURIComponent(o.id) +
        '" aria-label="Try it: ' + esc(o.id) + '">Try it</a></td></tr>').join("") +
      "</tbody></table></div>" +
      changeLogHtml(api) +
      '<h2>Reference</h2><div id="swagger" aria-busy="true"><p>Loading the OpenAPI document…</p></div>');
    try {
      await loadSwaggerUi();
      if (!shown()) return;
      const jwt = token();
      window.SwaggerUIBundle({
        url: api.openapi,
        domNode: document.getElementById("swagger"),
        deepLinking: false,
        supportedSubmitMethods: [], // calls go through "Try it", which shows the run
        requestInterceptor: req => {
          req.headers["Authorization"] = "Bearer " + jwt;
          return req;
        },
        onComplete: () => {
          const node = document.getElementById("swagger");
          // Swagger UI's server picker has no label
          node.querySelectorAll("select:not([aria-label])").forEach(select => {
            const label = select.closest(".servers") ? "Server" : select.id || "Choice";
            select.setAttribute("aria-label", label);
          });
          node.setAttribute("aria-busy", "false");
        },
      });
    } catch (e) {
      document.getElementById("swagger").innerHTML = notice(esc(e.message), true);
    }
  }

  // ---- try it ----------------------------------------------------------------------------

  async function example(api, op) {
    try {
      const response = await call("GET", api.openapi);
      if (!response.ok) return "";
      const doc = await response.json();
      const paths = doc.paths || {};
      const path = paths[op.path] || paths[op.path.slice(api.basePath.length)];
      const operation = path && path[op.method.toLowerCase()];
      const content = operation && operation.requestBody && operation.requestBody.content;
      const media = content && (content["application/json"] || Object.values(content)[0]);
      if (!media) return "";
      if (media.example !== undefined) return JSON.stringify(media.example, null, 2);
      const examples = media.examples && Object.values(media.examples);
      if (examples && examples.length && examples[0].value !== undefined) return JSON.stringify(examples[0].value, null, 2);
      return "";
    } catch (e) {
      return "";
    }
  }

  async function tryPage(name, version, opId) {
    if (!token()) return render("Try it", "<h1>Try it</h1>" + needToken());
    const shown = stillShown();
    let api;
    try {
      await loadCatalog();
      api = findApi(name, version);
    } catch (e) {
      if (!shown()) return;
      return render("Try it", "<h1>Try it</h1>" + notice(esc(e.message), true));
    }
    if (!shown()) return;
    const op = api && api.operations.find(o => o.id === opId);
    if (!op) return render("Try it", "<h1>Operation not found</h1>" + notice("No operation " + esc(opId), true));
    const hasBody = ["POST", "PUT", "PATCH"].includes(op.method);
    render("Try " + op.id,
      "<h1>Try " + esc(op.id) + "</h1>" +
      '<p><a href="#/apis/' + encodeURIComponent(api.name) + "/" + encodeURIComponent(api.version) + '">' + esc(api.title) + " " + esc(api.version) + "</a> · needs " +
      (op.scopes.length ? op.scopes.map(s => "<code>" + esc(s) + "</code>").join(" ") : "a valid token") + " · rate limits: " + esc(limitsText(op.rateLimits)) + "</p>" +
      '<form id="try-form" class="filters">' +
      '<div class="field" style="flex:0 0 7rem"><label for="try-method">Method</label><input id="try-method" value="' + esc(op.method) + '" readonly></div>' +
      '<div class="field"><label for="try-path">Path</label><input id="try-path" value="' + esc(op.path) + '"></div>' +
      (hasBody ? '<div class="field wide"><label for="try-body">Body (JSON)</label><textarea id="try-body"></textarea></div>' : "") +
      '<div class="field"><label for="try-key">Subscription key (optional, sent as ' + KEY_HEADER + ')</label>' +
      '<input id="try-key" autocomplete="off" spellcheck="false" value="' + esc(sessionStorage.getItem(SUBSCRIPTION_KEY) || "") + '"></div>' +
      '<div class="field"><span class="checkbox"><input type="checkbox" id="try-use-token" checked><label for="try-use-token">Send my token</label></span></div>' +
      '<div class="field wide"><label for="try-headers">Extra headers (one "Name: value" a line, e.g. Prefer: respond-async)</label><textarea id="try-headers" style="min-height:3rem">' + esc(versionHeaders(api)) + '</textarea></div>' +
      '<div><button type="submit" id="try-send">Send</button></div></form>' +
      '<section id="try-result" aria-live="polite"></section>');
    if (hasBody) {
      const body = document.getElementById("try-body");
      example(api, op).then(text => { if (!body.value) body.value = text || "{}"; });
    }
    document.getElementById("try-form").addEventListener("submit", async e => {
      e.preventDefault();
      const result = document.getElementById("try-result");
      result.innerHTML = "<p>Sending…</p>";
      const headers = {};
      if (document.getElementById("try-use-token").checked) headers["Authorization"] = "Bearer " + token();
      const key = document.getElementById("try-key").value.trim();
      if (key) headers[KEY_HEADER] = key;
      document.getElementById("try-headers").value.split("\n").forEach(line => {
        const i = line.indexOf(":");
        if (i > 0) headers[line.slice(0, i).trim()] = line.slice(i + 1).trim();
      });
      let body;
      if (hasBody) {
        body = document.getElementById("try-body").value;
        headers["Content-Type"] = "application/json";
      }
      const started = performance.now();
      let response;
      try {
        response = await fetch(document.getElementById("try-path").value, { method: op.method, headers: headers, body: body });
      } catch (err) {
        result.innerHTML = notice("The request failed: " + esc(err.message), true);
        return;
      }
      const millis = Math.round(performance.now() - started);
      const text = await response.text();
      let pretty = text;
      try { pretty = JSON.stringify(JSON.parse(text), null, 2); } catch (err) { /* not JSON */ }
      const runId = response.headers.get("X-Run-Id");
      const rows = [];
      response.headers.forEach((value, key) => rows.push("<tr><th scope=\"row\">" + esc(key) + "</th><td>" + esc(value) + "</td></tr>"));
      result.innerHTML =
        "<h2>Response</h2>" +
        '<p>Status <strong id="try-status">' + response.status + "</strong> " + esc(response.statusText) + " in " + millis + " ms</p>" +
        (runId ? '<p>Run <code id="try-run-id">' + esc(runId) + '</code> · <a id="try-run-link" href="#/runs/' + encodeURIComponent(runId) + '">open the run</a></p>' : "") +
        '<h3>Headers</h3><div class="table-wrap"><table id="try-headers-table"><tbody>' + rows.join("") + "</tbody></table></div>" +
        '<h3>Body</h3><pre id="try-response-body" tabindex="0">' + esc(pretty) + "</pre>";
    });
  }

  // ---- token -----------------------------------------------------------------------------

  function tokenPage() {
    const jwt = token();
    const c = jwt ? claims(jwt) : null;
    render("Token",
      "<h1>Token</h1>" +
      (jwt ? notice("Current token: subject <code>" + esc(c && c.sub) + "</code>, scopes <code id=\"token-scopes\">" + esc(scopesOf(jwt).join(" ")) + "</code>" +
        (c && c.exp ? ", expires " + esc(new Date(c.exp * 1000).toISOString()) : "") + '. <button type="button" class="secondary" id="forget">Forget it</button>', false) : "") +
      "<h2>Client credentials</h2>" +
      "<p>The portal asks the OAuth2 issuer for a token (through the gateway, <code>POST /portal/api/token</code>). The secret is not stored.</p>" +
      '<form id="cc-form" class="filters" autocomplete="off">' +
      '<div class="field"><label for="cc-id">Client id</label><input id="cc-id" value="junction-sample"></div>' +
      '<div class="field"><label for="cc-secret">Client secret</label><input id="cc-secret" type="password"></div>' +
      '<div class="field wide"><label for="cc-scope">Scopes</label><input id="cc-scope" value="orders:write orders:read runs:read"></div>' +
      '<div><button type="submit" id="cc-get">Get a token</button></div></form>' +
      "<h2>Paste a token</h2>" +
      '<form id="paste-form" class="filters"><div class="field wide"><label for="paste">Access token (JWT)</label><textarea id="paste" style="min-height:4rem"></textarea></div>' +
      '<div><button type="submit" id="paste-use">Use this token</button></div></form>' +
      '<section id="token-result" aria-live="polite"></section>');
    const forget = document.getElementById("forget");
    if (forget) forget.addEventListener("click", () => { setToken(null); tokenPage(); });
    document.getElementById("cc-form").addEventListener("submit", async e => {
      e.preventDefault();
      const shown = stillShown();
      const result = document.getElementById("token-result");
      const id = document.getElementById("cc-id").value.trim();
      const secret = document.getElementById("cc-secret").value;
      const form = new URLSearchParams({ grant_type: "client_credentials" });
      const scope = document.getElementById("cc-scope").value.trim();
      if (scope) form.set("scope", scope);
      let response;
      try {
        response = await fetch("/portal/api/token", {
          method: "POST",
          headers: {
            "Authorization": "Basic " + btoa(encodeURIComponent(id) + ":" + encodeURIComponent(secret)),
            "Content-Type": "application/x-www-form-urlencoded",
          },
          body: form.toString(),
        });
      } catch (err) {
        result.innerHTML = notice("The issuer could not be reached: " + esc(err.message), true);
        return;
      }
      const answer = await response.json().catch(() => ({}));
      if (!response.ok || !answer.access_token) {
        result.innerHTML = notice("No token: " + response.status + " " + esc(answer.error_description || answer.error || answer.detail || ""), true);
        return;
      }
      setToken(answer.access_token);
      if (!shown()) return;
      tokenPage();
      document.getElementById("token-result").innerHTML = notice('Token received. <a href="#/catalog">Browse the APIs</a>.', false);
    });
    document.getElementById("paste-form").addEventListener("submit", e => {
      e.preventDefault();
      const value = document.getElementById("paste").value.trim().replace(/^Bearer\s+/i, "");
      if (!claims(value)) {
        document.getElementById("token-result").innerHTML = notice("That is not a JWT.", true);
        return;
      }
      setToken(value);
      tokenPage();
      document.getElementById("token-result").innerHTML = notice('Token saved for this tab. <a href="#/catalog">Browse the APIs</a>.', false);
    });
  }

  // ---- keys ------------------------------------------------------------------------------

  function windowText(seconds) {
    if (seconds % 86400 === 0) return (seconds / 86400) + " d";
    if (seconds % 3600 === 0) return (seconds / 3600) + " h";
    if (seconds % 60 === 0) return (seconds / 60) + " min";
    return seconds + " s";
  }

  function usageHtml(usage) {
    if (!usage || !usage.length) return "no limits";
    return '<ul class="usage">' + usage.map(u =>
      '<li data-limit="' + esc(u.name) + '">' + u.used + " of " + u.limit + " calls per " + windowText(u.windowSeconds) +
      (u.used > 0 ? " (full again in " + u.resetSeconds + " s)" : "") + "</li>").join("") + "</ul>";
  }

  async function keysPage() {
    if (!token()) return render("Keys", "<h1>Keys</h1>" + needToken());
    render("Keys", "<h1>Keys</h1><p>Loading…</p>");
    const shown = stillShown();
    const [productsAnswer, mineAnswer] = await Promise.all([call("GET", "/products"), call("GET", "/subscriptions")]);
    if (!shown()) return;
    if (!productsAnswer.ok || !mineAnswer.ok) {
      const failed = productsAnswer.ok ? mineAnswer : productsAnswer;
      return render("Keys", "<h1>Keys</h1>" + notice(esc(await problemText(failed)), true));
    }
    const products = await productsAnswer.json();
    const mine = await mineAnswer.json();
    if (!shown()) return;
    const titles = Object.fromEntries(products.map(p => [p.name, p.title]));
    render("Keys",
      "<h1>Keys</h1>" +
      "<p>A subscription key lets an application call the APIs of a product, with or instead of a token, " +
      "within the product's limits. Send it in the <code>" + KEY_HEADER + "</code> header.</p>" +
      "<h2>Products</h2>" +
      (products.length ? '<ul class="cards" id="products">' + products.map(p =>
        '<li class="card" data-product="' + esc(p.name) + '"><h3>' + esc(p.title) + "</h3>" +
        "<p>" + esc(p.description) + "</p>" +
        "<p>APIs: " + p.apis.map(a => "<code>" + esc(a.name) + " " + esc(a.version || "(every version)") + "</code>").join(", ") + "</p>" +
        "<p>Limits per subscription: " + (p.limits.length ? p.limits.map(l => l.limit + " calls per " + windowText(l.windowSeconds)).join(", ") : "none") + "</p>" +
        "<p>" + (p.approvalRequired ? "Keys work once an operator approves them." : "Keys work at once.") +
        (p.subscriptionRequired ? " Its APIs require a key." : " Its APIs also accept a token alone.") + "</p></li>").join("") + "</ul>"
        : "<p>No product is offered.</p>") +
      (products.length ?
        '<form id="key-form" class="filters"><div class="field"><label for="key-product">Product</label><select id="key-product">' +
        products.map(p => '<option value="' + esc(p.name) + '">' + esc(p.title) + "</option>").join("") + "</select></div>" +
        '<div class="field"><label for="key-label">Label (optional, e.g. your application)</label><input id="key-label" maxlength="100"></div>' +
        '<div><button type="submit" id="key-request">Request a key</button></div></form>' : "") +
      '<section id="key-result" aria-live="polite"></section>' +
      "<h2>Your subscriptions</h2>" +
      (mine.length ? '<div class="table-wrap"><table id="subscriptions"><thead><tr><th scope="col">Product</th><th scope="col">Label</th>' +
        '<th scope="col">Key</th><th scope="col">State</th><th scope="col">Usage</th><th scope="col">Actions</th></tr></thead><tbody>' +
        mine.map(s => '<tr data-subscription="' + esc(s.id) + '"><td>' + esc(titles[s.product] || s.product) + "</td><td>" + esc(s.displayName || "") +
          "</td><td><code>" + esc(s.keyPrefix) + "…</code></td><td>" + esc(s.state.toLowerCase()) + "</td><td>" + usageHtml(s.usage) + "</td>" +
          '<td><div class="actions"><button type="button" class="secondary" data-renew="' + esc(s.id) + '" aria-label="New key for ' + esc(s.keyPrefix) + '">New key</button>' +
          '<button type="button" class="secondary" data-cancel="' + esc(s.id) + '" aria-label="Cancel ' + esc(s.keyPrefix) + '">Cancel</button></div></td></tr>').join("") +
        "</tbody></table></div>" : '<p id="no-subscriptions">You have no subscription yet.</p>'));
    function showKey(answer, what) {
      sessionStorage.setItem(SUBSCRIPTION_KEY, answer.key);
      keysPage().then(() => {
        document.getElementById("key-result").innerHTML = notice(
          esc(what) + " for <strong>" + esc(titles[answer.subscription.product] || answer.subscription.product) + "</strong>" +
          (answer.subscription.state === "PENDING" ? " (it works once an operator approves it)" : "") +
          ". <strong>This is the only time it is shown</strong>: copy it now. \"Try it\" offers it in this tab." +
          '<div class="key-shown"><label for="new-key">Your key</label><input id="new-key" readonly value="' + esc(answer.key) + '">' +
          '<button type="button" id="copy-key">Copy</button><span id="copy-done" role="status"></span></div>', false);
        document.getElementById("copy-key").addEventListener("click", async () => {
          const input = document.getElementById("new-key");
          try {
            await navigator.clipboard.writeText(input.value);
          } catch (e) {
            input.select();
            document.execCommand("copy");
          }
          document.getElementById("copy-done").textContent = "Copied.";
        });
      });
    }
    const form = document.getElementById("key-form");
    if (form) form.addEventListener("submit", async e => {
      e.preventDefault();
      const label = document.getElementById("key-label").value.trim();
      const answer = await call("POST", "/subscriptions", JSON.stringify({
        product: document.getElementById("key-product").value, displayName: label || null }));
      if (!answer.ok) {
        document.getElementById("key-result").innerHTML = notice(esc(await problemText(answer)), true);
        return;
      }
      showKey(await answer.json(), "New key");
    });
    main.querySelectorAll("[data-renew]").forEach(button => button.addEventListener("click", async () => {
      const answer = await call("POST", "/subscriptions/" + encodeURIComponent(button.getAttribute("data-renew")) + "/key");
      if (!answer.ok) {
        document.getElementById("key-result").innerHTML = notice(esc(await problemText(answer)), true);
        return;
      }
      showKey(await answer.json(), "New key (the old one no longer works)");
    }));
    main.querySelectorAll("[data-cancel]").forEach(button => button.addEventListener("click", async () => {
      const answer = await call("DELETE", "/subscriptions/" + encodeURIComponent(button.getAttribute("data-cancel")));
      if (!answer.ok) {
        document.getElementById("key-result").innerHTML = notice(esc(await problemText(answer)), true);
        return;
      }
      await keysPage();
      document.getElementById("key-result").innerHTML = notice("Subscription cancelled; its key no longer works.", false);
    }));
  }

  // ---- runs ------------------------------------------------------------------------------

  async function runsPage(query) {
    if (!token()) return render("Runs", "<h1>Runs</h1>" + needToken());
    render("Runs",
      "<h1>Runs</h1>" +
      "<p>The run history, for operators: the gateway answers only tokens with the scope <code>runs:admin</code>.</p>" +
      '<form id="runs-form" class="filters">' +
      '<div class="field"><label for="runs-workflow">Workflow</label><input id="runs-workflow" value="' + esc(query.get("workflow") || "") + '"></div>' +
      '<div class="field"><label for="runs-status">Status (comma-separated)</label><input id="runs-status" placeholder="FAILED,COMPENSATED" value="' + esc(query.get("status") || "") + '"></div>' +
      '<div class="field" style="flex:0 0 7rem"><label for="runs-limit">Limit</label><input id="runs-limit" type="number" min="1" max="500" value="' + esc(query.get("limit") || "50") + '"></div>' +
      '<div><button type="submit">Filter</button></div></form><section id="runs-result" aria-live="polite"><p>Loading…</p></section>');
    document.getElementById("runs-form").addEventListener("submit", e => {
      e.preventDefault();
      const q = new URLSearchParams();
      ["workflow", "status", "limit"].forEach(k => {
        const v = document.getElementById("runs-" + k).value.trim();
        if (v) q.set(k, v);
      });
      location.hash = "#/runs?" + q.toString();
    });
    const q = new URLSearchParams();
    ["workflow", "status", "limit", "before"].forEach(k => { if (query.get(k)) q.set(k, query.get(k)); });
    const shown = stillShown();
    const response = await call("GET", "/runs?" + q.toString());
    if (!shown()) return;
    const result = document.getElementById("runs-result");
    if (!result) return;
    if (response.status === 403) {
      result.innerHTML = notice('<span id="runs-forbidden">Not allowed: your token lacks the operator scope <code>runs:admin</code>.</span> ' + esc(await problemText(response)), true);
      return;
    }
    if (!response.ok) {
      result.innerHTML = notice(esc(await problemText(response)), true);
      return;
    }
    const page = await response.json();
    result.innerHTML =
      '<div class="table-wrap"><table id="runs-table"><thead><tr><th scope="col">Run</th><th scope="col">Workflow</th><th scope="col">Status</th>' +
      '<th scope="col">Started</th><th scope="col">Updated</th><th scope="col">Trigger</th></tr></thead><tbody>' +
      page.runs.map(r => '<tr data-run="' + esc(r.runId) + '"><td><a href="#/runs/' + encodeURIComponent(r.runId) + '"><code>' + esc(r.runId) + "</code></a></td><td>" +
        esc(r.workflow) + " " + esc(r.workflowVersion || "") + '</td><td class="' + esc(r.status) + '">' + esc(r.status) + "</td><td>" + esc(r.startedAt) + "</td><td>" +
        esc(r.updatedAt) + "</td><td>" + esc(r.trigger || "") + "</td></tr>").join("") +
      "</tbody></table></div>" +
      (page.runs.length ? "" : "<p>No run matches.</p>") +
      (page.next ? '<p><a href="#/runs?' + esc(new URLSearchParams(Object.assign(Object.fromEntries(q), { before: page.next })).toString()) + '">Older runs</a></p>' : "");
  }

  function stepHtml(step) {
    return '<li class="step" data-step="' + esc(step.stepId) + '"><h3>' + esc(step.stepId) + ' <span class="' + esc(step.status) + '">' + esc(step.status) + "</span></h3>" +
      '<p class="meta">attempt ' + esc(step.attempt) + (step.outcome ? " · outcome " + esc(step.outcome) : "") +
      (step.firstStartedAt ? " · first started " + esc(step.firstStartedAt) : "") + (step.endedAt ? " · ended " + esc(step.endedAt) : "") +
      (step.nextAttemptAt ? " · next attempt " + esc(step.nextAttemptAt) : "") + "</p>" +
      (step.error ? notice("Error: " + esc(step.error), true) : "") +
      (step.errors && step.errors.length ? "<details><summary>Earlier attempts' errors (" + step.errors.length + ")</summary><ol>" + step.errors.map(x => "<li>" + esc(x) + "</li>").join("") + "</ol></details>" : "") +
      (step.input != null ? "<details><summary>Input</summary><pre>" + json(step.input) + "</pre></details>" : "") +
      (step.output != null ? "<details><summary>Output</summary><pre>" + json(step.output) + "</pre></details>" : "") +
      (step.children && step.children.length ? '<ol class="steps">' + step.children.map(stepHtml).join("") + "</ol>" : "") +
      "</li>";
  }

  // A drawn timeline: one bar per step (children and compensations included) from its first start to its end,
  // on a scale from the run's start to its last recorded instant; the figures are also written out as text.
  function timelineHtml(run) {
    const rows = [];
    const visit = (steps, kind, depth) => (steps || []).forEach(step => {
      rows.push({ step, kind, depth });
      visit(step.children, kind, depth + 1);
    });
    visit(run.steps, "step", 0);
    visit(run.compensations, "compensation", 0);
    const origin = Date.parse(run.startedAt);
    const timed = rows.filter(r => r.step.firstStartedAt && !isNaN(Date.parse(r.step.firstStartedAt)));
    if (isNaN(origin) || !timed.length) return "";
    const endOf = r => Date.parse(r.step.endedAt || run.updatedAt) || Date.parse(r.step.firstStartedAt);
    const span = Math.max(1, Date.parse(run.updatedAt) - origin, ...timed.map(r => endOf(r) - origin));
    const ms = v => v < 1000 ? v + " ms" : (v / 1000).toFixed(v < 10000 ? 2 : 1) + " s";
    return '<h2>Timeline</h2><div class="table-wrap"><table id="run-timeline" class="timeline"><caption>Each step from its first start to its end; the run started at ' + esc(run.startedAt) + ' and spans ' + ms(span) + '.</caption>' +
      '<thead><tr><th scope="col">Step</th><th scope="col">Start</th><th scope="col">Duration</th><th scope="col" class="bar-col"><span class="visually-hidden">Bar</span></th></tr></thead><tbody>' +
      timed.map(r => {
        const start = Math.max(0, Date.parse(r.step.firstStartedAt) - origin);
        const length = Math.max(0, endOf(r) - origin - start);
        const left = (100 * start / span).toFixed(2), width = Math.max(0.5, 100 * length / span).toFixed(2);
        return '<tr data-step="' + esc(r.step.stepId) + '" data-kind="' + r.kind + '"><th scope="row" style="padding-left:' + (0.5 + r.depth) + 'rem">' +
          (r.kind === "compensation" ? "undo " : "") + esc(r.step.stepId) + (r.step.attempt > 1 ? " ×" + esc(r.step.attempt) : "") + "</th>" +
          "<td>+" + ms(start) + "</td><td>" + (r.step.endedAt ? ms(length) : "running") + "</td>" +
          '<td class="bar-col"><div class="track"><div class="bar ' + esc(r.step.status) + " " + r.kind + '" style="margin-left:' + left + "%;width:" + width + '%"></div></div></td></tr>';
      }).join("") + "</tbody></table></div>";
  }

  async function runPage(id) {
    if (!token()) return render("Run", "<h1>Run</h1>" + needToken());
    render("Run " + id, "<h1>Run <code>" + esc(id) + "</code></h1><p>Loading…</p>");
    const shown = stillShown();
    const response = await call("GET", "/runs/" + encodeURIComponent(id));
    if (!shown()) return;
    if (!response.ok) {
      return render("Run " + id, "<h1>Run <code>" + esc(id) + "</code></h1>" + notice(esc(await problemText(response)), true));
    }
    const run = await response.json();
    if (!shown()) return;
    const ended = !["RUNNING", "CANCELLING", "COMPENSATING"].includes(run.status);
    render("Run " + id,
      "<h1>Run <code>" + esc(id) + "</code></h1>" +
      '<p>Workflow <strong>' + esc(run.workflow) + "</strong> " + esc(run.workflowVersion || "") + ' · status <strong id="run-status" class="' + esc(run.status) + '">' + esc(run.status) + "</strong>" +
      " · started " + esc(run.startedAt) + " · updated " + esc(run.updatedAt) + (run.trigger ? " · trigger " + esc(run.trigger) : "") + "</p>" +
      '<div class="actions">' +
      (ended ? "" : '<button type="button" id="run-cancel">Cancel</button>') +
      (ended ? '<button type="button" id="run-resubmit">Resubmit</button>' : "") +
      (run.status === "FAILED" ? '<button type="button" class="secondary" id="run-resubmit-failed">Resubmit from the failed step</button>' : "") +
      '</div><section id="run-action" aria-live="polite"></section>' +
      timelineHtml(run) +
      '<h2>Steps</h2><ol class="steps" id="run-steps">' + (run.steps || []).map(stepHtml).join("") + "</ol>" +
      (run.compensations && run.compensations.length ? '<h2>Compensations</h2><ol class="steps">' + run.compensations.map(stepHtml).join("") + "</ol>" : "") +
      (run.problem ? "<h2>Problem</h2>" + notice(esc(run.problem.title) + " (" + esc(run.problem.status) + "): " + esc(run.problem.detail), true) : "") +
      (run.response ? "<h2>Response</h2><p>Status " + esc(run.response.status) + "</p><pre tabindex=\"0\">" + json(run.response.body) + "</pre>" : ""));
    function action(button, path, body) {
      const el = document.getElementById(button);
      if (!el) return;
      el.addEventListener("click", async () => {
        const out = document.getElementById("run-action");
        const answer = await call("POST", path, body);
        if (answer.status === 403) {
          out.innerHTML = notice("Not allowed: cancel and resubmit need the operator scope <code>runs:admin</code>.", true);
        } else if (!answer.ok) {
          out.innerHTML = notice(esc(await problemText(answer)), true);
        } else {
          const result = await answer.json();
          out.innerHTML = notice(result.runId && result.runId !== id
            ? 'New run <a href="#/runs/' + encodeURIComponent(result.runId) + '">' + esc(result.runId) + "</a>"
            : "Run " + esc(result.runId) + " is " + esc(result.status), false);
        }
      });
    }
    action("run-cancel", "/runs/" + encodeURIComponent(id) + "/cancel", JSON.stringify({ reason: "cancelled from the developer portal" }));
    action("run-resubmit", "/runs/" + encodeURIComponent(id) + "/resubmit");
    action("run-resubmit-failed", "/runs/" + encodeURIComponent(id) + "/resubmit?from=failed");
  }

  // ---- status ----------------------------------------------------------------------------

  async function statusPage() {
    if (!token()) return render("Status", "<h1>Status</h1>" + needToken());
    render("Status", "<h1>Status</h1><p>Checking…</p>");
    const shown = stillShown();
    const response = await call("GET", "/portal/api/status");
    if (!shown()) return;
    if (!response.ok) return render("Status", "<h1>Status</h1>" + notice(esc(await problemText(response)), true));
    const report = await response.json();
    if (!shown()) return;
    render("Status",
      '<h1>Status</h1><p>Overall: <strong id="status-overall" class="' + esc(report.status) + '">' + esc(report.status) + "</strong></p>" +
      '<div class="table-wrap"><table id="status-table"><thead><tr><th scope="col">Service</th><th scope="col">Health</th><th scope="col">Checked</th><th scope="col">Time</th></tr></thead><tbody>' +
      report.components.map(c => '<tr data-service="' + esc(c.name) + '"><td>' + esc(c.name) + '</td><td class="' + esc(c.status) + '">' + esc(c.status) + "</td><td>" +
        esc(c.detail) + "</td><td>" + esc(c.millis) + " ms</td></tr>").join("") + "</tbody></table></div>");
  }

  // ---- router ----------------------------------------------------------------------------

  function route() {
    navigation++;
    const hash = location.hash.replace(/^#/, "") || "/catalog";
    const [path, search] = hash.split("?");
    const query = new URLSearchParams(search || "");
    const parts = path.split("/").filter(Boolean).map(decodeURIComponent);
    const section = parts[0] || "catalog";
    document.querySelectorAll("[data-nav]").forEach(a => {
      const current = a.getAttribute("data-nav") === (section === "apis" || section === "try" ? "catalog" : section);
      if (current) a.setAttribute("aria-current", "page"); else a.removeAttribute("aria-current");
    });
    switch (section) {
      case "apis": return apiPage(parts[1], parts[2]);
      case "try": return tryPage(parts[1], parts[2], parts[3]);
      case "token": return tokenPage();
      case "keys": return keysPage();
      case "runs": return parts[1] ? runPage(parts[1]) : runsPage(query);
      case "status": return statusPage();
      default: return catalogPage(query);
    }
  }

  window.addEventListener("hashchange", route);
  showWho();
  route();
})();
