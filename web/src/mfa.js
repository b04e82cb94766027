// Multi-factor sign-in in the Cognito protocol, no DOM: the challenges after the password
// (SOFTWARE_TOKEN_MFA, EMAIL_OTP, SELECT_MFA_TYPE, MFA_SETUP) read from the server's answer and
// answered, and a signed-in user's second factors (GetUser, AssociateSoftwareToken,
// VerifySoftwareToken, SetUserMFAPreference). createClient (client.js) adds these calls.

/** The factors, by Cognito's names. */
export const TOTP = "SOFTWARE_TOKEN_MFA";
export const EMAIL_OTP = "EMAIL_OTP";

/** The challenges a sign-in may stop at before its tokens. */
export const CHALLENGES = new Set(["NEW_PASSWORD_REQUIRED", TOTP, EMAIL_OTP, "SELECT_MFA_TYPE", "MFA_SETUP"]);

/** A JSON array in a string (MFAS_CAN_CHOOSE), as Cognito sends it; [] when it is not one. */
function jsonList(text) {
  try {
    const list = JSON.parse(text ?? "[]");
    return Array.isArray(list) ? list.filter((item) => typeof item === "string") : [];
  } catch {
    return [];
  }
}

/**
 * A challenge of the server's answer as the screens use it: its name, Session, the user's
 * name for the answer, where an email code went, the factors to choose from (SELECT_MFA_TYPE)
 * and those that can be set up (MFA_SETUP).
 */
export function challengeOf(reply) {
  const params = reply.ChallengeParameters ?? {};
  return {
    name: reply.ChallengeName,
    session: reply.Session,
    userId: params.USER_ID_FOR_SRP ?? params.USERNAME,
    destination: params.CODE_DELIVERY_DESTINATION ?? null,
    choices: jsonList(params.MFAS_CAN_CHOOSE),
    setupChoices: jsonList(params.MFAS_CAN_SETUP),
  };
}

/**
 * A signed-in user's second factors from GetUser: `{totp, email, preferred, emailVerified}`
 * (`preferred` a factor's name, or null).
 */
export function mfaStatusOf(user) {
  const factors = new Set(user.UserMFASettingList ?? []);
  const verified = (user.UserAttributes ?? []).find((a) => a.Name === "email_verified")?.Value;
  return {
    totp: factors.has(TOTP),
    email: factors.has(EMAIL_OTP),
    preferred: factors.has(user.PreferredMfaSetting) ? user.PreferredMfaSetting : null,
    emailVerified: verified === "true",
  };
}

/** The app's MFA from its public config: `{mode, emailOtp}`; OFF when an older server sent none. */
export function appMfa(config) {
  const mode = config?.mfa?.mode;
  return { mode: mode === "OPTIONAL" || mode === "ON" ? mode : "OFF", emailOtp: config?.mfa?.emailOtp === true };
}

/** `{AccessToken}` or `{Session}`: who sets up an authenticator app. */
const tokenOrSession = ({ accessToken, session }) => (accessToken ? { AccessToken: accessToken } : { Session: session });

/**
 * The multi-factor calls on a client's `call(operation, body)`; `step(reply)` turns an answer
 * of RespondToAuthChallenge into the client's `{result}`, `{signedIn}` or `{challenge}`.
 */
export function mfaCalls(call, clientId, step) {
  const respond = (challenge, responses) =>
    call("RespondToAuthChallenge", {
      ChallengeName: challenge.name,
      ClientId: clientId,
      Session: challenge.session,
      ChallengeResponses: { USERNAME: challenge.userId, ...responses },
    }).then(step);
  return {
    /** Answers SOFTWARE_TOKEN_MFA or EMAIL_OTP with the code the user typed. */
    answerMfaCode: (challenge, code) =>
      respond(challenge, { [challenge.name === EMAIL_OTP ? "EMAIL_OTP_CODE" : "SOFTWARE_TOKEN_MFA_CODE"]: code }),
    /** SELECT_MFA_TYPE: the factor chosen; answers that factor's challenge. */
    selectMfa: (challenge, factor) => respond(challenge, { ANSWER: factor }),
    /** MFA_SETUP, once VerifySoftwareToken verified the app with `session`: signs in. */
    finishMfaSetup: (challenge, session) => respond({ ...challenge, session }, {}),
    /** MFA_SETUP with codes by email to `email` (the account's): the EMAIL_OTP challenge follows. */
    setupEmailMfa: (challenge, email) => respond(challenge, { EMAIL: email }),
    /** A new secret: `{secret, session}` (the next Session when called with one). */
    associateSoftwareToken: async (who) => {
      const reply = await call("AssociateSoftwareToken", tokenOrSession(who));
      return { secret: reply.SecretCode, session: reply.Session ?? null };
    },
    /** Checks a first code of the new secret: `{session}` (the next Session, with one). */
    verifySoftwareToken: async (who, code) => {
      const reply = await call("VerifySoftwareToken", { ...tokenOrSession(who), UserCode: code, FriendlyDeviceName: "Authenticator app" });
      return { session: reply.Session ?? null };
    },
    /** The signed-in user's factors (mfaStatusOf). */
    getMfaStatus: async (accessToken) => mfaStatusOf(await call("GetUser", { AccessToken: accessToken })),
    /** SetUserMFAPreference: `{totp, email}`, each `{enabled, preferred}` (absent: unchanged). */
    setMfaPreference: (accessToken, { totp, email }) =>
      call("SetUserMFAPreference", {
        AccessToken: accessToken,
        ...(totp ? { SoftwareTokenMfaSettings: factorSettings(totp) } : {}),
        ...(email ? { EmailMfaSettings: factorSettings(email) } : {}),
      }),
  };
}

/** One factor's settings, with only the members given. */
function factorSettings({ enabled, preferred }) {
  return {
    ...(enabled === undefined ? {} : { Enabled: enabled }),
    ...(preferred === undefined ? {} : { PreferredMfa: preferred }),
  };
}
