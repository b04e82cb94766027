// Authenticator-app MFA (TOTP) with the real amazon-cognito-identity-js: an `OPTIONAL` app where a
// signed-in user sets one up (associateSoftwareToken, verifySoftwareToken) and is then asked for
// its code (totpRequired, sendMFACode); wrong and replayed codes; an `ON` app where a user without
// one sets it up in the middle of the sign-in (mfaSetup); turning it off (setUserMfaPreference).
// The codes are computed here (RFC 6238 with node:crypto, support.js) from the secret the server
// hands out.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AuthenticationDetails,
  base32Decode,
  expectCode,
  freshStep,
  hotp,
  mfaApp,
  newConfirmedUser,
  recordCognitoTraffic,
  stepAt,
  totp,
  userOf,
  wrongCode,
} from './support.js';

test('the TOTP helper matches RFC 4648 and the RFC 6238 SHA-1 test vectors', () => {
  // RFC 4648 section 10.
  assert.equal(base32Decode('').toString(), '');
  assert.equal(base32Decode('MY======').toString(), 'f');
  assert.equal(base32Decode('MZXW6===').toString(), 'foo');
  assert.equal(base32Decode('MZXW6YTBOI======').toString(), 'foobar');
  assert.equal(base32Decode('mzxw6ytboi').toString(), 'foobar');
  assert.throws(() => base32Decode('MZXW1'), /not base32/);
  // RFC 6238 appendix B: the SHA-1 seed is the ASCII "12345678901234567890", 8 digits.
  const seed = base32Decode('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ');
  assert.equal(seed.toString('ascii'), '12345678901234567890');
  const vectors = [
    [59, '94287082'],
    [1111111109, '07081804'],
    [1111111111, '14050471'],
    [1234567890, '89005924'],
    [2000000000, '69279037'],
    [20000000000, '65353130'],
  ];
  for (const [time, code] of vectors) {
    assert.equal(hotp(seed, stepAt(time), 8), code, `T=${time}`);
  }
  // RFC 4226 appendix D (6 digits), the same key, counters 0 and 1.
  assert.equal(hotp(seed, 0), '755224');
  assert.equal(hotp(seed, 1), '287082');
  assert.equal(totp('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ', 1), '287082');
});

// ---- promise wrappers around identity-js ---------------------------------------------------------

/**
 * authenticateUser; resolves with how it ended: {outcome: 'tokens', session}, or
 * {outcome: 'totpRequired' | 'mfaSetup', challengeName, parameters}. Other challenges reject.
 */
function signIn(user, email, password) {
  const details = new AuthenticationDetails({ Username: email, Password: password });
  return new Promise((resolve, reject) => {
    const unexpected = (what) => () => reject(new Error(`unexpected ${what}`));
    user.authenticateUser(details, {
      onSuccess: (session) => resolve({ outcome: 'tokens', session }),
      onFailure: reject,
      totpRequired: (challengeName, parameters) => resolve({ outcome: 'totpRequired', challengeName, parameters }),
      mfaSetup: (challengeName, parameters) => resolve({ outcome: 'mfaSetup', challengeName, parameters }),
      mfaRequired: unexpected('SMS_MFA challenge'),
      selectMFAType: unexpected('SELECT_MFA_TYPE challenge'),
      newPasswordRequired: unexpected('NEW_PASSWORD_REQUIRED challenge'),
      customChallenge: unexpected('CUSTOM_CHALLENGE'),
    });
  });
}

/** associateSoftwareToken: the secret (identity-js uses the access token, or else the Session). */
function associate(user) {
  return new Promise((resolve, reject) => {
    user.associateSoftwareToken({ associateSecretCode: resolve, onFailure: reject });
  });
}

/** verifySoftwareToken: signed in, the VerifySoftwareToken output; during MFA_SETUP, the session. */
function verify(user, code, deviceName = 'e2e phone') {
  return new Promise((resolve, reject) => {
    user.verifySoftwareToken(code, deviceName, { onSuccess: resolve, onFailure: reject });
  });
}

/** sendMFACode for SOFTWARE_TOKEN_MFA: the session. */
function sendTotp(user, code) {
  return new Promise((resolve, reject) => {
    user.sendMFACode(code, { onSuccess: resolve, onFailure: reject }, 'SOFTWARE_TOKEN_MFA');
  });
}

function setTotpPreference(user, settings) {
  return new Promise((resolve, reject) => {
    user.setUserMfaPreference(null, settings, (err, result) => (err ? reject(err) : resolve(result)));
  });
}

/** GetUser through getUserData, bypassing identity-js's cache of it. */
function userData(user) {
  return new Promise((resolve, reject) => {
    user.getUserData((err, data) => (err ? reject(err) : resolve(data)), { bypassCache: true });
  });
}

const CODE_MISMATCH = 'Invalid code or auth state for the user.';

/** Expects sendMFACode to be refused with CodeMismatchException, and no tokens to be issued. */
async function expectCodeRefused(user, code) {
  const calls = recordCognitoTraffic();
  let err;
  try {
    err = await expectCode(sendTotp(user, code), 'CodeMismatchException');
  } finally {
    calls.stop();
  }
  assert.equal(err.name, 'CodeMismatchException');
  assert.equal(err.message, CODE_MISMATCH);
  assert.equal(user.getSignInUserSession(), null, 'a refused code left tokens on the user');
  assert.equal(calls.length, 1);
  assert.equal(calls[0].target, 'RespondToAuthChallenge');
  assert.equal(calls[0].status, 400);
  assert.equal(calls[0].body.AuthenticationResult, undefined);
  return err;
}

/** Checks a signed-in session: valid, of `app`, of the user `sub`. */
function assertSessionOf(session, app, sub) {
  assert.equal(session.isValid(), true);
  const access = session.getAccessToken().decodePayload();
  assert.equal(access.token_use, 'access');
  assert.equal(access.client_id, app.client_id);
  assert.equal(access.sub, sub);
  const id = session.getIdToken().decodePayload();
  assert.equal(id.aud, app.client_id);
  assert.equal(id.sub, sub);
  assert.ok(session.getRefreshToken().getToken().length > 20);
}

/** Checks that the sign-in stopped at SOFTWARE_TOKEN_MFA and no tokens were issued. */
function assertAskedForCode(user, result) {
  assert.equal(result.outcome, 'totpRequired');
  assert.equal(result.challengeName, 'SOFTWARE_TOKEN_MFA');
  assert.equal(user.getSignInUserSession(), null, 'tokens before the code');
  assert.ok(user.Session, 'no Session kept for the challenge');
}

// ---- tests ---------------------------------------------------------------------------------------

test('OPTIONAL: a signed-in user sets up an authenticator app, and sign-in then asks for its code', async () => {
  const app = await mfaApp('OPTIONAL', 'e2e node mfa optional');
  const { pool, email, password, sub } = await newConfirmedUser('mfa-opt', app);

  // Without an authenticator app, OPTIONAL signs in with the password alone.
  const user = userOf(pool, email);
  const first = await signIn(user, email, password);
  assert.equal(first.outcome, 'tokens');
  const before = await userData(user);
  assert.equal(before.Username, sub);
  assert.equal(before.UserMFASettingList, undefined);
  assert.equal(before.PreferredMfaSetting, undefined);

  // associateSoftwareToken with the access token: a 160-bit secret in base32.
  const secret = await associate(user);
  assert.match(secret, /^[A-Z2-7]{32}$/);
  assert.equal(base32Decode(secret).length, 20);

  // A wrong first code is EnableSoftwareTokenMFAException and turns nothing on.
  let step = await freshStep();
  const refused = await expectCode(verify(user, wrongCode(secret, step)), 'EnableSoftwareTokenMFAException');
  assert.equal(refused.name, 'EnableSoftwareTokenMFAException');
  assert.equal(refused.message, 'Code mismatch and fail enable Software Token MFA');
  assert.equal((await userData(user)).UserMFASettingList, undefined);
  const stillPlain = await signIn(userOf(pool, email), email, password);
  assert.equal(stillPlain.outcome, 'tokens', 'asked for a code before the app was verified');

  // The right code turns it on, preferred.
  step = await freshStep();
  assert.deepEqual(await verify(user, totp(secret, step)), { Status: 'SUCCESS' });
  const after = await userData(user);
  assert.deepEqual(after.UserMFASettingList, ['SOFTWARE_TOKEN_MFA']);
  assert.equal(after.PreferredMfaSetting, 'SOFTWARE_TOKEN_MFA');

  // The next sign-in stops at SOFTWARE_TOKEN_MFA (totpRequired) without tokens...
  const next = userOf(pool, email);
  const asked = await signIn(next, email, password);
  assertAskedForCode(next, asked);
  assert.equal(asked.parameters.USER_ID_FOR_SRP, sub);
  assert.equal(next.getUsername(), sub);

  // ...and the code of the next time step (the verifying one is spent) signs in.
  const challengeSession = next.Session;
  const calls = recordCognitoTraffic();
  let session;
  try {
    session = await sendTotp(next, totp(secret, step + 1));
  } finally {
    calls.stop();
  }
  assertSessionOf(session, app, sub);
  assert.equal(next.getSignInUserSession(), session);
  // What identity-js sent: the code as SOFTWARE_TOKEN_MFA_CODE (and SMS_MFA_CODE), the sub.
  assert.deepEqual(
    calls.map((c) => [c.target, c.status]),
    [['RespondToAuthChallenge', 200]],
  );
  assert.equal(calls[0].request.ChallengeName, 'SOFTWARE_TOKEN_MFA');
  assert.equal(calls[0].request.ChallengeResponses.USERNAME, sub);
  assert.equal(calls[0].request.ChallengeResponses.SOFTWARE_TOKEN_MFA_CODE, totp(secret, step + 1));
  assert.equal(calls[0].request.Session, challengeSession);
  assert.deepEqual((await userData(next)).UserMFASettingList, ['SOFTWARE_TOKEN_MFA']);
});

test('wrong and replayed codes are CodeMismatchException, issue no tokens, and leave the Session usable', async () => {
  const app = await mfaApp('OPTIONAL', 'e2e node mfa refusals');
  const { pool, email, password, sub } = await newConfirmedUser('mfa-bad', app);
  const enrolled = userOf(pool, email);
  assert.equal((await signIn(enrolled, email, password)).outcome, 'tokens');
  const secret = await associate(enrolled);
  // Verified with the previous step's code (a phone a little behind, within the one step of
  // skew), so three consecutive steps are usable below without waiting for the clock.
  const step = await freshStep(12);
  assert.deepEqual(await verify(enrolled, totp(secret, step - 1)), { Status: 'SUCCESS' });

  const user = userOf(pool, email);
  const asked = await signIn(user, email, password);
  assertAskedForCode(user, asked);
  const session = user.Session;

  // The code that verified the app is spent: it cannot sign in.
  await expectCodeRefused(user, totp(secret, step - 1));
  // A wrong code, and one of the wrong length.
  await expectCodeRefused(user, wrongCode(secret, step));
  await expectCodeRefused(user, '12345');
  // identity-js keeps the challenge's Session after a refusal; the server still takes it.
  assert.equal(user.Session, session);
  const signedIn = await sendTotp(user, totp(secret, step));
  assertSessionOf(signedIn, app, sub);

  // A code that signed in is spent too: a second sign-in with it is refused...
  const again = userOf(pool, email);
  assertAskedForCode(again, await signIn(again, email, password));
  await expectCodeRefused(again, totp(secret, step));
  // ...and not because its Session is broken: the next step's code is taken on it.
  assertSessionOf(await sendTotp(again, totp(secret, step + 1)), app, sub);
});

test('ON: a user without an authenticator app sets one up during sign-in (mfaSetup), then is asked for its code', async () => {
  const app = await mfaApp('ON', 'e2e node mfa required');
  const { pool, email, password, sub } = await newConfirmedUser('mfa-on', app);

  const user = userOf(pool, email);
  const setup = await signIn(user, email, password);
  assert.equal(setup.outcome, 'mfaSetup');
  assert.equal(setup.challengeName, 'MFA_SETUP');
  assert.equal(setup.parameters.MFAS_CAN_SETUP, '["SOFTWARE_TOKEN_MFA"]');
  assert.equal(user.getSignInUserSession(), null, 'tokens before the authenticator app was set up');
  assert.equal(user.getUsername(), sub);

  const calls = recordCognitoTraffic();
  let session;
  let secret;
  let step;
  try {
    // Not signed in: identity-js associates with the challenge's Session.
    secret = await associate(user);
    assert.match(secret, /^[A-Z2-7]{32}$/);
    step = await freshStep();
    const refused = await expectCode(verify(user, wrongCode(secret, step)), 'EnableSoftwareTokenMFAException');
    assert.equal(refused.message, 'Code mismatch and fail enable Software Token MFA');
    assert.equal(user.getSignInUserSession(), null);
    // verifySoftwareToken with the Session: VerifySoftwareToken, then RespondToAuthChallenge
    // MFA_SETUP with the Session it answered, which signs in.
    session = await verify(user, totp(secret, step), 'e2e phone');
  } finally {
    calls.stop();
  }
  assertSessionOf(session, app, sub);
  assert.equal(user.getSignInUserSession(), session);

  assert.deepEqual(
    calls.map((c) => [c.target, c.status]),
    [
      ['AssociateSoftwareToken', 200],
      ['VerifySoftwareToken', 400],
      ['VerifySoftwareToken', 200],
      ['RespondToAuthChallenge', 200],
    ],
  );
  const [associated, , verified, finished] = calls;
  assert.equal(associated.request.AccessToken, undefined);
  assert.ok(associated.request.Session);
  assert.ok(associated.body.Session, 'AssociateSoftwareToken answered no Session');
  assert.equal(verified.request.Session, associated.body.Session);
  assert.equal(verified.request.FriendlyDeviceName, 'e2e phone');
  assert.equal(verified.body.Status, 'SUCCESS');
  assert.ok(verified.body.Session, 'VerifySoftwareToken answered no Session');
  assert.equal(finished.request.ChallengeName, 'MFA_SETUP');
  assert.equal(finished.request.Session, verified.body.Session);
  assert.equal(finished.request.ChallengeResponses.USERNAME, sub);
  assert.ok(finished.body.AuthenticationResult.AccessToken);

  const data = await userData(user);
  assert.deepEqual(data.UserMFASettingList, ['SOFTWARE_TOKEN_MFA']);
  assert.equal(data.PreferredMfaSetting, 'SOFTWARE_TOKEN_MFA');

  // From now on sign-in asks for the code (totpRequired), not for a setup.
  const later = userOf(pool, email);
  assertAskedForCode(later, await signIn(later, email, password));
  await expectCodeRefused(later, totp(secret, step));
  assertSessionOf(await sendTotp(later, totp(secret, step + 1)), app, sub);
});

test('setUserMfaPreference turns the authenticator app off (password alone) and on again', async () => {
  const app = await mfaApp('OPTIONAL', 'e2e node mfa off');
  const { pool, email, password, sub } = await newConfirmedUser('mfa-off', app);
  const enrolled = userOf(pool, email);
  assert.equal((await signIn(enrolled, email, password)).outcome, 'tokens');
  const secret = await associate(enrolled);
  const step = await freshStep();
  await verify(enrolled, totp(secret, step));

  // Signed in with password and code, the user turns the app off.
  const user = userOf(pool, email);
  assertAskedForCode(user, await signIn(user, email, password));
  assertSessionOf(await sendTotp(user, totp(secret, step + 1)), app, sub);
  assert.equal(await setTotpPreference(user, { Enabled: false, PreferredMfa: false }), 'SUCCESS');
  const off = await userData(user);
  assert.equal(off.Username, sub);
  assert.equal(off.UserMFASettingList, undefined);
  assert.equal(off.PreferredMfaSetting, undefined);

  // The password alone signs in now.
  const plain = userOf(pool, email);
  const result = await signIn(plain, email, password);
  assert.equal(result.outcome, 'tokens');
  assertSessionOf(result.session, app, sub);

  // Turned on again (the secret is kept), sign-in asks for the code again.
  assert.equal(await setTotpPreference(user, { Enabled: true, PreferredMfa: true }), 'SUCCESS');
  const on = await userData(user);
  assert.deepEqual(on.UserMFASettingList, ['SOFTWARE_TOKEN_MFA']);
  assert.equal(on.PreferredMfaSetting, 'SOFTWARE_TOKEN_MFA');
  const asked = userOf(pool, email);
  assertAskedForCode(asked, await signIn(asked, email, password));
});

test('USER_PASSWORD_AUTH: totpRequired after the password, and sendMFACode with the email as USERNAME', async () => {
  const app = await mfaApp('OPTIONAL', 'e2e node mfa plain');
  const { pool, email, password, sub } = await newConfirmedUser('mfa-plain', app);
  const enrolled = userOf(pool, email);
  enrolled.setAuthenticationFlowType('USER_PASSWORD_AUTH');
  assert.equal((await signIn(enrolled, email, password)).outcome, 'tokens');
  const secret = await associate(enrolled);
  const step = await freshStep();
  await verify(enrolled, totp(secret, step));

  const user = userOf(pool, email);
  user.setAuthenticationFlowType('USER_PASSWORD_AUTH');
  const asked = await signIn(user, email, password);
  assertAskedForCode(user, asked);
  // No SRP: identity-js keeps the name it was given and answers the challenge with it.
  assert.equal(user.getUsername(), email);
  await expectCodeRefused(user, wrongCode(secret, step));
  const calls = recordCognitoTraffic();
  let session;
  try {
    session = await sendTotp(user, totp(secret, step + 1));
  } finally {
    calls.stop();
  }
  assert.equal(calls[0].request.ChallengeResponses.USERNAME, email);
  assertSessionOf(session, app, sub);
});
