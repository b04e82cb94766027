// The AWS SDK for JavaScript v3 (issue 17): a back-office script with static credentials — a
// developer's access key — creates a user, reads it back, lists the pool and deletes the user,
// the SDK signing every call with SigV4 as against AWS; a wrong secret gets AWS's refusal.

import test from 'node:test';
import assert from 'node:assert/strict';
import {
  AdminCreateUserCommand,
  AdminDeleteUserCommand,
  AdminGetUserCommand,
  CognitoIdentityProviderClient,
  DescribeUserPoolCommand,
  ListUsersCommand,
} from '@aws-sdk/client-cognito-identity-provider';
import { BASE_URL, createOwnedApp, developerToken, uniqueEmail } from './support.js';

/** POST /api/access-keys as the developer behind `token`. */
async function createAccessKey(token, body) {
  const response = await fetch(`${BASE_URL}/api/access-keys`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
  const key = await response.json();
  assert.equal(response.status, 201, JSON.stringify(key));
  return key;
}

/** A client signing with `key` (a wrong `secret` when given). */
function client(key, secret = key.secret_access_key) {
  return new CognitoIdentityProviderClient({
    endpoint: BASE_URL,
    region: 'us-east-1',
    credentials: { accessKeyId: key.access_key_id, secretAccessKey: secret },
    maxAttempts: 1,
  });
}

test('the SDK v3 administers users with a static access key', async () => {
  const token = await developerToken();
  const app = await createOwnedApp(token, 'sdk v3 back office');
  const key = await createAccessKey(token, { name: 'back office', app_id: app.app_id });
  const idp = client(key);
  const pool = app.user_pool_id;

  const described = await idp.send(new DescribeUserPoolCommand({ UserPoolId: pool }));
  assert.equal(described.UserPool.Id, pool);

  const email = uniqueEmail('sdkv3');
  const created = await idp.send(
    new AdminCreateUserCommand({
      UserPoolId: pool,
      Username: email,
      UserAttributes: [{ Name: 'email', Value: email }],
      MessageAction: 'SUPPRESS',
    }),
  );
  assert.equal(created.User.UserStatus, 'FORCE_CHANGE_PASSWORD');
  const got = await idp.send(new AdminGetUserCommand({ UserPoolId: pool, Username: email }));
  assert.equal(got.Username, created.User.Username);
  assert.deepEqual(
    got.UserAttributes.find((a) => a.Name === 'email'),
    { Name: 'email', Value: email },
  );
  const listed = await idp.send(new ListUsersCommand({ UserPoolId: pool, Filter: `email = "${email}"` }));
  assert.deepEqual(listed.Users.map((u) => u.Username), [created.User.Username]);
  await idp.send(new AdminDeleteUserCommand({ UserPoolId: pool, Username: email }));
  await assert.rejects(idp.send(new AdminGetUserCommand({ UserPoolId: pool, Username: email })), {
    name: 'UserNotFoundException',
  });

  // A wrong secret: AWS's refusal, by its name and words.
  await assert.rejects(client(key, 'x'.repeat(40)).send(new ListUsersCommand({ UserPoolId: pool })), (error) => {
    assert.equal(error.name, 'InvalidSignatureException');
    assert.match(error.message, /^The request signature we calculated does not match/);
    return true;
  });
});
