// The developer's own access keys (`/api/access-keys`), for boto3, the AWS CLI and the AWS SDKs
// (Signature Version 4): each key's scope, access and state, creating one (its secret shown
// once, access_key_dialog.js), revoking one.

import { createAccessKeyDialog } from "./access_key_dialog.js";
import { rest } from "./api.js";
import { confirmDialog } from "./dialog.js";
import { dataTable, el, emptyState, errorBox, fill, loading, toast, when } from "./dom.js";
import { appHref } from "./router.js";

/** The server's limit of live keys per developer, said on the page before anyone reaches it. */
const LIVE_ACCESS_KEYS = 10;

/** Renders the access keys page into `box`. */
export function renderAccessKeys(box) {
  const list = el("div", { class: "list-area" });
  // The apps name the keys' scopes and are the dialog's choices: asked once for the page; a
  // failure leaves the ids shown and only "All your apps" to choose.
  const apps = rest("/api/apps").then(
    (data) => (data?.apps ?? []).slice().sort((a, b) => a.name.localeCompare(b.name)),
    () => null,
  );
  const page = { box, list, apps };
  page.create = async () => {
    if (await createAccessKeyDialog(await apps)) await loadAccessKeys(page, { afterAction: true });
  };
  fill(
    box,
    el("div", { class: "page-head" }, el("h1", { tabindex: "-1", text: "Access keys" }), el("button", { type: "button", class: "primary", onclick: page.create }, "Create access key")),
    el(
      "p",
      { class: "muted" },
      "For boto3, the AWS CLI and the AWS SDKs: requests they sign with an access key (AWS Signature Version 4) act as you on this server's Cognito endpoint: its admin operations on your apps and their users. A key may be limited to one app, and to reading. You may hold ",
      String(LIVE_ACCESS_KEYS),
      " active keys; revoked ones stay listed.",
    ),
    list,
  );
  loadAccessKeys(page);
}

/** Where `key` may act (all the developer's apps, or one by name) and whether it may write. */
function scopeOf(key, apps) {
  const app = key.app_id ? apps?.find((a) => a.app_id === key.app_id) : null;
  const where = !key.app_id
    ? el("span", { class: "nowrap", text: "All your apps" })
    : app
      ? el("a", { href: appHref(app.app_id), class: "literal", text: app.name })
      : el("code", { text: key.app_id });
  return [el("div", {}, where), el("div", { class: "nowrap" }, key.read_only ? "Read-only" : "Read & write")];
}

/** Active, or revoked on a day (the full time in its title: the table has no room for it). */
function stateOf(key) {
  if (!key.revoked) return el("span", { class: "badge ok", text: "Active" });
  const date = new Date(Number(key.revoked_at) * 1000);
  return [el("span", { class: "badge muted-badge", text: "Revoked" }), el("div", {}, el("time", { datetime: date.toISOString(), title: date.toISOString() }, date.toLocaleDateString()))];
}

/** Lists the keys; `afterAction`: a button the new list replaced had the focus, which then goes to the list. */
async function loadAccessKeys(page, { afterAction = false } = {}) {
  const { box, list } = page;
  fill(list, loading("Loading access keys…"));
  let keys;
  let apps;
  try {
    [keys, apps] = await Promise.all([rest("/api/access-keys").then((data) => data?.access_keys ?? []), page.apps]);
  } catch (error) {
    fill(list, errorBox(error, "Could not list your access keys"));
    return;
  }
  if (keys.length === 0) {
    fill(list, emptyState("No access keys yet.", "Create one for a script, a CI job or a backend that administers your users with boto3 or the AWS CLI.", el("button", { type: "button", class: "primary", onclick: page.create }, "Create your first access key")));
    return;
  }
  // Newest first, the one just made on top: the server lists in creation order, which tells
  // apart keys made in the same second as created_at cannot.
  keys = keys.slice().reverse();
  const live = keys.filter((k) => !k.revoked).length;
  fill(
    list,
    el("p", { class: "muted" }, `${live} of at most ${LIVE_ACCESS_KEYS} keys active.`),
    dataTable(
      "Your access keys",
      [
        ["Access key id", (k) => el("code", { text: k.access_key_id })],
        ["Name", (k) => el("span", { class: "literal name-cell", text: k.name })],
        ["Scope", (k) => scopeOf(k, apps)],
        ["Created", (k) => when(k.created_at)],
        ["Last used", (k) => (k.last_used_at ? when(k.last_used_at) : el("span", { class: "muted", text: "never" }))],
        ["State", stateOf],
        ["", (k) => (k.revoked ? "" : el("button", { type: "button", class: "small-button danger", "aria-label": `Revoke ${k.name} (${k.access_key_id})`, onclick: () => revoke(page, k) }, "Revoke"))],
      ],
      keys,
    ),
  );
  // Without this, the focus would fall back to the page's top.
  if (afterAction && !box.contains(document.activeElement)) list.querySelector(".table-wrap")?.focus();
}

async function revoke(page, key) {
  const ok = await confirmDialog({
    title: "Revoke this access key?",
    message: el(
      "p",
      {},
      "Requests signed with ",
      el("span", { class: "literal", text: key.name }),
      " (",
      el("code", { text: key.access_key_id }),
      ") are refused from now on: boto3 and the AWS CLI get UnrecognizedClientException. This cannot be undone.",
    ),
    confirmLabel: "Revoke key",
    danger: true,
  });
  if (!ok) return;
  try {
    await rest(`/api/access-keys/${encodeURIComponent(key.access_key_id)}`, { method: "DELETE" });
    toast(`Revoked ${key.name}.`);
    await loadAccessKeys(page, { afterAction: true });
  } catch (error) {
    toast(`Revoking failed: ${error.message}`, "error");
  }
}
