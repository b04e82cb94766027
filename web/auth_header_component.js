/*
 * <auth-header>, served as /auth_header_component.js: "Sign in" when signed out; when signed in,
 * one button with the user's email that opens a menu with "Two-step verification" (where the
 * app's MFA is not off), or "Sign-in & security" where the app has passkeys on too (either opens
 * the component's modal there), and "Sign out". Follows
 * window.AuthReturn (auth_component.js) live, whichever script loads first.
 * Themed with the same --ar-* custom properties (web/src/theme.js); data-theme="light|dark"
 * forces a theme.
 */

import { isApi } from "./src/brand.js";
import { adoptStyle, themeCss } from "./src/theme.js";

const STYLE = `
  ${themeCss()}
  :host {
    display: inline-flex; position: relative; align-items: center;
    font-family: var(--_font); font-size: 14px; color: var(--_fg);
  }
  [hidden] { display: none !important; }
  button { font: inherit; cursor: pointer; border-radius: var(--_radius); }
  :focus-visible { outline: 3px solid var(--_accent); outline-offset: 2px; }
  .signin { background: var(--_accent); color: var(--_accent-fg); border: 0; padding: 0.5em 1em; font-weight: 600; }
  .user { display: inline-flex; align-items: center; min-width: 0; max-width: 100%; }
  .toggle {
    display: inline-flex; align-items: center; gap: 6px; min-width: 0; max-width: 100%;
    background: transparent; color: inherit; border: 1px solid var(--_border);
    padding: 0.35em 0.7em; line-height: 1.25;
  }
  .email { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; max-width: 40vw; }
  .menu {
    position: absolute; right: 0; top: calc(100% + 6px); z-index: 2147483000; min-width: 10em;
    margin: 0; padding: 4px; list-style: none; background: var(--_bg); color: var(--_fg);
    border: 1px solid var(--_border); border-radius: var(--_radius);
    box-shadow: 0 10px 30px rgba(0, 0, 0, 0.18);
  }
  .menu button {
    display: block; width: 100%; text-align: left; background: none; color: inherit;
    border: 0; padding: 0.55em 0.8em;
  }
  .menu button:hover, .menu button:focus-visible { background: color-mix(in srgb, var(--_accent) 14%, transparent); }
`;

// <div id="AuthReturn"> also makes window.AuthReturn truthy: only the branded API counts.
const installedApi = () => (isApi(window.AuthReturn) ? window.AuthReturn : null);

/** window.AuthReturn, now or as soon as auth_component.js installs it. */
function whenAuthReturn() {
  if (installedApi()) return Promise.resolve(installedApi());
  return new Promise((resolve) => {
    const onLoad = () => {
      if (!installedApi()) return;
      window.removeEventListener("authreturn:load", onLoad);
      resolve(installedApi());
    };
    window.addEventListener("authreturn:load", onLoad);
  });
}

const EVENTS = ["signin", "signout", "tokenrefresh"];

/** The element's class, made only where HTMLElement exists. */
function authHeaderClass() {
  return class AuthHeader extends HTMLElement {
    constructor() {
      super();
      const root = this.attachShadow({ mode: "open" });
      // Markup without data; the one inserted value (the email) is set as text in render().
      root.innerHTML = `
        <button class="signin" type="button" disabled>Sign in</button>
        <div class="user" hidden>
          <button class="toggle" type="button" aria-haspopup="menu" aria-expanded="false" aria-controls="menu">
            <span class="email"></span><span aria-hidden="true">▾</span>
          </button>
          <ul class="menu" id="menu" role="menu" hidden>
            <li role="none" class="mfa-item" hidden><button type="button" role="menuitem" class="mfa">Two-step verification</button></li>
            <li role="none"><button type="button" role="menuitem" class="signout">Sign out</button></li>
          </ul>
        </div>`;
      adoptStyle(root, STYLE);
      this.parts = {
        signIn: root.querySelector(".signin"),
        user: root.querySelector(".user"),
        email: root.querySelector(".email"),
        toggle: root.querySelector(".toggle"),
        menu: root.querySelector(".menu"),
        mfaItem: root.querySelector(".mfa-item"),
        mfa: root.querySelector(".mfa"),
        signOut: root.querySelector(".signout"),
      };
      this.update = () => this.render();
      this.onOutside = (event) => !event.composedPath().includes(this) && this.closeMenu(false);
      this.parts.signIn.addEventListener("click", () => this.api?.signIn());
      this.parts.toggle.addEventListener("click", () => (this.menuOpen() ? this.closeMenu(true) : this.openMenu()));
      this.parts.mfa.addEventListener("click", () => {
        // Focus goes back to the menu button first: the modal gives it back there on close.
        this.closeMenu(true);
        // An older auth_component.js has manageMfa alone.
        const open = this.api?.manageSecurity ?? this.api?.manageMfa;
        open?.().catch(() => this.render());
      });
      this.parts.signOut.addEventListener("click", () => {
        this.closeMenu(false);
        this.api?.signOut();
      });
      this.parts.user.addEventListener("keydown", (event) => this.onKey(event));
    }

    connectedCallback() {
      document.addEventListener("pointerdown", this.onOutside);
      whenAuthReturn().then((api) => {
        if (!this.isConnected || this.api) return;
        this.api = api;
        for (const event of EVENTS) api.on(event, this.update);
        this.render();
        // A storage set with configure() before ready may hold another session than the default.
        api.ready.then(this.update, () => {});
      });
    }

    disconnectedCallback() {
      document.removeEventListener("pointerdown", this.onOutside);
      for (const event of EVENTS) this.api?.off(event, this.update);
      this.api = null;
    }

    render() {
      const user = this.api?.getUser() ?? null;
      this.parts.signIn.disabled = !this.api;
      this.parts.signIn.hidden = Boolean(user);
      this.parts.user.hidden = !user;
      this.parts.email.textContent = user?.email ?? "";
      this.parts.email.title = user?.email ?? "";
      this.parts.toggle.setAttribute("aria-label", user ? `Account menu for ${user.email}` : "Account menu");
      // An older auth_component.js has no securityFeatures (nor, older still, canManageMfa).
      const features = this.api?.securityFeatures?.() ?? { mfa: Boolean(this.api?.canManageMfa?.()), passkeys: false };
      this.parts.mfaItem.hidden = !(user && (features.mfa || features.passkeys));
      this.parts.mfa.textContent = features.passkeys ? "Sign-in & security" : "Two-step verification";
      if (!user) this.closeMenu(false);
    }

    menuOpen() {
      return !this.parts.menu.hidden;
    }

    openMenu() {
      this.render();
      this.parts.menu.hidden = false;
      this.parts.toggle.setAttribute("aria-expanded", "true");
      this.items()[0]?.focus();
    }

    /** The menu's items that show. */
    items() {
      return [...this.parts.menu.querySelectorAll("[role=menuitem]")].filter((item) => !item.closest("[hidden]"));
    }

    closeMenu(returnFocus) {
      if (!this.menuOpen()) return;
      this.parts.menu.hidden = true;
      this.parts.toggle.setAttribute("aria-expanded", "false");
      if (returnFocus) this.parts.toggle.focus();
    }

    onKey(event) {
      if (event.key === "Escape" && this.menuOpen()) {
        event.preventDefault();
        this.closeMenu(true);
      } else if (event.key === "ArrowDown" && event.target === this.parts.toggle) {
        event.preventDefault();
        this.openMenu();
      } else if (["ArrowDown", "ArrowUp", "Home", "End"].includes(event.key) && this.menuOpen()) {
        // Arrows move between the items, wrapping around; Home and End go to the first and last.
        event.preventDefault();
        const items = this.items();
        const at = items.indexOf(this.shadowRoot.activeElement);
        const next = { ArrowDown: at + 1, ArrowUp: at - 1, Home: 0, End: items.length - 1 }[event.key];
        items[(next + items.length) % items.length]?.focus();
      }
    }
  };
}

if (typeof customElements !== "undefined" && !customElements.get("auth-header")) {
  customElements.define("auth-header", authHeaderClass());
}
