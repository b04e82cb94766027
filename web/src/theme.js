// The one palette of both components: light and dark colours, each one overridable by the page
// with the matching --ar-* custom property, and data-theme="light|dark" to force either.

const LIGHT = {
  accent: "#2563eb",
  "accent-fg": "#ffffff",
  bg: "#ffffff",
  fg: "#1f2328",
  muted: "#59636e",
  border: "#d1d9e0",
  error: "#c62828",
  ok: "#1a7f37",
};

const DARK = {
  accent: "#4c8dff",
  "accent-fg": "#0b1220",
  bg: "#1b1f24",
  fg: "#e6edf3",
  muted: "#9198a1",
  border: "#3d444d",
  error: "#ff7b72",
  ok: "#3fb950",
};

const FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';

const colours = (palette) =>
  Object.entries(palette)
    .map(([name, value]) => `--_${name}: var(--ar-${name}, ${value});`)
    .join("\n    ");

/**
 * CSS giving `:host` the properties --_accent, --_accent-fg, --_bg, --_fg, --_muted, --_border,
 * --_error, --_ok, --_radius and --_font: light, or dark when the system prefers dark (unless
 * data-theme="light") or data-theme="dark". With `colorScheme` the host's color-scheme follows.
 */
export function themeCss({ colorScheme = false } = {}) {
  const scheme = (name) => (colorScheme ? `color-scheme: ${name};` : "");
  // CSS cannot join a media query and a selector in one rule: the dark block is used twice.
  const dark = `${colours(DARK)}\n    ${scheme("dark")}`;
  return `
  :host {
    ${colours(LIGHT)}
    --_radius: var(--ar-radius, 10px);
    --_font: var(--ar-font, ${FONT});
    ${scheme("light")}
  }
  @media (prefers-color-scheme: dark) {
    :host(:not([data-theme="light"])) {
    ${dark}
    }
  }
  :host([data-theme="dark"]) {
    ${dark}
  }
`;
}

/** Forces "light" or "dark" on a component's host; any other value follows the system. */
export function applyTheme(host, theme) {
  if (theme === "light" || theme === "dark") host.setAttribute("data-theme", theme);
  else host.removeAttribute("data-theme");
}

/**
 * Gives a shadow root its CSS as a constructed stylesheet: no inline <style> element, so a page
 * whose Content-Security-Policy says `style-src 'self'` (the server's own pages) allows it.
 * Where constructable stylesheets are missing, a <style> element as before.
 */
export function adoptStyle(root, css) {
  const view = root.ownerDocument?.defaultView;
  if (view?.CSSStyleSheet && "adoptedStyleSheets" in root) {
    try {
      const sheet = new view.CSSStyleSheet();
      sheet.replaceSync(css);
      root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
      return;
    } catch {
      // An engine that has the constructor but not replaceSync: the element below.
    }
  }
  const style = root.ownerDocument.createElement("style");
  style.textContent = css;
  root.prepend(style);
}
