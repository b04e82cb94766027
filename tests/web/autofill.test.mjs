// Passkey autofill (web/src/autofill.js) on a fake clock, with a stand-in server and a stand-in
// navigator.credentials whose conditional requests wait like a browser's until the test picks a
// passkey, ends them as the browser would, or they are aborted: the request bodies (no USERNAME,
// mediation "conditional"), the abort when the form goes or the passkey button starts, the fresh
// challenge before the server's 3 minutes end, and the new request after one ends without a
// sign-in. And the session core's sign-in without a name (the button with an empty email field).
import { test } from "node:test";
import assert from "node:assert/strict";
import { AUTOFILL_REFRESH, AUTOFILL_RETRIES, PasskeyAutofill } from "../../web/src/autofill.js";
import { passkeyCalls } from "../../web/src/passkeys.js";
import { AuthCore } from "../../web/src/session.js";

const settle = async () => {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve));
};

/** Timers on a clock the test moves. */
function clock() {
  let now = 0;
  let timers = [];
  return {
    setTimeout(fn, ms) {
      assert.ok(Number.isFinite(ms) && ms >= 0, `a timer of ${ms} ms`);
      const timer = { at: now + ms, fn };
      timers.push(timer);
      return timer;
    },
    clearTimeout(timer) {
      timers = timers.filter((t) => t !== timer);
    },
    async advance(ms) {
      const target = now + ms;
      for (;;) {
        await settle();
        const due = timers.filter((t) => t.at <= target).sort((a, b) => a.at - b.at)[0];
        if (!due) break;
        timers = timers.filter((t) => t !== due);
        now = due.at;
        due.fn();
      }
      now = target;
      await settle();
    },
  };
}

const buf = (...values) => new Uint8Array(values).buffer;
const domError = (name) => Object.assign(new Error(`the browser's ${name}`), { name });

const assertion = (userHandle = 4) => ({
  id: "BwgJ",
  rawId: buf(7, 8, 9),
  type: "public-key",
  authenticatorAttachment: "platform",
  getClientExtensionResults: () => ({}),
  response: { clientDataJSON: buf(1), authenticatorData: buf(2), signature: buf(3), userHandle: buf(userHandle) },
});

/**
 * A stand-in navigator.credentials: each get() waits until the test settles it (`pick`, `end`)
 * or its signal aborts it (rejecting with AbortError, as browsers do).
 */
function browserCredentials() {
  const requests = [];
  return {
    requests,
    get(options) {
      let settle;
      const promise = new Promise((resolve, reject) => (settle = { resolve, reject }));
      const request = { options, ended: false, ...settle };
      const finish = (fn) => (value) => {
        if (request.ended) return;
        request.ended = true;
        fn(value);
      };
      request.pick = finish(settle.resolve);
      request.end = finish(settle.reject);
      options.signal?.addEventListener("abort", () => request.end(domError("AbortError")));
      requests.push(request);
      return promise;
    },
    /** The request still waiting, if any (at most one may be). */
    waiting() {
      const open = requests.filter((r) => !r.ended);
      assert.ok(open.length <= 1, `${open.length} requests at once`);
      return open[0] ?? null;
    },
  };
}

/** A stand-in Cognito endpoint: the WEB_AUTHN challenge (a new Session each time) and tokens. */
function server({ initiate } = {}) {
  const calls = [];
  let serial = 0;
  const call = async (operation, body) => {
    calls.push({ operation, body });
    if (operation === "InitiateAuth") {
      if (initiate) return initiate(body);
      serial += 1;
      return {
        ChallengeName: "WEB_AUTHN",
        Session: `session-${serial}`,
        ChallengeParameters: {
          CREDENTIAL_REQUEST_OPTIONS: JSON.stringify({ challenge: "AQID", rpId: "localhost", allowCredentials: [], userVerification: "required", timeout: 180000 }),
        },
      };
    }
    if (operation === "RespondToAuthChallenge") return { AuthenticationResult: { IdToken: "id" } };
    throw new Error(`unexpected ${operation}`);
  };
  const client = passkeyCalls(call, "client-1", (reply) => ({ result: reply.AuthenticationResult }));
  return { calls, client, initiations: () => calls.filter((c) => c.operation === "InitiateAuth") };
}

/** An autofill on a form that signs in on the answer (stopping it, as a closing form does) unless `refuse`. */
function setUp({ available = true, refuse = false, initiate } = {}) {
  const timers = clock();
  const credentials = browserCredentials();
  const backend = server({ initiate });
  const answered = [];
  const autofill = new PasskeyAutofill({
    available: async () => available,
    challenge: () => backend.client.passkeyChallenge(null),
    credentials,
    answer: async (challenge, credential) => {
      answered.push({ challenge, credential });
      await backend.client.answerPasskey(challenge, credential);
      if (!refuse) autofill.stop();
    },
    timers,
  });
  return { timers, credentials, backend, answered, autofill };
}

test("armed: a challenge without USERNAME, then a conditional request waiting with its options", async () => {
  const { credentials, backend, autofill } = setUp();
  autofill.arm();
  await settle();
  assert.deepEqual(backend.calls.map((c) => c.body), [
    { AuthFlow: "USER_AUTH", ClientId: "client-1", AuthParameters: { PREFERRED_CHALLENGE: "WEB_AUTHN" } },
  ]);
  const request = credentials.waiting();
  assert.equal(request.options.mediation, "conditional");
  assert.ok(request.options.signal instanceof AbortSignal);
  assert.equal(request.options.signal.aborted, false);
  const { publicKey } = request.options;
  assert.deepEqual([...new Uint8Array(publicKey.challenge)], [1, 2, 3]);
  assert.deepEqual(publicKey.allowCredentials, []);
  assert.equal(publicKey.userVerification, "required");
  assert.equal(publicKey.rpId, "localhost");
  autofill.arm();
  await settle();
  assert.equal(backend.initiations().length, 1, "arming again while waiting asks nothing more");
  assert.equal(credentials.requests.length, 1);
});

test("the user's pick is answered without USERNAME, with that challenge's Session; then nothing more", async () => {
  const { timers, credentials, backend, answered, autofill } = setUp();
  autofill.arm();
  await settle();
  credentials.waiting().pick(assertion());
  await settle();
  assert.equal(answered.length, 1);
  const respond = backend.calls.find((c) => c.operation === "RespondToAuthChallenge").body;
  assert.equal(respond.ChallengeName, "WEB_AUTHN");
  assert.equal(respond.Session, "session-1");
  assert.deepEqual(Object.keys(respond.ChallengeResponses), ["CREDENTIAL"], "no USERNAME");
  assert.equal(JSON.parse(respond.ChallengeResponses.CREDENTIAL).response.userHandle, "BA");
  await timers.advance(10 * AUTOFILL_REFRESH);
  assert.equal(backend.initiations().length, 1, "signed in: not armed again");
  assert.equal(credentials.waiting(), null);
});

test("stop (the form closes) aborts the waiting request; nothing is answered or asked again", async () => {
  const { timers, credentials, backend, answered, autofill } = setUp();
  autofill.arm();
  await settle();
  const request = credentials.waiting();
  await autofill.stop();
  assert.equal(request.options.signal.aborted, true);
  assert.equal(request.ended, true, "the browser's request has ended when stop resolves");
  await timers.advance(10 * AUTOFILL_REFRESH);
  assert.equal(answered.length, 0);
  assert.equal(backend.initiations().length, 1);
  assert.equal(credentials.waiting(), null);
  // Opened again: a fresh challenge and request.
  autofill.arm();
  await settle();
  assert.equal(backend.initiations().length, 2);
  assert.equal(credentials.waiting().options.signal.aborted, false);
});

test("the passkey button: the waiting request is over before its own starts, and autofill resumes after", async () => {
  const { credentials, backend, autofill } = setUp();
  autofill.arm();
  await settle();
  const conditional = credentials.waiting();
  // What the modal and the hosted page do: stop, their own ceremony, arm again.
  await autofill.stop();
  assert.equal(credentials.waiting(), null, "no request waits when the button's starts");
  const button = backend.client.signInWithPasskey("", credentials);
  await settle();
  const modal = credentials.waiting();
  assert.equal(modal.options.mediation, undefined, "the button's request is modal");
  assert.equal(modal.options.signal, undefined);
  modal.end(domError("NotAllowedError"));
  await assert.rejects(button, { code: "PasskeyNotUsed" });
  autofill.arm();
  await settle();
  assert.notEqual(credentials.waiting(), conditional);
  assert.equal(credentials.waiting().options.mediation, "conditional");
  assert.deepEqual(
    backend.initiations().map((c) => c.body.AuthParameters),
    [{ PREFERRED_CHALLENGE: "WEB_AUTHN" }, { PREFERRED_CHALLENGE: "WEB_AUTHN" }, { PREFERRED_CHALLENGE: "WEB_AUTHN" }],
    "the button with no email asks without USERNAME too",
  );
});

test("stopped while the challenge is on its way: no request is made with it", async () => {
  const { credentials, backend, autofill } = setUp();
  let release;
  const held = new Promise((resolve) => (release = resolve));
  const ask = autofill.challenge;
  autofill.challenge = async () => {
    autofill.challenge = ask;
    await held;
    return ask();
  };
  autofill.arm();
  await settle();
  await autofill.stop();
  release();
  await settle();
  assert.equal(credentials.requests.length, 0);
  assert.equal(backend.initiations().length, 1);
  // Armed again while the first was still out: one request, of the new attempt.
  autofill.arm();
  await settle();
  assert.equal(credentials.requests.length, 1);
  assert.equal(credentials.waiting().options.signal.aborted, false);
});

test("a fresh challenge before the server's 3 minutes are up, and again after", async () => {
  const { timers, credentials, backend, autofill } = setUp();
  autofill.arm();
  await settle();
  const first = credentials.waiting();
  assert.ok(AUTOFILL_REFRESH < 180_000 && AUTOFILL_REFRESH >= 120_000, `${AUTOFILL_REFRESH}`);
  await timers.advance(AUTOFILL_REFRESH - 1);
  assert.equal(first.ended, false);
  await timers.advance(1);
  assert.equal(first.options.signal.aborted, true);
  assert.equal(backend.initiations().length, 2);
  const second = credentials.waiting();
  assert.notEqual(second, first);
  await timers.advance(AUTOFILL_REFRESH);
  assert.equal(second.ended, true);
  assert.equal(backend.initiations().length, 3);
  second.pick(assertion()); // too late: already aborted
  credentials.waiting().pick(assertion());
  await settle();
  const respond = backend.calls.find((c) => c.operation === "RespondToAuthChallenge").body;
  assert.equal(respond.Session, "session-3", "the newest challenge is answered");
});

test("ended by the browser: nothing said, a new request after 1 s, 5 s, 30 s, then it rests until armed again", async () => {
  const { timers, credentials, backend, answered, autofill } = setUp();
  autofill.arm();
  await settle();
  for (const delay of AUTOFILL_RETRIES) {
    const count = backend.initiations().length;
    credentials.waiting().end(domError("NotAllowedError"));
    await timers.advance(delay - 1);
    assert.equal(backend.initiations().length, count, `not before ${delay} ms`);
    await timers.advance(1);
    assert.equal(backend.initiations().length, count + 1, `after ${delay} ms`);
  }
  credentials.waiting().end(domError("NotAllowedError"));
  await timers.advance(10 * AUTOFILL_REFRESH);
  assert.equal(backend.initiations().length, AUTOFILL_RETRIES.length + 1, "rests");
  assert.equal(answered.length, 0, "no pick, no answer");
  await autofill.stop();
  autofill.arm();
  await settle();
  assert.equal(backend.initiations().length, AUTOFILL_RETRIES.length + 2, "shown again: armed again");
});

test("a pick the server refuses: the form said it (its answer); armed again while the form is shown", async () => {
  const { timers, credentials, backend, answered, autofill } = setUp({ refuse: true });
  autofill.arm();
  await settle();
  credentials.waiting().pick(assertion());
  await settle();
  assert.equal(answered.length, 1);
  assert.equal(credentials.waiting(), null);
  await timers.advance(AUTOFILL_RETRIES[0]);
  assert.equal(backend.initiations().length, 2);
  assert.equal(credentials.waiting().options.mediation, "conditional");
});

test("not offered: no conditional mediation, or passkeys off on the server; a server that fails is asked again later", async () => {
  const off = setUp({ available: false });
  off.autofill.arm();
  await off.timers.advance(10 * AUTOFILL_REFRESH);
  assert.equal(off.backend.calls.length, 0);
  assert.equal(off.credentials.requests.length, 0);

  const notEnabled = Object.assign(new Error("WebAuthn is not enabled"), { code: "WebAuthnNotEnabledException" });
  const disabled = setUp({ initiate: () => Promise.reject(notEnabled) });
  disabled.autofill.arm();
  await disabled.timers.advance(10 * AUTOFILL_REFRESH);
  assert.equal(disabled.backend.initiations().length, 1, "passkeys off: not asked again");
  assert.equal(disabled.credentials.requests.length, 0);

  let fails = 1;
  const down = Object.assign(new Error("Cannot reach the sign-in service"), { code: "NetworkError" });
  const challenge = {
    ChallengeName: "WEB_AUTHN",
    Session: "s",
    ChallengeParameters: { CREDENTIAL_REQUEST_OPTIONS: JSON.stringify({ challenge: "AQ", allowCredentials: [] }) },
  };
  const flaky = setUp({ initiate: async () => (fails-- > 0 ? Promise.reject(down) : challenge) });
  flaky.autofill.arm();
  await settle();
  assert.equal(flaky.credentials.requests.length, 0);
  await flaky.timers.advance(AUTOFILL_RETRIES[0]);
  assert.equal(flaky.backend.initiations().length, 2);
  assert.equal(flaky.credentials.waiting().options.mediation, "conditional");
});

// ---------------------------------------------------------------------------------------------
// The session core: the button with no email, and the autofill's answer

const b64url = (value) => Buffer.from(JSON.stringify(value)).toString("base64url");
const jwt = (claims) => `${b64url({ alg: "RS256" })}.${b64url(claims)}.sig`;

/** An AuthCore whose server has passkeys on and signs in whoever's passkey is answered. */
async function core({ conditional = true, passkeys = true } = {}) {
  const calls = [];
  const reply = (body) => new Response(JSON.stringify(body), { status: 200 });
  const fetch = async (url, init = {}) => {
    if (String(url).endsWith("/config")) {
      return reply({ appId: "app", userPoolId: "local_Test1", clientId: "client-1", endpoint: "https://auth.test", passkeys: { enabled: passkeys } });
    }
    const operation = new Headers(init.headers).get("X-Amz-Target").split(".")[1];
    const body = JSON.parse(init.body);
    calls.push({ operation, body });
    if (operation === "InitiateAuth") {
      return reply({
        ChallengeName: "WEB_AUTHN",
        Session: "sess",
        ChallengeParameters: { CREDENTIAL_REQUEST_OPTIONS: JSON.stringify({ challenge: "AQID", allowCredentials: [] }) },
      });
    }
    const handle = Buffer.from(JSON.parse(body.ChallengeResponses.CREDENTIAL).response.userHandle, "base64url")[0];
    const email = handle === 4 ? "ann@example.com" : "bob@example.com";
    const iat = Math.floor(Date.now() / 1000);
    return reply({
      AuthenticationResult: {
        IdToken: jwt({ token_use: "id", email, iat, exp: iat + 3600 }),
        AccessToken: jwt({ token_use: "access", iat, exp: iat + 3600 }),
        RefreshToken: "refresh",
        ExpiresIn: 3600,
        RefreshTokenExpiresAt: iat + 86400,
      },
    });
  };
  const credentials = browserCredentials();
  const auth = new AuthCore({
    appId: "app",
    baseUrl: "https://auth.test",
    options: { storage: "memory" },
    env: { fetch, bus: () => null, locks: null, credentials, conditionalMediation: async () => conditional, setTimeout: () => 0, clearTimeout: () => {} },
  });
  await auth.start();
  return { auth, calls, credentials };
}

test("signInWithPasskey with no email: no USERNAME asked or answered; the passkey's owner is signed in", async () => {
  const { auth, calls, credentials } = await core();
  const signingIn = auth.signInWithPasskey("");
  await settle();
  const request = credentials.waiting();
  assert.equal(request.options.mediation, undefined, "modal: the browser's own prompt");
  request.pick(assertion(5));
  const { user } = await signingIn;
  assert.equal(user.email, "bob@example.com");
  assert.equal(auth.isSignedIn(), true);
  assert.deepEqual(calls[0].body.AuthParameters, { PREFERRED_CHALLENGE: "WEB_AUTHN" });
  assert.ok(!("USERNAME" in calls[1].body.ChallengeResponses));
  // With an email, the named sign-in as before.
  const named = auth.signInWithPasskey("ann@example.com");
  await settle();
  credentials.waiting().pick(assertion(4));
  assert.equal((await named).user.email, "ann@example.com");
  assert.deepEqual(calls[2].body.AuthParameters, { USERNAME: "ann@example.com", PREFERRED_CHALLENGE: "WEB_AUTHN" });
  assert.equal(calls[3].body.ChallengeResponses.USERNAME, "ann@example.com");
});

test("the core's autofill parts: offered only with passkeys on and conditional mediation; an answer signs in", async () => {
  assert.equal(await (await core()).auth.canAutofillPasskeys(), true);
  assert.equal(await (await core({ conditional: false })).auth.canAutofillPasskeys(), false);
  assert.equal(await (await core({ passkeys: false })).auth.canAutofillPasskeys(), false);
  const { auth, calls } = await core();
  const seen = [];
  auth.on("signin", ({ user }) => seen.push(user.email));
  const challenge = await auth.passkeyChallenge();
  assert.deepEqual(calls[0].body.AuthParameters, { PREFERRED_CHALLENGE: "WEB_AUTHN" });
  assert.equal(challenge.email, null);
  const { user } = await auth.answerPasskey(challenge, assertion(4));
  assert.equal(user.email, "ann@example.com");
  assert.deepEqual(seen, ["ann@example.com"]);
  assert.equal(calls[1].body.Session, "sess");
});
