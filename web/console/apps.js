// The apps page: the developer's apps (name, pool id, created, user count), searched and paged
// on the server (`GET /api/apps?search=&limit=&cursor=`), or locally by an older server that
// answers every app at once; and creating an app, whose client secret is shown once, with its
// pool built in or, where the server offers it, in AWS Cognito (provider.js).

import { ApiError, appCache, rest } from "./api.js";
import { openDialog } from "./dialog.js";
import { clearErrors, codeBlock, copyField, dataTable, el, emptyState, errorBox, fill, formField, loading, showFieldError, when } from "./dom.js";
import { PROVIDER_WORDS, isExternal, providerBadge, serverProviders } from "./provider.js";
import { appHref, go } from "./router.js";

const APPS_PAGE = 50;

/** What the apps page keeps between renders: the search and the page's cursors. */
const appsState = { search: "", cursors: [null], page: 0 };

/** True when `app` matches `search` as the server's search does (name text, id or pool prefix). */
function appMatches(app, search) {
  const text = search.trim().toLowerCase();
  if (!text) return true;
  return (
    String(app.name ?? "").toLowerCase().includes(text) ||
    String(app.app_id ?? "").toLowerCase().startsWith(text) ||
    String(app.user_pool_id ?? "").toLowerCase().startsWith(text)
  );
}

/** Renders the apps page into `box`. */
export function renderApps(box) {
  const list = el("div", { class: "list-area" });
  const search = el("input", {
    type: "search",
    name: "search",
    autocomplete: "off",
    spellcheck: "false",
    placeholder: "Name, app id or pool id",
    value: appsState.search,
  });
  let timer = 0;
  const submit = () => {
    appsState.search = search.value;
    appsState.cursors = [null];
    appsState.page = 0;
    loadApps(list);
  };
  search.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(submit, 300);
  });
  const form = el("form", { class: "toolbar", role: "search" }, formField({ label: "Search apps", control: search }), el("button", { type: "submit" }, "Search"));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    clearTimeout(timer);
    submit();
  });
  fill(
    box,
    el("div", { class: "page-head" }, el("h1", { tabindex: "-1", text: "Your apps" }), el("button", { type: "button", class: "primary", onclick: () => createAppDialog() }, "Create app")),
    el("p", { class: "muted" }, "Each app is its own user pool: its own users, passwords, signing keys and tokens."),
    form,
    list,
  );
  loadApps(list);
}

async function loadApps(list) {
  fill(list, loading("Loading apps…"));
  const { search, cursors, page } = appsState;
  let data;
  try {
    data = await rest("/api/apps", { query: { search, limit: APPS_PAGE, cursor: cursors[page] } });
  } catch (error) {
    fill(list, errorBox(error, "Could not load your apps"));
    return;
  }
  const received = (data?.apps ?? []).filter((app) => appMatches(app, search));
  for (const app of received) appCache.set(app.app_id, app);
  // A server that ignores `limit` answers every app: page here.
  const local = (data?.apps?.length ?? 0) > APPS_PAGE;
  const shown = local ? received.slice(page * APPS_PAGE, (page + 1) * APPS_PAGE) : received;
  const next = local ? (received.length > (page + 1) * APPS_PAGE ? "local" : null) : data?.next_cursor ?? null;
  if (shown.length === 0 && page === 0) {
    fill(
      list,
      search.trim()
        ? emptyState(`No app matches “${search.trim()}”.`, "Search looks at app names, and at the start of app ids and pool ids.")
        : emptyState("No apps yet.", "Create your first app: it gets a user pool, a client id, and code to paste into your front end.", el("button", { type: "button", class: "primary", onclick: () => createAppDialog() }, "Create your first app")),
    );
    return;
  }
  const first = page * APPS_PAGE + 1;
  const pager = el(
    "nav",
    { class: "pager", "aria-label": "Pages of apps" },
    el("button", { type: "button", disabled: page === 0, onclick: () => turnAppsPage(list, -1) }, "Previous"),
    el("span", { class: "muted", role: "status" }, `Apps ${first}–${first + shown.length - 1}${local ? ` of ${received.length}` : ""}`),
    el("button", { type: "button", disabled: !next, onclick: () => turnAppsPage(list, 1, next) }, "Next"),
  );
  fill(
    list,
    dataTable(
      "Your apps",
      [
        ["Name", (app) => el("a", { href: appHref(app.app_id), class: "name-cell", text: app.name })],
        ["App id", (app) => el("code", { text: app.app_id })],
        ["User pool", (app) => [el("code", { text: app.user_pool_id }), providerBadge(app) ? [" ", providerBadge(app)] : null]],
        // A pool in Cognito is counted there, not here: the server's count would say 0.
        ["Users", (app) => (typeof app.user_count === "number" && !isExternal(app) ? app.user_count.toLocaleString() : el("span", { class: "muted", text: "—" }))],
        ["Created", (app) => when(app.created_at)],
      ],
      shown,
    ),
    pager,
  );
}

function turnAppsPage(list, step, next) {
  if (step > 0) {
    if (appsState.cursors.length <= appsState.page + 1) appsState.cursors.push(next === "local" ? null : next);
    appsState.page += 1;
  } else {
    appsState.page = Math.max(0, appsState.page - 1);
  }
  loadApps(list);
}

/** What each provider means for a new app, under its choice. */
const PROVIDER_HINTS = {
  builtin: "Users, passwords, signing keys and tokens are kept by this server.",
  cognito: "A user pool is made in AWS Cognito with this server's AWS account: users sign in there and Cognito signs their tokens; you manage them from here.",
};

/**
 * The choice of where the new app's pool lives (radio buttons, the server's default chosen),
 * or null when the server offers only its own pools. `value()` is the chosen provider.
 */
function providerChoice() {
  const offered = serverProviders();
  if (offered.available.length < 2) return null;
  const hintId = `provider-hint-${Math.random().toString(36).slice(2, 7)}`;
  const radios = offered.available.map((kind) =>
    el("input", { type: "radio", name: "provider", value: kind, checked: kind === offered.default, "aria-describedby": `${hintId}-${kind}` }),
  );
  const node = el(
    "fieldset",
    { class: "form-field choice", id: hintId, "data-field": "provider" },
    el("legend", { text: "Where the user pool lives" }),
    radios.map((radio) =>
      el(
        "div",
        { class: "choice-option" },
        el("label", { class: "check-label" }, radio, el("span", { text: PROVIDER_WORDS[radio.value] ?? radio.value })),
        el("p", { class: "hint", id: `${hintId}-${radio.value}`, text: PROVIDER_HINTS[radio.value] ?? "" }),
      ),
    ),
    el("p", { class: "hint" }, "It cannot be changed later."),
    el("p", { class: "field-error", id: `${hintId}-error`, "data-error-for": "provider" }),
  );
  return { node, value: () => radios.find((r) => r.checked)?.value ?? offered.default };
}

/** The create-app dialog; on success it shows the app's ids, and the client secret once. */
export function createAppDialog() {
  let created = null;
  return openDialog("Create an app", (close, dialog, body) => {
    const name = el("input", { type: "text", required: true, maxlength: "128", autocomplete: "off" });
    const origins = el("textarea", { rows: "3", spellcheck: "false", placeholder: "https://app.example.com" });
    const secret = el("input", { type: "checkbox" });
    const provider = providerChoice();
    const alert = el("div", { class: "form-alert", role: "alert" });
    const submit = el("button", { type: "submit", class: "primary" }, "Create app");
    const form = el(
      "form",
      { class: "stack", novalidate: true },
      formField({ label: "Name", control: name, field: "name", hint: "Shown to your users in the sign-in dialog." }),
      provider?.node,
      formField({ label: "Browser origins (optional)", control: origins, field: "origins", hint: "One per line, e.g. https://app.example.com. None: any origin may call the sign-in endpoint for this app." }),
      formField({ label: "Give the client a secret (for server-side apps only; browsers cannot keep a secret)", control: secret, field: "client_secret" }),
      alert,
      el("div", { class: "row end" }, el("button", { type: "button", onclick: () => close(null) }, "Cancel"), submit),
    );
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      clearErrors(form);
      alert.textContent = "";
      if (!name.value.trim()) {
        showFieldError(form, "name", "Give the app a name.");
        name.focus();
        return;
      }
      submit.disabled = true;
      // A pool in AWS takes a few calls there: say where the wait comes from.
      submit.textContent = provider && provider.value() !== "builtin" ? `Creating in ${PROVIDER_WORDS[provider.value()] ?? provider.value()}…` : "Creating…";
      try {
        const app = await rest("/api/apps", {
          method: "POST",
          body: {
            name: name.value.trim(),
            origins: origins.value.split(/\s+/).filter(Boolean),
            client_secret: secret.checked,
            ...(provider ? { provider: provider.value() } : {}),
          },
        });
        const { client_secret: clientSecret, ...view } = app;
        appCache.set(app.app_id, view);
        created = app.app_id;
        appsState.cursors = [null];
        appsState.page = 0;
        fill(body, createdApp(app, clientSecret, close));
        body.querySelector("h3")?.focus();
      } catch (error) {
        const placed = error instanceof ApiError && error.fields.some((f) => showFieldError(form, f.field, f.message));
        alert.textContent = error.message;
        if (!placed && /origin/i.test(error.message)) showFieldError(form, "origins", error.message);
        submit.disabled = false;
        submit.textContent = "Create app";
      }
    });
    return form;
  }).then((id) => {
    if (id) go(appHref(id));
    else if (created) go(location.hash || "#/");
  });
}

function createdApp(app, clientSecret, close) {
  return el(
    "div",
    { class: "stack" },
    el("h3", { tabindex: "-1" }, "Created ", el("span", { class: "literal", text: app.name })),
    isExternal(app) ? el("p", {}, "Its user pool was made in ", el("strong", { text: PROVIDER_WORDS[app.provider] ?? app.provider }), ", region ", el("code", { text: app.region }), ".") : null,
    el("div", { class: "fields" }, copyField("App id", app.app_id), copyField("User pool id", app.user_pool_id), copyField("Client id", app.client_id)),
    clientSecret
      ? el(
          "div",
          { class: "secret-once", role: "alert" },
          el("p", {}, el("strong", {}, "Copy the client secret now. "), "This is the only time it is shown: the server keeps it sealed and can never show it again. Keep it on your server, never in a browser."),
          codeBlock("Client secret", clientSecret),
        )
      : null,
    el("div", { class: "row end" }, el("button", { type: "button", class: "primary", onclick: () => close(app.app_id) }, clientSecret ? "I have copied the secret: open the app" : "Open the app")),
  );
}
