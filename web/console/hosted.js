// The settings form's "Hosted sign-in" section: the `oauth` member of `PATCH /api/apps/{id}`
// (callback and sign-out URLs, OAuth flows, scopes, branding, the hosted pages' session). The
// endpoints that read these come with issue 14. Lists are one entry per line; the server names
// a bad entry by its index (`oauth.callback_urls[2]`), shown beside the list with its line.

import { el, formField } from "./dom.js";

/** The standard scopes (the server's STANDARD_SCOPES). */
const STANDARD_SCOPE_NAMES = ["openid", "email", "phone", "profile", "aws.cognito.signin.user.admin"];

/** The non-empty lines of `textarea`, trimmed, each with its 1-based line number. */
function lines(textarea) {
  return textarea.value
    .split("\n")
    .map((text, i) => [i + 1, text.trim()])
    .filter(([, text]) => text !== "");
}

/** The hosted sign-in controls of `app`: `node` for the form, `value()` for the body. */
export function hostedSection(app) {
  const oauth = app.oauth ?? {};
  const flows = oauth.flows ?? {};
  const branding = oauth.branding ?? {};
  const list = (placeholder) => el("textarea", { rows: "3", spellcheck: "false", autocomplete: "off", placeholder });
  const text = (attrs = {}) => el("input", { type: "text", spellcheck: "false", autocomplete: "off", ...attrs });
  const check = (on) => el("input", { type: "checkbox", checked: Boolean(on) });
  const c = {
    callbacks: list("https://app.example.com/callback"),
    logouts: list("https://app.example.com/"),
    code: check(flows.code),
    implicit: check(flows.implicit),
    clientCredentials: check(flows.client_credentials),
    scopes: text(),
    customScopes: list("orders/read"),
    displayName: text({ maxlength: "64", spellcheck: "true", placeholder: app.name }),
    logo: text({ type: "url", placeholder: "https://app.example.com/logo.svg" }),
    accent: text({ maxlength: "7", placeholder: "#1f5fd6" }),
    session: el("input", { type: "number", min: "5", max: "1440", step: "1", inputmode: "numeric" }),
  };
  /** Puts the server's values (its spelling: a lower-case colour, a trimmed name) in the controls. */
  const show = (o) => {
    c.callbacks.value = (o.callback_urls ?? []).join("\n");
    c.logouts.value = (o.logout_urls ?? []).join("\n");
    c.scopes.value = (o.scopes ?? []).join(" ");
    c.customScopes.value = (o.custom_scopes ?? []).join("\n");
    c.displayName.value = o.branding?.display_name ?? "";
    c.logo.value = o.branding?.logo_url ?? "";
    c.accent.value = o.branding?.accent_color ?? "";
    c.session.value = String(o.session_minutes ?? "");
  };
  show({ ...oauth, branding });
  const secretHint = app.has_client_secret
    ? "Machine-to-machine tokens carrying the custom scopes, for the client secret's holder."
    : "Needs a client secret, and this app has none: create an app with one for this flow.";
  const node = el(
    "fieldset",
    { class: "card" },
    el("legend", { text: "Hosted sign-in" }),
    el("p", { class: "hint" }, "For the OAuth 2.0 endpoints and hosted sign-in pages (issue 14). A redirect_uri must equal one of these URLs exactly."),
    formField({ label: "Callback URLs", control: c.callbacks, field: "oauth.callback_urls", hint: "One per line, at most 100: https; http only on localhost, 127.0.0.1 or [::1]; or an app's own scheme (com.example.app:/callback). No #fragment." }),
    formField({ label: "Sign-out URLs", control: c.logouts, field: "oauth.logout_urls", hint: "One per line, the same rules: where signing out may send users." }),
    formField({ label: "Authorization code flow", control: c.code, field: "oauth.flows.code", hint: "The usual flow for web and native apps." }),
    formField({ label: "Implicit flow", control: c.implicit, field: "oauth.flows.implicit", hint: "Tokens in the redirect's fragment; prefer the code flow." }),
    formField({ label: "Client credentials flow", control: c.clientCredentials, field: "oauth.flows.client_credentials", hint: secretHint }),
    formField({ label: "Allowed scopes", control: c.scopes, field: "oauth.scopes", hint: `Separated by spaces: ${STANDARD_SCOPE_NAMES.join(", ")}, or custom scopes.` }),
    formField({ label: "Custom scopes", control: c.customScopes, field: "oauth.custom_scopes", hint: "One per line, resource/name (like orders/read), at most 100." }),
    formField({ label: "Display name", control: c.displayName, field: "oauth.branding.display_name", hint: "1 to 64 characters. Empty: the app's name." }),
    formField({ label: "Logo URL", control: c.logo, field: "oauth.branding.logo_url", hint: "An https URL. Empty: no logo." }),
    formField({ label: "Accent colour", control: c.accent, field: "oauth.branding.accent_color", hint: "#rrggbb. Empty: the built-in colour." }),
    formField({ label: "Hosted sign-in session (minutes)", control: c.session, field: "oauth.session_minutes", hint: "5 to 1,440 (one day)." }),
  );
  // Where each sent list entry came from, to name its line in an error.
  let sent = { callback_urls: [], logout_urls: [], custom_scopes: [], scopes: [] };
  return {
    node,
    /** The number inputs that must not be empty: [field, input]. */
    numbers: [["oauth.session_minutes", c.session]],
    /** The `oauth` member as the form says it. */
    value() {
      sent = {
        callback_urls: lines(c.callbacks),
        logout_urls: lines(c.logouts),
        custom_scopes: lines(c.customScopes),
        scopes: c.scopes.value.split(/\s+/).filter(Boolean),
      };
      const texts = (entries) => entries.map(([, text]) => text);
      return {
        callback_urls: texts(sent.callback_urls),
        logout_urls: texts(sent.logout_urls),
        flows: { code: c.code.checked, implicit: c.implicit.checked, client_credentials: c.clientCredentials.checked },
        scopes: sent.scopes,
        custom_scopes: texts(sent.custom_scopes),
        branding: { display_name: c.displayName.value, logo_url: c.logo.value.trim(), accent_color: c.accent.value.trim() },
        session_minutes: c.session.value.trim() === "" ? null : Number(c.session.value),
      };
    },
    show,
    /**
     * The server's `fields` with each list entry's problem moved to its list's control, saying
     * which line (or scope) it is about; a list's problems are joined into one message.
     */
    place(fields) {
      const out = [];
      const byList = new Map();
      for (const f of fields) {
        const match = /^oauth\.(callback_urls|logout_urls|custom_scopes|scopes)\[(\d+)\]$/.exec(String(f.field));
        if (!match) {
          out.push(f);
          continue;
        }
        const [, member, index] = match;
        const entry = sent[member]?.[Number(index)];
        const where = member === "scopes" ? `“${entry ?? `scope ${Number(index) + 1}`}”` : `Line ${entry?.[0] ?? Number(index) + 1}`;
        const field = `oauth.${member}`;
        if (!byList.has(field)) {
          byList.set(field, { field, message: "" });
          out.push(byList.get(field));
        }
        const item = byList.get(field);
        item.message = [item.message, `${where}: ${f.message}`].filter(Boolean).join("; ");
      }
      return out;
    },
  };
}
