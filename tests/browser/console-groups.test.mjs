// Groups in the developer console (issue 17), in Chromium: a developer creates an app's groups
// (a taken name and a negative precedence are shown beside their fields in the server's words),
// edits one, adds a user to a group from the user's page, sees them among the group's members,
// removes them there and on the user's page, and deletes a group, confirmed, its member staying a
// user. One group is created by keyboard alone. What the console shows is checked against the
// server through the Cognito API with the console's token, and a member's tokens carry
// cognito:groups. Screenshots (light, dark, 360 px phone) go to
// tests/browser/screenshots/console-groups-*.png: look at them; every text meets WCAG AA contrast.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { skip, BASE, PASSWORD, launch, newContext, codeFor, uniqueEmail, until, screenshot, field, button, cognito, confirmedUser, lowContrast } from "./support.mjs";

let browser;
/** The developer's storage and their app, made by the first test for the others. */
let session = null;
let app = null;

before(async () => {
  if (skip) return;
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
      // A refused call the page answers in words (a 400 for a taken name) is logged by Chromium too.
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

/** A Cognito operation with the console's token, from the page: {status, body}. */
const adminOp = (p, operation, body) =>
  p.evaluate(async ([op, b]) => {
    const response = await window.AuthReturn.fetch("/", {
      method: "POST",
      headers: { "content-type": "application/x-amz-json-1.1", "x-amz-target": `AWSCognitoIdentityProviderService.${op}` },
      body: JSON.stringify(b),
    });
    return { status: response.status, body: await response.json().catch(() => null) };
  }, [operation, body]);

const groupNames = async (p, operation, body) => {
  const answer = await adminOp(p, operation, { UserPoolId: app.user_pool_id, ...body });
  assert.equal(answer.status, 200, JSON.stringify(answer));
  return (answer.body.Groups ?? answer.body.Users ?? []).map((g) => g.GroupName ?? g.Username);
};

const toast = (p, text) => p.locator("#toast").getByText(text).waitFor();

/** Fills the open group dialog and submits it. */
async function fillGroup(p, { name, description, precedence, role }) {
  if (name != null) await field(p, "Name").fill(name);
  if (description != null) await field(p, "Description (optional)").fill(description);
  if (precedence != null) await field(p, "Precedence (optional)").fill(String(precedence));
  if (role != null) {
    await p.getByRole("dialog").getByText("Advanced").click();
    await field(p, "IAM role ARN (optional)").fill(role);
  }
  await button(p, "Create group").or(button(p, "Save group")).click();
}

test("a developer creates groups; a taken name and a bad precedence are shown beside their fields; one is edited", { skip }, async () => {
  const { context, problems } = await watchedContext();
  const p = await context.newPage();
  const developer = uniqueEmail("groups");
  await p.goto(`${BASE}/console`);
  await p.getByRole("button", { name: "Create a developer account" }).click();
  await field(p, "Email").fill(developer);
  await field(p, "Password").fill(PASSWORD);
  await button(p, "Create account").click();
  await field(p, "Confirmation code").fill(await codeFor(developer));
  await button(p, "Confirm").click();
  await p.getByRole("heading", { name: "Your apps", level: 1 }).waitFor();
  await p.getByRole("button", { name: "Create app", exact: true }).click();
  await field(p, "Name").fill("Groups app");
  await button(p, "Create app").click();
  await p.getByRole("button", { name: /open the app/i }).click();
  await until(() => /#\/apps\/app_/.test(p.url()), { message: "the app's page" });
  const id = /#\/apps\/([a-z0-9_]+)/.exec(p.url())[1];
  app = await p.evaluate(async (a) => (await (await window.AuthReturn.fetch(`/api/apps/${a}`)).json()), id);

  // The Groups tab, next to Users: empty, saying what to do and when tokens change.
  await p.getByRole("navigation", { name: "App sections" }).getByRole("link", { name: "Groups" }).click();
  await p.getByText("No groups yet.").waitFor();
  assert.equal(await p.getByRole("link", { name: "Groups", exact: true }).getAttribute("aria-current"), "page");
  assert.match(await p.locator("main").textContent(), /appear in the user's tokens \(cognito:groups\) from their next sign-in or token refresh/);

  await p.getByRole("button", { name: "New group" }).first().click();
  await fillGroup(p, { name: "admins", description: "Can do everything", precedence: 1 });
  await toast(p, "Created the group admins.");
  await p.getByRole("button", { name: "New group" }).first().click();
  await fillGroup(p, { name: "editors", description: "Write posts", precedence: 5, role: "arn:aws:iam::123456789012:role/editors" });
  await toast(p, "Created the group editors.");
  const rows = p.locator("main tbody tr");
  await until(async () => (await rows.count()) === 2, { message: "two groups listed" });
  assert.deepEqual(await rows.locator('td[data-label="Name"]').allTextContents(), ["admins", "editors"]);
  assert.deepEqual(await rows.locator('td[data-label="Precedence"]').allTextContents(), ["1", "5"]);
  assert.deepEqual(await rows.locator('td[data-label="Description"]').allTextContents(), ["Can do everything", "Write posts"]);

  // A taken name: the server's GroupExistsException, in words beside the name; nothing made.
  await p.getByRole("button", { name: "New group" }).first().click();
  const dialog = p.getByRole("dialog", { name: "New group" });
  await fillGroup(p, { name: "admins", description: "Again" });
  const nameError = dialog.locator('[data-error-for="GroupName"]');
  await until(async () => (await nameError.textContent()) !== "", { message: "the name's error" });
  assert.equal(await nameError.textContent(), "A group with the name admins already exists.");
  assert.equal(await field(p, "Name").getAttribute("aria-invalid"), "true");
  assert.equal(await p.evaluate(() => document.activeElement?.dataset.field), "GroupName", "the focus is on the name");
  await screenshot(p, "console-groups-exists");
  // A negative precedence: AWS's validation wording, beside the precedence.
  await field(p, "Name").fill("readers");
  await fillGroup(p, { precedence: -1 });
  const precedenceError = dialog.locator('[data-error-for="Precedence"]');
  await until(async () => (await precedenceError.textContent()) !== "", { message: "the precedence's error" });
  assert.match(await precedenceError.textContent(), /Value at 'precedence' failed to satisfy constraint: Member must have value greater than or equal to 0/);
  assert.equal(await nameError.textContent(), "", "the earlier error is gone");
  await p.keyboard.press("Escape");
  await dialog.waitFor({ state: "detached" });
  assert.deepEqual(await groupNames(p, "ListGroups", {}), ["admins", "editors"]);

  // Edit: description and precedence; the role stays.
  await p.getByRole("button", { name: "Edit editors" }).click();
  assert.equal(await field(p, "Precedence (optional)").inputValue(), "5");
  await fillGroup(p, { description: "Write and publish posts", precedence: 3 });
  await toast(p, "Saved the group editors.");
  const stored = await adminOp(p, "GetGroup", { UserPoolId: app.user_pool_id, GroupName: "editors" });
  assert.equal(stored.status, 200, JSON.stringify(stored));
  assert.equal(stored.body.Group.Description, "Write and publish posts");
  assert.equal(stored.body.Group.Precedence, 3);
  assert.equal(stored.body.Group.RoleArn, "arn:aws:iam::123456789012:role/editors");
  await until(async () => (await rows.locator('td[data-label="Precedence"]').allTextContents()).join() === "1,3", { message: "the list shows the new precedence" });
  session = await context.storageState();
  assert.deepEqual(problems, []);
  await context.close();
});

test("a user is added to groups from their page, listed among the members, removed, and a group is deleted with its member staying a user", { skip }, async () => {
  assert.ok(session && app, "needs the developer and app of the first test");
  const { context, problems } = await watchedContext({ storageState: session });
  const p = await context.newPage();
  const email = await confirmedUser("member", { clientId: app.client_id });
  await p.goto(`${BASE}/console#/apps/${app.app_id}/users`);
  await p.getByRole("link", { name: email }).click();
  const card = p.getByRole("region", { name: "Groups", exact: true });
  await card.getByText("In no group.").waitFor();
  assert.match(await card.textContent(), /cognito:groups/);
  await card.getByLabel("Group", { exact: true }).selectOption("editors");
  await card.getByRole("button", { name: "Add to group" }).click();
  await toast(p, `Added ${email} to editors.`);
  await card.getByRole("link", { name: "editors" }).waitFor();
  assert.deepEqual(await groupNames(p, "AdminListGroupsForUser", { Username: email }), ["editors"]);
  // The select offers only the groups they are not in.
  assert.deepEqual(await card.getByLabel("Group", { exact: true }).locator("option").allTextContents(), ["admins"]);
  await screenshot(p, "console-groups-user");

  // The group's page lists them; removed there, they are in no group.
  await card.getByRole("link", { name: "editors" }).click();
  await p.getByRole("heading", { name: "editors", level: 2 }).waitFor();
  const members = p.getByRole("region", { name: "Members", exact: true });
  await members.getByRole("link", { name: email }).waitFor();
  assert.match(await p.locator("dl.facts").textContent(), /Write and publish posts.*3.*arn:aws:iam::123456789012:role\/editors/s);
  await screenshot(p, "console-groups-members");
  await members.getByRole("button", { name: `Remove from group: ${email}` }).click();
  await toast(p, `Removed ${email} from editors.`);
  await members.getByText("No members yet.").waitFor();
  assert.deepEqual(await groupNames(p, "ListUsersInGroup", { GroupName: "editors" }), []);
  assert.deepEqual(await groupNames(p, "AdminListGroupsForUser", { Username: email }), []);

  // Back on the user's page: into both groups, and their next tokens name them by precedence.
  await p.goto(`${BASE}/console#/apps/${app.app_id}/users`);
  await p.getByRole("link", { name: email }).click();
  for (const group of ["admins", "editors"]) {
    await card.getByLabel("Group", { exact: true }).selectOption(group);
    await card.getByRole("button", { name: "Add to group" }).click();
    await toast(p, `Added ${email} to ${group}.`);
    await card.getByRole("link", { name: group }).waitFor();
  }
  assert.equal(await card.getByRole("button", { name: "Add to group" }).count(), 0, "nothing left to add");
  assert.equal(await p.evaluate(() => document.activeElement?.textContent), "Groups", "the focus stays in the card");
  assert.deepEqual(await groupNames(p, "AdminListGroupsForUser", { Username: email }), ["admins", "editors"]);
  const signedIn = await cognito("InitiateAuth", { ClientId: app.client_id, AuthFlow: "USER_PASSWORD_AUTH", AuthParameters: { USERNAME: email, PASSWORD } });
  const claims = JSON.parse(Buffer.from(signedIn.AuthenticationResult.IdToken.split(".")[1], "base64url"));
  assert.deepEqual(claims["cognito:groups"], ["admins", "editors"]);
  await card.getByRole("button", { name: "Remove from group: admins" }).click();
  await toast(p, `Removed ${email} from admins.`);
  await until(async () => (await card.getByRole("link", { name: "admins" }).count()) === 0, { message: "admins gone from the card" });
  assert.deepEqual(await groupNames(p, "AdminListGroupsForUser", { Username: email }), ["editors"]);

  // Deleting editors: the confirmation says the members stay users; Cancel keeps it.
  await p.goto(`${BASE}/console#/apps/${app.app_id}/groups`);
  await p.getByRole("button", { name: "Delete editors" }).click();
  const confirm = p.getByRole("dialog", { name: "Delete this group?" });
  assert.match(await confirm.textContent(), /Its members stay users of the app/);
  await screenshot(p, "console-groups-delete");
  await confirm.getByRole("button", { name: "Cancel" }).click();
  await confirm.waitFor({ state: "detached" });
  assert.deepEqual(await groupNames(p, "ListGroups", {}), ["admins", "editors"]);
  await p.getByRole("button", { name: "Delete editors" }).click();
  await confirm.getByRole("button", { name: "Delete group" }).click();
  await toast(p, "Deleted the group editors; its members stay users.");
  await until(async () => (await p.locator("main tbody tr").count()) === 1, { message: "one group left" });
  assert.deepEqual(await groupNames(p, "ListGroups", {}), ["admins"]);
  const user = await adminOp(p, "AdminGetUser", { UserPoolId: app.user_pool_id, Username: email });
  assert.equal(user.status, 200, "the member stays a user");
  assert.deepEqual(await groupNames(p, "AdminListGroupsForUser", { Username: email }), []);
  // The deleted group's page says so.
  await p.goto(`${BASE}/console#/apps/${app.app_id}/groups/editors`);
  await p.getByText("No such group.").waitFor();
  assert.deepEqual(problems, []);
  await context.close();
});

test("a group is created by keyboard alone, an empty name refused in words first", { skip }, async () => {
  assert.ok(session && app, "needs the developer and app of the first test");
  const { context, problems } = await watchedContext({ storageState: session });
  const p = await context.newPage();
  await p.goto(`${BASE}/console#/apps/${app.app_id}/groups`);
  await p.getByRole("link", { name: "admins" }).waitFor();
  const focused = () => p.evaluate(() => document.activeElement?.textContent ?? "");
  for (let i = 0; i < 40 && (await focused()) !== "New group"; i++) await p.keyboard.press("Tab");
  assert.equal(await focused(), "New group", "Tab reaches New group");
  await p.keyboard.press("Enter");
  const dialog = p.getByRole("dialog", { name: "New group" });
  await dialog.waitFor();
  const label = () => p.evaluate(() => document.activeElement?.labels?.[0]?.textContent ?? document.activeElement?.textContent);
  // The dialog's close button first, then the name.
  await p.keyboard.press("Tab");
  assert.equal(await label(), "Name");
  await p.keyboard.press("Enter");
  await dialog.locator('[data-error-for="GroupName"]').getByText("Give the group a name.").waitFor();
  assert.equal(await label(), "Name", "the focus stays on the name");
  await p.keyboard.type("viewers");
  await p.keyboard.press("Tab");
  assert.equal(await label(), "Description (optional)");
  await p.keyboard.type("Read only");
  await p.keyboard.press("Tab");
  assert.equal(await label(), "Precedence (optional)");
  await p.keyboard.type("9");
  await p.keyboard.press("Enter");
  await toast(p, "Created the group viewers.");
  await dialog.waitFor({ state: "detached" });
  assert.equal(await focused(), "New group", "the focus is back on the button that opened the dialog");
  await p.getByRole("link", { name: "viewers" }).waitFor();
  const stored = await adminOp(p, "GetGroup", { UserPoolId: app.user_pool_id, GroupName: "viewers" });
  assert.equal(stored.status, 200, JSON.stringify(stored));
  assert.deepEqual([stored.body.Group.Description, stored.body.Group.Precedence], ["Read only", 9]);
  assert.deepEqual(problems, []);
  await context.close();
});

const VIEWS = [
  ["light", { viewport: { width: 1280, height: 900 }, colorScheme: "light" }],
  ["dark", { viewport: { width: 1280, height: 900 }, colorScheme: "dark" }],
  ["phone", { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true, colorScheme: "light" }],
];

test("screenshots of the groups pages, light, dark and at 360 px, readable and no wider than the phone", { skip }, async () => {
  assert.ok(session && app, "needs the developer and app of the first test");
  const email = await confirmedUser("shot-member", { clientId: app.client_id });
  const faint = [];
  const wide = [];
  for (const [view, options] of VIEWS) {
    const { context, problems } = await watchedContext({ ...options, storageState: session });
    const p = await context.newPage();
    if (view === "light") {
      await p.goto(`${BASE}/console#/apps/${app.app_id}/groups`);
      await p.getByRole("link", { name: "admins" }).waitFor();
      const added = await adminOp(p, "AdminAddUserToGroup", { UserPoolId: app.user_pool_id, Username: email, GroupName: "admins" });
      assert.equal(added.status, 200, JSON.stringify(added));
    }
    const shots = [
      ["list", `#/apps/${app.app_id}/groups`, () => p.getByRole("link", { name: "admins" }).waitFor()],
      ["group", `#/apps/${app.app_id}/groups/admins`, () => p.getByRole("region", { name: "Members", exact: true }).getByRole("link", { name: email }).waitFor()],
      ["user", `#/apps/${app.app_id}/users/${encodeURIComponent(email)}`, () => p.getByRole("region", { name: "Groups", exact: true }).getByRole("button", { name: "Add to group" }).waitFor()],
    ];
    for (const [name, hash, ready] of shots) {
      await p.goto(`${BASE}/console${hash}`);
      await ready();
      await p.waitForFunction(() => !document.querySelector("main .loading"));
      if (name === "user") await p.getByRole("region", { name: "Groups", exact: true }).scrollIntoViewIfNeeded();
      await screenshot(p, `console-groups-${name}-${view}`);
      for (const low of await lowContrast(p)) faint.push(`${view} ${name}: ${low}`);
      const width = await p.evaluate(() => document.documentElement.scrollWidth);
      if (view === "phone" && width > 360) wide.push(`${name}: ${width}px`);
    }
    await p.goto(`${BASE}/console#/apps/${app.app_id}/groups`);
    await p.getByRole("button", { name: "New group" }).first().click();
    await p.getByRole("dialog").getByText("Advanced").click();
    await screenshot(p, `console-groups-new-${view}`);
    for (const low of await lowContrast(p)) faint.push(`${view} new: ${low}`);
    assert.deepEqual(problems, [], view);
    await context.close();
  }
  assert.deepEqual(wide, [], "pages wider than 360 px");
  assert.deepEqual(faint, [], "text under WCAG AA contrast");
});
