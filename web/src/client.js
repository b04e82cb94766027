// The Cognito JSON client: the app's public config, then one call per operation (fetch only).
// Both the component and the hosted pages use it; the hosted pages send every call to their
// own URL (the `target` option), which answers the last sign-in step with `{SignedIn: true}`.

import { AuthError, MSG } from "./errors.js";
import { CHALLENGES, challengeOf, mfaCalls } from "./mfa.js";
import { passkeyCalls } from "./passkeys.js";
import { answerPasswordVerifier, srpStart } from "./srp.js";

/** The app's public config (`GET /api/apps/{app}/config`); NetworkError or ConfigError when it fails. */
export async function fetchConfig(baseUrl, appId, fetchFn = globalThis.fetch) {
  const url = `${baseUrl.replace(/\/+$/, "")}/api/apps/${encodeURIComponent(appId)}/config`;
  let response;
  try {
    response = await fetchFn(url, { credentials: "omit" });
  } catch {
    throw new AuthError("NetworkError", MSG.network);
  }
  if (!response.ok) throw new AuthError("ConfigError", `No app ${appId} at ${baseUrl}`);
  return response.json();
}

/**
 * A client for the app's Cognito endpoint: one function per operation, errors as AuthError.
 *
 * `options.target` `{url, headers, credentials}` sends the calls elsewhere than the endpoint's
 * `POST /`, with those extra headers and that fetch `credentials` (the hosted pages: `/login`,
 * their CSRF token, their cookies).
 */
export function createClient(config, fetchFn = globalThis.fetch, options = {}) {
  const clientId = config.clientId;
  const poolName = config.userPoolId.split("_")[1];
  const target = {
    url: config.endpoint.replace(/\/+$/, "") + "/",
    headers: {},
    credentials: "omit",
    ...options.target,
  };

  async function call(operation, body) {
    let response;
    try {
      response = await fetchFn(target.url, {
        method: "POST",
        credentials: target.credentials,
        cache: "no-store",
        headers: {
          ...target.headers,
          "Content-Type": "application/x-amz-json-1.1",
          "X-Amz-Target": `AWSCognitoIdentityProviderService.${operation}`,
        },
        body: JSON.stringify(body),
      });
    } catch {
      throw new AuthError("NetworkError", MSG.network);
    }
    const data = await response.json().catch(() => ({}));
    if (!response.ok) throw new AuthError(errorCode(data, response), data.message ?? data.Message ?? "");
    return data;
  }

  /**
   * `{result}` with tokens, `{signedIn: true}` when the target keeps the tokens itself (the
   * hosted pages' session cookie), or `{challenge}` (mfa.js `challengeOf`) for a new password
   * or a second factor.
   */
  async function signIn(email, password) {
    const { a, A } = srpStart();
    const init = await call("InitiateAuth", {
      AuthFlow: "USER_SRP_AUTH",
      ClientId: clientId,
      AuthParameters: { USERNAME: email, SRP_A: A.toString(16) },
    });
    if (init.ChallengeName !== "PASSWORD_VERIFIER") return authStep(init);
    const params = init.ChallengeParameters;
    const responses = await answerPasswordVerifier({ a, A, poolName, password, params });
    return authStep(
      await call("RespondToAuthChallenge", {
        ChallengeName: "PASSWORD_VERIFIER",
        ClientId: clientId,
        ChallengeResponses: responses,
        ...(init.Session ? { Session: init.Session } : {}),
      }),
    );
  }

  async function completeNewPassword(challenge, newPassword) {
    return authStep(
      await call("RespondToAuthChallenge", {
        ChallengeName: "NEW_PASSWORD_REQUIRED",
        ClientId: clientId,
        Session: challenge.session,
        ChallengeResponses: { USERNAME: challenge.userId, NEW_PASSWORD: newPassword },
      }),
    );
  }

  return {
    config,
    call,
    signIn,
    completeNewPassword,
    ...mfaCalls(call, clientId, authStep),
    ...passkeyCalls(call, clientId, authStep),
    signUp: (email, password) =>
      call("SignUp", {
        ClientId: clientId,
        Username: email,
        Password: password,
        UserAttributes: [{ Name: "email", Value: email }],
      }),
    confirmSignUp: (email, code) =>
      call("ConfirmSignUp", { ClientId: clientId, Username: email, ConfirmationCode: code }),
    resendCode: (email) => call("ResendConfirmationCode", { ClientId: clientId, Username: email }),
    forgotPassword: (email) => call("ForgotPassword", { ClientId: clientId, Username: email }),
    confirmForgotPassword: (email, code, password) =>
      call("ConfirmForgotPassword", {
        ClientId: clientId,
        Username: email,
        ConfirmationCode: code,
        Password: password,
      }),
    refresh: async (refreshToken) =>
      (await call("GetTokensFromRefreshToken", { ClientId: clientId, RefreshToken: refreshToken }))
        .AuthenticationResult,
    revoke: (refreshToken) => call("RevokeToken", { ClientId: clientId, Token: refreshToken }),
    globalSignOut: (accessToken) => call("GlobalSignOut", { AccessToken: accessToken }),
  };
}

function errorCode(data, response) {
  const raw = data.__type ?? data.code ?? response.headers.get("x-amzn-errortype") ?? "";
  return raw.split(":")[0].split("#").pop() || `HTTP${response.status}`;
}

function authStep(reply) {
  if (reply.AuthenticationResult) return { result: reply.AuthenticationResult };
  if (reply.SignedIn === true) return { signedIn: true };
  if (CHALLENGES.has(reply.ChallengeName)) return { challenge: challengeOf(reply) };
  throw new AuthError("UnsupportedChallenge", `Unsupported sign-in step ${reply.ChallengeName}`);
}
