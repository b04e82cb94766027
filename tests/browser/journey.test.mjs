// The developer journey of issue 13, in Chromium, on a server of its own (default flags: the
// first developer signs up, everyone after is invited): a new developer finds the console from
// the landing page, signs up with the mailed code, creates an app, copies its script tag onto a
// page of ANOTHER origin where a user signs up and signs in; back in the console the developer
// finds that user, disables them (the component refuses their sign-in) and enables them again,
// creates an API key (verify: valid) and revokes it (verify: invalid), changes a setting (the
// public config and the next token follow), rotates the signing key, and finds each of those
// actions in Activity, filtered by type and by user. Then: a page still loading does not replace
// the one the developer moved on to; markup in app names, user attributes, user addresses and
// key names is shown as text on every console page and runs nothing; and a second, invited
// developer sees none of the first one's apps, not even by typing their URLs.
// Screenshots: tests/browser/screenshots/journey-*.png (light, dark, 360 px): look at them.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { randomUUID } from "node:crypto";
import {
  serverSkip as skip,
  PASSWORD,
  launch,
  newContext,
  startServer,
  codeFor,
  mailFor,
  until,
  screenshot,
  dialog,
  field,
  button,
  alert,
  header,
  isSignedIn,
  signInThroughModal,
} from "./support.mjs";

const XSS_IMG = "<img src=x onerror=alert(1)>";
const XSS_SCRIPT = `"><script>alert(1)</script>`;
const MARKUP_EMAILS = [`<img/src='x'/onerror=alert(1)>@example.com`, `${XSS_SCRIPT}@example.com`];

let browser;
let server; // the test's own Auth Return
let site; // the developer's own page, on another origin
const started = Date.now();

/** What the journey's steps hand on. */
const j = {
  developer: `journey-dev-${randomUUID().slice(0, 8)}@example.com`,
  user: `journey-user-${randomUUID().slice(0, 8)}@example.com`,
  appName: "Journey shop",
};

before(async () => {
  if (skip) return;
  server = await startServer();
  browser = await launch();
  site = await startSnippetSite();
});

after(async () => {
  await browser?.close();
  await site?.close();
  await server?.stop();
  if (!skip) console.log(`journey.test.mjs took ${((Date.now() - started) / 1000).toFixed(1)} s`);
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

/**
 * The developer's own site: `/` is a plain page holding whatever snippet the test pasted (the
 * console's <script> tags, exactly as copied), served from http://localhost:PORT, another
 * origin than the server's http://127.0.0.1:PORT2.
 */
async function startSnippetSite() {
  let snippet = "";
  const http = createServer((req, res) => {
    if (new URL(req.url, "http://localhost").pathname !== "/") return res.writeHead(404).end();
    res.writeHead(200, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" });
    res.end(`<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>Journey shop</title>
  <style>
    body { margin: 0; font: 16px system-ui, sans-serif; }
    header { display: flex; justify-content: space-between; align-items: center; padding: 12px 16px; border-bottom: 1px solid #ddd; }
    main { padding: 16px; }
    @media (prefers-color-scheme: dark) { body { background: #0d1117; color: #e6edf3; } }
  </style>
</head>
<body>
  <header><strong>Journey shop</strong>
${snippet}
  </header>
  <main><h1>Shop</h1><p>The developer's own page, on an origin of its own.</p></main>
</body>
</html>`);
  });
  await new Promise((resolve) => http.listen(0, "127.0.0.1", resolve));
  const origin = `http://localhost:${http.address().port}`;
  return {
    origin,
    paste: (text) => (snippet = text),
    close: () => new Promise((resolve) => http.close(resolve)),
  };
}

/** A context whose pages report script errors, dialogs and console errors into `problems`. */
async function watchedContext(options = {}) {
  const context = await newContext(browser, { viewport: { width: 1280, height: 900 }, colorScheme: "light", ...options });
  const problems = [];
  context.on("page", (p) => {
    p.on("console", (message) => {
      // An HTTP error the page answers in words (a refused sign-in, a 404) is logged by
      // Chromium too; it is no problem of the page.
      if (message.type() === "error" && !/^Failed to load resource: the server responded with a status of \d+/.test(message.text())) {
        problems.push(message.text());
      }
    });
    p.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
    p.on("dialog", (d) => {
      problems.push(`a JavaScript dialog opened: ${d.message()}`);
      d.dismiss().catch(() => {});
    });
  });
  return { context, problems };
}

/** Pages wider than the 360 px phone (their names), found while taking the phone shots. */
const wide = [];

/** Screenshots of `p` as it is: light at 1280 px, and unless `only`, dark and a 360 px phone. */
async function shots(p, name, { only = false } = {}) {
  await screenshot(p, `journey-${name}-light`);
  if (only) return;
  await p.emulateMedia({ colorScheme: "dark" });
  await screenshot(p, `journey-${name}-dark`);
  await p.emulateMedia({ colorScheme: "light" });
  const size = p.viewportSize();
  await p.setViewportSize({ width: 360, height: 740 });
  await screenshot(p, `journey-${name}-phone`);
  const width = await p.evaluate(() => document.documentElement.scrollWidth);
  if (width > 360) wide.push(`${name}: ${width}px`);
  await p.setViewportSize(size);
}

const settled = (p) => p.waitForFunction(() => !document.querySelector("main .loading"));
const toastSays = (p, text) => p.locator("#toast").getByText(text).waitFor();
const tab = (p, name) => p.getByRole("navigation", { name: "App sections" }).getByRole("link", { name, exact: true });
const escape = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
const decode = (jwt) => JSON.parse(Buffer.from(jwt.split(".")[1], "base64url").toString());

let consoleContext; // the first developer's browser
let consolePage;
let consoleProblems;
let sitePage;

// ---------------------------------------------------------------------------------------------
// 1. From the landing page to a signed-in console

step("1. a new developer follows the landing page to the console, signs up, confirms with the mailed code and is signed in", async () => {
  ({ context: consoleContext, problems: consoleProblems } = await watchedContext());
  await consoleContext.grantPermissions(["clipboard-read", "clipboard-write"], { origin: server.url });
  const p = (consolePage = await consoleContext.newPage());
  await p.goto(`${server.url}/`);
  await p.getByRole("heading", { name: "Auth Return", level: 1 }).waitFor();
  await shots(p, "landing");
  await p.getByRole("link", { name: /Developer console/ }).click();
  await p.getByRole("heading", { name: "Developer console", level: 1 }).waitFor();
  assert.equal(new URL(p.url()).pathname, "/console");
  await shots(p, "welcome");
  await p.getByRole("button", { name: "Create a developer account" }).click();
  await field(p, "Email").fill(j.developer);
  await field(p, "Password").fill(PASSWORD);
  await button(p, "Create account").click();
  await field(p, "Confirmation code").waitFor();
  assert.match(await dialog(p).textContent(), new RegExp(`Enter the code we emailed to ${j.developer}`));
  await shots(p, "confirm", { only: true });
  await field(p, "Confirmation code").fill(await codeFor(j.developer, 0, server.outbox));
  await button(p, "Confirm").click();
  await p.getByRole("heading", { name: "Your apps", level: 1 }).waitFor();
  await dialog(p).waitFor({ state: "hidden" });
  await p.getByText("No apps yet.").waitFor();
  assert.equal(await header.email(p).textContent(), j.developer, "the header names the developer");
  await shots(p, "apps-empty");
});

// ---------------------------------------------------------------------------------------------
// 2. An app, and its script tag as the console shows it

step("2. the developer creates an app allowing their site's origin and copies its <script> snippet", async () => {
  const p = consolePage;
  await p.getByRole("button", { name: "Create your first app" }).click();
  const create = p.getByRole("dialog", { name: "Create an app" });
  await create.getByLabel("Name", { exact: true }).fill(j.appName);
  await create.getByLabel("Browser origins (optional)").fill(site.origin);
  await shots(p, "create", { only: true });
  await create.getByRole("button", { name: "Create app" }).click();
  await create.getByRole("heading", { name: `Created ${j.appName}` }).waitFor();
  await shots(p, "created", { only: true });
  await create.getByRole("button", { name: "Open the app" }).click();
  await p.getByRole("heading", { name: j.appName, level: 1 }).waitFor();
  j.appId = /#\/apps\/([a-z0-9_]+)/.exec(p.url())[1];
  assert.equal(await tab(p, "Get started").getAttribute("aria-current"), "page");
  j.app = await p.evaluate(async (id) => (await window.AuthReturn.fetch(`/api/apps/${id}`)).json(), j.appId);
  assert.deepEqual(j.app.origins, [site.origin]);

  // The snippet, read from the page and from the clipboard after "Copy HTML": the same text.
  const figure = p.locator("figure", { has: p.locator("figcaption > span", { hasText: /^HTML$/ }) });
  const shown = await figure.locator("pre").textContent();
  await figure.scrollIntoViewIfNeeded();
  await shots(p, "get-started");
  await figure.getByRole("button", { name: "Copy HTML" }).click();
  await figure.getByRole("button", { name: "Copied" }).waitFor();
  const copied = await p.evaluate(() => navigator.clipboard.readText());
  assert.equal(copied, shown, "the clipboard holds what the page shows");
  assert.equal(
    copied,
    `<script src="${server.url}/auth_component.js" data-app-id="${j.appId}"></script>\n` +
      `<script src="${server.url}/auth_header_component.js"></script>\n<auth-header></auth-header>\n`,
  );
  j.snippet = copied;
});

// ---------------------------------------------------------------------------------------------
// 3. The snippet on another origin: a user signs up, confirms and signs in

step("3. on the developer's own site (another origin) the snippet signs a user up, confirms them and signs them in", async () => {
  assert.ok(j.snippet, "needs step 2");
  site.paste(j.snippet);
  const q = (sitePage = await consoleContext.newPage());
  await q.goto(`${site.origin}/`);
  await header.signIn(q).waitFor();
  await header.signIn(q).click();
  await dialog(q).getByRole("heading", { name: `Sign in to ${j.appName}` }).waitFor();
  await button(q, "Create an account").click();
  await dialog(q).getByRole("heading", { name: `Create your ${j.appName} account` }).waitFor();
  await field(q, "Email").fill(j.user);
  await field(q, "Password").fill(PASSWORD);
  await shots(q, "site-sign-up", { only: true });
  await button(q, "Create account").click();
  await field(q, "Confirmation code").fill(await codeFor(j.user, 0, server.outbox));
  await button(q, "Confirm").click();
  await dialog(q).waitFor({ state: "hidden" });
  await until(() => isSignedIn(q), { message: "signed in after confirming" });
  assert.equal(await header.email(q).textContent(), j.user);
  const claims = await q.evaluate(() => window.AuthReturn.getUser());
  assert.equal(claims.aud, j.app.client_id, "a token of the developer's app");
  j.sub = claims.sub;
  // Sign out from the header's menu, and in again through the component.
  await header.menu(q).click();
  await header.signOut(q).click();
  await header.signIn(q).waitFor();
  await signInThroughModal(q, j.user);
  assert.equal(await header.email(q).textContent(), j.user);
  await shots(q, "site-signed-in");
});

// ---------------------------------------------------------------------------------------------
// 4. The user in the console: found, disabled (refused on the site), enabled

step("4. the developer finds the user by email prefix, disables them (their sign-in is refused on the site) and enables them", async () => {
  assert.ok(j.sub, "needs step 3");
  const p = consolePage;
  const q = sitePage;
  await p.bringToFront();
  await tab(p, "Users").click();
  await p.getByRole("heading", { name: "Users", level: 2 }).waitFor();
  await p.getByLabel("Email starts with").fill(j.user.slice(0, 16));
  await p.getByRole("button", { name: "Filter" }).click();
  const row = p.getByRole("row", { name: new RegExp(escape(j.user)) });
  await row.waitFor();
  assert.equal(await p.locator("main tbody tr").count(), 1, "the prefix finds the one user");
  assert.match(await row.textContent(), /Confirmed/);
  assert.match(p.url(), /\?email=journey-user-/, "the filter is kept in the URL");
  await shots(p, "users");
  await row.getByRole("link", { name: j.user }).click();
  await p.getByRole("heading", { name: j.user, level: 2 }).waitFor();
  await p.waitForFunction(() => !/Looking/.test(document.querySelector("main").textContent));
  assert.equal(await p.locator("dl.facts code").textContent(), j.sub);
  assert.doesNotMatch(await p.locator("dl.facts").textContent(), /Never/, "the last sign-in is known");
  await shots(p, "user");

  await p.getByRole("button", { name: "Disable", exact: true }).click();
  const confirm = p.getByRole("dialog", { name: "Disable this user?" });
  await confirm.getByRole("button", { name: "Disable user" }).click();
  await toastSays(p, `Disabled ${j.user}`);
  await p.getByText("Disabled: cannot sign in").waitFor();
  await shots(p, "user-disabled", { only: true });

  // On the site: signed out, the next sign-in is refused with the component's words.
  await q.bringToFront();
  await header.menu(q).click();
  await header.signOut(q).click();
  await header.signIn(q).click();
  await field(q, "Email").fill(j.user);
  await field(q, "Password").fill(PASSWORD);
  await button(q, "Sign in").click();
  await until(async () => (await alert(q).textContent()) !== "", { message: "the refusal" });
  assert.equal(await alert(q).textContent(), "This account is disabled");
  assert.equal(await isSignedIn(q), false);
  await shots(q, "site-disabled");

  // Enabled again, the same dialog signs them in.
  await p.bringToFront();
  await p.getByRole("button", { name: "Enable", exact: true }).click();
  await toastSays(p, `Enabled ${j.user}`);
  await p.getByRole("button", { name: "Disable", exact: true }).waitFor();
  await q.bringToFront();
  await button(q, "Sign in").click();
  await dialog(q).waitFor({ state: "hidden" });
  await until(() => isSignedIn(q), { message: "signed in once enabled" });
});

// ---------------------------------------------------------------------------------------------
// 5. An API key: shown once, valid, revoked, invalid

async function verifyKey(key) {
  const response = await fetch(`${server.url}/api/keys/verify`, { method: "POST", headers: { "x-api-key": key } });
  assert.equal(response.status, 200);
  return response.json();
}

step("5. an API key made in the console is shown once and verifies; revoked in the console, it no longer does", async () => {
  assert.ok(j.appId, "needs step 2");
  const p = consolePage;
  await p.bringToFront();
  await tab(p, "API keys").click();
  await p.getByText("No API keys yet.").waitFor();
  assert.equal(await p.locator("#toast.shown").count(), 0, "the users page's toast went with it");
  await p.getByRole("button", { name: "Create API key" }).first().click();
  const create = p.getByRole("dialog", { name: "Create an API key" });
  await create.getByLabel("Name", { exact: true }).fill("journey service");
  await create.getByLabel(/Scopes/).fill("orders:read");
  await create.getByRole("button", { name: "Create key" }).click();
  await create.getByText("Copy the key now.").waitFor();
  const key = (await create.locator("pre").textContent()).trim();
  assert.match(key, /^ar_[A-Za-z0-9_-]{43}$/);
  await shots(p, "key-once", { only: true });
  await create.getByRole("button", { name: "I have copied the key" }).click();
  await create.waitFor({ state: "detached" });
  const row = p.getByRole("row", { name: /journey service/ });
  await row.waitFor();
  assert.match(await row.textContent(), /Active/);
  assert.ok((await row.textContent()).includes(key.slice(0, 10)), "the prefix is listed");
  assert.ok(!(await p.locator("main").textContent()).includes(key), "the key itself is not listed");

  const valid = await verifyKey(key);
  assert.equal(valid.valid, true);
  assert.equal(valid.app_id, j.appId);
  assert.equal(valid.user_id, null);
  assert.deepEqual(valid.scopes, ["orders:read"]);
  await shots(p, "keys");

  await row.getByRole("button", { name: "Revoke journey service" }).click();
  await p.getByRole("dialog", { name: "Revoke this key?" }).getByRole("button", { name: "Revoke key" }).click();
  await toastSays(p, "Revoked journey service.");
  await until(async () => /Revoked/.test(await p.getByRole("row", { name: /journey service/ }).textContent()), { message: "the key shown revoked" });
  assert.deepEqual(await verifyKey(key), { valid: false });
});

// ---------------------------------------------------------------------------------------------
// 6. A setting changed in the console applies

step("6. a token lifetime and password length changed in the console apply to the public config and the next sign-in", async () => {
  assert.ok(j.appId, "needs step 2");
  const p = consolePage;
  const q = sitePage;
  await p.bringToFront();
  await tab(p, "Settings").click();
  await p.getByLabel("Token lifetime (seconds)").waitFor();
  assert.equal(await p.getByLabel("Token lifetime (seconds)").inputValue(), "3600");
  await p.getByLabel("Token lifetime (seconds)").fill("900");
  await p.getByText("Now: 15 minutes.").waitFor();
  await p.getByLabel("Minimum length").fill("10");
  await p.getByRole("button", { name: "Save settings" }).click();
  await toastSays(p, "Settings saved.");
  await shots(p, "settings");
  // Saving again with nothing changed sends nothing (and logs nothing).
  await p.getByRole("button", { name: "Save settings" }).click();
  await toastSays(p, "Nothing to save: every setting is as it was.");
  const config = await (await fetch(`${server.url}/api/apps/${j.appId}/config`)).json();
  assert.equal(config.passwordPolicy.minLength, 10, JSON.stringify(config.passwordPolicy));

  // The next sign-in on the site gets a 15-minute token.
  await q.bringToFront();
  const before = decode(await q.evaluate(() => window.AuthReturn.getIdToken()));
  assert.equal(before.exp - before.iat, 3600, "the sign-in before the change");
  await header.menu(q).click();
  await header.signOut(q).click();
  await signInThroughModal(q, j.user);
  const token = decode(await q.evaluate(() => window.AuthReturn.getIdToken()));
  assert.equal(token.exp - token.iat, 900);
  // And the sign-up form tells a new user the new length (the page reads the config as it loads).
  await q.evaluate(() => window.AuthReturn.signOut());
  await q.reload();
  await header.signIn(q).click();
  await button(q, "Create an account").click();
  await until(async () => /10/.test(await dialog(q).getByRole("list", { name: "Password must have" }).textContent()), { message: "the rules say 10" });
  await q.keyboard.press("Escape");
  await dialog(q).waitFor({ state: "hidden" });
});

// ---------------------------------------------------------------------------------------------
// 7. A normal rotation of the signing key

step("7. the developer rotates the signing key and sees the new key listed next to the active one", async () => {
  assert.ok(j.appId, "needs step 2");
  const p = consolePage;
  await p.bringToFront();
  await tab(p, "Signing keys").click();
  await p.getByRole("heading", { name: "Signing keys", level: 2 }).waitFor();
  const rows = p.locator("main tbody tr");
  await rows.first().waitFor();
  const kids = async () => p.locator("main tbody tr td:first-child code").allTextContents();
  const before = await kids();
  assert.equal(before.length, 1);
  assert.match(await rows.first().textContent(), /Active/);
  await p.getByRole("button", { name: "Rotate key" }).click();
  const confirm = p.getByRole("dialog", { name: "Rotate the signing key?" });
  await shots(p, "rotate-confirm", { only: true });
  await confirm.getByRole("button", { name: "Rotate", exact: true }).click();
  await toastSays(p, "Rotated: the new key is published");
  await until(async () => (await rows.count()) === 2, { message: "two signing keys" });
  const after = await kids();
  assert.ok(after.includes(before[0]), "the active key stays");
  const added = after.find((kid) => kid !== before[0]);
  assert.match(await p.getByRole("row", { name: new RegExp(added) }).textContent(), /Next/);
  j.kid = added;
  await shots(p, "signing-keys");
});

// ---------------------------------------------------------------------------------------------
// 8. Everything in Activity, by type and by user

const WORDS = {
  sign_up: "Sign-up",
  sign_up_confirmed: "Sign-up confirmed",
  sign_in: "Sign-in",
  admin_action: "Admin action",
  api_key_created: "API key created",
  api_key_revoked: "API key revoked",
  settings_changed: "Settings changed",
  signing_key_rotated: "Signing key rotated",
};

/** The rows of the events table: {event, user, by, detail}. */
const eventRows = (p) =>
  p.locator("main tbody tr").evaluateAll((rows) =>
    rows.map((row) => {
      const cell = (label) => row.querySelector(`td[data-label="${label}"]`)?.textContent ?? "";
      return { event: cell("Event"), user: cell("User"), by: cell("By"), detail: cell("Detail") };
    }),
  );

step("8. Activity holds every one of those actions, filtered by type and by user", async () => {
  assert.ok(j.kid, "needs the steps before");
  const p = consolePage;
  await p.bringToFront();
  await tab(p, "Activity").click();
  await p.getByRole("heading", { name: "Activity", level: 2 }).waitFor();
  // Events are written off the request path: filter again until the last has landed.
  const filter = p.getByRole("button", { name: "Filter" });
  const all = await until(async () => {
    await filter.click();
    await settled(p);
    const rows = await eventRows(p);
    return Object.values(WORDS).every((w) => rows.some((r) => r.event === w)) ? rows : null;
  }, { message: "every kind of event" });
  const one = (event, detail) => all.find((r) => r.event === event && detail.test(r.detail));
  assert.ok(one("Admin action", /action: disable_user/), "disable_user");
  assert.ok(one("Admin action", /action: enable_user/), "enable_user");
  assert.ok(one("API key created", /name: journey service/));
  assert.ok(one("API key revoked", /name: journey service/));
  // The console sends only what the developer changed, so the log names just that.
  assert.deepEqual(all.filter((r) => r.event === "Settings changed").map((r) => r.detail), ["changed: token_validity_secs password_policy"]);
  const rotated = one("Signing key rotated", new RegExp(`kid: ${escape(j.kid)}`));
  assert.ok(rotated, "the rotation names the new kid");
  assert.doesNotMatch(rotated.detail, /activates_at: \d+,/, "a time in words, not epoch seconds");
  for (const r of all.filter((r) => ["Admin action", "API key created", "Settings changed", "Signing key rotated"].includes(r.event))) {
    assert.equal(r.by, "you", `${r.event} was the developer's`);
  }
  for (const r of all.filter((r) => ["Sign-up", "Sign-up confirmed"].includes(r.event))) assert.equal(r.user, j.user);
  await shots(p, "activity");

  // By type.
  await p.getByLabel("Type").selectOption("admin_action");
  await filter.click();
  await settled(p);
  const admin = await eventRows(p);
  assert.deepEqual([...new Set(admin.map((r) => r.event))], ["Admin action"]);
  assert.deepEqual(admin.map((r) => /action: (\w+)/.exec(r.detail)[1]).sort(), ["disable_user", "enable_user"]);
  assert.match(p.url(), /type=admin_action/);
  await shots(p, "activity-admin", { only: true });

  // By user, from the user's page.
  await tab(p, "Users").click();
  await p.getByRole("heading", { name: "Users", level: 2 }).waitFor();
  await p.getByRole("region", { name: "Users" }).getByRole("link", { name: j.user }).click();
  await p.getByRole("link", { name: "This user's activity" }).click();
  await p.getByRole("heading", { name: "Activity", level: 2 }).waitFor();
  assert.equal(await p.getByLabel("User id", { exact: true }).inputValue(), j.sub);
  await settled(p);
  const mine = await eventRows(p);
  assert.ok(mine.length >= 5, JSON.stringify(mine));
  assert.ok(mine.every((r) => r.user === j.user), `only the user's events: ${JSON.stringify(mine)}`);
  for (const word of ["Sign-up", "Sign-up confirmed", "Sign-in", "Admin action"]) assert.ok(mine.some((r) => r.event === word), word);
  assert.ok(!mine.some((r) => /API key|Settings|Signing key/.test(r.event)), "no app-wide event");
  await shots(p, "activity-user", { only: true });
  assert.deepEqual(consoleProblems, []);
});

step("a page still loading when the developer moves on does not replace the next one", async () => {
  assert.ok(j.appId, "needs step 2");
  const p = await consoleContext.newPage();
  await p.goto(`${server.url}/console#/`);
  await p.getByRole("heading", { name: "Your apps", level: 1 }).waitFor();
  // The app's page waits for the inbox probe, held here until the apps are drawn again.
  let release;
  const held = new Promise((resolve) => (release = resolve));
  await p.route((url) => url.pathname.endsWith("/inbox"), async (route) => {
    await held;
    await route.continue();
  });
  await p.getByRole("link", { name: j.appName, exact: true }).click();
  await p.getByText("Loading the app…").waitFor();
  await p.getByRole("link", { name: /Auth Return/ }).first().click(); // the brand: back to the apps
  await p.getByRole("heading", { name: "Your apps", level: 1 }).waitFor();
  const answered = p.waitForResponse((response) => response.url().includes("/inbox"));
  release();
  await answered;
  await p.evaluate(() => new Promise((resolve) => setTimeout(resolve, 200)));
  assert.ok(await p.getByRole("heading", { name: "Your apps", level: 1 }).isVisible(), "the apps stay");
  assert.equal(await p.getByRole("heading", { name: j.appName, level: 1 }).count(), 0, "the late app page was not drawn");
  await p.close();
});

// ---------------------------------------------------------------------------------------------
// Markup typed by people is text, everywhere

step("markup in an app's name, a user's attributes and a key's name is shown as text on every console page and runs nothing", async () => {
  assert.ok(consoleContext, "needs the developer of step 1");
  const { context, problems } = await watchedContext({ storageState: await consoleContext.storageState() });
  const p = await context.newPage();
  const clean = async (where) => {
    const found = await p.evaluate(() => ({
      images: document.querySelectorAll("img[src=x]").length,
      scripts: [...document.scripts].filter((s) => s.textContent.includes("alert")).length,
    }));
    assert.deepEqual(found, { images: 0, scripts: 0 }, where);
  };
  const shows = async (where, text) => {
    await until(async () => (await p.locator("main").textContent()).includes(text), { message: `${where} shows ${text}` });
    await clean(where);
  };
  await p.goto(`${server.url}/console#/`);
  await p.getByRole("heading", { name: "Your apps" }).waitFor();

  // Two apps, named like markup, through the console's dialog.
  const ids = [];
  for (const name of [XSS_SCRIPT, XSS_IMG]) {
    await p.goto(`${server.url}/console#/`);
    await p.getByRole("button", { name: "Create app", exact: true }).click();
    const create = p.getByRole("dialog", { name: "Create an app" });
    await create.getByLabel("Name", { exact: true }).fill(name);
    await create.getByRole("button", { name: "Create app" }).click();
    await create.getByRole("heading", { name: `Created ${name}` }).waitFor();
    await clean("the created dialog");
    await create.getByRole("button", { name: "Open the app" }).click();
    await p.getByRole("heading", { name, level: 1 }).waitFor();
    ids.push(/#\/apps\/([a-z0-9_]+)/.exec(p.url())[1]);
    await clean("the app's header");
    assert.equal(await p.getByRole("navigation", { name: "Breadcrumb" }).textContent(), `Apps / ${name}`);
  }
  const id = ids[1];
  const app = await p.evaluate(async (appId) => (await window.AuthReturn.fetch(`/api/apps/${appId}`)).json(), id);

  await p.goto(`${server.url}/console#/`);
  for (const name of [XSS_IMG, XSS_SCRIPT]) await p.getByRole("link", { name, exact: true }).waitFor();
  await clean("the apps list");
  await shots(p, "xss-apps", { only: true });

  // Users whose attributes, and even addresses (the server takes these), are markup, signed up
  // through the Cognito API as any front end would.
  const signUp = async (address, attributes = []) => {
    const response = await fetch(`${server.url}/`, {
      method: "POST",
      headers: { "content-type": "application/x-amz-json-1.1", "x-amz-target": "AWSCognitoIdentityProviderService.SignUp" },
      body: JSON.stringify({
        ClientId: app.client_id,
        Username: address,
        Password: PASSWORD,
        UserAttributes: [{ Name: "email", Value: address }, ...attributes],
      }),
    });
    assert.equal(response.status, 200, `${address}: ${await response.text()}`);
  };
  const email = `journey-xss-${randomUUID().slice(0, 8)}@example.com`;
  await signUp(email, [{ Name: "name", Value: XSS_SCRIPT }, { Name: "given_name", Value: XSS_IMG }]);
  for (const address of MARKUP_EMAILS) await signUp(address);
  await p.goto(`${server.url}/console#/apps/${id}/users`);
  for (const address of MARKUP_EMAILS) await p.getByRole("link", { name: address, exact: true }).waitFor();
  await clean("the users table");
  await shots(p, "xss-users", { only: true });
  await p.getByRole("link", { name: MARKUP_EMAILS[0], exact: true }).click();
  await p.getByRole("heading", { name: MARKUP_EMAILS[0], exact: true, level: 2 }).waitFor();
  await clean("a user's page named by markup");
  await p.getByRole("button", { name: "Disable", exact: true }).click();
  const disable = p.getByRole("dialog", { name: "Disable this user?" });
  assert.ok((await disable.textContent()).includes(MARKUP_EMAILS[0]));
  await clean("the disable dialog");
  await disable.getByRole("button", { name: "Disable user" }).click();
  await toastSays(p, `Disabled ${MARKUP_EMAILS[0]}`);
  await clean("the toast");
  await p.goto(`${server.url}/console#/apps/${id}/users`);
  await p.getByRole("region", { name: "Users" }).getByRole("link", { name: email }).click();
  await p.getByRole("heading", { name: email, level: 2 }).waitFor();
  await shows("the user's page", XSS_SCRIPT);
  await shows("the user's page", XSS_IMG);
  const values = await p.locator("main table td[data-label=Value]").allTextContents();
  assert.ok(values.includes(XSS_SCRIPT) && values.includes(XSS_IMG), JSON.stringify(values));
  await shots(p, "xss-user", { only: true });
  await p.getByRole("button", { name: "Delete user" }).click();
  await clean("the delete dialog");
  await p.keyboard.press("Escape");

  // Keys named like markup: the table, the revoke dialog, the activity detail.
  await p.goto(`${server.url}/console#/apps/${id}/keys`);
  for (const name of [XSS_IMG, XSS_SCRIPT]) {
    await p.getByRole("button", { name: "Create API key" }).first().click();
    const create = p.getByRole("dialog", { name: "Create an API key" });
    await create.getByLabel("Name", { exact: true }).fill(name);
    await create.getByRole("button", { name: "Create key" }).click();
    await create.getByText("Copy the key now.").waitFor();
    await clean("the key-once dialog");
    await create.getByRole("button", { name: "I have copied the key" }).click();
    await p.locator("main td[data-label=Name]", { hasText: name }).waitFor();
  }
  const names = await p.locator("main td[data-label=Name]").allTextContents();
  assert.deepEqual(names.sort(), [XSS_SCRIPT, XSS_IMG].sort());
  await clean("the keys table");
  await shots(p, "xss-keys", { only: true });
  await p.getByRole("button", { name: `Revoke ${XSS_IMG}` }).click();
  const revoke = p.getByRole("dialog", { name: "Revoke this key?" });
  assert.ok((await revoke.textContent()).includes(XSS_IMG));
  await clean("the revoke dialog");
  await revoke.getByRole("button", { name: "Revoke key" }).click();
  await toastSays(p, `Revoked ${XSS_IMG}.`);

  await p.goto(`${server.url}/console#/apps/${id}/activity?type=api_key_created`);
  await until(async () => {
    await p.getByRole("button", { name: "Filter" }).click();
    await settled(p);
    return (await eventRows(p)).length === 2;
  }, { message: "both keys' events" });
  const details = (await eventRows(p)).map((r) => r.detail).join(" | ");
  assert.ok(details.includes(`name: ${XSS_IMG}`) && details.includes(`name: ${XSS_SCRIPT}`), details);
  await clean("the activity");
  await shots(p, "xss-activity", { only: true });
  await p.getByLabel("Type").selectOption("");
  await p.getByRole("button", { name: "Filter" }).click();
  await settled(p);
  const users = (await eventRows(p)).map((r) => r.user);
  for (const address of MARKUP_EMAILS) assert.ok(users.includes(address), `${address} in ${JSON.stringify(users)}`);
  await clean("the activity's users");

  // The inbox (the verification mail names the app), the settings' delete dialog, the demo page.
  await p.goto(`${server.url}/console#/apps/${id}/inbox`);
  await shows("the inbox", XSS_IMG);
  for (const address of MARKUP_EMAILS) await shows("the inbox", `To ${address}`);
  await p.goto(`${server.url}/console#/apps/${id}/settings`);
  await p.getByRole("button", { name: "Delete app…" }).click();
  const del = p.getByRole("dialog", { name: "Delete this app?" });
  assert.ok((await del.textContent()).includes(XSS_IMG));
  await clean("the delete-app dialog");
  await p.keyboard.press("Escape");
  // The other markup app deleted by typing its name: back on the apps, the toast says so.
  await p.goto(`${server.url}/console#/apps/${ids[0]}/settings`);
  await p.getByRole("button", { name: "Delete app…" }).click();
  const confirm = p.getByRole("dialog", { name: "Delete this app?" });
  await confirm.getByRole("textbox").fill(XSS_SCRIPT);
  await clean("the type-to-confirm dialog");
  await confirm.getByRole("button", { name: "Delete app" }).click();
  await p.getByRole("heading", { name: "Your apps", level: 1 }).waitFor();
  await toastSays(p, `Deleted ${XSS_SCRIPT}.`);
  await p.getByRole("link", { name: XSS_IMG, exact: true }).waitFor();
  assert.equal(await p.getByRole("link", { name: XSS_SCRIPT, exact: true }).count(), 0);
  await clean("the apps after the deletion");
  await p.goto(`${server.url}/demo/${id}`);
  assert.ok((await p.getByRole("heading", { level: 1 }).textContent()).includes(XSS_IMG));
  await clean("the demo page");
  await p.waitForTimeout(200); // an onerror handler, had one been made, fires by now
  assert.deepEqual(problems, []);
  await context.close();
});

// ---------------------------------------------------------------------------------------------
// A second developer sees nothing of the first one's

step("an invited second developer sees none of the first one's apps, not even at their URLs", async () => {
  assert.ok(j.appId && j.sub, "needs the journey's app and user");
  // Sign-up is closed to a second developer by default ("invite").
  const { context, problems } = await watchedContext();
  const p = await context.newPage();
  await p.goto(`${server.url}/console`);
  await p.getByRole("button", { name: "Create a developer account" }).click();
  const intruder = `journey-second-try-${randomUUID().slice(0, 8)}@example.com`;
  await field(p, "Email").fill(intruder);
  await field(p, "Password").fill(PASSWORD);
  await button(p, "Create account").click();
  await until(async () => (await alert(p).textContent()) !== "", { message: "the refusal" });
  assert.equal(await alert(p).textContent(), "New accounts are by invitation only");
  await shots(p, "signup-refused", { only: true });
  await p.keyboard.press("Escape");

  // The operator invites them; they sign in with the mailed temporary password and choose theirs.
  const second = `journey-second-${randomUUID().slice(0, 8)}@example.com`;
  await server.cli("developers", "invite", second);
  const mail = await mailFor(second, 0, server.outbox);
  const temporary = /temporary password (\S+)/.exec(mail.text)?.[1];
  assert.ok(temporary, JSON.stringify(mail));
  await p.getByRole("button", { name: "Sign in", exact: true }).first().click();
  await field(p, "Email").fill(second);
  await field(p, "Password").fill(temporary);
  await button(p, "Sign in").click();
  await dialog(p).getByRole("heading", { name: "Choose a new password" }).waitFor();
  await field(p, "New password").fill("Second-Horse-42");
  await shots(p, "second-new-password", { only: true });
  await button(p, "Set new password").click();
  await p.getByRole("heading", { name: "Your apps", level: 1 }).waitFor();
  await p.getByText("No apps yet.").waitFor();
  assert.equal(await header.email(p).textContent(), second);
  await p.getByLabel("Search apps").fill(j.appId);
  await p.keyboard.press("Enter");
  await p.getByText(`No app matches “${j.appId}”.`).waitFor();

  // Every page of the first developer's app, by URL: "No such app." and nothing of it.
  const secrets = [j.appName, j.app.user_pool_id, j.app.client_id, j.user, j.sub];
  for (const path of ["", "/users", `/users/${j.sub}`, "/keys", "/settings", "/signing-keys", "/activity", "/inbox"]) {
    // Each URL loaded afresh, as when typed or opened from a link elsewhere.
    await p.goto("about:blank");
    await p.goto(`${server.url}/console#/apps/${j.appId}${path}`);
    await p.getByText("No such app.").waitFor();
    await settled(p);
    const text = await p.locator("main").textContent();
    for (const secret of secrets) assert.ok(!text.includes(secret), `${path || "/"} shows ${secret}`);
    assert.equal(await p.locator("main table").count(), 0, `${path}: no table`);
    assert.ok(await p.getByRole("link", { name: "Back to your apps" }).isVisible());
    if (path === "/users") await shots(p, "second-not-found");
  }
  // The API behind it says the same.
  const statuses = await p.evaluate(async ([appId, poolId]) => {
    const f = (url, init) => window.AuthReturn.fetch(url, init).then((r) => r.status);
    return {
      app: await f(`/api/apps/${appId}`),
      events: await f(`/api/apps/${appId}/events`),
      keys: await f(`/api/keys?app_id=${appId}`),
      signing: await f(`/api/apps/${appId}/signing-keys`),
      inbox: await f(`/api/apps/${appId}/inbox`),
      listUsers: await f("/", {
        method: "POST",
        headers: { "content-type": "application/x-amz-json-1.1", "x-amz-target": "AWSCognitoIdentityProviderService.ListUsers" },
        body: JSON.stringify({ UserPoolId: poolId }),
      }),
    };
  }, [j.appId, j.app.user_pool_id]);
  assert.deepEqual(statuses, { app: 404, events: 404, keys: 404, signing: 404, inbox: 404, listUsers: 400 });
  assert.deepEqual(problems, []);
  await context.close();
});

step("no journey page is wider than a 360 px phone", async () => {
  assert.deepEqual(wide, []);
  await consoleContext?.close();
});
