// Passkeys (issue 15) with the real Amplify JS v6 client in Chromium, whose virtual
// authenticator (Chrome DevTools Protocol, WebAuthn domain: CTAP2, internal transport, resident
// keys, user verification, presence simulated) plays the user's device. The app's page, on
// http://localhost:PORT (browsers refuse IP addresses as relying-party ids), is aws-amplify
// bundled by esbuild; the test's own server runs on 127.0.0.1 with the apps' relying-party id
// `localhost` and the page's origin allowed for passkey ceremonies.
//
// The journey: signUp + confirmSignUp (the mailed code), signIn with SRP,
// associateWebAuthnCredential (the authenticator then holds one credential, and
// listWebAuthnCredentials shows it), signOut, signIn with USER_AUTH preferring WEB_AUTHN, then
// USER_AUTH with no preference (SELECT_CHALLENGE, answered WEB_AUTHN through confirmSignIn),
// deleteWebAuthnCredential, after which the passkey no longer signs in.
// The refusals: a page origin the app does not allow (WebAuthnOriginNotAllowedException), a
// relying-party id the page is not on (Chromium's SecurityError), the same authenticator
// registered twice (excludeCredentials: Chromium's InvalidStateError), and a passkey sign-in
// for a name that is no user, which looks exactly like one for a user without passkeys.
// And USER_AUTH's password factors through Amplify (preferred, or chosen after SELECT_CHALLENGE),
// and an app with passkeys off (no WEB_AUTHN to choose, WebAuthnNotEnabledException).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import {
  serverSkip as skip,
  PASSWORD,
  launch,
  newContext,
  startServer,
  codeFor,
  mailCount,
  uniqueEmail,
  until,
  virtualAuthenticator,
} from "./support.mjs";

let server; // the test's own Auth Return, on http://127.0.0.1:PORT
let browser;
let site; // the Amplify page, on http://localhost:PORT2
let bundle; // aws-amplify and the page's script, for the browser

/**
 * The page's script: Amplify configured from the page; `window.call(name, input)` runs one of
 * its APIs and answers `{ok}` (made plain JSON: dates as ISO strings) or `{error: {name,
 * message, underlying}}` (`underlying`: the name of the browser's own error under a PasskeyError).
 */
const ENTRY = `
import { Amplify } from "aws-amplify";
import {
  signUp, confirmSignUp, signIn, confirmSignIn, signOut, fetchAuthSession, getCurrentUser,
  associateWebAuthnCredential, listWebAuthnCredentials, deleteWebAuthnCredential,
} from "aws-amplify/auth";
Amplify.configure(JSON.parse(document.getElementById("amplify-config").textContent));
const apis = {
  signUp, confirmSignUp, signIn, confirmSignIn, signOut, getCurrentUser,
  associateWebAuthnCredential, listWebAuthnCredentials, deleteWebAuthnCredential,
  async tokens(options) {
    const { tokens } = await fetchAuthSession(options);
    return tokens ? { id: tokens.idToken?.payload ?? null, access: tokens.accessToken.payload } : null;
  },
};
window.call = async (name, input) => {
  try {
    const ok = await apis[name](input);
    return { ok: ok === undefined ? null : JSON.parse(JSON.stringify(ok)) };
  } catch (error) {
    return { error: { name: error.name, message: error.message, underlying: error.underlyingError?.name ?? null } };
  }
};
window.ready = true;
`;

before(async () => {
  if (skip) return;
  server = await startServer();
  browser = await launch();
  const built = await build({
    stdin: { contents: ENTRY, resolveDir: fileURLToPath(new URL(".", import.meta.url)), loader: "js" },
    bundle: true,
    format: "iife",
    platform: "browser",
    target: "es2022",
    write: false,
    logLevel: "error",
  });
  bundle = built.outputFiles[0].text;
  site = await startSite();
});

after(async () => {
  await browser?.close();
  await site?.close();
  await server?.stop();
});

/**
 * The app's site: `/?pool=POOL&client=CLIENT` is an Amplify page configured for that app of
 * the test's server; `/app.js` its script.
 */
async function startSite() {
  const http = createServer((req, res) => {
    const url = new URL(req.url, "http://localhost");
    if (url.pathname === "/app.js") {
      res.writeHead(200, { "content-type": "text/javascript; charset=utf-8" });
      return res.end(bundle);
    }
    if (url.pathname !== "/") return res.writeHead(404).end();
    const config = {
      Auth: {
        Cognito: {
          userPoolId: url.searchParams.get("pool"),
          userPoolClientId: url.searchParams.get("client"),
          userPoolEndpoint: server.url,
        },
      },
    };
    res.writeHead(200, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" });
    res.end(`<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>An Amplify app with passkeys</title>
<script type="application/json" id="amplify-config">${JSON.stringify(config).replace(/</g, "\\u003c")}</script>
<script src="/app.js" defer></script></head>
<body><h1>Passkeys</h1></body>
</html>`);
  });
  await new Promise((resolve) => http.listen(0, "127.0.0.1", resolve));
  const origin = `http://localhost:${http.address().port}`;
  return { origin, close: () => new Promise((resolve) => http.close(resolve)) };
}

/**
 * An app of the test's server with passkeys on: relying-party id `rpId`, passkey ceremonies
 * allowed from `origins` (the site's by default).
 */
async function passkeyApp(name, { rpId = "localhost", origins = [site.origin] } = {}) {
  const app = JSON.parse(await server.cli("apps", "create", "--json", "--name", name));
  const flags = origins.flatMap((origin) => ["--passkey-origin", origin]);
  await server.cli("apps", "update", app.app_id, "--passkeys", "true", "--passkey-rp-id", rpId, ...flags);
  return app;
}

/** The app's page in a fresh context, with a virtual authenticator of its own. */
async function openApp(app) {
  const context = await newContext(browser);
  const p = await context.newPage();
  const failedRequests = [];
  p.on("requestfailed", (r) => failedRequests.push(`${r.method()} ${r.url()}: ${r.failure()?.errorText}`));
  await p.goto(`${site.origin}/?${new URLSearchParams({ pool: app.user_pool_id, client: app.client_id })}`);
  await p.waitForFunction(() => window.ready === true, null, { polling: 50 });
  const authenticator = await virtualAuthenticator(p);
  return { context, p, authenticator, failedRequests };
}

/** Runs Amplify's `name(input)` in the page: `{ok}` or `{error: {name, message, underlying}}`. */
const call = (p, name, input) => p.evaluate(([n, i]) => window.call(n, i), [name, input]);

/** Runs Amplify's `name(input)` in the page and answers its result; fails on an error. */
async function ok(p, name, input) {
  const result = await call(p, name, input);
  assert.ok(!result.error, `${name}: ${JSON.stringify(result.error)}`);
  return result.ok;
}

/** Runs Amplify's `name(input)` in the page, expecting an error: answers it. */
async function refused(p, name, input) {
  const result = await call(p, name, input);
  assert.ok(result.error, `${name} should have failed, answered ${JSON.stringify(result.ok)}`);
  return result.error;
}

/** Signs up `email` through Amplify and confirms with the mailed code; answers the user's sub. */
async function signUpWithAmplify(p, email) {
  const mails = mailCount(email, server.outbox);
  const signedUp = await ok(p, "signUp", { username: email, password: PASSWORD, options: { userAttributes: { email } } });
  assert.equal(signedUp.nextStep.signUpStep, "CONFIRM_SIGN_UP");
  const code = await codeFor(email, mails, server.outbox);
  const confirmed = await ok(p, "confirmSignUp", { username: email, confirmationCode: code });
  assert.equal(confirmed.isSignUpComplete, true);
  return signedUp.userId;
}

/** Signs `email` in with the password (Amplify's default: USER_SRP_AUTH). */
async function signInWithPassword(p, email) {
  const signedIn = await ok(p, "signIn", { username: email, password: PASSWORD });
  assert.deepEqual(signedIn, { isSignedIn: true, nextStep: { signInStep: "DONE" } });
}

/** A passkey sign-in (USER_AUTH preferring WEB_AUTHN), as Amplify calls it. */
const passkeySignIn = (p, email) =>
  call(p, "signIn", { username: email, options: { authFlowType: "USER_AUTH", preferredChallenge: "WEB_AUTHN" } });

/**
 * From now on, rewrites the `WEB_AUTHN` challenge's request options the server sends `p` so that
 * they name the credential `id` (base64url) alone: a page that offers the authenticator's
 * passkey whatever the server asked for, so that the server's own check is what decides.
 */
async function offerCredential(p, id) {
  await p.route(`${server.url}/`, async (route) => {
    const target = route.request().headers()["x-amz-target"] ?? "";
    if (route.request().method() !== "POST" || !/\.(InitiateAuth|RespondToAuthChallenge)$/.test(target)) {
      return route.continue();
    }
    const response = await route.fetch();
    const body = await response.json();
    if (body.ChallengeName !== "WEB_AUTHN") return route.fulfill({ response, json: body });
    const options = JSON.parse(body.ChallengeParameters.CREDENTIAL_REQUEST_OPTIONS);
    options.allowCredentials = [{ type: "public-key", id }];
    body.ChallengeParameters.CREDENTIAL_REQUEST_OPTIONS = JSON.stringify(options);
    return route.fulfill({ response, json: body });
  });
}

/** Records the Cognito API answers `p` gets: `{target, status, body}`. */
function recordAnswers(p) {
  const answers = [];
  p.on("response", async (response) => {
    const target = response.request().headers()["x-amz-target"];
    if (!target || response.request().method() !== "POST") return;
    answers.push({ target: target.split(".").pop(), status: response.status(), body: await response.json().catch(() => null) });
  });
  return answers;
}

test("Amplify with passkeys: register, list, sign in by WEB_AUTHN and by SELECT_CHALLENGE, delete", { skip }, async () => {
  const app = await passkeyApp("Passkey shop");
  const { context, p, authenticator } = await openApp(app);
  try {
    const email = uniqueEmail("passkey");
    const sub = await signUpWithAmplify(p, email);
    await signInWithPassword(p, email);
    assert.equal((await ok(p, "tokens")).id.sub, sub);
    assert.deepEqual(await ok(p, "listWebAuthnCredentials"), { credentials: [] });

    // associateWebAuthnCredential: Start, the authenticator makes a passkey, Complete.
    const before = Date.now();
    assert.equal(await ok(p, "associateWebAuthnCredential"), null);
    const held = await authenticator.credentials();
    assert.equal(held.length, 1, JSON.stringify(held));
    assert.equal(held[0].rpId, "localhost");
    const listed = await ok(p, "listWebAuthnCredentials");
    assert.equal(listed.credentials.length, 1, JSON.stringify(listed));
    const [credential] = listed.credentials;
    assert.equal(credential.credentialId, held[0].id);
    assert.equal(credential.relyingPartyId, "localhost");
    // The virtual authenticator is the device's own (transport `internal`): a platform one.
    assert.equal(credential.authenticatorAttachment, "platform");
    assert.deepEqual(credential.authenticatorTransports, ["internal"]);
    assert.equal(credential.friendlyCredentialName, "Passkey on this device");
    const createdAt = Date.parse(credential.createdAt);
    assert.ok(createdAt >= Math.floor(before / 1000) * 1000 - 1000 && createdAt <= Date.now() + 1000, credential.createdAt);
    await ok(p, "signOut");
    assert.equal((await refused(p, "getCurrentUser")).name, "UserUnAuthenticatedException");

    // USER_AUTH preferring WEB_AUTHN: the authenticator signs the server's challenge.
    const signCount = held[0].signCount;
    const byPasskey = await passkeySignIn(p, email);
    assert.deepEqual(byPasskey, { ok: { isSignedIn: true, nextStep: { signInStep: "DONE" } } });
    const tokens = await ok(p, "tokens");
    assert.equal(tokens.id.sub, sub);
    assert.equal(tokens.id.email, email);
    assert.equal(tokens.access.sub, sub);
    assert.equal(tokens.access.client_id, app.client_id);
    assert.equal((await ok(p, "getCurrentUser")).userId, sub);
    assert.ok((await authenticator.credentials())[0].signCount > signCount, "the authenticator signed");
    // The session refreshes like any other.
    const refreshed = await ok(p, "tokens", { forceRefresh: true });
    assert.notEqual(refreshed.access.jti, tokens.access.jti);
    assert.equal(refreshed.access.origin_jti, tokens.access.origin_jti);
    assert.equal(refreshed.id.sub, sub);
    await ok(p, "signOut");

    // USER_AUTH without a preference: the first factors to choose from, then WEB_AUTHN.
    const choosing = await ok(p, "signIn", { username: email, options: { authFlowType: "USER_AUTH" } });
    assert.equal(choosing.isSignedIn, false);
    assert.equal(choosing.nextStep.signInStep, "CONTINUE_SIGN_IN_WITH_FIRST_FACTOR_SELECTION");
    assert.ok(choosing.nextStep.availableChallenges.includes("WEB_AUTHN"), JSON.stringify(choosing));
    assert.ok(choosing.nextStep.availableChallenges.includes("PASSWORD_SRP"), JSON.stringify(choosing));
    const chosen = await ok(p, "confirmSignIn", { challengeResponse: "WEB_AUTHN" });
    assert.deepEqual(chosen, { isSignedIn: true, nextStep: { signInStep: "DONE" } });
    assert.equal((await ok(p, "tokens")).id.sub, sub);

    // deleteWebAuthnCredential: the list is empty, and the passkey signs in no more.
    assert.equal(await ok(p, "deleteWebAuthnCredential", { credentialId: credential.credentialId }), null);
    assert.deepEqual(await ok(p, "listWebAuthnCredentials"), { credentials: [] });
    const again = await refused(p, "deleteWebAuthnCredential", { credentialId: credential.credentialId });
    assert.equal(again.name, "ResourceNotFoundException", JSON.stringify(again));
    await ok(p, "signOut");
    assert.equal((await authenticator.credentials()).length, 1, "the device still holds it");
    // The server names no passkey of the user's: the authenticator has none of those it names.
    const afterDelete = await passkeySignIn(p, email);
    assert.deepEqual(afterDelete.error, {
      name: "PasskeyAuthenticationCanceled",
      message: "Passkey authentication ceremony has been canceled.",
      underlying: "NotAllowedError",
    });
    // A page that offers the deleted passkey all the same: the server refuses its signature.
    await offerCredential(p, credential.credentialId);
    const answers = recordAnswers(p);
    const forged = await passkeySignIn(p, email);
    assert.deepEqual(forged.error, { name: "NotAuthorizedException", message: "The passkey could not be verified.", underlying: null });
    const respond = await until(() => answers.find((a) => a.target === "RespondToAuthChallenge"), { message: "the answer to the assertion" });
    assert.equal(respond.status, 400);
    assert.equal(respond.body.__type, "NotAuthorizedException");
    assert.equal((await refused(p, "getCurrentUser")).name, "UserUnAuthenticatedException");
  } finally {
    await context.close();
  }
});

test("A passkey made on a page the app does not allow is refused: WebAuthnOriginNotAllowedException", { skip }, async () => {
  // Relying party `localhost`, as the page's; but only http://localhost:1 may hold ceremonies.
  const app = await passkeyApp("Elsewhere shop", { origins: ["http://localhost:1"] });
  const { context, p, authenticator } = await openApp(app);
  try {
    const email = uniqueEmail("passkey-origin");
    await signUpWithAmplify(p, email);
    await signInWithPassword(p, email);
    const error = await refused(p, "associateWebAuthnCredential");
    assert.deepEqual(error, {
      name: "WebAuthnOriginNotAllowedException",
      message: "The passkey's origin is not allowed for this app.",
      underlying: null,
    });
    // The browser made the passkey; the server did not keep it.
    assert.equal((await authenticator.credentials()).length, 1);
    assert.deepEqual(await ok(p, "listWebAuthnCredentials"), { credentials: [] });
    // Once the page's origin is one of the app's own (its CORS list), ceremonies may come from it.
    await server.cli("apps", "update", app.app_id, "--origin", site.origin);
    await ok(p, "associateWebAuthnCredential");
    // Passkeys are discoverable (residentKey "required"): the authenticator keeps one per
    // relying party and user, so the new one replaced the refused one.
    const held = await authenticator.credentials();
    assert.equal(held.length, 1);
    assert.equal(held[0].isResidentCredential, true);
    const listed = (await ok(p, "listWebAuthnCredentials")).credentials.map((c) => c.credentialId);
    assert.deepEqual(listed, [held[0].id]);
  } finally {
    await context.close();
  }
});

test("A relying-party id the page is not on: Chromium refuses to make the passkey (RelyingPartyMismatch)", { skip }, async () => {
  const app = await passkeyApp("Example shop", { rpId: "example.com", origins: ["https://example.com"] });
  const { context, p, authenticator } = await openApp(app);
  try {
    const email = uniqueEmail("passkey-rp");
    await signUpWithAmplify(p, email);
    await signInWithPassword(p, email);
    const error = await refused(p, "associateWebAuthnCredential");
    assert.deepEqual(error, {
      name: "RelyingPartyMismatch",
      message: "Relying party does not match current domain.",
      underlying: "SecurityError",
    });
    assert.deepEqual(await authenticator.credentials(), []);
    assert.deepEqual(await ok(p, "listWebAuthnCredentials"), { credentials: [] });
  } finally {
    await context.close();
  }
});

test("The same authenticator twice: excludeCredentials, and Chromium refuses (PasskeyAlreadyExists)", { skip }, async () => {
  const app = await passkeyApp("Twice shop");
  const { context, p, authenticator } = await openApp(app);
  try {
    const email = uniqueEmail("passkey-twice");
    await signUpWithAmplify(p, email);
    await signInWithPassword(p, email);
    await ok(p, "associateWebAuthnCredential");
    const [held] = await authenticator.credentials();
    const answers = recordAnswers(p);
    const error = await refused(p, "associateWebAuthnCredential");
    assert.deepEqual(error, {
      name: "PasskeyAlreadyExists",
      message: "Passkey already exists in authenticator.",
      underlying: "InvalidStateError",
    });
    // The creation options named the passkey the user has; the browser never answered them.
    const start = await until(() => answers.find((a) => a.target === "StartWebAuthnRegistration"), { message: "the creation options" });
    assert.deepEqual(
      start.body.CredentialCreationOptions.excludeCredentials.map((c) => c.id),
      [held.id],
    );
    assert.ok(!answers.some((a) => a.target === "CompleteWebAuthnRegistration"), JSON.stringify(answers));
    assert.deepEqual((await authenticator.credentials()).map((c) => c.id), [held.id]);
    assert.deepEqual((await ok(p, "listWebAuthnCredentials")).credentials.map((c) => c.credentialId), [held.id]);
  } finally {
    await context.close();
  }
});

test("A passkey sign-in for a name that is no user looks like one for a user without passkeys", { skip }, async () => {
  const app = await passkeyApp("Quiet shop");
  const { context, p, authenticator } = await openApp(app);
  try {
    // A user with a passkey on this authenticator (offered below), one without, and a stranger.
    const owner = uniqueEmail("passkey-owner");
    await signUpWithAmplify(p, owner);
    await signInWithPassword(p, owner);
    await ok(p, "associateWebAuthnCredential");
    await ok(p, "signOut");
    const [held] = await authenticator.credentials();
    const without = uniqueEmail("passkey-none");
    await signUpWithAmplify(p, without);
    const stranger = uniqueEmail("passkey-stranger");

    const answers = recordAnswers(p);
    /** The shape of the WEB_AUTHN challenge the server answered after `answers[from]`. */
    const challengeShape = async (from, email) => {
      const challenge = await until(
        () => answers.slice(from).find((a) => a.target === "InitiateAuth" && a.body?.ChallengeName === "WEB_AUTHN"),
        { message: `the WEB_AUTHN challenge for ${email}` },
      );
      const options = JSON.parse(challenge.body.ChallengeParameters.CREDENTIAL_REQUEST_OPTIONS);
      return {
        parameters: Object.keys(challenge.body.ChallengeParameters).sort(),
        session: typeof challenge.body.Session,
        options: Object.keys(options).sort(),
        allowCredentials: options.allowCredentials.map((c) => Object.keys(c).sort()),
        idLength: options.allowCredentials.map((c) => c.id.length),
        rpId: options.rpId,
        timeout: options.timeout,
        userVerification: options.userVerification,
      };
    };
    /** What the server and Amplify answer a passkey sign-in for `email`. */
    const attempt = async (email) => {
      const from = answers.length;
      const choosing = await ok(p, "signIn", { username: email, options: { authFlowType: "USER_AUTH" } });
      const result = await passkeySignIn(p, email);
      return { choosing, error: result.error, challenge: await challengeShape(from, email) };
    };
    const forWithout = await attempt(without);
    const forStranger = await attempt(stranger);
    assert.deepEqual(forStranger, forWithout);
    assert.equal(forWithout.choosing.nextStep.signInStep, "CONTINUE_SIGN_IN_WITH_FIRST_FACTOR_SELECTION");
    assert.deepEqual(forWithout.error, {
      name: "PasskeyAuthenticationCanceled",
      message: "Passkey authentication ceremony has been canceled.",
      underlying: "NotAllowedError",
    });
    assert.equal(forWithout.challenge.rpId, "localhost");

    // Offered someone else's passkey, the server refuses both alike.
    await offerCredential(p, held.id);
    const forged = [];
    for (const email of [without, stranger]) {
      const from = answers.length;
      const result = await passkeySignIn(p, email);
      const respond = await until(() => answers.slice(from).find((a) => a.target === "RespondToAuthChallenge"), {
        message: `the answer to ${email}'s assertion`,
      });
      forged.push({ error: result.error, status: respond.status, body: respond.body });
    }
    assert.deepEqual(forged[1], forged[0]);
    assert.deepEqual(forged[0], {
      error: { name: "NotAuthorizedException", message: "The passkey could not be verified.", underlying: null },
      status: 400,
      body: { __type: "NotAuthorizedException", message: "The passkey could not be verified." },
    });
    // The owner's own passkey still signs the owner in, after a challenge of the same shape
    // (Chromium's virtual authenticator makes 32-byte credential ids, as long as the decoy's).
    await p.unrouteAll();
    const from = answers.length;
    assert.deepEqual(await passkeySignIn(p, owner), { ok: { isSignedIn: true, nextStep: { signInStep: "DONE" } } });
    assert.deepEqual(await challengeShape(from, owner), forWithout.challenge);
  } finally {
    await context.close();
  }
});

test("USER_AUTH's password factors through Amplify: preferred, or chosen after SELECT_CHALLENGE", { skip }, async () => {
  const app = await passkeyApp("Password shop");
  const { context, p } = await openApp(app);
  try {
    const email = uniqueEmail("user-auth-password");
    const sub = await signUpWithAmplify(p, email);
    const done = { isSignedIn: true, nextStep: { signInStep: "DONE" } };
    for (const preferredChallenge of ["PASSWORD_SRP", "PASSWORD"]) {
      const signedIn = await ok(p, "signIn", { username: email, password: PASSWORD, options: { authFlowType: "USER_AUTH", preferredChallenge } });
      assert.deepEqual(signedIn, done, preferredChallenge);
      assert.equal((await ok(p, "tokens")).id.sub, sub);
      await ok(p, "signOut");
    }
    for (const factor of ["PASSWORD_SRP", "PASSWORD"]) {
      const choosing = await ok(p, "signIn", { username: email, options: { authFlowType: "USER_AUTH" } });
      assert.deepEqual(choosing.nextStep, {
        signInStep: "CONTINUE_SIGN_IN_WITH_FIRST_FACTOR_SELECTION",
        availableChallenges: ["WEB_AUTHN", "PASSWORD_SRP", "PASSWORD"],
      });
      const asked = await ok(p, "confirmSignIn", { challengeResponse: factor });
      assert.deepEqual(asked.nextStep, { signInStep: "CONFIRM_SIGN_IN_WITH_PASSWORD" }, factor);
      assert.deepEqual(await ok(p, "confirmSignIn", { challengeResponse: PASSWORD }), done, factor);
      assert.equal((await ok(p, "tokens")).id.sub, sub);
      await ok(p, "signOut");
    }
    // A wrong password through SELECT_CHALLENGE is refused as it is elsewhere.
    await ok(p, "signIn", { username: email, options: { authFlowType: "USER_AUTH" } });
    await ok(p, "confirmSignIn", { challengeResponse: "PASSWORD" });
    const wrong = await refused(p, "confirmSignIn", { challengeResponse: "not-the-password-1A" });
    assert.equal(wrong.name, "NotAuthorizedException");
  } finally {
    await context.close();
  }
});

test("An app without passkeys: no WEB_AUTHN to choose, and no passkey to register", { skip }, async () => {
  const app = JSON.parse(await server.cli("apps", "create", "--json", "--name", "No passkeys shop"));
  const { context, p, authenticator } = await openApp(app);
  try {
    const email = uniqueEmail("no-passkeys");
    await signUpWithAmplify(p, email);
    // Preferring WEB_AUTHN where it is not offered: the factors there are, to choose from.
    const preferred = await ok(p, "signIn", { username: email, options: { authFlowType: "USER_AUTH", preferredChallenge: "WEB_AUTHN" } });
    assert.deepEqual(preferred.nextStep, {
      signInStep: "CONTINUE_SIGN_IN_WITH_FIRST_FACTOR_SELECTION",
      availableChallenges: ["PASSWORD_SRP", "PASSWORD"],
    });
    await signInWithPassword(p, email);
    const error = await refused(p, "associateWebAuthnCredential");
    assert.equal(error.name, "WebAuthnNotEnabledException", JSON.stringify(error));
    assert.deepEqual(await authenticator.credentials(), []);
  } finally {
    await context.close();
  }
});
