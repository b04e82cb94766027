// An app's API keys (`/api/keys?app_id=`): every key of the app and of its users, creating a
// key of the app (shown once), revoking one.

import { ApiError, rest } from "./api.js";
import { confirmDialog, openDialog } from "./dialog.js";
import { clearErrors, codeBlock, dataTable, el, emptyState, errorBox, fill, formField, loading, showFieldError, toast, when } from "./dom.js";
import { appHref } from "./router.js";

/** The state of a key in words. */
function keyState(key) {
  if (key.revoked) return el("span", { class: "badge muted-badge", text: "Revoked" });
  if (key.expires_at != null && key.expires_at * 1000 <= Date.now()) return el("span", { class: "badge muted-badge", text: "Expired" });
  return el("span", { class: "badge ok", text: "Active" });
}

/** Renders the API keys tab of `app` into `box`. */
export function renderKeys(box, app) {
  const list = el("div", { class: "list-area" });
  fill(
    box,
    el("div", { class: "section-head" }, el("h2", { text: "API keys" }), el("button", { type: "button", class: "primary", onclick: () => createKeyDialog(app, () => loadKeys(list, app)) }, "Create API key")),
    el("p", { class: "muted" }, "Keys for calls between services: a service presents one in X-API-Key, and the receiving service asks POST /api/keys/verify. Keys made here belong to the app; users' own keys are listed too."),
    list,
  );
  loadKeys(list, app);
}

async function loadKeys(list, app) {
  fill(list, loading("Loading API keys…"));
  let keys;
  try {
    keys = (await rest("/api/keys", { query: { app_id: app.app_id } }))?.keys ?? [];
  } catch (error) {
    fill(list, errorBox(error, "Could not list the keys"));
    return;
  }
  if (keys.length === 0) {
    fill(list, emptyState("No API keys yet.", "Create one for a service that calls another of yours.", el("button", { type: "button", class: "primary", onclick: () => createKeyDialog(app, () => loadKeys(list, app)) }, "Create API key")));
    return;
  }
  // Newest first: the one just made is on top.
  keys = keys.slice().sort((a, b) => b.created_at - a.created_at);
  fill(
    list,
    dataTable(
      "API keys",
      [
        ["Name", (k) => el("span", { class: "literal name-cell", text: k.name })],
        ["Prefix", (k) => el("code", { text: `${k.prefix}…` })],
        ["Owner", (k) => (k.user_id ? el("a", { href: appHref(app.app_id, "users", { userId: k.user_id }) }, "A user") : "The app")],
        ["Scopes", (k) => (k.scopes?.length ? k.scopes.map((s) => el("code", { class: "scope", text: s })) : el("span", { class: "muted", text: "none" }))],
        ["Created", (k) => when(k.created_at)],
        ["Last used", (k) => (k.last_used_at ? when(k.last_used_at) : el("span", { class: "muted", text: "never" }))],
        ["Expires", (k) => (k.expires_at ? when(k.expires_at) : el("span", { class: "muted", text: "never" }))],
        ["State", keyState],
        [
          "",
          (k) =>
            k.revoked
              ? ""
              : el("button", {
                  type: "button",
                  class: "small-button danger",
                  "aria-label": `Revoke ${k.name}`,
                  onclick: async () => {
                    const ok = await confirmDialog({ title: "Revoke this key?", message: el("p", {}, "Services presenting ", el("span", { class: "literal", text: k.name }), " (", el("code", { text: `${k.prefix}…` }), ") are refused from now on. This cannot be undone."), confirmLabel: "Revoke key", danger: true });
                    if (!ok) return;
                    try {
                      await rest(`/api/keys/${encodeURIComponent(k.key_id)}`, { method: "DELETE" });
                      toast(`Revoked ${k.name}.`);
                      loadKeys(list, app);
                    } catch (error) {
                      toast(`Revoking failed: ${error.message}`, "error");
                    }
                  },
                }, "Revoke"),
        ],
      ],
      keys,
    ),
  );
}

function createKeyDialog(app, done) {
  let made = false;
  return openDialog("Create an API key", (close, dialog, body) => {
    const name = el("input", { type: "text", required: true, maxlength: "100", autocomplete: "off" });
    const days = el("input", { type: "number", min: "1", max: "3650", inputmode: "numeric" });
    const scopes = el("input", { type: "text", autocomplete: "off", spellcheck: "false", placeholder: "read orders:write" });
    const alert = el("div", { class: "form-alert", role: "alert" });
    const submit = el("button", { type: "submit", class: "primary" }, "Create key");
    const form = el(
      "form",
      { class: "stack", novalidate: true },
      formField({ label: "Name", control: name, field: "name", hint: "What the key is for, e.g. “billing service”." }),
      formField({ label: "Expires after (days, optional)", control: days, field: "expires_in_days", hint: "1 to 3650. Empty: until revoked." }),
      formField({ label: "Scopes (optional)", control: scopes, field: "scopes", hint: "Separated by spaces; their meaning is yours." }),
      alert,
      el("div", { class: "row end" }, el("button", { type: "button", onclick: () => close(null) }, "Cancel"), submit),
    );
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      clearErrors(form);
      alert.textContent = "";
      if (!name.value.trim()) {
        showFieldError(form, "name", "Give the key a name.");
        name.focus();
        return;
      }
      const request = { app_id: app.app_id, name: name.value.trim() };
      if (days.value.trim()) request.expires_in_days = Number(days.value);
      const list = scopes.value.split(/\s+/).filter(Boolean);
      if (list.length) request.scopes = list;
      submit.disabled = true;
      try {
        const created = await rest("/api/keys", { method: "POST", body: request });
        made = true;
        fill(
          body,
          el(
            "div",
            { class: "stack" },
            el("h3", { tabindex: "-1" }, "Created ", el("span", { class: "literal", text: created.name })),
            el(
              "div",
              { class: "secret-once", role: "alert" },
              el("p", {}, el("strong", {}, "Copy the key now. "), "This is the only time it is shown: the server keeps only its hash. Lost keys cannot be recovered, only revoked and replaced."),
              codeBlock("API key", created.key),
            ),
            el("div", { class: "row end" }, el("button", { type: "button", class: "primary", onclick: () => close(true) }, "I have copied the key")),
          ),
        );
        body.querySelector("h3")?.focus();
      } catch (error) {
        const member = /\b(name|expires_in_days|scopes?)\b/.exec(error.message)?.[1];
        const placed = error instanceof ApiError && error.fields.some((f) => showFieldError(form, f.field, f.message));
        if (!placed && member) showFieldError(form, member === "scope" ? "scopes" : member, error.message);
        alert.textContent = error.message;
        submit.disabled = false;
      }
    });
    return form;
  }).then(() => made && done());
}
