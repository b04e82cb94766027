// Modal dialogs on the native <dialog> (focus kept inside, Escape closes, focus returns to
// what opened it): a general one, a confirmation, and a confirmation by typing a name.

import { el, fill } from "./dom.js";

/**
 * Opens a dialog titled `title` with `content` (nodes); resolves with the value given to
 * `close(value)`, or null when dismissed. `build(close, dialog)` may return the content.
 */
export function openDialog(title, build, { wide = false } = {}) {
  const opener = document.activeElement;
  const titleId = `dlg-${Math.random().toString(36).slice(2, 8)}`;
  const dialog = el("dialog", { class: wide ? "dialog wide" : "dialog", "aria-labelledby": titleId });
  let result = null;
  const close = (value = null) => {
    result = value;
    dialog.close();
  };
  const body = el("div", { class: "dialog-body" });
  fill(
    dialog,
    el("div", { class: "dialog-head" }, el("h2", { id: titleId, text: title }), el("button", { type: "button", class: "icon-button", "aria-label": "Close", onclick: () => close(null) }, "×")),
    body,
  );
  fill(body, build(close, dialog, body));
  document.body.append(dialog);
  return new Promise((resolve) => {
    dialog.addEventListener("close", () => {
      dialog.remove();
      if (opener instanceof HTMLElement && opener.isConnected) opener.focus();
      resolve(result);
    });
    dialog.showModal();
  });
}

/**
 * Asks before an action: `message` (text or nodes) says what it does; resolves true when
 * confirmed. With `typeToConfirm`, the button works only once that exact text is typed.
 */
export function confirmDialog({ title, message, confirmLabel, danger = false, typeToConfirm = null }) {
  return openDialog(title, (close) => {
    const confirm = el("button", { type: "submit", class: danger ? "danger" : "primary" }, confirmLabel);
    let typed = null;
    if (typeToConfirm != null) {
      typed = el("input", { type: "text", autocomplete: "off", spellcheck: "false", id: `confirm-${Math.random().toString(36).slice(2, 8)}` });
      confirm.disabled = true;
      typed.addEventListener("input", () => (confirm.disabled = typed.value !== typeToConfirm));
    }
    const form = el(
      "form",
      { method: "dialog", class: "stack" },
      el("div", { class: "confirm-message" }, message),
      typed
        ? el("div", { class: "form-field" }, el("label", { for: typed.id }, "Type ", el("strong", { class: "literal", text: typeToConfirm }), " to confirm"), typed)
        : null,
      el("div", { class: "row end" }, el("button", { type: "button", onclick: () => close(false) }, "Cancel"), confirm),
    );
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      if (!confirm.disabled) close(true);
    });
    return form;
  }).then(Boolean);
}
