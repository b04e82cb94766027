// Shared helpers for the Node end-to-end tests (amazon-cognito-identity-js and jose against a
// running Auth Return started by tests/e2e/run.sh, which exports AUTH_RETURN_URL,
// AUTH_RETURN_OUTBOX and AUTH_RETURN_APP_PUBLIC).
import { readFileSync, existsSync } from 'node:fs';
import { createHmac, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import cognito from 'amazon-cognito-identity-js';

export const {
  CognitoUserPool,
  CognitoUser,
  CognitoUserAttribute,
  AuthenticationDetails,
  CognitoRefreshToken,
} = cognito;

export const PASSWORD = 'Correct-Horse-9!';

function env(name) {
  const value = process.env[name];
  if (!value) {
    throw new Error(`${name} is not set: run these tests through tests/e2e/run.sh`);
  }
  return value;
}

export const BASE_URL = env('AUTH_RETURN_URL').replace(/\/+$/, '');
export const OUTBOX = env('AUTH_RETURN_OUTBOX');
export const PUBLIC_APP = JSON.parse(env('AUTH_RETURN_APP_PUBLIC'));

/** A private in-memory Storage per pool object, so tests never share cached sessions. */
export class MemoryStorage {
  constructor() {
    this.data = new Map();
  }
  setItem(key, value) {
    this.data.set(key, String(value));
    return value;
  }
  getItem(key) {
    return this.data.has(key) ? this.data.get(key) : null;
  }
  removeItem(key) {
    return this.data.delete(key);
  }
  clear() {
    this.data.clear();
  }
}

export function newPool(app = PUBLIC_APP) {
  return new CognitoUserPool({
    UserPoolId: app.user_pool_id,
    ClientId: app.client_id,
    endpoint: BASE_URL,
    Storage: new MemoryStorage(),
  });
}

export function uniqueEmail(tag = 'user') {
  return `e2e-node-${tag}-${randomUUID().replaceAll('-', '').slice(0, 16)}@example.com`;
}

function messagesTo(to) {
  if (!existsSync(OUTBOX)) return [];
  return readFileSync(OUTBOX, 'utf8')
    .split('\n')
    .slice(0, -1) // a line still being appended is not whole yet
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line))
    .filter((m) => m.to === to);
}

/** The `count`-th (1-based) message sent to `to`, waiting for it to appear. */
export async function waitForMessage(to, count = 1, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const messages = messagesTo(to);
    if (messages.length >= count) return messages[count - 1];
    if (Date.now() > deadline) {
      throw new Error(`no message #${count} to ${to} in ${OUTBOX} (found ${messages.length})`);
    }
    await sleep(100);
  }
}

export function codeOf(message) {
  const match = /(?<!\d)(\d{6})(?!\d)/.exec(message.text);
  if (!match) throw new Error(`no 6-digit code in mail text: ${JSON.stringify(message.text)}`);
  return match[1];
}

// Promise wrappers around identity-js's callback API.

export function signUp(pool, email, password = PASSWORD) {
  const attributes = [new CognitoUserAttribute({ Name: 'email', Value: email })];
  return new Promise((resolve, reject) => {
    pool.signUp(email, password, attributes, null, (err, result) => (err ? reject(err) : resolve(result)));
  });
}

export function confirmRegistration(user, code) {
  return new Promise((resolve, reject) => {
    user.confirmRegistration(code, true, (err, result) => (err ? reject(err) : resolve(result)));
  });
}

export function authenticate(user, email, password = PASSWORD) {
  const details = new AuthenticationDetails({ Username: email, Password: password });
  return new Promise((resolve, reject) => {
    user.authenticateUser(details, {
      onSuccess: (session) => resolve(session),
      onFailure: (err) => reject(err),
      newPasswordRequired: () => reject(new Error('unexpected NEW_PASSWORD_REQUIRED challenge')),
      mfaRequired: () => reject(new Error('unexpected SMS_MFA challenge')),
      totpRequired: () => reject(new Error('unexpected SOFTWARE_TOKEN_MFA challenge')),
      customChallenge: () => reject(new Error('unexpected CUSTOM_CHALLENGE')),
    });
  });
}

export function getUserAttributes(user) {
  return new Promise((resolve, reject) => {
    user.getUserAttributes((err, attrs) => (err ? reject(err) : resolve(attrs)));
  });
}

export function refreshSession(user, refreshToken) {
  return new Promise((resolve, reject) => {
    user.refreshSession(refreshToken, (err, session) => (err ? reject(err) : resolve(session)));
  });
}

export function signOut(user) {
  return new Promise((resolve, reject) => {
    user.signOut((err) => (err ? reject(err) : resolve()));
  });
}

export function globalSignOut(user) {
  return new Promise((resolve, reject) => {
    user.globalSignOut({ onSuccess: resolve, onFailure: reject });
  });
}

/** Signs up and confirms a fresh user; returns {pool, email, password, sub}. */
export async function newConfirmedUser(tag = 'user', app = PUBLIC_APP) {
  const pool = newPool(app);
  const email = uniqueEmail(tag);
  const result = await signUp(pool, email);
  const code = codeOf(await waitForMessage(email));
  await confirmRegistration(result.user, code);
  return { pool, email, password: PASSWORD, sub: result.userSub };
}

/** A CognitoUser for `email` in `pool` (identity-js switches it to USER_ID_FOR_SRP on sign-in). */
export function userOf(pool, email) {
  return new CognitoUser({ Username: email, Pool: pool, Storage: pool.storage });
}

/** Runs `fn`, expecting a rejection with identity-js error code `code`; returns the error. */
export async function expectCode(promise, code) {
  let error;
  try {
    await promise;
  } catch (e) {
    error = e;
  }
  if (!error) throw new Error(`expected ${code}, but the call succeeded`);
  if (error.code !== code) {
    throw new Error(`expected ${code}, got ${error.code}: ${error.message}`);
  }
  return error;
}

// --- Account operations (promise wrappers around identity-js callbacks) ------------------------

export const NEW_PASSWORD = 'Fresh-Horse-42!';

/** ForgotPassword; resolves with {via, data}: `via` names the callback identity-js called. */
export function forgotPassword(user, { withInputCallback = true } = {}) {
  return new Promise((resolve, reject) => {
    const callbacks = {
      onSuccess: (data) => resolve({ via: 'onSuccess', data }),
      onFailure: reject,
    };
    if (withInputCallback) {
      callbacks.inputVerificationCode = (data) => resolve({ via: 'inputVerificationCode', data });
    }
    user.forgotPassword(callbacks);
  });
}

export function confirmPassword(user, code, newPassword) {
  return new Promise((resolve, reject) => {
    user.confirmPassword(code, newPassword, { onSuccess: resolve, onFailure: reject });
  });
}

export function changePassword(user, oldPassword, newPassword) {
  return new Promise((resolve, reject) => {
    user.changePassword(oldPassword, newPassword, (err, result) => (err ? reject(err) : resolve(result)));
  });
}

/** UpdateUserAttributes; resolves with {result, details} (details = the raw output). */
export function updateAttributes(user, attributes) {
  return new Promise((resolve, reject) => {
    user.updateAttributes(attributes, (err, result, details) =>
      err ? reject(err) : resolve({ result, details }),
    );
  });
}

export function getAttributeVerificationCode(user, name) {
  return new Promise((resolve, reject) => {
    user.getAttributeVerificationCode(name, {
      onSuccess: () => reject(new Error('expected the inputVerificationCode callback')),
      onFailure: reject,
      inputVerificationCode: resolve,
    });
  });
}

export function verifyAttribute(user, name, code) {
  return new Promise((resolve, reject) => {
    user.verifyAttribute(name, code, { onSuccess: resolve, onFailure: reject });
  });
}

export function deleteUser(user) {
  return new Promise((resolve, reject) => {
    user.deleteUser((err, result) => (err ? reject(err) : resolve(result)));
  });
}

/** authenticateUser expecting NEW_PASSWORD_REQUIRED; resolves with {userAttributes, requiredAttributes}. */
export function authenticateExpectingNewPassword(user, email, password) {
  const details = new AuthenticationDetails({ Username: email, Password: password });
  return new Promise((resolve, reject) => {
    user.authenticateUser(details, {
      onSuccess: () => reject(new Error('expected NEW_PASSWORD_REQUIRED, got a session')),
      onFailure: reject,
      newPasswordRequired: (userAttributes, requiredAttributes) =>
        resolve({ userAttributes, requiredAttributes }),
    });
  });
}

export function completeNewPasswordChallenge(user, newPassword, attributes = {}) {
  return new Promise((resolve, reject) => {
    user.completeNewPasswordChallenge(newPassword, attributes, {
      onSuccess: resolve,
      onFailure: reject,
      newPasswordRequired: () => reject(new Error('NEW_PASSWORD_REQUIRED again')),
    });
  });
}

// --- Raw protocol calls, developers and the apps they own --------------------------------------

/** POST / with X-Amz-Target; resolves with {status, body}. `token` → Authorization: Bearer. */
export async function cognitoCall(operation, body, token) {
  const headers = {
    'content-type': 'application/x-amz-json-1.1',
    'x-amz-target': `AWSCognitoIdentityProviderService.${operation}`,
  };
  if (token) headers.authorization = `Bearer ${token}`;
  const response = await fetch(`${BASE_URL}/`, { method: 'POST', headers, body: JSON.stringify(body) });
  return { status: response.status, body: await response.json() };
}

/** An admin operation (Bearer console token) that must succeed; resolves with its output. */
export async function adminCall(token, operation, body) {
  const { status, body: answer } = await cognitoCall(operation, body, token);
  if (status !== 200) throw new Error(`${operation}: HTTP ${status} ${JSON.stringify(answer)}`);
  return answer;
}

/** The built-in console app, shaped like the apps-create JSON ({user_pool_id, client_id}). */
export async function consoleApp() {
  const response = await fetch(`${BASE_URL}/api/apps/console/config`);
  if (response.status !== 200) throw new Error(`console config: HTTP ${response.status}`);
  const config = await response.json();
  return { app_id: config.appId, user_pool_id: config.userPoolId, client_id: config.clientId };
}

/** A fresh developer (signed up, confirmed, SRP-signed-in in the console app): their access token. */
export async function developerToken() {
  const { pool, email } = await newConfirmedUser('dev', await consoleApp());
  const session = await authenticate(userOf(pool, email), email);
  return session.getAccessToken().getJwtToken();
}

/** POST /api/apps as the developer behind `token`. */
export async function createOwnedApp(token, name) {
  const response = await fetch(`${BASE_URL}/api/apps`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ name }),
  });
  const body = await response.json();
  if (response.status !== 201) throw new Error(`POST /api/apps: HTTP ${response.status} ${JSON.stringify(body)}`);
  return body;
}

/** AdminCreateUser with email = username; resolves with the `User` member. */
export async function adminCreateUser(token, app, email, { temporaryPassword, messageAction } = {}) {
  const body = {
    UserPoolId: app.user_pool_id,
    Username: email,
    UserAttributes: [{ Name: 'email', Value: email }],
  };
  if (temporaryPassword !== undefined) body.TemporaryPassword = temporaryPassword;
  if (messageAction !== undefined) body.MessageAction = messageAction;
  return (await adminCall(token, 'AdminCreateUser', body)).User;
}

export function temporaryPasswordOf(message) {
  const match = /temporary password (\S+)/.exec(message.text);
  if (!match) throw new Error(`no temporary password in the invitation: ${JSON.stringify(message.text)}`);
  return match[1];
}

/**
 * Records the Cognito protocol traffic that goes through global fetch (identity-js and Amplify
 * both use it): [{target, request, status, body}]. Call `stop()` to restore fetch.
 */
export function recordCognitoTraffic() {
  const original = globalThis.fetch;
  const calls = [];
  globalThis.fetch = async (input, init = {}) => {
    const response = await original(input, init);
    const headers = new Headers(init.headers ?? (input instanceof Request ? input.headers : undefined));
    const target = headers.get('x-amz-target');
    if (target) {
      let body = null;
      try {
        body = await response.clone().json();
      } catch {
        body = null;
      }
      let request = null;
      try {
        request = typeof init.body === 'string' ? JSON.parse(init.body) : null;
      } catch {
        request = null;
      }
      calls.push({ target: target.replace(/^AWSCognitoIdentityProviderService\./, ''), request, status: response.status, body });
    }
    return response;
  };
  calls.stop = () => {
    globalThis.fetch = original;
  };
  return calls;
}

// --- Authenticator-app codes (RFC 6238 TOTP), checked against the RFC vectors in mfa.test.js ---

const BASE32_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** RFC 4648 base32 (upper or lower case, padding optional) → bytes. */
export function base32Decode(text) {
  const bytes = [];
  let value = 0;
  let bits = 0;
  for (const ch of text.replace(/=+$/, '').toUpperCase()) {
    const index = BASE32_ALPHABET.indexOf(ch);
    if (index < 0) throw new Error(`not base32: ${JSON.stringify(text)}`);
    value = (value << 5) | index;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      bytes.push((value >>> bits) & 0xff);
      value &= (1 << bits) - 1;
    }
  }
  return Buffer.from(bytes);
}

/** RFC 4226 HOTP with HMAC-SHA1: the `digits`-digit code of `counter` under `key`. */
export function hotp(key, counter, digits = 6) {
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac('sha1', key).update(message).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  const binary = mac.readUInt32BE(offset) & 0x7fffffff;
  return String(binary % 10 ** digits).padStart(digits, '0');
}

export const STEP_SECONDS = 30;

/** The 30-second time step of `unixSeconds`. */
export function stepAt(unixSeconds) {
  return Math.floor(unixSeconds / STEP_SECONDS);
}

/** The authenticator app's 6-digit code for time step `step` of the base32 `secret`. */
export function totp(secret, step) {
  return hotp(base32Decode(secret), step);
}

/**
 * The current time step, with at least `marginSeconds` of it left (waits for the next step
 * otherwise), so that a sequence of calls planned around it is not split by a step boundary.
 */
export async function freshStep(marginSeconds = 8) {
  const now = Date.now() / 1000;
  const left = STEP_SECONDS - (now % STEP_SECONDS);
  if (left < marginSeconds) await sleep(Math.ceil(left * 1000) + 50);
  return stepAt(Date.now() / 1000);
}

/** A 6-digit code that is none of the app's codes for the steps around `step`. */
export function wrongCode(secret, step) {
  const near = new Set([-2, -1, 0, 1, 2].map((d) => totp(secret, step + d)));
  for (let n = 0; ; n += 111_111) {
    const candidate = String(n % 1_000_000).padStart(6, '0');
    if (!near.has(candidate)) return candidate;
  }
}

// The developer who owns the MFA apps of this test file (each file runs in a process of its own).
let developer;

/** A fresh app of this test file's developer, with MFA `mode` (`OFF`, `OPTIONAL`, `ON`). */
export async function mfaApp(mode, name) {
  developer ??= developerToken();
  const token = await developer;
  const app = await createOwnedApp(token, name);
  const response = await fetch(`${BASE_URL}/api/apps/${app.app_id}`, {
    method: 'PATCH',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ mfa: { mode } }),
  });
  const body = await response.json();
  if (response.status !== 200) {
    throw new Error(`PATCH /api/apps/${app.app_id}: HTTP ${response.status} ${JSON.stringify(body)}`);
  }
  if (body.mfa?.mode !== mode) throw new Error(`PATCH /api/apps/${app.app_id}: mfa.mode not ${mode}: ${JSON.stringify(body)}`);
  return app;
}
