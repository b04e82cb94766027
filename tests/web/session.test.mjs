// The session core of web/auth_component.js on a fake clock, with a fake Cognito endpoint:
// scheduled refresh, the session-end warning and expiry, the idle timeout, storage modes, and
// tabs that share sign-in, sign-out and one refresh at a time.
import { test } from "node:test";
import assert from "node:assert/strict";
import { createRequire } from "node:module";

const ar = createRequire(import.meta.url)("../../web/auth_component.js");

const MIN = 60_000;
const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);
const APP = "app_test";
const CONFIG = {
  appId: APP,
  userPoolId: "local_Test1",
  clientId: "client1",
  region: "local",
  endpoint: "https://auth.test",
  issuer: "https://auth.test/local_Test1",
  passwordPolicy: { minLength: 8, requireUppercase: true, requireLowercase: true, requireNumbers: true, requireSymbols: true },
};

const b64url = (value) => Buffer.from(JSON.stringify(value)).toString("base64url");
const jwt = (claims) => `${b64url({ alg: "RS256" })}.${b64url(claims)}.sig`;

/** One clock, one fake server, shared by every tab of a test. */
function world({ sessionSecs = 3600, tokenSecs = 3600 } = {}) {
  let now = T0;
  let timers = [];
  let serial = 0;
  const calls = [];
  const endsAt = Math.floor(T0 / 1000) + sessionSecs;

  const result = () => {
    serial += 1;
    const iat = Math.floor(now / 1000);
    return {
      AccessToken: jwt({ token_use: "access", iat, exp: iat + tokenSecs, n: serial }),
      IdToken: jwt({ token_use: "id", email: "ann@example.com", iat, exp: iat + tokenSecs, n: serial }),
      RefreshToken: `refresh-${serial}`,
      ExpiresIn: tokenSecs,
      TokenType: "Bearer",
      RefreshTokenExpiresAt: endsAt,
    };
  };

  const reply = (status, body) =>
    new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/x-amz-json-1.1" } });

  async function fetch(url, init = {}) {
    if (String(url).endsWith("/config")) return reply(200, CONFIG);
    const op = new Headers(init.headers).get("X-Amz-Target").split(".")[1];
    const body = JSON.parse(init.body);
    calls.push([op, body]);
    if (op === "GetTokensFromRefreshToken") {
      if (now >= endsAt * 1000) return reply(400, { __type: "NotAuthorizedException", message: "Refresh Token has expired" });
      return reply(200, { AuthenticationResult: result() });
    }
    return reply(200, {});
  }

  const env = {
    fetch,
    now: () => now,
    setTimeout(fn, ms) {
      const timer = { at: now + ms, fn };
      timers.push(timer);
      return timer;
    },
    clearTimeout(timer) {
      timers = timers.filter((t) => t !== timer);
    },
    bus: () => null,
    locks: null,
  };

  /** Moves the clock, firing due timers in order and letting promises settle between them. */
  async function advance(ms) {
    const target = now + ms;
    for (;;) {
      await settle();
      const due = timers.filter((t) => t.at <= target).sort((a, b) => a.at - b.at)[0];
      if (!due) break;
      timers = timers.filter((t) => t !== due);
      now = Math.max(now, due.at);
      due.fn();
    }
    now = target;
    await settle();
  }

  return { env, calls, result, advance, ops: () => calls.map(([op]) => op) };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

async function tab(w, { options = {}, env = {} } = {}) {
  const core = new ar.AuthCore({ appId: APP, baseUrl: "https://auth.test", options, env: { ...w.env, ...env } });
  await core.start();
  return core;
}

function record(core, ...events) {
  const seen = [];
  for (const event of events) core.on(event, (detail) => seen.push([event, detail]));
  return seen;
}

test("refreshes two minutes before the access token expires, never moving the session's end", async () => {
  const w = world();
  const core = await tab(w);
  core.finishStep({ result: w.result() });
  const events = record(core, "tokenrefresh");
  const end = core.session.refreshTokenExpiresAt;

  await w.advance(57 * MIN);
  assert.deepEqual(w.ops(), []);
  await w.advance(1 * MIN + 1000);
  assert.deepEqual(w.ops(), ["GetTokensFromRefreshToken"]);
  assert.equal(w.calls[0][1].RefreshToken, "refresh-1");
  assert.equal(events.length, 1);
  assert.equal(core.session.refreshToken, "refresh-2");
  assert.equal(core.session.refreshTokenExpiresAt, end);
});

test("getIdToken refreshes first when the token is about to expire", async () => {
  const w = world();
  const core = await tab(w);
  core.finishStep({ result: w.result() });
  const before = await core.getToken("id");
  assert.deepEqual(w.ops(), []);
  core.session = { ...core.session, accessExpiresAt: w.env.now() + 60_000 };
  core.save();
  const after = await core.getToken("id");
  assert.notEqual(after, before);
  assert.deepEqual(w.ops(), ["GetTokensFromRefreshToken"]);
});

test("warns before the session ends, then expires it", async () => {
  const w = world({ sessionSecs: 7200 });
  const core = await tab(w);
  core.finishStep({ result: w.result() });
  const events = record(core, "sessionexpiring", "sessionexpired", "signout");

  await w.advance(114 * MIN);
  assert.deepEqual(events, []);
  await w.advance(1 * MIN + 1000);
  assert.equal(events.length, 1);
  assert.equal(events[0][0], "sessionexpiring");
  assert.equal(events[0][1].reason, "session");
  assert.equal(events[0][1].minutesLeft, 5);
  assert.equal(events[0][1].expiresAt, T0 + 7200_000);

  await w.advance(5 * MIN);
  assert.deepEqual(events.slice(1), [
    ["sessionexpired", { reason: "expired" }],
    ["signout", { reason: "expired" }],
  ]);
  assert.equal(core.isSignedIn(), false);
  assert.equal(core.store.getItem(core.key), null);
});

test("how long before the end to warn is configurable", async () => {
  const w = world();
  const core = await tab(w, { options: { warnBeforeMinutes: 20 } });
  core.finishStep({ result: w.result() });
  const events = record(core, "sessionexpiring");
  await w.advance(39 * MIN);
  assert.equal(events.length, 0);
  await w.advance(1 * MIN + 1000);
  assert.equal(events[0][1].minutesLeft, 20);
});

test("the idle timeout warns a minute ahead, activity resets it, and it signs out", async () => {
  const w = world();
  const core = await tab(w, { options: { idleTimeoutMinutes: 10 } });
  core.finishStep({ result: w.result() });
  const events = record(core, "sessionexpiring", "_idlereset", "signout");

  await w.advance(9 * MIN + 1000);
  assert.deepEqual(events.map(([e, d]) => [e, d.reason]), [["sessionexpiring", "idle"]]);
  core.recordActivity();
  assert.equal(events[1][0], "_idlereset");

  await w.advance(9 * MIN);
  assert.equal(events.length, 2);
  await w.advance(1 * MIN + 1000);
  assert.equal(events[2][1].reason, "idle");
  await w.advance(1 * MIN);
  assert.deepEqual(events[3], ["signout", { reason: "idle" }]);
  assert.ok(w.ops().includes("RevokeToken"));
});

test("sign-out revokes the refresh token; global sign-out calls GlobalSignOut", async () => {
  const w = world();
  const core = await tab(w);
  core.finishStep({ result: w.result() });
  await core.signOut();
  assert.deepEqual(w.calls.at(-1), ["RevokeToken", { ClientId: "client1", Token: "refresh-1" }]);

  core.finishStep({ result: w.result() });
  const access = core.session.accessToken;
  await core.signOut({ global: true });
  assert.deepEqual(w.calls.at(-1), ["GlobalSignOut", { AccessToken: access }]);
  assert.equal(core.isSignedIn(), false);
});

test("signing in again over a live session revokes the replaced refresh token", async () => {
  const w = world();
  const core = await tab(w);
  core.finishStep({ result: w.result() });
  core.finishStep({ result: w.result() });
  await w.advance(0);
  assert.deepEqual(w.calls, [["RevokeToken", { ClientId: "client1", Token: "refresh-1" }]]);
  assert.equal(core.session.refreshToken, "refresh-2");
});

test("a session survives a reload in local and session storage, not in memory", async () => {
  for (const storage of ["local", "session", "memory"]) {
    const w = world();
    const shared = ar.memoryStorage();
    const env = { storage: (kind) => (kind === "memory" ? ar.memoryStorage() : shared) };
    const first = await tab(w, { options: { storage }, env });
    first.finishStep({ result: w.result() });
    const reloaded = await tab(w, { options: { storage }, env });
    assert.equal(reloaded.isSignedIn(), storage !== "memory", storage);
  }
});

test("changing the storage moves the session", async () => {
  const w = world();
  const stores = { local: ar.memoryStorage(), session: ar.memoryStorage(), memory: ar.memoryStorage() };
  const core = await tab(w, { env: { storage: (kind) => stores[kind] } });
  core.finishStep({ result: w.result() });
  core.configure({ storage: "session" });
  assert.equal(stores.local.getItem(core.key), null);
  assert.equal(JSON.parse(stores.session.getItem(core.key)).refreshToken, "refresh-1");
});

/** Tabs of one origin: one localStorage, one broadcast channel, one lock manager. */
function origin({ locks = true } = {}) {
  const storage = ar.memoryStorage();
  const members = new Set();
  let chain = Promise.resolve();
  return {
    storage: () => storage,
    locks: locks
      ? {
          request(_name, fn) {
            const run = chain.then(fn);
            chain = run.catch(() => {});
            return run;
          },
        }
      : null,
    bus() {
      const member = { listeners: [] };
      members.add(member);
      return {
        post(message) {
          const copy = structuredClone(message);
          for (const other of members) {
            if (other !== member) queueMicrotask(() => other.listeners.forEach((fn) => fn(copy)));
          }
        },
        listen: (fn) => member.listeners.push(fn),
      };
    },
  };
}

test("sign-in and sign-out are mirrored in the other tabs", async () => {
  const w = world();
  const shared = origin();
  const a = await tab(w, { env: shared });
  const b = await tab(w, { env: shared });
  const seen = record(b, "signin", "signout", "tokenrefresh");

  a.finishStep({ result: w.result() });
  await w.advance(0);
  assert.equal(b.isSignedIn(), true);
  assert.equal(b.getUser().email, "ann@example.com");

  await a.refresh({ force: true });
  await w.advance(0);
  assert.equal(b.session.refreshToken, a.session.refreshToken);

  await a.signOut();
  await w.advance(0);
  assert.equal(b.isSignedIn(), false);
  assert.deepEqual(seen.map(([e]) => e), ["signin", "tokenrefresh", "signout"]);
});

for (const locks of [true, false]) {
  test(`tabs due at the same moment refresh once (${locks ? "Web Locks" : "BroadcastChannel"})`, async () => {
    const w = world();
    const shared = origin({ locks });
    const a = await tab(w, { env: shared });
    const b = await tab(w, { env: shared });
    a.finishStep({ result: w.result() });
    await w.advance(0);
    await w.advance(58 * MIN + 1000);
    assert.deepEqual(w.ops(), ["GetTokensFromRefreshToken"]);
    assert.equal(a.session.refreshToken, "refresh-2");
    assert.equal(b.session.refreshToken, "refresh-2");
  });
}
