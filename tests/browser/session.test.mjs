// Time-driven behaviour in Debian's Chromium, with Playwright's fake clock in the page: silent
// refresh before the access token expires, AuthReturn.fetch's refresh-and-retry on a 401 from a
// test backend, and the "Your session ends in N minutes — stay signed in" prompt near the end of
// a short session (an app of this test's own, with a 1 h refresh-token lifetime set by the CLI).
//
// The server's clock is real: a page clock moved forward by an hour sees tokens the server still
// considers fresh, which is what lets the refreshes here succeed.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import {
  skip, cliSkip, cli, launch, newContext, startSite, openPage, confirmedUser, PASSWORD, dialog, field,
  button, header, isSignedIn, signInThroughModal, until, recordEvents, events,
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

const session = (p, appId) =>
  p.evaluate((id) => JSON.parse(localStorage.getItem(`authreturn:${id}:session`)), appId);

const protectedCall = (p) =>
  p.evaluate(async () => {
    const response = await window.AuthReturn.fetch("/api/protected");
    return { status: response.status, body: await response.json() };
  });

test("tokens are refreshed on their own before the access token expires (fake clock)", { skip }, async () => {
  const email = await confirmedUser("refresh");
  const context = await newContext(browser);
  await context.clock.install();
  const p = await openPage(context, site);
  await recordEvents(p);
  await signInThroughModal(p, email);
  const idBefore = await p.evaluate(() => window.AuthReturn.getIdToken());
  const accessBefore = await p.evaluate(() => window.AuthReturn.getAccessToken());
  assert.ok(idBefore && accessBefore);
  assert.equal((await events(p, "tokenrefresh")).length, 0);
  await sleep(1100); // new tokens are issued in a later second than the first ones

  // Past the access token's expiry (ExpiresIn 3600 s): the component's own timer refreshes.
  await p.clock.fastForward(61 * 60_000);
  await until(async () => (await events(p, "tokenrefresh")).length >= 1, { message: "a tokenrefresh event" });
  const [refreshed] = await events(p, "tokenrefresh");
  assert.equal(refreshed.detail.user.email, email);
  const idAfter = await p.evaluate(() => window.AuthReturn.getIdToken());
  const accessAfter = await p.evaluate(() => window.AuthReturn.getAccessToken());
  assert.notEqual(idAfter, idBefore);
  assert.notEqual(accessAfter, accessBefore);
  assert.equal((await events(p, "tokenrefresh")).length, 1, "getIdToken() right after a refresh does not refresh again");
  assert.equal(await isSignedIn(p), true);
  assert.equal(await header.email(p).textContent(), email);
  assert.equal((await events(p, "error")).length, 0);

  // The new token is good at a real backend.
  const call = await protectedCall(p);
  assert.equal(call.status, 200);
  assert.equal(call.body.user.email, email);
  await context.close();
});

test("AuthReturn.fetch: a 401 from the backend makes it refresh once and retry once", { skip }, async () => {
  const email = await confirmedUser("fetch");
  const context = await newContext(browser);
  const p = await openPage(context, site);
  await recordEvents(p);

  // Signed out: no Authorization header, the 401 is returned as it is, no retry.
  let start = site.seen.length;
  assert.equal((await protectedCall(p)).status, 401);
  assert.deepEqual(site.seen.slice(start), [{ token: null, status: 401 }]);

  await signInThroughModal(p, email);
  start = site.seen.length;
  const ok = await protectedCall(p);
  assert.equal(ok.status, 200);
  assert.equal(ok.body.user.email, email);
  const token = await p.evaluate(() => window.AuthReturn.getIdToken());
  assert.deepEqual(site.seen.slice(start), [{ token, status: 200 }], "sends the ID token by default");

  // The backend refuses this token once: one refresh, one retry with the new token, 200.
  await sleep(1100); // so that the refreshed token differs from this one
  site.rejectOnce(token);
  start = site.seen.length;
  const retried = await protectedCall(p);
  assert.equal(retried.status, 200);
  const calls = site.seen.slice(start);
  assert.equal(calls.length, 2, JSON.stringify(calls));
  assert.deepEqual(calls[0], { token, status: 401 });
  assert.notEqual(calls[1].token, token);
  assert.equal(calls[1].status, 200);
  assert.equal(calls[1].token, await p.evaluate(() => window.AuthReturn.getIdToken()));
  assert.equal((await events(p, "tokenrefresh")).length, 1);

  // A 401 that persists after the retry is handed back, after exactly one refresh and one retry.
  await sleep(1100);
  site.rejectNext(5);
  start = site.seen.length;
  const refused = await protectedCall(p);
  site.rejectNext(0);
  const calls2 = site.seen.slice(start);
  assert.equal(refused.status, 401);
  assert.equal(calls2.length, 2, JSON.stringify(calls2));
  assert.notEqual(calls2[1].token, calls2[0].token);
  assert.equal((await events(p, "tokenrefresh")).length, 2);

  // Explicit Authorization headers are left alone.
  start = site.seen.length;
  const own = await p.evaluate(async () => (await window.AuthReturn.fetch("/api/protected", { headers: { Authorization: "Bearer mine" } })).status);
  assert.equal(own, 401);
  assert.deepEqual(site.seen.slice(start), [{ token: "mine", status: 401 }]);
  await context.close();
});

test(
  "near the end of the session a prompt says 'Your session ends in N minutes — stay signed in' and re-authenticates in place",
  { skip: skip || cliSkip },
  async () => {
    const app = await cli("apps", "create", "--name", `browser short session ${Date.now()}`);
    const updated = await cli("apps", "update", app.app_id, "--refresh-validity", "3600");
    assert.equal(updated.refresh_validity_secs, 3600);
    const email = await confirmedUser("prompt", { clientId: app.client_id });

    const context = await newContext(browser);
    await context.clock.install();
    const p = await openPage(context, site, { app: app.app_id });
    await recordEvents(p);
    await signInThroughModal(p, email);
    const first = await session(p, app.app_id);
    const now = await p.evaluate(() => Date.now());
    assert.ok(Math.abs(first.refreshTokenExpiresAt * 1000 - (now + 3600_000)) < 60_000, "the session ends in an hour");

    const prompt = p.locator("auth-return-prompt").getByRole("status");
    assert.equal(await prompt.isVisible(), false);
    await p.clock.fastForward(56 * 60_000);
    await until(async () => (await events(p, "sessionexpiring")).length >= 1, { message: "a sessionexpiring event" });
    const [expiring] = await events(p, "sessionexpiring");
    assert.equal(expiring.detail.reason, "session");
    assert.equal(expiring.detail.expiresAt, first.refreshTokenExpiresAt * 1000);
    assert.ok([4, 5].includes(expiring.detail.minutesLeft), JSON.stringify(expiring.detail));
    await prompt.waitFor();
    // The text, then the "stay signed in" button, then the "×" of the Dismiss button.
    assert.match(await prompt.textContent(), /^Your session ends in [45] minutes — stay signed in×$/);
    await prompt.getByRole("button", { name: "Dismiss" }).waitFor();
    assert.equal(await isSignedIn(p), true, "still signed in while warned");

    // "stay signed in" opens the modal as re-authentication, the email already filled in.
    await sleep(1100); // a new session ends at least a second later than the first one
    await prompt.getByRole("button", { name: "stay signed in" }).click();
    await dialog(p).waitFor();
    assert.equal(await dialog(p).getByRole("heading").textContent(), "Stay signed in");
    assert.equal(await field(p, "Email").inputValue(), email);
    await field(p, "Password").fill(PASSWORD);
    await button(p, "Sign in").click();
    await dialog(p).waitFor({ state: "hidden" });
    assert.equal((await events(p, "signin")).length, 2);
    const second = await session(p, app.app_id);
    assert.notEqual(second.refreshToken, first.refreshToken);
    assert.ok(second.refreshTokenExpiresAt > first.refreshTokenExpiresAt, "a new, later end");
    assert.equal(await header.email(p).textContent(), email, "no reload, the page kept its state");
    // (The server's clock did not move with the page's, so from the page's point of view the new
    // session also ends in about 4 minutes, and the prompt may come back at once.)

    // Past the end of the session: sessionexpired, then signout; the header says "Sign in".
    await p.clock.fastForward(10 * 60_000);
    await until(async () => (await events(p, "sessionexpired")).length >= 1, { message: "a sessionexpired event" });
    const names = (await events(p)).map((e) => e.name);
    assert.deepEqual(names.slice(names.indexOf("sessionexpired")), ["sessionexpired", "signout"]);
    assert.equal(await isSignedIn(p), false);
    await header.signIn(p).waitFor();
    await until(async () => !(await prompt.isVisible()), { message: "the prompt hidden" });
    await context.close();
  },
);
