// Passkeys in the Cognito protocol, no DOM: base64url and ArrayBuffers, the server's options
// made into what navigator.credentials takes, the browser's credential made into the JSON the
// server reads (as PublicKeyCredential.toJSON() and Amplify write it), the browser's errors in
// plain words, and the calls: sign in with a passkey (USER_AUTH preferring WEB_AUTHN, for a
// named user or, without a name, with whichever passkey the browser offers), add, list and
// remove a signed-in user's passkeys. createClient (client.js) adds these calls.

import { base64ToBytes, bytesToBase64 } from "./bytes.js";
import { AuthError } from "./errors.js";

/** What the passkey screens say when the browser's ceremony ends without a passkey. */
export const PASSKEY_TEXT = {
  notUsed: "No passkey was used. Try again, or sign in with your password.",
  notAdded: "No passkey was added.",
  exists: "This device already has a passkey for your account",
  unsupported: "This browser cannot use passkeys",
  notHere: "Passkeys do not work on this page’s address",
  off: "Passkeys are not on for this app",
};

/** Unpadded base64url of bytes (an ArrayBuffer or a view of one). */
export function toBase64url(bytes) {
  const view = bytes instanceof ArrayBuffer ? new Uint8Array(bytes) : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return bytesToBase64(view).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/** An ArrayBuffer of base64url (or base64), padded or not. */
export function fromBase64url(text) {
  return base64ToBytes(String(text).replace(/=+$/, "")).buffer;
}

/** A credential descriptor list with its ids as ArrayBuffers. */
const descriptors = (list) => (Array.isArray(list) ? list.map((d) => ({ ...d, id: fromBase64url(d.id) })) : undefined);

/** Members whose value is undefined left out (the browser's dictionaries refuse some nulls). */
const defined = (object) => Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined));

/**
 * StartWebAuthnRegistration's CredentialCreationOptions (JSON, binary members base64url) as
 * `navigator.credentials.create({publicKey})` takes it.
 */
export function creationOptions(json) {
  return defined({
    ...json,
    challenge: fromBase64url(json.challenge),
    user: { ...json.user, id: fromBase64url(json.user.id) },
    excludeCredentials: descriptors(json.excludeCredentials),
  });
}

/** WEB_AUTHN's CREDENTIAL_REQUEST_OPTIONS (JSON) as `navigator.credentials.get({publicKey})` takes it. */
export function requestOptions(json) {
  return defined({
    ...json,
    challenge: fromBase64url(json.challenge),
    allowCredentials: descriptors(json.allowCredentials),
  });
}

/** A response member the browser may lack (older ones have no getTransports): its value, or undefined. */
function tryCall(target, name) {
  try {
    return typeof target[name] === "function" ? target[name]() : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A PublicKeyCredential from create() or get() as JSON: `id`, `rawId`, `type`, `response`
 * (`clientDataJSON`, `attestationObject`, `transports`, `authenticatorData` when created;
 * `clientDataJSON`, `authenticatorData`, `signature`, `userHandle` when asserted),
 * `authenticatorAttachment` and `clientExtensionResults`; binary members base64url.
 */
export function credentialJson(credential) {
  const r = credential.response;
  const b64 = (bytes) => (bytes ? toBase64url(bytes) : undefined);
  const response = r.attestationObject
    ? defined({
        clientDataJSON: b64(r.clientDataJSON),
        attestationObject: b64(r.attestationObject),
        transports: tryCall(r, "getTransports") ?? [],
        authenticatorData: b64(tryCall(r, "getAuthenticatorData")),
        publicKeyAlgorithm: tryCall(r, "getPublicKeyAlgorithm"),
      })
    : defined({
        clientDataJSON: b64(r.clientDataJSON),
        authenticatorData: b64(r.authenticatorData),
        signature: b64(r.signature),
        userHandle: b64(r.userHandle),
      });
  return defined({
    id: credential.id,
    rawId: toBase64url(credential.rawId),
    type: credential.type,
    response,
    authenticatorAttachment: credential.authenticatorAttachment ?? undefined,
    clientExtensionResults: tryCall(credential, "getClientExtensionResults") ?? {},
  });
}

/**
 * The browser's error of a ceremony as an AuthError the screens word: cancelled or no passkey
 * (NotAllowedError, AbortError) `PasskeyNotUsed`; create() for an authenticator that already
 * has one of the user's (InvalidStateError) `PasskeyExists`; a page whose address cannot use the
 * relying party (SecurityError) `PasskeyNotHere`. Anything else as it came.
 */
export function ceremonyError(error, creating = false) {
  switch (error?.name) {
    case "NotAllowedError":
    case "AbortError":
      return new AuthError("PasskeyNotUsed", creating ? PASSKEY_TEXT.notAdded : PASSKEY_TEXT.notUsed);
    case "InvalidStateError":
      return new AuthError("PasskeyExists", PASSKEY_TEXT.exists);
    case "SecurityError":
      return new AuthError("PasskeyNotHere", PASSKEY_TEXT.notHere);
    case "NotSupportedError":
      return new AuthError("PasskeyUnsupported", PASSKEY_TEXT.unsupported);
    default:
      return error instanceof AuthError ? error : new AuthError(error?.name || "PasskeyError", error?.message || PASSKEY_TEXT.notUsed);
  }
}

/**
 * Runs `navigator.credentials[method]({publicKey, ...more})` (`more`: `mediation`, `signal`),
 * its errors made ceremonyError's.
 */
export async function ceremony(credentials, method, publicKey, more = {}) {
  if (!credentials?.[method]) throw new AuthError("PasskeyUnsupported", PASSKEY_TEXT.unsupported);
  let credential;
  try {
    credential = await credentials[method]({ ...more, publicKey });
  } catch (error) {
    throw ceremonyError(error, method === "create");
  }
  if (!credential) throw new AuthError("PasskeyNotUsed", method === "create" ? PASSKEY_TEXT.notAdded : PASSKEY_TEXT.notUsed);
  return credential;
}

/** A JSON object in a string, or null. */
function jsonObject(text) {
  try {
    const value = JSON.parse(text);
    return value && typeof value === "object" ? value : null;
  } catch {
    return null;
  }
}

/** The app's passkeys from its public config: on or not (off when an older server sent none). */
export const appPasskeys = (config) => config?.passkeys?.enabled === true;

/**
 * Whether the browser offers passkeys in its autofill (WebAuthn conditional mediation), from its
 * `PublicKeyCredential`: false where it cannot say, or fails to.
 */
export async function conditionalMediation(PublicKeyCredential) {
  try {
    return (await PublicKeyCredential?.isConditionalMediationAvailable?.()) === true;
  } catch {
    return false;
  }
}

/** A listed passkey as the screens show it: `{id, name, createdAt (Date or null)}`. */
export function passkeyOf(item) {
  const seconds = Number(item.CreatedAt);
  return {
    id: item.CredentialId,
    name: item.FriendlyCredentialName || "Passkey",
    createdAt: Number.isFinite(seconds) && seconds > 0 ? new Date(seconds * 1000) : null,
  };
}

/**
 * The passkey calls on a client's `call(operation, body)`; `step(reply)` turns the last answer
 * of a sign-in into the client's `{result}` or `{signedIn}`. `credentials` is the browser's
 * navigator.credentials (a stand-in in tests).
 */
export function passkeyCalls(call, clientId, step) {
  /**
   * USER_AUTH preferring WEB_AUTHN: for `email`, or without one (no USERNAME: the browser then
   * offers whichever of the site's passkeys it has). The WEB_AUTHN challenge as
   * `{session, email, publicKey}`, publicKey as navigator.credentials.get takes it.
   */
  async function passkeyChallenge(email) {
    const init = await call("InitiateAuth", {
      AuthFlow: "USER_AUTH",
      ClientId: clientId,
      AuthParameters: email ? { USERNAME: email, PREFERRED_CHALLENGE: "WEB_AUTHN" } : { PREFERRED_CHALLENGE: "WEB_AUTHN" },
    });
    const options = jsonObject(init.ChallengeParameters?.CREDENTIAL_REQUEST_OPTIONS);
    if (init.ChallengeName !== "WEB_AUTHN" || !options) throw new AuthError("WebAuthnNotEnabledException", PASSKEY_TEXT.off);
    return { session: init.Session, email: email || null, publicKey: requestOptions(options) };
  }

  /** The browser's assertion for `challenge` (passkeyChallenge's), answered. */
  async function answerPasskey(challenge, credential) {
    const responses = { CREDENTIAL: JSON.stringify(credentialJson(credential)) };
    if (challenge.email) responses.USERNAME = challenge.email;
    return step(
      await call("RespondToAuthChallenge", {
        ChallengeName: "WEB_AUTHN",
        ClientId: clientId,
        Session: challenge.session,
        ChallengeResponses: responses,
      }),
    );
  }

  return {
    passkeyChallenge,
    answerPasskey,
    /**
     * A passkey sign-in in the browser's own prompt: for `email`, or with any of the site's
     * passkeys when `email` is empty; the challenge, the browser's assertion, then its answer.
     */
    async signInWithPasskey(email, credentials) {
      const challenge = await passkeyChallenge(email);
      return answerPasskey(challenge, await ceremony(credentials, "get", challenge.publicKey));
    },
    /** Start → the browser's new credential → Complete: a new passkey for the signed-in user. */
    async addPasskey(accessToken, credentials) {
      const start = await call("StartWebAuthnRegistration", { AccessToken: accessToken });
      const credential = await ceremony(credentials, "create", creationOptions(start.CredentialCreationOptions));
      await call("CompleteWebAuthnRegistration", { AccessToken: accessToken, Credential: credentialJson(credential) });
    },
    /** The signed-in user's passkeys, oldest first (every page of them). */
    async listPasskeys(accessToken) {
      const found = [];
      let next;
      do {
        const reply = await call("ListWebAuthnCredentials", {
          AccessToken: accessToken,
          MaxResults: 20,
          ...(next ? { NextToken: next } : {}),
        });
        found.push(...(reply.Credentials ?? []).map(passkeyOf));
        next = reply.NextToken;
      } while (next);
      return found;
    },
    /** Removes one of the signed-in user's passkeys. */
    removePasskey: (accessToken, credentialId) =>
      call("DeleteWebAuthnCredential", { AccessToken: accessToken, CredentialId: credentialId }),
  };
}
