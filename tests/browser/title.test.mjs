// The modal's title says where the user is signing in: the app's name from its public config
// ("Sign in to e2e public client"), in the sign-in, sign-up and password-reset views; a name is
// text, never markup; without a name (an older server) the titles are the plain ones. Screenshots
// of the sign-in view with the name, light and dark, for a person to look at.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  skip, cliSkip, cli, APP, launch, newContext, startSite, openPage, confirmedUser, dialog, field, button, header,
  screenshot,
} from "./support.mjs";

let browser;
let site;

before(async () => {
  if (skip) return;
  browser = await launch();
  site = await startSite();
});

after(async () => {
  await browser?.close();
  await site?.close();
});

const title = (p) => dialog(p).getByRole("heading").textContent();

/** The titles of sign-in, sign-up, forgot-password and choose-a-new-password, walked through like a user. */
async function titles(p, email) {
  await header.signIn(p).click();
  await dialog(p).waitFor();
  const seen = [await title(p)];
  await button(p, "Create an account").click();
  seen.push(await title(p));
  await button(p, "Back to sign-in").click();
  await button(p, "Forgot your password?").click();
  seen.push(await title(p));
  await field(p, "Email").fill(email);
  await button(p, "Send code").click();
  await field(p, "Confirmation code").waitFor();
  seen.push(await title(p));
  return seen;
}

test("the titles name the app: sign in to it, create an account of it, reset its password", { skip }, async () => {
  const email = await confirmedUser("title");
  const context = await newContext(browser);
  const p = await openPage(context, site);
  assert.deepEqual(await titles(p, email), [
    `Sign in to ${APP.name}`,
    `Create your ${APP.name} account`,
    `Reset your ${APP.name} password`,
    `Choose a new ${APP.name} password`,
  ]);
  await context.close();
});

test("an app's name is shown as text, never as markup", { skip: skip || cliSkip }, async () => {
  const name = `<img src=x onerror="window.__named=1">Tom & Jerry's "App" ${Date.now()}`;
  const app = await cli("apps", "create", "--name", name);
  assert.equal(app.name, name);
  const context = await newContext(browser);
  const p = await openPage(context, site, { app: app.app_id });
  await header.signIn(p).click();
  await dialog(p).waitFor();
  assert.equal(await title(p), `Sign in to ${name}`);
  assert.equal(await dialog(p).getByRole("heading").locator("*").count(), 0, "no element inside the title");
  assert.equal(await p.evaluate(() => window.__named), undefined);
  await context.close();
});

test("a long name without spaces wraps inside the dialog at 360 px", { skip: skip || cliSkip }, async () => {
  const name = `Name${"x".repeat(110)}${Date.now()}`;
  const app = await cli("apps", "create", "--name", name);
  const context = await newContext(browser, { viewport: { width: 360, height: 740 }, isMobile: true, hasTouch: true });
  const p = await openPage(context, site, { app: app.app_id });
  await header.signIn(p).click();
  await dialog(p).waitFor();
  assert.equal(await title(p), `Sign in to ${name}`);
  const scroll = await p.evaluate(() => {
    const d = document.querySelector("auth-return-modal").shadowRoot.querySelector(".dialog");
    return { scrollWidth: d.scrollWidth, clientWidth: d.clientWidth };
  });
  assert.ok(scroll.scrollWidth <= scroll.clientWidth, JSON.stringify(scroll));
  await context.close();
});

test("without a name in the config (an older server) the titles are the plain ones", { skip }, async () => {
  const email = await confirmedUser("title-plain");
  const context = await newContext(browser);
  const p = await context.newPage();
  await p.route(`${APP.endpoint}/api/apps/${APP.app_id}/config`, async (route) => {
    const { name, ...config } = await (await route.fetch()).json();
    assert.equal(name, APP.name);
    await route.fulfill({ json: config, headers: { "access-control-allow-origin": "*" } });
  });
  await p.goto(site.url());
  await p.evaluate(() => window.AuthReturn.ready);
  assert.deepEqual(await titles(p, email), ["Sign in", "Create account", "Reset your password", "Choose a new password"]);
  await context.close();
});

for (const colorScheme of ["light", "dark"]) {
  test(`the sign-in title with the app's name, ${colorScheme}`, { skip }, async () => {
    const context = await newContext(browser, { viewport: { width: 1024, height: 720 }, colorScheme });
    const p = await openPage(context, site);
    await header.signIn(p).click();
    await dialog(p).waitFor();
    assert.equal(await title(p), `Sign in to ${APP.name}`);
    await p.waitForTimeout(300); // the rise animation, for the picture
    await screenshot(p, `title-${colorScheme}`);
    await context.close();
  });
}
