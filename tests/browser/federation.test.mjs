// Sign-in through an identity provider (issue 19) in Chromium, with a certified OpenID Provider
// as the upstream: the npm package oidc-provider, run here on its own origin with a confidential
// client (client_secret_basic) whose redirect URI is our /oauth2/idpresponse. The app's
// authorization request names the provider (identity_provider=Okta); the browser goes to the
// provider's own login and consent pages, comes back through /oauth2/idpresponse and lands on
// the app's callback with a code, which the token endpoint redeems (PKCE). The first sign-in
// makes the pool's user (cognito:username Okta_<sub>, the identities claim, the email from the
// provider's userinfo), the second — in a fresh browser, through the provider's login again —
// finds the same user. A provider nobody answers for is a clear page, not a stack of redirects.
// The same through the button our sign-in page shows for the provider. The provider and the app
// are set up with the CLI (identity-providers add), as an operator would.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { createHash, randomBytes } from "node:crypto";
import {
  serverSkip as skip,
  launch,
  newContext,
  startServer,
  startOidcProvider,
  signInAtOidcProvider,
  request,
  screenshot,
} from "./support.mjs";

let server; // the test's own Auth Return, at http://localhost:PORT
let browser;
let idp; // oidc-provider
let site; // the app's callback
let app; // apps create --json

before(async () => {
  if (skip) return;
  // The provider runs on loopback: the server may call private addresses.
  server = await startServer(["--webhooks-allow-private"], { localhost: true });
  browser = await launch();
  site = await startCallbackSite();
  idp = await startOidcProvider(`${server.publicUrl}/oauth2/idpresponse`);
  app = JSON.parse(await server.cli("apps", "create", "--json", "--name", "Federated Shop"));
  await server.cli("apps", "update", app.app_id, "--patch", JSON.stringify({ oauth: { callback_urls: [site.callback, site.componentPage] } }));
  await server.cli(
    "identity-providers", "add", "--app", app.app_id, "--name", "Okta", "--type", "OIDC",
    "--detail", "client_id=shop-web", "--detail", "client_secret=s3cret-of-the-shop",
    "--detail", "authorize_scopes=openid email profile", "--detail", `oidc_issuer=${idp.issuer}`,
    "--map", "email=email", "--map", "name=name",
  );
});

after(async () => {
  await browser?.close();
  await site?.close();
  await idp?.close();
  await server?.stop();
});

/** The app's site: its callback page, and `/app`, a page with the sign-in component. */
async function startCallbackSite() {
  const http = createServer((req, res) => {
    res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
    if (new URL(req.url, "http://localhost").pathname === "/app") {
      const appId = String(app?.app_id ?? "").replace(/[^\w]/g, "");
      return res.end(`<!doctype html><html lang="en"><title>The app</title><h1>The app</h1>
<script src="${server.publicUrl}/auth_component.js" data-app-id="${appId}"></script></html>`);
    }
    res.end(`<!doctype html><html lang="en"><title>The app</title><h1>The app</h1></html>`);
  });
  await new Promise((resolve) => http.listen(0, "127.0.0.1", resolve));
  const origin = `http://localhost:${http.address().port}`;
  return { callback: `${origin}/cb`, componentPage: `${origin}/app`, close: () => new Promise((resolve) => http.close(resolve)) };
}

const base64url = (bytes) => Buffer.from(bytes).toString("base64url");

/** A sign-in through the provider in a fresh browser as `login`: the ID token's claims. With
 * `viaButton`, the app's request names no provider and the user picks it on our sign-in page. */
async function signInThroughProvider(login, { viaButton = false } = {}) {
  const context = await newContext(browser);
  try {
    const p = await context.newPage();
    const verifier = base64url(randomBytes(32));
    const challenge = base64url(createHash("sha256").update(verifier).digest());
    const authorize = new URL(`${server.publicUrl}/oauth2/authorize`);
    for (const [k, v] of Object.entries({
      response_type: "code", client_id: app.client_id, redirect_uri: site.callback, scope: "openid email profile",
      state: "st-fed", code_challenge: challenge, code_challenge_method: "S256",
      ...(viaButton ? {} : { identity_provider: "Okta" }),
    })) authorize.searchParams.set(k, v);
    await p.goto(authorize.href);
    if (viaButton) {
      await p.waitForURL(`${server.publicUrl}/login?**`);
      const button = p.getByRole("link", { name: "Continue with Okta" });
      await button.waitFor();
      await screenshot(p, "federation-login-button");
      await button.click();
    }
    await signInAtOidcProvider(p, idp, login);
    await p.waitForURL((url) => url.href.startsWith(site.callback), { timeout: 15_000 });
    const back = new URL(p.url());
    assert.equal(back.searchParams.get("state"), "st-fed");
    const code = back.searchParams.get("code");
    assert.ok(code, p.url());
    const form = new URLSearchParams({
      grant_type: "authorization_code", client_id: app.client_id, code, redirect_uri: site.callback, code_verifier: verifier,
    });
    const tokens = await request(`${server.url}/oauth2/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: form.toString(),
    });
    assert.equal(tokens.status, 200, tokens.text);
    return JSON.parse(Buffer.from(tokens.json.id_token.split(".")[1], "base64url").toString("utf8"));
  } finally {
    await context.close();
  }
}

test("the first sign-in through the provider makes the user, the next finds it", { skip }, async () => {
  const first = await signInThroughProvider("grace");
  assert.equal(first["cognito:username"], "Okta_grace");
  assert.equal(first.email, "grace@example.com");
  assert.equal(first.email_verified, true);
  assert.equal(first.name, "Ada grace");
  assert.equal(first.aud, app.client_id);
  assert.deepEqual(
    first.identities.map(({ userId, providerName, providerType, primary }) => ({ userId, providerName, providerType, primary })),
    [{ userId: "grace", providerName: "Okta", providerType: "OIDC", primary: "true" }],
  );
  const second = await signInThroughProvider("grace");
  assert.equal(second.sub, first.sub, "the same pool user");
  const other = await signInThroughProvider("linus");
  assert.notEqual(other.sub, first.sub);
  assert.equal(other["cognito:username"], "Okta_linus");
  assert.equal(idp.logins.length, 3, "each sign-in went through the provider");
});

test("the sign-in page's button goes through the provider and back to the app", { skip }, async () => {
  const claims = await signInThroughProvider("grace", { viaButton: true });
  assert.equal(claims["cognito:username"], "Okta_grace");
});

test("the component's button leaves for the provider and signs in on the page it came back to", { skip }, async () => {
  const context = await newContext(browser);
  try {
    const p = await context.newPage();
    await p.goto(site.componentPage);
    await p.waitForFunction(() => window.AuthReturn !== undefined);
    await p.evaluate(() => window.AuthReturn.ready);
    assert.deepEqual(await p.evaluate(() => window.AuthReturn.identityProviders()), [{ name: "Okta", type: "OIDC" }]);
    await p.evaluate(() => void window.AuthReturn.signIn());
    const button = p.getByRole("dialog").getByRole("button", { name: "Continue with Okta" });
    await button.waitFor();
    await screenshot(p, "federation-component-button");
    await button.click();
    await signInAtOidcProvider(p, idp, "margaret");
    await p.waitForURL((url) => url.href.startsWith(site.componentPage));
    await p.waitForFunction(() => window.AuthReturn?.isSignedIn(), null, { timeout: 15_000 });
    const user = await p.evaluate(() => window.AuthReturn.getUser());
    assert.equal(user["cognito:username"], "Okta_margaret");
    assert.equal(user.email, "margaret@example.com");
    // The code and state are out of the address bar; the tokens work against the user-pool API.
    assert.equal(p.url(), site.componentPage);
    const access = await p.evaluate(() => window.AuthReturn.getAccessToken());
    const me = await request(`${server.url}/`, {
      method: "POST",
      headers: { "content-type": "application/x-amz-json-1.1", "x-amz-target": "AWSCognitoIdentityProviderService.GetUser" },
      body: JSON.stringify({ AccessToken: access }),
    });
    assert.equal(me.status, 200, me.text);
    assert.equal(me.json.Username, "Okta_margaret");
  } finally {
    await context.close();
  }
});

test("a provider nobody answers for is a clear page", { skip }, async () => {
  const down = JSON.parse(await server.cli("apps", "create", "--json", "--name", "Down Shop"));
  await server.cli("apps", "update", down.app_id, "--patch", JSON.stringify({ oauth: { callback_urls: [site.callback] } }));
  await server.cli(
    "identity-providers", "add", "--app", down.app_id, "--name", "Gone", "--type", "OIDC",
    "--detail", "client_id=x", "--detail", "authorize_scopes=openid", "--detail", "oidc_issuer=http://127.0.0.1:9",
  );
  const context = await newContext(browser);
  const p = await context.newPage();
  const authorize = new URL(`${server.publicUrl}/oauth2/authorize`);
  for (const [k, v] of Object.entries({
    response_type: "code", client_id: down.client_id, redirect_uri: site.callback, scope: "openid",
    code_challenge: base64url(randomBytes(32)), code_challenge_method: "S256", identity_provider: "Gone",
  })) authorize.searchParams.set(k, v);
  const response = await p.goto(authorize.href);
  assert.equal(response.status(), 400);
  assert.match(await p.locator("body").innerText(), /Gone could not be reached to sign you in/);
  await context.close();
});
