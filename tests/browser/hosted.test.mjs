// The hosted sign-in pages of issue 14 in Chromium, on a server of the test's own (default
// flags): an app made through the REST API, its callback URL and branding set with PATCH; an
// OAuth 2.0 authorization request (code + PKCE) from the app's site (another origin) sends a
// user to /login, who signs up, confirms with the mailed code and lands on the callback with a
// code and the same state, which the token endpoint redeems; the same for an app with a client
// secret; a second authorization in the same browser needs no password; sign-in by keyboard
// alone; a wrong password shows the API's message in the alert, which takes the focus; the
// forgot-password flow; an invited user chooses a password; every field has a label and each
// page one <h1>; the page in an <iframe> is refused; markup in the display name stays text and
// the logo loads; screenshots at 360 px and 1280 px, light and dark, branded and not, nothing
// wider than the viewport and every text at WCAG AA.
// Screenshots: tests/browser/screenshots/hosted-*.png: look at them.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { createHash, randomBytes, randomUUID } from "node:crypto";
import {
  serverSkip as skip,
  PASSWORD,
  launch,
  newContext,
  startServer,
  codeFor,
  mailCount,
  until,
  screenshot,
  lowContrast,
} from "./support.mjs";

/** The branded app: a display name of its own and a light amber that needs darkening on white. */
const APP_NAME = "Harbor Notes";
const ACCENT = "#e8a317";

let browser;
let server; // the test's own Auth Return
let site; // the app's callback, on another origin
let app; // the branded app, as the REST API answers it
let plainApp; // an app without branding: the built-in look
let developerToken;
const started = Date.now();

before(async () => {
  if (skip) return;
  server = await startServer();
  browser = await launch();
  site = await startCallbackSite();
  developerToken = await developer();
  app = await api("POST", "/api/apps", { name: "harbor-notes-prod" });
  await api("PATCH", `/api/apps/${app.app_id}`, {
    oauth: { callback_urls: [site.callback], branding: { display_name: APP_NAME, accent_color: ACCENT } },
  });
  plainApp = await api("POST", "/api/apps", { name: "Plain App" });
  await api("PATCH", `/api/apps/${plainApp.app_id}`, { oauth: { callback_urls: [site.callback] } });
});

after(async () => {
  await browser?.close();
  await site?.close();
  await server?.stop();
  if (!skip) console.log(`hosted.test.mjs took ${((Date.now() - started) / 1000).toFixed(1)} s`);
});

/** A test whose failure keeps the server's data directory and prints its log. */
function step(name, fn) {
  test(name, { skip }, async (t) => {
    try {
      await fn(t);
    } catch (error) {
      server?.fail();
      throw error;
    }
  });
}

// ---------------------------------------------------------------------------------------------
// The server's APIs

/** A Cognito call to the test's server. */
async function cognito(operation, body, headers = {}) {
  const response = await fetch(`${server.url}/`, {
    method: "POST",
    headers: {
      "content-type": "application/x-amz-json-1.1",
      "x-amz-target": `AWSCognitoIdentityProviderService.${operation}`,
      ...headers,
    },
    body: JSON.stringify(body),
  });
  const data = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(`${operation}: ${response.status} ${JSON.stringify(data)}`);
  return data;
}

/** The first developer (default flags: the first may sign up), signed in: a console access token. */
async function developer() {
  const { clientId } = await (await fetch(`${server.url}/api/apps/console/config`)).json();
  const email = `hosted-dev-${randomUUID().slice(0, 8)}@example.com`;
  await cognito("SignUp", { ClientId: clientId, Username: email, Password: PASSWORD, UserAttributes: [{ Name: "email", Value: email }] });
  await cognito("ConfirmSignUp", { ClientId: clientId, Username: email, ConfirmationCode: await codeFor(email, 0, server.outbox) });
  const signedIn = await cognito("InitiateAuth", {
    AuthFlow: "USER_PASSWORD_AUTH",
    ClientId: clientId,
    AuthParameters: { USERNAME: email, PASSWORD: PASSWORD },
  });
  return signedIn.AuthenticationResult.AccessToken;
}

/** The REST API with the developer's token; the JSON answer, or a thrown error. */
async function api(method, path, body) {
  const response = await fetch(`${server.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${developerToken}`, "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const data = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(data)}`);
  return data;
}

// ---------------------------------------------------------------------------------------------
// The app's side of OAuth 2.0

/**
 * The app's site, on another origin than the server: `GET /cb` answers a plain page (the test
 * reads the code and the state from the URL), `GET /` the app's home, `GET /logo.svg` its logo
 * and `GET /frame` a page framing `?src=`.
 */
async function startCallbackSite() {
  const http = createServer((req, res) => {
    const url = new URL(req.url, "http://localhost");
    if (url.pathname === "/cb" || url.pathname === "/") {
      res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
      return res.end(`<!doctype html><html lang="en"><title>The app</title><h1>The app</h1></html>`);
    }
    if (url.pathname === "/logo.svg") {
      res.writeHead(200, { "content-type": "image/svg+xml" });
      return res.end(LOGO);
    }
    if (url.pathname === "/frame") {
      const src = url.searchParams.get("src").replace(/[&"<>]/g, (c) => `&#${c.charCodeAt(0)};`);
      res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
      return res.end(`<!doctype html><html lang="en"><title>Framing</title><iframe id="f" src="${src}" width="400" height="600"></iframe></html>`);
    }
    res.writeHead(404).end();
  });
  await new Promise((resolve) => http.listen(0, "127.0.0.1", resolve));
  const origin = `http://localhost:${http.address().port}`;
  return {
    origin,
    callback: `${origin}/cb`,
    close: () => new Promise((resolve) => http.close(resolve)),
  };
}

const LOGO = `<svg xmlns="http://www.w3.org/2000/svg" width="40" height="40" viewBox="0 0 40 40">
<rect width="40" height="40" rx="9" fill="#0a7b83"/><path d="M9 29 20 10l11 19z" fill="#fff"/></svg>`;

const base64url = (bytes) => Buffer.from(bytes).toString("base64url");

/** A fresh authorization request (code flow, S256 PKCE): its URL, query, state and verifier. */
function authorization(extra = {}, client = app) {
  const verifier = base64url(randomBytes(32));
  const state = base64url(randomBytes(12));
  const query = new URLSearchParams({
    response_type: "code",
    client_id: client.client_id,
    redirect_uri: site.callback,
    state,
    code_challenge: base64url(createHash("sha256").update(verifier).digest()),
    code_challenge_method: "S256",
    scope: "openid email",
    ...extra,
  });
  return { url: `${server.url}/oauth2/authorize?${query}`, search: `?${query}`, state, verifier };
}

/** Waits for the callback and checks it got a code and our state; answers the code. */
async function landed(p, request) {
  await p.waitForURL((url) => url.href.startsWith(site.callback), { timeout: 20_000 });
  const url = new URL(p.url());
  assert.equal(url.searchParams.get("state"), request.state, "the state comes back unchanged");
  assert.equal(url.searchParams.get("error"), null, url.href);
  const code = url.searchParams.get("code");
  assert.ok(code, `a code in ${url.href}`);
  return code;
}

/** The code redeemed at the token endpoint, as the app's backend would: the tokens. */
async function redeem(code, request, client = app) {
  const response = await fetch(`${server.url}/oauth2/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({
      grant_type: "authorization_code",
      code,
      redirect_uri: site.callback,
      client_id: client.client_id,
      ...(client.client_secret ? { client_secret: client.client_secret } : {}),
      code_verifier: request.verifier,
    }),
  });
  const body = await response.json();
  assert.equal(response.status, 200, JSON.stringify(body));
  return body;
}

const claims = (jwt) => JSON.parse(Buffer.from(jwt.split(".")[1], "base64url").toString());

// ---------------------------------------------------------------------------------------------
// The page, as a user sees it

/** A context whose pages report script errors and console errors into `problems`. */
async function watchedContext(options = {}) {
  const context = await newContext(browser, { viewport: { width: 1280, height: 900 }, colorScheme: "light", ...options });
  const problems = [];
  context.on("page", (p) => {
    p.on("console", (message) => {
      // A refused call (a wrong password) is logged by Chromium too; the page answers it in words.
      if (message.type() === "error" && !/^Failed to load resource: the server responded with a status of 4\d\d/.test(message.text())) {
        problems.push(message.text());
      }
    });
    p.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  });
  return { context, problems };
}

const field = (p, label) => p.getByLabel(label, { exact: true });
const submit = (p, name) => p.getByRole("button", { name, exact: true });
const alertText = (p) => p.getByRole("alert").textContent();
const focused = (p) => p.evaluate(() => ({ id: document.activeElement?.id, tag: document.activeElement?.localName, name: document.activeElement?.name }));

/** A user who signed up through the API and confirmed: their email. */
async function confirmedUser(tag) {
  const email = `hosted-${tag}-${randomUUID().slice(0, 8)}@example.com`;
  await cognito("SignUp", { ClientId: app.client_id, Username: email, Password: PASSWORD, UserAttributes: [{ Name: "email", Value: email }] });
  await cognito("ConfirmSignUp", { ClientId: app.client_id, Username: email, ConfirmationCode: await codeFor(email, 0, server.outbox) });
  return email;
}

// ---------------------------------------------------------------------------------------------

let signedUp; // {email, context}: the user of the first test, still signed in there

step("an authorization request sends a new user to /login, who signs up, confirms and lands on the callback", async () => {
  const { context, problems } = await watchedContext();
  const p = await context.newPage();
  const request = authorization();
  await p.goto(request.url);
  await p.waitForURL(/\/login\?/);
  assert.equal(new URL(p.url()).search, new URL(request.url).search, "/login keeps the authorization request");
  assert.equal(await p.getByRole("heading", { level: 1 }).textContent(), `Sign in to ${APP_NAME}`);
  await p.getByRole("link", { name: "Create an account" }).click();
  await p.waitForURL(/\/signup\?/);
  assert.equal(await p.getByRole("heading", { level: 1 }).textContent(), `Create your ${APP_NAME} account`);
  const email = `hosted-new-${randomUUID().slice(0, 8)}@example.com`;
  await field(p, "Email").fill(email);
  await field(p, "Password").fill(PASSWORD);
  // The policy's rules, ticked off as the user typed.
  assert.equal(await p.locator(".rules li[data-met=false]").count(), 0);
  await submit(p, "Create account").click();
  await field(p, "Confirmation code").waitFor();
  assert.equal(await p.getByRole("heading", { level: 1 }).textContent(), "Confirm your email");
  await field(p, "Confirmation code").fill(await codeFor(email, 0, server.outbox));
  await submit(p, "Confirm").click();
  const code = await landed(p, request);
  const tokens = await redeem(code, request);
  assert.equal(claims(tokens.id_token).email, email);
  assert.deepEqual(problems, []);
  signedUp = { email, context };
});

step("an app with a client secret: sign-up and sign-in on the page (the server adds SECRET_HASH)", async () => {
  const secretApp = await api("POST", "/api/apps", { name: "Server-side app", client_secret: true });
  assert.ok(secretApp.client_secret, "the secret, shown once");
  await api("PATCH", `/api/apps/${secretApp.app_id}`, { oauth: { callback_urls: [site.callback] } });
  const { context, problems } = await watchedContext();
  const p = await context.newPage();
  const request = authorization({}, secretApp);
  await p.goto(`${server.url}/signup${request.search}`);
  const email = `hosted-secret-${randomUUID().slice(0, 8)}@example.com`;
  await field(p, "Email").fill(email);
  await field(p, "Password").fill(PASSWORD);
  await submit(p, "Create account").click();
  await field(p, "Confirmation code").fill(await codeFor(email, 0, server.outbox));
  await submit(p, "Confirm").click();
  const code = await landed(p, request);
  assert.equal(claims((await redeem(code, request, secretApp)).id_token).email, email);
  assert.deepEqual(problems, []);
  await context.close();
});

step("a second authorization in the same browser needs no password", async () => {
  assert.ok(signedUp, "needs the user of the first test");
  const [p] = signedUp.context.pages();
  await p.goto(`${site.origin}/`);
  const paths = [];
  p.on("request", (r) => r.isNavigationRequest() && paths.push(new URL(r.url()).pathname));
  // From the app's own page (another site), as a "Sign in" link would: the cookie is SameSite=Lax.
  const request = authorization();
  await p.evaluate((url) => location.assign(url), request.url);
  const code = await landed(p, request);
  assert.deepEqual(paths, ["/oauth2/authorize", "/cb"], "no page on the way");
  assert.equal(claims((await redeem(code, request)).id_token).email, signedUp.email);
  await signedUp.context.close();
});

step("sign-in by keyboard alone: the focus starts in Email, Tab to the password, Enter", async () => {
  const email = await confirmedUser("keys");
  const { context, problems } = await watchedContext();
  const p = await context.newPage();
  const request = authorization();
  await p.goto(request.url);
  await p.waitForURL(/\/login\?/);
  await until(async () => (await focused(p)).name === "email", { message: "the focus in Email" });
  await p.keyboard.type(email);
  await p.keyboard.press("Tab");
  assert.equal((await focused(p)).name, "password");
  await p.keyboard.type(PASSWORD);
  // Tab on: the show-password box, the button, the links, each with a visible focus ring.
  const order = [];
  for (let i = 0; i < 4; i++) {
    await p.keyboard.press("Tab");
    order.push(
      await p.evaluate(() => {
        const el = document.activeElement;
        const style = getComputedStyle(el);
        return `${el.localName}:${el.textContent.trim() || el.id}:${style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2}`;
      }),
    );
  }
  assert.deepEqual(order, [
    "input:hosted-show-password:true",
    "button:Sign in:true",
    "a:Forgot your password?:true",
    "a:Create an account:true",
  ]);
  await p.keyboard.press("Shift+Tab");
  await p.keyboard.press("Shift+Tab");
  await p.keyboard.press("Shift+Tab");
  assert.equal((await focused(p)).id, "hosted-show-password");
  await p.keyboard.press("Space");
  assert.equal(await field(p, "Password").getAttribute("type"), "text", "Space shows the password");
  await p.keyboard.press("Shift+Tab");
  assert.equal((await focused(p)).name, "password");
  await p.keyboard.press("Enter");
  await landed(p, request);
  assert.deepEqual(problems, []);
  await context.close();
});

step("a wrong password: the API's message in the alert, which takes the focus; login_hint fills the email", async () => {
  const email = await confirmedUser("wrong");
  const { context, problems } = await watchedContext();
  const p = await context.newPage();
  const request = authorization({ login_hint: email });
  await p.goto(request.url);
  await p.waitForURL(/\/login\?/);
  assert.equal(await field(p, "Email").inputValue(), email, "login_hint fills the email");
  await until(async () => (await focused(p)).name === "password", { message: "the focus in Password" });
  await p.keyboard.type("Not-The-Password-1");
  await p.keyboard.press("Enter");
  await until(async () => (await alertText(p)) === "Wrong email or password", { message: "the alert" });
  assert.equal((await focused(p)).id, "hosted-alert", "the focus is on the error");
  // An empty field is named, and marked.
  await field(p, "Password").fill("");
  await submit(p, "Sign in").click();
  await until(async () => (await alertText(p)) === "Enter your password", { message: "the missing password" });
  assert.equal(await field(p, "Password").getAttribute("aria-invalid"), "true");
  await screenshot(p, "hosted-missing-password-light");
  // And the right password still works from there.
  await field(p, "Password").fill(PASSWORD);
  await p.keyboard.press("Enter");
  await landed(p, request);
  assert.deepEqual(problems, []);
  await context.close();
});

step("forgot password: a code by mail, a new password, and on to the callback", async () => {
  const email = await confirmedUser("forgot");
  const { context, problems } = await watchedContext();
  const p = await context.newPage();
  const request = authorization();
  await p.goto(request.url);
  await p.waitForURL(/\/login\?/);
  await p.getByRole("link", { name: "Forgot your password?" }).click();
  await p.waitForURL(/\/forgotPassword\?/);
  assert.equal(await p.getByRole("heading", { level: 1 }).textContent(), `Reset your ${APP_NAME} password`);
  await field(p, "Email").fill(email);
  const before = mailCount(email, server.outbox);
  await submit(p, "Send code").click();
  await field(p, "Confirmation code").waitFor();
  await field(p, "Confirmation code").fill(await codeFor(email, before, server.outbox));
  const newPassword = "Another-Horse-7";
  await field(p, "New password").fill(newPassword);
  await submit(p, "Reset password").click();
  await landed(p, request);
  // The new password is the password now.
  await assert.rejects(
    cognito("InitiateAuth", { AuthFlow: "USER_PASSWORD_AUTH", ClientId: app.client_id, AuthParameters: { USERNAME: email, PASSWORD: PASSWORD } }),
    /NotAuthorizedException/,
  );
  assert.deepEqual(problems, []);
  await context.close();
});

step("an invited user chooses a password on the page before going on", async () => {
  const email = `hosted-invited-${randomUUID().slice(0, 8)}@example.com`;
  const temporary = "Temporary-Pass-1";
  await cognito(
    "AdminCreateUser",
    {
      UserPoolId: app.user_pool_id,
      Username: email,
      TemporaryPassword: temporary,
      UserAttributes: [{ Name: "email", Value: email }, { Name: "email_verified", Value: "true" }],
      MessageAction: "SUPPRESS",
    },
    { authorization: `Bearer ${developerToken}` },
  );
  const { context, problems } = await watchedContext();
  const p = await context.newPage();
  const request = authorization({ login_hint: email });
  await p.goto(request.url);
  await p.waitForURL(/\/login\?/);
  await field(p, "Password").fill(temporary);
  await submit(p, "Sign in").click();
  await field(p, "New password").waitFor();
  assert.equal(await p.getByRole("heading", { level: 1 }).textContent(), "Choose a new password");
  await field(p, "New password").fill("Chosen-Horse-5");
  await submit(p, "Set new password").click();
  await landed(p, request);
  assert.deepEqual(problems, []);
  await context.close();
});

step("every field has a label, every page one <h1>, nothing needs a mouse", async () => {
  const { context } = await watchedContext();
  const p = await context.newPage();
  const request = authorization();
  for (const path of ["/login", "/signup", "/forgotPassword"]) {
    await p.goto(`${server.url}${path}${new URL(request.url).search}`);
    await p.locator("form").waitFor();
    const report = await p.evaluate(() => ({
      h1: document.querySelectorAll("h1").length,
      unlabelled: [...document.querySelectorAll("input, button")]
        .filter((el) => !(el.labels?.length || el.textContent.trim() || el.getAttribute("aria-label")))
        .map((el) => el.outerHTML),
    }));
    assert.deepEqual(report, { h1: 1, unlabelled: [] }, path);
  }
  await context.close();
});

step("the page inside a frame is refused (X-Frame-Options and frame-ancestors)", async () => {
  const login = `${server.url}/login${authorization().search}`;
  const response = await fetch(login);
  assert.equal(response.status, 200);
  assert.equal(response.headers.get("x-frame-options"), "DENY");
  assert.match(response.headers.get("content-security-policy"), /frame-ancestors 'none'/);
  const context = await newContext(browser);
  const p = await context.newPage();
  const refusals = [];
  p.on("console", (message) => /frame-ancestors|X-Frame-Options/.test(message.text()) && refusals.push(message.text()));
  await p.goto(`${site.origin}/frame?src=${encodeURIComponent(login)}`);
  const frame = await (await p.locator("#f").elementHandle()).contentFrame();
  await until(() => refusals.length > 0, { message: "Chromium's refusal to frame the page" });
  // Chromium shows its own error page in the frame instead.
  assert.notEqual(frame.url(), login, "the frame did not load the page");
  assert.equal(await frame.locator("#hosted, form").count(), 0, "nothing of the page in the frame");
  await context.close();
});

const VIEWS = [
  ["desktop-light", { viewport: { width: 1280, height: 900 }, colorScheme: "light" }],
  ["desktop-dark", { viewport: { width: 1280, height: 900 }, colorScheme: "dark" }],
  ["phone-light", { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true, colorScheme: "light" }],
  ["phone-dark", { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true, colorScheme: "dark" }],
];

step("screenshots at 360 px and 1280 px, light and dark: nothing wider than the viewport, every text at WCAG AA", async () => {
  const faint = [];
  const wide = [];
  const screens = [
    ["login", "/login", null],
    ["signup", "/signup", (q) => field(q, "Password").fill("weak")],
    ["forgot", "/forgotPassword", null],
    ["error", "/login", async (q) => {
      await field(q, "Email").fill("nobody@example.com");
      await field(q, "Password").fill("Not-The-Password-1");
      await submit(q, "Sign in").click();
      await until(async () => (await alertText(q)) !== "", { message: "the alert" });
    }],
  ];
  for (const [view, options] of VIEWS) {
    const { context, problems } = await watchedContext(options);
    const p = await context.newPage();
    for (const [client, prefix, only] of [[app, "hosted", null], [plainApp, "hosted-plain", "login"]]) {
      const search = authorization({}, client).search;
      for (const [name, path, prepare] of screens.filter(([n]) => !only || n === only)) {
        await p.goto(`${server.url}${path}${search}`);
        await p.locator("form").waitFor();
        await prepare?.(p);
        await screenshot(p, `${prefix}-${name}-${view}`);
        for (const low of await lowContrast(p)) faint.push(`${view} ${prefix} ${name}: ${low}`);
        const width = await p.evaluate(() => document.documentElement.scrollWidth);
        if (width > options.viewport.width) wide.push(`${view} ${prefix} ${name}: ${width}px`);
      }
    }
    assert.deepEqual(problems, [], view);
    await context.close();
  }
  assert.deepEqual(wide, [], "pages wider than the viewport");
  assert.deepEqual(faint, [], "text under WCAG AA contrast");
});

step("the app's accent colours the page, adjusted to AA in light and dark; without one, the built-in blue", async () => {
  const colours = async (client, colorScheme) => {
    const context = await newContext(browser, { colorScheme });
    const p = await context.newPage();
    await p.goto(`${server.url}/login${authorization({}, client).search}`);
    await p.locator("form").waitFor();
    const found = await p.evaluate(() => {
      const style = (selector, property) => getComputedStyle(document.querySelector(selector))[property];
      return { link: style(".links a", "color"), button: style(".primary", "backgroundColor"), ink: style(".primary", "color") };
    });
    await context.close();
    return found;
  };
  // #e8a317 is too light for text on white: darker links and button, white text; on the dark
  // surface it reads as it is, with black text on the button.
  const light = await colours(app, "light");
  const dark = await colours(app, "dark");
  assert.notEqual(light.link, "rgb(232, 163, 23)");
  assert.equal(light.ink, "rgb(255, 255, 255)");
  assert.equal(dark.link, "rgb(232, 163, 23)");
  assert.equal(dark.button, "rgb(232, 163, 23)");
  assert.equal(dark.ink, "rgb(0, 0, 0)");
  const plain = await colours(plainApp, "light");
  assert.deepEqual(plain, { link: "rgb(31, 95, 214)", button: "rgb(31, 95, 214)", ink: "rgb(255, 255, 255)" });
});

step("markup in the display name stays text; the logo loads from its origin, the one the policy adds", async () => {
  const markup = `<img src=x onerror=alert(1)>"'`;
  const branded = await api("POST", "/api/apps", { name: "Markup app" });
  const logo = `${site.origin}/logo.svg`;
  await api("PATCH", `/api/apps/${branded.app_id}`, {
    oauth: { callback_urls: [site.callback], branding: { display_name: markup, logo_url: logo } },
  });
  const login = `${server.url}/login${authorization({}, branded).search}`;
  const policy = (await fetch(login)).headers.get("content-security-policy");
  assert.match(policy, new RegExp(`img-src 'self' data: ${site.origin};`));
  const { context, problems } = await watchedContext();
  const p = await context.newPage();
  p.on("dialog", (d) => problems.push(`a dialog: ${d.message()}`));
  await p.goto(login);
  await p.locator("form").waitFor();
  assert.equal(await p.getByRole("heading", { level: 1 }).textContent(), `Sign in to ${markup}`);
  assert.equal(await p.locator(".brand .app-name").textContent(), markup);
  assert.equal(await p.locator("img").count(), 1, "the logo, and no image from the name");
  await until(() => p.locator("img.logo").evaluate((img) => img.complete && img.naturalWidth > 0), { message: "the logo" });
  await screenshot(p, "hosted-logo-desktop-light");
  assert.deepEqual(problems, []);
  await context.close();
});
