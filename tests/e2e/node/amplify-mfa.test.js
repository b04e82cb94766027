// Authenticator-app MFA (TOTP) with the real Amplify JS v6 Auth API (aws-amplify/auth) against
// Auth Return in Node, configured as in amplify.test.js (userPoolEndpoint, an in-memory token
// store), each test on an app of its own (Amplify.configure again per app):
// - `OPTIONAL`: signed in, setUpTOTP (AssociateSoftwareToken with the access token) →
//   verifyTOTPSetup (VerifySoftwareToken) → updateMFAPreference({ totp: 'PREFERRED' }) →
//   fetchMFAPreference; signIn then stops at CONFIRM_SIGN_IN_WITH_TOTP_CODE and confirmSignIn
//   ({ challengeResponse: code }) answers SOFTWARE_TOKEN_MFA; wrong and spent codes are
//   CodeMismatchException; updateMFAPreference({ totp: 'DISABLED' }) → password alone again.
// - `ON`: a user without an authenticator app gets MFA_SETUP; Amplify 6.x associates at once with
//   the challenge's Session and answers CONTINUE_SIGN_IN_WITH_TOTP_SETUP (totpSetupDetails);
//   confirmSignIn({ challengeResponse: code }) sends VerifySoftwareToken and then
//   RespondToAuthChallenge MFA_SETUP, which signs in. The next signIn asks for the code.
// The codes are computed with node:crypto (support.js: RFC 6238, HMAC-SHA1, 6 digits, 30 s).
// Amplify is a process-wide singleton: the tests in this file run one at a time.
import { test, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { Amplify } from 'aws-amplify';
import {
  confirmSignIn,
  confirmSignUp,
  fetchAuthSession,
  fetchMFAPreference,
  getCurrentUser,
  setUpTOTP,
  signIn,
  signOut,
  signUp,
  updateMFAPreference,
  verifyTOTPSetup,
} from 'aws-amplify/auth';
import { cognitoUserPoolsTokenProvider } from 'aws-amplify/auth/cognito';
import {
  BASE_URL,
  PASSWORD,
  base32Decode,
  codeOf,
  freshStep,
  mfaApp,
  recordCognitoTraffic,
  totp,
  uniqueEmail,
  waitForMessage,
  wrongCode,
} from './support.js';

const CODE_MISMATCH = 'Invalid code or auth state for the user.';

const store = new Map();
const keyValueStorage = {
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
};

/** Points Amplify at `app` (Amplify.configure resets the token store: ours is set again). */
function configureFor(app) {
  Amplify.configure({
    Auth: {
      Cognito: {
        userPoolId: app.user_pool_id,
        userPoolClientId: app.client_id,
        userPoolEndpoint: BASE_URL,
      },
    },
  });
  cognitoUserPoolsTokenProvider.setKeyValueStorage(keyValueStorage);
  assert.equal(Amplify.getConfig().Auth.Cognito.userPoolClientId, app.client_id);
}

beforeEach(() => {
  store.clear(); // never inherit a signed-in user from an earlier (failed) test
});

/** Rejects with the Amplify error named `name`, or fails if the call succeeds. */
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

/** Runs `fn` recording the Cognito calls it makes: {result, calls}. */
async function traced(fn) {
  const calls = recordCognitoTraffic();
  try {
    return { result: await fn(), calls };
  } finally {
    calls.stop();
  }
}

function targets(calls) {
  return calls.map((c) => [c.target, c.status]);
}

/** signUp + confirmSignUp (Amplify, on the configured app) with the mailed code: {email, sub}. */
async function newAmplifyUser(tag) {
  const email = uniqueEmail(`amplify-mfa-${tag}`);
  const { userId } = await signUp({ username: email, password: PASSWORD, options: { userAttributes: { email } } });
  const code = codeOf(await waitForMessage(email));
  const { isSignUpComplete } = await confirmSignUp({ username: email, confirmationCode: code });
  assert.equal(isSignUpComplete, true);
  return { email, sub: userId };
}

/** Checks that Amplify holds tokens of `app` for user `sub`. */
async function assertSignedInAs(app, sub) {
  const session = await fetchAuthSession();
  assert.ok(session.tokens, 'no tokens after the sign-in');
  const { accessToken, idToken } = session.tokens;
  assert.equal(session.userSub, sub);
  assert.equal(accessToken.payload.token_use, 'access');
  assert.equal(accessToken.payload.client_id, app.client_id);
  assert.equal(accessToken.payload.sub, sub);
  assert.equal(idToken.payload.aud, app.client_id);
  assert.equal(idToken.payload.sub, sub);
  assert.ok(accessToken.payload.exp * 1000 > Date.now());
  assert.equal((await getCurrentUser()).userId, sub);
  return session;
}

/** Checks that the sign-in stopped at the code, with no tokens kept. */
async function assertAskedForTotpCode(result) {
  assert.equal(result.isSignedIn, false);
  assert.deepEqual(result.nextStep, { signInStep: 'CONFIRM_SIGN_IN_WITH_TOTP_CODE' });
  assert.equal((await fetchAuthSession()).tokens, undefined, 'tokens before the code');
  await expectAmplifyError(getCurrentUser(), 'UserUnAuthenticatedException');
}

/** confirmSignIn with a code that must be refused: CodeMismatchException, no tokens. */
async function expectCodeRefused(code) {
  const { result: error, calls } = await traced(() => expectAmplifyError(confirmSignIn({ challengeResponse: code }), 'CodeMismatchException'));
  assert.equal(error.message, CODE_MISMATCH);
  assert.deepEqual(targets(calls), [['RespondToAuthChallenge', 400]]);
  assert.equal(calls[0].request.ChallengeName, 'SOFTWARE_TOKEN_MFA');
  assert.equal(calls[0].body.__type, 'CodeMismatchException');
  assert.equal((await fetchAuthSession()).tokens, undefined, 'a refused code left tokens');
  return error;
}

test('OPTIONAL: setUpTOTP + verifyTOTPSetup + updateMFAPreference; signIn asks for the code (confirmSignIn); DISABLED turns it off', async () => {
  const app = await mfaApp('OPTIONAL', 'e2e amplify mfa optional');
  configureFor(app);
  const { email, sub } = await newAmplifyUser('opt');

  // Without an authenticator app the password alone signs in.
  const plain = await signIn({ username: email, password: PASSWORD });
  assert.deepEqual(plain, { isSignedIn: true, nextStep: { signInStep: 'DONE' } });
  await assertSignedInAs(app, sub);
  assert.deepEqual(await fetchMFAPreference(), { preferred: undefined, enabled: undefined });

  // setUpTOTP: AssociateSoftwareToken with the access token; a 160-bit base32 secret.
  const { result: setup, calls: setupCalls } = await traced(() => setUpTOTP());
  assert.deepEqual(targets(setupCalls), [['AssociateSoftwareToken', 200]]);
  assert.equal(setupCalls[0].request.AccessToken, (await fetchAuthSession()).tokens.accessToken.toString());
  assert.equal(setupCalls[0].request.Session, undefined);
  const secret = setup.sharedSecret;
  assert.match(secret, /^[A-Z2-7]{32}$/);
  assert.equal(base32Decode(secret).length, 20);
  const uri = setup.getSetupUri('AuthReturnE2E', email);
  assert.equal(uri.protocol, 'otpauth:');
  assert.equal(uri.searchParams.get('secret'), secret);
  assert.equal(uri.searchParams.get('issuer'), 'AuthReturnE2E');
  assert.equal(decodeURIComponent(uri.pathname), `/AuthReturnE2E:${email}`);

  // A wrong first code is refused and turns nothing on.
  let step = await freshStep(12);
  const refused = await expectAmplifyError(verifyTOTPSetup({ code: wrongCode(secret, step) }), 'EnableSoftwareTokenMFAException');
  assert.equal(refused.message, 'Code mismatch and fail enable Software Token MFA');
  assert.deepEqual(await fetchMFAPreference(), { preferred: undefined, enabled: undefined });

  // The right code verifies it (VerifySoftwareToken with the access token).
  step = await freshStep(12);
  const { calls: verifyCalls } = await traced(() => verifyTOTPSetup({ code: totp(secret, step), options: { friendlyDeviceName: 'e2e phone' } }));
  assert.deepEqual(targets(verifyCalls), [['VerifySoftwareToken', 200]]);
  assert.equal(verifyCalls[0].request.UserCode, totp(secret, step));
  assert.equal(verifyCalls[0].request.FriendlyDeviceName, 'e2e phone');
  assert.equal(verifyCalls[0].body.Status, 'SUCCESS');
  // Auth Return turns a newly verified app on, preferred (no other factor is) ...
  assert.deepEqual(await fetchMFAPreference(), { preferred: 'TOTP', enabled: ['TOTP'] });

  // ... and updateMFAPreference PREFERRED, which Amplify's docs have an app call next, keeps it
  // so: SetUserMFAPreference with the TOTP settings only.
  const { calls: prefCalls } = await traced(() => updateMFAPreference({ totp: 'PREFERRED' }));
  assert.deepEqual(targets(prefCalls), [['SetUserMFAPreference', 200]]);
  assert.deepEqual(prefCalls[0].request.SoftwareTokenMfaSettings, { Enabled: true, PreferredMfa: true });
  assert.equal(prefCalls[0].request.SMSMfaSettings, undefined);
  assert.equal(prefCalls[0].request.EmailMfaSettings, undefined);
  assert.deepEqual(await fetchMFAPreference(), { preferred: 'TOTP', enabled: ['TOTP'] });

  await signOut();
  assert.equal((await fetchAuthSession()).tokens, undefined);

  // signIn now stops at the code: SRP, then the SOFTWARE_TOKEN_MFA challenge.
  const { result: asked, calls: signInCalls } = await traced(() => signIn({ username: email, password: PASSWORD }));
  await assertAskedForTotpCode(asked);
  assert.deepEqual(targets(signInCalls), [['InitiateAuth', 200], ['RespondToAuthChallenge', 200]]);
  const challenge = signInCalls[1].body;
  assert.equal(challenge.ChallengeName, 'SOFTWARE_TOKEN_MFA');
  assert.equal(challenge.AuthenticationResult, undefined);
  assert.ok(challenge.Session);

  // The code that verified the app is spent; a wrong code is refused too. Neither ends the
  // challenge: Amplify keeps its Session, and the server still takes it.
  await expectCodeRefused(totp(secret, step));
  await expectCodeRefused(wrongCode(secret, step));

  // The next time step's code signs in.
  const code = totp(secret, step + 1);
  const { result: confirmed, calls: confirmCalls } = await traced(() => confirmSignIn({ challengeResponse: code }));
  assert.deepEqual(confirmed, { isSignedIn: true, nextStep: { signInStep: 'DONE' } });
  assert.deepEqual(targets(confirmCalls), [['RespondToAuthChallenge', 200]]);
  const answer = confirmCalls[0].request;
  assert.equal(answer.ChallengeName, 'SOFTWARE_TOKEN_MFA');
  assert.equal(answer.Session, challenge.Session);
  assert.equal(answer.ChallengeResponses.SOFTWARE_TOKEN_MFA_CODE, code);
  assert.equal(answer.ChallengeResponses.USERNAME, sub);
  assert.equal(answer.ClientId, app.client_id);
  await assertSignedInAs(app, sub);
  assert.deepEqual(await fetchMFAPreference(), { preferred: 'TOTP', enabled: ['TOTP'] });

  // updateMFAPreference DISABLED: SetUserMFAPreference {Enabled: false}; nothing enabled.
  const { calls: offCalls } = await traced(() => updateMFAPreference({ totp: 'DISABLED' }));
  assert.deepEqual(targets(offCalls), [['SetUserMFAPreference', 200]]);
  assert.deepEqual(offCalls[0].request.SoftwareTokenMfaSettings, { Enabled: false });
  assert.deepEqual(await fetchMFAPreference(), { preferred: undefined, enabled: undefined });
  await signOut();

  // The password alone signs in again.
  const { result: again, calls: againCalls } = await traced(() => signIn({ username: email, password: PASSWORD }));
  assert.deepEqual(again, { isSignedIn: true, nextStep: { signInStep: 'DONE' } });
  assert.deepEqual(targets(againCalls), [['InitiateAuth', 200], ['RespondToAuthChallenge', 200]]);
  assert.ok(againCalls[1].body.AuthenticationResult.AccessToken);
  await assertSignedInAs(app, sub);

  // PREFERRED again (the verified secret is kept): signIn asks for the code again.
  await updateMFAPreference({ totp: 'PREFERRED' });
  assert.deepEqual(await fetchMFAPreference(), { preferred: 'TOTP', enabled: ['TOTP'] });
  await signOut();
  await assertAskedForTotpCode(await signIn({ username: email, password: PASSWORD }));
  await expectCodeRefused(code); // still spent
});

test('ON: a new user gets CONTINUE_SIGN_IN_WITH_TOTP_SETUP, confirmSignIn with a code signs in; the next signIn asks for the code', async () => {
  const app = await mfaApp('ON', 'e2e amplify mfa required');
  configureFor(app);
  const { email, sub } = await newAmplifyUser('on');

  // signIn: SRP, the MFA_SETUP challenge, and Amplify associates at once with its Session.
  const { result: setup, calls: signInCalls } = await traced(() => signIn({ username: email, password: PASSWORD }));
  assert.equal(setup.isSignedIn, false);
  assert.equal(setup.nextStep.signInStep, 'CONTINUE_SIGN_IN_WITH_TOTP_SETUP');
  assert.deepEqual(targets(signInCalls), [
    ['InitiateAuth', 200],
    ['RespondToAuthChallenge', 200],
    ['AssociateSoftwareToken', 200],
  ]);
  const [, verifier, associated] = signInCalls;
  assert.equal(verifier.body.ChallengeName, 'MFA_SETUP');
  assert.equal(verifier.body.ChallengeParameters.MFAS_CAN_SETUP, '["SOFTWARE_TOKEN_MFA"]');
  assert.equal(verifier.body.AuthenticationResult, undefined);
  assert.equal(associated.request.Session, verifier.body.Session);
  assert.equal(associated.request.AccessToken, undefined);
  assert.ok(associated.body.Session, 'AssociateSoftwareToken answered no Session');
  assert.equal((await fetchAuthSession()).tokens, undefined, 'tokens before the app was set up');

  const secret = setup.nextStep.totpSetupDetails.sharedSecret;
  assert.equal(secret, associated.body.SecretCode);
  assert.match(secret, /^[A-Z2-7]{32}$/);
  const uri = setup.nextStep.totpSetupDetails.getSetupUri('AuthReturnE2E', email);
  assert.equal(uri.searchParams.get('secret'), secret);
  assert.equal(decodeURIComponent(uri.pathname), `/AuthReturnE2E:${email}`);

  // A wrong code: VerifySoftwareToken refuses it (Amplify passes the error on) and no
  // RespondToAuthChallenge is sent; the setup can go on.
  let step = await freshStep(12);
  const { result: refused, calls: refusedCalls } = await traced(() =>
    expectAmplifyError(confirmSignIn({ challengeResponse: wrongCode(secret, step) }), 'EnableSoftwareTokenMFAException'),
  );
  assert.equal(refused.message, 'Code mismatch and fail enable Software Token MFA');
  assert.deepEqual(targets(refusedCalls), [['VerifySoftwareToken', 400]]);
  assert.equal((await fetchAuthSession()).tokens, undefined);

  // The right code: VerifySoftwareToken with the Session, then MFA_SETUP with the next one.
  step = await freshStep(12);
  const code = totp(secret, step);
  const { result: done, calls: setupCalls } = await traced(() => confirmSignIn({ challengeResponse: code }));
  assert.deepEqual(done, { isSignedIn: true, nextStep: { signInStep: 'DONE' } });
  assert.deepEqual(targets(setupCalls), [
    ['VerifySoftwareToken', 200],
    ['RespondToAuthChallenge', 200],
  ]);
  const [verified, finished] = setupCalls;
  assert.equal(verified.request.UserCode, code);
  assert.equal(verified.request.Session, associated.body.Session);
  assert.equal(verified.request.AccessToken, undefined);
  assert.equal(verified.body.Status, 'SUCCESS');
  assert.ok(verified.body.Session, 'VerifySoftwareToken answered no Session');
  assert.equal(finished.request.ChallengeName, 'MFA_SETUP');
  assert.equal(finished.request.Session, verified.body.Session);
  assert.equal(finished.request.ChallengeResponses.USERNAME, sub);
  assert.ok(finished.body.AuthenticationResult.AccessToken);
  await assertSignedInAs(app, sub);
  assert.deepEqual(await fetchMFAPreference(), { preferred: 'TOTP', enabled: ['TOTP'] });
  await signOut();

  // From now on signIn asks for the code, not for a setup.
  await assertAskedForTotpCode(await signIn({ username: email, password: PASSWORD }));
  await expectCodeRefused(code); // spent by the setup
  const next = totp(secret, step + 1);
  const { result: confirmed, calls: confirmCalls } = await traced(() => confirmSignIn({ challengeResponse: next }));
  assert.deepEqual(confirmed, { isSignedIn: true, nextStep: { signInStep: 'DONE' } });
  assert.deepEqual(targets(confirmCalls), [['RespondToAuthChallenge', 200]]);
  assert.equal(confirmCalls[0].request.ChallengeResponses.SOFTWARE_TOKEN_MFA_CODE, next);
  await assertSignedInAs(app, sub);
  await signOut();
});
