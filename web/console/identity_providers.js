// An app's identity providers (`/api/apps/{id}/identity-providers`): "Continue with Google"
// and the like. Adding one (its secret taken, never shown again), seeing the redirect URI to
// register at the provider, and deleting one.

import { ApiError, rest } from "./api.js";
import { confirmDialog, openDialog } from "./dialog.js";
import { clearErrors, copyField, dataTable, el, emptyState, errorBox, fill, formField, loading, showFieldError, toast, when } from "./dom.js";
import { isExternal, providerWords } from "./provider.js";

const idpPath = (app) => `/api/apps/${encodeURIComponent(app.app_id)}/identity-providers`;

/** The kinds of provider, as the form offers them: type, words, and the name a preset must have. */
const IDP_KINDS = [
  ["Google", "Google", "Google"],
  ["SignInWithApple", "Sign in with Apple", "SignInWithApple"],
  ["GitHub", "GitHub", "GitHub"],
  ["OIDC", "Another OpenID Connect provider (Microsoft, Okta, Auth0, Keycloak…)", null],
];

/** Renders the sign-in providers tab of `app` into `box`. */
export function renderIdentityProviders(box, app) {
  if (isExternal(app)) {
    fill(box, emptyState("No sign-in providers here.", `This app's pool lives in ${providerWords(app)}; add its identity providers there.`));
    return;
  }
  const list = el("div", { class: "list-area" });
  const reload = () => loadIdentityProviders(list, app);
  fill(
    box,
    el("div", { class: "section-head" }, el("h2", { text: "Sign-in providers" }), el("button", { type: "button", class: "primary", onclick: () => identityProviderDialog(app, reload) }, "Add provider")),
    el("p", { class: "muted" }, "Users sign in with an account they have elsewhere: a “Continue with …” button on the hosted sign-in page and in the sign-in component, or identity_provider=NAME in an authorization request."),
    list,
  );
  reload();
}

async function loadIdentityProviders(list, app) {
  fill(list, loading("Loading sign-in providers…"));
  let providers;
  try {
    providers = (await rest(idpPath(app)))?.identity_providers ?? [];
  } catch (error) {
    fill(list, errorBox(error, "Could not list the sign-in providers"));
    return;
  }
  const reload = () => loadIdentityProviders(list, app);
  if (providers.length === 0) {
    fill(list, emptyState("No sign-in providers yet.", "Add Google, Apple or any OpenID Connect provider to let users sign in with their account there.", el("button", { type: "button", class: "primary", onclick: () => identityProviderDialog(app, reload) }, "Add provider")));
    return;
  }
  const remove = async (provider) => {
    const ok = await confirmDialog({ title: `Delete ${provider.name}?`, message: el("p", {}, "Users can no longer sign in through it. Their accounts stay."), confirmLabel: "Delete provider", danger: true });
    if (!ok) return;
    try {
      await rest(`${idpPath(app)}/${encodeURIComponent(provider.name)}`, { method: "DELETE" });
      toast("Provider deleted.");
      reload();
    } catch (error) {
      toast(`That failed: ${error.message}`, "error");
    }
  };
  fill(
    list,
    dataTable(
      "Sign-in providers",
      [
        ["Name", (p) => el("code", { class: "literal", text: p.name })],
        ["Type", (p) => p.type],
        ["Issuer", (p) => el("code", { class: "literal", text: p.details.oidc_issuer ?? "" })],
        ["Secrets", (p) => (p.secrets_set.length ? `${p.secrets_set.join(", ")} (set)` : el("span", { class: "muted", text: "none" }))],
        ["Added", (p) => when(p.created_at)],
        ["", (p) => el("button", { type: "button", class: "small-button danger", "aria-label": `Delete ${p.name}`, onclick: () => remove(p) }, "Delete")],
      ],
      providers,
    ),
    copyField("Redirect URI to register at each provider", providers[0].redirect_uri),
  );
}

/** Adds a provider: its kind, then the details that kind needs. */
function identityProviderDialog(app, done) {
  let changed = false;
  return openDialog("Add a sign-in provider", (close) => {
    const kind = el("select", {}, IDP_KINDS.map(([type, words]) => el("option", { value: type, text: words })));
    const name = el("input", { type: "text", autocomplete: "off", spellcheck: "false", placeholder: "Okta" });
    const clientId = el("input", { type: "text", autocomplete: "off", spellcheck: "false" });
    const clientSecret = el("input", { type: "password", autocomplete: "new-password" });
    const issuer = el("input", { type: "url", autocomplete: "off", spellcheck: "false", placeholder: "https://login.microsoftonline.com/TENANT/v2.0" });
    const scopes = el("input", { type: "text", autocomplete: "off", value: "openid email profile" });
    const teamId = el("input", { type: "text", autocomplete: "off" });
    const keyId = el("input", { type: "text", autocomplete: "off" });
    const privateKey = el("textarea", { rows: "5", spellcheck: "false", placeholder: "-----BEGIN PRIVATE KEY-----" });
    const rows = {
      name: formField({ label: "Name", control: name, field: "name", hint: "What identity_provider= names; 3 to 32 characters." }),
      clientId: formField({ label: "Client ID", control: clientId, field: "client_id", hint: "Apple: the Services ID." }),
      clientSecret: formField({ label: "Client secret", control: clientSecret, field: "client_secret", hint: "Sealed on the server; never shown again." }),
      issuer: formField({ label: "Issuer URL", control: issuer, field: "oidc_issuer", hint: "Its discovery document is read from ISSUER/.well-known/openid-configuration." }),
      scopes: formField({ label: "Scopes", control: scopes, field: "authorize_scopes" }),
      teamId: formField({ label: "Team ID", control: teamId, field: "team_id" }),
      keyId: formField({ label: "Key ID", control: keyId, field: "key_id" }),
      privateKey: formField({ label: "Private key (.p8)", control: privateKey, field: "private_key", hint: "Sealed on the server; never shown again." }),
    };
    const shown = {
      Google: ["clientId", "clientSecret", "scopes"],
      SignInWithApple: ["clientId", "teamId", "keyId", "privateKey", "scopes"],
      GitHub: ["clientId", "clientSecret", "scopes"],
      OIDC: ["name", "clientId", "clientSecret", "issuer", "scopes"],
    };
    const defaultScopes = { SignInWithApple: "email name", GitHub: "read:user user:email" };
    const showFor = () => {
      for (const [key, row] of Object.entries(rows)) row.hidden = !shown[kind.value].includes(key);
      // A default the developer has not changed follows the kind.
      if (["openid email profile", ...Object.values(defaultScopes)].includes(scopes.value)) scopes.value = defaultScopes[kind.value] ?? "openid email profile";
    };
    kind.addEventListener("change", showFor);
    const alert = el("div", { class: "form-alert", role: "alert" });
    const submit = el("button", { type: "submit", class: "primary" }, "Add provider");
    const form = el(
      "form",
      { class: "stack", novalidate: true },
      formField({ label: "Provider", control: kind, field: "type" }),
      Object.values(rows),
      alert,
      el("div", { class: "row end" }, el("button", { type: "button", onclick: () => close(null) }, "Cancel"), submit),
    );
    showFor();
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      clearErrors(form);
      alert.textContent = "";
      const type = kind.value;
      const preset = IDP_KINDS.find(([t]) => t === type)[2];
      const details = { client_id: clientId.value.trim() };
      if (shown[type].includes("clientSecret") && clientSecret.value) details.client_secret = clientSecret.value;
      if (shown[type].includes("issuer")) details.oidc_issuer = issuer.value.trim();
      if (scopes.value.trim()) details.authorize_scopes = scopes.value.trim();
      if (type === "SignInWithApple") {
        details.team_id = teamId.value.trim();
        details.key_id = keyId.value.trim();
        details.private_key = privateKey.value.trim();
      }
      const request = { name: preset ?? name.value.trim(), type, details, attribute_mapping: { email: "email" } };
      submit.disabled = true;
      try {
        await rest(idpPath(app), { method: "POST", body: request });
        changed = true;
        toast(`${request.name} added: register the redirect URI at the provider.`);
        close(true);
      } catch (error) {
        const member = /ProviderDetails (?:needs )?(\w+)/.exec(error.message)?.[1] ?? (/ProviderName/.test(error.message) ? "name" : null);
        const placed = error instanceof ApiError && error.fields.some((f) => showFieldError(form, f.field, f.message));
        if (!placed && member) showFieldError(form, member, error.message);
        alert.textContent = error.message;
        submit.disabled = false;
      }
    });
    return form;
  }, { wide: true }).then(() => changed && done());
}
