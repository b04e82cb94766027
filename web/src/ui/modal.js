// The sign-in modal: one dialog with a view at a time (sign in, with a password or a passkey,
// sign up, confirm, forgot, reset, new password, the second-factor views of mfa_views.js, and
// the signed-in user's "Sign-in & security" with passkey_views.js's parts), focus kept inside
// while open and given back on close. While the sign-in form is shown, the browser's autofill
// offers the site's passkeys (autofill.js).

import { PasskeyAutofill } from "../autofill.js";
import { TOO_MANY, describeError, usageError } from "../errors.js";
import { appMfa } from "../mfa.js";
import { applyTheme } from "../theme.js";
import { deepActiveElement, h, shadowHost } from "./dom.js";
import { FIELDS, rulesList } from "./fields.js";
import { challengeScreen } from "./mfa_parts.js";
import { MFA_STYLE, mfaViews } from "./mfa_views.js";
import { PASSKEY_STYLE, passkeyButton, passkeyViews } from "./passkey_views.js";
import { providerButtons } from "./provider_buttons.js";

const MODAL_STYLE = `
  .backdrop {
    position: fixed; inset: 0; z-index: 2147483646; display: flex;
    align-items: center; justify-content: center; padding: 12px;
    background: var(--_backdrop);
  }
  .backdrop[hidden] { display: none; }
  .dialog {
    box-sizing: border-box; width: min(400px, 100%); max-height: calc(100vh - 24px);
    overflow: auto; background: var(--_bg); color: var(--_fg);
    border-radius: var(--_radius); box-shadow: var(--_shadow);
    /* A shadow does not show on a dark page: the border keeps the dialog's edge visible. */
    border: 1px solid var(--_border);
    padding: 24px; position: relative; font-size: 16px; line-height: 1.45;
    font-family: var(--_font);
  }
  @media (prefers-reduced-motion: no-preference) {
    .dialog { animation: rise 160ms ease-out; }
    @keyframes rise { from { opacity: 0; transform: translateY(8px); } }
  }
  h2 { margin: 0 2em 0.5em 0; font-size: 1.35em; line-height: 1.25; overflow-wrap: anywhere; }
  p { margin: 0 0 1em; color: var(--_muted); }
  form { display: flex; flex-direction: column; gap: 14px; }
  label { display: flex; flex-direction: column; gap: 6px; font-weight: 600; font-size: 0.95em; }
  input {
    font: inherit; font-weight: 400; color: var(--_fg); background: transparent;
    border: 1px solid var(--_border); border-radius: calc(var(--_radius) * 0.7);
    padding: 0.6em 0.75em; min-width: 0;
  }
  input:focus-visible { outline: 2px solid var(--_accent); outline-offset: 0; border-color: var(--_accent); }
  .close {
    position: absolute; top: 12px; right: 12px; width: 36px; height: 36px;
    border: 0; border-radius: 50%; background: transparent; color: var(--_muted); font-size: 22px;
  }
  .alert { color: var(--_error); font-weight: 600; margin: 0; }
  .alert:empty, .status:empty { display: none; }
  .status { color: var(--_ok); margin: 0; }
  .rules { list-style: none; margin: -4px 0 0; padding: 0; font-size: 0.9em; color: var(--_muted); }
  .rules li::before { content: "○"; display: inline-block; width: 1.4em; }
  .rules li[data-met="true"] { color: var(--_ok); }
  .rules li[data-met="true"]::before { content: "✓"; }
  .sr { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
  .links { display: flex; flex-wrap: wrap; justify-content: space-between; gap: 8px; margin-top: 4px; font-size: 0.95em; }
  form[aria-busy="true"] .primary { opacity: 0.7; cursor: progress; }
`;

/** The app's name from its public config, or null (older servers send none). */
const appName = (config) => (typeof config?.name === "string" && config.name.trim()) || null;

/** The modal: one dialog, a view at a time. Resolves `open()` with the user, or null when closed. */
export class Modal {
  constructor(auth, doc) {
    this.auth = auth;
    this.doc = doc;
    this.ctx = {};
    this.busy = false;
    this.resolve = null;
    this.autofill = new PasskeyAutofill({
      available: () => auth.canAutofillPasskeys(),
      challenge: () => auth.passkeyChallenge(),
      credentials: auth.env.credentials,
      answer: (challenge, credential) => this.run(async () => this.step(await auth.answerPasskey(challenge, credential))),
      timers: auth.env,
    });
    // A sign-out ends the autofill's request; a sign-in form still shown gets a fresh one.
    auth.on("signout", () => this.autofill.stop().then(() => this.armAutofill()));
  }

  /** Opens on `view` with `ctx`; `message` `{error, status}` is shown in its form. */
  open(view, ctx = {}, message = {}) {
    this.ctx = { ...ctx };
    if (!this.host) this.build();
    if (!this.isOpen()) this.returnFocus = deepActiveElement(this.doc);
    this.backdrop.hidden = false;
    this.show(view, message);
    this.resolve?.(null);
    return new Promise((resolve) => (this.resolve = resolve));
  }

  close(user = null) {
    if (!this.isOpen()) return;
    this.autofill.stop();
    this.backdrop.hidden = true;
    this.ctx = {};
    this.resolve?.(user);
    this.resolve = null;
    this.returnFocus?.focus?.();
  }

  build() {
    const { doc } = this;
    const style = MODAL_STYLE + MFA_STYLE + PASSKEY_STYLE;
    ({ host: this.host, root: this.root } = shadowHost(doc, "auth-return-modal", style, this.auth.options.theme));
    this.dialog = h(doc, "div", {
      class: "dialog",
      role: "dialog",
      "aria-modal": "true",
      "aria-labelledby": "ar-title",
    });
    this.backdrop = h(doc, "div", { class: "backdrop", hidden: true }, this.dialog);
    this.root.append(this.backdrop);
    // On the document, so Escape and Tab still work after a click on the backdrop.
    doc.addEventListener("keydown", (e) => this.isOpen() && this.onKey(e), true);
    doc.addEventListener("focusin", (e) => this.isOpen() && e.target !== this.host && this.focusFirst());
  }

  isOpen() {
    return Boolean(this.backdrop) && !this.backdrop.hidden;
  }

  /** The first empty input, else the first input; in a view without any, its first button. */
  focusFirst() {
    const inputs = [...this.form.querySelectorAll("input")];
    (inputs.find((i) => !i.value) ?? inputs[0] ?? this.form.querySelector("button"))?.focus();
  }

  onKey(event) {
    if (event.key === "Escape") {
      event.preventDefault();
      this.close();
    } else if (event.key === "Tab") {
      this.trapFocus(event);
    }
  }

  trapFocus(event) {
    const focusable = [...this.dialog.querySelectorAll("button, input, [href]")].filter(
      (el) => !el.disabled && !el.closest("[hidden]"),
    );
    const first = focusable[0];
    const last = focusable.at(-1);
    const active = this.root.activeElement;
    if (event.shiftKey && (active === first || !active)) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && (active === last || !active)) {
      event.preventDefault();
      first.focus();
    }
  }

  show(name, { error = "", status = "" } = {}) {
    this.view = name;
    const spec = this.views()[name]();
    const { doc } = this;
    this.alert = h(doc, "p", { class: "alert", role: "alert", id: "ar-alert", text: error });
    this.status = h(doc, "p", { class: "status", role: "status", text: status });
    const inputs = spec.fields.map((field) => this.field(field, spec.autocomplete?.[field]));
    const form = h(
      doc,
      "form",
      { novalidate: true, onsubmit: (e) => this.submit(e, spec) },
      spec.extra ?? null,
      inputs,
      this.alert,
      this.status,
      h(doc, "button", { class: "primary", type: "submit", text: spec.submit }),
      spec.after ?? null,
    );
    const links = (spec.links ?? []).map(([label, go]) =>
      h(doc, "button", { type: "button", class: "link", text: label, onclick: go }),
    );
    // replaceChildren would print a null as the text "null": leave absent parts out.
    const parts = [
      h(doc, "button", { type: "button", class: "close", "aria-label": "Close", text: "×", onclick: () => this.close() }),
      h(doc, "h2", { id: "ar-title", text: spec.title }),
      spec.intro ? h(doc, "p", { text: spec.intro }) : null,
      form,
      spec.note ? h(doc, "p", { class: "note", text: spec.note }) : null,
      links.length ? h(doc, "div", { class: "links" }, links) : null,
    ];
    this.dialog.replaceChildren(...parts.filter(Boolean));
    this.form = form;
    this.focusFirst();
    if (name === "signin") this.armAutofill();
    else this.autofill.stop();
  }

  /** Passkeys in the browser's autofill while the sign-in form is shown. */
  armAutofill() {
    if (this.isOpen() && this.view === "signin") this.autofill.arm();
  }

  /** `name`'s input, its autocomplete `autocomplete` where given (else the field's own). */
  field(name, autocomplete) {
    const { doc } = this;
    const spec = FIELDS[name];
    const id = `ar-${name}`;
    const rules = spec.rules ? rulesList(doc, this.auth.config?.passwordPolicy, id) : null;
    const input = h(doc, "input", {
      id,
      name,
      type: spec.type,
      autocomplete: autocomplete ?? spec.autocomplete,
      inputmode: spec.inputmode,
      required: true,
      "aria-describedby": rules ? `${id}-rules` : null,
    });
    if (name === "email" && this.ctx.email) input.value = this.ctx.email;
    if (rules) input.addEventListener("input", () => rules.tick(input.value));
    return [h(doc, "label", { for: id }, spec.label, input), rules?.list];
  }

  async submit(event, spec) {
    event.preventDefault();
    if (this.busy) return;
    const values = Object.fromEntries(new FormData(this.form));
    const missing = spec.fields.find((f) => !String(values[f] ?? "").trim());
    if (missing) return this.fail(`Enter your ${FIELDS[missing].label.toLowerCase()}`, missing);
    if (values.email) this.ctx.email = values.email.trim();
    await this.run(() => spec.action(values));
  }

  /** Runs a step of the view (its submit, or one of its buttons): busy meanwhile, errors shown. */
  async run(step) {
    if (this.busy) return;
    this.setBusy(true);
    try {
      await step();
    } catch (error) {
      const { message, view } = describeError(error, this.auth.config?.passwordPolicy);
      // A passkey ceremony the user cancelled (or no passkey on this device): said calmly.
      if (error.code === "PasskeyNotUsed") return this.note(message);
      if (view && view !== this.view) this.show(view, { error: message });
      else this.fail(message);
      if (!TOO_MANY.has(error.code)) this.auth.emit("error", error);
    } finally {
      this.setBusy(false);
    }
  }

  fail(message, field) {
    this.alert.textContent = message;
    this.status.textContent = "";
    (field ? this.form.querySelector(`[name="${field}"]`) : this.form.querySelector("input"))?.focus();
  }

  /** Says `message` in the status, calmly (no error), the focus left where it is. */
  note(message) {
    this.alert.textContent = "";
    this.status.dataset.tone = "calm";
    this.status.textContent = message;
  }

  setBusy(busy) {
    this.busy = busy;
    this.form.setAttribute("aria-busy", String(busy));
    for (const button of this.form.querySelectorAll(".primary, .passkey")) button.setAttribute("aria-disabled", String(busy));
  }

  /**
   * "Sign in with a passkey": for the email typed, or with any of the site's passkeys when the
   * field is empty. The autofill's request is ended first: the browser runs one at a time.
   */
  async passkeySignIn() {
    if (this.busy) return;
    const email = this.form.querySelector('[name="email"]')?.value.trim() ?? "";
    if (email) this.ctx.email = email;
    await this.autofill.stop();
    try {
      await this.run(async () => this.step(await this.auth.signInWithPasskey(email)));
    } finally {
      this.armAutofill();
    }
  }

  /** Leaves for the identity provider `name`; the page signs in when the browser is back. */
  async providerSignIn(name) {
    if (this.busy) return;
    await this.autofill.stop();
    await this.run(() => this.auth.signInWithProvider(name));
  }

  async signIn(email, password, message) {
    return this.step(await this.auth.signInWithPassword(email, password), message);
  }

  /** After a sign-in step: the view its challenge asks for (with `message`), or signed in. */
  async step(outcome, message) {
    if (!outcome.challenge) return this.close(outcome.user);
    this.show(await challengeScreen(this.auth.client, outcome.challenge, this.ctx), message);
  }

  /** "Two-step verification" for the signed-in user, where the app offers it; resolves on close. */
  async openMfa() {
    if (!this.auth.isSignedIn()) throw usageError("not_signed_in", "Sign a user in before managing their two-step verification");
    if (appMfa(this.auth.config).mode === "OFF") throw usageError("mfa_off", "This app's MFA mode is OFF");
    return this.openSecurity();
  }

  /**
   * The signed-in user's security page: their passkeys (where the app has them on and the
   * browser can use them) and their second factors (where the app's MFA is not OFF).
   */
  async openSecurity() {
    if (!this.auth.isSignedIn()) throw usageError("not_signed_in", "Sign a user in before managing their sign-in");
    const { mfa, passkeys } = this.securityFeatures();
    if (!mfa && !passkeys) throw usageError("security_off", "This app has neither MFA nor passkeys on");
    this.ctx = {};
    const error = await this.loadSecurity();
    await this.open("security", this.ctx, { error });
  }

  /** What the security page shows for this app, in this browser. */
  securityFeatures() {
    return { mfa: appMfa(this.auth.config).mode !== "OFF", passkeys: this.auth.canUsePasskeys() };
  }

  /**
   * Reads the user's factors and passkeys into `ctx.mfa` and `ctx.passkeys` (null: could not be
   * read; `ctx.passkeys` undefined: not shown). Answers the first error's words, or "".
   */
  async loadSecurity() {
    const { mfa, passkeys } = this.securityFeatures();
    const read = (wanted, fn) => (wanted ? this.auth.withAccessToken(fn) : Promise.resolve(undefined));
    const [factors, keys] = await Promise.allSettled([
      read(mfa, (client, token) => client.getMfaStatus(token)),
      read(passkeys, (client, token) => client.listPasskeys(token)),
    ]);
    this.ctx = {
      ...this.ctx,
      mfa: factors.status === "fulfilled" ? (factors.value ?? null) : null,
      passkeys: keys.status === "fulfilled" ? keys.value : null,
    };
    const failed = [factors, keys].find((r) => r.status === "rejected");
    return failed ? describeError(failed.reason).message : "";
  }

  /** The security page again, read afresh, with `status` said (or the error of reading it). */
  async reloadSecurity(status) {
    const error = await this.loadSecurity();
    this.show("security", error ? { error } : { status });
  }

  views() {
    const c = this.auth.client;
    const app = appName(this.auth.config);
    const go = (view) => () => this.show(view);
    const back = ["Back to sign-in", go("signin")];
    return {
      signin: () => ({
        title: this.ctx.reauth ? "Stay signed in" : app ? `Sign in to ${app}` : "Sign in",
        intro: this.ctx.reauth ? "Your session is about to end. Sign in again to keep working." : null,
        fields: ["email", "password"],
        submit: "Sign in",
        action: ({ email, password }) => {
          this.ctx.password = password;
          return this.signIn(email.trim(), password);
        },
        // The browser's autofill offers the site's passkeys in the email field too.
        autocomplete: this.auth.canUsePasskeys() ? { email: "username webauthn" } : null,
        after: [
          ...(this.auth.canUsePasskeys() ? passkeyButton(this.doc, () => this.passkeySignIn()) : []),
          ...providerButtons(this.doc, this.auth.identityProviders(), (name) => this.providerSignIn(name), {
            afterOther: this.auth.canUsePasskeys(),
          }),
        ],
        links: [["Forgot your password?", go("forgot")], ["Create an account", go("signup")]],
      }),
      signup: () => ({
        title: app ? `Create your ${app} account` : "Create account",
        fields: ["email", "newPassword"],
        submit: "Create account",
        action: async ({ email, newPassword }) => {
          this.ctx.password = newPassword;
          await c.signUp(email.trim(), newPassword);
          this.show("confirm", { status: `We sent a code to ${email.trim()}.` });
        },
        links: [back],
      }),
      confirm: () => ({
        title: "Confirm your email",
        intro: `Enter the code we emailed to ${this.ctx.email ?? "you"}.`,
        fields: ["code"],
        submit: "Confirm",
        action: async ({ code }) => {
          await c.confirmSignUp(this.ctx.email, code.trim());
          if (this.ctx.password) return this.signIn(this.ctx.email, this.ctx.password);
          this.show("signin", { status: "Your email is confirmed. Sign in to continue." });
        },
        links: [["Send a new code", () => this.resend()], back],
      }),
      forgot: () => ({
        title: app ? `Reset your ${app} password` : "Reset your password",
        intro: "We will email you a code to choose a new password.",
        fields: ["email"],
        submit: "Send code",
        action: async ({ email }) => {
          await c.forgotPassword(email.trim());
          this.show("reset", { status: `If ${email.trim()} has an account, a code is on its way.` });
        },
        links: [back],
      }),
      reset: () => ({
        title: app ? `Choose a new ${app} password` : "Choose a new password",
        intro: `Enter the code we emailed to ${this.ctx.email} and your new password.`,
        fields: ["code", "resetPassword"],
        submit: "Reset password",
        action: async ({ code, resetPassword }) => {
          await c.confirmForgotPassword(this.ctx.email, code.trim(), resetPassword);
          await this.signIn(this.ctx.email, resetPassword);
        },
        links: [["Send a new code", go("forgot")], back],
      }),
      newpassword: () => ({
        title: "Choose a new password",
        intro: "Your account needs a new password before you can continue.",
        fields: ["resetPassword"],
        submit: "Set new password",
        action: async ({ resetPassword }) => this.step(await this.auth.completeNewPassword(this.ctx.challenge, resetPassword)),
        links: [back],
      }),
      ...mfaViews(this, app),
      ...passkeyViews(this),
    };
  }

  async resend() {
    try {
      await this.auth.client.resendCode(this.ctx.email);
      this.alert.textContent = "";
      this.status.textContent = `We sent a new code to ${this.ctx.email}.`;
    } catch (error) {
      this.fail(describeError(error).message);
    }
  }

  setTheme(theme) {
    if (this.host) applyTheme(this.host, theme);
  }
}
