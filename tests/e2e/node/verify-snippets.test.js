// The README's "Verifying tokens in your backend" snippets for jose and aws-jwt-verify (generic
// JwtVerifier), copied here verbatim and run against the real server: tokens of the app are
// accepted, tokens of another app, tampered tokens and the wrong kind of token are refused, and
// tokens keep verifying through a (normal) signing-key rotation done with the CLI.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { decodeProtectedHeader } from 'jose';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { JwtVerifier } from 'aws-jwt-verify';
import { SimpleJwksCache } from 'aws-jwt-verify/jwk';
import { BASE_URL, PUBLIC_APP, authenticate, consoleApp, newConfirmedUser, newPool, userOf } from './support.js';

// ---- README snippets (verbatim; the first test checks they still match README.md) -------------

function joseVerifiers(issuer, clientId) {
  const jwks = createRemoteJWKSet(new URL(`${issuer}/.well-known/jwks.json`));
  return {
    async verifyIdToken(token) {
      const { payload } = await jwtVerify(token, jwks, { issuer, audience: clientId, algorithms: ['RS256'] });
      if (payload.token_use !== 'id') throw new Error('not an ID token');
      return payload;
    },
    async verifyAccessToken(token) {
      const { payload } = await jwtVerify(token, jwks, { issuer, algorithms: ['RS256'] });
      if (payload.token_use !== 'access' || payload.client_id !== clientId) {
        throw new Error('not an access token of this app');
      }
      return payload;
    },
  };
}

function awsJwtVerifiers(issuer, clientId, options) {
  const common = { issuer, jwksUri: `${issuer}/.well-known/jwks.json` };
  return {
    idToken: JwtVerifier.create({
      ...common,
      audience: clientId,
      customJwtCheck: ({ payload }) => {
        if (payload.token_use !== 'id') throw new Error('not an ID token');
      },
    }, options),
    accessToken: JwtVerifier.create({
      ...common,
      audience: null,
      customJwtCheck: ({ payload }) => {
        if (payload.token_use !== 'access' || payload.client_id !== clientId) {
          throw new Error('not an access token of this app');
        }
      },
    }, options),
  };
}

const httpOptions = {
  jwksCache: new SimpleJwksCache({ fetcher: { fetch: async (uri) => (await fetch(uri)).arrayBuffer() } }),
};

// ---- helpers -----------------------------------------------------------------------------------

/** Both libraries as {name, id(token), access(token)}; fresh caches on every call. */
function libraries(app) {
  const j = joseVerifiers(app.issuer, app.client_id);
  // A fresh SimpleJwksCache per call (httpOptions' cache is shared by every verifier using it).
  const a = awsJwtVerifiers(app.issuer, app.client_id, {
    jwksCache: new SimpleJwksCache({ fetcher: httpOptions.jwksCache.fetcher }),
  });
  return [
    { name: 'jose', id: (t) => j.verifyIdToken(t), access: (t) => j.verifyAccessToken(t) },
    { name: 'aws-jwt-verify', id: (t) => a.idToken.verify(t), access: (t) => a.accessToken.verify(t) },
  ];
}

/** A fresh confirmed user of `app`, signed in: {sub, id, access}. */
async function tokensOf(app, tag) {
  const { pool, email, sub } = await newConfirmedUser(tag, app);
  const session = await authenticate(userOf(pool, email), email);
  return { sub, id: session.getIdToken().getJwtToken(), access: session.getAccessToken().getJwtToken() };
}

async function signIn(app, email) {
  const pool = newPool(app);
  const session = await authenticate(userOf(pool, email), email);
  return { id: session.getIdToken().getJwtToken(), access: session.getAccessToken().getJwtToken() };
}

function tamper(token) {
  const [h, p, s] = token.split('.');
  const claims = JSON.parse(Buffer.from(p, 'base64url').toString('utf8'));
  claims.sub = '00000000-0000-4000-8000-000000000000';
  return `${h}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${s}`;
}

/** The auth-return CLI with the harness server's --listen and --data-dir. */
function cli(...args) {
  const bin = process.env.AUTH_RETURN_BIN;
  const dataDir = process.env.AUTH_RETURN_E2E_DATA_DIR;
  if (!bin || !dataDir) throw new Error('AUTH_RETURN_BIN / AUTH_RETURN_E2E_DATA_DIR not set: run through tests/e2e/run.sh');
  const listen = new URL(BASE_URL).host;
  const out = execFileSync(bin, [...args, '--listen', listen, '--data-dir', dataDir], { encoding: 'utf8' });
  return JSON.parse(out);
}

async function jwksKids(app) {
  const response = await fetch(app.jwks_uri);
  assert.equal(response.status, 200);
  return (await response.json()).keys.map((k) => k.kid);
}

// ---- tests ---------------------------------------------------------------------------------------

test('the README snippets for jose and aws-jwt-verify are the ones tested here', () => {
  const readme = readFileSync(fileURLToPath(new URL('../../../README.md', import.meta.url)), 'utf8');
  const start = readme.indexOf('## Verifying tokens in your backend');
  assert.ok(start >= 0, 'README has no "Verifying tokens in your backend" section');
  const end = readme.indexOf('\n## ', start + 1);
  const section = readme.slice(start, end < 0 ? undefined : end);
  const blocks = [...section.matchAll(/```js\n([\s\S]*?)```/g)].map((m) => m[1]);
  assert.ok(blocks.length >= 5, `expected the js blocks in the README section, found ${blocks.length}`);
  const source = readFileSync(fileURLToPath(import.meta.url), 'utf8');
  for (const block of blocks) {
    for (const line of block.split('\n').filter((l) => /^import /.test(l))) {
      assert.ok(source.includes(`${line}\n`), `README import not used by this test: ${line}`);
    }
    const code = block
      .split('\n')
      .filter((l) => !/^import /.test(l) && !/^\/\/ await /.test(l))
      .join('\n')
      .trim();
    if (code) assert.ok(source.includes(code), `README snippet not found verbatim in this test:\n${code}`);
  }
});

test('both libraries accept the ID and the access token of the app, each only as its own kind', async () => {
  const tokens = await tokensOf(PUBLIC_APP, 'vs-ok');
  for (const lib of libraries(PUBLIC_APP)) {
    const id = await lib.id(tokens.id);
    assert.equal(id.sub, tokens.sub, lib.name);
    assert.equal(id.aud, PUBLIC_APP.client_id, lib.name);
    assert.equal(id.token_use, 'id', lib.name);
    const access = await lib.access(tokens.access);
    assert.equal(access.sub, tokens.sub, lib.name);
    assert.equal(access.client_id, PUBLIC_APP.client_id, lib.name);
    assert.equal(access.token_use, 'access', lib.name);
    // An ID token where an access token is required, and the reverse.
    await assert.rejects(lib.access(tokens.id), `${lib.name} accepted an ID token as an access token`);
    await assert.rejects(lib.id(tokens.access), `${lib.name} accepted an access token as an ID token`);
  }
});

test('both libraries refuse tokens of another app, tampered tokens and garbage', async () => {
  const mine = await tokensOf(PUBLIC_APP, 'vs-bad');
  const other = await tokensOf(await consoleApp(), 'vs-other');
  for (const lib of libraries(PUBLIC_APP)) {
    await lib.id(mine.id); // warm the key cache: refusals below are not fetch failures
    await assert.rejects(lib.id(other.id), `${lib.name} accepted another app's ID token`);
    await assert.rejects(lib.access(other.access), `${lib.name} accepted another app's access token`);
    await assert.rejects(lib.id(tamper(mine.id)), `${lib.name} accepted a tampered ID token`);
    await assert.rejects(lib.access(tamper(mine.access)), `${lib.name} accepted a tampered access token`);
    await assert.rejects(lib.access('not.a.token'), `${lib.name} accepted garbage`);
  }
});

test('tokens keep verifying through `auth-return keys rotate` (normal rotation)', async () => {
  const app = cli('apps', 'create', '--json', '--name', 'e2e node key rotation');
  const { email, sub } = await newConfirmedUser('vs-rotate', app);
  const before = await signIn(app, email);
  const oldKid = decodeProtectedHeader(before.access).kid;
  assert.deepEqual(await jwksKids(app), [oldKid]);
  const warm = libraries(app); // verifiers whose caches hold only the old key
  for (const lib of warm) {
    assert.equal((await lib.access(before.access)).sub, sub, lib.name);
  }

  const keys = cli('keys', 'rotate', '--app', app.app_id, '--json');
  const next = keys.find((k) => k.state === 'next');
  assert.ok(next, `no "next" key after rotation: ${JSON.stringify(keys)}`);
  assert.equal(keys.find((k) => k.state === 'active')?.kid, oldKid);

  // The running server follows the change feed: the README promises 5 s at most.
  const deadline = Date.now() + 5_000;
  let kids = await jwksKids(app);
  while (!kids.includes(next.kid)) {
    assert.ok(Date.now() < deadline, `the JWKS did not publish ${next.kid} within 5 s: ${kids}`);
    await sleep(100);
    kids = await jwksKids(app);
  }
  assert.deepEqual(new Set(kids), new Set([oldKid, next.kid]));

  // New tokens are still signed by the old key until the new one activates.
  const after = await signIn(app, email);
  assert.equal(decodeProtectedHeader(after.access).kid, oldKid);
  for (const lib of [...warm, ...libraries(app)]) {
    for (const t of [before, after]) {
      assert.equal((await lib.id(t.id)).sub, sub, lib.name);
      assert.equal((await lib.access(t.access)).sub, sub, lib.name);
    }
  }
});
