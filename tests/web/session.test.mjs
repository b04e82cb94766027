// The session core (web/src/session.js) on a fake clock, with a fake Cognito endpoint:
// scheduled refresh, the session-end warning and expiry, the idle timeout, storage modes, options
// set with configure before and after start (the same as data-*), and tabs that share sign-in,
// sign-out and one refresh at a time in local storage, while in session and memory storage nothing
// of a sign-in leaves its tab and a copy of it (a duplicated tab) is left to the tab that holds it.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as platform from "../../web/src/platform.js";
import * as session from "../../web/src/session.js";

const ar = { ...platform, ...session };

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
    pageUrl: () => "https://app.test/",
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

/** A core not started yet: the page before AuthReturn.ready. */
const unstarted = (w, { options = {}, env = {} } = {}) =>
  new ar.AuthCore({ appId: APP, baseUrl: "https://auth.test", options, env: { ...w.env, ...env } });

async function tab(w, setup) {
  const core = unstarted(w, setup);
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

/** localStorage and sessionStorage that outlive a core (a reload), and a fresh memory each time. */
function stores() {
  const kept = { local: ar.memoryStorage(), session: ar.memoryStorage() };
  return { ...kept, storage: (kind) => kept[kind] ?? ar.memoryStorage() };
}

const KEY = `authreturn:${APP}:session`;
const saved = (store) => store.getItem(KEY);

/** A session of its own saved in each of local and session storage, as earlier page loads left them. */
async function savedSessions(w, s) {
  for (const storage of ["local", "session"]) {
    const earlier = await tab(w, { options: { storage }, env: { storage: s.storage } });
    earlier.finishStep({ result: w.result() });
  }
  return { local: saved(s.local), session: saved(s.session) };
}

const refreshTokenOf = (core) => core.session?.refreshToken ?? null;

for (const from of ["local", "session", "memory"]) {
  for (const to of ["local", "session", "memory"].filter((kind) => kind !== from)) {
    test(`configure({storage: "${to}"}) before start on a ${from} page reads what data-storage="${to}" reads, writes nothing`, async () => {
      const w = world();
      const s = stores();
      const before = await savedSessions(w, s);
      const byData = await tab(w, { options: { storage: to }, env: { storage: s.storage } });

      const core = unstarted(w, { options: { storage: from }, env: { storage: s.storage } });
      const events = record(core, "signin", "signout");
      assert.equal(core.configure({ storage: to }).storage, to);
      await core.start();
      assert.equal(refreshTokenOf(core), refreshTokenOf(byData));
      assert.equal(refreshTokenOf(core), to === "memory" ? null : JSON.parse(before[to]).refreshToken);
      assert.deepEqual({ local: saved(s.local), session: saved(s.session) }, before, "both storages as they were");
      assert.deepEqual(events, []);
    });
  }
}

test("configure({storage}) after start takes a live session to the new storage, silently", async () => {
  const w = world();
  const s = stores();
  const core = await tab(w, { env: { storage: s.storage } });
  core.finishStep({ result: w.result() });
  const events = record(core, "signin", "signout", "tokenrefresh");
  const session = saved(s.local);

  core.configure({ storage: "session" });
  assert.deepEqual([saved(s.local), saved(s.session)], [null, session]);
  core.configure({ storage: "memory" });
  assert.deepEqual([saved(s.local), saved(s.session)], [null, null]);
  assert.equal(saved(core.store), session);
  core.configure({ storage: "local" });
  assert.deepEqual([saved(s.local), saved(s.session)], [session, null]);
  assert.equal(core.isSignedIn(), true);
  assert.deepEqual(events, []);

  // The session ends where it now lives.
  await core.signOut();
  assert.equal(saved(s.local), null);
});

test("a live session moved away leaves another session in the old storage where it was", async () => {
  const w = world();
  const s = stores();
  const core = await tab(w, { env: { storage: s.storage } });
  core.finishStep({ result: w.result() });
  s.local.setItem(KEY, JSON.stringify({ ...core.session, refreshToken: "another-tab" }));
  const other = saved(s.local);
  core.configure({ storage: "session" });
  assert.equal(saved(s.local), other);
  assert.equal(JSON.parse(saved(s.session)).refreshToken, "refresh-1");
});

test("configure({storage}) after start, signed out: a session saved there is adopted, none is overwritten with nothing", async () => {
  const w = world();
  const s = stores();
  const core = await tab(w, { options: { storage: "memory" }, env: { storage: s.storage } });
  const events = record(core, "signin", "signout");
  // Another tab signs in and saves its session in localStorage; this tab has no bus to hear it.
  const other = await tab(w, { env: { storage: s.storage } });
  other.finishStep({ result: w.result() });
  const session = saved(s.local);

  core.configure({ storage: "session" });
  assert.equal(core.isSignedIn(), false);
  assert.deepEqual([saved(s.local), saved(s.session)], [session, null]);

  core.configure({ storage: "local" });
  assert.equal(core.isSignedIn(), true);
  assert.equal(core.getUser().email, "ann@example.com");
  assert.deepEqual(events.map(([e]) => e), ["signin"]);
  assert.equal(saved(s.local), session);

  // Adopted, it is this tab's like any other: it is refreshed on time.
  await w.advance(58 * MIN + 1000);
  assert.deepEqual(w.ops(), ["GetTokensFromRefreshToken"]);
  assert.equal(JSON.parse(saved(s.local)).refreshToken, "refresh-2");
});

/** The events of a session under `options`, given as data-* (options), or with configure before or after start. */
async function timeline(way, options, { minutes, sessionSecs }) {
  const w = world({ sessionSecs });
  const core = unstarted(w, { options: way === "data-*" ? options : {} });
  if (way === "configure before start") core.configure(options);
  await core.start();
  core.finishStep({ result: w.result() });
  if (way === "configure after start") core.configure(options);
  const events = record(core, "sessionexpiring", "sessionexpired", "signout");
  const seen = [];
  for (let minute = 1; minute <= minutes; minute++) {
    await w.advance(MIN);
    for (const [event, detail] of events.splice(0)) seen.push([minute, event, detail.reason, detail.minutesLeft]);
  }
  return seen;
}

for (const [options, expected, limits] of [
  [
    { idleTimeoutMinutes: 10 },
    [[10, "sessionexpiring", "idle", 1], [11, "signout", "idle", undefined]],
    { minutes: 15, sessionSecs: 3600 },
  ],
  [
    { warnBeforeMinutes: 20 },
    [[41, "sessionexpiring", "session", 20], [61, "sessionexpired", "expired", undefined], [61, "signout", "expired", undefined]],
    { minutes: 62, sessionSecs: 3600 },
  ],
]) {
  test(`${JSON.stringify(options)} acts the same as data-*, configured before or after start`, async () => {
    for (const way of ["data-*", "configure before start", "configure after start"]) {
      assert.deepEqual(await timeline(way, options, limits), expected, way);
    }
  });
}

test("a warning no longer due under options configured later is taken back", async () => {
  const w = world();
  const core = await tab(w, { options: { idleTimeoutMinutes: 10, warnBeforeMinutes: 5 } });
  core.finishStep({ result: w.result() });
  const events = record(core, "sessionexpiring", "_idlereset", "_sessionreset", "signout");
  const names = () => events.splice(0).map(([e, d]) => (d ? `${e}:${d.reason}` : e));

  await w.advance(9 * MIN + 1000);
  assert.deepEqual(names(), ["sessionexpiring:idle"]);
  core.configure({ idleTimeoutMinutes: 30 });
  assert.deepEqual(names(), ["_idlereset"]);
  await w.advance(20 * MIN);
  assert.deepEqual(names(), ["sessionexpiring:idle"], "warned again a minute before the new end");
  core.configure({ idleTimeoutMinutes: 0 });
  assert.deepEqual(names(), ["_idlereset"]);
  await w.advance(5 * MIN);
  assert.deepEqual(names(), [], "no idle sign-out once switched off");

  core.configure({ warnBeforeMinutes: 40 });
  assert.deepEqual(names(), ["sessionexpiring:session"]);
  core.configure({ warnBeforeMinutes: 20 });
  assert.deepEqual(names(), ["_sessionreset"]);
  await w.advance(7 * MIN);
  assert.deepEqual(names(), ["sessionexpiring:session"]);
  assert.equal(core.isSignedIn(), true);
});

test("fetchToken set with configure before start sends the access token, as data-fetch-token does", async () => {
  for (const way of ["data-*", "configure before start"]) {
    const w = world();
    const sent = [];
    const api = (request) => (sent.push(request.headers.get("Authorization")), new Response("{}"));
    const fetch = (input, init) => (input instanceof Request ? api(input) : w.env.fetch(input, init));
    const core = unstarted(w, { options: way === "data-*" ? { fetchToken: "access" } : {}, env: { fetch } });
    if (way !== "data-*") core.configure({ fetchToken: "access" });
    await core.start();
    core.finishStep({ result: w.result() });
    await core.fetch("https://app.test/orders");
    assert.deepEqual(sent, [`Bearer ${core.session.accessToken}`], way);
  }
});

/** Web Locks, exclusive, one queue per name; `signal` gives up a request not granted yet. */
function lockManager() {
  const queues = new Map();
  const next = (queue) => queue[0] && !queue[0].running && queue[0].start();
  return {
    request(name, options, fn) {
      if (typeof options === "function") [options, fn] = [{}, options];
      const queue = queues.get(name) ?? queues.set(name, []).get(name);
      return new Promise((resolve, reject) => {
        const entry = {
          running: false,
          start() {
            entry.running = true;
            Promise.resolve()
              .then(fn)
              .then(resolve, reject)
              .finally(() => (queue.splice(queue.indexOf(entry), 1), next(queue)));
          },
        };
        options.signal?.addEventListener("abort", () => {
          if (entry.running || !queue.includes(entry)) return;
          queue.splice(queue.indexOf(entry), 1);
          reject(new DOMException("The request was aborted", "AbortError"));
        });
        queue.push(entry);
        next(queue);
      });
    },
  };
}

/** Tabs of one origin: one localStorage, one broadcast channel (all it carried in `posted`), one lock manager. */
function origin({ locks = true } = {}) {
  const storage = ar.memoryStorage();
  const members = new Set();
  const posted = [];
  return {
    storage: () => storage,
    locks: locks ? lockManager() : null,
    posted,
    bus() {
      const member = { listeners: [] };
      members.add(member);
      return {
        post(message) {
          const copy = structuredClone(message);
          posted.push(copy);
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

/** A tab of `shared`: the origin's localStorage, its own sessionStorage, memory of its own. */
const ownTab = (shared, session = ar.memoryStorage()) => ({
  ...shared,
  storage: (kind) => ({ local: shared.storage(), session })[kind] ?? ar.memoryStorage(),
});

for (const storage of ["session", "memory"]) {
  test(`storage=${storage}: nothing of a sign-in leaves its tab, no token and no event`, async () => {
    const w = world();
    const shared = origin();
    const a = await tab(w, { options: { storage }, env: ownTab(shared) });
    const b = await tab(w, { options: { storage }, env: ownTab(shared) });
    const seen = record(b, "signin", "signout", "tokenrefresh");

    a.finishStep({ result: w.result() });
    await a.refresh({ force: true });
    a.recordActivity();
    await w.advance(0);
    assert.equal(b.isSignedIn(), false, "a sign-in in another tab is not this tab's");

    b.finishStep({ result: w.result() });
    await a.signOut();
    await w.advance(0);
    assert.equal(b.isSignedIn(), true, "a's sign-out ends a's sign-in, not b's own");
    assert.deepEqual(seen.map(([e]) => e), ["signin"], "b saw its own sign-in only");
    assert.deepEqual(shared.posted, [], "the channel carried nothing");
  });
}

/** A page gone (closed, reloaded, navigated away): pagehide lets its lock go, its timers stop. */
function closePage(core) {
  core.setPageHidden(true);
  core.env.clearTimeout(core.timer);
}

test("storage=session: a duplicated tab's copy of a sign-in that a live tab holds is dropped at start; a reload keeps its own", async () => {
  const w = world();
  const shared = origin();
  const own = ar.memoryStorage();
  const a = await tab(w, { options: { storage: "session" }, env: ownTab(shared, own) });
  a.finishStep({ result: w.result() });
  const saved = own.getItem(a.key);
  assert.match(JSON.parse(saved).sid, /^[0-9a-f]{32}$/);

  // The browser copies a's session storage into the duplicate (or a window a opens).
  const copy = ar.memoryStorage();
  copy.setItem(a.key, saved);
  const duplicate = unstarted(w, { options: { storage: "session" }, env: ownTab(shared, copy) });
  const started = duplicate.start();
  await w.advance(2_000);
  await started;
  assert.equal(duplicate.isSignedIn(), false);
  assert.equal(copy.getItem(a.key), null, "the copy is gone from the duplicate's storage");
  assert.equal(a.isSignedIn(), true);
  assert.equal(own.getItem(a.key), saved, "a's own is untouched");
  assert.deepEqual(w.ops(), [], "nothing revoked: the sign-in is a's");

  // a reloads: the new page starts while the old one still lets go, and finds its own sign-in.
  const reloaded = unstarted(w, { options: { storage: "session" }, env: ownTab(shared, own) });
  const again = reloaded.start();
  await w.advance(500);
  closePage(a);
  await w.advance(0);
  await again;
  assert.equal(reloaded.isSignedIn(), true);
  assert.equal(reloaded.session.refreshToken, "refresh-1");
});
