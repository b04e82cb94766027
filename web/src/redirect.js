// Sign-in through an identity provider, by redirect, no DOM: the page leaves for the server's
// /oauth2/authorize with identity_provider=NAME (the authorization code flow with PKCE, RFC
// 7636), the provider and the server send the browser back to the page with a code and the
// state, and the code is exchanged at /oauth2/token for the tokens (RFC 6749 §4.1.3).

import { bytesToBase64, sha256, utf8 } from "./bytes.js";
import { AuthError, MSG } from "./errors.js";

/** How long a sign-in may be away at the provider. */
const AWAY_LIMIT = 10 * 60_000;
/** What the tokens are asked for: the user-pool API too, as the password sign-in's are. */
const REDIRECT_SCOPES = "openid email profile aws.cognito.signin.user.admin";

const redirectKey = (appId) => `authreturn:${appId}:redirect`;
const urlSafe = (bytes) => bytesToBase64(bytes).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");

/** The page's address without its query and fragment: where the provider's answer comes back. */
export const returnAddress = (pageUrl) => {
  const url = new URL(pageUrl);
  return url.origin + url.pathname;
};

/**
 * The authorization request through `provider` for the app `config` describes, its PKCE verifier
 * and state kept in `storage` (the tab's session storage) for the way back.
 */
export async function redirectRequest({ appId, config, provider, pageUrl, storage, now }) {
  const random = (n) => globalThis.crypto.getRandomValues(new Uint8Array(n));
  const verifier = urlSafe(random(32));
  const state = urlSafe(random(16));
  const redirectUri = returnAddress(pageUrl);
  storage.setItem(redirectKey(appId), JSON.stringify({ state, verifier, redirectUri, at: now }));
  const params = new URLSearchParams({
    response_type: "code",
    client_id: config.clientId,
    redirect_uri: redirectUri,
    scope: REDIRECT_SCOPES,
    state,
    code_challenge: urlSafe(await sha256(utf8(verifier))),
    code_challenge_method: "S256",
    identity_provider: provider,
  });
  return `${config.endpoint.replace(/\/+$/, "")}/oauth2/authorize?${params}`;
}

/**
 * The provider's answer on this page, when it is the one this tab's sign-in waits for (its
 * state): `{code, error, saved, cleanUrl}`, the kept request taken out of `storage` either way.
 * Null when the page was not opened by our redirect.
 */
export function redirectAnswer({ appId, pageUrl, storage, now }) {
  const url = new URL(pageUrl);
  const state = url.searchParams.get("state");
  if (!state) return null;
  let saved;
  try {
    saved = JSON.parse(storage.getItem(redirectKey(appId)));
  } catch {
    return null;
  }
  if (!saved || saved.state !== state) return null;
  storage.removeItem(redirectKey(appId));
  const code = url.searchParams.get("code");
  let error = url.searchParams.get("error");
  for (const name of ["code", "state", "error", "error_description"]) url.searchParams.delete(name);
  if (now - saved.at > AWAY_LIMIT) error = "ExpiredCodeException";
  else if (!error && !code) error = "invalid_request";
  return { code, error, saved, cleanUrl: url.href };
}

/** The code exchanged at the token endpoint: the tokens, in the shape InitiateAuth answers. */
export async function exchangeCode(config, { code, saved }, fetchFn) {
  const body = new URLSearchParams({
    grant_type: "authorization_code",
    client_id: config.clientId,
    code,
    redirect_uri: saved.redirectUri,
    code_verifier: saved.verifier,
  });
  let response;
  try {
    response = await fetchFn(`${config.endpoint.replace(/\/+$/, "")}/oauth2/token`, {
      method: "POST",
      credentials: "omit",
      cache: "no-store",
      headers: { "Content-Type": "application/x-www-form-urlencoded" },
      body: body.toString(),
    });
  } catch {
    throw new AuthError("NetworkError", MSG.network);
  }
  const data = await response.json().catch(() => ({}));
  if (!response.ok) throw new AuthError(data.error ?? "NotAuthorizedException", data.error_description ?? "The sign-in could not be completed.");
  return {
    IdToken: data.id_token,
    AccessToken: data.access_token,
    RefreshToken: data.refresh_token,
    ExpiresIn: data.expires_in,
  };
}

/** The app's identity providers from its public config: `[{name, type}]` (none from an older server). */
export const appProviders = (config) =>
  Array.isArray(config?.identityProviders) ? config.identityProviders.filter((p) => typeof p?.name === "string") : [];
