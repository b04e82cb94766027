// Screenshots of the modal for a person to look at: light, dark, and a 360×740 phone, written to
// tests/browser/screenshots/ (ignored by git). Also checks that nothing overflows the phone's width.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { skip, PASSWORD, confirmedUser, signInThroughModal, launch, newContext, startSite, openPage, dialog, field, button, alert, header, until, screenshot } from "./support.mjs";

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

/** Sign-in with an error, and sign-up with the rules half met. */
async function shoot(p, name) {
  await header.signIn(p).click();
  await dialog(p).waitFor();
  await field(p, "Email").fill("someone@example.com");
  await field(p, "Password").fill("Not-The-Password-1");
  await button(p, "Sign in").click();
  await until(async () => (await alert(p).textContent()) !== "", { message: "an alert" });
  await p.waitForTimeout(300); // the rise animation
  await screenshot(p, `${name}-signin-error`);
  await button(p, "Create an account").click();
  await field(p, "Email").fill("someone@example.com");
  await field(p, "Password").pressSequentially("horse9");
  await screenshot(p, `${name}-signup-rules`);
  await field(p, "Password").fill(PASSWORD);
  await field(p, "Password").dispatchEvent("input");
}

for (const [name, options, media] of [
  ["light", { viewport: { width: 1024, height: 720 } }, { colorScheme: "light" }],
  ["dark", { viewport: { width: 1024, height: 720 } }, { colorScheme: "dark" }],
  ["phone", { viewport: { width: 360, height: 740 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true }, { colorScheme: "light" }],
]) {
  test(`the modal, ${name}`, { skip }, async () => {
    const context = await newContext(browser, options);
    const p = await openPage(context, site);
    await p.emulateMedia(media);
    await shoot(p, name);
    // Nothing in the dialog is wider than the viewport, and the primary button is fully visible.
    const box = await dialog(p).boundingBox();
    const viewport = p.viewportSize();
    assert.ok(box.x >= 0 && box.x + box.width <= viewport.width, JSON.stringify({ box, viewport }));
    const scroll = await p.evaluate(() => {
      const d = document.querySelector("auth-return-modal").shadowRoot.querySelector(".dialog");
      return { scrollWidth: d.scrollWidth, clientWidth: d.clientWidth };
    });
    assert.ok(scroll.scrollWidth <= scroll.clientWidth, JSON.stringify(scroll));
    if (name === "dark") {
      const bg = await p.evaluate(() =>
        getComputedStyle(document.querySelector("auth-return-modal").shadowRoot.querySelector(".dialog")).backgroundColor,
      );
      assert.equal(bg, "rgb(27, 31, 36)", "the dark theme's background");
    }
    await context.close();
  });
}

test("the header signed in, dark, with the account menu open", { skip }, async () => {
  const email = await confirmedUser("header-shot");
  const context = await newContext(browser, { viewport: { width: 800, height: 300 } });
  const p = await openPage(context, site);
  await p.emulateMedia({ colorScheme: "dark" });
  await screenshot(p, "header-signed-out-dark");
  await signInThroughModal(p, email);
  await header.menu(p).click();
  await header.signOut(p).waitFor();
  await screenshot(p, "header-menu-dark");
  await context.close();
});

test(
  "views without an intro show no stray text under the title",
  { skip },
  async () => {
    const context = await newContext(browser);
    const p = await openPage(context, site);
    await header.signIn(p).click();
    await dialog(p).waitFor();
    for (const view of [null, "Create an account"]) {
      if (view) await button(p, view).click();
      const stray = await p.evaluate(() =>
        [...document.querySelector("auth-return-modal").shadowRoot.querySelector(".dialog").childNodes]
          .filter((n) => n.nodeType === Node.TEXT_NODE)
          .map((n) => n.textContent),
      );
      assert.deepEqual(stray, [], `text directly in the dialog on ${view ?? "Sign in"}`);
    }
    await context.close();
  },
);
