// jose's createRemoteJWKSet + jwtVerify on tokens issued to amazon-cognito-identity-js.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRemoteJWKSet, jwtVerify, decodeProtectedHeader, errors } from 'jose';
import { PUBLIC_APP, authenticate, newConfirmedUser, userOf } from './support.js';

const jwks = createRemoteJWKSet(new URL(PUBLIC_APP.jwks_uri));

async function signedInSession(tag) {
  const { pool, email, sub } = await newConfirmedUser(tag);
  const session = await authenticate(userOf(pool, email), email);
  return { email, sub, session };
}

test('jwtVerify accepts the ID token with issuer and audience', async () => {
  const { email, sub, session } = await signedInSession('jose-id');
  const token = session.getIdToken().getJwtToken();
  const header = decodeProtectedHeader(token);
  assert.equal(header.alg, 'RS256');
  assert.ok(header.kid);

  const { payload, protectedHeader } = await jwtVerify(token, jwks, {
    issuer: PUBLIC_APP.issuer,
    audience: PUBLIC_APP.client_id,
    algorithms: ['RS256'],
    requiredClaims: ['sub', 'exp', 'iat', 'auth_time'],
  });
  assert.equal(protectedHeader.kid, header.kid);
  assert.equal(payload.token_use, 'id');
  assert.equal(payload.sub, sub);
  assert.equal(payload.email, email);
  assert.equal(payload.email_verified, true);
  assert.equal(payload['cognito:username'], sub);
});

test('jwtVerify accepts the access token with the issuer (no aud) and refuses it as an ID token', async () => {
  const { sub, session } = await signedInSession('jose-access');
  const token = session.getAccessToken().getJwtToken();
  const { payload } = await jwtVerify(token, jwks, { issuer: PUBLIC_APP.issuer, algorithms: ['RS256'] });
  assert.equal(payload.token_use, 'access');
  assert.equal(payload.client_id, PUBLIC_APP.client_id);
  assert.equal(payload.username, sub);
  assert.equal(payload.aud, undefined);
  await assert.rejects(
    jwtVerify(token, jwks, { issuer: PUBLIC_APP.issuer, audience: PUBLIC_APP.client_id }),
    errors.JWTClaimValidationFailed,
  );
});

test('jwtVerify refuses a wrong issuer, a wrong audience and a tampered token', async () => {
  const { session } = await signedInSession('jose-bad');
  const token = session.getIdToken().getJwtToken();
  await assert.rejects(
    jwtVerify(token, jwks, { issuer: `${PUBLIC_APP.issuer}x`, audience: PUBLIC_APP.client_id }),
    errors.JWTClaimValidationFailed,
  );
  await assert.rejects(
    jwtVerify(token, jwks, { issuer: PUBLIC_APP.issuer, audience: 'another-client' }),
    errors.JWTClaimValidationFailed,
  );
  const [h, p, s] = token.split('.');
  const claims = JSON.parse(Buffer.from(p, 'base64url').toString('utf8'));
  claims.email = 'attacker@example.com';
  const tampered = `${h}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${s}`;
  await assert.rejects(
    jwtVerify(tampered, jwks, { issuer: PUBLIC_APP.issuer, audience: PUBLIC_APP.client_id }),
    errors.JWSSignatureVerificationFailed,
  );
});
