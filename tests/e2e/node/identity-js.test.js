// amazon-cognito-identity-js against Auth Return: signUp, confirmRegistration, SRP sign-in,
// getUserAttributes, refreshSession, signOut (RevokeToken), globalSignOut, error codes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  PUBLIC_APP,
  PASSWORD,
  CognitoRefreshToken,
  authenticate,
  codeOf,
  confirmRegistration,
  expectCode,
  getUserAttributes,
  globalSignOut,
  newConfirmedUser,
  newPool,
  refreshSession,
  signOut,
  signUp,
  uniqueEmail,
  userOf,
  waitForMessage,
} from './support.js';

function attributesMap(list) {
  return Object.fromEntries(list.map((a) => [a.getName(), a.getValue()]));
}

test('signUp returns an unconfirmed user and mails a code; confirmRegistration confirms', async () => {
  const pool = newPool();
  const email = uniqueEmail('signup');
  const result = await signUp(pool, email);
  assert.equal(result.userConfirmed, false);
  assert.match(result.userSub, /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i);
  assert.equal(result.user.getUsername(), email);

  const message = await waitForMessage(email);
  assert.equal(message.app_id, PUBLIC_APP.app_id);
  const code = codeOf(message);

  // Before confirmation, sign-in is refused with UserNotConfirmedException.
  await expectCode(authenticate(userOf(pool, email), email), 'UserNotConfirmedException');

  // A wrong code first: CodeMismatchException.
  const wrong = String((Number(code) + 1) % 1_000_000).padStart(6, '0');
  const mismatch = await expectCode(confirmRegistration(result.user, wrong), 'CodeMismatchException');
  assert.equal(mismatch.message, 'Invalid verification code provided, please try again.');

  assert.equal(await confirmRegistration(result.user, code), 'SUCCESS');
  const session = await authenticate(userOf(pool, email), email);
  assert.equal(session.isValid(), true);
});

test('duplicate signUp is UsernameExistsException; weak password is InvalidPasswordException', async () => {
  const { pool, email } = await newConfirmedUser('dup');
  await expectCode(signUp(pool, email, 'Another-Passw0rd!'), 'UsernameExistsException');
  const weak = await expectCode(signUp(pool, uniqueEmail('weak'), 'alllowercase'), 'InvalidPasswordException');
  assert.match(weak.message, /^Password did not conform with policy: /);
});

test('authenticateUser (SRP) gives a valid session with the expected tokens', async () => {
  const { pool, email, sub } = await newConfirmedUser('srp');
  const user = userOf(pool, email);
  const session = await authenticate(user, email);
  assert.equal(session.isValid(), true);
  // identity-js switches to USER_ID_FOR_SRP: the internal username is the sub.
  assert.equal(user.getUsername(), sub);

  const id = session.getIdToken().decodePayload();
  assert.equal(id.token_use, 'id');
  assert.equal(id.aud, PUBLIC_APP.client_id);
  assert.equal(id.iss, PUBLIC_APP.issuer);
  assert.equal(id.sub, sub);
  assert.equal(id.email, email);
  assert.equal(id['cognito:username'], sub);

  const access = session.getAccessToken().decodePayload();
  assert.equal(access.token_use, 'access');
  assert.equal(access.client_id, PUBLIC_APP.client_id);
  assert.equal(access.username, sub);
  assert.equal(access.aud, undefined);
  assert.ok(access.origin_jti, 'access token has no origin_jti: identity-js will not revoke on signOut');
  assert.ok(session.getRefreshToken().getToken().length > 20);

  const attrs = attributesMap(await getUserAttributes(user));
  assert.equal(attrs.sub, sub);
  assert.equal(attrs.email, email);
  assert.equal(attrs.email_verified, 'true');
});

test('wrong password and unknown user are NotAuthorizedException', async () => {
  const { pool, email } = await newConfirmedUser('wrongpw');
  const err = await expectCode(authenticate(userOf(pool, email), email, 'Wrong-Passw0rd!'), 'NotAuthorizedException');
  assert.equal(err.message, 'Incorrect username or password.');
  const nobody = uniqueEmail('nobody');
  const err2 = await expectCode(authenticate(userOf(pool, nobody), nobody, PASSWORD), 'NotAuthorizedException');
  assert.equal(err2.message, 'Incorrect username or password.');
});

test('refreshSession mints new tokens for the same sign-in session', async () => {
  const { pool, email, sub } = await newConfirmedUser('refresh');
  const user = userOf(pool, email);
  const session = await authenticate(user, email);
  const refreshed = await refreshSession(user, session.getRefreshToken());
  assert.equal(refreshed.isValid(), true);
  assert.notEqual(refreshed.getAccessToken().getJwtToken(), session.getAccessToken().getJwtToken());
  assert.notEqual(refreshed.getIdToken().getJwtToken(), session.getIdToken().getJwtToken());
  // No rotation: identity-js keeps the refresh token it had.
  assert.equal(refreshed.getRefreshToken().getToken(), session.getRefreshToken().getToken());
  const before = session.getAccessToken().decodePayload();
  const after = refreshed.getAccessToken().decodePayload();
  assert.equal(after.sub, sub);
  assert.equal(after.origin_jti, before.origin_jti);
  assert.equal(after.auth_time, before.auth_time);
  // The new access token works for GetUser.
  assert.equal(attributesMap(await getUserAttributes(user)).email, email);
});

test('signOut revokes the refresh token (RevokeToken); refreshing it is then refused', async () => {
  const { pool, email } = await newConfirmedUser('signout');
  const user = userOf(pool, email);
  const session = await authenticate(user, email);
  const refreshToken = session.getRefreshToken().getToken();
  await signOut(user); // calls RevokeToken because the access token carries origin_jti
  assert.equal(user.getSignInUserSession(), null);

  const again = userOf(newPool(), email);
  const err = await expectCode(refreshSession(again, new CognitoRefreshToken({ RefreshToken: refreshToken })), 'NotAuthorizedException');
  assert.equal(err.message, 'Refresh Token has been revoked');
});

test('globalSignOut ends all sessions of the user', async () => {
  const { pool, email } = await newConfirmedUser('global');
  const first = userOf(pool, email);
  const firstSession = await authenticate(first, email);
  const secondPool = newPool();
  const second = userOf(secondPool, email);
  const secondSession = await authenticate(second, email);

  assert.equal(await globalSignOut(first), 'SUCCESS');

  // The other session's access token is refused by GetUser...
  const err = await expectCode(getUserAttributes(second), 'NotAuthorizedException');
  assert.equal(err.message, 'Access Token has been revoked');
  // ...and both refresh tokens are dead.
  for (const s of [firstSession, secondSession]) {
    const u = userOf(newPool(), email);
    const e = await expectCode(refreshSession(u, s.getRefreshToken()), 'NotAuthorizedException');
    assert.equal(e.message, 'Refresh Token has been revoked');
  }
});
