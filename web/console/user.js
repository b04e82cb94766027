// One user of an app (AdminGetUser): attributes, status, dates, second factors, groups
// (user-groups.js), last sign-in (the newest `sign_in` event), and the admin actions, each
// confirmed when it cannot be taken back and each saying what happened. A user of a pool in AWS
// Cognito signs in there: no sign-in events or passkeys of theirs are kept here.

import { cognito, rest } from "./api.js";
import { confirmDialog } from "./dialog.js";
import { dataTable, el, emptyState, errorBox, fill, loading, toast, when } from "./dom.js";
import { isExternal, providerWords } from "./provider.js";
import { appHref } from "./router.js";
import { userGroupsCard } from "./user-groups.js";
import { attribute, backToUsers, statusText } from "./users.js";

/** The words for a Cognito MFA factor. */
const FACTOR_WORDS = { SOFTWARE_TOKEN_MFA: "Authenticator app", SMS_MFA: "Text message", EMAIL_OTP: "Email code" };

/** The user's second factors in words: "Authenticator app: on (preferred)", or "None". */
function factorsText(user) {
  const factors = user.UserMFASettingList ?? [];
  if (factors.length === 0) return el("span", { class: "muted", text: "None" });
  return factors.map((f) => `${FACTOR_WORDS[f] ?? f}: on${f === user.PreferredMfaSetting ? " (preferred)" : ""}`).join("; ");
}

/** The user's passkeys, each removable (a lost device); filled in once listed. */
function passkeysCard(app, sub, email) {
  const card = el("section", { class: "card", "aria-label": "Passkeys" }, el("h3", { text: "Passkeys" }), loading("Loading the passkeys…"));
  const path = `/api/apps/${encodeURIComponent(app.app_id)}/users/${encodeURIComponent(sub)}/passkeys`;
  const show = async () => {
    let passkeys;
    try {
      passkeys = await rest(path);
    } catch (error) {
      fill(card, el("h3", { text: "Passkeys" }), errorBox(error, "Could not list the passkeys"));
      return;
    }
    const remove = async (passkey) => {
      const ok = await confirmDialog({
        title: "Remove this passkey?",
        message: el("p", {}, el("span", { class: "literal", text: email }), ` can no longer sign in with “${passkey.name}”. For a lost or replaced device; they keep their password.`),
        confirmLabel: "Remove passkey",
        danger: true,
      });
      if (!ok) return;
      try {
        await rest(`${path}/${encodeURIComponent(passkey.credential_id)}`, { method: "DELETE" });
        toast(`Removed the passkey “${passkey.name}” of ${email}.`);
      } catch (error) {
        toast(`Removing the passkey failed: ${error.message}`, "error");
      }
      show();
    };
    fill(
      card,
      el("h3", { text: "Passkeys" }),
      passkeys.length === 0
        ? el("p", { class: "muted", text: app.passkeys?.enabled ? "None registered." : "None (passkeys are off for this app)." })
        : dataTable("Registered passkeys", [
            ["Name", (p) => el("span", { class: "literal", text: p.name })],
            ["Added", (p) => when(p.created_at)],
            ["Last used", (p) => when(p.last_used_at)],
            ["", (p) => el("button", { type: "button", class: "danger", "aria-label": `Remove the passkey ${p.name}`, onclick: () => remove(p) }, "Remove")],
          ], passkeys),
    );
  };
  show();
  return card;
}

/** Renders the page of user `userId` (their Username, the `sub`) of `app` into `box`. */
export async function renderUser(box, app, userId) {
  fill(box, loading("Loading the user…"));
  let user;
  try {
    user = await cognito("AdminGetUser", { UserPoolId: app.user_pool_id, Username: userId });
  } catch (error) {
    if (error.code === "UserNotFoundException") {
      fill(box, emptyState("No such user.", "They may have been deleted.", el("a", { href: appHref(app.app_id, "users"), class: "button-link" }, "Back to the users")));
    } else {
      fill(box, errorBox(error, "Could not load the user"));
    }
    return;
  }
  const sub = attribute(user, "sub") ?? user.Username;
  const email = attribute(user, "email") ?? user.Username;
  const external = isExternal(app);
  const lastSignIn = el("span", { class: "muted" }, external ? `Not seen here: they sign in at ${providerWords(app)}` : "Looking…");
  const facts = el(
    "dl",
    { class: "facts" },
    el("dt", {}, "Status"),
    el("dd", {}, statusText(user.UserStatus)),
    el("dt", {}, "Enabled"),
    el("dd", {}, user.Enabled ? "Yes" : el("span", { class: "badge warn", text: "Disabled: cannot sign in" })),
    el("dt", {}, "Second factors"),
    el("dd", {}, factorsText(user)),
    el("dt", {}, "Created"),
    el("dd", {}, when(user.UserCreateDate)),
    el("dt", {}, "Last modified"),
    el("dd", {}, when(user.UserLastModifiedDate)),
    el("dt", {}, "Last sign-in"),
    el("dd", {}, lastSignIn),
    el("dt", {}, "User id (sub)"),
    el("dd", {}, el("code", { text: sub })),
  );
  const run = async (label, operation, done, more = {}) => {
    try {
      await cognito(operation, { UserPoolId: app.user_pool_id, Username: user.Username, ...more });
      toast(done);
      if (operation === "AdminDeleteUser") backToUsers(app);
      else renderUser(box, app, userId);
    } catch (error) {
      toast(`${label} failed: ${error.message}`, "error");
    }
  };
  const actions = el(
    "div",
    { class: "row wrap" },
    user.Enabled
      ? el("button", {
          type: "button",
          onclick: async () =>
            (await confirmDialog({ title: "Disable this user?", message: el("p", {}, el("span", { class: "literal", text: email }), " cannot sign in until enabled again, and every session they have ends now."), confirmLabel: "Disable user", danger: true })) &&
            run("Disabling", "AdminDisableUser", `Disabled ${email}: their sessions ended and they cannot sign in.`),
        }, "Disable")
      : el("button", { type: "button", onclick: () => run("Enabling", "AdminEnableUser", `Enabled ${email}: they can sign in again.`) }, "Enable"),
    el("button", {
      type: "button",
      onclick: async () =>
        (await confirmDialog({ title: "Reset this user's password?", message: el("p", {}, el("span", { class: "literal", text: email }), " must choose a new password: a code is mailed to their verified address, and their current password stops working."), confirmLabel: "Reset password" })) &&
        run("The reset", "AdminResetUserPassword", `Reset the password of ${email}: they must choose a new one with the mailed code.`),
    }, "Reset password"),
    (user.UserMFASettingList ?? []).includes("SOFTWARE_TOKEN_MFA")
      ? el("button", {
          type: "button",
          onclick: async () =>
            (await confirmDialog({ title: "Turn off this user's authenticator app?", message: el("p", {}, el("span", { class: "literal", text: email }), app.mfa?.mode === "ON" ? " is no longer asked for its codes: this app requires one, so they set up a new authenticator app at their next sign-in." : " is no longer asked for its codes: they sign in with their password alone until they set up a new one.", " For a lost or replaced phone."), confirmLabel: "Turn off authenticator app", danger: true })) &&
            run("Turning off the authenticator app", "AdminSetUserMFAPreference", `Turned off the authenticator app of ${email}.`, { SoftwareTokenMfaSettings: { Enabled: false } }),
        }, "Turn off authenticator app")
      : null,
    el("button", {
      type: "button",
      onclick: async () =>
        (await confirmDialog({ title: "Sign this user out everywhere?", message: el("p", {}, "Every session of ", el("span", { class: "literal", text: email }), " ends now: their refresh tokens stop working and they must sign in again."), confirmLabel: "Sign out everywhere" })) &&
        run("Signing out", "AdminUserGlobalSignOut", `Signed ${email} out everywhere.`),
    }, "Sign out everywhere"),
    el("button", {
      type: "button",
      class: "danger",
      onclick: async () =>
        (await confirmDialog({ title: "Delete this user?", message: el("p", {}, el("span", { class: "literal", text: email }), external ? ` is deleted from the pool in ${providerWords(app)} for good, and their API keys here stop working; this cannot be undone.` : " and their API keys are deleted for good; this cannot be undone."), confirmLabel: "Delete user", danger: true, typeToConfirm: email })) &&
        run("Deleting", "AdminDeleteUser", `Deleted ${email}.`),
    }, "Delete user"),
  );
  const attributes = (user.UserAttributes ?? user.Attributes ?? []).slice().sort((a, b) => a.Name.localeCompare(b.Name));
  fill(
    box,
    el("nav", { class: "crumbs small", "aria-label": "Users" }, el("a", { href: appHref(app.app_id, "users") }, "← All users")),
    el("div", { class: "section-head" }, el("h2", { class: "literal", text: email })),
    el("section", { class: "card" }, facts, actions),
    userGroupsCard(app, user.Username, email),
    external ? null : passkeysCard(app, sub, email),
    el("section", { class: "card" }, el("h3", { text: "Attributes" }), dataTable("Attributes", [["Name", (a) => el("code", { text: a.Name })], ["Value", (a) => el("span", { class: "literal", text: a.Value ?? "" })]], attributes)),
    external ? null : el("p", {}, el("a", { href: appHref(app.app_id, "activity", { query: { user: sub } }) }, "This user's activity")),
  );
  if (external) return;
  try {
    const page = await rest(`/api/apps/${encodeURIComponent(app.app_id)}/events`, { query: { type: "sign_in", user_id: sub, limit: 1 } });
    const last = page?.events?.[0];
    fill(lastSignIn, last ? when(last.at) : "Never (since events are kept)");
    lastSignIn.className = last ? "" : "muted";
  } catch (error) {
    fill(lastSignIn, `Unknown (${error.message})`);
  }
}
