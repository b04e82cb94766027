// <auth-header> signed in, in Debian's Chromium: the user chip (email and caret) is one menu
// button named with the email; a click on the email opens the menu, keyboard opens and closes it,
// and at 360 px a very long address is cut with an ellipsis (title: the whole address) without
// overflowing. Screenshots of the chip at 360 px, light and dark, for a person to look at.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  skip, launch, newContext, startSite, openPage, confirmedUser, header, isSignedIn, signInThroughModal, until,
  deepActive, screenshot,
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

const chip = (p, email) => p.locator("auth-header").getByRole("button", { name: `Account menu for ${email}`, exact: true });
const expanded = (p, email) => chip(p, email).getAttribute("aria-expanded");

test("the email is the menu button: a click on it opens the menu, and Sign out signs out", { skip }, async () => {
  const email = await confirmedUser("chip");
  const context = await newContext(browser);
  const p = await openPage(context, site);
  await signInThroughModal(p, email);

  // One button, named with the email, with the email and the caret inside it.
  assert.equal(await p.locator("auth-header").getByRole("button").count(), 1);
  assert.equal(await chip(p, email).getAttribute("aria-haspopup"), "menu");
  assert.equal(await expanded(p, email), "false");
  assert.equal((await chip(p, email).textContent()).trim(), `${email}▾`);
  assert.equal(await header.email(p).getAttribute("title"), email);

  await header.email(p).click();
  assert.equal(await expanded(p, email), "true");
  await header.signOut(p).waitFor();
  assert.equal(await deepActive(p), "auth-header > button(Sign out)");

  // A second click closes it; a click elsewhere on the page too.
  await header.email(p).click();
  assert.equal(await expanded(p, email), "false");
  assert.equal(await header.signOut(p).isVisible(), false);
  await header.email(p).click();
  await p.locator("main h1").click();
  assert.equal(await expanded(p, email), "false");

  await header.email(p).click();
  await header.signOut(p).click();
  await header.signIn(p).waitFor();
  assert.equal(await isSignedIn(p), false);
  await context.close();
});

test("keyboard: Enter, Space and ArrowDown open the menu; Escape closes it and gives focus back", { skip }, async () => {
  const email = await confirmedUser("chip-keys");
  const context = await newContext(browser);
  const p = await openPage(context, site);
  await signInThroughModal(p, email);
  await p.locator("header strong").click(); // Tab goes on from the text before the header
  await p.keyboard.press("Tab");
  const onChip = `auth-header > button(${email}▾)`;
  assert.equal(await deepActive(p), onChip);

  for (const key of ["Enter", "Space", "ArrowDown"]) {
    await p.keyboard.press(key);
    assert.equal(await expanded(p, email), "true", key);
    assert.equal(await deepActive(p), "auth-header > button(Sign out)", key);
    await p.keyboard.press("Escape");
    assert.equal(await expanded(p, email), "false", `Escape after ${key}`);
    assert.equal(await header.signOut(p).isVisible(), false);
    assert.equal(await deepActive(p), onChip, `focus back after ${key}`);
  }

  await p.keyboard.press("Enter");
  await p.keyboard.press("Enter");
  await until(async () => !(await isSignedIn(p)), { message: "signed out by keyboard" });
  await context.close();
});

for (const colorScheme of ["light", "dark"]) {
  test(`at 360 px a very long email is cut with an ellipsis and nothing overflows (${colorScheme})`, { skip }, async () => {
    const email = await confirmedUser(`a-very-long-address-that-cannot-fit-in-a-phone-header-${colorScheme}`);
    const context = await newContext(browser, { viewport: { width: 360, height: 640 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, colorScheme });
    const p = await openPage(context, site);
    await signInThroughModal(p, email);
    await header.email(p).waitFor();

    const boxes = await p.evaluate(() => {
      const root = document.querySelector("auth-header").shadowRoot;
      const rect = (el) => el.getBoundingClientRect().toJSON();
      const text = root.querySelector(".email");
      return {
        host: rect(document.querySelector("auth-header")),
        chip: rect(root.querySelector("button[aria-haspopup]")),
        email: rect(text),
        caret: rect(text.nextElementSibling),
        brand: rect(document.querySelector("header strong")),
        page: document.documentElement.scrollWidth,
        cut: text.scrollWidth > text.clientWidth,
        overflow: getComputedStyle(text).textOverflow,
      };
    });
    const inside = (inner, outer) => inner.left >= outer.left - 0.5 && inner.right <= outer.right + 0.5;
    const detail = JSON.stringify(boxes);
    assert.ok(boxes.chip.left >= 0 && boxes.chip.right <= 360, detail);
    assert.ok(inside(boxes.chip, boxes.host), detail);
    assert.ok(inside(boxes.email, boxes.chip) && inside(boxes.caret, boxes.chip), detail);
    assert.ok(boxes.email.right <= boxes.caret.left, detail);
    assert.ok(boxes.brand.right <= boxes.host.left, `the app's name and the chip do not overlap: ${detail}`);
    assert.ok(boxes.page <= 360, detail);
    assert.equal(boxes.cut, true, "the address is cut");
    assert.equal(boxes.overflow, "ellipsis");
    assert.equal(await header.email(p).getAttribute("title"), email);
    assert.equal(await header.email(p).textContent(), email, "the whole address is there for assistive technology");

    await header.email(p).click();
    const menu = await p.locator("auth-header").getByRole("menu").boundingBox();
    assert.ok(menu.x >= 0 && menu.x + menu.width <= 360, JSON.stringify(menu));
    await screenshot(p, `header-360-${colorScheme}`);
    await context.close();
  });
}
