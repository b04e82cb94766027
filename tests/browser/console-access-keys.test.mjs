// The console's Access keys page (issue 17) in Chromium: a developer reaches it from the top bar,
// creates a key for all their apps and, by keyboard alone, a read-only key limited to one app;
// each secret is shown once (copied by its button, in ready-to-paste code) and is gone after the
// dialog closes and the page reloads. The keys then sign real requests from this Node process
// (SigV4 by node:crypto, checked against botocore's signature; no AWS SDK in these tests'
// packages): ListUsers and AdminCreateUser within each key's limits, AccessDeniedException
// outside them. A key is revoked after a confirmation and listed as revoked, its signature
// refused; the limit of 10 keys, a bad name and a deleted app are said in words in the form.
// Screenshots: tests/browser/screenshots/console-access-keys-*.png (look at them); every text
// meets WCAG AA contrast, nothing is wider than a 360 px phone.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { skip, BASE, PASSWORD, launch, newContext, codeFor, uniqueEmail, until, screenshot, field, button, lowContrast, sigV4Headers, signedCognito } from "./support.mjs";

let browser;
/** The developer's storage (signed in), their apps and keys: what the first test made. */
let session = null;
const made = { apps: {}, full: null, limited: null, user: null };

before(async () => {
  if (skip) return;
  browser = await launch();
});

after(async () => {
  await browser?.close();
});

/** A context whose pages record console errors and page errors in `problems`. */
async function watchedContext(options = {}) {
  const context = await newContext(browser, options);
  await context.grantPermissions(["clipboard-read", "clipboard-write"], { origin: BASE });
  const problems = [];
  context.on("page", (p) => {
    p.on("console", (message) => {
      // A refused call the page answers in words (409, 400, 404) is logged by Chromium too.
      if (message.type() === "error" && !/^Failed to load resource: the server responded with a status of \d+/.test(message.text())) problems.push(message.text());
    });
    p.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  });
  return { context, problems };
}

/** A REST call with the page's console token; answers {status, body}. */
const api = (p, path, method = "GET", body) =>
  p.evaluate(
    async ([path, method, body]) => {
      const init = { method, headers: { "content-type": "application/json" } };
      if (body !== undefined) init.body = JSON.stringify(body);
      const response = await window.AuthReturn.fetch(path, init);
      return { status: response.status, body: await response.json().catch(() => null) };
    },
    [path, method, body],
  );

const listed = async (p) => (await api(p, "/api/access-keys")).body.access_keys;
const focused = (p) => p.evaluate(() => ({ text: document.activeElement?.textContent?.trim(), label: document.activeElement?.getAttribute("aria-label"), tag: document.activeElement?.localName, inDialog: document.activeElement?.closest("dialog") !== null }));

/** Presses Tab until `matches(focused)` (at most 15 times); fails otherwise. */
async function tabTo(p, matches, what) {
  for (let i = 0; i < 15; i++) {
    if (matches(await focused(p))) return;
    await p.keyboard.press("Tab");
  }
  assert.fail(`Tab never reached ${what} (at ${JSON.stringify(await focused(p))})`);
}

const row = (p, id) => p.locator("main tbody tr", { hasText: id });
const cell = (p, id, column) => row(p, id).locator(`td[data-label="${column}"]`);
const createDialog = (p) => p.getByRole("dialog", { name: "Create an access key" });
const siteNav = (p) => p.getByRole("navigation", { name: "Site" });

/** The id and secret the open dialog shows, and its two snippets. */
async function shownKey(dialog) {
  const value = (label) => dialog.locator(".field-line", { hasText: label }).locator("code").textContent();
  const code = (title) => dialog.locator("figure", { hasText: title }).locator("pre").textContent();
  return {
    access_key_id: await value("Access key id"),
    secret_access_key: await value("Secret access key"),
    boto3: await code("boto3"),
    cli: await code("AWS CLI"),
  };
}

test("the tests' SigV4 signer signs as botocore does", () => {
  // botocore 1.43's signature of a ListUserPools call (crates/crypto/tests/sigv4.rs has it too).
  const headers = sigV4Headers({
    host: "cognito-idp.us-east-1.amazonaws.com",
    target: "ListUserPools",
    body: '{"MaxResults": 10}',
    accessKeyId: "AKIDEXAMPLE",
    secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
    date: new Date("2026-12-03T21:42:05Z"),
  });
  assert.equal(
    headers.authorization,
    "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20261203/us-east-1/cognito-idp/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=bdf6fc8a6daafd9d967abe0fca9805fd2ad7d3eb636e87349217c40258a4301b",
  );
});

test("a developer creates a key for all apps and, by keyboard, a read-only key of one app; each secret is shown once", { skip }, async () => {
  const { context, problems } = await watchedContext();
  const p = await context.newPage();
  // Signed out, the top bar has only the guide.
  await p.goto(`${BASE}/console`);
  await p.getByRole("heading", { name: "Developer console" }).waitFor();
  assert.deepEqual(await siteNav(p).getByRole("link").allTextContents(), ["Guide"]);
  const email = uniqueEmail("access-keys");
  await p.getByRole("button", { name: "Create a developer account" }).click();
  await field(p, "Email").fill(email);
  await field(p, "Password").fill(PASSWORD);
  await button(p, "Create account").click();
  await field(p, "Confirmation code").fill(await codeFor(email));
  await button(p, "Confirm").click();
  await p.getByRole("heading", { name: "Your apps", level: 1 }).waitFor();
  for (const name of ["Orders", "Billing"]) {
    const { status, body } = await api(p, "/api/apps", "POST", { name });
    assert.equal(status, 201, JSON.stringify(body));
    made.apps[name] = body;
  }

  // From the top bar to the page, which says there is no key yet.
  assert.equal(await siteNav(p).getByRole("link", { name: "Apps" }).getAttribute("aria-current"), "page");
  await siteNav(p).getByRole("link", { name: "Access keys" }).click();
  await p.getByRole("heading", { name: "Access keys", level: 1 }).waitFor();
  assert.match(p.url(), /\/console#\/access-keys$/);
  assert.equal(await siteNav(p).getByRole("link", { name: "Access keys" }).getAttribute("aria-current"), "page");
  assert.equal(await siteNav(p).getByRole("link", { name: "Apps" }).getAttribute("aria-current"), null);
  await p.getByText("No access keys yet.").waitFor();

  // A key for all apps, read and write. The name field has the focus; an empty name is refused.
  await p.getByRole("button", { name: "Create access key", exact: true }).click();
  const dialog = createDialog(p);
  await dialog.waitFor();
  assert.equal(await p.evaluate(() => document.activeElement?.getAttribute("data-field")), "name", "the name field has the focus");
  assert.deepEqual(await dialog.getByLabel("App", { exact: true }).locator("option").allTextContents(), ["All your apps", "Billing", "Orders"]);
  await dialog.getByRole("button", { name: "Create access key" }).click();
  assert.equal(await p.locator('[data-error-for="name"]').textContent(), "Give the key a name: what it is for.");
  assert.equal(await dialog.getByLabel("Name", { exact: true }).getAttribute("aria-invalid"), "true");
  assert.deepEqual(await listed(p), [], "nothing created");
  await dialog.getByLabel("Name", { exact: true }).fill("deploy");
  await dialog.getByRole("button", { name: "Create access key" }).click();
  await dialog.getByRole("heading", { name: "Created deploy" }).waitFor();
  assert.equal(await focused(p).then((f) => f.tag), "h3", "the result's heading has the focus");
  assert.match(await dialog.getByRole("alert").first().textContent(), /You won't see this secret again\./);
  const full = await shownKey(dialog);
  assert.match(full.access_key_id, /^AKAR[A-Z0-9]{16}$/);
  assert.match(full.secret_access_key, /^[A-Za-z0-9]{40}$/);
  assert.match(await dialog.textContent(), /Read & write on all your apps\./);
  // The copy buttons copy exactly the id and the secret.
  await dialog.getByRole("button", { name: "Copy the access key id" }).click();
  assert.equal(await p.evaluate(() => navigator.clipboard.readText()), full.access_key_id);
  await dialog.getByRole("button", { name: "Copy the secret access key" }).click();
  assert.equal(await p.evaluate(() => navigator.clipboard.readText()), full.secret_access_key);
  // The snippets: boto3 and the AWS CLI with this server, this key, a region, and a pool of the developer's.
  assert.ok(full.boto3.includes(`boto3.client("cognito-idp", endpoint_url="${BASE}",`), full.boto3);
  assert.ok(full.boto3.includes('region_name="us-east-1"'), full.boto3);
  assert.ok(full.boto3.includes(`aws_access_key_id="${full.access_key_id}"`), full.boto3);
  assert.ok(full.boto3.includes(`aws_secret_access_key="${full.secret_access_key}")`), full.boto3);
  assert.ok(full.boto3.includes(`idp.list_users(UserPoolId="${made.apps.Billing.user_pool_id}")`), full.boto3);
  assert.ok(full.cli.includes(`aws configure set aws_access_key_id ${full.access_key_id} --profile auth-return`), full.cli);
  assert.ok(full.cli.includes(`aws configure set aws_secret_access_key ${full.secret_access_key} --profile auth-return`), full.cli);
  assert.ok(full.cli.includes(`--endpoint-url ${BASE}`), full.cli);
  await screenshot(p, "console-access-keys-secret");
  assert.deepEqual(await lowContrast(p), [], "the secret dialog's text at WCAG AA");
  // The listing never carries it.
  assert.equal(JSON.stringify(await listed(p)).includes(full.secret_access_key), false);
  assert.equal((await listed(p))[0].secret_access_key, undefined);

  // Closed, the secret is nowhere on the page, in the page's storage, nor after a reload.
  await dialog.getByRole("button", { name: "I have copied the secret" }).click();
  await dialog.waitFor({ state: "detached" });
  await row(p, full.access_key_id).waitFor();
  const nowhere = async () => {
    const html = await p.content();
    const storage = await p.evaluate(() => JSON.stringify([{ ...localStorage }, { ...sessionStorage }]));
    return !html.includes(full.secret_access_key) && !storage.includes(full.secret_access_key);
  };
  assert.ok(await nowhere(), "the secret is gone with the dialog");
  await p.reload();
  await row(p, full.access_key_id).waitFor();
  assert.ok(await nowhere(), "the secret is not shown again after a reload");

  // A read-only key of Orders, by keyboard alone: from the page's heading to the result.
  await until(async () => (await focused(p)).tag === "h1", { message: "the heading's focus" });
  await p.keyboard.press("Tab");
  assert.equal((await focused(p)).text, "Create access key");
  await p.keyboard.press("Enter");
  await dialog.waitFor();
  await until(async () => (await focused(p)).inDialog, { message: "the focus in the dialog" });
  await p.keyboard.type("ci read-only");
  await p.keyboard.press("Tab");
  await p.keyboard.press("ArrowDown");
  await p.keyboard.press("ArrowDown");
  assert.equal(await dialog.getByLabel("App", { exact: true }).inputValue(), made.apps.Orders.app_id);
  await p.keyboard.press("Tab");
  await p.keyboard.press("Space");
  assert.equal(await dialog.getByRole("checkbox", { name: /^Read-only/ }).isChecked(), true);
  await tabTo(p, (f) => f.text === "Create access key" && f.inDialog, "the dialog's Create button");
  await p.keyboard.press("Enter");
  await dialog.getByRole("heading", { name: "Created ci read-only" }).waitFor();
  const limited = await shownKey(dialog);
  assert.match(await dialog.textContent(), /Read-only on Orders\./);
  assert.ok(limited.boto3.includes(`UserPoolId="${made.apps.Orders.user_pool_id}"`), limited.boto3);
  await tabTo(p, (f) => f.label === "Copy the secret access key", "the secret's copy button");
  await p.keyboard.press("Enter");
  assert.equal(await p.evaluate(() => navigator.clipboard.readText()), limited.secret_access_key);
  await tabTo(p, (f) => f.text === "I have copied the secret", "the closing button");
  await p.keyboard.press("Enter");
  await dialog.waitFor({ state: "detached" });
  assert.deepEqual(await focused(p).then((f) => [f.text, f.inDialog]), ["Create access key", false], "the focus is back on the opener");

  // Listed newest first, each with its scope, access and state; nothing secret.
  await row(p, limited.access_key_id).waitFor();
  assert.equal(await p.locator("main tbody tr").count(), 2);
  assert.equal(await p.locator("main tbody tr").first().locator("code").textContent(), limited.access_key_id);
  assert.equal(await cell(p, limited.access_key_id, "Name").textContent(), "ci read-only");
  assert.equal(await cell(p, limited.access_key_id, "Scope").innerText(), "Orders\nRead-only");
  assert.equal(await cell(p, limited.access_key_id, "Scope").getByRole("link", { name: "Orders" }).getAttribute("href"), `#/apps/${made.apps.Orders.app_id}`);
  assert.equal(await cell(p, limited.access_key_id, "State").textContent(), "Active");
  assert.equal(await cell(p, limited.access_key_id, "Last used").textContent(), "never");
  assert.equal(await cell(p, full.access_key_id, "Scope").innerText(), "All your apps\nRead & write");
  assert.ok(!(await p.content()).includes(limited.secret_access_key));
  assert.match(await p.locator("main").textContent(), /2 of at most 10 keys active\./);
  const stored = await listed(p);
  assert.deepEqual(stored.map((k) => [k.name, k.app_id, k.read_only]), [["deploy", null, false], ["ci read-only", made.apps.Orders.app_id, true]]);

  // The keys work, from this process, each within its limits.
  const orders = made.apps.Orders.user_pool_id;
  const billing = made.apps.Billing.user_pool_id;
  const user = uniqueEmail("signed");
  const created = await signedCognito("AdminCreateUser", { UserPoolId: orders, Username: user, MessageAction: "SUPPRESS", UserAttributes: [{ Name: "email", Value: user }] }, full);
  assert.equal(created.status, 200, JSON.stringify(created));
  assert.equal((await signedCognito("ListUsers", { UserPoolId: billing }, full)).status, 200, "the full key acts on every app");
  const seen = await signedCognito("ListUsers", { UserPoolId: orders }, limited);
  assert.equal(seen.status, 200, JSON.stringify(seen));
  assert.deepEqual(seen.body.Users.map((u) => u.Attributes.find((a) => a.Name === "email")?.Value), [user]);
  const write = await signedCognito("AdminCreateUser", { UserPoolId: orders, Username: uniqueEmail("refused"), MessageAction: "SUPPRESS" }, limited);
  assert.equal(write.type, "AccessDeniedException", JSON.stringify(write));
  assert.match(write.body.message, /may only read/);
  const other = await signedCognito("ListUsers", { UserPoolId: billing }, limited);
  assert.equal(other.type, "AccessDeniedException", JSON.stringify(other));
  const forged = await signedCognito("ListUsers", { UserPoolId: orders }, { ...full, secret_access_key: "x".repeat(40) });
  assert.equal(forged.type, "InvalidSignatureException", JSON.stringify(forged));
  // The page shows the use.
  await p.reload();
  await row(p, full.access_key_id).waitFor();
  assert.notEqual(await cell(p, full.access_key_id, "Last used").textContent(), "never");
  assert.equal(await cell(p, full.access_key_id, "Last used").locator("time").count(), 1);

  Object.assign(made, { full, limited, user });
  session = await context.storageState();
  assert.deepEqual(problems, []);
  await context.close();
});

test("a key is revoked by keyboard after a confirmation; it is listed as revoked and its signature refused", { skip }, async () => {
  assert.ok(session, "needs the developer of the first test");
  const { context, problems } = await watchedContext({ storageState: session });
  const p = await context.newPage();
  await p.goto(`${BASE}/console#/access-keys`);
  const { full } = made;
  const revoke = p.getByRole("button", { name: `Revoke deploy (${full.access_key_id})` });
  await revoke.waitFor();
  // Escape keeps the key and gives the focus back.
  await revoke.focus();
  await p.keyboard.press("Enter");
  const confirm = p.getByRole("dialog", { name: "Revoke this access key?" });
  await confirm.waitFor();
  assert.match(await confirm.textContent(), new RegExp(`deploy \\(${full.access_key_id}\\) are refused from now on`));
  assert.ok((await focused(p)).inDialog, "the focus is in the dialog");
  await p.keyboard.press("Escape");
  await confirm.waitFor({ state: "detached" });
  assert.equal((await focused(p)).label, `Revoke deploy (${full.access_key_id})`);
  assert.equal((await listed(p)).find((k) => k.access_key_id === full.access_key_id).revoked, false);
  assert.equal((await signedCognito("ListUsers", { UserPoolId: made.apps.Orders.user_pool_id }, full)).status, 200);
  // Confirmed by Tab and Enter.
  await p.keyboard.press("Enter");
  await confirm.waitFor();
  await tabTo(p, (f) => f.text === "Revoke key" && f.inDialog, "the confirming button");
  await p.keyboard.press("Enter");
  await p.locator("#toast").getByText("Revoked deploy.").waitFor();
  await until(async () => (await cell(p, full.access_key_id, "State").textContent()).startsWith("Revoked"), { message: "the row revoked" });
  assert.equal(await cell(p, full.access_key_id, "State").locator("time").count(), 1, "with its time");
  assert.equal(await revoke.count(), 0, "no revoke button on a revoked key");
  assert.equal(await cell(p, made.limited.access_key_id, "State").textContent(), "Active");
  assert.equal((await focused(p)).label, "Your access keys", "the focus goes to the list, not the page's top");
  assert.match(await p.locator("main").textContent(), /1 of at most 10 keys active\./);
  const key = (await listed(p)).find((k) => k.access_key_id === full.access_key_id);
  assert.equal(key.revoked, true);
  const refused = await signedCognito("ListUsers", { UserPoolId: made.apps.Orders.user_pool_id }, full);
  assert.equal(refused.type, "UnrecognizedClientException", JSON.stringify(refused));
  // Still listed as revoked after a reload.
  await p.reload();
  await row(p, full.access_key_id).waitFor();
  assert.match(await cell(p, full.access_key_id, "State").textContent(), /^Revoked/);
  assert.deepEqual(problems, []);
  await context.close();
});

test("the limit of 10 keys, a bad name and a deleted app are said in words in the form; nothing is created", { skip }, async () => {
  assert.ok(session, "needs the developer of the first test");
  const { context, problems } = await watchedContext({ storageState: session });
  const p = await context.newPage();
  await p.goto(`${BASE}/console#/access-keys`);
  await p.getByRole("heading", { name: "Access keys", level: 1 }).waitFor();
  // Up to 10 live keys through the REST API (one is live already).
  for (let i = 1; i <= 9; i++) {
    const { status } = await api(p, "/api/access-keys", "POST", { name: `batch ${i}` });
    assert.equal(status, 201);
  }
  await p.reload();
  await p.getByText("10 of at most 10 keys active.").waitFor();
  const count = (await listed(p)).length;

  await p.getByRole("button", { name: "Create access key", exact: true }).click();
  const dialog = createDialog(p);
  const alertBox = dialog.locator(".form-alert");
  await dialog.getByLabel("Name", { exact: true }).fill("one too many");
  await dialog.getByRole("button", { name: "Create access key" }).click();
  await until(async () => (await alertBox.textContent()) !== "", { message: "the form's alert" });
  const words = await alertBox.textContent();
  assert.equal(words, "You already have 10 active access keys, the most a developer may hold. Revoke one you no longer use, then create this one.");
  assert.doesNotMatch(words, /limit_exceeded|409|[{}]/);
  assert.equal(await alertBox.getAttribute("role"), "alert");
  assert.equal(await dialog.getByRole("button", { name: "Create access key" }).isEnabled(), true);
  assert.ok((await focused(p)).inDialog, "the focus stays in the dialog");
  await screenshot(p, "console-access-keys-limit");

  // A name the server refuses (over 100 characters, from a form without its maxlength): beside the name.
  await dialog.getByLabel("Name", { exact: true }).evaluate((input) => input.removeAttribute("maxlength"));
  await dialog.getByLabel("Name", { exact: true }).fill("n".repeat(101));
  await dialog.getByRole("button", { name: "Create access key" }).click();
  const nameError = p.locator('[data-error-for="name"]');
  await until(async () => (await nameError.textContent()) !== "", { message: "the name's error" });
  assert.equal(await nameError.textContent(), "Use 1 to 100 characters.");
  assert.equal(await alertBox.textContent(), "Nothing was created: the name must be 1 to 100 characters.");
  assert.equal(await dialog.getByLabel("Name", { exact: true }).getAttribute("aria-invalid"), "true");
  assert.equal(await p.evaluate(() => document.activeElement?.getAttribute("data-field")), "name", "the focus on the name");

  // An app deleted while the form was open: beside the app.
  await dialog.getByLabel("Name", { exact: true }).fill("billing import");
  await dialog.getByLabel("App", { exact: true }).selectOption({ label: "Billing" });
  assert.equal((await api(p, `/api/apps/${made.apps.Billing.app_id}`, "DELETE")).status, 204);
  await dialog.getByRole("button", { name: "Create access key" }).click();
  const appError = p.locator('[data-error-for="app_id"]');
  await until(async () => (await appError.textContent()) !== "", { message: "the app's error" });
  assert.equal(await appError.textContent(), "This app was deleted (or is not yours): choose another, or all your apps.");
  assert.equal(await alertBox.textContent(), "Nothing was created: that app no longer exists.");
  assert.equal(await nameError.textContent(), "", "the name's error is gone");
  assert.equal(await dialog.getByLabel("App", { exact: true }).getAttribute("aria-invalid"), "true");

  await p.keyboard.press("Escape");
  await dialog.waitFor({ state: "detached" });
  assert.equal((await listed(p)).length, count, "nothing was created");
  assert.deepEqual(problems, []);
  await context.close();
});

const VIEWS = [
  ["light", { viewport: { width: 1280, height: 900 }, colorScheme: "light" }],
  ["dark", { viewport: { width: 1280, height: 900 }, colorScheme: "dark" }],
  ["phone", { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true, colorScheme: "light" }],
];

test("screenshots of the page and the secret dialog, light, dark and at 360 px", { skip }, async () => {
  assert.ok(session, "needs the developer of the first test");
  const wide = [];
  const faint = [];
  for (const [view, options] of VIEWS) {
    const { context, problems } = await watchedContext({ ...options, storageState: session });
    const p = await context.newPage();
    await p.goto(`${BASE}/console#/access-keys`);
    await p.getByRole("heading", { name: "Access keys", level: 1 }).waitFor();
    await p.waitForFunction(() => !document.querySelector("main .loading"));
    // A free place for the dialog's key: the newest of the batch revoked (on top of the page).
    const batch = (await listed(p)).reverse().find((k) => !k.revoked && k.name.startsWith("batch"));
    assert.equal((await api(p, `/api/access-keys/${batch.access_key_id}`, "DELETE")).status, 200);
    await p.reload();
    await p.getByText("9 of at most 10 keys active.").waitFor();
    await screenshot(p, `console-access-keys-${view}`);
    for (const low of await lowContrast(p)) faint.push(`${view} page: ${low}`);
    if (view === "phone") {
      const width = await p.evaluate(() => document.documentElement.scrollWidth);
      if (width > 360) wide.push(`page: ${width}px`);
    }
    await p.getByRole("button", { name: "Create access key", exact: true }).click();
    const dialog = createDialog(p);
    await dialog.getByLabel("Name", { exact: true }).fill(`screenshot ${view}`);
    await dialog.getByLabel("App", { exact: true }).selectOption({ label: "Orders" });
    await dialog.getByRole("checkbox", { name: /^Read-only/ }).check();
    await dialog.getByRole("button", { name: "Create access key" }).click();
    await dialog.getByRole("heading", { name: `Created screenshot ${view}` }).waitFor();
    await screenshot(p, `console-access-keys-secret-${view}`);
    for (const low of await lowContrast(p)) faint.push(`${view} dialog: ${low}`);
    if (view === "phone") {
      const width = await p.evaluate(() => document.documentElement.scrollWidth);
      if (width > 360) wide.push(`dialog: ${width}px`);
    }
    await dialog.getByRole("button", { name: "I have copied the secret" }).click();
    await dialog.waitFor({ state: "detached" });
    assert.deepEqual(problems, [], view);
    await context.close();
  }
  assert.deepEqual(wide, [], "wider than 360 px");
  assert.deepEqual(faint, [], "text under WCAG AA contrast");
});
