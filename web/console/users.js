// An app's users (Cognito's ListUsers with one filter at a time and PaginationToken), and
// inviting one (AdminCreateUser). Each user links to their page (user.js) by their Username:
// the `sub` here, and a UUID too in a pool in AWS Cognito, whose users sign in with their email.

import { cognito } from "./api.js";
import { openDialog } from "./dialog.js";
import { clearErrors, dataTable, el, emptyState, errorBox, fill, formField, loading, showFieldError, toast, when } from "./dom.js";
import { isExternal, providerWords } from "./provider.js";
import { appHref, go } from "./router.js";

const USERS_PAGE = 25;

/** The statuses the filter offers: label and ListUsers filter. */
const STATUS_FILTERS = [
  ["", "Any status", null],
  ["confirmed", "Confirmed", 'cognito:user_status = "CONFIRMED"'],
  ["unconfirmed", "Unconfirmed", 'cognito:user_status = "UNCONFIRMED"'],
  ["force", "Must choose a password", 'cognito:user_status = "FORCE_CHANGE_PASSWORD"'],
  ["disabled", "Disabled", 'status = "Disabled"'],
];

/** A user's attribute by name. */
export function attribute(user, name) {
  const list = user?.Attributes ?? user?.UserAttributes ?? [];
  return list.find((a) => a.Name === name)?.Value ?? null;
}

/** The words for a Cognito user status. */
export function statusText(status) {
  return (
    {
      CONFIRMED: "Confirmed",
      UNCONFIRMED: "Unconfirmed",
      FORCE_CHANGE_PASSWORD: "Must choose a password",
      RESET_REQUIRED: "Password reset required",
      // Only AWS Cognito has these.
      EXTERNAL_PROVIDER: "Signs in with another provider",
      COMPROMISED: "Compromised",
      ARCHIVED: "Archived",
      UNKNOWN: "Unknown",
    }[status] ?? String(status ?? "—")
  );
}

/** The ListUsers filter of the form's values: the email prefix, else the status. */
function usersFilter(email, status) {
  const prefix = email.trim();
  if (prefix) return `email ^= "${prefix.replace(/["\\]/g, "\\$&")}"`;
  return STATUS_FILTERS.find(([key]) => key === status)?.[2] ?? null;
}

/** Renders the users tab of `app` into `box`; `query` keeps the filter (?email=, ?status=). */
export function renderUsers(box, app, query) {
  const state = { email: query.get("email") ?? "", status: query.get("status") ?? "", tokens: [null], page: 0 };
  const email = el("input", { type: "search", autocomplete: "off", spellcheck: "false", value: state.email, placeholder: "ali" });
  const status = el("select", {}, STATUS_FILTERS.map(([key, label]) => el("option", { value: key, selected: key === state.status }, label)));
  // ListUsers takes one filter: typing an email prefix sets the status back to any, and back.
  email.addEventListener("input", () => email.value && (status.value = ""));
  status.addEventListener("change", () => status.value && (email.value = ""));
  const list = el("div", { class: "list-area" });
  const form = el(
    "form",
    { class: "toolbar", role: "search" },
    formField({ label: "Email starts with", control: email }),
    formField({ label: "Status", control: status }),
    el("button", { type: "submit" }, "Filter"),
  );
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    Object.assign(state, { email: email.value, status: status.value, tokens: [null], page: 0 });
    history.replaceState(null, "", appHref(app.app_id, "users", { query: { email: state.email, status: state.status } }));
    loadUsers(list, app, state);
  });
  fill(
    box,
    el("div", { class: "section-head" }, el("h2", { text: "Users" }), el("button", { type: "button", class: "primary", onclick: () => inviteDialog(app, () => loadUsers(list, app, state)) }, "Invite a user")),
    form,
    list,
  );
  loadUsers(list, app, state);
}

async function loadUsers(list, app, state) {
  fill(list, loading("Loading users…"));
  const filter = usersFilter(state.email, state.status);
  let data;
  try {
    data = await cognito("ListUsers", {
      UserPoolId: app.user_pool_id,
      Limit: USERS_PAGE,
      ...(filter ? { Filter: filter } : {}),
      ...(state.tokens[state.page] ? { PaginationToken: state.tokens[state.page] } : {}),
    });
  } catch (error) {
    fill(list, errorBox(error, "Could not list the users"));
    return;
  }
  const users = data.Users ?? [];
  if (users.length === 0 && state.page === 0) {
    fill(
      list,
      filter
        ? emptyState("No user matches this filter.", "Try another email prefix or status.")
        : emptyState("No users yet.", "Users appear here when they sign up through your app, or invite one now.", el("button", { type: "button", class: "primary", onclick: () => inviteDialog(app, () => loadUsers(list, app, state)) }, "Invite a user")),
    );
    return;
  }
  const next = data.PaginationToken ?? null;
  const turn = (step) => {
    if (step > 0 && state.tokens.length <= state.page + 1) state.tokens.push(next);
    state.page = Math.max(0, state.page + step);
    loadUsers(list, app, state);
  };
  const first = state.page * USERS_PAGE + 1;
  fill(
    list,
    dataTable(
      "Users",
      [
        ["Email", (u) => el("a", { href: appHref(app.app_id, "users", { userId: u.Username }), class: "name-cell", text: attribute(u, "email") ?? u.Username })],
        ["Status", (u) => statusText(u.UserStatus)],
        ["Enabled", (u) => (u.Enabled ? "Yes" : el("span", { class: "badge warn", text: "Disabled" }))],
        ["Created", (u) => when(u.UserCreateDate)],
      ],
      users,
    ),
    el(
      "nav",
      { class: "pager", "aria-label": "Pages of users" },
      el("button", { type: "button", disabled: state.page === 0, onclick: () => turn(-1) }, "Previous"),
      el("span", { class: "muted", role: "status" }, `Users ${first}–${first + users.length - 1}`),
      el("button", { type: "button", disabled: !next, onclick: () => turn(1) }, "Next"),
    ),
  );
}

/** AdminCreateUser: an invitation with a temporary password (or none mailed). */
function inviteDialog(app, done) {
  return openDialog("Invite a user", (close) => {
    const email = el("input", { type: "email", required: true, autocomplete: "off", spellcheck: "false" });
    const mail = el("input", { type: "checkbox", checked: true });
    // A pool in Cognito: Cognito mails the invitation, with its own template and validity.
    const mailer = isExternal(app) ? providerWords(app) : null;
    const alert = el("div", { class: "form-alert", role: "alert" });
    const submit = el("button", { type: "submit", class: "primary" }, "Invite");
    const form = el(
      "form",
      { class: "stack", novalidate: true },
      formField({ label: "Email", control: email, field: "email" }),
      formField({ label: mailer ? `Have ${mailer} mail them the invitation with a temporary password` : "Mail them the invitation with a temporary password (valid 7 days)", control: mail }),
      alert,
      el("div", { class: "row end" }, el("button", { type: "button", onclick: () => close(null) }, "Cancel"), submit),
    );
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      clearErrors(form);
      alert.textContent = "";
      const address = email.value.trim();
      if (!address.includes("@")) {
        showFieldError(form, "email", "Enter an email address.");
        email.focus();
        return;
      }
      submit.disabled = true;
      try {
        const result = await cognito("AdminCreateUser", {
          UserPoolId: app.user_pool_id,
          Username: address,
          UserAttributes: [{ Name: "email", Value: address }],
          DesiredDeliveryMediums: ["EMAIL"],
          ...(mail.checked ? {} : { MessageAction: "SUPPRESS" }),
        });
        close(result.User ?? true);
        const sent = mailer ? `${mailer} mails them the invitation with a temporary password.` : "the invitation mail with a temporary password is on its way.";
        toast(mail.checked ? `Invited ${address}: ${sent}` : `Created ${address} without mail: set a password or send an invitation later.`);
        done();
      } catch (error) {
        alert.textContent = error.message;
        submit.disabled = false;
      }
    });
    return form;
  });
}

/** Goes back to the users list of `app`. */
export const backToUsers = (app) => go(appHref(app.app_id, "users"));
