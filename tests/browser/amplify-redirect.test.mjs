// Amplify JS v6's sign-in by redirect against the hosted sign-in (issue 14), in Chromium.
// Amplify builds https://<domain>/oauth2/... itself, so the test's own server speaks HTTPS with
// its built-in TLS on a certificate made here with openssl (the browser context ignores the
// certificate's issuer; the Node side trusts it). The app's page, on http://localhost:PORT,
// is aws-amplify bundled by esbuild for the browser and configured with loginWith.oauth:
// signInWithRedirect() lands on our /login page, the user signs in there, and back on the app
// Amplify has exchanged the code (PKCE): fetchAuthSession() has the tokens, getCurrentUser()
// names the user, a forced refresh keeps the session's scopes. signOut() revokes the refresh token, goes through /logout and back to the
// app's sign-out URL, and the hosted session is gone: the next signInWithRedirect() asks again.
// signInWithRedirect({ provider: { custom: "Corp" } }) goes through an identity provider of the
// app (issue 19: oidc-provider from npm, on loopback) and comes back signed in as Corp_<sub>.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { rmSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import {
  serverSkip as skip,
  PASSWORD,
  launch,
  newContext,
  startServer,
  selfSignedCertificate,
  request,
  codeFor,
  uniqueEmail,
  until,
  signInOnHostedPage,
  hostedSessionCookies,
  startOidcProvider,
  signInAtOidcProvider,
} from "./support.mjs";

let tls; // the certificate
let server; // the test's own Auth Return, on HTTPS
let browser;
let bundle; // aws-amplify and the page's script, for the browser

/** The page's script: Amplify configured from the page, its Hub events kept in window.__hub. */
const ENTRY = `
import { Amplify } from "aws-amplify";
import { fetchAuthSession, getCurrentUser, signInWithRedirect, signOut } from "aws-amplify/auth";
import "aws-amplify/auth/enable-oauth-listener";
import { Hub } from "aws-amplify/utils";
window.__hub = [];
Hub.listen("auth", ({ payload }) => {
  window.__hub.push({ event: payload.event, error: payload.data?.error?.message ?? payload.data?.message ?? null });
});
Amplify.configure(JSON.parse(document.getElementById("amplify-config").textContent));
window.amplify = { fetchAuthSession, getCurrentUser, signInWithRedirect, signOut };
`;

before(async () => {
  if (skip) return;
  tls = await selfSignedCertificate();
  // The identity provider of the federated test runs on loopback: calls to it are allowed.
  server = await startServer(["--webhooks-allow-private"], { tls });
  browser = await launch();
  const built = await build({
    stdin: { contents: ENTRY, resolveDir: fileURLToPath(new URL(".", import.meta.url)), loader: "js" },
    bundle: true,
    format: "iife",
    platform: "browser",
    target: "es2022",
    write: false,
    logLevel: "error",
  });
  bundle = built.outputFiles[0].text;
});

after(async () => {
  await browser?.close();
  await server?.stop();
  if (tls) rmSync(tls.dir, { recursive: true, force: true });
});

/** A Cognito API call to the HTTPS server from Node. */
async function cognito(operation, body) {
  const answer = await request(`${server.url}/`, {
    method: "POST",
    headers: {
      "content-type": "application/x-amz-json-1.1",
      "x-amz-target": `AWSCognitoIdentityProviderService.${operation}`,
    },
    body: JSON.stringify(body),
    ca: tls.pem,
  });
  if (answer.status !== 200) throw new Error(`${operation}: ${answer.status} ${answer.text}`);
  return answer.json;
}

/** The app's site: `/` and `/signed-out` are the Amplify page; `/app.js` its script. */
async function startSite(configFor) {
  const http = createServer((req, res) => {
    const path = new URL(req.url, "http://localhost").pathname;
    if (path === "/app.js") {
      res.writeHead(200, { "content-type": "text/javascript; charset=utf-8" });
      return res.end(bundle);
    }
    if (path !== "/" && path !== "/signed-out") return res.writeHead(404).end();
    const config = JSON.stringify(configFor(origin)).replace(/</g, "\\u003c");
    res.writeHead(200, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" });
    res.end(`<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>An Amplify app</title>
<script type="application/json" id="amplify-config">${config}</script>
<script src="/app.js" defer></script></head>
<body><h1>${path === "/" ? "Home" : "Signed out"}</h1></body>
</html>`);
  });
  await new Promise((resolve) => http.listen(0, "127.0.0.1", resolve));
  const origin = `http://localhost:${http.address().port}`;
  return { origin, close: () => new Promise((resolve) => http.close(resolve)) };
}

/** Opens `url` and waits for the page's Amplify. */
async function openApp(p, url) {
  await p.goto(url);
  await p.waitForFunction(() => window.amplify !== undefined, null, { polling: 50 });
}

/** What Amplify says about the session on the page. */
const amplifyState = (p) =>
  p.evaluate(async () => {
    const session = await window.amplify.fetchAuthSession();
    const user = await window.amplify.getCurrentUser().then(
      (u) => ({ username: u.username, userId: u.userId }),
      (error) => ({ error: error.name }),
    );
    return {
      id: session.tokens?.idToken?.payload ?? null,
      access: session.tokens?.accessToken?.payload ?? null,
      user,
      hub: window.__hub,
    };
  });

/** Amplify's stored refresh token in the page's localStorage. */
const storedRefreshToken = (p) =>
  p.evaluate(() => {
    const key = Object.keys(localStorage).find((k) => k.startsWith("CognitoIdentityServiceProvider.") && k.endsWith(".refreshToken"));
    return key ? localStorage.getItem(key) : null;
  });

test("Amplify signInWithRedirect: our hosted page, back with tokens (PKCE), then signOut through /logout", { skip }, async () => {
  const app = JSON.parse(await server.cli("apps", "create", "--json", "--name", "Amplify shop"));
  const domain = new URL(server.url).host;
  const site = await startSite((origin) => ({
    Auth: {
      Cognito: {
        userPoolId: app.user_pool_id,
        userPoolClientId: app.client_id,
        userPoolEndpoint: server.url,
        loginWith: {
          oauth: {
            domain,
            scopes: ["openid", "email", "aws.cognito.signin.user.admin"],
            redirectSignIn: [`${origin}/`],
            redirectSignOut: [`${origin}/signed-out`],
            responseType: "code",
          },
        },
      },
    },
  }));
  await server.cli("apps", "update", app.app_id, "--callback-url", `${site.origin}/`, "--logout-url", `${site.origin}/signed-out`);
  const email = uniqueEmail("amplify-redirect");
  await cognito("SignUp", { ClientId: app.client_id, Username: email, Password: PASSWORD, UserAttributes: [{ Name: "email", Value: email }] });
  await cognito("ConfirmSignUp", { ClientId: app.client_id, Username: email, ConfirmationCode: await codeFor(email, 0, server.outbox) });

  const context = await newContext(browser, { ignoreHTTPSErrors: true });
  try {
    const p = await context.newPage();
    const visited = [];
    p.on("request", (r) => r.isNavigationRequest() && r.frame() === p.mainFrame() && visited.push(r.url()));
    await openApp(p, `${site.origin}/`);
    assert.equal((await amplifyState(p)).user.error, "UserUnAuthenticatedException");

    // signInWithRedirect: Amplify's authorization request lands on our sign-in page.
    await p.evaluate(() => void window.amplify.signInWithRedirect());
    await p.waitForURL(`${server.url}/login?**`);
    const login = new URL(p.url()).searchParams;
    assert.equal(login.get("client_id"), app.client_id);
    assert.equal(login.get("redirect_uri"), `${site.origin}/`);
    assert.equal(login.get("response_type"), "code");
    assert.equal(login.get("code_challenge_method"), "S256");
    assert.deepEqual(login.get("scope").split(" ").sort(), ["aws.cognito.signin.user.admin", "email", "openid"]);
    assert.ok(visited.some((url) => url.startsWith(`${server.url}/oauth2/authorize?`)), visited.join("\n"));

    // Signing in there sends the browser back to the app, where Amplify exchanges the code.
    await signInOnHostedPage(p, email);
    await p.waitForURL(`${site.origin}/**`);
    await p.waitForFunction(() => window.amplify !== undefined, null, { polling: 50 });
    const signedIn = await until(async () => {
      const state = await amplifyState(p);
      return state.id || state.hub.some((h) => h.event === "signInWithRedirect_failure") ? state : null;
    }, { message: "Amplify's tokens" });
    assert.deepEqual(signedIn.hub.filter((h) => h.event.startsWith("signInWithRedirect")), [{ event: "signInWithRedirect", error: null }], JSON.stringify(signedIn.hub));
    assert.equal(signedIn.id.email, email);
    assert.equal(signedIn.id.aud, app.client_id);
    assert.equal(signedIn.id.iss, `${server.url}/${app.user_pool_id}`);
    assert.equal(signedIn.access.client_id, app.client_id);
    assert.equal(signedIn.access.token_use, "access");
    assert.deepEqual(signedIn.access.scope.split(" ").sort(), ["aws.cognito.signin.user.admin", "email", "openid"]);
    assert.deepEqual(signedIn.user, { username: signedIn.access.username, userId: signedIn.id.sub });
    assert.ok(signedIn.hub.some((h) => h.event === "signedIn"));
    // Amplify took the code out of the address bar.
    assert.equal(p.url(), `${site.origin}/`);
    // An hour later Amplify refreshes through the user-pool API: the session keeps its scopes.
    const refreshed = await p.evaluate(async () => {
      const session = await window.amplify.fetchAuthSession({ forceRefresh: true });
      return session.tokens?.accessToken?.payload ?? null;
    });
    assert.ok(refreshed, JSON.stringify(await p.evaluate(() => window.__hub)));
    assert.notEqual(refreshed.jti, signedIn.access.jti);
    assert.equal(refreshed.origin_jti, signedIn.access.origin_jti);
    assert.equal(refreshed.scope, signedIn.access.scope);
    const refreshToken = await storedRefreshToken(p);
    assert.ok(refreshToken);
    assert.equal((await hostedSessionCookies(context, server.url)).length, 1);

    // signOut: RevokeToken, then /logout with Cognito's client_id + logout_uri, and back.
    const before = visited.length;
    await p.evaluate(() => void window.amplify.signOut());
    await p.waitForURL(`${site.origin}/signed-out`);
    assert.ok(visited.slice(before).some((url) => url.startsWith(`${server.url}/logout?`)), visited.slice(before).join("\n"));
    await p.waitForFunction(() => window.amplify !== undefined, null, { polling: 50 });
    const signedOut = await amplifyState(p);
    assert.equal(signedOut.id, null);
    assert.equal(signedOut.user.error, "UserUnAuthenticatedException");
    assert.equal(await storedRefreshToken(p), null);
    assert.deepEqual(await hostedSessionCookies(context, server.url), []);
    // The refresh token Amplify held was revoked on the server.
    const refresh = await request(`${server.url}/oauth2/token`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ grant_type: "refresh_token", client_id: app.client_id, refresh_token: refreshToken }).toString(),
      ca: tls.pem,
    });
    assert.equal(refresh.status, 400, refresh.text);
    assert.equal(refresh.json?.error, "invalid_grant");

    // Without the hosted session, the next signInWithRedirect asks for the password again.
    await p.evaluate(() => void window.amplify.signInWithRedirect());
    await p.waitForURL(`${server.url}/login?**`);
    await signInOnHostedPage(p, email);
    await p.waitForURL(`${site.origin}/**`);
    await p.waitForFunction(() => window.amplify !== undefined, null, { polling: 50 });
    const again = await until(async () => (await amplifyState(p)).id, { message: "Amplify's tokens, again" });
    assert.equal(again.email, email);
  } finally {
    await context.close();
    await site.close();
  }
});

test("Amplify signInWithRedirect({ provider: { custom } }): through an OpenID Provider and back with tokens", { skip }, async () => {
  const app = JSON.parse(await server.cli("apps", "create", "--json", "--name", "Amplify federated"));
  const idp = await startOidcProvider(`${server.url}/oauth2/idpresponse`);
  await server.cli(
    "identity-providers", "add", "--app", app.app_id, "--name", "Corp", "--type", "OIDC",
    "--detail", "client_id=shop-web", "--detail", "client_secret=s3cret-of-the-shop",
    "--detail", "authorize_scopes=openid email profile", "--detail", `oidc_issuer=${idp.issuer}`,
    "--map", "email=email",
  );
  const domain = new URL(server.url).host;
  const site = await startSite((origin) => ({
    Auth: {
      Cognito: {
        userPoolId: app.user_pool_id,
        userPoolClientId: app.client_id,
        userPoolEndpoint: server.url,
        loginWith: {
          oauth: {
            domain,
            scopes: ["openid", "email"],
            redirectSignIn: [`${origin}/`],
            redirectSignOut: [`${origin}/signed-out`],
            responseType: "code",
          },
        },
      },
    },
  }));
  await server.cli("apps", "update", app.app_id, "--callback-url", `${site.origin}/`, "--logout-url", `${site.origin}/signed-out`);
  const context = await newContext(browser, { ignoreHTTPSErrors: true });
  try {
    const p = await context.newPage();
    const visited = [];
    p.on("request", (r) => r.isNavigationRequest() && r.frame() === p.mainFrame() && visited.push(r.url()));
    await openApp(p, `${site.origin}/`);
    await p.evaluate(() => void window.amplify.signInWithRedirect({ provider: { custom: "Corp" } }));
    await signInAtOidcProvider(p, idp, "hedy");
    await p.waitForURL(`${site.origin}/**`);
    await p.waitForFunction(() => window.amplify !== undefined, null, { polling: 50 });
    const signedIn = await until(async () => {
      const state = await amplifyState(p);
      return state.id || state.hub.some((h) => h.event === "signInWithRedirect_failure") ? state : null;
    }, { message: "Amplify's tokens" });
    assert.deepEqual(signedIn.hub.filter((h) => h.event.startsWith("signInWithRedirect")), [{ event: "signInWithRedirect", error: null }], JSON.stringify(signedIn.hub));
    const authorize = visited.find((url) => url.startsWith(`${server.url}/oauth2/authorize?`));
    assert.equal(new URL(authorize).searchParams.get("identity_provider"), "Corp");
    assert.ok(visited.some((url) => url.startsWith(`${server.url}/oauth2/idpresponse?`)), visited.join("\n"));
    assert.equal(signedIn.id.email, "hedy@example.com");
    assert.equal(signedIn.id["cognito:username"], "Corp_hedy");
    assert.equal(signedIn.id.identities[0].providerName, "Corp");
    assert.deepEqual(signedIn.user, { username: "Corp_hedy", userId: signedIn.id.sub });
  } finally {
    await context.close();
    await site.close();
    await idp.close();
  }
});
