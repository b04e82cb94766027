// Passkeys in the sign-in component and the hosted pages (issue 15), in Debian's Chromium with
// its virtual authenticator (support.mjs virtualAuthenticator) as the user's device. Browsers
// refuse IP addresses as relying-party ids: the test pages are on http://localhost:PORT and the
// apps' relying party is `localhost`.
//
// The component, on a page of another origin (an app of the shared server, made with the CLI,
// passkeys allowed from the page's origin): a user signs up, adds a passkey from <auth-header>'s
// "Sign-in & security" (the same device again is refused in words), signs out, signs in with
// "Sign in with a passkey" by keyboard alone, removes the passkey (asked first), and a passkey
// sign-in then ends calmly in "No passkey was used…". The hosted pages (a server of the test's
// own whose public URL is on localhost): a redirect sign-in with a passkey, redeemed at
// /oauth2/token. Screenshots (look at them): tests/browser/screenshots/passkeys-*.png.
// These tests name the user; the forms' passkey autofill, whose requests Chromium's virtual
// authenticator would answer at once, is held waiting (support.mjs watchPasskeyRequests) as a
// browser holds it until the user picks a passkey. passkeys-autofill.test.mjs tests the autofill.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import {
  PASSWORD, launch, newContext, startSite, openPage, uniqueEmail, codeFor, mailCount, cli, cliSkip, serverSkip,
  startServer, dialog, field, button, alert, header, deepActive, isSignedIn, until, screenshot, lowContrast,
  virtualAuthenticator, watchPasskeyRequests, hostedSessionCookies, confirmedUser, signInThroughModal,
} from "./support.mjs";

const skip = cliSkip || serverSkip;
let browser;
let site;
let app; // an app of the shared server with passkeys on for the site's origin

before(async () => {
  if (skip) return;
  browser = await launch();
  site = await startSite();
  app = await cli("apps", "create", "--name", "Harbor Keys");
  await cli("apps", "update", app.app_id, "--passkeys", "true", "--passkey-rp-id", "localhost", "--passkey-origin", site.origin);
});

after(async () => {
  await browser?.close();
  await site?.close();
});

const heading = (p, name) => dialog(p).getByRole("heading", { name, exact: true });
const status = (p) => dialog(p).getByRole("status");
const securityItem = (p) => p.locator("auth-header").getByRole("menuitem", { name: "Sign-in & security" });
/** The passkeys listed on "Sign-in & security": each one's name and when it was added. */
const listed = (p) =>
  dialog(p)
    .locator("section[aria-labelledby=ar-passkeys-title] .factor")
    .evaluateAll((rows) => rows.map((row) => row.textContent.replace(/\s+/g, " ").trim()));
/** Waits until the modal's entrance animation is over, for a screenshot. */
const settled = (p) => dialog(p).evaluate((el) => Promise.all(el.getAnimations().map((a) => a.finished)));
const textOf = async (locator) => ((await locator.textContent()) ?? "").trim();

async function openSecurity(p) {
  await header.menu(p).click();
  await securityItem(p).click();
  await heading(p, "Sign-in & security").waitFor();
}

test("component: a passkey added from the header signs the user in, and once removed no longer does", { skip }, async () => {
  const context = await newContext(browser, { viewport: { width: 1024, height: 900 }, colorScheme: "light" });
  const watch = await watchPasskeyRequests(context);
  const p = await openPage(context, site, { app: app.app_id });
  const authenticator = await virtualAuthenticator(p);
  await watch.hold(p);
  const errors = [];
  await p.evaluate(() => window.AuthReturn.on("error", (e) => (window.__errors ??= []).push(e.code)));

  // A new user signs up with a password; the sign-in form offers a passkey too.
  await header.signIn(p).click();
  assert.equal(await button(p, "Sign in with a passkey").isVisible(), true);
  await button(p, "Create an account").click();
  const email = uniqueEmail("passkey");
  await field(p, "Email").fill(email);
  await field(p, "Password").fill(PASSWORD);
  await button(p, "Create account").click();
  await field(p, "Confirmation code").fill(await codeFor(email));
  await button(p, "Confirm").click();
  await dialog(p).waitFor({ state: "hidden" });
  assert.equal(await isSignedIn(p), true);

  // The account menu now reads "Sign-in & security": no passkeys yet, no two-step section (MFA off).
  await header.menu(p).click();
  assert.deepEqual(await p.locator("auth-header").getByRole("menuitem").allTextContents(), ["Sign-in & security", "Sign out"]);
  await securityItem(p).click();
  await heading(p, "Sign-in & security").waitFor();
  assert.equal(await dialog(p).getByRole("heading", { name: "Passkeys", level: 3 }).isVisible(), true);
  assert.equal(await dialog(p).getByRole("heading", { name: "Two-step verification" }).count(), 0, "MFA is off for this app");
  assert.match(await dialog(p).textContent(), /No passkeys yet\./);

  // Add a passkey: the device now holds one, the list shows it with the day it was added.
  await button(p, "Add a passkey").click();
  await until(async () => (await textOf(status(p))) === "Passkey added: you can sign in with it now.", { message: "the passkey added" });
  assert.equal((await authenticator.credentials()).length, 1);
  const rows = await listed(p);
  assert.equal(rows.length, 1, JSON.stringify(rows));
  const today = new Date().toLocaleDateString("en-US", { year: "numeric", month: "short", day: "numeric" });
  assert.match(rows[0], new RegExp(`Added ${today}`), rows[0]);
  await settled(p);
  await screenshot(p, "passkeys-security");

  // The same device again: the browser refuses (the server excludes the user's passkeys).
  await button(p, "Add a passkey").click();
  await until(async () => (await textOf(alert(p))) === "This device already has a passkey for your account", { message: "the refusal" });
  assert.equal((await authenticator.credentials()).length, 1);
  assert.equal((await listed(p)).length, 1);
  await button(p, "Done").click();
  await dialog(p).waitFor({ state: "hidden" });

  await header.menu(p).click();
  await header.signOut(p).click();
  await header.signIn(p).waitFor();

  // Sign in with a passkey, by keyboard alone: the email typed, Tab to the passkey button, Enter.
  await header.signIn(p).focus();
  await p.keyboard.press("Enter");
  await heading(p, "Sign in to Harbor Keys").waitFor();
  assert.equal(await deepActive(p), "auth-return-modal > input[name=email]");
  await p.keyboard.type(email);
  await p.keyboard.press("Tab"); // the password
  await p.keyboard.press("Tab"); // "Sign in"
  await p.keyboard.press("Tab"); // "Sign in with a passkey"
  assert.equal(await deepActive(p), "auth-return-modal > button(Sign in with a passkey)");
  await settled(p);
  await screenshot(p, "passkeys-modal");
  await p.keyboard.press("Enter");
  await dialog(p).waitFor({ state: "hidden" });
  await until(() => isSignedIn(p), { message: "signed in with the passkey" });
  assert.equal(await textOf(header.email(p)), email, "the header shows the user");
  // Stored as the password sign-in stores it: the tokens of this user, refreshable.
  const saved = await p.evaluate((id) => JSON.parse(localStorage.getItem(`authreturn:${id}:session`)), app.app_id);
  assert.equal(saved.email, email);
  assert.ok(saved.refreshToken && saved.accessToken && saved.idToken);
  assert.equal(JSON.parse(Buffer.from(saved.idToken.split(".")[1], "base64url")).email, email);
  assert.ok(await p.evaluate(() => window.AuthReturn.getAccessToken()));

  // Remove it, asked first; the list is then empty.
  await openSecurity(p);
  const passkeyName = await dialog(p).locator(".factor-name").first().textContent();
  await dialog(p).getByRole("group", { name: passkeyName, exact: true }).getByRole("button", { name: "Remove", exact: true }).click();
  await heading(p, "Remove this passkey?").waitFor();
  await button(p, "Cancel").click();
  await heading(p, "Sign-in & security").waitFor();
  assert.equal((await listed(p)).length, 1, "Cancel removes nothing");
  await dialog(p).getByRole("button", { name: "Remove", exact: true }).click();
  await button(p, "Remove passkey").click();
  await until(async () => (await textOf(status(p))) === "Passkey removed.", { message: "the passkey removed" });
  assert.deepEqual(await listed(p), []);
  assert.match(await dialog(p).textContent(), /No passkeys yet\./);
  await button(p, "Done").click();
  await header.menu(p).click();
  await header.signOut(p).click();
  await header.signIn(p).waitFor();

  // The device still holds the credential, but the server no longer knows it. With the email
  // field empty, the browser offers it and the server refuses it, in words.
  await header.signIn(p).click();
  await button(p, "Sign in with a passkey").click();
  await until(async () => (await textOf(dialog(p).locator("#ar-alert"))) !== "", { message: "the refusal" });
  assert.equal(await textOf(alert(p)), "The passkey could not be verified.");
  assert.equal(await isSignedIn(p), false);
  // For the email typed, the server's options name none of the device's passkeys: no passkey is
  // used, said calmly (a status, no alert), and the user stays on the form.
  await field(p, "Email").fill(email);
  await button(p, "Sign in with a passkey").click();
  await until(async () => (await textOf(status(p))) === "No passkey was used. Try again, or sign in with your password.", {
    message: "the calm message",
  });
  assert.equal(await textOf(dialog(p).locator("#ar-alert")), "", "no alert");
  assert.equal(await isSignedIn(p), false);
  await screenshot(p, "passkeys-not-used");
  errors.push(...(await p.evaluate(() => window.__errors ?? [])));
  assert.ok(!errors.includes("PasskeyNotUsed"), `a cancelled ceremony is no error event: ${errors}`);
  await context.close();
});

test("component: with MFA on too, the page has the passkeys above two-step verification (dark)", { skip }, async () => {
  const both = await cli("apps", "create", "--name", "Harbor Both");
  await cli("apps", "update", both.app_id, "--mfa", "OPTIONAL", "--passkeys", "true", "--passkey-rp-id", "localhost", "--passkey-origin", site.origin);
  const email = await confirmedUser("passkey-mfa", { clientId: both.client_id });
  const context = await newContext(browser, { viewport: { width: 1024, height: 900 }, colorScheme: "dark" });
  const p = await openPage(context, site, { app: both.app_id });
  await virtualAuthenticator(p);
  await signInThroughModal(p, email);
  await openSecurity(p);
  const sections = await dialog(p).getByRole("heading", { level: 3 }).allTextContents();
  assert.deepEqual(sections, ["Passkeys", "Two-step verification"]);
  await button(p, "Add a passkey").click();
  await until(async () => (await listed(p)).length === 1, { message: "the passkey listed" });
  assert.match((await listed(p))[0], /^Passkey/);
  assert.equal(await dialog(p).locator(".factor-name", { hasText: "Authenticator app" }).count(), 1, "the factors are there too");
  await settled(p);
  await screenshot(p, "passkeys-security-with-mfa-dark");
  await context.close();
});

test("component: no passkey button where the app has passkeys off", { skip }, async () => {
  const context = await newContext(browser);
  const off = await cli("apps", "create", "--name", "No Keys");
  const p = await openPage(context, site, { app: off.app_id });
  await header.signIn(p).click();
  await heading(p, "Sign in to No Keys").waitFor();
  assert.equal(await button(p, "Sign in with a passkey").count(), 0);
  assert.equal(await p.evaluate(() => window.AuthReturn.securityFeatures()), null, "signed out");
  await context.close();
});

// ---------------------------------------------------------------------------------------------
// The hosted pages

const base64url = (bytes) => Buffer.from(bytes).toString("base64url");

/** Cognito's JSON protocol against `server`, from Node. */
async function cognitoAt(server, operation, body) {
  const response = await fetch(`${server.url}/`, {
    method: "POST",
    headers: { "content-type": "application/x-amz-json-1.1", "x-amz-target": `AWSCognitoIdentityProviderService.${operation}` },
    body: JSON.stringify(body),
  });
  const data = await response.json();
  assert.equal(response.status, 200, `${operation}: ${JSON.stringify(data)}`);
  return data;
}

/**
 * Registers a passkey for the holder of `accessToken` from the page `p` (on the server's
 * origin), as any app would: Start, navigator.credentials.create, Complete with toJSON().
 */
const registerPasskey = (p, accessToken) =>
  p.evaluate(async (token) => {
    const bin = (s) => Uint8Array.from(atob(s.replace(/-/g, "+").replace(/_/g, "/")), (c) => c.charCodeAt(0));
    const call = async (operation, body) => {
      const response = await fetch("/", {
        method: "POST",
        headers: { "content-type": "application/x-amz-json-1.1", "x-amz-target": `AWSCognitoIdentityProviderService.${operation}` },
        body: JSON.stringify(body),
      });
      const data = await response.json();
      if (!response.ok) throw new Error(`${operation}: ${JSON.stringify(data)}`);
      return data;
    };
    const { CredentialCreationOptions: o } = await call("StartWebAuthnRegistration", { AccessToken: token });
    const publicKey = {
      ...o,
      challenge: bin(o.challenge),
      user: { ...o.user, id: bin(o.user.id) },
      excludeCredentials: (o.excludeCredentials ?? []).map((c) => ({ ...c, id: bin(c.id) })),
    };
    const credential = await navigator.credentials.create({ publicKey });
    await call("CompleteWebAuthnRegistration", { AccessToken: token, Credential: credential.toJSON() });
  }, accessToken);

test("hosted pages: a redirect sign-in with a passkey, redeemed at /oauth2/token", { skip }, async () => {
  const server = await startServer([], { localhost: true });
  try {
    const hostedApp = JSON.parse(await server.cli("apps", "create", "--json", "--name", "Lantern Keys"));
    await server.cli("apps", "update", hostedApp.app_id, "--passkeys", "true", "--passkey-rp-id", "localhost", "--callback-url", `${site.origin}/`);
    // A confirmed user with a password, signed in through the API for an access token.
    const email = uniqueEmail("hosted-passkey");
    const mails = mailCount(email, server.outbox);
    await cognitoAt(server, "SignUp", { ClientId: hostedApp.client_id, Username: email, Password: PASSWORD, UserAttributes: [{ Name: "email", Value: email }] });
    const code = await codeFor(email, mails, server.outbox);
    await cognitoAt(server, "ConfirmSignUp", { ClientId: hostedApp.client_id, Username: email, ConfirmationCode: code });
    const signedIn = await cognitoAt(server, "InitiateAuth", {
      AuthFlow: "USER_PASSWORD_AUTH",
      ClientId: hostedApp.client_id,
      AuthParameters: { USERNAME: email, PASSWORD },
    });

    const context = await newContext(browser, { viewport: { width: 1024, height: 900 }, colorScheme: "light" });
    const watch = await watchPasskeyRequests(context);
    const p = await context.newPage();
    const authenticator = await virtualAuthenticator(p);
    // The sign-in page's autofill waits, in this tab, as a browser's does until the user picks a passkey.
    await p.goto(`${server.publicUrl}/healthz`);
    await watch.hold(p);
    const verifier = base64url(randomBytes(32));
    const state = base64url(randomBytes(16));
    const query = new URLSearchParams({
      response_type: "code",
      client_id: hostedApp.client_id,
      redirect_uri: `${site.origin}/`,
      state,
      code_challenge: base64url(createHash("sha256").update(verifier).digest()),
      code_challenge_method: "S256",
      scope: "openid email",
    });
    await p.goto(`${server.publicUrl}/oauth2/authorize?${query}`);
    const title = p.getByRole("heading", { level: 1, name: "Sign in to Lantern Keys", exact: true });
    await title.waitFor();
    await registerPasskey(p, signedIn.AuthenticationResult.AccessToken);
    assert.equal((await authenticator.credentials()).length, 1);

    // The sign-in page offers the passkey; the email typed, the button by keyboard.
    const passkeyButton = p.getByRole("button", { name: "Sign in with a passkey", exact: true });
    await passkeyButton.waitFor();
    await p.getByLabel("Email", { exact: true }).fill(email);
    assert.deepEqual(await lowContrast(p), []);
    await screenshot(p, "passkeys-hosted");
    await passkeyButton.focus();
    await p.keyboard.press("Enter");
    await p.waitForURL((url) => url.href.startsWith(`${site.origin}/?`), { timeout: 20_000 });
    assert.equal((await hostedSessionCookies(context, server.publicUrl)).length, 1, "the hosted session is set");

    const landed = new URL(p.url());
    assert.equal(landed.searchParams.get("state"), state);
    const response = await fetch(`${server.url}/oauth2/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({
        grant_type: "authorization_code",
        code: landed.searchParams.get("code"),
        redirect_uri: `${site.origin}/`,
        client_id: hostedApp.client_id,
        code_verifier: verifier,
      }),
    });
    const tokens = await response.json();
    assert.equal(response.status, 200, JSON.stringify(tokens));
    const claims = JSON.parse(Buffer.from(tokens.id_token.split(".")[1], "base64url").toString());
    assert.equal(claims.email, email);

    // Signed out of the hosted session, a wrong email's passkey sign-in ends calmly on the page.
    await context.clearCookies();
    await p.goto(`${server.publicUrl}/oauth2/authorize?${query}`);
    await title.waitFor();
    await p.getByLabel("Email", { exact: true }).fill(uniqueEmail("nobody"));
    await passkeyButton.click();
    await until(async () => (await textOf(p.getByRole("status"))) === "No passkey was used. Try again, or sign in with your password.", {
      message: "the calm message",
    });
    assert.equal(await textOf(p.locator("#hosted-alert")), "", "no alert");
    assert.equal(await title.isVisible(), true, "still on the sign-in page");
    await context.close();
  } catch (error) {
    server.fail();
    throw error;
  } finally {
    await server.stop();
  }
});
