// Sign-in providers in the developer console, in Chromium: a developer adds an OpenID Connect
// provider to an app (an http issuer refused beside its field in the server's words), sees it
// listed with its secret named but not shown and the redirect URI to register, adds Google (its
// name and endpoints the preset's), and deletes one. What the page shows is checked against the
// REST API with the console's token. Screenshots: tests/browser/screenshots/console-providers-*.png.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { skip, BASE, launch, newContext, until, screenshot, field, button, dialog, signUpDeveloper } from "./support.mjs";

let browser;

before(async () => {
  if (skip) return;
  browser = await launch();
});

after(async () => {
  await browser?.close();
});

/** The REST API with the console's token, from the page: {status, body}. */
const api = (p, path, init = {}) =>
  p.evaluate(async ([path, init]) => {
    const response = await window.AuthReturn.fetch(path, { ...init, headers: { "content-type": "application/json" } });
    return { status: response.status, body: await response.json().catch(() => null) };
  }, [path, init]);

test("a developer adds, reads and deletes an app's sign-in providers", { skip }, async () => {
  const context = await newContext(browser);
  const problems = [];
  context.on("page", (page) => {
    page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
    page.on("console", (m) => {
      if (m.type() === "error" && !/^Failed to load resource: the server responded with a status of \d+/.test(m.text())) problems.push(m.text());
    });
  });
  const p = await context.newPage();
  await signUpDeveloper(p, { tag: "providers" });
  const made = await api(p, "/api/apps", { method: "POST", body: JSON.stringify({ name: "Federated app" }) });
  assert.equal(made.status, 201, JSON.stringify(made));
  const app = made.body;
  const path = `/api/apps/${app.app_id}/identity-providers`;

  await p.goto(`${BASE}/console#/apps/${app.app_id}/providers`);
  assert.equal(await p.getByRole("link", { name: "Sign-in providers", exact: true }).getAttribute("aria-current"), "page");
  await p.getByText("No sign-in providers yet.").waitFor();

  // An OpenID Connect provider; plain http off loopback is refused beside the issuer.
  await p.getByRole("button", { name: "Add provider" }).first().click();
  await field(p, "Provider").selectOption("OIDC");
  await field(p, "Name").fill("Okta");
  await field(p, "Client ID").fill("okta-web");
  await field(p, "Client secret").fill("okta-s3cret");
  await field(p, "Issuer URL").fill("http://id.example.com");
  await button(p, "Add provider").click();
  const issuerError = dialog(p).locator('[data-error-for="oidc_issuer"]');
  await until(async () => (await issuerError.textContent()) !== "", { message: "the issuer's error" });
  assert.match(await issuerError.textContent(), /oidc_issuer must be an https URL/);
  assert.deepEqual((await api(p, path)).body.identity_providers, []);
  await field(p, "Issuer URL").fill("https://id.example.com");
  await screenshot(p, "console-providers-add");
  await button(p, "Add provider").click();
  const rows = p.locator("main table").first().locator("tbody tr");
  await until(async () => (await rows.count()) === 1, { message: "the provider listed" });
  assert.match(await rows.first().textContent(), /client_secret \(set\)/);
  assert.doesNotMatch(await p.locator("main").textContent(), /okta-s3cret/);
  await p.getByText(`${BASE}/oauth2/idpresponse`).first().waitFor();
  let stored = (await api(p, path)).body.identity_providers;
  assert.deepEqual(stored.map((x) => [x.name, x.type, x.details.oidc_issuer, x.secrets_set]), [["Okta", "OIDC", "https://id.example.com", ["client_secret"]]]);

  // Google: the preset's name and endpoints.
  await p.getByRole("button", { name: "Add provider" }).first().click();
  await field(p, "Provider").selectOption("Google");
  assert.equal(await field(p, "Name").isVisible(), false);
  await field(p, "Client ID").fill("1234.apps.googleusercontent.com");
  await field(p, "Client secret").fill("GOCSPX-secret");
  await button(p, "Add provider").click();
  await until(async () => (await rows.count()) === 2, { message: "Google listed" });
  await screenshot(p, "console-providers-list");
  stored = (await api(p, path)).body.identity_providers;
  assert.deepEqual(stored.map((x) => x.name), ["Google", "Okta"]);
  assert.equal(stored[0].details.oidc_issuer, "https://accounts.google.com");

  // Deleted after a confirmation.
  await p.getByRole("button", { name: "Delete Okta" }).click();
  await p.getByRole("dialog").getByRole("button", { name: "Delete provider" }).click();
  await until(async () => (await rows.count()) === 1, { message: "Okta gone" });
  assert.deepEqual((await api(p, path)).body.identity_providers.map((x) => x.name), ["Google"]);
  assert.deepEqual(problems, []);
  await context.close();
});
