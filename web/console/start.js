// An app's "Get started" page: its ids, and the README's code for each client library and for
// verifying tokens, filled with those ids and this server's public URL, ready to copy.

import { codeBlock, copyField, el } from "./dom.js";
import { isExternal, providerWords } from "./provider.js";
import { snippet, snippetValues } from "./snippets.js";

const quoted = (text) => JSON.stringify(String(text));

/** Renders the Get started tab of `app` into `box`. */
export function renderStart(box, app) {
  const v = snippetValues(app);
  const external = isExternal(app);
  const section = (title, intro, ...blocks) =>
    el("section", { class: "card" }, el("h2", { text: title }), intro ? el("p", { class: "muted" }, intro) : null, blocks);
  box.append(
    section(
      "Your app's values",
      external
        ? `The pool is in ${providerWords(app)}: clients sign users in at its endpoint and your backends verify the tokens it signs. The components and the config still come from this server, which hands them the pool's values.`
        : null,
      el(
        "div",
        { class: "fields" },
        copyField("App id", app.app_id),
        copyField("User pool id", app.user_pool_id),
        copyField("Client id", app.client_id),
        external ? copyField("Region", app.region) : null,
        copyField(external ? `${providerWords(app)} endpoint` : "Endpoint", v.ENDPOINT),
        external ? copyField("Auth Return", v.SERVER) : null,
        copyField("Issuer", app.issuer),
        copyField("JWKS", app.jwks_uri),
      ),
      el(
        "p",
        {},
        el("a", { href: `/demo/${encodeURIComponent(app.app_id)}`, class: "button-link" }, "Open the demo page"),
        " A ready page with the sign-in dialog and a protected call, to try sign-up and sign-in now.",
      ),
    ),
    section(
      "One script tag: the sign-in component",
      "Any page, on any origin: a sign-up / sign-in dialog, password reset, token storage and refresh, and a signed-in header.",
      codeBlock("HTML", snippet("script-tags.html", v), "HTML"),
      codeBlock("Then, in your script", snippet("component-api.js", v), "JS"),
    ),
    section(
      "amazon-cognito-identity-js",
      null,
      codeBlock("JavaScript", snippet("identity-js.js", v), "JS"),
    ),
    section("Amplify v6", null, codeBlock("JavaScript", snippet("amplify.js", v), "JS")),
    section(
      "Python: pycognito and boto3",
      null,
      codeBlock("pycognito (SRP)", snippet("pycognito.py", v), "Python"),
      codeBlock("boto3", snippet("boto3.py", v), "Python"),
    ),
    section(
      "Verify tokens in your backend",
      "Check the signature against your app's JWKS, the issuer, token_use, and the audience (ID tokens) or client_id (access tokens). Your app's values first, then the verifier from the guide.",
      el("h3", { text: "Rust: auth-return-verify" }),
      codeBlock("Cargo.toml", snippet("verify-rust.toml", v), "TOML"),
      codeBlock("Your app's values", `let issuer = ${quoted(app.issuer)};\nlet client_id = ${quoted(app.client_id)};`, "Rust"),
      codeBlock("Rust", snippet("verify-rust.rs", v), "Rust"),
      el("h3", { text: "Node: jose" }),
      codeBlock("JavaScript", `${snippet("jose-import.js", v)}\n${snippet("jose.js", v)}`, "JS"),
      codeBlock("Your app's values", `const { verifyIdToken, verifyAccessToken } = joseVerifiers(\n  ${quoted(app.issuer)},\n  ${quoted(app.client_id)},\n);`, "JS"),
      el("h3", { text: "Python: PyJWT" }),
      codeBlock("Python", `${snippet("pyjwt-import.py", v)}\n${snippet("pyjwt.py", v)}`, "Python"),
      codeBlock("Your app's values", `verify_id_token, verify_access_token = pyjwt_verifiers(\n    ${quoted(app.issuer)},\n    ${quoted(app.client_id)},\n)`, "Python"),
      el("p", {}, "More in the ", el("a", { href: "/docs#verifying-tokens-in-your-backend" }, "integration guide"), "."),
    ),
  );
}
