// The DOM helpers of the component's two overlays (the modal and the session prompt).

import { adoptStyle, applyTheme, themeCss } from "../theme.js";

/** The style every shadow root of the sign-in component starts with: the theme and the buttons. */
const BASE_STYLE = `
  :host { all: initial; font-family: var(--_font); }
  ${themeCss({ colorScheme: true })}
  :host {
    --_backdrop: var(--ar-backdrop, rgba(15, 23, 42, 0.55));
    --_shadow: 0 20px 50px rgba(0, 0, 0, 0.25);
  }
  button { font: inherit; cursor: pointer; }
  .primary {
    background: var(--_accent); color: var(--_accent-fg); border: 0;
    border-radius: var(--_radius); padding: 0.7em 1em; font-weight: 600;
  }
  .link {
    background: none; border: 0; padding: 0.25em 0; color: var(--_accent);
    text-decoration: underline; text-underline-offset: 2px;
  }
  :focus-visible { outline: 3px solid var(--_accent); outline-offset: 2px; }
`;

/** A tiny element builder: no HTML strings, so no escaping mistakes. */
export function h(doc, tag, attrs = {}, ...children) {
  const el = doc.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value == null || value === false) continue;
    if (name.startsWith("on")) el.addEventListener(name.slice(2), value);
    else if (name === "text") el.textContent = value;
    else el.setAttribute(name, value === true ? "" : value);
  }
  el.append(...children.flat(Infinity).filter((c) => c != null));
  return el;
}

/** A Document member read from its prototype: a named element (<img name="body">) cannot stand in for it. */
export const documentMember = (doc, name) => Reflect.get(Document.prototype, name, doc);

/** A themed host element on the page with `css` in its open shadow root. */
export function shadowHost(doc, tag, css, theme) {
  const host = doc.createElement(tag);
  const root = host.attachShadow({ mode: "open" });
  adoptStyle(root, BASE_STYLE + css);
  applyTheme(host, theme);
  documentMember(doc, "body").append(host);
  return { host, root };
}

/** The focused element, looking through open shadow roots (focus inside <auth-header>). */
export function deepActiveElement(doc) {
  let active = doc.activeElement;
  while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
  return active;
}
