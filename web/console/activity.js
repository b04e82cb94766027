// An app's audit events, newest first (`GET /api/apps/{id}/events`), filtered by type and user,
// paged by cursor ("Older events" appends the next page). For a pool in AWS Cognito only what
// goes through Auth Return is seen: its users sign up and sign in inside AWS.

import { rest } from "./api.js";
import { dataTable, el, emptyState, errorBox, fill, formField, loading, when } from "./dom.js";
import { isExternal, providerWords } from "./provider.js";
import { appHref } from "./router.js";

/** The event types the server records, with words for each. */
export const EVENT_TYPES = [
  ["sign_up", "Sign-up"],
  ["sign_up_confirmed", "Sign-up confirmed"],
  ["sign_in", "Sign-in"],
  ["sign_in_failed", "Failed sign-in"],
  ["locked_out", "Locked out"],
  ["password_changed", "Password changed"],
  ["password_reset_requested", "Password reset requested"],
  ["password_reset", "Password reset"],
  ["attributes_changed", "Attributes changed"],
  ["email_changed", "Email changed"],
  ["signed_out", "Signed out"],
  ["session_revoked", "Session revoked"],
  ["refresh_token_reuse", "Refresh token reused"],
  ["admin_action", "Admin action"],
  ["api_key_created", "API key created"],
  ["api_key_revoked", "API key revoked"],
  ["access_key_created", "Access key created"],
  ["access_key_revoked", "Access key revoked"],
  ["settings_changed", "Settings changed"],
  ["signing_key_rotated", "Signing key rotated"],
  ["mfa_enabled", "MFA turned on"],
  ["mfa_disabled", "MFA turned off"],
  ["mfa_setup_failed", "MFA setup failed"],
  ["passkey_added", "Passkey added"],
  ["passkey_removed", "Passkey removed"],
  ["passkey_failed", "Passkey registration refused"],
];

const EVENTS_PAGE = 50;
const typeWords = (type) => EVENT_TYPES.find(([t]) => t === type)?.[1] ?? type;

/** Who acted, in words: you (the signed-in developer), the operator, or another developer. */
function actorWords(actor) {
  if (actor === "operator") return "the operator";
  return actor === window.AuthReturn?.getUser()?.sub ? "you" : "a developer";
}

/** `detail` in a line: `reason: wrong_password, action: …`. */
const detailText = (detail) =>
  Object.entries(detail ?? {})
    .map(([k, v]) => `${k}: ${detailValue(k, v)}`)
    .join(", ");

/**
 * One value of `detail` in words: a time (`activates_at`, epoch seconds) in the reader's
 * locale, an empty one (no scopes) "none", a list spaced.
 */
function detailValue(name, value) {
  if (name.endsWith("_at") && /^\d+$/.test(String(value))) return new Date(Number(value) * 1000).toLocaleString();
  if (value == null || value === "" || (Array.isArray(value) && value.length === 0)) return "none";
  if (typeof value === "string") return value;
  if (Array.isArray(value)) return value.map((v) => (typeof v === "string" ? v : JSON.stringify(v))).join(" ");
  return JSON.stringify(value);
}

/** Renders the activity tab of `app` into `box`; `query` may hold ?type= and ?user=. */
export function renderActivity(box, app, query) {
  const type = el("select", {}, el("option", { value: "" }, "All events"), EVENT_TYPES.map(([t, words]) => el("option", { value: t, selected: t === query.get("type") }, words)));
  const user = el("input", { type: "text", spellcheck: "false", autocomplete: "off", placeholder: "User id (sub)", value: query.get("user") ?? "" });
  const list = el("div", { class: "list-area" });
  const form = el("form", { class: "toolbar", role: "search" }, formField({ label: "Type", control: type }), formField({ label: "User id", control: user, field: "user_id" }), el("button", { type: "submit" }, "Filter"));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    history.replaceState(null, "", appHref(app.app_id, "activity", { query: { type: type.value, user: user.value.trim() } }));
    loadEvents(list, app, { type: type.value, user: user.value.trim() });
  });
  fill(
    box,
    el("div", { class: "section-head" }, el("h2", { text: "Activity" })),
    isExternal(app)
      ? el("p", { class: "provider-note" }, `This app's users sign up, sign in and change their passwords inside ${providerWords(app)}, which Auth Return does not see: only what goes through Auth Return is listed here, such as settings changes and API keys.`)
      : null,
    form,
    list,
  );
  loadEvents(list, app, { type: type.value, user: user.value.trim() });
}

async function loadEvents(list, app, filter) {
  fill(list, loading("Loading events…"));
  const rows = [];
  const emails = new Map(); // user_id → email, from the events loaded
  const more = el("button", { type: "button" }, "Older events");
  const tableBox = el("div");
  const status = el("p", { class: "muted", role: "status" });
  const page = async (cursor) => {
    more.disabled = true;
    let data;
    try {
      data = await rest(`/api/apps/${encodeURIComponent(app.app_id)}/events`, { query: { type: filter.type, user_id: filter.user, limit: EVENTS_PAGE, cursor } });
    } catch (error) {
      if (rows.length === 0) fill(list, errorBox(error, "Could not load the events"));
      else status.textContent = `Could not load more: ${error.message}`;
      more.disabled = false;
      return;
    }
    rows.push(...(data?.events ?? []));
    // Some events (a revoked session) carry the user's id but no address: name them by the
    // address another of their events gave.
    for (const e of rows) if (e.user_id && e.email && !emails.has(e.user_id)) emails.set(e.user_id, e.email);
    if (rows.length === 0) {
      const none = isExternal(app)
        ? emptyState("No events yet.", "Changes made through Auth Return (settings, API keys) appear here; sign-ins happen in AWS.")
        : emptyState("No events yet.", "Sign-ups, sign-ins, password changes and sign-outs of this app's users appear here.");
      fill(list, filter.type || filter.user ? emptyState("No event matches this filter.", "Try another type or user.") : none);
      return;
    }
    fill(
      tableBox,
      dataTable(
        "Events",
        [
          ["Time", (e) => when(e.at)],
          ["Event", (e) => el("span", { class: `badge event-${e.type}`, text: typeWords(e.type) })],
          ["User", (e) => (e.user_id ? el("a", { href: appHref(app.app_id, "users", { userId: e.user_id }), class: "literal", text: e.email ?? emails.get(e.user_id) ?? e.user_id }) : el("span", { class: "literal", text: e.email ?? "—" }))],
          ["By", (e) => el("span", { class: "nowrap", text: e.actor ? actorWords(e.actor) : "the user" })],
          ["Client", (e) => el("span", { class: "nowrap", title: e.user_agent ?? "", text: e.client_ip ?? "—" })],
          ["Detail", (e) => el("span", { class: "literal", text: detailText(e.detail) })],
        ],
        rows,
      ),
    );
    status.textContent = data?.next_cursor ? `The newest ${rows.length} events.` : `All ${rows.length} event${rows.length === 1 ? "" : "s"} kept${filter.type || filter.user ? " for this filter" : ""}.`;
    more.hidden = !data?.next_cursor;
    more.disabled = false;
    more.onclick = () => page(data.next_cursor);
    if (!list.contains(tableBox)) fill(list, tableBox, el("div", { class: "row" }, more, status));
  };
  await page(null);
}
