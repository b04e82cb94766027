// An app's webhook endpoints (`/api/apps/{id}/webhooks`): adding one (its signing secret shown
// once), changing its event types, turning it off and on, rotating its secret, deleting it, and
// reading its delivery log.

import { EVENT_TYPES } from "./activity.js";
import { ApiError, rest } from "./api.js";
import { confirmDialog, openDialog } from "./dialog.js";
import { clearErrors, codeBlock, dataTable, el, emptyState, errorBox, fill, formField, loading, showFieldError, toast, when } from "./dom.js";

const eventWords = (type) => EVENT_TYPES.find(([t]) => t === type)?.[1] ?? type;
const hooksPath = (app) => `/api/apps/${encodeURIComponent(app.app_id)}/webhooks`;

/** How a receiver checks a delivery, with the secret in place. */
const verifySnippet = (secret) =>
  `# pip install standardwebhooks\nfrom standardwebhooks.webhooks import Webhook\n\nwebhook = Webhook("${secret}")\n# raises WebhookVerificationError unless Auth Return signed this very body\nevent = webhook.verify(request_body, request_headers)\nprint(event["type"], event["data"]["email"])`;

/** The state of an endpoint in words. */
function endpointState(hook) {
  if (!hook.enabled) return el("span", { class: "badge muted-badge", title: hook.disabled_reason ?? "", text: hook.disabled_reason ? "Turned off by the server" : "Off" });
  if (hook.failing_since != null) return el("span", { class: "badge warn", text: `Failing since ${new Date(hook.failing_since * 1000).toLocaleString()}` });
  return el("span", { class: "badge ok", text: "Active" });
}

/** Renders the webhooks tab of `app` into `box`. */
export function renderWebhooks(box, app) {
  const list = el("div", { class: "list-area" });
  const log = el("div", { class: "list-area deliveries" });
  const reload = () => loadWebhooks(list, log, app);
  fill(
    box,
    el("div", { class: "section-head" }, el("h2", { text: "Webhooks" }), el("button", { type: "button", class: "primary", onclick: () => webhookDialog(app, null, reload) }, "Add endpoint")),
    el("p", { class: "muted" }, "Your HTTPS endpoints receive the app's events as JSON signed per Standard Webhooks: retried for about a day until they answer 2xx, one user's events in order."),
    list,
    log,
  );
  reload();
}

async function loadWebhooks(list, log, app) {
  fill(list, loading("Loading webhooks…"));
  let hooks;
  try {
    hooks = (await rest(hooksPath(app)))?.webhooks ?? [];
  } catch (error) {
    fill(list, errorBox(error, "Could not list the webhooks"));
    return;
  }
  const reload = () => loadWebhooks(list, log, app);
  if (hooks.length === 0) {
    fill(list, emptyState("No webhooks yet.", "Add an endpoint to have sign-ups, sign-ins and the other events posted to your backend as they happen.", el("button", { type: "button", class: "primary", onclick: () => webhookDialog(app, null, reload) }, "Add endpoint")));
    fill(log);
    return;
  }
  const path = (hook, tail = "") => `${hooksPath(app)}/${encodeURIComponent(hook.webhook_id)}${tail}`;
  const act = async (hook, request, done) => {
    try {
      await rest(path(hook), request);
      toast(done);
      reload();
    } catch (error) {
      toast(`That failed: ${error.message}`, "error");
    }
  };
  fill(
    list,
    dataTable(
      "Webhook endpoints",
      [
        ["URL", (h) => el("div", {}, el("code", { class: "literal", text: h.url }), h.description ? el("div", { class: "muted", text: h.description }) : null)],
        ["Events", (h) => h.event_types.map((t) => el("code", { class: "scope", title: eventWords(t), text: t }))],
        ["State", endpointState],
        ["Added", (h) => when(h.created_at)],
        [
          "",
          (h) =>
            el(
              "div",
              { class: "row wrap" },
              el("button", { type: "button", class: "small-button", "aria-label": `Deliveries to ${h.url}`, onclick: () => loadDeliveries(log, app, h) }, "Deliveries"),
              el("button", { type: "button", class: "small-button", "aria-label": `Edit ${h.url}`, onclick: () => webhookDialog(app, h, reload) }, "Edit"),
              h.enabled
                ? el("button", { type: "button", class: "small-button", "aria-label": `Turn off ${h.url}`, onclick: () => act(h, { method: "PATCH", body: { enabled: false } }, "Turned off: its pending deliveries are dropped.") }, "Turn off")
                : el("button", { type: "button", class: "small-button", "aria-label": `Turn on ${h.url}`, onclick: () => act(h, { method: "PATCH", body: { enabled: true } }, "Turned on.") }, "Turn on"),
              el("button", { type: "button", class: "small-button", "aria-label": `Rotate the secret of ${h.url}`, onclick: () => rotateDialog(app, h, path(h, "/rotate-secret")) }, "Rotate secret"),
              el("button", {
                type: "button",
                class: "small-button danger",
                "aria-label": `Delete ${h.url}`,
                onclick: async () => {
                  const ok = await confirmDialog({ title: "Delete this endpoint?", message: el("p", {}, "Nothing more is sent to ", el("code", { class: "literal", text: h.url }), ", and its delivery log goes with it."), confirmLabel: "Delete endpoint", danger: true });
                  if (ok) act(h, { method: "DELETE" }, "Endpoint deleted.");
                },
              }, "Delete"),
            ),
        ],
      ],
      hooks,
    ),
  );
}

/** The delivery log of `hook`, newest first, a page at a time. */
async function loadDeliveries(log, app, hook, cursor = null, rows = []) {
  if (!cursor) fill(log, loading("Loading deliveries…"));
  let page;
  try {
    page = await rest(`${hooksPath(app)}/${encodeURIComponent(hook.webhook_id)}/deliveries`, { query: cursor ? { cursor } : {} });
  } catch (error) {
    fill(log, errorBox(error, "Could not read the deliveries"));
    return;
  }
  const all = rows.concat(page.deliveries);
  const head = el("h3", { tabindex: "-1" }, "Deliveries to ", el("code", { class: "literal", text: hook.url }));
  if (all.length === 0) {
    fill(log, head, emptyState("Nothing delivered yet.", "Deliveries appear here as the events you chose happen."));
    return;
  }
  const status = (d) => el("span", { class: `badge ${d.status === "delivered" ? "ok" : d.status === "failed" ? "danger-badge" : "warn"}`, text: d.status });
  fill(
    log,
    head,
    dataTable(
      "Deliveries",
      [
        ["Queued", (d) => when(d.created_at)],
        ["Status", status],
        ["Attempts", (d) => String(d.attempts)],
        ["Last answer", (d) => (d.last_error ? el("span", { text: d.last_error }) : d.last_status != null ? `HTTP ${d.last_status}` : el("span", { class: "muted", text: "none yet" }))],
        ["Next attempt", (d) => (d.next_attempt_at != null ? when(d.next_attempt_at) : "")],
        ["Message id", (d) => el("code", { text: d.message_id })],
      ],
      all,
    ),
    page.next_cursor ? el("button", { type: "button", onclick: () => loadDeliveries(log, app, hook, page.next_cursor, all) }, "Older deliveries") : null,
  );
  head.focus();
}

/** Adds an endpoint (`hook` null) or edits one; on adding, shows the secret once. */
function webhookDialog(app, hook, done) {
  let changed = false;
  return openDialog(hook ? "Edit endpoint" : "Add a webhook endpoint", (close, dialog, body) => {
    const url = el("input", { type: "url", required: true, autocomplete: "off", spellcheck: "false", placeholder: "https://api.example.com/auth-events", value: hook?.url ?? "" });
    const description = el("input", { type: "text", maxlength: "256", autocomplete: "off", value: hook?.description ?? "" });
    const chosen = new Set(hook?.event_types ?? ["sign_up", "sign_in"]);
    const boxes = EVENT_TYPES.map(([type, words]) => el("label", { class: "check" }, el("input", { type: "checkbox", value: type, checked: chosen.has(type) }), ` ${words} `, el("code", { text: type })));
    const types = el("fieldset", { class: "checks", "data-field": "event_types" }, el("legend", { text: "Events to send" }), boxes);
    const alert = el("div", { class: "form-alert", role: "alert" });
    const submit = el("button", { type: "submit", class: "primary" }, hook ? "Save" : "Add endpoint");
    const form = el(
      "form",
      { class: "stack", novalidate: true },
      formField({ label: "Endpoint URL", control: url, field: "url", hint: "HTTPS. Receives a POST per event." }),
      formField({ label: "Description (optional)", control: description, field: "description" }),
      types,
      alert,
      el("div", { class: "row end" }, el("button", { type: "button", onclick: () => close(null) }, "Cancel"), submit),
    );
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      clearErrors(form);
      alert.textContent = "";
      const request = { url: url.value.trim(), description: description.value.trim(), event_types: boxes.map((b) => b.querySelector("input")).filter((i) => i.checked).map((i) => i.value) };
      if (!request.url) {
        showFieldError(form, "url", "Give the endpoint's URL.");
        url.focus();
        return;
      }
      if (request.event_types.length === 0) {
        alert.textContent = "Choose at least one event to send.";
        return;
      }
      submit.disabled = true;
      try {
        if (hook) {
          await rest(`${hooksPath(app)}/${encodeURIComponent(hook.webhook_id)}`, { method: "PATCH", body: request });
          changed = true;
          toast("Endpoint saved.");
          close(true);
          return;
        }
        const made = await rest(hooksPath(app), { method: "POST", body: request });
        changed = true;
        fill(body, secretPanel(close, made.secret, "Endpoint added"));
        body.querySelector("h3")?.focus();
      } catch (error) {
        const member = /\b(url|description|event_types?)\b/.exec(error.message)?.[1];
        const placed = error instanceof ApiError && error.fields.some((f) => showFieldError(form, f.field, f.message));
        if (!placed && member && member !== "event_types" && member !== "event_type") showFieldError(form, member, error.message);
        alert.textContent = error.message;
        submit.disabled = false;
      }
    });
    return form;
  }, { wide: true }).then(() => changed && done());
}

/** Rotates an endpoint's secret after a confirmation, and shows the new one once. */
async function rotateDialog(app, hook, path) {
  const ok = await confirmDialog({ title: "Rotate the signing secret?", message: el("p", {}, "Deliveries to ", el("code", { class: "literal", text: hook.url }), " are signed with a new secret from now on; your receiver must use it."), confirmLabel: "Rotate secret" });
  if (!ok) return;
  let made;
  try {
    made = await rest(path, { method: "POST" });
  } catch (error) {
    toast(`Rotating failed: ${error.message}`, "error");
    return;
  }
  await openDialog("New signing secret", (close) => secretPanel(close, made.secret, "Secret rotated"), { wide: true });
}

/** The secret, shown once, with how a receiver checks a delivery. */
function secretPanel(close, secret, title) {
  return el(
    "div",
    { class: "stack" },
    el("h3", { tabindex: "-1", text: title }),
    el(
      "div",
      { class: "secret-once", role: "alert" },
      el("p", {}, el("strong", {}, "Copy the signing secret now. "), "This is the only time it is shown. Your receiver checks each delivery with it."),
      codeBlock("Signing secret", secret),
      codeBlock("Verify a delivery (Python)", verifySnippet(secret), "python"),
    ),
    el("div", { class: "row end" }, el("button", { type: "button", class: "primary", onclick: () => close(true) }, "I have copied the secret")),
  );
}
