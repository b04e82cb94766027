// The modal's passkey parts. On the sign-in form, "Sign in with a passkey" (shared with the hosted
// pages: passkeyButton). Signed in, the "Passkeys" section of "Sign-in & security": the user's
// passkeys (name, when added) each with Remove (asked first), and "Add a passkey".

import { h } from "./dom.js";

/** The modal's CSS for these parts (the list reuses mfa_views.js's .factor rows). */
export const PASSKEY_STYLE = `
  .or { display: flex; align-items: center; gap: 10px; margin: 2px 0 -2px; color: var(--_muted); font-size: 0.9em; }
  .or::before, .or::after { content: ""; flex: 1; border-top: 1px solid var(--_border); }
  .passkey {
    display: flex; align-items: center; justify-content: center; gap: 8px;
    background: transparent; color: var(--_fg); border: 1px solid var(--_border);
    border-radius: var(--_radius); padding: 0.65em 1em; font-weight: 600;
  }
  .passkey:hover { border-color: var(--_accent); }
  .passkey svg { width: 1.15em; height: 1.15em; flex: none; }
  form[aria-busy="true"] .passkey { opacity: 0.7; cursor: progress; }
  .status[data-tone="calm"] { color: var(--_fg); }
  .section { display: flex; flex-direction: column; gap: 10px; min-width: 0; }
  .section + .section { border-top: 1px solid var(--_border); padding-top: 16px; margin-top: 6px; }
  .section h3 { margin: 0; font-size: 1.05em; }
  .section p { margin: 0; }
  .section > .secondary { align-self: flex-start; }
  .empty { font-size: 0.95em; }
  .factor.passkey-row { flex-direction: row; align-items: center; justify-content: space-between; gap: 12px; }
  .passkey-row > div:first-child { min-width: 0; overflow-wrap: anywhere; }
  .passkey-row .factor-state { display: block; margin: 2px 0 0; }
`;

/** A key, drawn (no image request): the passkey button's mark, hidden from screen readers. */
function keyIcon(doc) {
  const svg = doc.createElementNS("http://www.w3.org/2000/svg", "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("aria-hidden", "true");
  svg.setAttribute("focusable", "false");
  const path = doc.createElementNS("http://www.w3.org/2000/svg", "path");
  path.setAttribute("fill", "none");
  path.setAttribute("stroke", "currentColor");
  path.setAttribute("stroke-width", "2");
  path.setAttribute("stroke-linecap", "round");
  path.setAttribute("stroke-linejoin", "round");
  path.setAttribute("d", "M14.5 9.5a4.5 4.5 0 1 1-9 0 4.5 4.5 0 0 1 9 0ZM13 13l8 8M17.5 17.5 20 15M15.5 15.5 17 14");
  svg.append(path);
  return svg;
}

/**
 * "or" and the "Sign in with a passkey" button (type=button: Enter in the fields still signs
 * in with the password), for a sign-in form; `onclick` runs the passkey sign-in.
 */
export function passkeyButton(doc, onclick) {
  return [
    h(doc, "p", { class: "or", "aria-hidden": "true", text: "or" }),
    h(doc, "button", { type: "button", class: "passkey", onclick }, keyIcon(doc), h(doc, "span", { text: "Sign in with a passkey" })),
  ];
}

/** "3 Dec 2026" in the page's language; "" without a date. */
export const addedOn = (date, locale) =>
  date ? date.toLocaleDateString(locale, { year: "numeric", month: "short", day: "numeric" }) : "";

/** The "Passkeys" section of the security page of `modal` (a Modal); `ctx.passkeys` null: not read. */
export function passkeySection(modal) {
  const { auth, doc } = modal;
  const passkeys = modal.ctx.passkeys;
  const button = (text, onclick, attrs = {}) => h(doc, "button", { type: "button", class: "secondary", text, onclick, ...attrs });
  const add = () =>
    modal.run(async () => {
      await auth.withAccessToken((client, token) => client.addPasskey(token, auth.env.credentials));
      await modal.reloadSecurity("Passkey added: you can sign in with it now.");
    });
  const rows = (passkeys ?? []).map((passkey, i) => {
    const id = `ar-passkey-${i}`;
    const added = addedOn(passkey.createdAt);
    return h(
      doc,
      "li",
      {},
      h(
        doc,
        "div",
        { class: "factor passkey-row", role: "group", "aria-labelledby": id },
        h(
          doc,
          "div",
          {},
          h(doc, "span", { class: "factor-name", id, text: passkey.name }),
          added ? h(doc, "span", { class: "factor-state", text: `Added ${added}` }) : null,
        ),
        h(
          doc,
          "div",
          { class: "factor-actions" },
          button("Remove", () => {
            modal.ctx.removing = passkey;
            modal.show("passkeyremove");
          }),
        ),
      ),
    );
  });
  const body =
    passkeys === null
      ? [h(doc, "p", { class: "empty", text: "Your passkeys could not be read." }), button("Try again", () => modal.run(() => modal.reloadSecurity("")))]
      : [
          rows.length
            ? h(doc, "ul", { class: "factors", "aria-label": "Your passkeys" }, rows)
            : h(doc, "p", { class: "empty", text: "No passkeys yet." }),
          button("Add a passkey", add, { class: "secondary add-passkey" }),
        ];
  return h(
    doc,
    "section",
    { class: "section", "aria-labelledby": "ar-passkeys-title" },
    h(doc, "h3", { id: "ar-passkeys-title", text: "Passkeys" }),
    h(doc, "p", { class: "hint", text: "Sign in with your fingerprint, face or screen lock instead of your password." }),
    body,
  );
}

/** The modal's passkey views: removing one, asked first. */
export function passkeyViews(modal) {
  const { auth } = modal;
  return {
    passkeyremove: () => {
      const passkey = modal.ctx.removing;
      const added = addedOn(passkey.createdAt);
      return {
        title: "Remove this passkey?",
        intro: `“${passkey.name}”${added ? `, added ${added},` : ""} will no longer sign you in. Remove it from your device too, in its passwords or passkeys settings.`,
        fields: [],
        submit: "Remove passkey",
        action: async () => {
          await auth.withAccessToken((client, token) => client.removePasskey(token, passkey.id));
          modal.ctx.removing = null;
          await modal.reloadSecurity("Passkey removed.");
        },
        links: [["Cancel", () => modal.show("security")]],
      };
    },
  };
}
