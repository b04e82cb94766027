// An app's settings: every member of `PATCH /api/apps/{id}` in one form. What differs from the
// stored settings is sent in one request (so the audit log's settings_changed names just that);
// the server changes nothing unless all of it is valid, and names each invalid member
// (`fields: [{field, message}]`), shown beside its control. Also deleting the app. The hosted
// sign-in section (the `oauth` member) is hosted.js. For a pool in AWS Cognito the members the
// server refuses there (409 `external_pool`) have no controls: a line says why instead.

import { ApiError, appCache, rest } from "./api.js";
import { confirmDialog } from "./dialog.js";
import { clearErrors, duration, el, fill, formField, showFieldError, toast } from "./dom.js";
import { hostedSection } from "./hosted.js";
import { isExternal, providerWords } from "./provider.js";
import { go } from "./router.js";

/** The mail templates: member, label, kind, and the placeholders a message must hold. */
const TEMPLATE_FIELDS = [
  ["verification_subject", "Verification mail: subject", "subject"],
  ["verification_message", "Verification mail: text", "message", ["{####}"]],
  ["invitation_subject", "Invitation mail: subject", "subject"],
  ["invitation_message", "Invitation mail: text", "message", ["{username}", "{####}"]],
];

/** `template` as a user would read it: the placeholders filled with examples. */
export function previewTemplate(template, kind) {
  return template.replaceAll("{username}", "alice@example.com").replaceAll("{####}", kind === "invitation" ? "Tmp-Pass-4821" : "482916");
}

/** The MFA modes: Cognito's name, the words for it, and what it asks of users in one line. */
const MFA_MODES = [
  ["OFF", "Off", "Off: never asks for a second factor."],
  ["OPTIONAL", "Optional", "Optional: asks the users who turned on a second factor for a code."],
  ["ON", "Required", "Required: asks everyone; users without an authenticator app set one up at their next sign-in."],
];

/** Where users meet MFA, under the modes. */
const MFA_WHERE =
  "The sign-in component and the hosted pages ask for the codes; users turn their factors on and off under “Two-step verification” in the <auth-header> menu.";

/**
 * The members a pool in AWS Cognito cannot have set here (the server answers 409
 * `external_pool`), each with the line said instead of its controls.
 */
const NOT_FOR_EXTERNAL = {
  "mfa.email_otp": "Codes by email for a pool in AWS Cognito are set up there, not here.",
  passkeys: "Passkeys for a pool in AWS Cognito are set up there (its managed login), not here.",
  oauth: "Auth Return's hosted sign-in pages and OAuth endpoints serve only the pools it keeps: for a pool in AWS Cognito, set up callback URLs and Cognito's managed login in AWS.",
  templates: "AWS Cognito sends this pool's mail with its own message templates: edit them there.",
};

/** The line saying member `member` is set in AWS rather than here. */
const notHereLine = (member) => el("p", { class: "not-here-line", "data-not-here": member, text: NOT_FOR_EXTERNAL[member] });

const numberInput = (value, min, max) => el("input", { type: "number", min: String(min), max: String(max), step: "1", inputmode: "numeric", value: String(value ?? "") });
const checkbox = (checked) => el("input", { type: "checkbox", checked: Boolean(checked) });

/** Renders the settings tab of `app` into `box`. */
export function renderSettings(box, app) {
  const policy = app.password_policy ?? {};
  const rotation = app.refresh_rotation ?? {};
  const templates = app.templates ?? {};
  const userKeys = app.user_api_keys ?? {};
  const c = {
    token: numberInput(app.token_validity_secs, 300, 86400),
    refresh: numberInput(app.refresh_validity_secs, 3600, 315360000),
    minLength: numberInput(policy.min_length, 6, 99),
    upper: checkbox(policy.require_uppercase),
    lower: checkbox(policy.require_lowercase),
    numbers: checkbox(policy.require_numbers),
    symbols: checkbox(policy.require_symbols),
    origins: el("textarea", { rows: "3", spellcheck: "false", placeholder: "https://app.example.com" }),
    rotation: checkbox(rotation.enabled),
    grace: numberInput(rotation.grace_secs, 0, 60),
    userKeys: checkbox(userKeys.enabled),
    userScopes: el("input", { type: "text", spellcheck: "false", autocomplete: "off", value: (userKeys.scopes ?? []).join(" ") }),
    hide: checkbox(app.hide_existing_accounts),
    mfa: el("select", {}, MFA_MODES.map(([mode, words]) => el("option", { value: mode, selected: mode === (app.mfa?.mode ?? "OFF") }, words))),
    emailOtp: checkbox(app.mfa?.email_otp),
    passkeys: checkbox(app.passkeys?.enabled),
    rpId: el("input", { type: "text", spellcheck: "false", autocomplete: "off", placeholder: "The public URL's host", value: app.passkeys?.relying_party_id ?? "" }),
    passkeyOrigins: el("textarea", { rows: "2", spellcheck: "false", placeholder: "https://app.example.com" }),
  };
  c.passkeyOrigins.value = (app.passkeys?.origins ?? []).join("\n");
  c.origins.value = (app.origins ?? []).join("\n");
  const hosted = hostedSection(app);
  const liveHint = (input, hint) => {
    const say = el("span", { class: "live-hint" });
    const update = () => (say.textContent = input.value ? ` Now: ${duration(input.value)}.` : "");
    input.addEventListener("input", update);
    update();
    return [hint, say];
  };
  const tokenHint = liveHint(c.token, "ID and access tokens, 300 to 86,400 seconds.");
  const refreshHint = liveHint(c.refresh, "The absolute session length from sign-in, 3,600 to 315,360,000 seconds.");
  const templateControls = TEMPLATE_FIELDS.map(([member, label, kind, needs]) => {
    const control = kind === "subject" ? el("input", { type: "text", maxlength: "140", spellcheck: "true" }) : el("textarea", { rows: "4" });
    control.value = templates[member] ?? "";
    control.placeholder = "Built-in wording (names the app)";
    const preview = el("pre", { class: "preview", "aria-live": "off" });
    const mailKind = member.startsWith("invitation") ? "invitation" : "verification";
    const update = () => {
      preview.textContent = control.value ? previewTemplate(control.value, mailKind) : "The built-in wording, naming the app.";
      preview.classList.toggle("muted", !control.value);
    };
    control.addEventListener("input", update);
    update();
    const hint = kind === "subject" ? "1 to 140 characters, one line. Empty: the built-in subject." : `Must contain ${needs.join(" and ")}. Empty: the built-in text.`;
    return { member, control, node: el("div", { class: "template" }, formField({ label, control, hint, field: `templates.${member}` }), el("div", { class: "preview-box" }, el("p", { class: "preview-title" }, "Preview"), preview)) };
  });

  const external = isExternal(app);
  // Built in: the control; in Cognito: the line saying why there is none.
  const only = (member, ...controls) => (external ? notHereLine(member) : controls);
  const alert = el("div", { class: "form-alert", role: "alert", tabindex: "-1" });
  const save = el("button", { type: "submit", class: "primary" }, "Save settings");
  const group = (title, ...children) => el("fieldset", { class: "card" }, el("legend", { text: title }), children);
  const form = el(
    "form",
    { class: "settings stack", novalidate: true },
    group(
      "Tokens and sessions",
      formField({ label: "Token lifetime (seconds)", control: c.token, field: "token_validity_secs", hint: tokenHint }),
      formField({ label: "Session length (seconds)", control: c.refresh, field: "refresh_validity_secs", hint: refreshHint }),
      formField({ label: "Rotate refresh tokens", control: c.rotation, field: "refresh_rotation.enabled", hint: "Each refresh answers with a new refresh token; a reused old one ends the session." }),
      formField({ label: "Rotation grace period (seconds)", control: c.grace, field: "refresh_rotation.grace_secs", hint: "0 to 60: how long the previous token keeps working, for parallel tabs and retries." }),
    ),
    group(
      "Password policy",
      formField({ label: "Minimum length", control: c.minLength, field: "password_policy.min_length", hint: "6 to 99 characters." }),
      formField({ label: "Require an upper-case letter", control: c.upper, field: "password_policy.require_uppercase" }),
      formField({ label: "Require a lower-case letter", control: c.lower, field: "password_policy.require_lowercase" }),
      formField({ label: "Require a digit", control: c.numbers, field: "password_policy.require_numbers" }),
      formField({ label: "Require a symbol", control: c.symbols, field: "password_policy.require_symbols" }),
    ),
    group(
      "Multi-factor sign-in",
      formField({
        label: "MFA mode",
        control: c.mfa,
        field: "mfa.mode",
        hint: [
          ...MFA_MODES.map(([, , line], i) => [i ? el("br") : null, line]),
          external ? null : [el("br"), MFA_WHERE],
        ],
      }),
      only(
        "mfa.email_otp",
        formField({
          label: "Offer codes by email",
          control: c.emailOtp,
          field: "mfa.email_otp",
          hint: "Users with a verified email may choose a 6-digit code mailed at each sign-in as their second factor (MFA optional or required).",
        }),
      ),
    ),
    group(
      "Passkeys",
      only(
        "passkeys",
        formField({
          label: "Let users sign in with passkeys",
          control: c.passkeys,
          field: "passkeys.enabled",
          hint: "Users register passkeys (a fingerprint, face or device PIN; a security key) once signed in, then sign in with one instead of their password.",
        }),
        formField({
          label: "Relying party id",
          control: c.rpId,
          field: "passkeys.relying_party_id",
          hint: "The domain passkeys belong to: your site's, or a parent of it (example.com covers app.example.com). Empty: the public URL's host. Changing it strands the passkeys registered before.",
        }),
        formField({
          label: "More origins for passkeys",
          control: c.passkeyOrigins,
          field: "passkeys.origins",
          hint: "One per line, on the relying party's domain. The public URL's origin and the allowed origins below count already.",
        }),
      ),
    ),
    group(
      "Browser origins",
      formField({ label: "Allowed origins", control: c.origins, field: "origins", hint: "One per line, scheme://host[:port]. None: any origin." }),
    ),
    external ? group("Hosted sign-in", notHereLine("oauth")) : hosted.node,
    group("Mail templates", only("templates", templateControls.map((t) => t.node))),
    group(
      "Accounts and keys",
      formField({ label: "Hide whether an account exists", control: c.hide, field: "hide_existing_accounts", hint: "Sign-up, resend and confirm answer alike for taken and new addresses (off: Cognito's answers)." }),
      formField({ label: "Let users create their own API keys", control: c.userKeys, field: "user_api_keys.enabled", hint: "Off by default: a key outlives the sign-in that made it." }),
      formField({ label: "Scopes users may give their keys", control: c.userScopes, field: "user_api_keys.scopes", hint: "Separated by spaces, at most 20." }),
    ),
    alert,
    el("div", { class: "row end sticky-actions" }, save),
  );
  const int = (input) => (input.value.trim() === "" ? null : Number(input.value));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    clearErrors(form);
    alert.textContent = "";
    const body = {
      token_validity_secs: int(c.token),
      refresh_validity_secs: int(c.refresh),
      origins: c.origins.value.split(/\s+/).filter(Boolean),
      password_policy: {
        min_length: int(c.minLength),
        require_uppercase: c.upper.checked,
        require_lowercase: c.lower.checked,
        require_numbers: c.numbers.checked,
        require_symbols: c.symbols.checked,
      },
      refresh_rotation: { enabled: c.rotation.checked, grace_secs: int(c.grace) },
      templates: Object.fromEntries(templateControls.map((t) => [t.member, t.control.value])),
      user_api_keys: { enabled: c.userKeys.checked, scopes: c.userScopes.value.split(/\s+/).filter(Boolean) },
      hide_existing_accounts: c.hide.checked,
      oauth: hosted.value(),
      mfa: { mode: c.mfa.value, email_otp: c.emailOtp.checked },
      passkeys: {
        enabled: c.passkeys.checked,
        relying_party_id: c.rpId.value.trim(),
        origins: c.passkeyOrigins.value.split(/\s+/).filter(Boolean),
      },
    };
    // The members a pool in Cognito cannot have are not on the form, so not sent either.
    if (external) for (const member of Object.keys(NOT_FOR_EXTERNAL)) dropMember(body, member);
    // An emptied number is a mistake to point at, not a member to leave out.
    const empty = [["token_validity_secs", c.token], ["refresh_validity_secs", c.refresh], ["password_policy.min_length", c.minLength], ["refresh_rotation.grace_secs", c.grace], ...(external ? [] : hosted.numbers)].filter(([, input]) => input.value.trim() === "");
    if (empty.length) {
      for (const [field] of empty) showFieldError(form, field, "Enter a number.");
      alert.textContent = "Some settings need a value. Nothing was saved.";
      form.querySelector("[aria-invalid]")?.focus();
      return;
    }
    // Only what differs from the stored settings is sent: the server changes what it is given,
    // and the audit log's settings_changed names those members, so it says what really changed.
    const changed = changes(app, body);
    if (Object.keys(changed).length === 0) {
      toast("Nothing to save: every setting is as it was.");
      return;
    }
    save.disabled = true;
    save.textContent = "Saving…";
    try {
      const updated = await rest(`/api/apps/${encodeURIComponent(app.app_id)}`, { method: "PATCH", body: changed });
      appCache.set(app.app_id, updated);
      Object.assign(app, updated);
      // The server's spelling of what it stored (normalised origins, deduplicated scopes).
      c.origins.value = (updated.origins ?? []).join("\n");
      c.userScopes.value = (updated.user_api_keys?.scopes ?? []).join(" ");
      c.rpId.value = updated.passkeys?.relying_party_id ?? "";
      c.passkeyOrigins.value = (updated.passkeys?.origins ?? []).join("\n");
      hosted.show(updated.oauth ?? {});
      toast("Settings saved.");
      alert.textContent = "";
    } catch (error) {
      const fields = hosted.place(error instanceof ApiError ? error.fields : []);
      const unplaced = fields.filter((f) => !showFieldError(form, f.field, f.message) && !showFieldError(form, templateField(f.field), f.message));
      const count = fields.length - unplaced.length;
      alert.textContent =
        count > 0
          ? `${count} setting${count === 1 ? " needs" : "s need"} attention. Nothing was changed.${unplaced.length ? ` ${unplaced.map((f) => f.message).join(" ")}` : ""}`
          : `Nothing was changed: ${error.message}`;
      if (count === 0) guessField(form, error.message);
      (form.querySelector("[aria-invalid]") ?? alert).focus();
    } finally {
      save.disabled = false;
      save.textContent = "Save settings";
    }
  });
  fill(box, el("h2", { class: "sr-only", text: "Settings" }), form, dangerZone(app));
}

/** Removes the member at dotted `path` ("mfa.email_otp") from `body`. */
function dropMember(body, path) {
  const names = path.split(".");
  const last = names.pop();
  const parent = names.reduce((object, name) => object?.[name], body);
  if (parent) delete parent[last];
}

/** The members of `next` whose value differs from `current`'s; inside objects, only theirs that differ. */
export function changes(current, next) {
  const out = {};
  for (const [name, value] of Object.entries(next)) {
    const was = current?.[name];
    if (value && typeof value === "object" && !Array.isArray(value)) {
      const inner = changes(was ?? {}, value);
      if (Object.keys(inner).length) out[name] = inner;
    } else if (!same(was, value)) {
      out[name] = value;
    }
  }
  return out;
}

/** Equal settings values; an absent template is the empty one, absent lists are empty. */
function same(was, value) {
  if (was == null) return value === "" || (Array.isArray(value) && value.length === 0);
  return JSON.stringify(was) === JSON.stringify(value);
}

/** `templates.verification.subject` → `templates.verification_subject` (either spelling is placed). */
function templateField(field) {
  const match = /^templates\.([a-z]+)\.([a-z]+)$/.exec(String(field));
  return match ? `templates.${match[1]}_${match[2]}` : field;
}

/** A server without per-field errors: the member its message names, when one is named. */
function guessField(form, message) {
  const fields = [...form.querySelectorAll("[data-field]")].map((c) => c.dataset.field);
  const named = fields.find((f) => message.includes(f)) ?? fields.find((f) => message.includes(f.split(".").pop()));
  if (named) showFieldError(form, named, message);
}

function dangerZone(app) {
  return el(
    "section",
    { class: "card danger-zone" },
    el("h3", { text: "Delete this app" }),
    isExternal(app)
      ? el("p", {}, `Deleting the app deletes its user pool in ${providerWords(app)} too: every user there, and the app's API keys here. Tokens the pool issued stop verifying. This cannot be undone.`)
      : el("p", {}, "Deleting the app deletes its user pool: every user, session, API key and signing key. Tokens it issued stop verifying. This cannot be undone."),
    el("button", {
      type: "button",
      class: "danger",
      onclick: async () => {
        const ok = await confirmDialog({
          title: "Delete this app?",
          message: el("p", {}, el("strong", { class: "literal", text: app.name }), " and all its users, keys and settings are deleted for good."),
          confirmLabel: "Delete app",
          danger: true,
          typeToConfirm: app.name,
        });
        if (!ok) return;
        try {
          await rest(`/api/apps/${encodeURIComponent(app.app_id)}`, { method: "DELETE" });
          appCache.delete(app.app_id);
          toast(`Deleted ${app.name}.`);
          go("#/");
        } catch (error) {
          toast(`Deleting failed: ${error.message}`, "error");
        }
      },
    }, "Delete app…"),
  );
}
