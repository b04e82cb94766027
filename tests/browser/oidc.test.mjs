// A real OpenID Connect relying party against the hosted sign-in (issue 14), in Chromium, on a
// server of its own: the app's backend is a small node:http server written here with
// openid-client (v6), addressed as http://localhost:PORT so that it is another site than the
// server at http://127.0.0.1:PORT2. It discovers the issuer, sends the browser to
// /oauth2/authorize with PKCE (S256), a nonce and a state, and the user signs up on our /login
// page (the mailed code), or signs in; back on the callback the code is exchanged and the page
// shows the user's email. A second sign-in (with max_age) needs no password and keeps the first
// one's auth_time, as a refresh does. The backend calls userInfo, refreshes, revokes, and logs
// out (RP-initiated, post_logout_redirect_uri + id_token_hint + state): the hosted session is
// gone, so the next authorization shows /login again. Once for a public client (PKCE, no
// secret) and once for a confidential one (client_secret_basic). The server is plain HTTP on
// loopback, so openid-client is told allowInsecureRequests (amplify-redirect.test.mjs has HTTPS).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { randomUUID } from "node:crypto";
import * as oidc from "openid-client";
import {
  serverSkip as skip,
  launch,
  newContext,
  startServer,
  uniqueEmail,
  signInOnHostedPage,
  signUpOnHostedPage,
  hostedSessionCookies,
} from "./support.mjs";

let server; // the test's own Auth Return
let browser;

before(async () => {
  if (skip) return;
  server = await startServer();
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

/** An app made with the CLI (`apps create --json`), with a client secret when `secret`. */
async function createApp(name, { secret = false } = {}) {
  const args = ["apps", "create", "--json", "--name", name];
  if (secret) args.push("--client-secret");
  return JSON.parse(await server.cli(...args));
}

const escapeHtml = (text) => String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const errorOf = (error) => ({
  error: error.error ?? error.cause?.[0]?.parameters?.error ?? error.code ?? error.name,
  status: error.status ?? error.response?.status ?? null,
  message: error.message,
});

/**
 * The app's backend: a relying party with openid-client. One browser session (cookie `rp_sid`)
 * holds its PKCE verifier, state and nonce, then its tokens. Routes: /login (to the
 * authorization endpoint), /callback (the code exchange; the page says who signed in),
 * /userinfo, /refresh, /revoke (JSON, an error as `{error}` with 502), /logout (to the end-session
 * endpoint) and /signed-out. `tokenRequests` records the token endpoint's requests (headers
 * and form) as openid-client sent them.
 */
async function startRelyingParty(app, { secret } = {}) {
  const sessions = new Map();
  const tokenRequests = [];
  const failures = [];
  let config;
  let origin;

  const session = (req, res) => {
    const sid = /(?:^|;\s*)rp_sid=([\w-]+)/.exec(req.headers.cookie ?? "")?.[1];
    if (sid && sessions.has(sid)) return sessions.get(sid);
    const fresh = randomUUID();
    sessions.set(fresh, {});
    res.setHeader("set-cookie", `rp_sid=${fresh}; Path=/; HttpOnly; SameSite=Lax`);
    return sessions.get(fresh);
  };
  const html = (res, status, title, body = "") => {
    res.writeHead(status, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" });
    res.end(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title></head>` +
      `<body><h1>${escapeHtml(title)}</h1>${body}</body></html>`);
  };
  const json = (res, status, body) => {
    res.writeHead(status, { "content-type": "application/json", "cache-control": "no-store" });
    res.end(JSON.stringify(body));
  };
  const redirect = (res, location) => {
    res.writeHead(302, { location: String(location) });
    res.end();
  };

  const routes = {
    async "/login"(req, res, s) {
      s.verifier = oidc.randomPKCECodeVerifier();
      s.state = oidc.randomState();
      s.nonce = oidc.randomNonce();
      // `?max_age=N` asks for a sign-in no older than N seconds (OpenID Connect Core §3.1.2.1).
      s.maxAge = new URL(req.url, origin).searchParams.get("max_age");
      redirect(res, oidc.buildAuthorizationUrl(config, {
        redirect_uri: `${origin}/callback`,
        scope: "openid email",
        code_challenge: await oidc.calculatePKCECodeChallenge(s.verifier),
        code_challenge_method: "S256",
        state: s.state,
        nonce: s.nonce,
        ...(s.maxAge ? { max_age: s.maxAge } : {}),
      }));
    },
    async "/callback"(req, res, s) {
      // With max_age the library also checks the ID token's auth_time against it.
      const tokens = await oidc.authorizationCodeGrant(config, new URL(req.url, origin), {
        pkceCodeVerifier: s.verifier,
        expectedState: s.state,
        expectedNonce: s.nonce,
        idTokenExpected: true,
        ...(s.maxAge ? { maxAge: Number(s.maxAge) } : {}),
      });
      s.tokens = tokens;
      s.claims = tokens.claims();
      s.idToken = tokens.id_token;
      html(res, 200, `Signed in as ${s.claims.email}`);
    },
    async "/userinfo"(req, res, s) {
      json(res, 200, await oidc.fetchUserInfo(config, s.tokens.access_token, s.claims.sub));
    },
    async "/refresh"(req, res, s) {
      const before = s.tokens;
      const tokens = await oidc.refreshTokenGrant(config, before.refresh_token);
      s.tokens = { ...tokens, refresh_token: tokens.refresh_token ?? before.refresh_token };
      json(res, 200, {
        newAccessToken: tokens.access_token !== before.access_token,
        rotated: Boolean(tokens.refresh_token) && tokens.refresh_token !== before.refresh_token,
        scope: tokens.scope,
        claims: tokens.claims() ?? null,
      });
    },
    async "/revoke"(req, res, s) {
      await oidc.tokenRevocation(config, s.tokens.refresh_token, { token_type_hint: "refresh_token" });
      json(res, 200, { revoked: true });
    },
    async "/logout"(req, res, s) {
      s.logoutState = oidc.randomState();
      redirect(res, oidc.buildEndSessionUrl(config, {
        post_logout_redirect_uri: `${origin}/signed-out`,
        id_token_hint: s.idToken,
        state: s.logoutState,
      }));
    },
    async "/signed-out"(req, res, s) {
      const state = new URL(req.url, origin).searchParams.get("state");
      const signedOut = Boolean(s.logoutState) && state === s.logoutState;
      delete s.tokens;
      html(res, 200, signedOut ? "Signed out" : `Unexpected logout state ${state}`);
    },
  };

  const http = createServer(async (req, res) => {
    const path = new URL(req.url, "http://localhost").pathname;
    const route = routes[path];
    if (!route) return json(res, 404, { error: "not_found" });
    const s = session(req, res);
    try {
      await route(req, res, s);
    } catch (error) {
      failures.push({ path, ...errorOf(error) });
      if (path === "/callback") html(res, 502, `Sign-in failed: ${errorOf(error).error}`, `<pre>${escapeHtml(error.message)}</pre>`);
      else json(res, 502, errorOf(error));
    }
  });
  await new Promise((resolve) => http.listen(0, "127.0.0.1", resolve));
  origin = `http://localhost:${http.address().port}`;

  // Register the app's URLs (the CLI's hosted sign-in flags), then discover the issuer.
  await server.cli("apps", "update", app.app_id, "--callback-url", `${origin}/callback`, "--logout-url", `${origin}/signed-out`);
  const clientAuth = secret ? oidc.ClientSecretBasic(secret) : oidc.None();
  config = await oidc.discovery(new URL(app.issuer), app.client_id, secret ? { client_secret: secret } : undefined, clientAuth, {
    execute: [oidc.allowInsecureRequests],
  });
  config[oidc.customFetch] = async (url, options) => {
    if (url === config.serverMetadata().token_endpoint) {
      tokenRequests.push({ headers: new Headers(options.headers), form: new URLSearchParams(String(options.body)) });
    }
    return fetch(url, options);
  };
  return {
    origin,
    config,
    tokenRequests,
    failures,
    /** The browser session that signed in last (the tests use one browser per relying party). */
    session: () => [...sessions.values()].findLast((s) => s.claims),
    close: () => new Promise((resolve) => http.close(resolve)),
  };
}

/** Opens `path` of the relying party and answers its JSON. */
async function rpJson(p, rp, path) {
  const response = await p.goto(`${rp.origin}${path}`);
  return { status: response.status(), body: await response.json() };
}

/** The URLs the main frame was navigated to from now on, in order, redirects included. */
function recordNavigations(p) {
  const urls = [];
  p.on("request", (r) => {
    if (r.isNavigationRequest() && r.frame() === p.mainFrame()) urls.push(r.url());
  });
  return urls;
}

test("a public client (PKCE, no secret): sign up on /login, back at the app, refresh, userInfo, revoke, RP-initiated logout", { skip }, async () => {
  const app = await createApp("OIDC shop");
  const rp = await startRelyingParty(app);
  const context = await newContext(browser);
  try {
    // The discovery document the library read is the server's, under the pool's issuer.
    const metadata = rp.config.serverMetadata();
    assert.equal(metadata.issuer, app.issuer);
    assert.equal(metadata.authorization_endpoint, `${server.url}/oauth2/authorize`);
    assert.equal(metadata.end_session_endpoint, `${server.url}/logout`);

    const p = await context.newPage();
    const visited = recordNavigations(p);
    await p.goto(`${rp.origin}/login`);
    // The authorization request went to the server, which showed its sign-in page with it.
    const login = new URL(p.url());
    assert.equal(`${login.origin}${login.pathname}`, `${server.url}/login`);
    assert.equal(login.searchParams.get("client_id"), app.client_id);
    assert.equal(login.searchParams.get("redirect_uri"), `${rp.origin}/callback`);
    assert.equal(login.searchParams.get("code_challenge_method"), "S256");
    assert.ok(login.searchParams.get("nonce") && login.searchParams.get("state"));
    assert.equal(await p.getByRole("heading", { level: 1 }).textContent(), "Sign in to OIDC shop");

    const email = uniqueEmail("oidc");
    await signUpOnHostedPage(p, email, { outbox: server.outbox });
    await p.waitForURL(`${rp.origin}/callback?**`);
    assert.equal(await p.getByRole("heading", { level: 1 }).textContent(), `Signed in as ${email}`, JSON.stringify(rp.failures));
    assert.ok(visited.some((url) => url.startsWith(`${server.url}/oauth2/authorize?`)), visited.join("\n"));
    // The code went back with the state, and the exchange used the verifier and no secret.
    const exchange = rp.tokenRequests.at(-1);
    assert.equal(exchange.form.get("grant_type"), "authorization_code");
    assert.ok(exchange.form.get("code_verifier"));
    assert.equal(exchange.form.get("client_id"), app.client_id);
    assert.equal(exchange.headers.get("authorization"), null);
    const [cookie] = await hostedSessionCookies(context, server.url);
    assert.equal(cookie?.name, `ar_session_${app.user_pool_id}`);
    assert.ok(cookie.httpOnly);
    assert.equal(cookie.sameSite, "Lax");

    const signedInAt = rp.session().claims.auth_time;
    assert.ok(Math.abs(signedInAt - Date.now() / 1000) < 60, `auth_time ${signedInAt}`);

    // A second sign-in within the hosted session asks for nothing: straight back to the app,
    // with the first sign-in's auth_time (young enough for max_age=3600).
    const before = visited.length;
    await p.goto(`${rp.origin}/login?max_age=3600`);
    await p.waitForURL(`${rp.origin}/callback?**`);
    assert.equal(await p.getByRole("heading", { level: 1 }).textContent(), `Signed in as ${email}`, JSON.stringify(rp.failures));
    assert.ok(!visited.slice(before).some((url) => url.startsWith(`${server.url}/login`)), visited.slice(before).join("\n"));
    assert.equal(rp.session().claims.auth_time, signedInAt);

    // userInfo with the access token: the email scope's claims, the same subject.
    const info = await rpJson(p, rp, "/userinfo");
    assert.equal(info.status, 200, JSON.stringify(info.body));
    assert.equal(info.body.email, email);
    assert.equal(info.body.email_verified, "true"); // a string, as Cognito's userInfo answers it
    assert.match(info.body.sub, /^[0-9a-f-]{36}$/);

    // A refresh: a new access token (and ID token for the same user), userInfo still answers.
    const refreshed = await rpJson(p, rp, "/refresh");
    assert.equal(refreshed.status, 200, JSON.stringify(refreshed.body));
    assert.ok(refreshed.body.newAccessToken);
    assert.equal(refreshed.body.claims?.sub, info.body.sub);
    assert.equal(refreshed.body.claims?.auth_time, signedInAt, "a refresh keeps the sign-in's auth_time");
    assert.match(refreshed.body.scope, /\bopenid\b/);
    assert.equal((await rpJson(p, rp, "/userinfo")).body.email, email);

    // Revoking the refresh token ends the session: no refresh, and its access token is refused.
    const revoked = await rpJson(p, rp, "/revoke");
    assert.equal(revoked.status, 200, JSON.stringify(revoked.body));
    const again = await rpJson(p, rp, "/refresh");
    assert.equal(again.status, 502);
    assert.equal(again.body.error, "invalid_grant");
    const refused = await rpJson(p, rp, "/userinfo");
    assert.equal(refused.status, 502);
    assert.equal(refused.body.error, "invalid_token");

    // RP-initiated logout: back at the app's sign-out URL with its state, the hosted session gone.
    await p.goto(`${rp.origin}/logout`);
    await p.waitForURL(`${rp.origin}/signed-out?**`);
    assert.equal(await p.getByRole("heading", { level: 1 }).textContent(), "Signed out");
    assert.ok(visited.some((url) => url.startsWith(`${server.url}/logout?`)));
    assert.deepEqual(await hostedSessionCookies(context, server.url), []);

    // So the next authorization shows the sign-in page again; signing in there works.
    await p.goto(`${rp.origin}/login`);
    assert.equal(new URL(p.url()).pathname, "/login");
    assert.equal(new URL(p.url()).origin, server.url);
    await signInOnHostedPage(p, email);
    await p.waitForURL(`${rp.origin}/callback?**`);
    assert.equal(await p.getByRole("heading", { level: 1 }).textContent(), `Signed in as ${email}`);
  } finally {
    await context.close();
    await rp.close();
  }
});

test("a confidential client (client_secret_basic): sign up on /login, the code exchange and refresh authenticate with Basic", { skip }, async () => {
  const app = await createApp("OIDC back office", { secret: true });
  assert.ok(app.client_secret, "apps create --client-secret --json prints the secret");
  const rp = await startRelyingParty(app, { secret: app.client_secret });
  const context = await newContext(browser);
  try {
    const p = await context.newPage();
    await p.goto(`${rp.origin}/login`);
    assert.equal(new URL(p.url()).pathname, "/login");
    const email = uniqueEmail("oidc-secret");
    await signUpOnHostedPage(p, email, { outbox: server.outbox });
    await p.waitForURL(`${rp.origin}/callback?**`);
    assert.equal(await p.getByRole("heading", { level: 1 }).textContent(), `Signed in as ${email}`, JSON.stringify(rp.failures));

    const refreshed = await rpJson(p, rp, "/refresh");
    assert.equal(refreshed.status, 200, JSON.stringify(refreshed.body));
    assert.equal(refreshed.body.claims?.email, email);
    // Both token requests carried the secret in HTTP Basic, and never in the form.
    const basic = `Basic ${Buffer.from(`${encodeURIComponent(app.client_id)}:${encodeURIComponent(app.client_secret)}`).toString("base64")}`;
    assert.deepEqual(rp.tokenRequests.map((r) => r.form.get("grant_type")), ["authorization_code", "refresh_token"]);
    for (const r of rp.tokenRequests) {
      assert.equal(r.headers.get("authorization"), basic);
      assert.equal(r.form.get("client_secret"), null);
    }

    // The same app with a wrong secret: the token endpoint refuses the client (401, and a Basic
    // challenge since the client used Basic; RFC 6749 §5.2).
    const wrong = await oidc.discovery(new URL(app.issuer), app.client_id, undefined, oidc.ClientSecretBasic("not-the-secret"), {
      execute: [oidc.allowInsecureRequests],
    });
    const refusal = await oidc.refreshTokenGrant(wrong, "any-refresh-token").then(() => null, (error) => error);
    assert.ok(refusal instanceof oidc.WWWAuthenticateChallengeError, String(refusal));
    assert.equal(refusal.status, 401);
    assert.equal(refusal.cause[0]?.scheme, "basic");
    assert.equal((await refusal.response.json()).error, "invalid_client");

    await p.goto(`${rp.origin}/logout`);
    await p.waitForURL(`${rp.origin}/signed-out?**`);
    assert.equal(await p.getByRole("heading", { level: 1 }).textContent(), "Signed out");
    assert.deepEqual(await hostedSessionCookies(context, server.url), []);
  } finally {
    await context.close();
    await rp.close();
  }
});
