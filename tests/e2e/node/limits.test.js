// amazon-cognito-identity-js against a dedicated Auth Return with a low sign-in limit: the
// per-address throttle reaches authenticateUser's onFailure as TooManyRequestsException, with
// Cognito's message. The server is started here (AUTH_RETURN_BIN, exported by tests/e2e/run.sh)
// on a free loopback port with a data dir of its own, and always stopped.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, execFile } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { promisify } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  CognitoUserPool,
  MemoryStorage,
  PASSWORD,
  authenticate,
  codeOf,
  confirmRegistration,
  expectCode,
  signUp,
  uniqueEmail,
  userOf,
} from './support.js';

const THROTTLED = /^Too many requests from this address; retry in (\d+) s\.$/;
const WRONG_PASSWORD = 'Wrong-Horse-9!';

function binary() {
  const bin = process.env.AUTH_RETURN_BIN;
  if (!bin) throw new Error('AUTH_RETURN_BIN is not set: run these tests through tests/e2e/run.sh');
  return bin;
}

/** The environment without any AUTH_RETURN_* setting: only our flags count. */
function cleanEnv() {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('AUTH_RETURN_')));
  env.NO_COLOR = '1';
  return env;
}

async function freePort() {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address();
  server.close();
  await once(server, 'close');
  return port;
}

const running = new Set();

// A last resort if the runner dies before the hooks run: never leave a server behind.
process.on('exit', () => {
  for (const server of running) server.child.kill('SIGKILL');
});

/** Starts `auth-return serve` with `args`; resolves once GET /healthz answers 200. */
async function startServer(args) {
  const dataDir = mkdtempSync(join(tmpdir(), 'auth-return-node-limits-'));
  const listen = `127.0.0.1:${await freePort()}`;
  const logPath = join(dataDir, 'server.log');
  const log = openSync(logPath, 'a');
  const child = spawn(binary(), ['serve', '--listen', listen, '--data-dir', dataDir, ...args], {
    env: cleanEnv(),
    stdio: ['ignore', log, log],
  });
  closeSync(log);
  const server = {
    url: `http://${listen}`,
    listen,
    dataDir,
    child,
    logText: () => (existsSync(logPath) ? readFileSync(logPath, 'utf8') : ''),
    async stop({ keep = false } = {}) {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = once(child, 'exit');
        child.kill('SIGTERM');
        const timer = new AbortController();
        const stopped = await Promise.race([
          exited.then(() => true),
          sleep(15_000, false, { signal: timer.signal }).catch(() => false),
        ]);
        timer.abort(); // no timer may keep the test process alive
        if (!stopped) {
          child.kill('SIGKILL');
          await exited;
        }
      }
      running.delete(server);
      if (!keep && !process.env.AUTH_RETURN_E2E_KEEP) rmSync(dataDir, { recursive: true, force: true });
    },
  };
  running.add(server);
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) {
      await server.stop({ keep: true });
      throw new Error(`auth-return exited early:\n${server.logText()}`);
    }
    try {
      const response = await fetch(`${server.url}/healthz`);
      if (response.status === 200) return server;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await server.stop({ keep: true });
      throw new Error(`auth-return did not become healthy within 30 s:\n${server.logText()}`);
    }
    await sleep(100);
  }
}

after(async () => {
  for (const server of [...running]) await server.stop();
});

/** `auth-return apps create --json` on the server's data dir. */
async function createApp(server, name) {
  const { stdout } = await promisify(execFile)(
    binary(),
    ['apps', 'create', '--json', '--name', name, '--listen', server.listen, '--data-dir', server.dataDir],
    { env: cleanEnv(), timeout: 60_000 },
  );
  return JSON.parse(stdout);
}

/** The `count`-th (1-based) mail to `to` in the server's outbox, waiting for it. */
async function mailTo(server, to, count = 1) {
  const outbox = join(server.dataDir, 'outbox.jsonl');
  const deadline = Date.now() + 10_000;
  for (;;) {
    const messages = existsSync(outbox)
      ? readFileSync(outbox, 'utf8')
          .split('\n')
          .slice(0, -1) // a line still being appended is not whole yet
          .filter((line) => line.trim() !== '')
          .map((line) => JSON.parse(line))
          .filter((m) => m.to === to)
      : [];
    if (messages.length >= count) return messages[count - 1];
    if (Date.now() > deadline) throw new Error(`no mail #${count} to ${to} in ${outbox}`);
    await sleep(100);
  }
}

function poolOf(server, app) {
  return new CognitoUserPool({
    UserPoolId: app.user_pool_id,
    ClientId: app.client_id,
    endpoint: server.url,
    Storage: new MemoryStorage(),
  });
}

function assertThrottled(err, longestWait) {
  assert.equal(err.code, 'TooManyRequestsException');
  assert.equal(err.name, 'TooManyRequestsException');
  const match = THROTTLED.exec(err.message);
  assert.ok(match, `unexpected message: ${JSON.stringify(err.message)}`);
  const wait = Number(match[1]);
  assert.ok(wait >= 1 && wait <= longestWait, err.message);
}

test('authenticateUser beyond the sign-in limit gets onFailure with TooManyRequestsException', async (t) => {
  // 3 per minute: one more every 20 s, far more than this test takes.
  const server = await startServer(['--rate-limit-sign-in', '3']);
  let passed = false;
  t.after(async () => {
    if (!passed) console.error(`----- server log -----\n${server.logText()}\n----- end of server log -----`);
    await server.stop({ keep: !passed });
  });
  const app = await createApp(server, 'node limits');
  const pool = poolOf(server, app);

  const email = uniqueEmail('limits');
  const { user } = await signUp(pool, email); // the sign-up bucket
  assert.equal(await confirmRegistration(user, codeOf(await mailTo(server, email))), 'SUCCESS'); // sign-in 1 of 3

  // 2 of 3: a wrong password is still judged.
  const wrong = await expectCode(authenticate(userOf(pool, email), email, WRONG_PASSWORD), 'NotAuthorizedException');
  assert.equal(wrong.message, 'Incorrect username or password.');
  // 3 of 3: the right password signs in (the challenge answer is not counted).
  const session = await authenticate(userOf(pool, email), email, PASSWORD);
  assert.equal(session.isValid(), true);

  // Beyond the limit: refused before the password is looked at, for this user and for a name
  // that is no user alike.
  const throttled = await expectCode(authenticate(userOf(pool, email), email, PASSWORD), 'TooManyRequestsException');
  assertThrottled(throttled, 20);
  const nobody = uniqueEmail('limits-nobody');
  const alike = await expectCode(authenticate(userOf(pool, nobody), nobody, PASSWORD), 'TooManyRequestsException');
  assertThrottled(alike, 20);
  assert.equal(alike.message.replace(/\d+/, 'N'), throttled.message.replace(/\d+/, 'N'));

  // A raw look at the same answer: HTTP 400 as Cognito, with Retry-After.
  const response = await fetch(`${server.url}/`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-amz-json-1.1',
      'x-amz-target': 'AWSCognitoIdentityProviderService.InitiateAuth',
    },
    body: JSON.stringify({
      AuthFlow: 'USER_SRP_AUTH',
      ClientId: app.client_id,
      AuthParameters: { USERNAME: email, SRP_A: '0a1b2c3d' },
    }),
  });
  assert.equal(response.status, 400);
  assert.equal(response.headers.get('x-amzn-errortype'), 'TooManyRequestsException:');
  const body = await response.json();
  assert.equal(body.__type, 'TooManyRequestsException');
  assert.equal(response.headers.get('retry-after'), THROTTLED.exec(body.message)?.[1]);
  passed = true;
});
