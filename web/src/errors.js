// The component's errors, and what each means to the user in plain words.

import { policyMessage } from "./policy.js";

/** An error with the server's code (`NotAuthorizedException`, …) as its name and code. */
export class AuthError extends Error {
  constructor(code, message) {
    super(message);
    this.name = code;
    this.code = code;
  }
}

/** A mistake in how the page uses the component, not the user's: named AuthReturnError. */
export function usageError(code, message) {
  const error = new AuthError(code, message);
  error.name = "AuthReturnError";
  return error;
}

/** What the user reads, by situation. */
export const MSG = {
  wrongPassword: "Wrong email or password",
  tooMany: "Too many attempts, try again in a minute",
  exists: "An account with this email already exists",
  badCode: "That code is not right",
  expiredCode: "That code has expired — send a new one",
  network: "Cannot reach the sign-in service",
  disabled: "This account is disabled",
  signUpClosed: "New accounts are by invitation only",
  invalidEmail: "Enter a valid email address",
  unconfirmed: "Confirm your email first: enter the code we sent you",
  signInExpired: "That took too long: sign in again",
  generic: "Something went wrong, please try again",
};

/** The codes that mean: slow down (the modal does not report them as errors). */
export const TOO_MANY = new Set([
  "TooManyRequestsException",
  "LimitExceededException",
  "TooManyFailedAttemptsException",
]);

/** `{message, view?}` for the user; `view` asks the modal to move there. */
export function describeError(error, policy) {
  const code = error?.code ?? "";
  const text = error?.message ?? "";
  if (code === "NetworkError") return { message: MSG.network };
  // The most passkeys a user may have: LimitExceededException, but no reason to slow down.
  if (code === "LimitExceededException" && /passkeys/i.test(text)) return { message: text };
  if (TOO_MANY.has(code) || /attempts exceeded/i.test(text)) return { message: MSG.tooMany };
  if (code === "NotAuthorizedException" && /disabled/i.test(text)) return { message: MSG.disabled };
  // A second step's Session lives 3 minutes (a new password's 5): then the sign-in starts over.
  if (code === "NotAuthorizedException" && /session is expired/i.test(text)) {
    return { message: MSG.signInExpired, view: "signin" };
  }
  // Cognito's words when only administrators create users (and ours for closed sign-up).
  if (code === "NotAuthorizedException" && /signup is not permitted/i.test(text)) return { message: MSG.signUpClosed };
  if (/incorrect username or password/i.test(text) || code === "UserNotFoundException") {
    return { message: MSG.wrongPassword };
  }
  if (code === "UserNotConfirmedException") return { message: MSG.unconfirmed, view: "confirm" };
  if (code === "UsernameExistsException" || code === "AliasExistsException") {
    return { message: MSG.exists };
  }
  // A wrong code at sign-in, and a wrong first code of a new authenticator app.
  if (code === "CodeMismatchException" || code === "EnableSoftwareTokenMFAException") return { message: MSG.badCode };
  if (code === "ExpiredCodeException") return { message: MSG.expiredCode };
  if (code === "InvalidParameterException" && /email/i.test(text)) return { message: MSG.invalidEmail };
  if (code === "InvalidPasswordException") {
    return { message: policy ? policyMessage(policy) : text.replace(/^.*policy:\s*/, "") };
  }
  return { message: text || MSG.generic };
}
