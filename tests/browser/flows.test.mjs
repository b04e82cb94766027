// The modal and the header in Debian's Chromium, on a page of another origin than the server:
// sign up → code from the outbox → confirm → signed in; header states live; wrong password;
// forgot password; sign-in and sign-out across two tabs; keyboard only. (Storage modes:
// storage.test.mjs.)
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  skip, PASSWORD, APP, launch, newContext, startSite, openPage, uniqueEmail, codeFor, mailCount,
  confirmedUser, dialog, field, button, alert, header, isSignedIn, signInThroughModal, until,
  recordEvents, events, deepActive,
} from "./support.mjs";

let browser;
let site;

before(async () => {
  if (skip) return;
  browser = await launch();
  site = await startSite();
});

after(async () => {
  await browser?.close();
  await site?.close();
});

test("sign up in the modal, confirm with the mailed code, signed in; header follows live", { skip }, async () => {
  const context = await newContext(browser);
  const p = await openPage(context, site);
  await recordEvents(p);
  assert.equal(await isSignedIn(p), false);
  await header.signIn(p).waitFor();
  assert.equal(await header.email(p).isVisible(), false);

  // The header's "Sign in" opens the modal; "Create an account" switches to sign-up.
  await header.signIn(p).click();
  await dialog(p).waitFor();
  await button(p, "Create an account").click();
  const email = uniqueEmail("signup");
  await field(p, "Email").fill(email);
  const password = field(p, "Password");
  await password.pressSequentially("abc");
  // The app's password policy, ticked off as the user types.
  const rules = dialog(p).getByRole("list", { name: "Password must have" });
  assert.equal(await rules.locator('li[data-met="true"]').count(), 1); // a lowercase letter
  await password.fill(PASSWORD);
  await password.dispatchEvent("input");
  await until(async () => (await rules.locator('li[data-met="false"]').count()) === 0, { message: "all rules met" });
  await button(p, "Create account").click();

  // Confirm with the code from the outbox: the modal signs in with the password just chosen.
  await field(p, "Confirmation code").waitFor();
  assert.match(await dialog(p).getByRole("status").textContent(), new RegExp(`sent a code to ${email.replace(/[.+]/g, "\\$&")}`));
  await field(p, "Confirmation code").fill(await codeFor(email));
  await button(p, "Confirm").click();
  await dialog(p).waitFor({ state: "hidden" });
  await until(() => isSignedIn(p), { message: "signed in after confirming" });
  const user = await p.evaluate(() => window.AuthReturn.getUser());
  assert.equal(user.email, email);
  assert.equal(user.aud, APP.client_id);
  assert.equal((await events(p, "signin")).length, 1);

  // The header shows the email and a menu with "Sign out", without a reload.
  await header.email(p).waitFor();
  assert.equal(await header.email(p).textContent(), email);
  assert.equal(await header.signIn(p).isVisible(), false);
  await header.menu(p).click();
  await header.signOut(p).click();
  await header.signIn(p).waitFor();
  assert.equal(await isSignedIn(p), false);
  assert.equal(await p.evaluate(() => window.AuthReturn.getUser()), null);
  assert.equal(await p.evaluate(() => window.AuthReturn.getIdToken()), null);
  assert.equal((await events(p, "signout")).length, 1);

  // And back in with "Sign in": the modal remembers nothing of the last user but works as before.
  await signInThroughModal(p, email);
  assert.equal(await header.email(p).textContent(), email);
  await context.close();
});

test("a wrong password or an unknown email says so in plain words, in role=alert", { skip }, async () => {
  const email = await confirmedUser("wrong");
  const context = await newContext(browser);
  const p = await openPage(context, site);
  await header.signIn(p).click();
  await field(p, "Email").fill(email);
  await field(p, "Password").fill("Not-The-Password-1");
  await button(p, "Sign in").click();
  await until(async () => (await alert(p).textContent()) !== "", { message: "an alert" });
  assert.equal(await alert(p).textContent(), "Wrong email or password");
  assert.equal(await isSignedIn(p), false);
  assert.equal(await dialog(p).isVisible(), true);

  // An unknown email reads the same (no user enumeration through the wording).
  await field(p, "Email").fill(uniqueEmail("nobody"));
  await field(p, "Password").fill(PASSWORD);
  await p.evaluate(() => {
    document.querySelector("auth-return-modal").shadowRoot.querySelector('[role="alert"]').textContent = "";
  });
  await button(p, "Sign in").click();
  await until(async () => (await alert(p).textContent()) !== "", { message: "an alert" });
  assert.equal(await alert(p).textContent(), "Wrong email or password");

  // An empty field is caught before any request.
  await field(p, "Password").fill("");
  await button(p, "Sign in").click();
  await until(async () => (await alert(p).textContent()) === "Enter your password", { message: "empty password" });

  // A wrong confirmation code is plain words too.
  const fresh = uniqueEmail("badcode");
  await button(p, "Create an account").click();
  await field(p, "Email").fill(fresh);
  await field(p, "Password").fill(PASSWORD);
  await button(p, "Create account").click();
  await field(p, "Confirmation code").waitFor();
  const code = await codeFor(fresh);
  await field(p, "Confirmation code").fill(code === "000000" ? "111111" : "000000");
  await button(p, "Confirm").click();
  await until(async () => (await alert(p).textContent()) !== "", { message: "an alert" });
  assert.equal(await alert(p).textContent(), "That code is not right");
  await context.close();
});

test("after five wrong passwords the name is locked, and the modal says so in plain words", { skip }, async () => {
  const email = await confirmedUser("locked");
  const context = await newContext(browser);
  const p = await openPage(context, site);
  await header.signIn(p).click();
  await field(p, "Email").fill(email);
  const clearAlert = () =>
    p.evaluate(() => {
      document.querySelector("auth-return-modal").shadowRoot.querySelector('[role="alert"]').textContent = "";
    });
  for (let i = 0; i < 5; i++) {
    await clearAlert();
    await field(p, "Password").fill("Not-The-Password-1");
    await button(p, "Sign in").click();
    await until(async () => (await alert(p).textContent()) !== "", { message: `alert ${i + 1}` });
    assert.equal(await alert(p).textContent(), "Wrong email or password");
  }
  // Locked: even the right password is refused, with the lockout wording.
  await clearAlert();
  await field(p, "Password").fill(PASSWORD);
  await button(p, "Sign in").click();
  await until(async () => (await alert(p).textContent()) !== "", { message: "lockout alert" });
  assert.equal(await alert(p).textContent(), "Too many attempts, try again in a minute");
  assert.equal(await isSignedIn(p), false);
  await context.close();
});

test("forgot password: code by mail, reset in the modal, signed in with the new password", { skip }, async () => {
  const email = await confirmedUser("forgot");
  const newPassword = "Battery-Staple-7";
  const context = await newContext(browser);
  const p = await openPage(context, site);
  await header.signIn(p).click();
  await button(p, "Forgot your password?").click();
  await field(p, "Email").fill(email);
  const mailsBefore = mailCount(email);
  await button(p, "Send code").click();
  await field(p, "Confirmation code").waitFor();
  await field(p, "Confirmation code").fill(await codeFor(email, mailsBefore));
  await field(p, "New password").fill(newPassword);
  await button(p, "Reset password").click();
  await dialog(p).waitFor({ state: "hidden" });
  await until(() => isSignedIn(p), { message: "signed in after the reset" });
  assert.equal(await header.email(p).textContent(), email);

  // Sign out; the old password no longer works, the new one does.
  await p.evaluate(() => window.AuthReturn.signOut());
  await header.signIn(p).waitFor();
  await header.signIn(p).click();
  await field(p, "Email").fill(email);
  await field(p, "Password").fill(PASSWORD);
  await button(p, "Sign in").click();
  await until(async () => (await alert(p).textContent()) === "Wrong email or password", { message: "old password refused" });
  await field(p, "Password").fill(newPassword);
  await button(p, "Sign in").click();
  await dialog(p).waitFor({ state: "hidden" });
  await until(() => isSignedIn(p), { message: "signed in with the new password" });
  await context.close();
});

test("sign-in and sign-out in one tab reach a second tab", { skip }, async () => {
  const email = await confirmedUser("tabs");
  const context = await newContext(browser);
  const one = await openPage(context, site);
  const two = await openPage(context, site);
  await recordEvents(two);

  // Playwright's clicks wait for animation frames, which a background tab does not get.
  await one.bringToFront();
  await signInThroughModal(one, email);
  await until(() => isSignedIn(two), { message: "the second tab signed in" });
  await header.email(two).waitFor();
  assert.equal(await header.email(two).textContent(), email);

  await header.menu(one).click();
  await header.signOut(one).click();
  await until(async () => !(await isSignedIn(two)), { message: "the second tab signed out" });
  await header.signIn(two).waitFor();
  assert.equal(await two.evaluate(() => window.AuthReturn.getIdToken()), null);
  assert.deepEqual((await events(two)).map((e) => e.name), ["signin", "signout"]);

  // A third tab opened afterwards finds nobody signed in.
  const three = await openPage(context, site);
  assert.equal(await isSignedIn(three), false);
  await context.close();
});

test("keyboard only: Tab to the header, Enter, type, Enter; Escape closes; focus stays in the modal", { skip }, async () => {
  const email = await confirmedUser("keyboard");
  const context = await newContext(browser);
  const p = await openPage(context, site);
  await header.signIn(p).waitFor();
  const active = () => deepActive(p);

  // Tab reaches the header's "Sign in"; Enter opens the modal with the email field focused.
  await p.keyboard.press("Tab");
  assert.equal(await active(), "auth-header > button(Sign in)");
  await p.keyboard.press("Enter");
  await dialog(p).waitFor();
  assert.equal(await active(), "auth-return-modal > input[name=email]");

  // Escape closes. (Focus should go back to the header's button: see the test after this one.)
  await p.keyboard.press("Escape");
  await dialog(p).waitFor({ state: "hidden" });
  // Until that is fixed, focus is lost at the end of the document; Tab finds the button again.
  const tabToSignIn = async () => {
    for (let i = 0; i < 3 && (await active()) !== "auth-header > button(Sign in)"; i++) await p.keyboard.press("Tab");
    assert.equal(await active(), "auth-header > button(Sign in)");
  };
  await tabToSignIn();

  // Focus is trapped: many Tabs and Shift+Tabs never leave the modal.
  await p.keyboard.press("Enter");
  await dialog(p).waitFor();
  for (let i = 0; i < 9; i++) {
    await p.keyboard.press("Tab");
    assert.match(await active(), /^auth-return-modal > /, `after ${i + 1} Tabs`);
  }
  for (let i = 0; i < 9; i++) {
    await p.keyboard.press("Shift+Tab");
    assert.match(await active(), /^auth-return-modal > /, `after ${i + 1} Shift+Tabs`);
  }
  await p.keyboard.press("Escape");
  await dialog(p).waitFor({ state: "hidden" });
  await tabToSignIn();

  // Sign in without the mouse.
  await p.keyboard.press("Enter");
  await dialog(p).waitFor();
  assert.equal(await active(), "auth-return-modal > input[name=email]");
  await p.keyboard.type(email);
  await p.keyboard.press("Tab");
  assert.equal(await active(), "auth-return-modal > input[name=password]");
  await p.keyboard.type(PASSWORD);
  await p.keyboard.press("Enter");
  await dialog(p).waitFor({ state: "hidden" });
  await until(() => isSignedIn(p), { message: "signed in by keyboard" });

  // The account menu by keyboard: focus the toggle, ArrowDown opens, Enter on "Sign out".
  await header.menu(p).focus();
  await p.keyboard.press("ArrowDown");
  assert.equal(await active(), "auth-header > button(Sign out)");
  await p.keyboard.press("Enter");
  await until(async () => !(await isSignedIn(p)), { message: "signed out by keyboard" });
  await context.close();
});

test(
  "closing the modal gives focus back to the button in <auth-header> that opened it",
  {
    skip,
  },
  async () => {
    const context = await newContext(browser);
    const p = await openPage(context, site);
    await header.signIn(p).waitFor();
    await p.keyboard.press("Tab");
    await p.keyboard.press("Enter");
    await dialog(p).waitFor();
    await p.keyboard.press("Escape");
    await dialog(p).waitFor({ state: "hidden" });
    await p.waitForTimeout(100);
    assert.equal(await deepActive(p), "auth-header > button(Sign in)");
    await context.close();
  },
);
