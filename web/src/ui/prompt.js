// The small "your session ends soon" prompt in the corner of the page.

import { minutesUntil } from "../session.js";
import { applyTheme } from "../theme.js";
import { h, shadowHost } from "./dom.js";

const PROMPT_STYLE = `
  .prompt {
    position: fixed; z-index: 2147483645; right: 16px; bottom: 16px;
    max-width: calc(100vw - 32px); box-sizing: border-box;
    display: flex; align-items: center; gap: 8px; padding: 10px 8px 10px 14px;
    background: var(--_bg); color: var(--_fg); border: 1px solid var(--_border);
    border-radius: var(--_radius); box-shadow: var(--_shadow); font-size: 14px;
  }
  .prompt[hidden] { display: none; }
  .dismiss { background: none; border: 0; color: var(--_muted); font-size: 18px; width: 32px; height: 32px; }
`;

/** The small "your session ends soon" prompt. */
export class SessionPrompt {
  constructor(auth, doc, onStay) {
    this.auth = auth;
    this.doc = doc;
    this.onStay = onStay;
    this.warning = null;
    this.interval = null;
  }

  show(warning) {
    if (!this.host) this.build();
    this.warning = warning;
    this.render();
    this.box.hidden = false;
    clearInterval(this.interval);
    this.interval = setInterval(() => this.render(), 15_000);
  }

  hide(reason) {
    if (!this.box || (reason && this.warning?.reason !== reason)) return;
    this.box.hidden = true;
    this.warning = null;
    clearInterval(this.interval);
  }

  build() {
    const { doc } = this;
    ({ host: this.host, root: this.root } = shadowHost(doc, "auth-return-prompt", PROMPT_STYLE, this.auth.options.theme));
    this.text = h(doc, "span");
    this.stay = h(doc, "button", { type: "button", class: "link", onclick: () => this.onStay(this.warning) });
    this.box = h(
      doc,
      "div",
      { class: "prompt", role: "status", hidden: true },
      this.text,
      this.stay,
      h(doc, "button", { type: "button", class: "dismiss", "aria-label": "Dismiss", text: "×", onclick: () => this.hide() }),
    );
    this.root.append(this.box);
  }

  render() {
    const minutes = minutesUntil(this.warning.expiresAt, Date.now());
    const span = `${minutes} minute${minutes === 1 ? "" : "s"}`;
    this.text.textContent =
      this.warning.reason === "idle"
        ? `You will be signed out in ${span} for inactivity — `
        : `Your session ends in ${span} — `;
    this.stay.textContent = "stay signed in";
  }

  setTheme(theme) {
    if (this.host) applyTheme(this.host, theme);
  }
}
