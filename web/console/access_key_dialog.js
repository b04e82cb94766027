// Creating an access key: its name, an optional app and read-only access; then the key, with its
// secret shown this once (copy buttons and ready-to-paste code), which nothing keeps after the
// dialog closes. Refusals are said in words beside the field they concern.

import { boto3AccessKeySnippet, cliAccessKeySnippet } from "./access_key_snippets.js";
import { ApiError, rest } from "./api.js";
import { openDialog } from "./dialog.js";
import { clearErrors, codeBlock, copyField, el, fill, formField, showFieldError } from "./dom.js";

/**
 * Opens the dialog; `apps` are the developer's apps (by name) to limit the key to, or null when
 * they could not be loaded. Resolves true when a key was made.
 */
export function createAccessKeyDialog(apps) {
  let made = false;
  return openDialog("Create an access key", (close, dialog, body) => {
    const name = el("input", { type: "text", required: true, maxlength: "100", autocomplete: "off", autofocus: true });
    const app = el("select", {}, el("option", { value: "" }, "All your apps"), appOptions(apps ?? []));
    const readOnly = el("input", { type: "checkbox" });
    const alert = el("div", { class: "form-alert", role: "alert" });
    const submit = el("button", { type: "submit", class: "primary" }, "Create access key");
    const form = el(
      "form",
      { class: "stack", novalidate: true },
      formField({ label: "Name", control: name, field: "name", hint: "What the key is for, e.g. “CI user import”: 1 to 100 characters." }),
      formField({
        label: "App",
        control: app,
        field: "app_id",
        hint: apps
          ? "All your apps, or one app: the key may then act on that app's users only."
          : "Your apps could not be loaded, so the key can only be made for all of them; reload the page to limit it to one.",
      }),
      formField({ label: "Read-only: may read your apps and their users (ListUsers, AdminGetUser…), never change them", control: readOnly, field: "read_only" }),
      alert,
      el("div", { class: "row end" }, el("button", { type: "button", onclick: () => close(null) }, "Cancel"), submit),
    );
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      clearErrors(form);
      alert.textContent = "";
      if (!name.value.trim()) {
        showFieldError(form, "name", "Give the key a name: what it is for.");
        name.focus();
        return;
      }
      const request = { name: name.value.trim(), read_only: readOnly.checked };
      if (app.value) request.app_id = app.value;
      submit.disabled = true;
      submit.textContent = "Creating…";
      try {
        const created = await rest("/api/access-keys", { method: "POST", body: request });
        made = true;
        dialog.classList.add("wide");
        fill(body, createdAccessKey(created, apps, close));
        body.querySelector("h3")?.focus();
      } catch (error) {
        const refusal = refusalInWords(error);
        alert.textContent = refusal.message;
        if (refusal.field) showFieldError(form, refusal.field, refusal.beside);
        submit.disabled = false;
        submit.textContent = "Create access key";
        // A disabled button loses the focus: give it to what the person has to change.
        if (refusal.field === "name") name.focus();
        else if (refusal.field === "app_id") app.focus();
        else if (!form.contains(document.activeElement)) submit.focus();
      }
    });
    return form;
  }).then(() => made);
}

/** The apps as options by name; a name two apps share also shows the id, to tell them apart. */
function appOptions(apps) {
  const seen = new Map();
  for (const app of apps) seen.set(app.name, (seen.get(app.name) ?? 0) + 1);
  return apps.map((app) => el("option", { value: app.app_id }, seen.get(app.name) > 1 ? `${app.name} (${app.app_id})` : app.name));
}

/** What went wrong, for the form: the alert's words, and the field and words beside it. */
function refusalInWords(error) {
  if (!(error instanceof ApiError) || error.status === 0) return { message: `Nothing was created: ${error?.message ?? error}` };
  if (error.status === 409) {
    const most = /\d+/.exec(error.message)?.[0] ?? "10";
    return { message: `You already have ${most} active access keys, the most a developer may hold. Revoke one you no longer use, then create this one.` };
  }
  if (error.status === 400 && /\bname\b/.test(error.message)) {
    return { message: "Nothing was created: the name must be 1 to 100 characters.", field: "name", beside: "Use 1 to 100 characters." };
  }
  if (error.status === 404) {
    return { message: "Nothing was created: that app no longer exists.", field: "app_id", beside: "This app was deleted (or is not yours): choose another, or all your apps." };
  }
  return { message: `Nothing was created: ${error.message}` };
}

/** The created key: the warning, its id and secret with copy buttons, and code using them. */
function createdAccessKey(key, apps, close) {
  const app = key.app_id ? apps?.find((a) => a.app_id === key.app_id) : null;
  const sample = app ?? apps?.[0];
  const values = {
    endpoint: String(sample?.endpoint ?? location.origin).replace(/\/+$/, ""),
    accessKeyId: key.access_key_id,
    secret: key.secret_access_key,
    poolId: sample?.user_pool_id ?? "USER_POOL_ID",
    poolNote: app ? null : sample ? "or any of your apps' pools" : "your app's pool id",
  };
  return el(
    "div",
    { class: "stack" },
    el("h3", { tabindex: "-1" }, "Created ", el("span", { class: "literal", text: key.name })),
    el(
      "div",
      { class: "secret-once", role: "alert" },
      el("p", {}, el("strong", {}, "You won't see this secret again. "), "Copy the secret access key now: the server keeps it sealed and never shows it again. If it is lost, revoke the key and create another."),
    ),
    el("div", { class: "fields" }, labelledCopy(copyField("Access key id", key.access_key_id), "Copy the access key id"), labelledCopy(copyField("Secret access key", key.secret_access_key), "Copy the secret access key")),
    el("p", { class: "muted" }, key.read_only ? "Read-only" : "Read & write", " on ", app ? el("span", { class: "literal", text: app.name }) : key.app_id ? el("code", { text: key.app_id }) : "all your apps", "."),
    codeBlock("boto3 (Python)", boto3AccessKeySnippet(values), "boto3"),
    codeBlock("AWS CLI (a profile of its own)", cliAccessKeySnippet(values), "commands"),
    el("div", { class: "row end" }, el("button", { type: "button", class: "primary", onclick: () => close(true) }, "I have copied the secret")),
  );
}

/** Names the copy button of a `copyField` for what it copies: several "Copy" alike say nothing. */
function labelledCopy(field, label) {
  field.querySelector("button")?.setAttribute("aria-label", label);
  return field;
}
