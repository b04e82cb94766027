// Webhooks in the developer console, in Chromium: a developer adds an endpoint to an app (a plain
// http URL refused beside its field in the server's words), copies its signing secret shown once,
// sees a sign-up's delivery attempt in the log, changes the endpoint's events, turns it off and
// on, rotates its secret and deletes it. What the page shows is checked against the REST API with
// the console's token. Screenshots go to tests/browser/screenshots/console-webhooks-*.png.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { skip, BASE, launch, newContext, until, screenshot, field, button, dialog, confirmedUser, signUpDeveloper } from "./support.mjs";

let browser;

before(async () => {
  if (skip) return;
  browser = await launch();
});

after(async () => {
  await browser?.close();
});

/** The REST API with the console's token, from the page: {status, body}. */
const api = (p, path, init = {}) =>
  p.evaluate(async ([path, init]) => {
    const response = await window.AuthReturn.fetch(path, { ...init, headers: { "content-type": "application/json" } });
    return { status: response.status, body: await response.json().catch(() => null) };
  }, [path, init]);

const toast = (p, text) => p.locator("#toast").getByText(text).waitFor();

test("a developer adds, reads, changes, turns off and on, rotates and deletes a webhook endpoint", { skip }, async () => {
  const context = await newContext(browser);
  const problems = [];
  context.on("page", (page) => {
    page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
    page.on("console", (m) => {
      if (m.type() === "error" && !/^Failed to load resource: the server responded with a status of \d+/.test(m.text())) problems.push(m.text());
    });
  });
  const p = await context.newPage();
  await signUpDeveloper(p, { tag: "webhooks" });
  const made = await api(p, "/api/apps", { method: "POST", body: JSON.stringify({ name: "Hooked app" }) });
  assert.equal(made.status, 201, JSON.stringify(made));
  const app = made.body;
  const hooks = `/api/apps/${app.app_id}/webhooks`;

  await p.goto(`${BASE}/console#/apps/${app.app_id}/webhooks`);
  assert.equal(await p.getByRole("link", { name: "Webhooks", exact: true }).getAttribute("aria-current"), "page");
  await p.getByText("No webhooks yet.").waitFor();
  await screenshot(p, "console-webhooks-empty");

  // Plain http is refused beside the URL, in the server's words; nothing is made.
  await p.getByRole("button", { name: "Add endpoint" }).first().click();
  await field(p, "Endpoint URL").fill("http://hooks.example.com/auth");
  await button(p, "Add endpoint").click();
  const urlError = dialog(p).locator('[data-error-for="url"]');
  await until(async () => (await urlError.textContent()) !== "", { message: "the URL's error" });
  assert.equal(await urlError.textContent(), "url must be https");
  assert.deepEqual((await api(p, hooks)).body.webhooks, []);

  // Added for sign-ups and lockouts: the secret is shown once, with how to verify.
  await field(p, "Endpoint URL").fill("https://hooks.example.com/auth");
  await field(p, "Description (optional)").fill("CRM sync");
  await dialog(p).getByLabel(/Sign-in\s+sign_in/).uncheck();
  await dialog(p).getByLabel(/Locked out\s+locked_out/).check();
  await button(p, "Add endpoint").click();
  await dialog(p).getByText("Copy the signing secret now.").waitFor();
  const secret = (await dialog(p).locator("pre").first().textContent()).trim();
  assert.match(secret, /^whsec_[A-Za-z0-9+/]{43}=$/);
  assert.match(await dialog(p).textContent(), /Webhook\("whsec_/);
  await screenshot(p, "console-webhooks-secret");
  await button(p, "I have copied the secret").click();
  const rows = p.locator("main table").first().locator("tbody tr");
  await until(async () => (await rows.count()) === 1, { message: "the endpoint listed" });
  let stored = (await api(p, hooks)).body.webhooks;
  assert.deepEqual(stored.map((h) => [h.url, h.description, h.event_types, h.enabled]), [["https://hooks.example.com/auth", "CRM sync", ["locked_out", "sign_up"], true]]);
  assert.equal(stored[0].secret, undefined, "the list never holds the secret");

  // A sign-up in the app: its delivery is tried (this host answers nothing) and logged.
  await confirmedUser("hooked", { clientId: app.client_id });
  const log = p.locator("main table").nth(1);
  await until(
    async () => {
      await p.getByRole("button", { name: "Deliveries to https://hooks.example.com/auth" }).click();
      await p.getByRole("heading", { name: /Deliveries to/ }).waitFor();
      // Queued at once (0 attempts), then tried within a second or so.
      return (await log.count()) === 1 && (await log.locator('td[data-label="Attempts"]').first().textContent()) === "1";
    },
    { timeout: 40_000, message: "a delivery attempt in the log" },
  );
  assert.equal(await log.locator('td[data-label="Status"]').first().textContent(), "pending");
  assert.match(await log.locator('td[data-label="Message id"]').first().textContent(), /^msg_\d+$/);
  assert.notEqual((await log.locator('td[data-label="Last answer"]').first().textContent()).trim(), "");
  await screenshot(p, "console-webhooks-log");

  // Its events changed.
  await p.getByRole("button", { name: "Edit https://hooks.example.com/auth" }).click();
  await dialog(p).getByLabel(/Locked out\s+locked_out/).uncheck();
  await button(p, "Save").click();
  await toast(p, "Endpoint saved.");
  stored = (await api(p, hooks)).body.webhooks;
  assert.deepEqual(stored[0].event_types, ["sign_up"]);

  // Off and on again.
  await p.getByRole("button", { name: "Turn off https://hooks.example.com/auth" }).click();
  await toast(p, "Turned off: its pending deliveries are dropped.");
  await until(async () => (await api(p, hooks)).body.webhooks[0].enabled === false, { message: "turned off" });
  await p.locator("main").getByText("Off", { exact: true }).waitFor();
  await p.getByRole("button", { name: "Turn on https://hooks.example.com/auth" }).click();
  await toast(p, "Turned on.");
  assert.equal((await api(p, hooks)).body.webhooks[0].enabled, true);

  // A new secret, shown once.
  await p.getByRole("button", { name: "Rotate the secret of https://hooks.example.com/auth" }).click();
  await button(p, "Rotate secret").click();
  await dialog(p).getByText("Copy the signing secret now.").waitFor();
  const rotated = (await dialog(p).locator("pre").first().textContent()).trim();
  assert.match(rotated, /^whsec_/);
  assert.notEqual(rotated, secret);
  await button(p, "I have copied the secret").click();

  // Deleted, confirmed.
  await p.getByRole("button", { name: "Delete https://hooks.example.com/auth" }).click();
  await button(p, "Delete endpoint").click();
  await toast(p, "Endpoint deleted.");
  await p.getByText("No webhooks yet.").waitFor();
  assert.deepEqual((await api(p, hooks)).body.webhooks, []);
  assert.deepEqual(problems, []);
  await context.close();
});
