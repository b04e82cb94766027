// Shared helpers of the real-browser tests: the environment from tests/e2e/run.sh, Debian's
// Chromium through playwright-core, a test site on ANOTHER origin than the Auth Return server
// (a page embedding both components, plus a small protected endpoint for AuthReturn.fetch), the
// mail outbox, users made through the Cognito API, and the modal driven like a user would.
import { createServer } from "node:http";
import { createServer as createNetServer } from "node:net";
import { existsSync, readFileSync, mkdirSync, mkdtempSync, openSync, closeSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createHash, createHmac, randomBytes, randomUUID } from "node:crypto";
import { execFile, spawn } from "node:child_process";
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { promisify } from "node:util";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import Provider from "oidc-provider";

const env = process.env;
export const BASE = env.AUTH_RETURN_URL?.replace(/\/+$/, "");
export const OUTBOX = env.AUTH_RETURN_OUTBOX;
export const APP = env.AUTH_RETURN_APP_PUBLIC ? JSON.parse(env.AUTH_RETURN_APP_PUBLIC) : null;
export const skip =
  BASE && OUTBOX && APP ? false : "needs AUTH_RETURN_URL, AUTH_RETURN_OUTBOX, AUTH_RETURN_APP_PUBLIC (tests/e2e/run.sh)";
export const CHROMIUM = env.CHROMIUM_PATH ?? "/usr/bin/chromium";
export const PASSWORD = "Correct-Horse-9";
export const SCREENSHOTS = fileURLToPath(new URL("./screenshots/", import.meta.url));

export const uniqueEmail = (tag) => `browser-${tag}-${randomUUID()}@example.com`;

// ---------------------------------------------------------------------------------------------
// The browser

const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

/** Debian's Chromium, headless, with a fresh temporary user-data-dir (Playwright makes one). */
export function launch() {
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
}

/** A fresh context (own storage) with console errors collected, and short timeouts. */
export async function newContext(browser, options = {}) {
  const context = await browser.newContext(options);
  context.setDefaultTimeout(15_000);
  return context;
}

// ---------------------------------------------------------------------------------------------
// The test site: another origin than the server

/**
 * Serves, on 127.0.0.1, `/` (a plain page with both script tags and <auth-header>) and
 * `/api/protected` (401 unless `GET {BASE}/api/user` accepts the Bearer token; a token passed to
 * `rejectOnce` is refused the first time it is seen; `rejectNext(n)` refuses the next n tokens). The page is addressed as
 * http://localhost:PORT, so it is cross-origin to the server at http://127.0.0.1:PORT2.
 *
 * Page query: ?storage=local|session|memory &app=APP_ID &warn=MINUTES &idle=MINUTES &theme=light|dark
 * &fetchToken=id|access &apiOrigins=LIST (each as its data-* attribute) &configure=JSON
 * (AuthReturn.configure(JSON) in a script right after the script tag) &markup=HTML (put as it is
 * before the script tags: the tests' own markup) &order=header-first (the header's script first)
 */
export async function startSite() {
  const rejectOnce = new Set();
  let rejectNext = 0;
  const seen = []; // {token, status} per /api/protected request
  const server = createServer(async (req, res) => {
    const url = new URL(req.url, "http://localhost");
    if (url.pathname === "/") {
      res.writeHead(200, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" });
      res.end(page(url.searchParams));
    } else if (url.pathname === "/api/protected") {
      const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1] ?? null;
      let status = 401;
      let body = { message: "Unauthorized" };
      if (token && (rejectOnce.delete(token) || (rejectNext > 0 && rejectNext--))) {
        body = { message: "rejected once by the test" };
      } else if (token) {
        const user = await fetch(`${BASE}/api/user`, { headers: { authorization: `Bearer ${token}` } });
        if (user.ok) [status, body] = [200, { ok: true, user: await user.json() }];
      }
      seen.push({ token, status });
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    } else {
      res.writeHead(404).end();
    }
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  const origin = `http://localhost:${server.address().port}`;
  return {
    origin,
    url: (query = {}) => `${origin}/?${new URLSearchParams(query)}`,
    rejectOnce: (token) => rejectOnce.add(token),
    rejectNext: (count) => (rejectNext = count),
    seen,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

const attr = (text) => String(text).replace(/[&"<>]/g, (c) => `&#${c.charCodeAt(0)};`);

function page(query) {
  const data = [`data-app-id="${attr(query.get("app") ?? APP.app_id)}"`];
  if (query.get("storage")) data.push(`data-storage="${attr(query.get("storage"))}"`);
  if (query.get("warn")) data.push(`data-warn-before="${attr(query.get("warn"))}"`);
  if (query.get("idle")) data.push(`data-idle-timeout="${attr(query.get("idle"))}"`);
  if (query.get("theme")) data.push(`data-theme="${attr(query.get("theme"))}"`);
  if (query.get("fetchToken")) data.push(`data-fetch-token="${attr(query.get("fetchToken"))}"`);
  if (query.get("apiOrigins")) data.push(`data-api-origins="${attr(query.get("apiOrigins"))}"`);
  const options = query.get("configure") && JSON.stringify(JSON.parse(query.get("configure"))).replace(/</g, "\\u003c");
  const configure = options ? `\n  <script>AuthReturn.configure(${options});</script>` : "";
  const component = `<script src="${BASE}/auth_component.js" ${data.join(" ")}></script>${configure}`;
  const headerScript = `<script src="${BASE}/auth_header_component.js"></script>`;
  const scripts = query.get("order") === "header-first" ? [headerScript, component] : [component, headerScript];
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>A plain page on another origin</title>
  <style>
    /* Hostile host-page CSS: the Shadow DOM must keep the modal intact. */
    button { background: hotpink; border: 3px dashed green; }
    label, input { display: none; }
    h2, p { color: red; }
    body { margin: 0; font: 16px Georgia, serif; }
    header { display: flex; justify-content: space-between; align-items: center; padding: 12px 16px; border-bottom: 1px solid #ddd; }
    main { padding: 16px; }
    @media (prefers-color-scheme: dark) { body { background: #0d1117; color: #e6edf3; } }
  </style>
  ${query.get("markup") ?? ""}
  ${scripts.join("\n  ")}
</head>
<body>
  <header><strong>Example app</strong><auth-header></auth-header></header>
  <main>
    <h1>Notes</h1>
    <p>Some content the user is working on. Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt ut labore.</p>
  </main>
</body>
</html>`;
}

/**
 * An API on an origin of its own (127.0.0.1, another port than the site's and the server's) that
 * records every request it gets, preflights included, and allows the site's origin by CORS, so
 * that only the component can keep a request from reaching it. Answers 200 `{ok: true}`.
 */
export async function startApi(site) {
  const seen = []; // {method, path, token}
  const server = createServer((req, res) => {
    const token = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1] ?? null;
    seen.push({ method: req.method, path: req.url, token });
    res.writeHead(req.method === "OPTIONS" ? 204 : 200, {
      "access-control-allow-origin": site.origin,
      "access-control-allow-headers": "authorization, content-type",
      "access-control-allow-methods": "GET, POST",
      "content-type": "application/json",
    });
    res.end(req.method === "OPTIONS" ? undefined : JSON.stringify({ ok: true }));
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    origin: `http://127.0.0.1:${server.address().port}`,
    seen,
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}

/** Opens the site's page and waits for AuthReturn.ready. */
export async function openPage(context, site, query = {}) {
  const p = await context.newPage();
  await p.goto(site.url(query));
  await p.waitForFunction(() => window.AuthReturn !== undefined, null, { polling: 50 });
  await p.evaluate(() => window.AuthReturn.ready);
  return p;
}

/** Holds the page's request for the app's config until `release()`: the time before AuthReturn.ready. */
export async function holdConfig(p) {
  let release;
  const released = new Promise((resolve) => (release = resolve));
  await p.route((url) => url.pathname.endsWith("/config"), async (route) => {
    await released;
    await route.continue();
  });
  return release;
}

/** The saved session (JSON text or null) in the page's localStorage and sessionStorage. */
export const stored = (p, appId = APP.app_id) =>
  p.evaluate((key) => ({ local: localStorage.getItem(key), session: sessionStorage.getItem(key) }), `authreturn:${appId}:session`);

/** Records, in the page, every message on the component's BroadcastChannel, in `window.__heard`. */
export const listenToChannel = (p, appId = APP.app_id) =>
  p.evaluate((name) => {
    window.__heard = [];
    new BroadcastChannel(name).onmessage = (event) => window.__heard.push(event.data);
  }, `authreturn:${appId}`);

/** Posts a marker from `from` and waits until `to` heard it: what `from` posted before has arrived. */
export async function flushChannel(from, to, appId = APP.app_id) {
  const marker = randomUUID();
  await from.evaluate(([name, m]) => new BroadcastChannel(name).postMessage({ marker: m }), [`authreturn:${appId}`, marker]);
  await until(() => to.evaluate((m) => window.__heard.some((message) => message?.marker === m), marker), { message: "the marker" });
}

/** Records the component's events in the page, in `window.__events`. */
export async function recordEvents(p) {
  await p.evaluate(() => {
    window.__events = [];
    for (const name of ["signin", "signout", "tokenrefresh", "sessionexpiring", "sessionexpired", "error"]) {
      window.AuthReturn.on(name, (detail) =>
        window.__events.push({ name, detail: JSON.parse(JSON.stringify(detail ?? null)) }),
      );
    }
  });
}

export const events = (p, name) => p.evaluate((n) => window.__events.filter((e) => !n || e.name === n), name);

/**
 * Polls `fn` (async, in Node) until it returns a truthy value. Deliberately not
 * page.waitForFunction: with Playwright's fake clock installed, in-page polling timers are faked.
 */
export async function until(fn, { timeout = 15_000, message = "condition" } = {}) {
  const deadline = Date.now() + timeout;
  let last;
  for (;;) {
    last = await fn();
    if (last) return last;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${message} (last: ${JSON.stringify(last)})`);
    await sleep(100);
  }
}

// ---------------------------------------------------------------------------------------------
// Mail and users

/** The mails to `email` in the outbox (the e2e server's, or `outbox`: a test's own server's). */
export function mailsTo(email, outbox = OUTBOX) {
  if (!existsSync(outbox)) return [];
  // The server may be appending a line as we read: the text after the last newline is not a
  // whole line yet.
  return readFileSync(outbox, "utf8")
    .split("\n")
    .slice(0, -1)
    .filter(Boolean)
    .map((line) => JSON.parse(line))
    .filter((mail) => mail.to === email);
}

export const mailCount = (email, outbox = OUTBOX) => mailsTo(email, outbox).length;

/** The newest mail to `email`, once there are more than `after` of them. */
export async function mailFor(email, after = 0, outbox = OUTBOX) {
  const mails = await until(() => {
    const found = mailsTo(email, outbox);
    return found.length > after ? found : null;
  }, { timeout: 10_000, message: `mail #${after + 1} to ${email}` });
  return mails.at(-1);
}

/** The code in the newest mail to `email`, once there are more than `after` of them. */
export async function codeFor(email, after = 0, outbox = OUTBOX) {
  const mail = await mailFor(email, after, outbox);
  const match = /(?<!\d)(\d{6})(?!\d)/.exec(`${mail.text ?? ""} ${mail.subject ?? ""} ${mail.html ?? ""}`);
  if (!match) throw new Error(`no code in ${JSON.stringify(mail)}`);
  return match[1];
}

export async function cognito(operation, body) {
  const response = await fetch(`${BASE}/`, {
    method: "POST",
    headers: {
      "content-type": "application/x-amz-json-1.1",
      "x-amz-target": `AWSCognitoIdentityProviderService.${operation}`,
    },
    body: JSON.stringify(body),
  });
  const data = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(`${operation}: ${response.status} ${JSON.stringify(data)}`);
  return data;
}

/** A confirmed user made through the Cognito API (not the modal), for tests about other things. */
export async function confirmedUser(tag, { clientId = APP.client_id, password = PASSWORD } = {}) {
  const email = uniqueEmail(tag);
  await cognito("SignUp", {
    ClientId: clientId,
    Username: email,
    Password: password,
    UserAttributes: [{ Name: "email", Value: email }],
  });
  await cognito("ConfirmSignUp", { ClientId: clientId, Username: email, ConfirmationCode: await codeFor(email) });
  return email;
}

/** The bytes of base32 `text` (RFC 4648; padding, spaces and case ignored). */
export function base32Decode(text) {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = 0;
  let value = 0;
  const out = [];
  for (const char of text.toUpperCase().replace(/[\s=]/g, "")) {
    const index = alphabet.indexOf(char);
    if (index < 0) throw new Error(`not base32: ${char}`);
    value = (value << 5) | index;
    bits += 5;
    if (bits >= 8) {
      bits -= 8;
      out.push((value >>> bits) & 0xff);
    }
  }
  return Buffer.from(out);
}

/**
 * The TOTP code (RFC 6238: HMAC-SHA1, 30 s steps) of the base32 `secret` at `time` (epoch
 * seconds): what an authenticator app shows.
 */
export function totp(secret, { time = Date.now() / 1000, digits = 6, step = 30 } = {}) {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(time / step)));
  const mac = createHmac("sha1", base32Decode(secret)).update(counter).digest();
  const offset = mac[mac.length - 1] & 0x0f;
  const number = mac.readUInt32BE(offset) & 0x7fffffff;
  return String(number % 10 ** digits).padStart(digits, "0");
}

/**
 * Turns on an authenticator app for `email` (in an app whose MFA mode is OPTIONAL), as a user
 * would: signed in with the password, AssociateSoftwareToken, then VerifySoftwareToken with
 * the app's current code. Answers the secret (base32).
 */
export async function setUpAuthenticatorApp(email, { clientId = APP.client_id, password = PASSWORD } = {}) {
  const signedIn = await cognito("InitiateAuth", { ClientId: clientId, AuthFlow: "USER_PASSWORD_AUTH", AuthParameters: { USERNAME: email, PASSWORD: password } });
  const accessToken = signedIn.AuthenticationResult?.AccessToken;
  if (!accessToken) throw new Error(`no tokens for ${email}: ${JSON.stringify(signedIn)}`);
  const { SecretCode: secret } = await cognito("AssociateSoftwareToken", { AccessToken: accessToken });
  const verified = await cognito("VerifySoftwareToken", { AccessToken: accessToken, UserCode: totp(secret), FriendlyDeviceName: "test phone" });
  if (verified.Status !== "SUCCESS") throw new Error(`VerifySoftwareToken: ${JSON.stringify(verified)}`);
  return secret;
}

// ---------------------------------------------------------------------------------------------
// The CLI (apps of the tests' own)

const run = promisify(execFile);

export const cliSkip =
  env.AUTH_RETURN_BIN && env.AUTH_RETURN_DATA_DIR ? false : "needs AUTH_RETURN_BIN and AUTH_RETURN_DATA_DIR (tests/e2e/run.sh)";

export async function cli(...args) {
  const listen = new URL(BASE).host;
  const { stdout } = await run(env.AUTH_RETURN_BIN, [
    ...args,
    "--json",
    "--listen",
    listen,
    "--data-dir",
    env.AUTH_RETURN_DATA_DIR,
  ]);
  return JSON.parse(stdout);
}

// ---------------------------------------------------------------------------------------------
// The modal, as a user sees it (Playwright's locators pierce open shadow roots)

export const dialog = (p) => p.getByRole("dialog");
export const field = (p, label) => dialog(p).getByLabel(label, { exact: true });
export const button = (p, name) => dialog(p).getByRole("button", { name, exact: true });
export const alert = (p) => dialog(p).getByRole("alert");

/** The header element's parts. */
export const header = {
  signIn: (p) => p.locator("auth-header").getByRole("button", { name: "Sign in", exact: true }),
  email: (p) => p.locator("auth-header .email"),
  menu: (p) => p.locator("auth-header").getByRole("button", { name: /^Account menu/ }),
  signOut: (p) => p.locator("auth-header").getByRole("menuitem", { name: "Sign out" }),
};

/** The focused element through open shadow roots, e.g. "auth-header > button(Sign in)". */
export const deepActive = (p) =>
  p.evaluate(() => {
    let el = document.activeElement;
    const path = [el?.localName];
    while (el?.shadowRoot?.activeElement) {
      el = el.shadowRoot.activeElement;
      path.push(el.localName + (el.name ? `[name=${el.name}]` : "") + (el.textContent ? `(${el.textContent.trim()})` : ""));
    }
    return path.join(" > ");
  });

export const isSignedIn = (p) => p.evaluate(() => window.AuthReturn.isSignedIn());

/** Opens the modal from the header and signs in; waits until the modal closed. */
export async function signInThroughModal(p, email, password = PASSWORD) {
  await header.signIn(p).click();
  await field(p, "Email").fill(email);
  await field(p, "Password").fill(password);
  await button(p, "Sign in").click();
  await dialog(p).waitFor({ state: "hidden" });
  await until(() => isSignedIn(p), { message: "signed in" });
}

/**
 * Signs a new developer up in the console of the server at `base` (its mail in `outbox`) through
 * the sign-in component, confirms with the mailed code, and waits for their apps page. Answers
 * their email.
 */
export async function signUpDeveloper(p, { base = BASE, outbox = OUTBOX, tag = "developer" } = {}) {
  const email = uniqueEmail(tag);
  await p.goto(`${base}/console`);
  await p.getByRole("button", { name: "Create a developer account" }).click();
  await field(p, "Email").fill(email);
  await field(p, "Password").fill(PASSWORD);
  const mails = mailCount(email, outbox);
  await button(p, "Create account").click();
  await field(p, "Confirmation code").fill(await codeFor(email, mails, outbox));
  await button(p, "Confirm").click();
  await p.getByRole("heading", { name: "Your apps", level: 1 }).waitFor();
  return email;
}

/**
 * Text on `p` whose contrast with what is behind it is under WCAG 2.x AA: 4.5:1, or 3:1 for
 * large text (24 px, or 18.66 px bold). Every visible element with text of its own is
 * measured against the first opaque background among it and its ancestors (translucent ones
 * blended on the way); disabled controls are exempt, as WCAG exempts inactive components.
 */
export const lowContrast = (p) =>
  p.evaluate(() => {
    const rgba = (text) => {
      const m = text.match(/rgba?\(([^)]+)\)/);
      if (!m) return [0, 0, 0, 0];
      const [r, g, b, a = 1] = m[1].split(/[ ,/]+/).filter(Boolean).map(Number);
      return [r, g, b, a];
    };
    const over = (top, under) => {
      const a = top[3];
      return [0, 1, 2].map((i) => top[i] * a + under[i] * (1 - a)).concat(1);
    };
    const background = (element) => {
      const layers = [];
      for (let e = element; e; e = e.parentElement) {
        const color = rgba(getComputedStyle(e).backgroundColor);
        if (color[3] > 0) layers.push(color);
        if (color[3] >= 1) break;
      }
      const canvas = matchMedia("(prefers-color-scheme: dark)").matches ? [18, 18, 18, 1] : [255, 255, 255, 1];
      return layers.reverse().reduce((under, top) => over(top, under), canvas);
    };
    const luminance = ([r, g, b]) => {
      const [R, G, B] = [r, g, b].map((v) => {
        const c = v / 255;
        return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
      });
      return 0.2126 * R + 0.7152 * G + 0.0722 * B;
    };
    const found = [];
    for (const element of document.body.querySelectorAll("*")) {
      const ownText = [...element.childNodes].some((n) => n.nodeType === Node.TEXT_NODE && n.textContent.trim());
      if (!ownText || !element.getClientRects().length) continue;
      const style = getComputedStyle(element);
      if (style.visibility === "hidden" || Number(style.opacity) === 0) continue;
      if (element.closest(":disabled, [aria-disabled=true], [hidden]")) continue;
      const back = background(element);
      const fore = over(rgba(style.color), back);
      const [hi, lo] = [luminance(fore), luminance(back)].sort((a, b) => b - a);
      const ratio = (hi + 0.05) / (lo + 0.05);
      const size = parseFloat(style.fontSize);
      const large = size >= 24 || (size >= 18.66 && Number(style.fontWeight) >= 700);
      if (ratio < (large ? 3 : 4.5)) {
        found.push(`${element.tagName.toLowerCase()}.${element.className} "${element.textContent.trim().slice(0, 30)}": ${ratio.toFixed(2)}:1`);
      }
    }
    return found;
  });

export async function screenshot(p, name) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await p.screenshot({ path: `${SCREENSHOTS}${name}.png` });
}

// ---------------------------------------------------------------------------------------------
// A server of the test's own: default flags, a fresh data directory, a free loopback port

export const serverSkip = env.AUTH_RETURN_BIN ? false : "needs AUTH_RETURN_BIN (tests/e2e/run.sh)";

/** A free TCP port on 127.0.0.1 (asked of the kernel, then released). */
async function freePort() {
  const probe = createNetServer();
  await new Promise((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const { port } = probe.address();
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/**
 * Starts `AUTH_RETURN_BIN serve` on a free loopback port with a fresh temporary data directory
 * and no setting but `args` (no AUTH_RETURN_* variable reaches it: the defaults apply, e.g.
 * `--console-signup invite`), and waits for `GET /healthz`. Answers its `url`, `dataDir`,
 * `outbox`, `cli(...args)` (the CLI on the same data, JSON or text out) and `stop()` (SIGTERM,
 * waits; the data directory is removed unless the server failed or AUTH_RETURN_E2E_KEEP is set).
 * With `tls` (from `selfSignedCertificate`) it serves HTTPS itself (`--tls-cert`, `--tls-key`):
 * its `url` is then `https://127.0.0.1:PORT`, which is also its public URL. With `localhost`, its
 * public URL (`publicUrl`) is `http://localhost:PORT`, where browsers allow passkeys (its `url`,
 * for requests from Node, stays on 127.0.0.1).
 */
export async function startServer(args = [], { tls, localhost = false } = {}) {
  const port = await freePort();
  const listen = `127.0.0.1:${port}`;
  const url = `${tls ? "https" : "http"}://${listen}`;
  const publicUrl = localhost ? `http://localhost:${port}` : url;
  if (tls) args = ["--tls-cert", tls.cert, "--tls-key", tls.key, ...args];
  if (localhost) args = ["--public-url", publicUrl, ...args];
  const dataDir = mkdtempSync(join(tmpdir(), "auth-return-browser."));
  const logFile = join(dataDir, "server.log");
  const clean = Object.fromEntries(Object.entries(env).filter(([name]) => !name.startsWith("AUTH_RETURN_")));
  const childEnv = { ...clean, NO_COLOR: "1" };
  const log = openSync(logFile, "a");
  const child = spawn(env.AUTH_RETURN_BIN, ["serve", "--listen", listen, "--data-dir", dataDir, ...args], {
    env: childEnv,
    stdio: ["ignore", log, log],
  });
  closeSync(log);
  let exited = null;
  const gone = new Promise((resolve) => child.on("exit", (code, signal) => resolve((exited = { code, signal }))));
  const serverLog = () => (existsSync(logFile) ? readFileSync(logFile, "utf8").split("\n").slice(-60).join("\n") : "");
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (exited) throw new Error(`the server exited (${JSON.stringify(exited)}) before it was ready:\n${serverLog()}`);
    const health = await request(`${url}/healthz`, { ca: tls?.pem }).then((r) => (r.status === 200 ? r.json : null), () => null);
    if (health?.status === "ok") break;
    if (Date.now() > deadline) {
      child.kill("SIGTERM");
      throw new Error(`the server did not become ready within 30 s:\n${serverLog()}`);
    }
    await sleep(100);
  }
  let failed = false;
  return {
    url,
    publicUrl,
    dataDir,
    outbox: join(dataDir, "outbox.jsonl"),
    log: serverLog,
    /** Marks the run as failed: stop() keeps the data directory and prints the log. */
    fail: () => (failed = true),
    async cli(...cliArgs) {
      const { stdout } = await run(env.AUTH_RETURN_BIN, [...cliArgs, "--listen", listen, "--data-dir", dataDir], { env: childEnv });
      return stdout;
    },
    async stop() {
      if (!exited) {
        child.kill("SIGTERM");
        const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
        await gone;
        clearTimeout(timer);
      }
      if (failed || exited?.code) {
        console.error(`server log (${logFile}):\n${serverLog()}`);
      } else if (!env.AUTH_RETURN_E2E_KEEP) {
        rmSync(dataDir, { recursive: true, force: true });
      }
      return exited;
    },
  };
}

// ---------------------------------------------------------------------------------------------
// HTTPS of the tests' own: a certificate made here, and requests that trust it

/**
 * A self-signed certificate for 127.0.0.1 (and localhost), made with Debian's openssl in a fresh
 * temporary directory: `cert` and `key` (PEM files) and `pem` (the certificate's text, to trust).
 */
export async function selfSignedCertificate() {
  const dir = mkdtempSync(join(tmpdir(), "auth-return-tls."));
  const [cert, key] = [join(dir, "cert.pem"), join(dir, "key.pem")];
  await run("openssl", [
    "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "1",
    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
    "-keyout", key, "-out", cert,
  ]);
  return { dir, cert, key, pem: readFileSync(cert, "utf8") };
}

/**
 * One HTTP(S) request from Node that trusts `ca` (PEM) for https; Node's fetch cannot be given a
 * CA of its own. Answers `{status, headers, text, json}` (json null when the body is not JSON).
 */
export function request(url, { method = "GET", headers = {}, body, ca } = {}) {
  const target = new URL(url);
  const send = target.protocol === "https:" ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(target, { method, headers, ca, timeout: 10_000 }, (res) => {
      const chunks = [];
      res.on("data", (chunk) => chunks.push(chunk));
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        let json = null;
        try {
          json = JSON.parse(text);
        } catch {}
        resolve({ status: res.statusCode, headers: res.headers, text, json });
      });
    });
    req.on("timeout", () => req.destroy(new Error(`${method} ${url}: no answer within 10 s`)));
    req.on("error", reject);
    req.end(body);
  });
}

// ---------------------------------------------------------------------------------------------
// Federation: an upstream OpenID Provider

/**
 * A certified OpenID Provider, the npm package oidc-provider, on loopback: one confidential
 * client `shop-web` (client_secret_basic, secret `s3cret-of-the-shop`) whose redirect URI is
 * `redirectUri`, and accounts whose login is their sub (email `<sub>@example.com`, verified;
 * name `Ada <sub>`). Its own development login and consent pages take any password.
 * `logins` lists the redirect URIs of the sign-ins it accepted.
 */
export async function startOidcProvider(redirectUri) {
  const http = createServer();
  await new Promise((resolve) => http.listen(0, "127.0.0.1", resolve));
  const issuer = `http://127.0.0.1:${http.address().port}`;
  const provider = new Provider(issuer, {
    clients: [{
      client_id: "shop-web",
      client_secret: "s3cret-of-the-shop",
      redirect_uris: [redirectUri],
      response_types: ["code"],
      grant_types: ["authorization_code"],
      token_endpoint_auth_method: "client_secret_basic",
    }],
    claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name"] },
    async findAccount(ctx, sub) {
      return {
        accountId: sub,
        async claims() {
          return { sub, email: `${sub}@example.com`, email_verified: true, name: `Ada ${sub}` };
        },
      };
    },
    features: { devInteractions: { enabled: true } },
    cookies: { keys: [randomBytes(16).toString("hex")] },
  });
  const logins = [];
  provider.on("authorization.accepted", (ctx) => logins.push(ctx.oidc.params.redirect_uri));
  http.on("request", provider.callback());
  return { issuer, logins, close: () => new Promise((resolve) => http.close(resolve)) };
}

/** Signs in as `login` on the provider's own pages (login, then consent). */
export async function signInAtOidcProvider(p, idp, login) {
  await p.waitForURL((url) => url.origin === idp.issuer);
  await p.locator('input[name="login"]').fill(login);
  await p.locator('input[name="password"]').fill("any password");
  await p.locator('button[type="submit"]').click();
  await p.locator('button[type="submit"]', { hasText: "Continue" }).click();
}

// ---------------------------------------------------------------------------------------------
// Passkeys: Chromium's virtual authenticator

/**
 * A virtual authenticator on `p` (Chrome DevTools Protocol, WebAuthn domain: the user's device, a
 * platform authenticator with resident keys and user verification, the user's touch simulated).
 * `credentials()` lists what it holds, each with its id in base64url as the server writes it.
 */
export async function virtualAuthenticator(p) {
  const cdp = await p.context().newCDPSession(p);
  await cdp.send("WebAuthn.enable");
  const { authenticatorId } = await cdp.send("WebAuthn.addVirtualAuthenticator", {
    options: {
      protocol: "ctap2",
      transport: "internal",
      hasResidentKey: true,
      hasUserVerification: true,
      isUserVerified: true,
      automaticPresenceSimulation: true,
    },
  });
  return {
    async credentials() {
      const { credentials } = await cdp.send("WebAuthn.getCredentials", { authenticatorId });
      return credentials.map((c) => ({ ...c, id: Buffer.from(c.credentialId, "base64").toString("base64url") }));
    },
    /** Forgets every passkey it holds (a device without any for the site). */
    clear: () => cdp.send("WebAuthn.clearCredentials", { authenticatorId }),
    /** Forgets the passkey of credential id `id` (base64url). */
    remove: (id) => cdp.send("WebAuthn.removeCredential", { authenticatorId, credentialId: Buffer.from(id, "base64url").toString("base64") }),
  };
}

/**
 * Watches the pages of `context` ask navigator.credentials.get (an init script wraps it, before
 * any page script runs): each request is recorded in the page (`requests(p)`: `mediation`,
 * the publicKey options in JSON, `signal` (one was given), `aborted`, `outcome`, and
 * `othersWaiting`: how many of the page's requests were still out when it was made).
 *
 * Chromium's virtual authenticator answers a conditional (autofill) request at once, as if the
 * user had picked a passkey the moment it was made. `hold(p)` makes the conditional requests of
 * the tab wait instead (this page's, and those of the pages it goes to on the same origin: the
 * choice is kept in sessionStorage), as a browser does until the user picks a passkey from the
 * autofill, until `release(p)` hands the one waiting to the authenticator or the page aborts it;
 * `pass(p)` lets them through again.
 */
export async function watchPasskeyRequests(context) {
  await context.addInitScript(() => {
    const container = navigator.credentials;
    if (!container?.get) return;
    const get = container.get.bind(container);
    const HOLD = "test:hold-conditional-passkey-requests";
    const holding = () => {
      try {
        return sessionStorage.getItem(HOLD) === "1";
      } catch {
        return false;
      }
    };
    const watch = {
      requests: [],
      waiting: [],
      hold(on) {
        if (on) sessionStorage.setItem(HOLD, "1");
        else sessionStorage.removeItem(HOLD);
      },
    };
    Object.defineProperty(window, "__passkeyRequests", { value: watch });
    const encode = (value) =>
      JSON.parse(
        JSON.stringify(value ?? null, (_, v) =>
          v instanceof ArrayBuffer || ArrayBuffer.isView(v) ? `<${(v.byteLength ?? 0)} bytes>` : v,
        ),
      );
    container.get = function (options = {}) {
      const record = {
        mediation: options.mediation ?? null,
        publicKey: encode(options.publicKey),
        signal: Boolean(options.signal),
        aborted: false,
        outcome: "pending",
        othersWaiting: watch.requests.filter((r) => r.outcome === "pending").length,
      };
      watch.requests.push(record);
      options.signal?.addEventListener("abort", () => (record.aborted = true));
      const settle = (promise) =>
        promise.then(
          (credential) => ((record.outcome = "credential"), credential),
          (error) => ((record.outcome = error.name), Promise.reject(error)),
        );
      if (options.mediation !== "conditional" || !holding()) return settle(get(options));
      return settle(
        new Promise((resolve, reject) => {
          const held = { release: () => get(options).then(resolve, reject) };
          watch.waiting.push(held);
          options.signal?.addEventListener("abort", () => {
            watch.waiting = watch.waiting.filter((h) => h !== held);
            reject(new DOMException("signal is aborted without reason", "AbortError"));
          });
        }),
      );
    };
  });
  return {
    requests: (p) => p.evaluate(() => window.__passkeyRequests.requests),
    hold: (p) => p.evaluate(() => window.__passkeyRequests.hold(true)),
    pass: (p) => p.evaluate(() => window.__passkeyRequests.hold(false)),
    release: (p) =>
      p.evaluate(() => {
        const held = window.__passkeyRequests.waiting.shift();
        if (!held) throw new Error("no conditional request is waiting");
        held.release();
      }),
  };
}

// ---------------------------------------------------------------------------------------------
// The hosted sign-in pages (GET /login, /signup), as a user sees them

export const hostedField = (p, label) => p.getByLabel(label, { exact: true });
export const hostedButton = (p, name) => p.getByRole("button", { name, exact: true });

/** Waits for the level-1 heading `name`; fails at once with the page's alert if one shows. */
async function hostedScreen(p, name) {
  const heading = p.getByRole("heading", { level: 1, name });
  const alert = p.getByRole("alert").filter({ hasText: /\S/ });
  await heading.or(alert).first().waitFor();
  if (!(await heading.isVisible())) throw new Error(`the hosted page says: ${await alert.first().textContent()}`);
}

/**
 * On the hosted sign-in page: signs in with `email` and `password`. The page then goes on to
 * the authorization request, which sends the browser back to the app.
 */
export async function signInOnHostedPage(p, email, password = PASSWORD) {
  await p.getByRole("heading", { level: 1, name: /^Sign in to / }).waitFor();
  await hostedField(p, "Email").fill(email);
  await hostedField(p, "Password").fill(password);
  await hostedButton(p, "Sign in").click();
}

/**
 * On the hosted sign-in page: "Create an account", email and password, then the code mailed to
 * `email` (in `outbox`). The page signs the new user in and goes on to the authorization request.
 */
export async function signUpOnHostedPage(p, email, { outbox = OUTBOX, password = PASSWORD } = {}) {
  await p.getByRole("link", { name: "Create an account", exact: true }).click();
  await p.getByRole("heading", { level: 1, name: /^Create your .* account$/ }).waitFor();
  await hostedField(p, "Email").fill(email);
  await hostedField(p, "Password").fill(password);
  const mails = mailCount(email, outbox);
  await hostedButton(p, "Create account").click();
  await hostedScreen(p, "Confirm your email");
  await hostedField(p, "Confirmation code").fill(await codeFor(email, mails, outbox));
  await hostedButton(p, "Confirm").click();
}

/** The browser context's hosted-session cookies (`ar_session_<userPoolId>`) for `serverUrl`. */
export const hostedSessionCookies = async (context, serverUrl) =>
  (await context.cookies(serverUrl)).filter((cookie) => cookie.name.startsWith("ar_session_"));

// ---------------------------------------------------------------------------------------------
// Requests signed with a developer's access key (AWS Signature Version 4), as boto3 signs them

const sha256Hex = (data) => createHash("sha256").update(data).digest("hex");
const hmac = (key, data) => createHmac("sha256", key).update(data).digest();

/**
 * The headers of a Cognito call `target` (e.g. "ListUsers") with JSON text `body` to `host`,
 * signed by SigV4 with `accessKeyId` and `secretAccessKey` at `date` (a Date): content type,
 * host, date and target signed, as botocore does.
 */
export function sigV4Headers({ host, target, body, accessKeyId, secretAccessKey, region = "us-east-1", date = new Date() }) {
  const amzDate = date.toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "");
  const day = amzDate.slice(0, 8);
  const headers = {
    "content-type": "application/x-amz-json-1.1",
    host,
    "x-amz-date": amzDate,
    "x-amz-target": `AWSCognitoIdentityProviderService.${target}`,
  };
  const names = Object.keys(headers).sort();
  const canonical = ["POST", "/", "", ...names.map((name) => `${name}:${headers[name]}`), "", names.join(";"), sha256Hex(body)].join("\n");
  const scope = `${day}/${region}/cognito-idp/aws4_request`;
  const toSign = ["AWS4-HMAC-SHA256", amzDate, scope, sha256Hex(canonical)].join("\n");
  const key = hmac(hmac(hmac(hmac(`AWS4${secretAccessKey}`, day), region), "cognito-idp"), "aws4_request");
  const signature = hmac(key, toSign).toString("hex");
  headers.authorization = `AWS4-HMAC-SHA256 Credential=${accessKeyId}/${scope}, SignedHeaders=${names.join(";")}, Signature=${signature}`;
  return headers;
}

/**
 * Calls the Cognito operation on the server signed with `key` ({access_key_id,
 * secret_access_key}); answers {status, type (the error's __type), body}.
 */
export async function signedCognito(operation, body, key) {
  const text = JSON.stringify(body);
  // fetch sends the URL's host itself: the one signed.
  const { host: _signed, ...headers } = sigV4Headers({
    host: new URL(BASE).host,
    target: operation,
    body: text,
    accessKeyId: key.access_key_id,
    secretAccessKey: key.secret_access_key,
  });
  const response = await fetch(`${BASE}/`, { method: "POST", headers, body: text });
  const data = await response.json().catch(() => ({}));
  return { status: response.status, type: String(data.__type ?? "").split("#").pop() || null, body: data };
}
