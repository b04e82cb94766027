// Amplify JS v6 (aws-amplify, its Cognito user-pool provider) against Auth Return in Node:
// signUp / confirmSignUp, signIn (SRP, the default) → fetchAuthSession, getCurrentUser,
// fetchUserAttributes / updateUserAttributes (+ confirmUserAttribute for a new email),
// resetPassword / confirmResetPassword, updatePassword, token refresh (Amplify uses
// GetTokensFromRefreshToken: rotation), signOut (RevokeToken) and signOut({ global: true }),
// deleteUser, and error names.
//
// Node 20 has fetch and WebCrypto, which is all Amplify needs; its default token store falls
// back to memory without localStorage. The tests install their own in-memory key-value store
// (cognitoUserPoolsTokenProvider.setKeyValueStorage) to look at what Amplify keeps, and clear it
// before each test. Amplify is a process-wide singleton: the tests in this file run one at a time.
import { test, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { Amplify } from 'aws-amplify';
import {
  confirmResetPassword,
  confirmSignUp,
  confirmUserAttribute,
  deleteUser,
  fetchAuthSession,
  fetchUserAttributes,
  getCurrentUser,
  resetPassword,
  signIn,
  signOut,
  signUp,
  updatePassword,
  updateUserAttributes,
} from 'aws-amplify/auth';
import { cognitoUserPoolsTokenProvider } from 'aws-amplify/auth/cognito';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import {
  BASE_URL,
  NEW_PASSWORD,
  PASSWORD,
  PUBLIC_APP,
  codeOf,
  cognitoCall,
  recordCognitoTraffic,
  uniqueEmail,
  waitForMessage,
} from './support.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

Amplify.configure({
  Auth: {
    Cognito: {
      userPoolId: PUBLIC_APP.user_pool_id,
      userPoolClientId: PUBLIC_APP.client_id,
      userPoolEndpoint: BASE_URL, // docs/cognito-protocol.md §8 pitfall 12
    },
  },
});

const store = new Map();
cognitoUserPoolsTokenProvider.setKeyValueStorage({
  async setItem(key, value) {
    store.set(key, value);
  },
  async getItem(key) {
    return store.has(key) ? store.get(key) : null;
  },
  async removeItem(key) {
    store.delete(key);
  },
  async clear() {
    store.clear();
  },
});

beforeEach(() => {
  store.clear(); // never inherit a signed-in user from an earlier (failed) test
});

const jwks = createRemoteJWKSet(new URL(PUBLIC_APP.jwks_uri));

/** The refresh token Amplify keeps in its store. */
function storedRefreshToken() {
  const entries = [...store.entries()].filter(([key]) => key.endsWith('.refreshToken'));
  assert.equal(entries.length, 1, `refresh tokens in the store: ${entries.map(([k]) => k)}`);
  return entries[0][1];
}

/** Rejects with the Amplify error, or fails if the call succeeds. */
async function expectAmplifyError(promise, name) {
  let error;
  try {
    await promise;
  } catch (e) {
    error = e;
  }
  assert.ok(error, `expected ${name}, but the call succeeded`);
  assert.equal(error.name, name, `expected ${name}, got ${error.name}: ${error.message}`);
  return error;
}

/** signUp + confirmSignUp with the mailed code; returns {email, sub}. */
async function newAmplifyUser(tag) {
  const email = uniqueEmail(`amplify-${tag}`);
  const { userId } = await signUp({ username: email, password: PASSWORD, options: { userAttributes: { email } } });
  const code = codeOf(await waitForMessage(email));
  const { isSignUpComplete } = await confirmSignUp({ username: email, confirmationCode: code });
  assert.equal(isSignUpComplete, true);
  return { email, sub: userId };
}

async function signedIn(tag) {
  const user = await newAmplifyUser(tag);
  const { isSignedIn } = await signIn({ username: user.email, password: PASSWORD });
  assert.equal(isSignedIn, true);
  return user;
}

test('signUp answers CONFIRM_SIGN_UP with masked delivery details; confirmSignUp completes', async () => {
  const email = uniqueEmail('amplify-signup');
  const result = await signUp({ username: email, password: PASSWORD, options: { userAttributes: { email } } });
  assert.equal(result.isSignUpComplete, false);
  assert.match(result.userId, UUID);
  assert.equal(result.nextStep.signUpStep, 'CONFIRM_SIGN_UP');
  assert.equal(result.nextStep.codeDeliveryDetails.deliveryMedium, 'EMAIL');
  assert.equal(result.nextStep.codeDeliveryDetails.attributeName, 'email');
  assert.ok(!result.nextStep.codeDeliveryDetails.destination.includes(email));

  const code = codeOf(await waitForMessage(email));
  const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, '0');
  await expectAmplifyError(confirmSignUp({ username: email, confirmationCode: wrong }), 'CodeMismatchException');

  // Before confirmation Amplify turns UserNotConfirmedException into a CONFIRM_SIGN_UP step.
  const early = await signIn({ username: email, password: PASSWORD });
  assert.equal(early.isSignedIn, false);
  assert.equal(early.nextStep.signInStep, 'CONFIRM_SIGN_UP');

  const confirmed = await confirmSignUp({ username: email, confirmationCode: code });
  assert.equal(confirmed.isSignUpComplete, true);
  assert.equal(confirmed.nextStep.signUpStep, 'DONE');

  await expectAmplifyError(signUp({ username: email, password: PASSWORD, options: { userAttributes: { email } } }), 'UsernameExistsException');
});

test('signIn (SRP) → isSignedIn; fetchAuthSession tokens verify and carry the right claims; getCurrentUser', async () => {
  const traffic = recordCognitoTraffic();
  let email;
  let sub;
  try {
    ({ email, sub } = await signedIn('signin'));
  } finally {
    traffic.stop();
  }
  // The default flow is SRP: InitiateAuth USER_SRP_AUTH, then PASSWORD_VERIFIER.
  const initiate = traffic.find((c) => c.target === 'InitiateAuth');
  assert.equal(initiate.request.AuthFlow, 'USER_SRP_AUTH');
  const respond = traffic.find((c) => c.target === 'RespondToAuthChallenge');
  assert.equal(respond.request.ChallengeName, 'PASSWORD_VERIFIER');
  assert.equal(typeof respond.body.AuthenticationResult.RefreshTokenExpiresAt, 'number');

  const session = await fetchAuthSession();
  assert.equal(session.userSub, sub);
  const { idToken, accessToken } = session.tokens;
  assert.ok(idToken && accessToken);

  const id = await jwtVerify(idToken.toString(), jwks, {
    issuer: PUBLIC_APP.issuer,
    audience: PUBLIC_APP.client_id,
    algorithms: ['RS256'],
  });
  assert.deepEqual(id.payload, idToken.payload);
  assert.equal(idToken.payload.token_use, 'id');
  assert.equal(idToken.payload.sub, sub);
  assert.equal(idToken.payload.email, email);
  assert.equal(idToken.payload.email_verified, true);
  assert.equal(idToken.payload['cognito:username'], sub);

  await jwtVerify(accessToken.toString(), jwks, { issuer: PUBLIC_APP.issuer, algorithms: ['RS256'] });
  assert.equal(accessToken.payload.token_use, 'access');
  assert.equal(accessToken.payload.client_id, PUBLIC_APP.client_id);
  assert.equal(accessToken.payload.username, sub);
  assert.equal(accessToken.payload.aud, undefined);
  assert.ok(accessToken.payload.origin_jti);
  assert.ok(accessToken.payload.exp * 1000 > Date.now());

  const current = await getCurrentUser();
  assert.equal(current.userId, sub);
  assert.equal(current.username, sub);
  assert.equal(current.signInDetails.loginId, email);
  assert.equal(current.signInDetails.authFlowType, 'USER_SRP_AUTH');

  // A second signIn while signed in is refused by Amplify itself.
  await expectAmplifyError(signIn({ username: email, password: PASSWORD }), 'UserAlreadyAuthenticatedException');
  await signOut();
});

test('a wrong password or an unknown user is NotAuthorizedException', async () => {
  const { email } = await newAmplifyUser('wrongpw');
  const err = await expectAmplifyError(signIn({ username: email, password: 'Wrong-Passw0rd!' }), 'NotAuthorizedException');
  assert.equal(err.message, 'Incorrect username or password.');
  const nobody = await expectAmplifyError(signIn({ username: uniqueEmail('amplify-nobody'), password: PASSWORD }), 'NotAuthorizedException');
  assert.equal(nobody.message, 'Incorrect username or password.');
  await expectAmplifyError(getCurrentUser(), 'UserUnAuthenticatedException');
});

test('fetchUserAttributes / updateUserAttributes; a new email is confirmed with confirmUserAttribute', async () => {
  const { email, sub } = await signedIn('attrs');
  let attrs = await fetchUserAttributes();
  assert.equal(attrs.sub, sub);
  assert.equal(attrs.email, email);
  assert.equal(attrs.email_verified, 'true');
  assert.equal(attrs.name, undefined);

  const updated = await updateUserAttributes({ userAttributes: { name: 'Katherine Johnson', 'custom:team': 'nasa' } });
  assert.equal(updated.name.isUpdated, true);
  assert.equal(updated.name.nextStep.updateAttributeStep, 'DONE');
  attrs = await fetchUserAttributes();
  assert.equal(attrs.name, 'Katherine Johnson');
  assert.equal(attrs['custom:team'], 'nasa');

  // New tokens carry the new name.
  const refreshed = await fetchAuthSession({ forceRefresh: true });
  assert.equal(refreshed.tokens.idToken.payload.name, 'Katherine Johnson');

  const newEmail = uniqueEmail('amplify-attrs-new');
  const changed = await updateUserAttributes({ userAttributes: { email: newEmail } });
  assert.equal(changed.email.isUpdated, false);
  assert.equal(changed.email.nextStep.updateAttributeStep, 'CONFIRM_ATTRIBUTE_WITH_CODE');
  assert.equal(changed.email.nextStep.codeDeliveryDetails.attributeName, 'email');
  const code = codeOf(await waitForMessage(newEmail));
  assert.equal((await fetchUserAttributes()).email, email, 'pending until verified');

  await expectAmplifyError(
    confirmUserAttribute({ userAttributeKey: 'email', confirmationCode: String((Number(code) + 1) % 1_000_000).padStart(6, '0') }),
    'CodeMismatchException',
  );
  await confirmUserAttribute({ userAttributeKey: 'email', confirmationCode: code });
  attrs = await fetchUserAttributes();
  assert.equal(attrs.email, newEmail);
  assert.equal(attrs.email_verified, 'true');

  await signOut();
  await expectAmplifyError(signIn({ username: email, password: PASSWORD }), 'NotAuthorizedException');
  const again = await signIn({ username: newEmail, password: PASSWORD });
  assert.equal(again.isSignedIn, true);
  assert.equal((await fetchAuthSession()).tokens.idToken.payload.email, newEmail);
  await signOut();
});

test('resetPassword + confirmResetPassword: the new password signs in, the old one does not', async () => {
  const { email } = await newAmplifyUser('reset');
  const started = await resetPassword({ username: email });
  assert.equal(started.isPasswordReset, false);
  assert.equal(started.nextStep.resetPasswordStep, 'CONFIRM_RESET_PASSWORD_WITH_CODE');
  assert.equal(started.nextStep.codeDeliveryDetails.deliveryMedium, 'EMAIL');
  assert.equal(started.nextStep.codeDeliveryDetails.attributeName, 'email');
  const code = codeOf(await waitForMessage(email, 2)); // #1 was the sign-up code

  await expectAmplifyError(
    confirmResetPassword({ username: email, confirmationCode: code, newPassword: 'weak' }),
    'InvalidPasswordException',
  );
  await confirmResetPassword({ username: email, confirmationCode: code, newPassword: NEW_PASSWORD });

  const err = await expectAmplifyError(signIn({ username: email, password: PASSWORD }), 'NotAuthorizedException');
  assert.equal(err.message, 'Incorrect username or password.');
  const { isSignedIn } = await signIn({ username: email, password: NEW_PASSWORD });
  assert.equal(isSignedIn, true);
  await signOut();

  // A used code is answered as a wrong one.
  await expectAmplifyError(
    confirmResetPassword({ username: email, confirmationCode: code, newPassword: 'Another-Horse-7!' }),
    'CodeMismatchException',
  );
});

test('updatePassword (ChangePassword) replaces the password', async () => {
  const { email } = await signedIn('updatepw');
  await expectAmplifyError(updatePassword({ oldPassword: 'Wrong-Horse-9!', newPassword: NEW_PASSWORD }), 'NotAuthorizedException');
  await updatePassword({ oldPassword: PASSWORD, newPassword: NEW_PASSWORD });
  await signOut();
  await expectAmplifyError(signIn({ username: email, password: PASSWORD }), 'NotAuthorizedException');
  assert.equal((await signIn({ username: email, password: NEW_PASSWORD })).isSignedIn, true);
  await signOut();
});

test('forceRefresh uses GetTokensFromRefreshToken: a rotated refresh token, the same session', async () => {
  const { sub } = await signedIn('refresh');
  const before = await fetchAuthSession();
  const firstRefresh = storedRefreshToken();

  const traffic = recordCognitoTraffic();
  let after;
  try {
    after = await fetchAuthSession({ forceRefresh: true });
  } finally {
    traffic.stop();
  }
  const call = traffic.find((c) => c.target === 'GetTokensFromRefreshToken');
  assert.ok(call, `no GetTokensFromRefreshToken in ${traffic.map((c) => c.target)}`);
  assert.equal(call.status, 200);
  assert.equal(call.request.RefreshToken, firstRefresh);
  assert.equal(typeof call.body.AuthenticationResult.RefreshTokenExpiresAt, 'number');

  assert.notEqual(after.tokens.accessToken.toString(), before.tokens.accessToken.toString());
  assert.equal(after.tokens.accessToken.payload.origin_jti, before.tokens.accessToken.payload.origin_jti);
  assert.equal(after.tokens.accessToken.payload.auth_time, before.tokens.accessToken.payload.auth_time);
  assert.equal(after.userSub, sub);
  const secondRefresh = storedRefreshToken();
  assert.notEqual(secondRefresh, firstRefresh, 'Amplify stores the rotated refresh token');
  assert.equal(secondRefresh, call.body.AuthenticationResult.RefreshToken);

  // Inside the grace period the previous token still works (raw call), and so does the new one.
  const old = await cognitoCall('GetTokensFromRefreshToken', { ClientId: PUBLIC_APP.client_id, RefreshToken: firstRefresh });
  assert.equal(old.status, 200, JSON.stringify(old.body));
  const again = await fetchAuthSession({ forceRefresh: true });
  assert.equal(again.tokens.accessToken.payload.origin_jti, before.tokens.accessToken.payload.origin_jti);
  assert.equal((await fetchUserAttributes()).sub, sub);
  await signOut();
});

test('signOut revokes the refresh token (RevokeToken) and forgets the user', async () => {
  await signedIn('signout');
  const refreshToken = storedRefreshToken();
  const traffic = recordCognitoTraffic();
  try {
    await signOut();
  } finally {
    traffic.stop();
  }
  const revoke = traffic.find((c) => c.target === 'RevokeToken');
  assert.ok(revoke, `no RevokeToken in ${traffic.map((c) => c.target)}`);
  assert.equal(revoke.status, 200);
  assert.deepEqual(revoke.body, {});
  assert.equal([...store.keys()].filter((k) => k.endsWith('Token')).length, 0);
  assert.equal((await fetchAuthSession()).tokens, undefined);
  await expectAmplifyError(getCurrentUser(), 'UserUnAuthenticatedException');

  const refused = await cognitoCall('GetTokensFromRefreshToken', { ClientId: PUBLIC_APP.client_id, RefreshToken: refreshToken });
  assert.equal(refused.body.__type, 'NotAuthorizedException');
  assert.equal(refused.body.message, 'Refresh Token has been revoked');
});

test('signOut({ global: true }) ends every session of the user (GlobalSignOut)', async () => {
  const { email } = await signedIn('global');
  // A second, independent session of the same user.
  const other = await cognitoCall('InitiateAuth', {
    AuthFlow: 'USER_PASSWORD_AUTH',
    ClientId: PUBLIC_APP.client_id,
    AuthParameters: { USERNAME: email, PASSWORD },
  });
  assert.equal(other.status, 200, JSON.stringify(other.body));
  const otherAccess = other.body.AuthenticationResult.AccessToken;
  assert.equal((await cognitoCall('GetUser', { AccessToken: otherAccess })).status, 200);
  const ownAccess = (await fetchAuthSession()).tokens.accessToken.toString();

  const traffic = recordCognitoTraffic();
  try {
    await signOut({ global: true });
  } finally {
    traffic.stop();
  }
  assert.ok(traffic.some((c) => c.target === 'GlobalSignOut' && c.status === 200), `traffic: ${traffic.map((c) => c.target)}`);
  await expectAmplifyError(getCurrentUser(), 'UserUnAuthenticatedException');
  for (const token of [ownAccess, otherAccess]) {
    const reply = await cognitoCall('GetUser', { AccessToken: token });
    assert.equal(reply.body.__type, 'NotAuthorizedException');
    assert.equal(reply.body.message, 'Access Token has been revoked');
  }
  const refused = await cognitoCall('GetTokensFromRefreshToken', {
    ClientId: PUBLIC_APP.client_id,
    RefreshToken: other.body.AuthenticationResult.RefreshToken,
  });
  assert.equal(refused.body.message, 'Refresh Token has been revoked');
});

test('deleteUser removes the account and signs out', async () => {
  const { email } = await signedIn('delete');
  await deleteUser();
  await expectAmplifyError(getCurrentUser(), 'UserUnAuthenticatedException');
  const err = await expectAmplifyError(signIn({ username: email, password: PASSWORD }), 'NotAuthorizedException');
  assert.equal(err.message, 'Incorrect username or password.');
});
