// The developer console for apps whose user pool lives in AWS Cognito (issue 16), in Chromium,
// against the Cognito emulator (MiniStack): a developer chooses "AWS Cognito" in the create-app
// form (the server's default, "Built in", preselected), sees where the pool lives, invites a user
// from the users page, opens them by their Username (a UUID there), adds them to a group,
// disables, enables and deletes them, each read back from the emulator with the AWS SDK; the
// signing keys page says Cognito manages the keys and offers no rotation (which the server
// refuses); settings the server refuses for such a pool are explained instead of offered, while
// a token lifetime saved from the form reaches Cognito's client; deleting the app deletes its
// pool there. On a server offering only its own pools, the form has no choice at all.
// Screenshots (light, dark, 360 px phone) go to tests/browser/screenshots/console-cognito-*.png:
// look at them; on each, every text meets WCAG AA contrast.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  AdminGetUserCommand,
  AdminListGroupsForUserCommand,
  CognitoIdentityProviderClient,
  CreateGroupCommand,
  DescribeUserPoolClientCommand,
  DescribeUserPoolCommand,
  ListUsersCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import {
  skip, serverSkip, BASE, launch, newContext, uniqueEmail, until, screenshot, lowContrast,
  signUpDeveloper, startServer,
} from "./support.mjs";

// tests/e2e/run.sh registers a Cognito app (and starts the server with the AWS flags) only when
// AUTH_RETURN_TEST_COGNITO_URL names a running emulator.
const EMULATED = Boolean(process.env.AUTH_RETURN_APP_COGNITO);
if (!EMULATED && process.env.CI) {
  throw new Error("CI must run the console's provider tests: tests/e2e/run.sh starts the server with the AWS flags when AUTH_RETURN_TEST_COGNITO_URL is set");
}
const off = skip || (!EMULATED && "no Cognito emulator (set AUTH_RETURN_TEST_COGNITO_URL, see tests/cognito/start.sh)");

let browser;
/** The developer's storage and their Cognito app, made by the first test for the others. */
let session = null;
let app = null;

before(async () => {
  if (skip && serverSkip) return;
  browser = await launch();
});

after(async () => {
  await browser?.close();
});

/** A context whose pages record console errors, page errors and JavaScript dialogs in `problems`. */
async function watchedContext(options = {}) {
  const context = await newContext(browser, options);
  const problems = [];
  context.on("page", (p) => {
    p.on("console", (message) => {
      // A refused call the page answers in words is logged by Chromium too.
      if (message.type() === "error" && !/^Failed to load resource: the server responded with a status of \d+/.test(message.text())) problems.push(message.text());
    });
    p.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
    p.on("dialog", (d) => {
      problems.push(`a JavaScript dialog opened: ${d.message()}`);
      d.dismiss().catch(() => {});
    });
  });
  return { context, problems };
}

/** `GET`, `PATCH`, `POST` on the REST API with the console's token, from the page: {status, body}. */
const restFromPage = (p, path, { method = "GET", body } = {}) =>
  p.evaluate(async ([path, method, body]) => {
    const init = { method, headers: { "content-type": "application/json" } };
    if (body !== undefined) init.body = JSON.stringify(body);
    const response = await window.AuthReturn.fetch(path, init);
    return { status: response.status, body: await response.json().catch(() => null) };
  }, [path, method, body]);

/** The AWS SDK on the app's pool in the emulator, with its root keys: what Cognito itself holds. */
const sdkFor = (app) =>
  new CognitoIdentityProviderClient({
    endpoint: app.endpoint,
    region: app.region,
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
  });

/** The user of `email` in the pool, as Cognito lists them, or null. */
async function cognitoUser(idp, app, email) {
  const { Users } = await idp.send(new ListUsersCommand({ UserPoolId: app.user_pool_id, Filter: `email = "${email}"` }));
  return Users?.[0] ?? null;
}

const toast = (p, text) => p.locator("#toast").getByText(text).waitFor();

const SECONDS = { seconds: 1, minutes: 60, hours: 3600, days: 86400 };

test("a developer creates a Cognito app in the console and manages its users there", { skip: off }, async () => {
  const { context, problems } = await watchedContext();
  const p = await context.newPage();
  await signUpDeveloper(p, { tag: "console-cognito" });

  // The form offers the server's providers, its default (built in) chosen.
  await p.getByRole("button", { name: "Create app", exact: true }).click();
  const create = p.getByRole("dialog", { name: "Create an app" });
  const choice = create.getByRole("group", { name: "Where the user pool lives" });
  assert.equal(await choice.getByRole("radio").count(), 2);
  assert.ok(await choice.getByRole("radio", { name: "Built in" }).isChecked(), "the server's default is chosen");
  assert.equal(await choice.getByRole("radio", { name: "AWS Cognito" }).isChecked(), false);
  await create.getByLabel("Name", { exact: true }).fill("Cognito console app");
  await choice.getByRole("radio", { name: "AWS Cognito" }).check();
  await screenshot(p, "console-cognito-create");
  assert.deepEqual(await lowContrast(p), []);
  await create.getByRole("button", { name: "Create app" }).click();
  await create.getByRole("heading", { name: /^Created/ }).waitFor();
  assert.match(await create.textContent(), /Its user pool was made in AWS Cognito, region us-east-1\./);
  await create.getByRole("button", { name: /open the app/i }).click();
  await until(() => /#\/apps\/app_/.test(p.url()), { message: "the app's page" });
  const id = /#\/apps\/([a-z0-9_]+)/.exec(p.url())[1];

  // The server made the pool in Cognito: the view says so, and the emulator has it.
  const { status, body } = await restFromPage(p, `/api/apps/${id}`);
  assert.equal(status, 200);
  app = body;
  assert.equal(app.provider, "cognito");
  const idp = sdkFor(app);
  const { UserPool: pool } = await idp.send(new DescribeUserPoolCommand({ UserPoolId: app.user_pool_id }));
  assert.equal(pool.Id, app.user_pool_id);

  // The page says where the pool lives, and its Get started values are Cognito's.
  const note = p.locator(".provider-note").first();
  await note.waitFor();
  const noteText = await note.textContent();
  assert.match(noteText, /lives in AWS Cognito/);
  assert.ok(noteText.includes(app.region) && noteText.includes(app.user_pool_id), noteText);
  assert.ok(noteText.includes(app.endpoint), "an emulator has no AWS console: its endpoint is named");
  const endpointLine = p.locator(".field-line").filter({ hasText: "AWS Cognito endpoint" });
  assert.equal(await endpointLine.locator("code").textContent(), app.endpoint.replace(/\/+$/, ""));
  // The components still come from this server, which gives them the pool's config.
  await p.getByText(`<script src="${BASE}/auth_component.js" data-app-id="${id}"></script>`).first().waitFor();
  assert.equal(await p.getByRole("link", { name: "Inbox" }).count(), 0, "Cognito sends the pool's mail: no inbox");
  await screenshot(p, "console-cognito-app");
  assert.deepEqual(await lowContrast(p), []);

  // A user invited from the users page is made in Cognito and listed.
  const email = uniqueEmail("cognito-invitee");
  await p.getByRole("link", { name: "Users", exact: true }).click();
  await p.getByText("No users yet.").waitFor();
  await p.getByRole("button", { name: "Invite a user" }).first().click();
  const invite = p.getByRole("dialog", { name: "Invite a user" });
  await invite.getByLabel("Email", { exact: true }).fill(email);
  await invite.getByRole("button", { name: "Invite" }).click();
  await toast(p, `Invited ${email}`);
  const made = await until(() => cognitoUser(idp, app, email), { message: "the user in Cognito" });
  assert.equal(made.UserStatus, "FORCE_CHANGE_PASSWORD");
  assert.notEqual(made.Username, email, "a pool with email sign-in names its users by a UUID");
  const link = p.getByRole("link", { name: email, exact: true });
  await link.waitFor();
  assert.ok((await link.getAttribute("href")).endsWith(`/users/${made.Username}`), "the user's page is by their Username");
  const row = p.locator("tbody tr").filter({ has: link });
  assert.match(await row.textContent(), /Must choose a password/);
  await screenshot(p, "console-cognito-users");

  // Their page, by the UUID: disable and enable them, as Cognito then holds it.
  await link.click();
  await p.getByRole("heading", { name: email, level: 2 }).waitFor();
  assert.match(await p.locator(".facts").textContent(), /Not seen here: they sign in at AWS Cognito/);
  assert.equal(await p.getByRole("region", { name: "Passkeys" }).count(), 0, "no passkeys of a Cognito user are kept here");
  // A group made in Cognito itself is offered, and adding them to it is done there.
  await idp.send(new CreateGroupCommand({ UserPoolId: app.user_pool_id, GroupName: "editors" }));
  await p.reload();
  const groups = p.getByRole("region", { name: "Groups" });
  await groups.getByRole("button", { name: "Add to group" }).click();
  await toast(p, `Added ${email} to editors.`);
  await groups.getByRole("link", { name: "editors" }).waitFor();
  const { Groups: joined } = await idp.send(new AdminListGroupsForUserCommand({ UserPoolId: app.user_pool_id, Username: made.Username }));
  assert.deepEqual(joined.map((g) => g.GroupName), ["editors"]);
  await screenshot(p, "console-cognito-user");
  assert.deepEqual(await lowContrast(p), []);
  const enabled = async () => (await idp.send(new AdminGetUserCommand({ UserPoolId: app.user_pool_id, Username: made.Username }))).Enabled;
  await p.getByRole("button", { name: "Disable", exact: true }).click();
  await p.getByRole("dialog", { name: "Disable this user?" }).getByRole("button", { name: "Disable user" }).click();
  await toast(p, `Disabled ${email}`);
  await p.getByText("Disabled: cannot sign in").waitFor();
  assert.equal(await enabled(), false);
  await p.getByRole("button", { name: "Enable", exact: true }).click();
  await toast(p, `Enabled ${email}`);
  await p.getByRole("button", { name: "Disable", exact: true }).waitFor();
  assert.equal(await enabled(), true);

  // Deleted, confirmed by typing their email: gone from Cognito, and from the list.
  await p.getByRole("button", { name: "Delete user" }).click();
  const confirm = p.getByRole("dialog", { name: "Delete this user?" });
  assert.match(await confirm.textContent(), /deleted from the pool in AWS Cognito/);
  await confirm.getByRole("textbox").fill(email);
  await confirm.getByRole("button", { name: "Delete user" }).click();
  await toast(p, `Deleted ${email}.`);
  await p.getByRole("heading", { name: "Users", level: 2 }).waitFor();
  await p.getByText("No users yet.").waitFor();
  assert.equal(await cognitoUser(idp, app, email), null);

  // Signing keys: Cognito's, named with its JWKS, and no rotation offered (the server refuses it).
  await p.getByRole("link", { name: "Signing keys" }).click();
  const keys = p.getByRole("region", { name: "AWS Cognito manages this app's signing keys" });
  await keys.waitFor();
  assert.match(await keys.textContent(), /does not rotate them on request/);
  assert.equal(await p.getByRole("button", { name: /Rotate|rotation/ }).count(), 0);
  assert.equal(await p.locator(".field-line").filter({ hasText: "JWKS" }).locator("code").textContent(), app.jwks_uri);
  await screenshot(p, "console-cognito-signing-keys");
  assert.deepEqual(await lowContrast(p), []);
  const rotate = await restFromPage(p, `/api/apps/${id}/signing-keys/rotate`, { method: "POST", body: {} });
  assert.deepEqual([rotate.status, rotate.body.error], [409, "external_pool"]);

  // Settings: what the server refuses for the pool is explained, not offered …
  await p.getByRole("link", { name: "Settings" }).click();
  await p.getByRole("button", { name: "Save settings" }).waitFor();
  const hosted = p.locator('[data-not-here="oauth"]');
  assert.match(await hosted.textContent(), /hosted sign-in pages and OAuth endpoints serve only the pools it keeps/);
  for (const label of ["Callback URLs", "Offer codes by email", "Let users sign in with passkeys"]) {
    assert.equal(await p.getByLabel(label, { exact: true }).count(), 0, `${label} is not offered`);
  }
  // Users' own API keys are Auth Return's alone: offered for this pool too.
  assert.equal(await p.getByLabel("Let users create their own API keys", { exact: true }).count(), 1);
  const refused = await restFromPage(p, `/api/apps/${id}`, { method: "PATCH", body: { oauth: { callback_urls: ["https://app.example.com/cb"] } } });
  assert.deepEqual([refused.status, refused.body.error], [409, "external_pool"], "the server refuses what the page does not offer");
  await hosted.scrollIntoViewIfNeeded();
  await screenshot(p, "console-cognito-settings");
  assert.deepEqual(await lowContrast(p), []);
  // … and what it takes is saved from the same form: a token lifetime into Cognito's client,
  // users' own keys here.
  await p.getByLabel("Token lifetime (seconds)").fill("900");
  await p.getByLabel("Let users create their own API keys", { exact: true }).check();
  await p.getByRole("button", { name: "Save settings" }).click();
  await toast(p, "Settings saved.");
  const saved = await restFromPage(p, `/api/apps/${id}`);
  assert.deepEqual([saved.body.token_validity_secs, saved.body.user_api_keys.enabled], [900, true]);
  const { UserPoolClient: client } = await idp.send(new DescribeUserPoolClientCommand({ UserPoolId: app.user_pool_id, ClientId: app.client_id }));
  assert.equal(client.AccessTokenValidity * SECONDS[client.TokenValidityUnits?.AccessToken ?? "hours"], 900);

  // Activity: said to hold only what went through Auth Return; the settings change is there.
  await p.getByRole("link", { name: "Activity" }).click();
  const activityNote = p.locator(".tab-content .provider-note");
  await activityNote.waitFor();
  assert.match(await activityNote.textContent(), /sign in .* inside AWS Cognito, which Auth Return does not see/);
  await p.locator("tbody").getByText("Settings changed").first().waitFor();
  await screenshot(p, "console-cognito-activity");
  assert.deepEqual(await lowContrast(p), []);

  // The list of apps marks it.
  await p.goto(`${BASE}/console#/`);
  const appRow = p.locator("tbody tr").filter({ has: p.getByRole("link", { name: "Cognito console app" }) });
  assert.match(await appRow.textContent(), /AWS Cognito/);
  session = await context.storageState();
  assert.deepEqual(problems, []);
  await context.close();
});

const VIEWS = [
  ["dark", { viewport: { width: 1280, height: 900 }, colorScheme: "dark" }],
  ["phone", { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true, colorScheme: "light" }],
];

test("screenshots of the Cognito app's pages, dark and at 360 px, readable and no wider than the phone", { skip: off }, async () => {
  assert.ok(session && app, "needs the developer and the app of the first test");
  const pages = [
    ["start", `#/apps/${app.app_id}`, "Your app's values"],
    ["users", `#/apps/${app.app_id}/users`, "Users"],
    ["settings", `#/apps/${app.app_id}/settings`, "Hosted sign-in"],
    ["signing-keys", `#/apps/${app.app_id}/signing-keys`, "AWS Cognito manages this app's signing keys"],
    ["activity", `#/apps/${app.app_id}/activity`, "Activity"],
  ];
  const wide = [];
  const faint = [];
  for (const [view, options] of VIEWS) {
    const { context, problems } = await watchedContext({ ...options, storageState: session });
    const p = await context.newPage();
    for (const [name, hash, marker] of pages) {
      await p.goto(`${BASE}/console${hash}`);
      await p.getByText(marker, { exact: true }).first().waitFor();
      await p.waitForFunction(() => !document.querySelector("main .loading"));
      await screenshot(p, `console-cognito-${name}-${view}`);
      for (const low of await lowContrast(p)) faint.push(`${view} ${name}: ${low}`);
      const width = await p.evaluate(() => document.documentElement.scrollWidth);
      if (view === "phone" && width > 360) wide.push(`${name}: ${width}px`);
    }
    await p.goto(`${BASE}/console#/`);
    await p.getByRole("button", { name: "Create app", exact: true }).click();
    await p.getByRole("radio", { name: "AWS Cognito" }).waitFor();
    await screenshot(p, `console-cognito-create-${view}`);
    for (const low of await lowContrast(p)) faint.push(`${view} create: ${low}`);
    await p.keyboard.press("Escape");
    assert.deepEqual(problems, [], view);
    await context.close();
  }
  assert.deepEqual(wide, [], "pages wider than 360 px");
  assert.deepEqual(faint, [], "text under WCAG AA contrast");
});

test("deleting a Cognito app in the console deletes its pool in Cognito", { skip: off }, async () => {
  assert.ok(session && app, "needs the developer and the app of the first test");
  const { context, problems } = await watchedContext({ storageState: session });
  const p = await context.newPage();
  await p.goto(`${BASE}/console#/apps/${app.app_id}/settings`);
  assert.match(await p.locator(".danger-zone").textContent(), /deletes its user pool in AWS Cognito too/);
  await p.getByRole("button", { name: "Delete app…" }).click();
  const remove = p.getByRole("dialog", { name: "Delete this app?" });
  await remove.getByRole("textbox").fill("Cognito console app");
  await remove.getByRole("button", { name: "Delete app" }).click();
  await toast(p, "Deleted Cognito console app.");
  await p.getByRole("heading", { name: "Your apps", level: 1 }).waitFor();
  await assert.rejects(sdkFor(app).send(new DescribeUserPoolCommand({ UserPoolId: app.user_pool_id })), { name: "ResourceNotFoundException" });
  assert.deepEqual(problems, []);
  await context.close();
});

test("a server offering only its own pools shows no choice of provider", { skip: serverSkip }, async () => {
  const server = await startServer();
  const { context, problems } = await watchedContext();
  try {
    const p = await context.newPage();
    await signUpDeveloper(p, { base: server.url, outbox: server.outbox, tag: "console-builtin-only" });
    await p.getByRole("button", { name: "Create app", exact: true }).click();
    const create = p.getByRole("dialog", { name: "Create an app" });
    await create.getByLabel("Name", { exact: true }).fill("Built-in only");
    assert.equal(await create.getByRole("radio").count(), 0);
    assert.equal(await create.getByText("Where the user pool lives").count(), 0);
    await create.getByRole("button", { name: "Create app" }).click();
    await create.getByRole("heading", { name: /^Created/ }).waitFor();
    await create.getByRole("button", { name: /open the app/i }).click();
    await until(() => /#\/apps\/app_/.test(p.url()), { message: "the app's page" });
    const id = /#\/apps\/([a-z0-9_]+)/.exec(p.url())[1];
    const { body: app } = await restFromPage(p, `/api/apps/${id}`);
    assert.equal(app.provider, "builtin");
    assert.equal(await p.locator(".provider-note").count(), 0);
    assert.deepEqual(problems, []);
  } catch (error) {
    server.fail();
    throw error;
  } finally {
    await context.close();
    await server.stop();
  }
});
