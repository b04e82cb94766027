// Passkeys in the component's non-DOM layer (web/src/passkeys.js): base64url and ArrayBuffers,
// the server's options made into navigator.credentials' arguments, the browser's credentials
// made into the JSON the server reads, the browser's errors in words, and the calls' bodies
// against a stand-in server and a stand-in navigator.credentials.
import { test } from "node:test";
import assert from "node:assert/strict";
import { describeError } from "../../web/src/errors.js";
import {
  PASSKEY_TEXT,
  appPasskeys,
  ceremonyError,
  conditionalMediation,
  creationOptions,
  credentialJson,
  fromBase64url,
  passkeyCalls,
  passkeyOf,
  requestOptions,
  toBase64url,
} from "../../web/src/passkeys.js";

const bytes = (buffer) => [...new Uint8Array(buffer)];

test("base64url: unpadded both ways, from an ArrayBuffer or a view of part of one", () => {
  assert.equal(toBase64url(new Uint8Array([0xfb, 0xff, 0xbf]).buffer), "-_-_");
  assert.equal(toBase64url(new Uint8Array([1])), "AQ");
  assert.equal(toBase64url(new Uint8Array([1, 2])), "AQI");
  assert.equal(toBase64url(new Uint8Array([9, 1, 2, 3, 9]).subarray(1, 4)), "AQID");
  assert.equal(toBase64url(new ArrayBuffer(0)), "");
  assert.deepEqual(bytes(fromBase64url("-_-_")), [0xfb, 0xff, 0xbf]);
  assert.deepEqual(bytes(fromBase64url("AQ")), [1]);
  assert.deepEqual(bytes(fromBase64url("AQ==")), [1]);
  assert.deepEqual(bytes(fromBase64url("+/+/")), [0xfb, 0xff, 0xbf]);
  assert.ok(fromBase64url("AQID") instanceof ArrayBuffer);
  const all = Uint8Array.from({ length: 256 }, (_, i) => i);
  assert.deepEqual(bytes(fromBase64url(toBase64url(all))), [...all]);
});

test("creationOptions: the binary members as ArrayBuffers, the rest as the server sent them", () => {
  const json = {
    rp: { id: "localhost", name: "Harbor Notes" },
    user: { id: "AQID", name: "ann@example.com", displayName: "ann@example.com" },
    challenge: "BAUG",
    pubKeyCredParams: [{ type: "public-key", alg: -7 }],
    timeout: 180000,
    excludeCredentials: [{ type: "public-key", id: "Bwg", transports: ["internal"] }],
    authenticatorSelection: { residentKey: "required", userVerification: "required" },
    attestation: "none",
  };
  const options = creationOptions(json);
  assert.deepEqual(bytes(options.challenge), [4, 5, 6]);
  assert.deepEqual(bytes(options.user.id), [1, 2, 3]);
  assert.equal(options.user.name, "ann@example.com");
  assert.deepEqual(bytes(options.excludeCredentials[0].id), [7, 8]);
  assert.deepEqual(options.excludeCredentials[0].transports, ["internal"]);
  assert.deepEqual(options.rp, json.rp);
  assert.deepEqual(options.authenticatorSelection, json.authenticatorSelection);
  assert.equal(options.timeout, 180000);
  assert.equal(json.challenge, "BAUG", "the server's JSON is left as it was");
  // No list: no member (the browser's dictionary would refuse a null).
  assert.ok(!("excludeCredentials" in creationOptions({ ...json, excludeCredentials: undefined })));
});

test("requestOptions: challenge and allowCredentials as ArrayBuffers", () => {
  const options = requestOptions({
    challenge: "AQID",
    rpId: "localhost",
    allowCredentials: [{ type: "public-key", id: "BAU" }],
    userVerification: "required",
    timeout: 180000,
  });
  assert.deepEqual(bytes(options.challenge), [1, 2, 3]);
  assert.deepEqual(bytes(options.allowCredentials[0].id), [4, 5]);
  assert.equal(options.allowCredentials[0].type, "public-key");
  assert.equal(options.rpId, "localhost");
  assert.equal(options.userVerification, "required");
  assert.ok(!("allowCredentials" in requestOptions({ challenge: "AQ" })));
});

const buf = (...values) => new Uint8Array(values).buffer;

test("credentialJson: a new credential as toJSON() writes it", () => {
  const created = {
    id: "AQID",
    rawId: buf(1, 2, 3),
    type: "public-key",
    authenticatorAttachment: "platform",
    getClientExtensionResults: () => ({ credProps: { rk: true } }),
    response: {
      clientDataJSON: buf(123, 125),
      attestationObject: buf(0xa0),
      getTransports: () => ["internal", "hybrid"],
      getAuthenticatorData: () => buf(9, 9),
      getPublicKeyAlgorithm: () => -7,
    },
  };
  assert.deepEqual(credentialJson(created), {
    id: "AQID",
    rawId: "AQID",
    type: "public-key",
    authenticatorAttachment: "platform",
    clientExtensionResults: { credProps: { rk: true } },
    response: {
      clientDataJSON: "e30",
      attestationObject: "oA",
      transports: ["internal", "hybrid"],
      authenticatorData: "CQk",
      publicKeyAlgorithm: -7,
    },
  });
  // An older browser: no getTransports, no attachment; what it lacks is left out or empty.
  const older = { ...created, authenticatorAttachment: null, getClientExtensionResults: undefined };
  older.response = { clientDataJSON: buf(1), attestationObject: buf(2) };
  assert.deepEqual(credentialJson(older), {
    id: "AQID",
    rawId: "AQID",
    type: "public-key",
    clientExtensionResults: {},
    response: { clientDataJSON: "AQ", attestationObject: "Ag", transports: [] },
  });
});

test("credentialJson: an assertion, with its user handle when the authenticator gave one", () => {
  const asserted = {
    id: "BwgJ",
    rawId: buf(7, 8, 9),
    type: "public-key",
    authenticatorAttachment: "platform",
    getClientExtensionResults: () => ({}),
    response: { clientDataJSON: buf(1), authenticatorData: buf(2), signature: buf(3), userHandle: buf(4) },
  };
  const json = credentialJson(asserted);
  assert.deepEqual(json.response, { clientDataJSON: "AQ", authenticatorData: "Ag", signature: "Aw", userHandle: "BA" });
  assert.equal(json.rawId, "BwgJ");
  assert.deepEqual(JSON.parse(JSON.stringify(json)), json, "plain JSON");
  asserted.response.userHandle = null;
  assert.ok(!("userHandle" in credentialJson(asserted).response));
});

const domError = (name) => Object.assign(new Error(`the browser's ${name}`), { name });

test("ceremonyError: the browser's errors in plain words", () => {
  for (const name of ["NotAllowedError", "AbortError"]) {
    assert.deepEqual([ceremonyError(domError(name)).code, ceremonyError(domError(name)).message], ["PasskeyNotUsed", PASSKEY_TEXT.notUsed]);
    assert.equal(ceremonyError(domError(name), true).message, PASSKEY_TEXT.notAdded);
  }
  assert.equal(PASSKEY_TEXT.notUsed, "No passkey was used. Try again, or sign in with your password.");
  const exists = ceremonyError(domError("InvalidStateError"), true);
  assert.deepEqual([exists.code, exists.message], ["PasskeyExists", "This device already has a passkey for your account"]);
  assert.equal(ceremonyError(domError("SecurityError")).code, "PasskeyNotHere");
  assert.equal(ceremonyError(domError("NotSupportedError")).message, PASSKEY_TEXT.unsupported);
  assert.equal(ceremonyError(domError("UnknownError")).message, "the browser's UnknownError");
  // describeError keeps these words, and the server's own.
  assert.equal(describeError(ceremonyError(domError("NotAllowedError"))).message, PASSKEY_TEXT.notUsed);
  const refused = Object.assign(new Error("The passkey could not be verified."), { code: "NotAuthorizedException" });
  assert.equal(describeError(refused).message, "The passkey could not be verified.");
  const full = Object.assign(new Error("A user may have at most 20 passkeys: remove one first."), { code: "LimitExceededException" });
  assert.equal(describeError(full).message, "A user may have at most 20 passkeys: remove one first.");
});

test("conditionalMediation: only a browser that says yes offers passkeys in its autofill", async () => {
  assert.equal(await conditionalMediation({ isConditionalMediationAvailable: async () => true }), true);
  assert.equal(await conditionalMediation({ isConditionalMediationAvailable: async () => false }), false);
  assert.equal(await conditionalMediation({ isConditionalMediationAvailable: () => true }), true, "a plain value too");
  assert.equal(await conditionalMediation({}), false, "an older browser: no such method");
  assert.equal(await conditionalMediation(undefined), false, "no PublicKeyCredential at all");
  assert.equal(await conditionalMediation({ isConditionalMediationAvailable: async () => Promise.reject(new Error("no")) }), false);
  assert.equal(await conditionalMediation({ isConditionalMediationAvailable: () => { throw new Error("no"); } }), false);
  assert.equal(await conditionalMediation({ isConditionalMediationAvailable: async () => "yes" }), false, "only true is yes");
});

test("appPasskeys and passkeyOf: the public config's switch, a listed passkey as shown", () => {
  assert.equal(appPasskeys({ passkeys: { enabled: true } }), true);
  assert.equal(appPasskeys({ passkeys: { enabled: false } }), false);
  assert.equal(appPasskeys({}), false, "an older server sends none: off");
  assert.equal(appPasskeys(null), false);
  assert.deepEqual(passkeyOf({ CredentialId: "AQ", FriendlyCredentialName: "Chrome on Mac", CreatedAt: 1767225600 }), {
    id: "AQ",
    name: "Chrome on Mac",
    createdAt: new Date("2026-01-01T00:00:00Z"),
  });
  assert.deepEqual(passkeyOf({ CredentialId: "AQ" }), { id: "AQ", name: "Passkey", createdAt: null });
});

/** A stand-in server: answers by operation, records the calls. */
function fakeServer(answers) {
  const calls = [];
  const call = async (operation, body) => {
    calls.push({ operation, body });
    const answer = answers[operation];
    const reply = typeof answer === "function" ? answer(body, calls) : answer;
    if (reply instanceof Error) throw reply;
    return reply ?? {};
  };
  return { calls, call };
}

const step = (reply) => (reply.AuthenticationResult ? { result: reply.AuthenticationResult } : { other: reply });

const assertion = {
  id: "BwgJ",
  rawId: buf(7, 8, 9),
  type: "public-key",
  authenticatorAttachment: "platform",
  getClientExtensionResults: () => ({}),
  response: { clientDataJSON: buf(1), authenticatorData: buf(2), signature: buf(3), userHandle: buf(4) },
};

test("signInWithPasskey: USER_AUTH preferring WEB_AUTHN, the browser's assertion, its answer", async () => {
  const server = fakeServer({
    InitiateAuth: {
      ChallengeName: "WEB_AUTHN",
      Session: "sess",
      ChallengeParameters: {
        USERNAME: "uid-1",
        CREDENTIAL_REQUEST_OPTIONS: JSON.stringify({ challenge: "AQID", rpId: "localhost", allowCredentials: [{ type: "public-key", id: "BwgJ" }] }),
      },
    },
    RespondToAuthChallenge: { AuthenticationResult: { IdToken: "id" } },
  });
  const asked = [];
  const credentials = { get: async (options) => (asked.push(options), assertion) };
  const { signInWithPasskey } = passkeyCalls(server.call, "client-1", step);
  assert.deepEqual(await signInWithPasskey("ann@example.com", credentials), { result: { IdToken: "id" } });
  assert.deepEqual(server.calls[0], {
    operation: "InitiateAuth",
    body: { AuthFlow: "USER_AUTH", ClientId: "client-1", AuthParameters: { USERNAME: "ann@example.com", PREFERRED_CHALLENGE: "WEB_AUTHN" } },
  });
  assert.deepEqual(bytes(asked[0].publicKey.challenge), [1, 2, 3]);
  assert.deepEqual(bytes(asked[0].publicKey.allowCredentials[0].id), [7, 8, 9]);
  const respond = server.calls[1];
  assert.equal(respond.operation, "RespondToAuthChallenge");
  assert.equal(respond.body.ChallengeName, "WEB_AUTHN");
  assert.equal(respond.body.Session, "sess");
  assert.equal(respond.body.ClientId, "client-1");
  assert.equal(respond.body.ChallengeResponses.USERNAME, "ann@example.com");
  assert.equal(typeof respond.body.ChallengeResponses.CREDENTIAL, "string", "a JSON string, as Cognito takes it");
  assert.deepEqual(JSON.parse(respond.body.ChallengeResponses.CREDENTIAL), credentialJson(assertion));
});

test("signInWithPasskey without an email: no USERNAME asked or answered, the browser's own prompt", async () => {
  for (const email of ["", null, undefined]) {
    const server = fakeServer({
      InitiateAuth: {
        ChallengeName: "WEB_AUTHN",
        Session: "sess",
        ChallengeParameters: { CREDENTIAL_REQUEST_OPTIONS: JSON.stringify({ challenge: "AQID", rpId: "localhost", allowCredentials: [], userVerification: "required" }) },
      },
      RespondToAuthChallenge: { AuthenticationResult: { IdToken: "id" } },
    });
    const asked = [];
    const credentials = { get: async (options) => (asked.push(options), assertion) };
    assert.deepEqual(await passkeyCalls(server.call, "client-1", step).signInWithPasskey(email, credentials), { result: { IdToken: "id" } });
    assert.deepEqual(server.calls[0].body, { AuthFlow: "USER_AUTH", ClientId: "client-1", AuthParameters: { PREFERRED_CHALLENGE: "WEB_AUTHN" } });
    assert.deepEqual(Object.keys(asked[0]), ["publicKey"], "modal: no mediation, no signal");
    assert.deepEqual(asked[0].publicKey.allowCredentials, []);
    assert.deepEqual(server.calls[1].body, {
      ChallengeName: "WEB_AUTHN",
      ClientId: "client-1",
      Session: "sess",
      ChallengeResponses: { CREDENTIAL: JSON.stringify(credentialJson(assertion)) },
    });
  }
});

test("signInWithPasskey: no passkey used, passkeys off, no browser support: no answer sent", async () => {
  const challenge = {
    ChallengeName: "WEB_AUTHN",
    Session: "s",
    ChallengeParameters: { CREDENTIAL_REQUEST_OPTIONS: JSON.stringify({ challenge: "AQ" }) },
  };
  const cancelled = fakeServer({ InitiateAuth: challenge });
  const refuse = { get: async () => Promise.reject(domError("NotAllowedError")) };
  await assert.rejects(passkeyCalls(cancelled.call, "c", step).signInWithPasskey("a@x.io", refuse), {
    code: "PasskeyNotUsed",
    message: PASSKEY_TEXT.notUsed,
  });
  assert.deepEqual(cancelled.calls.map((c) => c.operation), ["InitiateAuth"]);

  const off = fakeServer({ InitiateAuth: { ChallengeName: "SELECT_CHALLENGE", Session: "s", AvailableChallenges: ["PASSWORD_SRP"] } });
  await assert.rejects(passkeyCalls(off.call, "c", step).signInWithPasskey("a@x.io", { get: async () => assertion }), {
    code: "WebAuthnNotEnabledException",
    message: PASSKEY_TEXT.off,
  });
  assert.equal(off.calls.length, 1);

  const none = fakeServer({ InitiateAuth: challenge });
  await assert.rejects(passkeyCalls(none.call, "c", step).signInWithPasskey("a@x.io", null), { code: "PasskeyUnsupported" });

  // The server's refusal comes through as it is.
  const refused = Object.assign(new Error("The passkey could not be verified."), { code: "NotAuthorizedException" });
  const wrong = fakeServer({ InitiateAuth: challenge, RespondToAuthChallenge: refused });
  await assert.rejects(passkeyCalls(wrong.call, "c", step).signInWithPasskey("a@x.io", { get: async () => assertion }), refused);
});

test("addPasskey, listPasskeys, removePasskey: the calls and their bodies", async () => {
  const created = {
    id: "AQID",
    rawId: buf(1, 2, 3),
    type: "public-key",
    authenticatorAttachment: "platform",
    getClientExtensionResults: () => ({}),
    response: { clientDataJSON: buf(1), attestationObject: buf(2), getTransports: () => ["internal"] },
  };
  const server = fakeServer({
    StartWebAuthnRegistration: {
      CredentialCreationOptions: {
        challenge: "AQID",
        rp: { id: "localhost", name: "App" },
        user: { id: "BAU", name: "a@x.io", displayName: "a@x.io" },
        pubKeyCredParams: [{ type: "public-key", alg: -7 }],
        excludeCredentials: [{ type: "public-key", id: "Bg" }],
      },
    },
    ListWebAuthnCredentials: (body) =>
      body.NextToken
        ? { Credentials: [{ CredentialId: "Bg", FriendlyCredentialName: "Second", CreatedAt: 2 }] }
        : { Credentials: [{ CredentialId: "AQ", FriendlyCredentialName: "First", CreatedAt: 1 }], NextToken: "next" },
  });
  const asked = [];
  const calls = passkeyCalls(server.call, "c", step);
  await calls.addPasskey("tok", { create: async (options) => (asked.push(options), created) });
  assert.deepEqual(bytes(asked[0].publicKey.user.id), [4, 5]);
  assert.deepEqual(bytes(asked[0].publicKey.excludeCredentials[0].id), [6]);
  assert.deepEqual(server.calls[0], { operation: "StartWebAuthnRegistration", body: { AccessToken: "tok" } });
  assert.deepEqual(server.calls[1], {
    operation: "CompleteWebAuthnRegistration",
    body: { AccessToken: "tok", Credential: credentialJson(created) },
  });
  assert.equal(typeof server.calls[1].body.Credential, "object", "a JSON object, as Cognito takes it");

  // The same authenticator again: the browser refuses, nothing is completed.
  const before = server.calls.length;
  await assert.rejects(calls.addPasskey("tok", { create: async () => Promise.reject(domError("InvalidStateError")) }), {
    code: "PasskeyExists",
    message: "This device already has a passkey for your account",
  });
  assert.deepEqual(server.calls.slice(before).map((c) => c.operation), ["StartWebAuthnRegistration"]);

  const listed = await calls.listPasskeys("tok");
  assert.deepEqual(listed.map((p) => [p.id, p.name]), [["AQ", "First"], ["Bg", "Second"]], "every page");
  const lists = server.calls.filter((c) => c.operation === "ListWebAuthnCredentials");
  assert.deepEqual(lists.map((c) => c.body), [
    { AccessToken: "tok", MaxResults: 20 },
    { AccessToken: "tok", MaxResults: 20, NextToken: "next" },
  ]);

  await calls.removePasskey("tok", "AQ");
  assert.deepEqual(server.calls.at(-1), { operation: "DeleteWebAuthnCredential", body: { AccessToken: "tok", CredentialId: "AQ" } });
});
