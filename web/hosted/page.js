// The hosted sign-in page in the document: one form at a time under the page's one <h1>, every
// field with a real <label>, the error in a role=alert that takes the focus, links to the other
// screens that keep the query string, the screen each challenge of a sign-in asks for (a new
// password, a second factor), a passkey sign-in (the button, and the browser's autofill while the
// sign-in screen is shown: autofill.js), and the move to /oauth2/authorize once signed in.

import { PasskeyAutofill } from "../src/autofill.js";
import { describeError } from "../src/errors.js";
import { appPasskeys } from "../src/passkeys.js";
import { h } from "../src/ui/dom.js";
import { FIELDS, rulesList } from "../src/ui/fields.js";
import { challengeScreen } from "../src/ui/mfa_parts.js";
import { hostedScreens } from "./screens.js";

/** Where the page goes once the server has set its session cookie. */
const AUTHORIZE_PATH = "/oauth2/authorize";

/**
 * The page: `client` from createClient (sign-in steps to /login), `fetchFn` for its other
 * requests (an authenticator key's QR code), `go(url)` navigates, `credentials` the browser's
 * navigator.credentials (null where it has no passkeys), `conditionalMediation()` whether its
 * autofill offers passkeys, `timers` `{setTimeout, clearTimeout}`.
 */
export class HostedPage {
  constructor({
    doc,
    title,
    container,
    client,
    fetchFn,
    appName,
    query,
    go,
    credentials = null,
    conditionalMediation = async () => false,
    timers = globalThis,
  }) {
    this.doc = doc;
    this.fetchFn = fetchFn;
    this.titleEl = title;
    this.container = container;
    this.client = client;
    this.appName = appName;
    this.query = query;
    this.go = go;
    this.credentials = credentials;
    this.ctx = {};
    this.policy = null;
    this.busy = false;
    this.leaving = false;
    this.screens = hostedScreens(this);
    this.autofill = new PasskeyAutofill({
      available: async () => this.canUsePasskeys() && (await conditionalMediation()),
      challenge: () => client.passkeyChallenge(null),
      credentials,
      answer: (challenge, credential) => this.runPasskey(() => client.answerPasskey(challenge, credential)),
      // Called on `timers` itself: window's timer functions refuse any other `this`.
      timers: { setTimeout: (fn, ms) => timers.setTimeout(fn, ms), clearTimeout: (id) => timers.clearTimeout(id) },
    });
  }

  /** Opens on `screen`, the email filled in from OIDC's login_hint when there is one. */
  start(screen, { email } = {}) {
    if (email) this.ctx.email = email;
    this.show(this.screens[screen] ? screen : "signin");
  }

  /** `path` with the page's own query string: every screen serves the same authorization request. */
  href(path) {
    return path + this.query;
  }

  show(name, { error = "", status = "" } = {}) {
    const { doc } = this;
    const spec = this.screens[name]();
    this.view = name;
    this.spec = spec;
    this.titleEl.textContent = spec.title;
    doc.title = spec.title;
    this.alert = h(doc, "p", { class: "alert", role: "alert", id: "hosted-alert", tabindex: "-1", text: error });
    this.status = h(doc, "p", { class: "status", role: "status", text: status });
    this.button = h(doc, "button", { class: "primary", type: "submit", text: spec.submit });
    const fields = spec.fields.map((field) => this.field(field, spec.autocomplete?.[field]));
    const passwords = spec.fields.filter((f) => FIELDS[f].type === "password");
    this.form = h(
      doc,
      "form",
      { novalidate: true, "aria-labelledby": this.titleEl.id, onsubmit: (e) => this.submit(e) },
      this.alert,
      this.status,
      spec.extra ?? null,
      fields,
      passwords.length ? this.showPasswords() : null,
      this.button,
      spec.after ?? null,
    );
    const parts = [
      spec.intro ? h(doc, "p", { class: "intro", text: spec.intro }) : null,
      this.form,
      spec.note ? h(doc, "p", { class: "note", text: spec.note }) : null,
      spec.links?.length ? h(doc, "ul", { class: "links" }, spec.links.map((link) => this.link(link))) : null,
    ];
    this.container.replaceChildren(...parts.filter(Boolean));
    if (error) this.alert.focus();
    else this.focusFirst();
    if (name === "signin") this.armAutofill();
    else this.autofill.stop();
  }

  /** Passkeys in the browser's autofill while the sign-in screen is shown. */
  armAutofill() {
    if (this.view === "signin" && !this.leaving) this.autofill.arm();
  }

  focusFirst() {
    const inputs = [...this.form.querySelectorAll("input:not([type=checkbox])")];
    (inputs.find((i) => !i.value) ?? inputs[0])?.focus();
  }

  /** `name`'s field, its autocomplete `autocomplete` where given (else the field's own). */
  field(name, autocomplete) {
    const { doc } = this;
    const spec = FIELDS[name];
    const id = `hosted-${name}`;
    const input = h(doc, "input", {
      id,
      name,
      type: spec.type,
      autocomplete: autocomplete ?? spec.autocomplete,
      inputmode: spec.inputmode,
      autocapitalize: spec.type === "email" ? "none" : null,
      spellcheck: spec.type === "email" ? "false" : null,
      required: true,
    });
    if (name === "email" && this.ctx.email) input.value = this.ctx.email;
    input.addEventListener("input", () => input.removeAttribute("aria-invalid"));
    const wrapper = h(doc, "div", { class: "field" }, h(doc, "label", { for: id, text: spec.label }), input);
    if (spec.rules) this.addRules(wrapper, input);
    return wrapper;
  }

  /** The policy's rules under a new password's input, once the policy is known. */
  addRules(wrapper, input) {
    const rules = rulesList(this.doc, this.policy, input.id);
    if (!rules || wrapper.querySelector(".rules")) return;
    input.setAttribute("aria-describedby", rules.list.id);
    input.addEventListener("input", () => rules.tick(input.value));
    rules.tick(input.value);
    wrapper.append(rules.list);
  }

  /** The app's password policy (from its public config, which may come after the first screen). */
  setPolicy(policy) {
    this.policy = policy ?? null;
    for (const input of this.form?.querySelectorAll("input") ?? []) {
      if (FIELDS[input.name]?.rules) this.addRules(input.closest(".field"), input);
    }
  }

  showPasswords() {
    const { doc } = this;
    const box = h(doc, "input", {
      type: "checkbox",
      id: "hosted-show-password",
      onchange: () => {
        for (const input of this.form.querySelectorAll("input[autocomplete$=password]")) {
          input.type = box.checked ? "text" : "password";
        }
      },
    });
    return h(doc, "div", { class: "check" }, box, h(doc, "label", { for: box.id, text: "Show password" }));
  }

  link(spec) {
    const { doc } = this;
    const target = spec.href
      ? h(doc, "a", { href: this.href(spec.href), text: spec.text })
      : h(doc, "button", { type: "button", class: "link", text: spec.text, onclick: () => this.runLink(spec) });
    return h(doc, "li", {}, spec.lead ? `${spec.lead} ` : null, target);
  }

  /** A link that calls the server in place ("Send a new code"). */
  async runLink(spec) {
    if (this.busy) return;
    this.setBusy(true);
    try {
      await spec.run();
      this.alert.textContent = "";
      this.status.textContent = spec.done();
    } catch (error) {
      this.fail(describeError(error, this.policy).message);
    } finally {
      this.setBusy(false);
    }
  }

  async submit(event) {
    event.preventDefault();
    if (this.busy || this.leaving) return;
    const spec = this.spec;
    const values = Object.fromEntries(new FormData(this.form));
    const missing = spec.fields.find((f) => !String(values[f] ?? "").trim());
    if (missing) return this.fail(`Enter your ${FIELDS[missing].label.toLowerCase()}`, missing);
    if (values.email) values.email = this.ctx.email = values.email.trim();
    this.setBusy(true, { submitting: true });
    try {
      await spec.action(values);
    } catch (error) {
      const { message, view } = describeError(error, this.policy);
      if (view && view !== this.view && this.screens[view]) this.show(view, { error: message });
      else this.fail(message);
    } finally {
      if (!this.leaving) this.setBusy(false);
    }
  }

  /** Shows `message` in the alert and moves the focus there; `field` is marked invalid. */
  fail(message, field) {
    this.alert.textContent = message;
    this.status.textContent = "";
    const input = field && this.form.querySelector(`[name="${field}"]`);
    if (input) input.setAttribute("aria-invalid", "true");
    this.alert.focus();
  }

  /** Marks the form busy; `submitting` also words the button so ("Signing in…"). */
  setBusy(busy, { submitting = false } = {}) {
    this.busy = busy;
    if (!this.form?.isConnected) return;
    this.form.setAttribute("aria-busy", String(busy));
    this.button.setAttribute("aria-disabled", String(busy));
    this.form.querySelector(".passkey")?.setAttribute("aria-disabled", String(busy));
    this.button.textContent = busy && submitting ? this.spec.busy : this.spec.submit;
  }

  async signIn(email, password) {
    return this.finish(await this.client.signIn(email, password));
  }

  /** Whether the sign-in screen offers a passkey: the app has them on and the browser has them. */
  canUsePasskeys() {
    return Boolean(this.credentials) && appPasskeys(this.client.config);
  }

  /**
   * "Sign in with a passkey": for the email typed, or with any of the site's passkeys when the
   * field is empty. The autofill's request is ended first: the browser runs one at a time.
   */
  async passkeySignIn() {
    if (this.busy || this.leaving) return;
    const email = this.form.querySelector('[name="email"]')?.value.trim() ?? "";
    if (email) this.ctx.email = email;
    await this.autofill.stop();
    try {
      await this.runPasskey(() => this.client.signInWithPasskey(email, this.credentials));
    } finally {
      this.armAutofill();
    }
  }

  /**
   * A passkey sign-in's step `signIn()` (the button's, or the autofill's answer), busy
   * meanwhile: a cancelled ceremony is said calmly in the status, the server's refusal in the alert.
   */
  async runPasskey(signIn) {
    if (this.busy || this.leaving) return;
    this.setBusy(true);
    try {
      await this.finish(await signIn());
    } catch (error) {
      const { message } = describeError(error, this.policy);
      if (error.code !== "PasskeyNotUsed") return this.fail(message);
      this.alert.textContent = "";
      this.status.dataset.tone = "calm";
      this.status.textContent = message;
    } finally {
      if (!this.leaving) this.setBusy(false);
    }
  }

  /** After a sign-in step: the screen its challenge asks for, or on to the authorization request. */
  async finish(outcome) {
    if (outcome.challenge) {
      return this.show(await challengeScreen(this.client, outcome.challenge, this.ctx));
    }
    this.leaving = true;
    this.autofill.stop();
    this.status.textContent = `Signed in. Continuing to ${this.appName}…`;
    this.go(AUTHORIZE_PATH + this.query);
  }
}
