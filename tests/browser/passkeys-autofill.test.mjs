// Passkey sign-in without typing an email, in the sign-in component and the hosted pages: the
// browser's autofill (WebAuthn conditional mediation, armed while the sign-in form is shown) and
// "Sign in with a passkey" with the email field empty, both a USER_AUTH without USERNAME whose
// user the server finds from the passkey. In Debian's Chromium with its virtual authenticator
// (support.mjs virtualAuthenticator) as the user's device; pages on http://localhost:PORT, the
// apps' relying party `localhost`.
//
// What Chromium does: its virtual authenticator environment answers a conditional request at
// once, with one of the site's passkeys (as if the user picked it the moment the autofill was
// offered), or rejects it at once (NotAllowedError) when the device has none; a real browser
// keeps it waiting until the user picks a passkey. So a modal opened with a passkey on the
// device signs in by itself here (the first test). Where a test needs the request waiting,
// support.mjs watchPasskeyRequests holds it and releases it as the user's pick; it also records
// every request's options (mediation, allowCredentials, userVerification), whether it was
// aborted, and how many were still out when the next one was made.
//
// The passkeys are added through the component (<auth-header>'s "Sign-in & security"); which
// user is signed in is checked against the credential the authenticator used (its sign count
// went up). Screenshots (look at them): tests/browser/screenshots/passkeys-autofill-*.png.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createHash, randomBytes } from "node:crypto";
import {
  PASSWORD, launch, newContext, startSite, openPage, uniqueEmail, codeFor, mailCount, cli, cliSkip, serverSkip,
  startServer, dialog, field, button, alert, header, deepActive, isSignedIn, until, screenshot, lowContrast,
  virtualAuthenticator, watchPasskeyRequests, confirmedUser, signInThroughModal, cognito, hostedSessionCookies,
} from "./support.mjs";

const skip = cliSkip || serverSkip;
let browser;
let site;
let app; // an app of the shared server with passkeys on for the site's origin

before(async () => {
  if (skip) return;
  browser = await launch();
  site = await startSite();
  app = await cli("apps", "create", "--name", "Harbor Autofill");
  await cli("apps", "update", app.app_id, "--passkeys", "true", "--passkey-rp-id", "localhost", "--passkey-origin", site.origin);
});

after(async () => {
  await browser?.close();
  await site?.close();
});

const NOT_USED = "No passkey was used. Try again, or sign in with your password.";
const heading = (p, name) => dialog(p).getByRole("heading", { name, exact: true });
const status = (p) => dialog(p).getByRole("status");
const textOf = async (locator) => ((await locator.textContent()) ?? "").trim();
// By their place, not their role: an empty alert or status is hidden, so no role finds it.
const alertText = (p) => textOf(dialog(p).locator("#ar-alert"));
const statusText = (p) => textOf(dialog(p).locator("p.status"));
const hostedAlert = (p) => textOf(p.locator("#hosted-alert"));
const hostedStatus = (p) => textOf(p.locator("form p.status"));
const settled = (p) => dialog(p).evaluate((el) => Promise.all(el.getAnimations().map((a) => a.finished)));

/** The Cognito calls the page makes (to the server's `/`, or the hosted pages' `/login`): operation and body. */
function recordCalls(p) {
  const calls = [];
  p.on("request", (request) => {
    const target = request.headers()["x-amz-target"];
    if (request.method() === "POST" && target) calls.push({ operation: target.split(".").pop(), body: request.postDataJSON() });
  });
  return calls;
}

/** The passkey sign-in calls among `calls`, as bodies whose USERNAME would show. */
const passkeyCalls = (calls) =>
  calls
    .filter((c) => (c.operation === "InitiateAuth" && c.body.AuthFlow === "USER_AUTH") || c.body.ChallengeName === "WEB_AUTHN")
    .map((c) => ({ operation: c.operation, parameters: c.body.AuthParameters ?? c.body.ChallengeResponses }));

/** Adds a passkey for the signed-in user from the header's "Sign-in & security"; its credential id. */
async function addPasskey(p, authenticator) {
  const held = new Set((await authenticator.credentials()).map((c) => c.id));
  await header.menu(p).click();
  await p.locator("auth-header").getByRole("menuitem", { name: "Sign-in & security" }).click();
  await heading(p, "Sign-in & security").waitFor();
  await button(p, "Add a passkey").click();
  await until(async () => (await statusText(p)) === "Passkey added: you can sign in with it now.", { message: "the passkey added" });
  await button(p, "Done").click();
  await dialog(p).waitFor({ state: "hidden" });
  const added = (await authenticator.credentials()).filter((c) => !held.has(c.id));
  assert.equal(added.length, 1);
  return added[0].id;
}

async function signOut(p) {
  await header.menu(p).click();
  await header.signOut(p).click();
  await header.signIn(p).waitFor();
}

/** A user of the app with a password and, added through the component, a passkey on the page's device. */
async function userWithPasskey(p, authenticator, tag) {
  const email = await confirmedUser(tag, { clientId: app.client_id });
  await signInThroughModal(p, email);
  const credential = await addPasskey(p, authenticator);
  await signOut(p);
  return { email, credential };
}

/**
 * The id of the passkey the page's last passkey answer carried (the credential the authenticator
 * signed with; its sign count cannot tell, since Chromium reads every passkey of the site, counting
 * up, to offer them in the autofill).
 */
function usedCredential(calls) {
  const answer = calls.findLast((c) => c.operation === "RespondToAuthChallenge" && c.body.ChallengeName === "WEB_AUTHN");
  assert.ok(answer, "a passkey answer was sent");
  return JSON.parse(answer.body.ChallengeResponses.CREDENTIAL).id;
}

const conditional = (requests) => requests.filter((r) => r.mediation === "conditional");
/** Waits for a conditional request of the page still waiting; answers it and the page's requests. */
async function waitingConditional(watch, p, message = "a conditional request waiting") {
  return until(async () => {
    const requests = await watch.requests(p);
    const waiting = conditional(requests).filter((r) => r.outcome === "pending");
    return waiting.length ? { request: waiting.at(-1), requests } : null;
  }, { message });
}

/** The request options every conditional one carries: no credential named, user verification. */
function assertAutofillOptions(request) {
  assert.equal(request.mediation, "conditional");
  assert.equal(request.signal, true, "abortable");
  assert.deepEqual(request.publicKey.allowCredentials, [], "no credential named: the browser offers the site's");
  assert.equal(request.publicKey.userVerification, "required");
  assert.equal(request.publicKey.rpId, "localhost");
  assert.match(request.publicKey.challenge, /^<(1[6-9]|[2-9]\d) bytes>$/);
}

test("component: a modal opened with a passkey on the device signs in through the autofill, no email typed", { skip }, async () => {
  const context = await newContext(browser, { viewport: { width: 1024, height: 900 } });
  const p = await openPage(context, site, { app: app.app_id });
  const authenticator = await virtualAuthenticator(p);
  // No passkey on the device yet: the autofill's requests end at once, saying nothing.
  const { email, credential } = await userWithPasskey(p, authenticator, "autofill");
  await p.evaluate(() => window.AuthReturn.on("error", (e) => (window.__errors ??= []).push(e.code)));
  const calls = recordCalls(p);

  await header.signIn(p).click();
  await until(() => isSignedIn(p), { message: "signed in by the autofill" });
  await dialog(p).waitFor({ state: "hidden" });
  assert.equal(usedCredential(calls), credential);
  assert.equal(await textOf(header.email(p)), email, "the header shows the user");
  const saved = await p.evaluate((id) => JSON.parse(localStorage.getItem(`authreturn:${id}:session`)), app.app_id);
  assert.equal(saved.email, email);
  assert.ok(saved.refreshToken && saved.accessToken && saved.idToken);
  assert.equal(JSON.parse(Buffer.from(saved.idToken.split(".")[1], "base64url")).email, email);
  assert.deepEqual(passkeyCalls(calls), [
    { operation: "InitiateAuth", parameters: { PREFERRED_CHALLENGE: "WEB_AUTHN" } },
    { operation: "RespondToAuthChallenge", parameters: { CREDENTIAL: calls.at(-1).body.ChallengeResponses.CREDENTIAL } },
  ]);
  assert.deepEqual(await p.evaluate(() => window.__errors ?? []), []);
  await context.close();
});

test("component: the autofill waits with its options, ends when the modal closes; the button with no email, by keyboard, sets it aside", { skip }, async () => {
  const context = await newContext(browser, { viewport: { width: 1024, height: 900 }, colorScheme: "light" });
  const watch = await watchPasskeyRequests(context);
  const p = await openPage(context, site, { app: app.app_id });
  const authenticator = await virtualAuthenticator(p);
  await watch.hold(p);
  const { email, credential } = await userWithPasskey(p, authenticator, "autofill-keys");
  const calls = recordCalls(p);

  // By keyboard: the header's "Sign in", Enter. The form waits for the autofill's pick.
  await header.signIn(p).focus();
  await p.keyboard.press("Enter");
  await heading(p, "Sign in to Harbor Autofill").waitFor();
  const first = await waitingConditional(watch, p);
  assertAutofillOptions(first.request);
  assert.equal(first.request.othersWaiting, 0);
  assert.equal(await field(p, "Email").getAttribute("autocomplete"), "username webauthn");
  assert.equal(await field(p, "Password").getAttribute("autocomplete"), "current-password");
  assert.equal(await deepActive(p), "auth-return-modal > input[name=email]");
  assert.equal(await alertText(p), "");
  assert.deepEqual(passkeyCalls(calls), [{ operation: "InitiateAuth", parameters: { PREFERRED_CHALLENGE: "WEB_AUTHN" } }]);
  await settled(p);
  await screenshot(p, "passkeys-autofill-waiting");

  // Escape closes the modal: its request is aborted, nothing more is asked.
  await p.keyboard.press("Escape");
  await dialog(p).waitFor({ state: "hidden" });
  await until(async () => conditional(await watch.requests(p)).every((r) => r.outcome === "AbortError" && r.aborted), {
    message: "the request aborted",
  });
  const count = conditional(await watch.requests(p)).length;
  await p.waitForTimeout(1500);
  assert.equal(conditional(await watch.requests(p)).length, count, "closed: not armed again");

  // Opened again: a new request. The email left empty, Tab to "Sign in with a passkey", Enter.
  assert.equal(await deepActive(p), "auth-header > button(Sign in)");
  await p.keyboard.press("Enter");
  await heading(p, "Sign in to Harbor Autofill").waitFor();
  await until(async () => conditional(await watch.requests(p)).length === count + 1 && (await waitingConditional(watch, p)), {
    message: "a new request",
  });
  await p.keyboard.press("Tab"); // the password
  await p.keyboard.press("Tab"); // "Sign in"
  await p.keyboard.press("Tab"); // "Sign in with a passkey"
  assert.equal(await deepActive(p), "auth-return-modal > button(Sign in with a passkey)");
  await p.keyboard.press("Enter");
  await until(() => isSignedIn(p), { message: "signed in with the button" });
  await dialog(p).waitFor({ state: "hidden" });
  assert.equal(usedCredential(calls), credential);
  assert.equal(await textOf(header.email(p)), email);

  // The browser runs one request at a time: the autofill's had ended before the button's began.
  const requests = await watch.requests(p);
  const modal = requests.filter((r) => r.mediation === null);
  assert.equal(modal.length, 1, JSON.stringify(requests));
  assert.equal(modal[0].othersWaiting, 0, "no conditional request was still out");
  assert.equal(modal[0].outcome, "credential");
  assert.deepEqual(modal[0].publicKey.allowCredentials, [], "no email: no credential named");
  assert.ok(conditional(requests).every((r) => r.aborted), "every conditional request was aborted");
  assert.deepEqual(
    passkeyCalls(calls).map((c) => Object.keys(c.parameters).sort()),
    [["PREFERRED_CHALLENGE"], ["PREFERRED_CHALLENGE"], ["PREFERRED_CHALLENGE"], ["CREDENTIAL"]],
    "no USERNAME asked or answered",
  );

  // Signed in, the form opened again (AuthReturn.signIn()): a sign-out ends its request, and
  // the form, still shown, waits again with a fresh one.
  await p.evaluate(() => void window.AuthReturn.signIn());
  await heading(p, "Sign in to Harbor Autofill").waitFor();
  await waitingConditional(watch, p);
  const shown = conditional(await watch.requests(p));
  await p.evaluate(() => window.AuthReturn.signOut());
  await until(async () => {
    const now = conditional(await watch.requests(p));
    return now[shown.length - 1].aborted && now.length === shown.length + 1 && now.at(-1).outcome === "pending";
  }, { message: "the request ended and a fresh one waiting" });
  assert.equal(await isSignedIn(p), false);
  assert.equal(await dialog(p).isVisible(), true);
  await context.close();
});

test("component: two users' passkeys on one device: the owner of the passkey used is signed in, by autofill and by the button", { skip }, async () => {
  const context = await newContext(browser, { viewport: { width: 1024, height: 900 } });
  const watch = await watchPasskeyRequests(context);
  const p = await openPage(context, site, { app: app.app_id });
  const authenticator = await virtualAuthenticator(p);
  await watch.hold(p);
  const ann = await userWithPasskey(p, authenticator, "autofill-ann");
  const bob = await userWithPasskey(p, authenticator, "autofill-bob");
  const owner = new Map([[ann.credential, ann.email], [bob.credential, bob.email]]);
  const calls = recordCalls(p);

  // The user picks from the autofill (the held request handed to the authenticator).
  await header.signIn(p).click();
  await waitingConditional(watch, p);
  await watch.release(p);
  await until(() => isSignedIn(p), { message: "signed in by the autofill" });
  const picked = usedCredential(calls);
  assert.equal(await textOf(header.email(p)), owner.get(picked));
  await signOut(p);

  // The button with the email field empty: the authenticator picks again.
  await header.signIn(p).click();
  await waitingConditional(watch, p);
  await button(p, "Sign in with a passkey").click();
  await until(() => isSignedIn(p), { message: "signed in by the button" });
  assert.equal(await textOf(header.email(p)), owner.get(usedCredential(calls)));
  await signOut(p);

  // Only the other user's passkey left on the device: the other user is signed in.
  await authenticator.remove(picked);
  const other = picked === ann.credential ? bob : ann;
  await header.signIn(p).click();
  await waitingConditional(watch, p);
  await watch.release(p);
  await until(() => isSignedIn(p), { message: "signed in as the other user" });
  assert.equal(usedCredential(calls), other.credential);
  assert.equal(await textOf(header.email(p)), other.email);
  await context.close();
});

test("component: a passkey whose user was deleted is refused in words by autofill and button alike; a device without passkeys ends calmly", { skip }, async () => {
  const context = await newContext(browser, { viewport: { width: 1024, height: 900 }, colorScheme: "dark" });
  const watch = await watchPasskeyRequests(context);
  const p = await openPage(context, site, { app: app.app_id });
  const authenticator = await virtualAuthenticator(p);
  await watch.hold(p);
  await p.evaluate(() => window.AuthReturn.on("error", (e) => (window.__errors ??= []).push(e.code)));
  const { email } = await userWithPasskey(p, authenticator, "autofill-deleted");
  const signedIn = await cognito("InitiateAuth", { ClientId: app.client_id, AuthFlow: "USER_PASSWORD_AUTH", AuthParameters: { USERNAME: email, PASSWORD } });
  await cognito("DeleteUser", { AccessToken: signedIn.AuthenticationResult.AccessToken });

  // The autofill: the user picks the passkey of the deleted account; the server's refusal is said.
  await header.signIn(p).click();
  const { requests } = await waitingConditional(watch, p);
  await watch.release(p);
  await until(async () => (await alertText(p)) !== "", { message: "the refusal" });
  const refusal = await alertText(p);
  assert.equal(refusal, "The passkey could not be verified.");
  assert.equal(await isSignedIn(p), false);
  // Still on the form: the autofill waits again.
  await until(async () => conditional(await watch.requests(p)).length > conditional(requests).length && (await waitingConditional(watch, p)), {
    message: "armed again",
  });
  await settled(p);
  await screenshot(p, "passkeys-autofill-refused-dark");

  // The button, the email field empty: the same passkey, the same words.
  await p.keyboard.press("Escape");
  await header.signIn(p).click();
  await waitingConditional(watch, p);
  assert.equal(await alertText(p), "", "a new form");
  await button(p, "Sign in with a passkey").click();
  await until(async () => (await alertText(p)) !== "", { message: "the refusal" });
  assert.equal(await alertText(p), refusal);
  assert.equal(await isSignedIn(p), false);

  // A device without passkeys: the autofill's request ends without a word and waits again...
  await p.keyboard.press("Escape");
  await authenticator.clear();
  await header.signIn(p).click();
  await waitingConditional(watch, p);
  const count = conditional(await watch.requests(p)).length;
  await watch.release(p);
  await until(async () => conditional(await watch.requests(p)).some((r) => r.outcome === "NotAllowedError"), { message: "the request ended" });
  await until(async () => conditional(await watch.requests(p)).length > count, { message: "armed again" });
  assert.equal(await alertText(p), "");
  assert.equal(await statusText(p), "");
  // ...and the button ends calmly.
  await button(p, "Sign in with a passkey").click();
  await until(async () => (await statusText(p)) === NOT_USED, { message: "the calm message" });
  assert.equal(await alertText(p), "", "no alert");
  assert.equal(await isSignedIn(p), false);
  const errors = await p.evaluate(() => window.__errors ?? []);
  assert.ok(!errors.includes("PasskeyNotUsed"), `no error event for a passkey not used: ${errors}`);
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

/** A confirmed user of `server`'s app, signed in through the API: their email and access token. */
async function hostedUser(server, clientId, tag) {
  const email = uniqueEmail(tag);
  const mails = mailCount(email, server.outbox);
  await cognitoAt(server, "SignUp", { ClientId: clientId, Username: email, Password: PASSWORD, UserAttributes: [{ Name: "email", Value: email }] });
  await cognitoAt(server, "ConfirmSignUp", { ClientId: clientId, Username: email, ConfirmationCode: await codeFor(email, mails, server.outbox) });
  const signedIn = await cognitoAt(server, "InitiateAuth", { AuthFlow: "USER_PASSWORD_AUTH", ClientId: clientId, AuthParameters: { USERNAME: email, PASSWORD } });
  return { email, accessToken: signedIn.AuthenticationResult.AccessToken };
}

/** Registers a passkey for the holder of `accessToken` from `p` (on the server's origin), as any app would. */
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
    return credential.id;
  }, accessToken);

/** An authorization request (code with PKCE) of `clientId` to the site: its query, and how to redeem its code. */
function authorization(server, clientId) {
  const verifier = base64url(randomBytes(32));
  const query = new URLSearchParams({
    response_type: "code",
    client_id: clientId,
    redirect_uri: `${site.origin}/`,
    state: base64url(randomBytes(16)),
    code_challenge: base64url(createHash("sha256").update(verifier).digest()),
    code_challenge_method: "S256",
    scope: "openid email",
  });
  return {
    url: `${server.publicUrl}/oauth2/authorize?${query}`,
    /** The email in the ID token the code at `landed` (the site's URL) redeems for. */
    async emailAt(landed) {
      const code = new URL(landed).searchParams.get("code");
      const response = await fetch(`${server.url}/oauth2/token`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ grant_type: "authorization_code", code, redirect_uri: `${site.origin}/`, client_id: clientId, code_verifier: verifier }),
      });
      const tokens = await response.json();
      assert.equal(response.status, 200, JSON.stringify(tokens));
      return JSON.parse(Buffer.from(tokens.id_token.split(".")[1], "base64url").toString()).email;
    },
  };
}

test("hosted pages: the autofill signs in the passkey's owner with no email typed; the button with no email by keyboard; a device without passkeys ends calmly", { skip }, async () => {
  const server = await startServer([], { localhost: true });
  try {
    const hostedApp = JSON.parse(await server.cli("apps", "create", "--json", "--name", "Lantern Autofill"));
    await server.cli("apps", "update", hostedApp.app_id, "--passkeys", "true", "--passkey-rp-id", "localhost", "--callback-url", `${site.origin}/`);
    const context = await newContext(browser, { viewport: { width: 1024, height: 900 }, colorScheme: "light" });
    const watch = await watchPasskeyRequests(context);
    const p = await context.newPage();
    const authenticator = await virtualAuthenticator(p);
    const calls = recordCalls(p);

    // Two users with passkeys on this device, registered from a page of the server's origin.
    await p.goto(`${server.publicUrl}/healthz`);
    const owner = new Map();
    for (const tag of ["hosted-ann", "hosted-bob"]) {
      const user = await hostedUser(server, hostedApp.client_id, tag);
      owner.set(await registerPasskey(p, user.accessToken), user.email);
    }
    assert.equal((await authenticator.credentials()).length, 2);

    // The sign-in page opens, the autofill's request is answered at once (Chromium's virtual
    // authenticator picks a passkey): on to the app, signed in as that passkey's owner.
    let request = authorization(server, hostedApp.client_id);
    await p.goto(request.url);
    await p.waitForURL((url) => url.href.startsWith(`${site.origin}/?`), { timeout: 20_000 });
    assert.equal(await request.emailAt(p.url()), owner.get(usedCredential(calls)));
    assert.equal((await hostedSessionCookies(context, server.publicUrl)).length, 1, "the hosted session is set");
    assert.deepEqual(passkeyCalls(calls).map((c) => Object.keys(c.parameters).sort()), [["PREFERRED_CHALLENGE"], ["CREDENTIAL"]], "no USERNAME");

    // Signed out of the hosted session; this time the autofill waits (a browser does until the user picks).
    await context.clearCookies();
    await p.goto(`${server.publicUrl}/healthz`);
    await watch.hold(p);
    request = authorization(server, hostedApp.client_id);
    await p.goto(request.url);
    const title = p.getByRole("heading", { level: 1, name: "Sign in to Lantern Autofill", exact: true });
    await title.waitFor();
    const email = p.getByLabel("Email", { exact: true });
    const { request: waiting } = await waitingConditional(watch, p);
    assertAutofillOptions(waiting);
    assert.equal(await email.getAttribute("autocomplete"), "username webauthn");
    assert.equal(await p.getByLabel("Password", { exact: true }).getAttribute("autocomplete"), "current-password");
    assert.deepEqual(await lowContrast(p), []);
    await screenshot(p, "passkeys-autofill-hosted");

    // By keyboard from the email field (focused, left empty) to "Sign in with a passkey".
    assert.equal(await p.evaluate(() => document.activeElement.id), "hosted-email");
    await p.keyboard.press("Tab"); // the password
    await p.keyboard.press("Tab"); // "Show password"
    await p.keyboard.press("Tab"); // "Sign in"
    await p.keyboard.press("Tab"); // "Sign in with a passkey"
    assert.equal(await p.evaluate(() => document.activeElement.textContent.trim()), "Sign in with a passkey");
    await p.keyboard.press("Enter");
    await p.waitForURL((url) => url.href.startsWith(`${site.origin}/?`), { timeout: 20_000 });
    const picked = usedCredential(calls);
    assert.equal(await request.emailAt(p.url()), owner.get(picked));

    // A device without passkeys: the autofill's request ends without a word, the button calmly.
    await context.clearCookies();
    await authenticator.clear();
    await p.goto(`${server.publicUrl}/healthz`);
    await watch.hold(p);
    await p.goto(authorization(server, hostedApp.client_id).url);
    await title.waitFor();
    await waitingConditional(watch, p);
    await watch.release(p);
    await until(async () => conditional(await watch.requests(p)).length === 2, { message: "armed again after the request ended" });
    assert.equal(await hostedAlert(p), "");
    assert.equal(await hostedStatus(p), "");
    await p.getByRole("button", { name: "Sign in with a passkey", exact: true }).click();
    await until(async () => (await hostedStatus(p)) === NOT_USED, { message: "the calm message" });
    assert.equal(await hostedAlert(p), "", "no alert");
    assert.equal(await title.isVisible(), true, "still on the sign-in page");
    const requests = await watch.requests(p);
    const modal = requests.filter((r) => r.mediation === null);
    assert.equal(modal.length, 1);
    assert.equal(modal[0].othersWaiting, 0, "the autofill's request had ended before the button's began");
    await context.close();
  } catch (error) {
    server.fail();
    throw error;
  } finally {
    await server.stop();
  }
});
