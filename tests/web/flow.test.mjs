// The non-DOM layers of the sign-in component (web/src) against a running Auth Return: sign up,
// the code from the outbox, confirm, SRP sign-in, refresh with rotation, the fetch wrapper, sign-out.
// Needs AUTH_RETURN_URL, AUTH_RETURN_APP_PUBLIC (apps create --json) and AUTH_RETURN_OUTBOX, as
// tests/e2e/run.sh exports them; skips otherwise.
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { randomUUID } from "node:crypto";
import * as client from "../../web/src/client.js";
import * as errors from "../../web/src/errors.js";
import * as session from "../../web/src/session.js";
import { setTimeout as sleep } from "node:timers/promises";

const ar = { ...client, ...errors, ...session };

const { AUTH_RETURN_URL: URL_, AUTH_RETURN_APP_PUBLIC: APP_JSON, AUTH_RETURN_OUTBOX: OUTBOX } = process.env;
const skip = URL_ && APP_JSON && OUTBOX ? false : "needs AUTH_RETURN_URL, AUTH_RETURN_APP_PUBLIC, AUTH_RETURN_OUTBOX";
const BASE = URL_?.replace(/\/+$/, "");
const APP = APP_JSON ? JSON.parse(APP_JSON) : null;
const PASSWORD = "Correct-Horse-9!";

const uniqueEmail = (tag) => `web-${tag}-${randomUUID().slice(0, 12)}@example.com`;

async function codeFor(email, count = 1) {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const mails = existsSync(OUTBOX)
      ? readFileSync(OUTBOX, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l)).filter((m) => m.to === email)
      : [];
    if (mails.length >= count) return /(?<!\d)(\d{6})(?!\d)/.exec(mails[count - 1].text)[1];
    if (Date.now() > deadline) throw new Error(`no mail #${count} to ${email}`);
    await sleep(100);
  }
}

/** A core in memory, without other tabs, whose timers never keep Node alive; Node has no page, so the server is an API origin. */
async function newCore() {
  const core = new ar.AuthCore({
    appId: APP.app_id,
    baseUrl: BASE,
    options: { storage: "memory", apiOrigins: [BASE] },
    env: { bus: () => null, locks: null, setTimeout: (fn, ms) => setTimeout(fn, Math.min(ms, 2 ** 31 - 1)).unref() },
  });
  await core.start();
  return core;
}

async function newConfirmedUser(core, tag) {
  const email = uniqueEmail(tag);
  await core.client.signUp(email, PASSWORD);
  await core.client.confirmSignUp(email, await codeFor(email));
  return email;
}

function record(core, ...events) {
  const seen = [];
  for (const event of events) core.on(event, (detail) => seen.push([event, detail]));
  return seen;
}

const expectCode = (promise, code) => assert.rejects(promise, (e) => e.code === code || assert.fail(`${e.code}: ${e.message}`));

test("the public config names the app, its pool, client and password policy", { skip }, async () => {
  const config = await ar.fetchConfig(BASE, APP.app_id);
  assert.equal(config.name, APP.name);
  assert.equal(config.clientId, APP.client_id);
  assert.equal(config.userPoolId, APP.user_pool_id);
  assert.equal(typeof config.passwordPolicy.minLength, "number");
  await expectCode(ar.fetchConfig(BASE, "app_doesnotexist"), "ConfigError");
});

test("sign up, confirm with the mailed code, SRP sign-in, refresh, fetch, sign out", { skip }, async () => {
  const core = await newCore();
  const events = record(core, "signin", "tokenrefresh", "signout");
  const email = await newConfirmedUser(core, "flow");

  await expectCode(core.signInWithPassword(email, "Wrong-Horse-9!"), "NotAuthorizedException");
  const { user } = await core.signInWithPassword(email, PASSWORD);
  assert.equal(user.email, email);
  assert.equal(user.aud, APP.client_id);
  assert.ok(core.isSignedIn());
  const first = core.session;
  assert.ok(first.refreshTokenExpiresAt > Date.now() / 1000 + 3000);
  assert.equal(JSON.parse(core.store.getItem(core.key)).refreshToken, first.refreshToken);

  await core.refresh({ force: true });
  const second = core.session;
  assert.notEqual(second.refreshToken, first.refreshToken, "rotation hands out a new refresh token");
  assert.notEqual(second.accessToken, first.accessToken);
  assert.equal(second.refreshTokenExpiresAt, first.refreshTokenExpiresAt, "refreshing never extends the session");

  const me = await core.fetch(`${BASE}/api/user`);
  assert.equal(me.status, 200);
  assert.equal((await me.json()).token_use, "id");
  core.configure({ fetchToken: "access" });
  assert.equal((await (await core.fetch(`${BASE}/api/user`)).json()).token_use, "access");

  await core.signOut();
  assert.equal(core.isSignedIn(), false);
  assert.equal(core.getUser(), null);
  assert.equal(await core.getToken("id"), null);
  assert.equal(core.store.getItem(core.key), null);
  await expectCode(core.client.refresh(second.refreshToken), "NotAuthorizedException");
  assert.deepEqual(events.map(([e]) => e), ["signin", "tokenrefresh", "signout"]);
});

test("fetch refreshes once and retries once on a 401", { skip }, async () => {
  const core = await newCore();
  await core.signInWithPassword(await newConfirmedUser(core, "retry"), PASSWORD);
  const events = record(core, "tokenrefresh");
  core.session = { ...core.session, idToken: "stale.token.here" };

  const response = await core.fetch(`${BASE}/api/user`, { headers: { Accept: "application/json" } });
  assert.equal(response.status, 200);
  assert.equal(events.length, 1);

  // A caller's own Authorization header is left alone, and a 401 then is not retried.
  const own = await core.fetch(`${BASE}/api/user`, { headers: { Authorization: "Bearer nonsense" } });
  assert.equal(own.status, 401);
  assert.equal(events.length, 1);
});

test("two refreshes at once make one call", { skip }, async () => {
  const core = await newCore();
  await core.signInWithPassword(await newConfirmedUser(core, "once"), PASSWORD);
  const events = record(core, "tokenrefresh");
  const [a, b] = await Promise.all([core.refresh({ force: true }), core.refresh({ force: true })]);
  assert.equal(a, b);
  assert.equal(events.length, 1);
});

test("global sign-out revokes the session's access token", { skip }, async () => {
  const core = await newCore();
  await core.signInWithPassword(await newConfirmedUser(core, "global"), PASSWORD);
  const accessToken = core.session.accessToken;
  await core.signOut({ global: true });
  assert.equal(core.isSignedIn(), false);
  await expectCode(core.client.call("GetUser", { AccessToken: accessToken }), "NotAuthorizedException");
});

test("a revoked refresh token ends the session with a signout", { skip }, async () => {
  const core = await newCore();
  await core.signInWithPassword(await newConfirmedUser(core, "revoked"), PASSWORD);
  const events = record(core, "signout", "sessionexpired");
  await core.client.revoke(core.session.refreshToken);
  assert.equal(await core.refresh({ force: true }), null);
  assert.equal(core.isSignedIn(), false);
  assert.deepEqual(events, [["signout", { reason: "revoked" }]]);
});

test("an unconfirmed user is sent to the confirm view; a resent code confirms", { skip }, async () => {
  const core = await newCore();
  const email = uniqueEmail("unconfirmed");
  await core.client.signUp(email, PASSWORD);
  await expectCode(core.client.signUp(email, PASSWORD), "UsernameExistsException");
  const error = await core.signInWithPassword(email, PASSWORD).catch((e) => e);
  assert.equal(ar.describeError(error).view, "confirm");
  await core.client.resendCode(email);
  await expectCode(core.client.confirmSignUp(email, "000000"), "CodeMismatchException");
  await core.client.confirmSignUp(email, await codeFor(email, 2));
  assert.equal((await core.signInWithPassword(email, PASSWORD)).user.email, email);
});

test("a weak password is refused with the policy in words", { skip }, async () => {
  const core = await newCore();
  const error = await core.client.signUp(uniqueEmail("weak"), "short").catch((e) => e);
  assert.equal(error.code, "InvalidPasswordException");
  assert.match(ar.describeError(error, core.config.passwordPolicy).message, /^Use at least \d+ characters/);
});

test("forgot password: code by mail, reset, sign in with the new password", { skip }, async () => {
  const core = await newCore();
  const email = await newConfirmedUser(core, "forgot");
  await core.client.forgotPassword(email);
  const newPassword = "Another-Horse-7?";
  await core.client.confirmForgotPassword(email, await codeFor(email, 2), newPassword);
  await expectCode(core.signInWithPassword(email, PASSWORD), "NotAuthorizedException");
  assert.equal((await core.signInWithPassword(email, newPassword)).user.email, email);
});

test("an unreachable server reads as a network failure", { skip }, async () => {
  const client = ar.createClient({ endpoint: "http://127.0.0.1:9", clientId: "x", userPoolId: "local_x" });
  const error = await client.resendCode("a@example.com").catch((e) => e);
  assert.equal(ar.describeError(error).message, "Cannot reach the sign-in service");
});
