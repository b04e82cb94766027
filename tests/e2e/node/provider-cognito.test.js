// Provider mode (issue 16) with amazon-cognito-identity-js: an app whose pool lives in the
// Cognito emulator (MiniStack, which checks SRP); the front end takes the ids, endpoint and
// issuer from our public config, signs up and in at Cognito with SRP (a wrong password is
// refused), and our GET /api/user accepts the tokens Cognito issued.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AdminConfirmSignUpCommand,
  CognitoIdentityProviderClient,
} from '@aws-sdk/client-cognito-identity-provider';
import {
  BASE_URL,
  CognitoUserPool,
  MemoryStorage,
  authenticate,
  expectCode,
  signUp,
  uniqueEmail,
  userOf,
} from './support.js';

const APP = process.env.AUTH_RETURN_APP_COGNITO ? JSON.parse(process.env.AUTH_RETURN_APP_COGNITO) : null;
if (!APP && process.env.CI) {
  throw new Error('CI must run the provider tests: tests/e2e/run.sh registers the app when AUTH_RETURN_TEST_COGNITO_URL is set');
}

test('identity-js signs up and in with SRP at the pool our config names', { skip: !APP && 'no Cognito emulator' }, async () => {
  const config = await (await fetch(`${BASE_URL}/api/apps/${APP.app_id}/config`)).json();
  assert.equal(config.provider, 'cognito');
  assert.equal(config.userPoolId, APP.user_pool_id);
  const endpoint = config.endpoint.replace(/\/+$/, '');
  const pool = new CognitoUserPool({
    UserPoolId: config.userPoolId,
    ClientId: config.clientId,
    endpoint,
    Storage: new MemoryStorage(),
  });
  const email = uniqueEmail('aws');
  const signedUp = await signUp(pool, email);
  assert.equal(signedUp.userConfirmed, false);
  const admin = new CognitoIdentityProviderClient({
    endpoint,
    region: config.region,
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
  });
  await admin.send(new AdminConfirmSignUpCommand({ UserPoolId: config.userPoolId, Username: email }));

  const session = await authenticate(userOf(pool, email), email);
  assert.equal(session.isValid(), true);
  assert.equal(session.getIdToken().decodePayload().iss, config.issuer);
  await expectCode(authenticate(userOf(pool, email), email, 'Wrong-Horse-9!'), 'NotAuthorizedException');

  const me = await fetch(`${BASE_URL}/api/user`, {
    headers: { Authorization: `Bearer ${session.getAccessToken().getJwtToken()}` },
  });
  assert.equal(me.status, 200, await me.clone().text());
  const body = await me.json();
  assert.equal(body.app_id, APP.app_id);
  assert.equal(body.token_use, 'access');
});
