// amazon-cognito-identity-js against Auth Return, a user's own account: forgotPassword +
// confirmPassword, changePassword, updateAttributes (+ a pending email change verified with
// getAttributeVerificationCode / verifyAttribute), deleteUser, completeNewPasswordChallenge for
// an administrator-created user, and authenticateUser / refreshSession with the extra
// `RefreshTokenExpiresAt` member in every AuthenticationResult.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  NEW_PASSWORD,
  PASSWORD,
  adminCall,
  adminCreateUser,
  authenticate,
  authenticateExpectingNewPassword,
  changePassword,
  codeOf,
  completeNewPasswordChallenge,
  confirmPassword,
  createOwnedApp,
  deleteUser,
  developerToken,
  expectCode,
  forgotPassword,
  getAttributeVerificationCode,
  getUserAttributes,
  newConfirmedUser,
  newPool,
  recordCognitoTraffic,
  refreshSession,
  signUp,
  temporaryPasswordOf,
  uniqueEmail,
  updateAttributes,
  userOf,
  verifyAttribute,
  waitForMessage,
} from './support.js';

function attributesMap(list) {
  return Object.fromEntries(list.map((a) => [a.getName(), a.getValue()]));
}

function wrongCode(code) {
  return String((Number(code) + 1) % 1_000_000).padStart(6, '0');
}

async function expectIncorrect(pool, email, password) {
  const err = await expectCode(authenticate(userOf(pool, email), email, password), 'NotAuthorizedException');
  assert.equal(err.message, 'Incorrect username or password.');
}

// One developer with one app of their own, for the administrator-created users.
let owned;
async function ownedApp() {
  if (!owned) {
    const token = await developerToken();
    owned = { token, app: await createOwnedApp(token, 'e2e node owned') };
  }
  return owned;
}

test('forgotPassword (inputVerificationCode) + confirmPassword set a new password', async () => {
  const { pool, email, sub } = await newConfirmedUser('forgot');
  const signedIn = userOf(pool, email);
  await authenticate(signedIn, email);

  const user = userOf(pool, email);
  const { via, data } = await forgotPassword(user);
  assert.equal(via, 'inputVerificationCode');
  assert.equal(data.CodeDeliveryDetails.DeliveryMedium, 'EMAIL');
  assert.equal(data.CodeDeliveryDetails.AttributeName, 'email');
  assert.ok(!data.CodeDeliveryDetails.Destination.includes(email), 'the destination is masked');
  const mail = await waitForMessage(email, 2); // #1 was the sign-up code
  assert.match(mail.subject, /reset/i);
  const code = codeOf(mail);

  const mismatch = await expectCode(confirmPassword(user, wrongCode(code), NEW_PASSWORD), 'CodeMismatchException');
  assert.equal(mismatch.message, 'Invalid verification code provided, please try again.');
  await expectCode(confirmPassword(user, code, 'weak'), 'InvalidPasswordException');
  await authenticate(userOf(pool, email), email, PASSWORD); // nothing changed yet

  assert.equal(await confirmPassword(user, code, NEW_PASSWORD), 'SUCCESS');
  await expectIncorrect(pool, email, PASSWORD);
  const session = await authenticate(userOf(pool, email), email, NEW_PASSWORD);
  assert.equal(session.getIdToken().decodePayload().sub, sub);

  // Single use: a used code is answered as a wrong one (no hint whether the account exists).
  const used = await expectCode(confirmPassword(user, code, 'Another-Horse-7!'), 'CodeMismatchException');
  assert.equal(used.message, 'Invalid verification code provided, please try again.');
  // The session from before the reset still works (as in Cognito).
  assert.equal(attributesMap(await getUserAttributes(signedIn)).email, email);
});

test('forgotPassword without inputVerificationCode calls onSuccess with the delivery details', async () => {
  const { pool, email } = await newConfirmedUser('forgot-onsuccess');
  const user = userOf(pool, email);
  const { via, data } = await forgotPassword(user, { withInputCallback: false });
  assert.equal(via, 'onSuccess');
  assert.equal(data.CodeDeliveryDetails.DeliveryMedium, 'EMAIL');
  const code = codeOf(await waitForMessage(email, 2));
  assert.equal(await confirmPassword(user, code, NEW_PASSWORD), 'SUCCESS');
  await authenticate(userOf(pool, email), email, NEW_PASSWORD);
});

test('changePassword needs the previous password and replaces it', async () => {
  const { pool, email } = await newConfirmedUser('chpw');
  const user = userOf(pool, email);
  await authenticate(user, email);

  const wrong = await expectCode(changePassword(user, 'Wrong-Horse-9!', NEW_PASSWORD), 'NotAuthorizedException');
  assert.equal(wrong.message, 'Incorrect username or password.');
  const weak = await expectCode(changePassword(user, PASSWORD, 'nouppercase-9!'), 'InvalidPasswordException');
  assert.match(weak.message, /^Password did not conform with policy: /);

  assert.equal(await changePassword(user, PASSWORD, NEW_PASSWORD), 'SUCCESS');
  await expectIncorrect(pool, email, PASSWORD);
  await authenticate(userOf(pool, email), email, NEW_PASSWORD);
  // The session it was made with stays valid.
  assert.equal(attributesMap(await getUserAttributes(user)).email, email);
});

test('updateAttributes changes the profile; a new email waits for verifyAttribute', async () => {
  const { pool, email, sub } = await newConfirmedUser('attrs');
  const user = userOf(pool, email);
  await authenticate(user, email);

  const { result } = await updateAttributes(user, [
    { Name: 'name', Value: 'Grace Hopper' },
    { Name: 'family_name', Value: 'Hopper' },
  ]);
  assert.equal(result, 'SUCCESS');
  let attrs = attributesMap(await getUserAttributes(user));
  assert.equal(attrs.name, 'Grace Hopper');
  assert.equal(attrs.family_name, 'Hopper');
  assert.equal(attrs.sub, sub);

  // The refreshed ID token carries the new attributes.
  const refreshed = await refreshSession(user, user.getSignInUserSession().getRefreshToken());
  assert.equal(refreshed.getIdToken().decodePayload().name, 'Grace Hopper');

  const immutable = await expectCode(updateAttributes(user, [{ Name: 'sub', Value: 'x' }]), 'InvalidParameterException');
  assert.match(immutable.message, /sub/);

  // A new email: a code goes to the new address; the old one stays the sign-in name meanwhile.
  const newEmail = uniqueEmail('attrs-new');
  const { details } = await updateAttributes(user, [{ Name: 'email', Value: newEmail }]);
  assert.equal(details.CodeDeliveryDetailsList.length, 1);
  assert.equal(details.CodeDeliveryDetailsList[0].AttributeName, 'email');
  const firstCode = codeOf(await waitForMessage(newEmail));
  attrs = attributesMap(await getUserAttributes(user));
  assert.equal(attrs.email, email);
  await authenticate(userOf(pool, email), email);
  await expectIncorrect(pool, newEmail, PASSWORD);

  await expectCode(verifyAttribute(user, 'email', wrongCode(firstCode)), 'CodeMismatchException');
  const delivery = await getAttributeVerificationCode(user, 'email');
  assert.equal(delivery.CodeDeliveryDetails.AttributeName, 'email');
  const code = codeOf(await waitForMessage(newEmail, 2));
  assert.equal(await verifyAttribute(user, 'email', code), 'SUCCESS');

  attrs = attributesMap(await getUserAttributes(user));
  assert.equal(attrs.email, newEmail);
  assert.equal(attrs.email_verified, 'true');
  await expectIncorrect(pool, email, PASSWORD);
  const session = await authenticate(userOf(pool, newEmail), newEmail);
  assert.equal(session.getIdToken().decodePayload().email, newEmail);
  assert.equal(session.getIdToken().decodePayload().sub, sub);
});

test('deleteUser removes the account: sign-in is then refused, the email is free again', async () => {
  const { pool, email } = await newConfirmedUser('delete');
  const user = userOf(pool, email);
  const session = await authenticate(user, email);
  const refreshToken = session.getRefreshToken();

  assert.equal(await deleteUser(user), 'SUCCESS');
  assert.equal(pool.getCurrentUser(), null, 'identity-js clears its cached tokens');
  // The access token of the deleted user is refused.
  await expectCode(getUserAttributes(user), 'NotAuthorizedException');
  await expectIncorrect(pool, email, PASSWORD);
  await expectCode(refreshSession(userOf(newPool(), email), refreshToken), 'NotAuthorizedException');

  const again = await signUp(newPool(), email);
  assert.equal(again.userConfirmed, false);
});

test('an administrator-created user completes NEW_PASSWORD_REQUIRED (completeNewPasswordChallenge)', async () => {
  const { token, app } = await ownedApp();
  const email = uniqueEmail('invited');
  const temporary = 'Temp-Horse-1234!';
  const created = await adminCreateUser(token, app, email, { temporaryPassword: temporary, messageAction: 'SUPPRESS' });
  assert.equal(created.UserStatus, 'FORCE_CHANGE_PASSWORD');
  const sub = Object.fromEntries(created.Attributes.map((a) => [a.Name, a.Value])).sub;

  const pool = newPool(app);
  const user = userOf(pool, email);
  const { userAttributes, requiredAttributes } = await authenticateExpectingNewPassword(user, email, temporary);
  assert.equal(userAttributes.email, email);
  assert.deepEqual(requiredAttributes, []);

  // As the identity-js README says: email_verified must not be echoed back.
  delete userAttributes.email_verified;
  userAttributes.name = 'Invited Person'; // attributes may be set while answering
  const session = await completeNewPasswordChallenge(user, NEW_PASSWORD, userAttributes);
  assert.equal(session.isValid(), true);
  const id = session.getIdToken().decodePayload();
  assert.equal(id.sub, sub);
  assert.equal(id.email, email);
  assert.equal(id.aud, app.client_id);
  const attrs = attributesMap(await getUserAttributes(user));
  assert.equal(attrs.email, email);
  assert.equal(attrs.name, 'Invited Person');

  const got = await adminCall(token, 'AdminGetUser', { UserPoolId: app.user_pool_id, Username: email });
  assert.equal(got.UserStatus, 'CONFIRMED');

  await authenticate(userOf(pool, email), email, NEW_PASSWORD);
  await expectIncorrect(pool, email, temporary);
});

test('the invitation mail carries a temporary password that leads to the challenge', async () => {
  const { token, app } = await ownedApp();
  const email = uniqueEmail('invited-mail');
  await adminCreateUser(token, app, email);
  const invitation = await waitForMessage(email);
  assert.equal(invitation.app_id, app.app_id);
  const temporary = temporaryPasswordOf(invitation);

  const pool = newPool(app);
  const user = userOf(pool, email);
  await authenticateExpectingNewPassword(user, email, temporary);
  // A weak new password is refused; the challenge can then be answered with a good one
  // after signing in again (the Session is single use).
  await expectCode(completeNewPasswordChallenge(user, 'weak'), 'InvalidPasswordException');
  const retry = userOf(pool, email);
  await authenticateExpectingNewPassword(retry, email, temporary);
  const session = await completeNewPasswordChallenge(retry, NEW_PASSWORD);
  assert.equal(session.isValid(), true);
  await authenticate(userOf(pool, email), email, NEW_PASSWORD);
});

test('authenticateUser and refreshSession work with RefreshTokenExpiresAt on the wire', async () => {
  const { pool, email, sub } = await newConfirmedUser('expat');
  const traffic = recordCognitoTraffic();
  let session;
  let refreshed;
  try {
    const user = userOf(pool, email);
    session = await authenticate(user, email);
    refreshed = await refreshSession(user, session.getRefreshToken());
  } finally {
    traffic.stop();
  }
  const signIn = traffic.find((c) => c.target === 'RespondToAuthChallenge');
  const refresh = traffic.find((c) => c.target === 'InitiateAuth' && c.request?.AuthFlow === 'REFRESH_TOKEN_AUTH');
  assert.ok(signIn && refresh, `unexpected traffic: ${traffic.map((c) => c.target)}`);
  const end = signIn.body.AuthenticationResult.RefreshTokenExpiresAt;
  assert.equal(typeof end, 'number');
  const now = Date.now() / 1000;
  assert.ok(end > now + 29 * 86400 && end < now + 31 * 86400, `RefreshTokenExpiresAt ${end}`);
  assert.equal(refresh.body.AuthenticationResult.RefreshTokenExpiresAt, end);

  assert.equal(session.isValid(), true);
  assert.equal(session.getIdToken().decodePayload().sub, sub);
  assert.equal(refreshed.isValid(), true);
  assert.notEqual(refreshed.getAccessToken().getJwtToken(), session.getAccessToken().getJwtToken());
  assert.equal(refreshed.getAccessToken().decodePayload().origin_jti, session.getAccessToken().decodePayload().origin_jti);
  // REFRESH_TOKEN_AUTH does not rotate: identity-js keeps its refresh token.
  assert.equal(refreshed.getRefreshToken().getToken(), session.getRefreshToken().getToken());
});
