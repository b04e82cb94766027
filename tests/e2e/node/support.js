// Shared helpers for the Node end-to-end tests (amazon-cognito-identity-js and jose against a
// running Auth Return started by tests/e2e/run.sh, which exports AUTH_RETURN_URL,
// AUTH_RETURN_OUTBOX and AUTH_RETURN_APP_PUBLIC).
import { readFileSync, existsSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
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
