// Multi-factor sign-in in Debian's Chromium (issue 15), with apps of the test's own made by the
// CLI: MFA OPTIONAL with codes by email offered, and MFA ON. In the component, on a page of
// another origin: a user signs up, sets up an authenticator app from <auth-header>'s "Two-step
// verification" (the key read from the page, its code computed here), signs out, and the next
// sign-in asks for the code (a wrong one is shown and the user stays; the right one signs in);
// codes by email turned on from the same menu and made the default, and the choice between the two
// (SELECT_MFA_TYPE); under MFA ON a new user is walked through the setup (MFA_SETUP) by keyboard
// alone, or chooses codes by email where the app offers them. On the hosted pages: a redirect
// sign-in with an authenticator code, one that sets an app up first, and one that sets up
// codes by email. Screenshots (look at them): tests/browser/screenshots/mfa-*.png and
// hosted-mfa-*.png.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import {
  BASE, PASSWORD, launch, newContext, startSite, openPage, uniqueEmail, codeFor, mailCount, cli, cliSkip,
  cognito, confirmedUser, setUpAuthenticatorApp, totp, dialog, field, button, alert, header, deepActive,
  isSignedIn, until, screenshot, lowContrast,
} from "./support.mjs";

const skip = cliSkip;
let browser;
let site;
let optional; // MFA OPTIONAL, codes by email offered
let required; // MFA ON
let requiredWithEmail; // MFA ON, codes by email offered

before(async () => {
  if (skip) return;
  browser = await launch();
  site = await startSite();
  optional = await cli("apps", "create", "--name", "Harbor Notes");
  await cli("apps", "update", optional.app_id, "--mfa", "OPTIONAL", "--patch", '{"mfa": {"email_otp": true}}', "--callback-url", `${site.origin}/`);
  required = await cli("apps", "create", "--name", "Vault Keeper");
  await cli("apps", "update", required.app_id, "--mfa", "ON", "--callback-url", `${site.origin}/`);
  requiredWithEmail = await cli("apps", "create", "--name", "Lantern Mail");
  await cli("apps", "update", requiredWithEmail.app_id, "--mfa", "ON", "--patch", '{"mfa": {"email_otp": true}}', "--callback-url", `${site.origin}/`);
});

after(async () => {
  await browser?.close();
  await site?.close();
});

// ---------------------------------------------------------------------------------------------
// The modal's second-factor screens, as a user sees them

const mfaItem = (p) => p.locator("auth-header").getByRole("menuitem", { name: "Two-step verification" });
const heading = (p, name) => dialog(p).getByRole("heading", { name, exact: true });
const codeInput = (p) => field(p, "6-digit code");
const wrongCode = (right) => (right === "000000" ? "111111" : "000000");
/** The authenticator app's code one time step ahead: the step a setup used is spent. */
const nextCode = (secret) => totp(secret, { time: Date.now() / 1000 + 30 });

/** The key shown on the setup screen, as a person reads it: groups of four. */
async function keyOnScreen(scope) {
  const text = await scope.locator(".secret").textContent();
  assert.match(text, /^[A-Z2-7]{4}( [A-Z2-7]{4}){7}$/, "a 160-bit key in eight groups of four");
  return text.replace(/\s+/g, "");
}

/** Waits until the QR code is drawn: an SVG from POST /qr, shown as an image. */
async function qrShown(scope) {
  const qr = scope.locator("img.qr");
  await until(() => qr.evaluate((img) => img.complete && img.naturalWidth > 0 && !img.hidden), { message: "the QR code" });
  assert.match(await qr.getAttribute("src"), /^data:image\/svg\+xml,/);
  assert.match(await qr.getAttribute("alt"), /QR code/);
}

/** Waits until the modal's entrance animation is over, for a screenshot. */
const settled = (p) => dialog(p).evaluate((el) => Promise.all(el.getAnimations().map((a) => a.finished)));

/** Every request of the page to the server: the key must never be in a URL. */
function requestsOf(p) {
  const seen = [];
  p.on("request", (request) => seen.push({ url: request.url(), method: request.method(), body: request.postData() }));
  return seen;
}

async function signOut(p) {
  await header.menu(p).click();
  await header.signOut(p).click();
  await header.signIn(p).waitFor();
}

async function signInUntilCode(p, email) {
  await header.signIn(p).click();
  await field(p, "Email").fill(email);
  await field(p, "Password").fill(PASSWORD);
  await button(p, "Sign in").click();
}

/** A button of one factor's group on "Two-step verification". */
const factorButton = (p, factor, name) => dialog(p).getByRole("group", { name: factor, exact: true }).getByRole("button", { name, exact: true });

/** The factors on "Two-step verification": each row's name and state. */
const factorStates = (p) =>
  dialog(p).locator(".factor").evaluateAll((rows) => rows.map((row) => `${row.querySelector(".factor-name").textContent}: ${row.querySelector(".factor-state").textContent}`));

let enrolled; // {email, secret}: the user of the first test, with an authenticator app

test("a user sets up an authenticator app from the header's menu; the next sign-in asks for its code", { skip }, async () => {
  const context = await newContext(browser, { viewport: { width: 1024, height: 900 }, colorScheme: "light" });
  const p = await openPage(context, site, { app: optional.app_id });
  const requests = requestsOf(p);

  // Signed out, the menu has no such item; a new user signs up through the component.
  await header.signIn(p).click();
  await button(p, "Create an account").click();
  const email = uniqueEmail("mfa");
  await field(p, "Email").fill(email);
  await field(p, "Password").fill(PASSWORD);
  await button(p, "Create account").click();
  await field(p, "Confirmation code").fill(await codeFor(email));
  await button(p, "Confirm").click();
  await dialog(p).waitFor({ state: "hidden" });
  assert.equal(await isSignedIn(p), true, "no code asked before a factor is on (MFA optional)");

  // The account menu: "Two-step verification" before "Sign out".
  await header.menu(p).click();
  assert.deepEqual(await p.locator("auth-header").getByRole("menuitem").allTextContents(), ["Two-step verification", "Sign out"]);
  assert.equal(await deepActive(p), "auth-header > button(Two-step verification)");
  await screenshot(p, "mfa-header-menu");
  await mfaItem(p).click();
  await heading(p, "Two-step verification").waitFor();
  assert.deepEqual(await factorStates(p), ["Authenticator app: Off", "Codes by email: Off"]);
  await settled(p);
  await screenshot(p, "mfa-security-off");

  // Set up: the QR code of the key, the key as text, then a first code.
  await factorButton(p, "Authenticator app", "Set up").click();
  await heading(p, "Set up an authenticator app").waitFor();
  await qrShown(dialog(p));
  const secret = await keyOnScreen(dialog(p));
  const uri = `otpauth://totp/Harbor%20Notes:${encodeURIComponent(email)}?secret=${secret}&issuer=Harbor%20Notes`;
  assert.equal(await dialog(p).getByRole("link", { name: "Open the key in your authenticator app" }).getAttribute("href"), uri);
  assert.equal(await deepActive(p), "auth-return-modal > input[name=mfaCode]", "the focus is on the code");
  assert.equal(await codeInput(p).getAttribute("inputmode"), "numeric");
  assert.equal(await codeInput(p).getAttribute("autocomplete"), "one-time-code");
  await settled(p);
  await screenshot(p, "mfa-setup-qr");
  // The key reached the server in a body only (POST /qr), never in a URL.
  const qrPosts = requests.filter((r) => r.url === `${BASE}/qr`);
  assert.equal(qrPosts.length, 1);
  assert.equal(qrPosts[0].method, "POST");
  assert.equal(JSON.parse(qrPosts[0].body).text, uri);
  assert.deepEqual(requests.filter((r) => r.url.includes(secret)), []);

  await codeInput(p).fill(wrongCode(totp(secret)));
  await button(p, "Turn on").click();
  await until(async () => (await alert(p).textContent()) === "That code is not right", { message: "the wrong code's message" });
  assert.equal(await deepActive(p), "auth-return-modal > input[name=mfaCode]", "back on the code to retry");
  await codeInput(p).fill(totp(secret));
  await button(p, "Turn on").click();
  await dialog(p).getByRole("status").filter({ hasText: "Your authenticator app is on" }).waitFor();
  assert.deepEqual(await factorStates(p), ["Authenticator app: On", "Codes by email: Off"]);
  await settled(p);
  await screenshot(p, "mfa-security-on");
  await button(p, "Done").click();
  await dialog(p).waitFor({ state: "hidden" });
  assert.equal(await isSignedIn(p), true);
  await signOut(p);

  // Signing in asks for the code, with the field focused; a wrong code is said and the user stays.
  await signInUntilCode(p, email);
  await heading(p, "Two-step verification").waitFor();
  assert.match(await dialog(p).textContent(), /Enter the 6-digit code your authenticator app shows/);
  assert.match(await dialog(p).textContent(), /Lost your phone\? Ask Harbor Notes’s support/);
  assert.equal(await deepActive(p), "auth-return-modal > input[name=mfaCode]");
  assert.equal(await isSignedIn(p), false);
  await settled(p);
  await screenshot(p, "mfa-code-prompt");
  await codeInput(p).fill(wrongCode(nextCode(secret)));
  await button(p, "Verify").click();
  await until(async () => (await alert(p).textContent()) === "That code is not right", { message: "the wrong code's message" });
  await settled(p);
  await screenshot(p, "mfa-code-wrong");
  assert.equal(await heading(p, "Two-step verification").isVisible(), true, "still asked for the code");
  assert.equal(await isSignedIn(p), false);
  await codeInput(p).fill(nextCode(secret));
  await button(p, "Verify").click();
  await dialog(p).waitFor({ state: "hidden" });
  await until(() => isSignedIn(p), { message: "signed in with the code" });
  assert.equal(await header.email(p).textContent(), email);
  enrolled = { email, secret, context, p };
});

test("codes by email: turned on from the menu, made the default; with both and no preference, the user chooses", { skip }, async () => {
  assert.ok(enrolled, "needs the user of the first test");
  const { email, p } = enrolled;
  await header.menu(p).click();
  await mfaItem(p).click();
  await heading(p, "Two-step verification").waitFor();
  await factorButton(p, "Codes by email", "Turn on").click();
  await dialog(p).getByRole("status").filter({ hasText: "Codes by email are on" }).waitFor();
  assert.deepEqual(await factorStates(p), ["Authenticator app: On · default", "Codes by email: On"]);
  await factorButton(p, "Codes by email", "Make default").click();
  await dialog(p).getByRole("status").filter({ hasText: "Sign-in now asks for a code by email." }).waitFor();
  assert.deepEqual(await factorStates(p), ["Authenticator app: On", "Codes by email: On · default"]);
  await settled(p);
  await screenshot(p, "mfa-security-both");
  await button(p, "Done").click();
  await signOut(p);

  // The code goes by mail, and the screen says where.
  let mails = mailCount(email);
  await signInUntilCode(p, email);
  await heading(p, "Two-step verification").waitFor();
  assert.match(await dialog(p).textContent(), /We emailed a 6-digit code to b\*\*\*@e\*\*\*\. It works for 3 minutes\./);
  assert.equal(await deepActive(p), "auth-return-modal > input[name=mfaCode]");
  await settled(p);
  await screenshot(p, "mfa-email-code");
  // "Send a new code" signs in again for a fresh one; the first is then void.
  await button(p, "Send a new code").click();
  await dialog(p).getByRole("status").filter({ hasText: "We sent a new code." }).waitFor();
  const code = await codeFor(email, mails + 1);
  mails = mailCount(email);
  assert.ok(mails >= 2);
  await codeInput(p).fill(code);
  await button(p, "Verify").click();
  await dialog(p).waitFor({ state: "hidden" });
  await until(() => isSignedIn(p), { message: "signed in with the mailed code" });

  // No preference (as Amplify leaves it): the user chooses, by keyboard.
  const access = await p.evaluate(() => window.AuthReturn.getAccessToken());
  await cognito("SetUserMFAPreference", { AccessToken: access, EmailMfaSettings: { Enabled: true, PreferredMfa: false } });
  await signOut(p);
  await signInUntilCode(p, email);
  await dialog(p).getByRole("group", { name: "How do you want to get your code?" }).waitFor();
  assert.equal(await deepActive(p), "auth-return-modal > input[name=factor]", "the focus is on the first choice");
  assert.equal(await dialog(p).getByRole("radio", { name: "Authenticator app" }).isChecked(), true);
  await settled(p);
  await screenshot(p, "mfa-select");
  await p.keyboard.press("ArrowDown");
  assert.equal(await dialog(p).getByRole("radio", { name: "Email" }).isChecked(), true);
  await p.keyboard.press("Enter");
  await dialog(p).getByText(/We emailed a 6-digit code to/).waitFor();
  await p.keyboard.type(await codeFor(email, mails));
  await p.keyboard.press("Enter");
  await dialog(p).waitFor({ state: "hidden" });
  await until(() => isSignedIn(p), { message: "signed in after choosing email" });

  // Both turned off again (MFA optional): the app after a confirmation, then the email codes.
  await header.menu(p).click();
  await mfaItem(p).click();
  await factorButton(p, "Authenticator app", "Turn off").click();
  await heading(p, "Turn off your authenticator app?").waitFor();
  assert.match(await dialog(p).textContent(), /Sign-in will ask for a code by email instead/);
  await button(p, "Turn off").click();
  await dialog(p).getByRole("status").filter({ hasText: "Your authenticator app is off." }).waitFor();
  assert.deepEqual(await factorStates(p), ["Authenticator app: Off", "Codes by email: On"]);
  await factorButton(p, "Codes by email", "Turn off").click();
  await dialog(p).getByRole("status").filter({ hasText: "Codes by email are off." }).waitFor();
  assert.deepEqual(await factorStates(p), ["Authenticator app: Off", "Codes by email: Off"]);
  await button(p, "Done").click();
  await signOut(p);
  await signInUntilCode(p, email);
  await dialog(p).waitFor({ state: "hidden" });
  await until(() => isSignedIn(p), { message: "signed in with the password alone" });
  await enrolled.context.close();
});

test("MFA ON: a new user is walked through setting up an authenticator app, by keyboard alone", { skip }, async () => {
  const context = await newContext(browser, { viewport: { width: 1024, height: 900 }, colorScheme: "dark" });
  const p = await openPage(context, site, { app: required.app_id });
  await header.signIn(p).focus();
  await p.keyboard.press("Enter");
  await field(p, "Email").waitFor();
  // From the email, back past the close button, round to the last link: "Create an account".
  await p.keyboard.press("Shift+Tab");
  await p.keyboard.press("Shift+Tab");
  assert.equal(await deepActive(p), "auth-return-modal > button(Create an account)");
  await p.keyboard.press("Enter");
  const email = uniqueEmail("mfa-on");
  await p.keyboard.type(email);
  await p.keyboard.press("Tab");
  await p.keyboard.type(PASSWORD);
  await p.keyboard.press("Enter");
  await field(p, "Confirmation code").waitFor();
  await p.keyboard.type(await codeFor(email));
  await p.keyboard.press("Enter");

  // Straight from the confirmation, the required setup: the QR code, the key, the code.
  await heading(p, "Set up an authenticator app").waitFor();
  assert.match(await dialog(p).textContent(), /Vault Keeper asks for a code from an authenticator app each time you sign in\./);
  await qrShown(dialog(p));
  const secret = await keyOnScreen(dialog(p));
  assert.equal(await deepActive(p), "auth-return-modal > input[name=mfaCode]");
  await settled(p);
  await screenshot(p, "mfa-required-setup-dark");
  await p.keyboard.type(wrongCode(totp(secret)));
  await p.keyboard.press("Enter");
  await until(async () => (await alert(p).textContent()) === "That code is not right", { message: "the wrong code's message" });
  assert.equal(await isSignedIn(p), false);
  assert.equal(await deepActive(p), "auth-return-modal > input[name=mfaCode]");
  await p.keyboard.press("Control+A");
  await p.keyboard.type(totp(secret));
  await p.keyboard.press("Enter");
  await dialog(p).waitFor({ state: "hidden" });
  await until(() => isSignedIn(p), { message: "signed in after the setup" });
  assert.equal(await header.email(p).textContent(), email);

  // Required: the authenticator app, the one factor, cannot be turned off, only set up again.
  await header.menu(p).click();
  await p.keyboard.press("ArrowDown");
  assert.equal(await deepActive(p), "auth-header > button(Sign out)", "arrows move between the items");
  await p.keyboard.press("ArrowUp");
  assert.equal(await deepActive(p), "auth-header > button(Two-step verification)");
  await p.keyboard.press("Enter");
  await heading(p, "Two-step verification").waitFor();
  assert.deepEqual(await factorStates(p), ["Authenticator app: On"]);
  assert.deepEqual(await dialog(p).getByRole("group", { name: "Authenticator app" }).getByRole("button").allTextContents(), ["Set up again"]);
  await settled(p);
  await screenshot(p, "mfa-security-required-dark");
  await p.keyboard.press("Escape");
  await dialog(p).waitFor({ state: "hidden" });
  assert.equal(await deepActive(p), `auth-header > button(${email}▾)`, "focus back on the menu button");
  await context.close();
});

test("MFA ON with codes by email offered: a new user chooses how to get their codes", { skip }, async () => {
  const email = await confirmedUser("mfa-on-email", { clientId: requiredWithEmail.client_id });
  const context = await newContext(browser);
  const p = await openPage(context, site, { app: requiredWithEmail.app_id });
  const mails = mailCount(email);
  await signInUntilCode(p, email);
  await dialog(p).getByRole("group", { name: "How do you want to get your codes?" }).waitFor();
  assert.match(await dialog(p).textContent(), /Lantern Mail asks for a code after your password each time you sign in\./);
  assert.deepEqual(await dialog(p).getByRole("radio").evaluateAll((radios) => radios.map((r) => r.value)), ["SOFTWARE_TOKEN_MFA", "EMAIL_OTP"]);
  await settled(p);
  await screenshot(p, "mfa-setup-choice");
  await dialog(p).getByRole("radio", { name: "Email" }).check();
  await button(p, "Continue").click();
  await dialog(p).getByText(/We emailed a 6-digit code to b\*\*\*@e\*\*\*\./).waitFor();
  await codeInput(p).fill(await codeFor(email, mails));
  await button(p, "Verify").click();
  await dialog(p).waitFor({ state: "hidden" });
  await until(() => isSignedIn(p), { message: "signed in with codes by email set up" });
  await header.menu(p).click();
  await mfaItem(p).click();
  await heading(p, "Two-step verification").waitFor();
  assert.deepEqual(await factorStates(p), ["Authenticator app: Off", "Codes by email: On"]);
  assert.deepEqual(await dialog(p).getByRole("group", { name: "Codes by email" }).getByRole("button").allTextContents(), [], "the one factor stays on");
  await context.close();
});

test("an expired second step sends the user back to the start, saying so", { skip }, async () => {
  const email = await confirmedUser("mfa-expired", { clientId: optional.client_id });
  await setUpAuthenticatorApp(email, { clientId: optional.client_id });
  const context = await newContext(browser);
  const p = await openPage(context, site, { app: optional.app_id });
  await signInUntilCode(p, email);
  await heading(p, "Two-step verification").waitFor();
  // Stands in for three minutes passing: the server no longer knows the Session.
  await p.route(`${BASE}/`, async (route) => {
    const body = JSON.parse(route.request().postData());
    if (body.Session) body.Session = `${body.Session.slice(0, -8)}AAAAAAA=`;
    await route.continue({ postData: JSON.stringify(body) });
  });
  await codeInput(p).fill("123456");
  await button(p, "Verify").click();
  await heading(p, "Sign in to Harbor Notes").waitFor();
  assert.equal(await alert(p).textContent(), "That took too long: sign in again");
  assert.equal(await field(p, "Email").inputValue(), email, "the email stays");
  await context.close();
});

// ---------------------------------------------------------------------------------------------
// The hosted pages

const base64url = (bytes) => Buffer.from(bytes).toString("base64url");

/** A fresh authorization request of `app` (code flow, S256 PKCE): its URL, state and verifier. */
function authorization(app) {
  const verifier = base64url(randomBytes(32));
  const state = base64url(randomBytes(12));
  const query = new URLSearchParams({
    response_type: "code",
    client_id: app.client_id,
    redirect_uri: `${site.origin}/`,
    state,
    code_challenge: base64url(createHash("sha256").update(verifier).digest()),
    code_challenge_method: "S256",
    scope: "openid email",
  });
  return { url: `${BASE}/oauth2/authorize?${query}`, state, verifier };
}

/** Waits for the app's callback and redeems its code: the ID token's claims. */
async function landed(p, app, request) {
  await p.waitForURL((url) => url.href.startsWith(`${site.origin}/?`), { timeout: 20_000 });
  const url = new URL(p.url());
  assert.equal(url.searchParams.get("state"), request.state);
  const response = await fetch(`${BASE}/oauth2/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      grant_type: "authorization_code",
      code: url.searchParams.get("code"),
      redirect_uri: `${site.origin}/`,
      client_id: app.client_id,
      code_verifier: request.verifier,
    }),
  });
  const tokens = await response.json();
  assert.equal(response.status, 200, JSON.stringify(tokens));
  return JSON.parse(Buffer.from(tokens.id_token.split(".")[1], "base64url").toString());
}

const h1 = (p, name) => p.getByRole("heading", { level: 1, name, exact: true });
const hostedFocus = (p) => p.evaluate(() => `${document.activeElement?.localName}[name=${document.activeElement?.name}]`);

test("hosted pages: a redirect sign-in asks for the authenticator app's code", { skip }, async () => {
  const email = await confirmedUser("hosted-mfa", { clientId: optional.client_id });
  const secret = await setUpAuthenticatorApp(email, { clientId: optional.client_id });
  const context = await newContext(browser, { viewport: { width: 1024, height: 900 }, colorScheme: "light" });
  const p = await context.newPage();
  const request = authorization(optional);
  await p.goto(request.url);
  await h1(p, "Sign in to Harbor Notes").waitFor();
  await p.getByLabel("Email", { exact: true }).fill(email);
  await p.getByLabel("Password", { exact: true }).fill(PASSWORD);
  await p.keyboard.press("Enter");
  await h1(p, "Two-step verification").waitFor();
  assert.match(await p.locator("main").textContent(), /Enter the 6-digit code your authenticator app shows/);
  assert.equal(await hostedFocus(p), "input[name=mfaCode]", "the focus is on the code");
  const code = p.getByLabel("6-digit code", { exact: true });
  assert.equal(await code.getAttribute("inputmode"), "numeric");
  assert.equal(await code.getAttribute("autocomplete"), "one-time-code");
  assert.deepEqual(await lowContrast(p), []);
  await screenshot(p, "hosted-mfa-code");
  await code.fill(wrongCode(nextCode(secret)));
  await p.keyboard.press("Enter");
  await until(async () => (await p.getByRole("alert").textContent()) === "That code is not right", { message: "the wrong code's message" });
  assert.equal(await p.evaluate(() => document.activeElement?.getAttribute("role")), "alert", "the error takes the focus");
  await code.fill(nextCode(secret));
  await p.keyboard.press("Enter");
  const claims = await landed(p, optional, request);
  assert.equal(claims.email, email);
  await context.close();
});

test("hosted pages: under MFA ON with codes by email offered, a new user chooses email and goes on", { skip }, async () => {
  const email = await confirmedUser("hosted-mfa-email", { clientId: requiredWithEmail.client_id });
  const context = await newContext(browser);
  const p = await context.newPage();
  const request = authorization(requiredWithEmail);
  await p.goto(request.url);
  await h1(p, "Sign in to Lantern Mail").waitFor();
  await p.getByLabel("Email", { exact: true }).fill(email);
  await p.getByLabel("Password", { exact: true }).fill(PASSWORD);
  const mails = mailCount(email);
  await p.keyboard.press("Enter");
  await p.getByRole("group", { name: "How do you want to get your codes?" }).waitFor();
  assert.equal(await hostedFocus(p), "input[name=factor]", "the focus is on the first choice");
  await p.keyboard.press("ArrowDown");
  await p.keyboard.press("Enter");
  await h1(p, "Two-step verification").waitFor();
  await p.getByLabel("6-digit code", { exact: true }).fill(await codeFor(email, mails));
  await p.keyboard.press("Enter");
  const claims = await landed(p, requiredWithEmail, request);
  assert.equal(claims.email, email);
  await context.close();
});

test("hosted pages: under MFA ON, a user without an app sets one up (QR code and key) and goes on", { skip }, async () => {
  const email = await confirmedUser("hosted-mfa-setup", { clientId: required.client_id });
  const context = await newContext(browser, { viewport: { width: 390, height: 1100 }, isMobile: true, hasTouch: true, colorScheme: "light" });
  const p = await context.newPage();
  const requests = requestsOf(p);
  const request = authorization(required);
  await p.goto(request.url);
  await h1(p, "Sign in to Vault Keeper").waitFor();
  await p.getByLabel("Email", { exact: true }).fill(email);
  await p.getByLabel("Password", { exact: true }).fill(PASSWORD);
  await p.getByRole("button", { name: "Sign in", exact: true }).click();
  await h1(p, "Set up an authenticator app").waitFor();
  await qrShown(p.locator("main"));
  const secret = await keyOnScreen(p.locator("main"));
  assert.equal(
    await p.getByRole("link", { name: "Open the key in your authenticator app" }).getAttribute("href"),
    `otpauth://totp/Vault%20Keeper:${encodeURIComponent(email)}?secret=${secret}&issuer=Vault%20Keeper`,
  );
  assert.equal(await hostedFocus(p), "input[name=mfaCode]");
  assert.deepEqual(requests.filter((r) => r.url.includes(secret)), [], "the key is in no URL");
  assert.ok(await p.evaluate(() => document.documentElement.scrollWidth <= 390), "nothing wider than the phone");
  assert.deepEqual(await lowContrast(p), []);
  await screenshot(p, "hosted-mfa-setup");
  await p.getByLabel("6-digit code", { exact: true }).fill(totp(secret));
  await p.getByRole("button", { name: "Verify and sign in", exact: true }).click();
  const claims = await landed(p, required, request);
  assert.equal(claims.email, email);
  await context.close();
});
