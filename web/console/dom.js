// The console's DOM helpers. Every value a person typed (names, emails, templates, scopes…) goes
// in as text through `el` (textContent / text nodes): no HTML string is ever built from data.

/**
 * An element: `attrs` are attributes (true = present, false/null = absent), `on*` are listeners,
 * `text` is the text content; children are nodes or strings (strings become text nodes).
 */
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs ?? {})) {
    if (value == null || value === false) continue;
    if (name.startsWith("on") && typeof value === "function") node.addEventListener(name.slice(2), value);
    else if (name === "text") node.textContent = String(value);
    else node.setAttribute(name, value === true ? "" : String(value));
  }
  append(node, children);
  return node;
}

function append(node, children) {
  for (const child of children.flat(Infinity)) {
    if (child == null || child === false) continue;
    node.append(child instanceof Node ? child : String(child));
  }
}

/** Empties `node` and fills it with `children`. */
export function fill(node, ...children) {
  node.replaceChildren();
  append(node, children);
  return node;
}

/** A date and time from epoch seconds, in the reader's locale; "—" for none. */
export function when(seconds) {
  if (seconds == null || !Number.isFinite(Number(seconds))) return el("span", { class: "muted", text: "—" });
  const date = new Date(Number(seconds) * 1000);
  return el("time", { datetime: date.toISOString(), title: date.toISOString() }, date.toLocaleString());
}

/** A duration in seconds in words: "1 hour", "30 days", "90 seconds". */
export function duration(seconds) {
  const s = Number(seconds);
  if (!Number.isFinite(s) || s < 0) return "";
  const units = [["day", 86400], ["hour", 3600], ["minute", 60]];
  for (const [unit, size] of units) {
    if (s >= size && s % size === 0) return `${s / size} ${unit}${s / size === 1 ? "" : "s"}`;
  }
  return `${s} second${s === 1 ? "" : "s"}`;
}

/** A status line (role=status) that says something is loading. */
export const loading = (what) => el("p", { class: "loading", role: "status" }, what);

/** An error in words: the server's message when there is one. */
export const errorBox = (error, prefix = "") =>
  el("div", { class: "error-box", role: "alert" }, prefix ? `${prefix}: ` : "", describe(error));

/** The words for an error: the server's message, else the exception's. */
export function describe(error) {
  return error?.message || String(error ?? "Something went wrong.");
}

/** An empty state: what is missing and what to do next. */
export const emptyState = (title, text, ...actions) =>
  el("div", { class: "empty" }, el("p", { class: "empty-title", text: title }), text ? el("p", { text }) : null, actions.length ? el("div", { class: "row" }, actions) : null);

let toastTimer = 0;

/** Says what happened, politely (the page's live region), for a few seconds. */
export function toast(message, kind = "ok") {
  const region = document.getElementById("toast");
  if (!region) return;
  clearTimeout(toastTimer);
  region.dataset.kind = kind;
  fill(region, message);
  region.classList.add("shown");
  toastTimer = setTimeout(() => region.classList.remove("shown"), 6000);
}

/** Takes back the toast: on another page, the person no longer reads about the last one's action. */
export function hideToast() {
  const region = document.getElementById("toast");
  if (!region?.classList.contains("shown")) return;
  clearTimeout(toastTimer);
  region.classList.remove("shown");
}

/** A button copying `text()` to the clipboard, saying so. */
export function copyButton(text, label = "Copy") {
  const button = el("button", { type: "button", class: "small-button" }, label);
  button.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(typeof text === "function" ? text() : text);
      button.textContent = "Copied";
    } catch {
      // No clipboard (an insecure origin): select the text for the person to copy.
      const target = button.closest(".copyable")?.querySelector("code, pre");
      if (target) getSelection()?.selectAllChildren(target);
      button.textContent = "Press Ctrl+C";
    }
    setTimeout(() => (button.textContent = label), 2000);
  });
  return button;
}

/** A labelled value with a copy button (ids, URLs). */
export const copyField = (label, value) =>
  el("div", { class: "copyable field-line" }, el("span", { class: "field-label", text: label }), el("code", { text: value }), copyButton(value));

/** A code block with a title and a copy button. */
export const codeBlock = (title, code, language = "") =>
  el(
    "figure",
    { class: "copyable code" },
    el("figcaption", {}, el("span", { text: title }), copyButton(code, `Copy${language ? ` ${language}` : ""}`)),
    el("pre", { tabindex: "0" }, el("code", { text: code })),
  );

/**
 * A table in a scrolling box: `columns` are [heading, cell(row) → node or text], `caption`
 * names it for screen readers.
 */
export function dataTable(caption, columns, rows) {
  return el(
    "div",
    { class: "table-wrap", tabindex: "0", role: "region", "aria-label": caption },
    el(
      "table",
      {},
      el("caption", { class: "sr-only", text: caption }),
      el("thead", {}, el("tr", {}, columns.map(([heading]) => el("th", { scope: "col", text: heading })))),
      el("tbody", {}, rows.map((row) => el("tr", {}, columns.map(([heading, cell]) => el("td", { "data-label": heading }, el("div", { class: "cell" }, cell(row))))))),
    ),
  );
}

/** A labelled form control with an optional hint and an error slot, keyed by `field`. */
export function formField({ label, control, hint, field }) {
  const id = control.id || `f-${(field ?? label).replace(/[^a-z0-9]+/gi, "-")}-${Math.random().toString(36).slice(2, 7)}`;
  control.id = id;
  const hintId = hint ? `${id}-hint` : null;
  const errorId = `${id}-error`;
  control.setAttribute("aria-describedby", [hintId, errorId].filter(Boolean).join(" "));
  if (field) control.dataset.field = field;
  const isCheck = control.type === "checkbox";
  return el(
    "div",
    { class: isCheck ? "form-field check" : "form-field" },
    isCheck ? null : el("label", { for: id, text: label }),
    isCheck ? el("label", { for: id, class: "check-label" }, control, el("span", { text: label })) : control,
    hint ? el("p", { class: "hint", id: hintId }, hint) : null,
    el("p", { class: "field-error", id: errorId, "data-error-for": field ?? id }),
  );
}

/** Clears the field errors of `form`. */
export function clearErrors(form) {
  for (const slot of form.querySelectorAll(".field-error")) slot.textContent = "";
  for (const control of form.querySelectorAll("[aria-invalid]")) control.removeAttribute("aria-invalid");
}

/** Shows `message` beside the control of `field` in `form`; false when the form has no such field. */
export function showFieldError(form, field, message) {
  const control = [...form.querySelectorAll("[data-field]")].find((c) => c.dataset.field === field);
  if (!control) return false;
  control.setAttribute("aria-invalid", "true");
  const slot = document.getElementById(`${control.id}-error`);
  if (slot) slot.textContent = message;
  return true;
}
