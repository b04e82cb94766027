// The server's own pages in Chromium: the landing page, the guide, the demo page and the
// developer console load under their strict Content-Security-Policy with no violation (the
// components adopt constructed stylesheets instead of inline <style>); a developer signs up in
// the console through the sign-in component, confirms with the mailed code and creates an app;
// an app named like markup is shown as text and runs nothing; a hosted sign-in list's bad entry
// is shown beside the list by its line; the MFA mode is chosen by keyboard and saved, and a
// user's authenticator app (set up with TOTP codes the test computes) is shown on their page
// and turned off there, confirmed by keyboard, into Activity. Screenshots of every console page
// (light, dark, 360 px phone) go to tests/browser/screenshots/console-*.png: look at them; on
// each, every text meets WCAG AA contrast.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { skip, BASE, APP, PASSWORD, launch, newContext, codeFor, uniqueEmail, until, screenshot, field, button, cognito, confirmedUser, lowContrast, setUpAuthenticatorApp, totp } from "./support.mjs";
import { registerSoftPasskey } from "./soft_passkey.mjs";

let browser;

before(async () => {
  if (skip) return;
  browser = await launch();
});

after(async () => {
  await browser?.close();
});

/** A context whose pages record CSP violations and console errors in `problems`. */
async function watchedContext(options = {}) {
  const context = await newContext(browser, options);
  const problems = [];
  await context.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) => {
      console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`);
    });
  });
  context.on("page", (p) => watch(p, problems));
  return { context, problems };
}

function watch(p, problems) {
  p.on("console", (message) => {
    const text = message.text();
    // An HTTP error the page answers in words (a 404 inbox on a server with SMTP, a 400 for a
    // wrong setting) is logged by Chromium too; it is no problem of the page.
    if (message.type() === "error" && !/^Failed to load resource: the server responded with a status of \d+/.test(text)) problems.push(text);
  });
  p.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  p.on("dialog", (dialog) => {
    problems.push(`a JavaScript dialog opened: ${dialog.message()}`);
    dialog.dismiss().catch(() => {});
  });
}

const cspOf = async (path) => (await fetch(`${BASE}${path}`)).headers.get("content-security-policy");

test("the landing page, the guide, the demo and the console shell load without a CSP violation", { skip }, async () => {
  const { context, problems } = await watchedContext();
  const p = await context.newPage();
  for (const path of ["/", "/docs", `/demo/${APP.app_id}`, "/console"]) {
    assert.match(await cspOf(path), /script-src 'self'; style-src 'self'/, path);
    const response = await p.goto(`${BASE}${path}`);
    assert.equal(response.status(), 200, path);
    await p.waitForLoadState("networkidle");
    // The stylesheet applied: the body has the page's font, not the browser's default serif.
    const font = await p.evaluate(() => getComputedStyle(document.body).fontFamily);
    assert.match(font, /system-ui/, `${path} styled`);
  }
  await p.goto(`${BASE}/`);
  assert.equal(await p.getByRole("heading", { level: 1 }).textContent(), "Auth Return");
  for (const name of ["Developer console", "Integration guide"]) {
    assert.ok(await p.getByRole("link", { name: new RegExp(name) }).isVisible(), name);
  }
  // The demo page names its app, and the sign-in component's modal is styled under the CSP.
  await p.goto(`${BASE}/demo/${APP.app_id}`);
  assert.match(await p.getByRole("heading", { level: 1 }).textContent(), new RegExp(APP.name));
  assert.equal(await p.getByRole("link", { name: /developer console/ }).getAttribute("href"), `/console#/apps/${APP.app_id}`);
  await p.locator("auth-header").getByRole("button", { name: "Sign in", exact: true }).click();
  await p.getByRole("dialog").waitFor();
  const backdrop = await p.evaluate(() => {
    const root = document.querySelector("auth-return-modal").shadowRoot;
    return getComputedStyle(root.querySelector(".backdrop")).position;
  });
  assert.equal(backdrop, "fixed", "the modal's stylesheet applies");
  const header = await p.evaluate(() => getComputedStyle(document.querySelector("auth-header").shadowRoot.querySelector("button")).fontWeight);
  assert.equal(header, "600", "the header's stylesheet applies");
  await p.keyboard.press("Escape");
  await p.goto(`${BASE}/docs`);
  assert.ok(await p.locator("#who-can-become-a-developer").isVisible());
  assert.deepEqual(problems, []);
  await context.close();
});

/** Signs a new developer up in the console and waits for the apps page. */
async function signUpDeveloper(p) {
  const email = uniqueEmail("console");
  await p.goto(`${BASE}/console`);
  await p.getByRole("button", { name: "Create a developer account" }).click();
  await field(p, "Email").fill(email);
  await field(p, "Password").fill(PASSWORD);
  await button(p, "Create account").click();
  await field(p, "Confirmation code").fill(await codeFor(email));
  await button(p, "Confirm").click();
  await p.getByRole("heading", { name: "Your apps", level: 1 }).waitFor();
  return email;
}

/** Creates an app through the console's dialog; returns its id (from the URL it opens). */
async function createApp(p, name, { secret = false, shot = null } = {}) {
  await p.goto(`${BASE}/console#/`);
  await p.getByRole("button", { name: "Create app", exact: true }).click();
  const dialog = p.getByRole("dialog", { name: "Create an app" });
  await dialog.getByLabel("Name", { exact: true }).fill(name);
  if (secret) await dialog.getByLabel(/Give the client a secret/).check();
  await dialog.getByRole("button", { name: "Create app" }).click();
  await dialog.getByRole("heading", { name: /^Created/ }).waitFor();
  if (secret) assert.ok(await dialog.getByText("Copy the client secret now.").isVisible(), "the secret is shown once");
  if (shot) await screenshot(p, shot);
  await dialog.getByRole("button", { name: /open the app/i }).click();
  await until(() => /#\/apps\/app_/.test(p.url()), { message: "the app's page" });
  return /#\/apps\/([a-z0-9_]+)/.exec(p.url())[1];
}

let session = null; // the signed-in developer's storage, for the screenshot contexts

test("a developer signs up in the console, confirms with the mailed code, and creates an app", { skip }, async () => {
  const { context, problems } = await watchedContext();
  const p = await context.newPage();
  await signUpDeveloper(p);
  await p.getByText("No apps yet.").waitFor(); // the empty state says what to do next
  assert.ok(await p.getByRole("button", { name: "Create your first app" }).isVisible());
  const id = await createApp(p, "Console test app", { secret: false });
  await p.getByRole("heading", { name: "Console test app", level: 1 }).waitFor();
  await p.getByText(`data-app-id="${id}"`).first().waitFor(); // the script tag names the app
  await p.goto(`${BASE}/console#/`);
  await p.getByRole("link", { name: "Console test app" }).waitFor();
  session = await context.storageState();
  assert.deepEqual(problems, []);
  await context.close();
});

test("an app named like markup is shown as text and runs nothing", { skip }, async () => {
  assert.ok(session, "needs the developer of the previous test");
  const { context, problems } = await watchedContext({ storageState: session });
  const p = await context.newPage();
  await p.goto(`${BASE}/console#/`);
  await p.getByRole("heading", { name: "Your apps" }).waitFor();
  const name = `<img src=x onerror=alert(1)>`;
  const id = await createApp(p, name);
  await p.getByRole("heading", { level: 1 }).filter({ hasText: name }).waitFor();
  await p.goto(`${BASE}/console#/`);
  const link = p.getByRole("link", { name, exact: true });
  await link.waitFor();
  assert.equal(await link.textContent(), name);
  assert.equal(await p.locator("main img").count(), 0, "no <img> element made from the name");
  await p.goto(`${BASE}/console#/apps/${id}/settings`);
  await p.getByRole("button", { name: "Delete app…" }).waitFor();
  await p.goto(`${BASE}/demo/${id}`);
  assert.equal(await p.locator("main img, header img").count(), 0);
  assert.ok((await p.getByRole("heading", { level: 1 }).textContent()).includes(name));
  await p.waitForTimeout(300);
  assert.deepEqual(problems, []);
  await context.close();
});

test("a wrong setting is shown beside its field and changes nothing; a user action says what happened", { skip }, async () => {
  assert.ok(session, "needs the developer of the earlier test");
  const { context, problems } = await watchedContext({ storageState: session });
  const p = await context.newPage();
  const id = await createApp(p, "Settings app");
  await p.goto(`${BASE}/console#/apps/${id}/settings`);
  await p.getByLabel("Token lifetime (seconds)").fill("10");
  await p.getByLabel("Minimum length").fill("12");
  await p.getByRole("button", { name: "Save settings" }).click();
  const slot = p.locator('[data-error-for="token_validity_secs"]');
  await until(async () => (await slot.textContent()) !== "", { message: "the field's error" });
  assert.match(await slot.textContent(), /300/);
  assert.equal(await p.getByLabel("Token lifetime (seconds)").getAttribute("aria-invalid"), "true");
  assert.match(await p.locator("form .form-alert").textContent(), /Nothing was changed|nothing/i);
  const stored = await p.evaluate(async (app) => (await (await window.AuthReturn.fetch(`/api/apps/${app}`)).json()), id);
  assert.equal(stored.token_validity_secs, 3600);
  assert.equal(stored.password_policy.min_length, 8, "nothing changed");
  // A valid form saves.
  await p.getByLabel("Token lifetime (seconds)").fill("900");
  await p.getByRole("button", { name: "Save settings" }).click();
  await p.locator("#toast").getByText("Settings saved.").waitFor();
  const saved = await p.evaluate(async (app) => (await (await window.AuthReturn.fetch(`/api/apps/${app}`)).json()), id);
  assert.deepEqual([saved.token_validity_secs, saved.password_policy.min_length], [900, 12]);

  // Invite a user, open them, disable them: the page says so and shows it.
  const email = uniqueEmail("invitee");
  await p.goto(`${BASE}/console#/apps/${id}/users`);
  await p.getByRole("button", { name: "Invite a user" }).first().click();
  const invite = p.getByRole("dialog", { name: "Invite a user" });
  await invite.getByLabel("Email", { exact: true }).fill(email);
  await invite.getByRole("button", { name: "Invite" }).click();
  await p.getByRole("link", { name: email }).click();
  await p.getByRole("button", { name: "Disable" }).click();
  await p.getByRole("dialog", { name: "Disable this user?" }).getByRole("button", { name: "Disable user" }).click();
  await p.locator("#toast").getByText(`Disabled ${email}`).waitFor();
  await p.getByText("Disabled: cannot sign in").waitFor();
  await p.getByRole("link", { name: "← All users" }).click();
  await p.getByLabel("Status").selectOption("disabled");
  await p.getByRole("button", { name: "Filter" }).click();
  await p.getByRole("link", { name: email }).waitFor();
  assert.deepEqual(problems, []);
  await context.close();
});

test("the tests' TOTP codes are RFC 6238's (HMAC-SHA1, 30 s steps)", () => {
  // RFC 6238 appendix B's SHA-1 secret, the ASCII "12345678901234567890", in base32.
  const secret = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
  assert.equal(totp(secret, { time: 59, digits: 8 }), "94287082");
  assert.equal(totp(secret, { time: 1111111109, digits: 8 }), "07081804");
  assert.equal(totp(secret, { time: 59 }), "287082", "6 digits: the last 6 of the same number");
});

/** The app `id` as the REST API shows it, with the console's token. */
const appView = (p, id) => p.evaluate(async (app) => (await (await window.AuthReturn.fetch(`/api/apps/${app}`)).json()), id);

/** A Cognito admin operation with the console's token (the test's own `cognito` has none). */
const adminOp = (p, operation, body) =>
  p.evaluate(async ([op, b]) => {
    const response = await window.AuthReturn.fetch("/", {
      method: "POST",
      headers: { "content-type": "application/x-amz-json-1.1", "x-amz-target": `AWSCognitoIdentityProviderService.${op}` },
      body: JSON.stringify(b),
    });
    return { status: response.status, body: await response.json().catch(() => null) };
  }, [operation, body]);

test("the MFA mode is chosen by keyboard, saved and shown again; a wrong one is shown beside it", { skip }, async () => {
  assert.ok(session, "needs the developer of the earlier test");
  const { context, problems } = await watchedContext({ storageState: session });
  const p = await context.newPage();
  const id = await createApp(p, "MFA settings app");
  await p.goto(`${BASE}/console#/apps/${id}/settings`);
  const mode = p.getByLabel("MFA mode", { exact: true });
  await mode.waitFor();
  assert.equal(await mode.inputValue(), "OFF", "off by default");
  assert.deepEqual(await mode.locator("option").allTextContents(), ["Off", "Optional", "Required"]);
  assert.equal(await p.getByRole("group", { name: "Multi-factor sign-in" }).getByRole("combobox", { name: "MFA mode" }).count(), 1);
  // Each mode explained in one line, read with the control (aria-describedby).
  const hint = await p.evaluate(() => {
    const select = document.querySelector('[data-field="mfa.mode"]');
    return select.getAttribute("aria-describedby").split(" ").map((ref) => document.getElementById(ref)?.innerText ?? "").join("\n");
  });
  assert.match(hint, /^Off: never asks for a second factor\.$/m);
  assert.match(hint, /^Optional: asks the users who turned on a second factor for a code\.$/m);
  assert.match(hint, /^Required: asks everyone; users without an authenticator app set one up at their next sign-in\.$/m);
  assert.match(hint, /^The sign-in component and the hosted pages ask for the codes; users turn their factors on and off under “Two-step verification”/m);
  assert.doesNotMatch(hint, /do not ask for codes/);

  // By keyboard: the arrow key picks "Optional", Enter on the focused button saves.
  await mode.focus();
  await p.keyboard.press("ArrowDown");
  assert.equal(await mode.inputValue(), "OPTIONAL");
  await p.getByRole("button", { name: "Save settings" }).focus();
  await p.keyboard.press("Enter");
  await p.locator("#toast").getByText("Settings saved.").waitFor();
  assert.deepEqual((await appView(p, id)).mfa, { mode: "OPTIONAL", email_otp: false });
  // Only the mode was sent: the audit log's settings_changed names just it.
  const changed = await p.evaluate(async (app) => (await (await window.AuthReturn.fetch(`/api/apps/${app}/events?type=settings_changed&limit=1`)).json()).events[0].detail.changed, id);
  assert.equal(changed, "mfa.mode");

  // A mode the server does not know (a stale or tampered form): shown beside the control, nothing changed.
  await p.evaluate(() => {
    const select = document.querySelector('[data-field="mfa.mode"]');
    select.options[2].value = "SOMETIMES";
    select.value = "SOMETIMES";
  });
  await p.getByRole("button", { name: "Save settings" }).click();
  const slot = p.locator('[data-error-for="mfa.mode"]');
  await until(async () => (await slot.textContent()) !== "", { message: "the mode's error" });
  assert.match(await slot.textContent(), /OFF, OPTIONAL or ON/);
  assert.equal(await mode.getAttribute("aria-invalid"), "true");
  assert.match(await p.locator("form .form-alert").textContent(), /Nothing was changed/);
  assert.deepEqual((await appView(p, id)).mfa, { mode: "OPTIONAL", email_otp: false }, "nothing changed");

  // Loaded afresh, the form shows the stored mode; "Required" saves as ON, and back.
  await p.goto("about:blank");
  await p.goto(`${BASE}/console#/apps/${id}/settings`);
  await mode.waitFor();
  assert.equal(await mode.inputValue(), "OPTIONAL");
  await mode.selectOption({ label: "Required" });
  await p.getByRole("button", { name: "Save settings" }).click();
  await p.locator("#toast").getByText("Settings saved.").waitFor();
  assert.deepEqual((await appView(p, id)).mfa, { mode: "ON", email_otp: false });
  // Codes by email: a checkbox of its own, sent alone (PATCH mfa.email_otp), shown again.
  const emailOtp = p.getByRole("group", { name: "Multi-factor sign-in" }).getByRole("checkbox", { name: "Offer codes by email" });
  assert.equal(await emailOtp.isChecked(), false);
  await emailOtp.check();
  await p.getByRole("button", { name: "Save settings" }).click();
  await until(async () => (await appView(p, id)).mfa.email_otp === true, { message: "email_otp saved" });
  assert.deepEqual((await appView(p, id)).mfa, { mode: "ON", email_otp: true });
  const emailChanged = await p.evaluate(async (app) => (await (await window.AuthReturn.fetch(`/api/apps/${app}/events?type=settings_changed&limit=1`)).json()).events[0].detail.changed, id);
  assert.equal(emailChanged, "mfa.email_otp");
  await p.goto("about:blank");
  await p.goto(`${BASE}/console#/apps/${id}/settings`);
  await mode.waitFor();
  assert.equal(await emailOtp.isChecked(), true);
  await emailOtp.uncheck();
  await mode.selectOption({ label: "Off" });
  await p.getByRole("button", { name: "Save settings" }).click();
  await until(async () => (await appView(p, id)).mfa.mode === "OFF", { message: "the mode saved as OFF" });
  assert.deepEqual((await appView(p, id)).mfa, { mode: "OFF", email_otp: false });
  assert.deepEqual(problems, []);
  await context.close();
});

test("a user's authenticator app is shown on their page and turned off by keyboard, with a confirmation", { skip }, async () => {
  assert.ok(session, "needs the developer of the earlier test");
  const { context, problems } = await watchedContext({ storageState: session });
  const p = await context.newPage();
  const id = await createApp(p, "MFA users app");
  await p.goto(`${BASE}/console#/apps/${id}/settings`);
  await p.getByLabel("MFA mode", { exact: true }).selectOption("OPTIONAL");
  await p.getByRole("button", { name: "Save settings" }).click();
  await p.locator("#toast").getByText("Settings saved.").waitFor();
  const app = await appView(p, id);
  // One user with an authenticator app, set up through the Cognito API as a user would, and one without.
  const email = await confirmedUser("mfa", { clientId: app.client_id });
  await setUpAuthenticatorApp(email, { clientId: app.client_id });
  const plain = await confirmedUser("no-mfa", { clientId: app.client_id });
  const factors = p.locator("dl.facts dt", { hasText: "Second factors" }).locator("xpath=following-sibling::dd[1]");
  const turnOff = p.getByRole("button", { name: "Turn off authenticator app" });

  await p.goto(`${BASE}/console#/apps/${id}/users`);
  await p.getByRole("link", { name: plain }).click();
  await p.getByText("Last sign-in").waitFor();
  assert.equal(await factors.textContent(), "None");
  assert.equal(await turnOff.count(), 0, "no action without an authenticator app");

  await p.getByRole("link", { name: "← All users" }).click();
  await p.getByRole("link", { name: email }).click();
  await p.getByText("Last sign-in").waitFor();
  assert.equal(await factors.textContent(), "Authenticator app: on (preferred)");
  // Escape dismisses the confirmation and gives the focus back; nothing changes.
  await turnOff.focus();
  await p.keyboard.press("Enter");
  const confirm = p.getByRole("dialog", { name: "Turn off this user's authenticator app?" });
  await confirm.waitFor();
  assert.match(await confirm.textContent(), /password alone/);
  assert.equal(await p.evaluate(() => document.activeElement?.closest("dialog") !== null), true, "the focus is in the dialog");
  await p.keyboard.press("Escape");
  await confirm.waitFor({ state: "detached" });
  assert.equal(await p.evaluate(() => document.activeElement?.textContent), "Turn off authenticator app");
  const before = await adminOp(p, "AdminGetUser", { UserPoolId: app.user_pool_id, Username: email });
  assert.deepEqual(before.body.UserMFASettingList, ["SOFTWARE_TOKEN_MFA"], JSON.stringify(before));
  // Again, confirmed by Tab and Enter alone.
  await p.keyboard.press("Enter");
  await confirm.waitFor();
  for (let i = 0; i < 5 && (await p.evaluate(() => document.activeElement?.textContent)) !== "Turn off authenticator app"; i++) await p.keyboard.press("Tab");
  assert.equal(await p.evaluate(() => document.activeElement?.closest("dialog") !== null && document.activeElement.textContent), "Turn off authenticator app");
  await p.keyboard.press("Enter");
  await p.locator("#toast").getByText(`Turned off the authenticator app of ${email}.`).waitFor();
  await until(async () => (await factors.textContent()) === "None", { message: "the page shows no second factor" });
  assert.equal(await turnOff.count(), 0);
  const after = await adminOp(p, "AdminGetUser", { UserPoolId: app.user_pool_id, Username: email });
  assert.equal(after.status, 200, JSON.stringify(after));
  assert.equal(after.body.UserMFASettingList, undefined, JSON.stringify(after.body));
  assert.equal(after.body.PreferredMfaSetting, undefined, JSON.stringify(after.body));
  // The user signs in with the password alone again.
  const signedIn = await cognito("InitiateAuth", { ClientId: app.client_id, AuthFlow: "USER_PASSWORD_AUTH", AuthParameters: { USERNAME: email, PASSWORD } });
  assert.ok(signedIn.AuthenticationResult?.AccessToken, JSON.stringify(signedIn));

  // Activity: the app turned on by the user, turned off by you.
  await p.getByRole("link", { name: "This user's activity" }).click();
  const row = (type) => p.locator("main tbody tr", { has: p.locator(`.event-${type}`) });
  await row("mfa_disabled").waitFor();
  assert.equal(await row("mfa_disabled").locator(".badge").textContent(), "MFA turned off");
  assert.equal(await row("mfa_disabled").locator('td[data-label="By"]').textContent(), "you");
  assert.equal(await row("mfa_enabled").locator('td[data-label="By"]').textContent(), "the user");
  assert.deepEqual(problems, []);
  await context.close();
});

test("passkeys are turned on with their relying party; a user's passkey is listed on their page and removed", { skip }, async () => {
  assert.ok(session, "needs the developer of the earlier test");
  const { context, problems } = await watchedContext({ storageState: session });
  const p = await context.newPage();
  const id = await createApp(p, "Passkeys app");
  await p.goto(`${BASE}/console#/apps/${id}/settings`);
  const group = p.getByRole("group", { name: "Passkeys" });
  const enabled = group.getByRole("checkbox", { name: "Let users sign in with passkeys" });
  const rpId = group.getByRole("textbox", { name: "Relying party id" });
  const origins = group.getByRole("textbox", { name: "More origins for passkeys" });
  await enabled.waitFor();
  assert.equal(await enabled.isChecked(), false, "off by default");
  assert.equal(await rpId.inputValue(), "");

  // An address is no relying party: shown beside the field, nothing changed.
  await enabled.check();
  await rpId.fill("10.0.0.1");
  await p.getByRole("button", { name: "Save settings" }).click();
  const slot = p.locator('[data-error-for="passkeys.relying_party_id"]');
  await until(async () => (await slot.textContent()) !== "", { message: "the relying party's error" });
  assert.match(await slot.textContent(), /must be a domain name/);
  assert.deepEqual((await appView(p, id)).passkeys, { enabled: false, origins: [] }, "nothing changed");

  await rpId.fill("localhost");
  await origins.fill("http://localhost:5173/");
  await p.getByRole("button", { name: "Save settings" }).click();
  await p.locator("#toast").getByText("Settings saved.").waitFor();
  assert.deepEqual((await appView(p, id)).passkeys, { enabled: true, relying_party_id: "localhost", origins: ["http://localhost:5173"] });
  assert.equal(await origins.inputValue(), "http://localhost:5173", "the server's spelling shown");
  await p.goto("about:blank");
  await p.goto(`${BASE}/console#/apps/${id}/settings`);
  await enabled.waitFor();
  assert.equal(await enabled.isChecked(), true);
  assert.equal(await rpId.inputValue(), "localhost");

  // A user with a passkey (registered as a browser would, from the allowed origin), one without.
  const app = await appView(p, id);
  const email = await confirmedUser("passkey", { clientId: app.client_id });
  const credential = await registerSoftPasskey(email, PASSWORD, { clientId: app.client_id, origin: "http://localhost:5173" });
  const plain = await confirmedUser("no-passkey", { clientId: app.client_id });
  const card = p.getByRole("region", { name: "Passkeys", exact: true });
  await p.goto(`${BASE}/console#/apps/${id}/users`);
  await p.getByRole("link", { name: plain }).click();
  await card.getByText("None registered.").waitFor();

  await p.getByRole("link", { name: "← All users" }).click();
  await p.getByRole("link", { name: email }).click();
  const remove = card.getByRole("button", { name: "Remove the passkey Passkey on this device" });
  await remove.waitFor();
  assert.match(await card.textContent(), /Passkey on this device/);
  // Escape keeps it; confirmed, it goes.
  await remove.focus();
  await p.keyboard.press("Enter");
  const confirm = p.getByRole("dialog", { name: "Remove this passkey?" });
  await confirm.waitFor();
  await p.keyboard.press("Escape");
  await confirm.waitFor({ state: "detached" });
  assert.equal(await remove.count(), 1);
  await remove.click();
  await confirm.getByRole("button", { name: "Remove passkey" }).click();
  await p.locator("#toast").getByText(`Removed the passkey “Passkey on this device” of ${email}.`).waitFor();
  await card.getByText("None registered.").waitFor();
  // The user's own list agrees, and the activity names the developer.
  const signedIn = await cognito("InitiateAuth", { ClientId: app.client_id, AuthFlow: "USER_PASSWORD_AUTH", AuthParameters: { USERNAME: email, PASSWORD } });
  const listed = await cognito("ListWebAuthnCredentials", { AccessToken: signedIn.AuthenticationResult.AccessToken });
  assert.deepEqual(listed.Credentials, []);
  await p.getByRole("link", { name: "This user's activity" }).click();
  const row = (type) => p.locator("main tbody tr", { has: p.locator(`.event-${type}`) });
  await row("passkey_removed").waitFor();
  assert.equal(await row("passkey_removed").locator(".badge").textContent(), "Passkey removed");
  assert.equal(await row("passkey_removed").locator('td[data-label="By"]').textContent(), "you");
  assert.equal(await row("passkey_added").locator('td[data-label="By"]').textContent(), "the user");
  assert.ok(credential.length > 0);
  assert.deepEqual(problems, []);
  await context.close();
});

test("hosted sign-in: a bad callback URL is shown beside the list by its line; a good one is saved", { skip }, async () => {
  assert.ok(session, "needs the developer of the earlier test");
  const { context, problems } = await watchedContext({ storageState: session });
  const p = await context.newPage();
  const id = await createApp(p, "Hosted sign-in app");
  await p.goto(`${BASE}/console#/apps/${id}/settings`);
  await p.getByRole("group", { name: "Hosted sign-in" }).waitFor();
  const callbacks = p.getByLabel("Callback URLs");
  const stored = async () => p.evaluate(async (app) => (await (await window.AuthReturn.fetch(`/api/apps/${app}`)).json()).oauth, id);
  await callbacks.fill("https://shop.example/callback\n\nhttp://evil.example/cb");
  await p.getByRole("button", { name: "Save settings" }).click();
  const slot = p.locator('[data-error-for="oauth.callback_urls"]');
  await until(async () => (await slot.textContent()) !== "", { message: "the list's error" });
  assert.match(await slot.textContent(), /^Line 3: callback_urls\[1\] must use https/);
  assert.equal(await callbacks.getAttribute("aria-invalid"), "true");
  assert.deepEqual((await stored()).callback_urls, [], "nothing changed");
  // Valid lists save, and the form shows what the server stored.
  await callbacks.fill("https://shop.example/callback\ncom.example.shop:/cb");
  await p.getByLabel("Accent colour").fill("#1F5FD6");
  await p.getByRole("button", { name: "Save settings" }).click();
  await p.locator("#toast").getByText("Settings saved.").waitFor();
  const oauth = await stored();
  assert.deepEqual(oauth.callback_urls, ["https://shop.example/callback", "com.example.shop:/cb"]);
  assert.equal(oauth.branding.accent_color, "#1f5fd6");
  assert.equal(await p.getByLabel("Accent colour").inputValue(), "#1f5fd6");
  assert.equal(await callbacks.getAttribute("aria-invalid"), null);
  assert.deepEqual(problems, []);
  await context.close();
});

test("many apps: searched and paged by the server, 50 a page, by keyboard", { skip }, async () => {
  assert.ok(session, "needs the developer of the earlier test");
  const { context, problems } = await watchedContext({ storageState: session });
  const p = await context.newPage();
  await p.goto(`${BASE}/console#/`);
  await p.getByRole("heading", { name: "Your apps" }).waitFor();
  const tag = `Paged ${Date.now()}`;
  await p.evaluate(async (prefix) => {
    for (let i = 0; i < 55; i++) {
      const response = await window.AuthReturn.fetch("/api/apps", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ name: `${prefix} #${String(i).padStart(2, "0")}` }),
      });
      if (!response.ok) throw new Error(`create: ${response.status}`);
    }
  }, tag);
  await p.getByLabel("Search apps").fill(tag.toLowerCase());
  await p.keyboard.press("Enter");
  const rows = p.locator("main tbody tr");
  await until(async () => (await rows.count()) === 50, { message: "a page of 50" });
  assert.match(await p.locator(".pager [role=status]").textContent(), /Apps 1–50/);
  const names = async () => p.locator("main tbody tr a").allTextContents();
  const first = await names();
  const next = p.getByRole("button", { name: "Next" });
  await next.focus();
  await p.keyboard.press("Enter");
  await until(async () => (await rows.count()) === 5, { message: "the last 5" });
  // The two pages hold every app once (newest first; apps made in the same second in any order).
  const all = new Set([...first, ...(await names())]);
  assert.equal(all.size, 55);
  assert.ok([...all].every((name) => name.startsWith(tag)));
  assert.equal(await next.isDisabled(), true);
  await p.getByRole("button", { name: "Previous" }).click();
  await until(async () => (await rows.count()) === 50, { message: "back to the first page" });
  // The create dialog opens and closes by keyboard, giving the focus back.
  await p.getByRole("button", { name: "Create app", exact: true }).focus();
  await p.keyboard.press("Enter");
  const dialog = p.getByRole("dialog", { name: "Create an app" });
  await dialog.waitFor();
  assert.equal(await p.evaluate(() => document.activeElement?.closest("dialog") !== null), true, "the focus is in the dialog");
  await p.keyboard.press("Escape");
  await dialog.waitFor({ state: "detached" });
  assert.equal(await p.evaluate(() => document.activeElement?.textContent), "Create app");
  assert.deepEqual(problems, []);
  await context.close();
});

const VIEWS = [
  ["light", { viewport: { width: 1280, height: 900 }, colorScheme: "light" }],
  ["dark", { viewport: { width: 1280, height: 900 }, colorScheme: "dark" }],
  ["phone", { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true, colorScheme: "light" }],
];

test("screenshots of every console page, light, dark and at 360 px, with nothing wider than the phone", { skip }, async () => {
  assert.ok(session, "needs the developer of the earlier test");
  // One app with something on each page.
  const { context: setup } = await watchedContext({ storageState: session });
  const s = await setup.newPage();
  await createApp(s, "Server-side app", { secret: true, shot: "console-secret-once" });
  const id = await createApp(s, "Screenshot app");
  // A user who signs up, signs in, sets up an authenticator app (MFA optional), and once types
  // a wrong password: the activity page's events, and a user's page with a second factor.
  const clientId = await s.evaluate(async (app) => (await (await window.AuthReturn.fetch(`/api/apps/${app}`)).json()).client_id, id);
  await s.evaluate(async (app) => {
    const response = await window.AuthReturn.fetch(`/api/apps/${app}`, { method: "PATCH", headers: { "content-type": "application/json" }, body: JSON.stringify({ mfa: { mode: "OPTIONAL" } }) });
    if (!response.ok) throw new Error(`PATCH: ${response.status}`);
  }, id);
  const email = await confirmedUser("shot", { clientId });
  await setUpAuthenticatorApp(email, { clientId });
  await cognito("InitiateAuth", { ClientId: clientId, AuthFlow: "USER_PASSWORD_AUTH", AuthParameters: { USERNAME: email, PASSWORD: "Wrong-Horse-1" } }).catch(() => {});
  await s.goto(`${BASE}/console#/apps/${id}/users`);
  for (const who of ["ada", "grace"]) {
    await s.getByRole("button", { name: "Invite a user" }).first().click();
    const dialog = s.getByRole("dialog", { name: "Invite a user" });
    await dialog.getByLabel("Email", { exact: true }).fill(uniqueEmail(who));
    await dialog.getByRole("button", { name: "Invite" }).click();
    await dialog.waitFor({ state: "detached" });
  }
  await s.goto(`${BASE}/console#/apps/${id}/keys`);
  await s.getByRole("button", { name: "Create API key" }).first().click();
  const keyDialog = s.getByRole("dialog", { name: "Create an API key" });
  await keyDialog.getByLabel("Name", { exact: true }).fill("billing service");
  await keyDialog.getByLabel(/Scopes/).fill("read orders:write");
  await keyDialog.getByRole("button", { name: "Create key" }).click();
  await keyDialog.getByText("Copy the key now.").waitFor();
  await screenshot(s, "console-key-once");
  await keyDialog.getByRole("button", { name: "I have copied the key" }).click();
  await setup.close();

  const pages = [
    ["apps", "#/", "Your apps"],
    ["start", `#/apps/${id}`, "One script tag: the sign-in component"],
    ["users", `#/apps/${id}/users`, "Users"],
    ["keys", `#/apps/${id}/keys`, "API keys"],
    ["settings", `#/apps/${id}/settings`, "Password policy"],
    ["signing-keys", `#/apps/${id}/signing-keys`, "Signing keys"],
    ["activity", `#/apps/${id}/activity`, "Activity"],
    ["webhooks", `#/apps/${id}/webhooks`, "No webhooks yet."],
    ["inbox", `#/apps/${id}/inbox`, "Inbox"],
  ];
  const wide = [];
  const faint = [];
  for (const [view, options] of VIEWS) {
    const { context, problems } = await watchedContext({ ...options, storageState: session });
    const p = await context.newPage();
    for (const [name, hash, marker] of pages) {
      await p.goto(`${BASE}/console${hash}`);
      await p.getByText(marker, { exact: true }).first().waitFor();
      await p.waitForFunction(() => !document.querySelector("main .loading"));
      await screenshot(p, `console-${name}-${view}`);
      for (const low of await lowContrast(p)) faint.push(`${view} ${name}: ${low}`);
      if (view === "phone") {
        const width = await p.evaluate(() => document.documentElement.scrollWidth);
        if (width > 360) wide.push(`${name}: ${width}px`);
      }
      if (name === "settings") {
        await p.getByRole("group", { name: "Multi-factor sign-in" }).scrollIntoViewIfNeeded();
        await screenshot(p, `console-settings-mfa-${view}`);
      }
    }
    // A user's page (with an authenticator app), the create dialog, and the signed-out welcome.
    await p.goto(`${BASE}/console#/apps/${id}/users`);
    await p.getByRole("link", { name: email }).click();
    await p.getByText("Last sign-in").waitFor();
    await p.getByRole("button", { name: "Turn off authenticator app" }).waitFor();
    await p.waitForFunction(() => !document.querySelector("main .loading") && !/Looking/.test(document.querySelector("main").textContent));
    await screenshot(p, `console-user-${view}`);
    for (const low of await lowContrast(p)) faint.push(`${view} user: ${low}`);
    if (view === "phone") {
      const width = await p.evaluate(() => document.documentElement.scrollWidth);
      if (width > 360) wide.push(`user: ${width}px`);
    }
    await p.getByRole("button", { name: "Turn off authenticator app" }).click();
    await p.getByRole("dialog", { name: "Turn off this user's authenticator app?" }).waitFor();
    await screenshot(p, `console-user-mfa-off-${view}`);
    await p.keyboard.press("Escape");
    await p.goto(`${BASE}/console#/`);
    await p.getByRole("button", { name: "Create app", exact: true }).click();
    await screenshot(p, `console-create-${view}`);
    await p.keyboard.press("Escape");
    await p.goto(`${BASE}/`);
    await screenshot(p, `landing-${view}`);
    await p.goto(`${BASE}/demo/${id}`);
    await screenshot(p, `demo-${view}`);
    const signedOut = await newContext(browser, options);
    const q = await signedOut.newPage();
    await q.goto(`${BASE}/console`);
    await q.getByRole("heading", { name: "Developer console" }).waitFor();
    await screenshot(q, `console-welcome-${view}`);
    await signedOut.close();
    assert.deepEqual(problems, [], view);
    await context.close();
  }
  assert.deepEqual(wide, [], "pages wider than 360 px");
  assert.deepEqual(faint, [], "text under WCAG AA contrast");
});
