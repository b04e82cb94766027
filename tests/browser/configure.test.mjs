// The options other than storage (storage.test.mjs), in Debian's Chromium: each set as its data-*
// attribute, with AuthReturn.configure right after the script tag (before ready), and with
// configure once signed in (timers already armed): the three must act the same. The idle timeout
// and warn-before run on Playwright's fake clock; warn-before on an app of this test's own with a
// 1 h refresh-token lifetime set by the CLI.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  skip, cliSkip, cli, launch, newContext, startSite, openPage, confirmedUser, dialog, header, isSignedIn,
  signInThroughModal, until, recordEvents, events,
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

const WAYS = ["data-*", "configure before ready", "configure after ready"];

/** The page query for `way`: the data-* attributes, or AuthReturn.configure(options) after the script tag. */
const queryFor = (way, data, options, base = {}) =>
  way === "data-*" ? { ...base, ...data } : way === "configure before ready" ? { ...base, configure: JSON.stringify(options) } : base;

const configureAfterReady = (p, way, options) =>
  way === "configure after ready" ? p.evaluate((o) => window.AuthReturn.configure(o), options) : null;

const modalBackground = (p) =>
  p.evaluate(() => getComputedStyle(document.querySelector("auth-return-modal").shadowRoot.querySelector(".dialog")).backgroundColor);

for (const way of WAYS) {
  test(`theme "dark" set with ${way} darkens the modal on a light system`, { skip }, async () => {
    const context = await newContext(browser, { colorScheme: "light" });
    const p = await openPage(context, site, queryFor(way, { theme: "dark" }, { theme: "dark" }));
    await header.signIn(p).click();
    await dialog(p).waitFor();
    if (way === "configure after ready") {
      assert.equal(await modalBackground(p), "rgb(255, 255, 255)", "light until configured");
      await configureAfterReady(p, way, { theme: "dark" });
    }
    assert.equal(await modalBackground(p), "rgb(27, 31, 36)");
    assert.equal(await p.locator("auth-return-modal").getAttribute("data-theme"), "dark");
    await context.close();
  });

  test(`fetchToken "access" set with ${way} sends the access token`, { skip }, async () => {
    const email = await confirmedUser("fetch-token");
    const context = await newContext(browser);
    const p = await openPage(context, site, queryFor(way, { fetchToken: "access" }, { fetchToken: "access" }));
    await signInThroughModal(p, email);
    await configureAfterReady(p, way, { fetchToken: "access" });
    const start = site.seen.length;
    const status = await p.evaluate(async () => (await window.AuthReturn.fetch("/api/protected")).status);
    assert.equal(status, 200);
    const access = await p.evaluate(() => window.AuthReturn.getAccessToken());
    assert.deepEqual(site.seen.slice(start), [{ token: access, status: 200 }]);
    await context.close();
  });

  test(`an idle timeout of 3 minutes set with ${way} warns at 2 and signs out at 3 (fake clock)`, { skip }, async () => {
    const email = await confirmedUser("idle");
    const context = await newContext(browser);
    await context.clock.install();
    const p = await openPage(context, site, queryFor(way, { idle: "3" }, { idleTimeoutMinutes: 3 }));
    await recordEvents(p);
    await signInThroughModal(p, email); // its clicks are the last activity
    await configureAfterReady(p, way, { idleTimeoutMinutes: 3 });

    await p.clock.fastForward(110_000);
    assert.deepEqual(await events(p, "sessionexpiring"), [], "no warning before 2 minutes");
    await p.clock.fastForward(15_000);
    await until(async () => (await events(p, "sessionexpiring")).length === 1, { message: "the idle warning" });
    const [warning] = await events(p, "sessionexpiring");
    assert.deepEqual([warning.detail.reason, warning.detail.minutesLeft], ["idle", 1]);
    const prompt = p.locator("auth-return-prompt").getByRole("status");
    await prompt.waitFor();
    assert.match(await prompt.textContent(), /^You will be signed out in 1 minute for inactivity — stay signed in×$/);

    await p.clock.fastForward(60_000);
    await until(async () => (await events(p, "signout")).length === 1, { message: "the idle sign-out" });
    assert.deepEqual((await events(p, "signout"))[0].detail, { reason: "idle" });
    assert.equal(await isSignedIn(p), false);
    await header.signIn(p).waitFor();
    await context.close();
  });

  test(`warn-before of 20 minutes set with ${way} warns 20 minutes before a 1 h session ends (fake clock)`, { skip: skip || cliSkip }, async () => {
    const app = await shortApp();
    const email = await confirmedUser("warn-before", { clientId: app.client_id });
    const context = await newContext(browser);
    await context.clock.install();
    const p = await openPage(context, site, queryFor(way, { warn: "20" }, { warnBeforeMinutes: 20 }, { app: app.app_id }));
    await recordEvents(p);
    await signInThroughModal(p, email);
    await configureAfterReady(p, way, { warnBeforeMinutes: 20 });

    await p.clock.fastForward(38 * 60_000);
    assert.deepEqual(await events(p, "sessionexpiring"), [], "no warning 22 minutes before the end");
    await p.clock.fastForward(3 * 60_000);
    await until(async () => (await events(p, "sessionexpiring")).length === 1, { message: "the session warning" });
    const [warning] = await events(p, "sessionexpiring");
    assert.equal(warning.detail.reason, "session");
    assert.ok([19, 20].includes(warning.detail.minutesLeft), JSON.stringify(warning.detail));
    const prompt = p.locator("auth-return-prompt").getByRole("status");
    await prompt.waitFor();
    assert.match(await prompt.textContent(), /^Your session ends in (19|20) minutes — stay signed in×$/);
    await context.close();
  });
}

let short;
/** One app with a 1 h session for the warn-before tests. */
async function shortApp() {
  short ??= cli("apps", "create", "--name", `browser configure ${Date.now()}`).then(async (app) => {
    const updated = await cli("apps", "update", app.app_id, "--refresh-validity", "3600");
    assert.equal(updated.refresh_validity_secs, 3600);
    return app;
  });
  return short;
}

test("an idle warning no longer due after configure is taken back: the prompt goes, nobody is signed out (fake clock)", { skip }, async () => {
  const email = await confirmedUser("idle-off");
  const context = await newContext(browser);
  await context.clock.install();
  const p = await openPage(context, site, { idle: "3" });
  await recordEvents(p);
  await signInThroughModal(p, email);
  await p.clock.fastForward(125_000);
  const prompt = p.locator("auth-return-prompt").getByRole("status");
  await prompt.waitFor();
  await p.evaluate(() => window.AuthReturn.configure({ idleTimeoutMinutes: 0 }));
  await prompt.waitFor({ state: "hidden" });
  await p.clock.fastForward(5 * 60_000);
  assert.equal(await isSignedIn(p), true);
  assert.deepEqual((await events(p)).map((e) => e.name), ["signin", "sessionexpiring"]);
  await context.close();
});

test("a session warning no longer due after a shorter warn-before is taken back: the prompt goes (fake clock)", { skip: skip || cliSkip }, async () => {
  const app = await shortApp();
  const email = await confirmedUser("warn-shorter", { clientId: app.client_id });
  const context = await newContext(browser);
  await context.clock.install();
  const p = await openPage(context, site, { app: app.app_id, warn: "20" });
  await recordEvents(p);
  await signInThroughModal(p, email);
  await p.clock.fastForward(41 * 60_000);
  const prompt = p.locator("auth-return-prompt").getByRole("status");
  await prompt.waitFor();
  await p.evaluate(() => window.AuthReturn.configure({ warnBeforeMinutes: 5 }));
  await prompt.waitFor({ state: "hidden" });
  await p.clock.fastForward(15 * 60_000);
  await prompt.waitFor();
  const warnings = (await events(p, "sessionexpiring")).map((e) => e.detail.minutesLeft);
  assert.equal(warnings.length, 2, JSON.stringify(warnings));
  assert.ok([4, 5].includes(warnings[1]), JSON.stringify(warnings));
  await context.close();
});
