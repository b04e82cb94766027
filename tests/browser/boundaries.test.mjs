// Where the component's tokens may go, in Debian's Chromium: AuthReturn.fetch sends one only to the
// page's origin and the origins listed in data-api-origins (an unlisted server gets no request at
// all, <base href> included); with session or memory storage no token reaches another tab, and a
// window opened from a signed-in tab does not take over its sign-in; markup on the page (an element
// with id="AuthReturn", <form name="AuthReturn">, <img name="currentScript">, <form name="body">)
// cannot stop, replace or redirect the component.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  skip, APP, launch, newContext, startSite, startApi, openPage, confirmedUser, header, isSignedIn,
  signInThroughModal, stored, listenToChannel, flushChannel,
} from "./support.mjs";

let browser;
let site;
let api; // listed in data-api-origins
let unlisted; // listed nowhere

before(async () => {
  if (skip) return;
  browser = await launch();
  site = await startSite();
  api = await startApi(site);
  unlisted = await startApi(site);
});

after(async () => {
  await browser?.close();
  await site?.close();
  await api?.close();
  await unlisted?.close();
});

/** AuthReturn.fetch(url) in the page: `{status}` or the error's `{name, code, message}`. */
const pageFetch = (p, url) =>
  p.evaluate((u) =>
    window.AuthReturn.fetch(u).then(
      (response) => ({ status: response.status }),
      (error) => ({ name: error.name, code: error.code, message: error.message }),
    ),
  url);

test("AuthReturn.fetch: a listed origin gets the token; an unlisted one is refused and gets no request at all", { skip }, async () => {
  const email = await confirmedUser("api-origins");
  const context = await newContext(browser);
  const p = await openPage(context, site, { apiOrigins: `${api.origin}/v1/, https://other.example` });
  await signInThroughModal(p, email);
  const token = await p.evaluate(() => window.AuthReturn.getIdToken());

  assert.deepEqual(await pageFetch(p, `${api.origin}/orders`), { status: 200 });
  assert.deepEqual(api.seen.filter((r) => r.method === "GET"), [{ method: "GET", path: "/orders", token }]);

  const refused = await pageFetch(p, `${unlisted.origin}/steal`);
  assert.equal(refused.name, "AuthReturnError");
  assert.equal(refused.code, "origin_not_allowed");
  assert.ok(refused.message.includes(unlisted.origin) && refused.message.includes("data-api-origins"), refused.message);
  assert.equal((await pageFetch(p, "/api/protected")).status, 200, "the page's own origin still gets it");
  assert.deepEqual(unlisted.seen, [], "not even a preflight");
  await context.close();
});

test("AuthReturn.fetch: a relative URL goes where <base href> points, so it is judged there", { skip }, async () => {
  const email = await confirmedUser("api-base");
  const context = await newContext(browser);
  const p = await openPage(context, site, { markup: `<base href="${unlisted.origin}/app/">` });
  await signInThroughModal(p, email);
  for (const url of ["/api/protected", "api/protected"]) {
    const refused = await pageFetch(p, url);
    assert.equal(refused.code, "origin_not_allowed", url);
    assert.ok(refused.message.includes(unlisted.origin), refused.message);
  }
  assert.equal((await pageFetch(p, `${site.origin}/api/protected`)).status, 200);
  assert.deepEqual(unlisted.seen, []);
  await context.close();
});

test("data-api-origins with an entry that is not an origin: the console says so and nothing is listed", { skip }, async () => {
  const context = await newContext(browser);
  const p = await context.newPage();
  const errors = [];
  p.on("console", (message) => message.type() === "error" && errors.push(message.text()));
  await p.goto(site.url({ apiOrigins: `${api.origin} api.example.com` }));
  await p.evaluate(() => window.AuthReturn.ready);
  assert.ok(errors.some((e) => e.includes("data-api-origins") && e.includes('"api.example.com"')), JSON.stringify(errors));
  assert.equal((await pageFetch(p, `${api.origin}/orders`)).code, "origin_not_allowed");
  await context.close();
});

for (const storage of ["session", "memory"]) {
  test(`storage=${storage}: another tab never receives a token, over the channel or in its storage`, { skip }, async () => {
    const email = await confirmedUser(`tabs-${storage}`);
    const context = await newContext(browser);
    const other = await openPage(context, site, { storage });
    await listenToChannel(other);
    const p = await openPage(context, site, { storage });
    await p.bringToFront();
    await signInThroughModal(p, email);
    const tokens = {
      id: await p.evaluate(() => window.AuthReturn.getIdToken()),
      access: await p.evaluate(() => window.AuthReturn.getAccessToken()),
      refresh: storage === "session" ? JSON.parse((await stored(p)).session).refreshToken : null,
    };
    await flushChannel(p, other);
    await p.evaluate(() => window.AuthReturn.signOut());
    await flushChannel(p, other);

    const heard = await other.evaluate(() => window.__heard);
    assert.deepEqual(heard.filter((m) => !m?.marker), [], "the channel carried nothing of the sign-in");
    for (const [kind, token] of Object.entries(tokens)) {
      if (token) assert.ok(!JSON.stringify(heard).includes(token), `${kind} token`);
    }
    assert.equal(await isSignedIn(other), false);
    assert.deepEqual(await stored(other), { local: null, session: null });
    await context.close();
  });
}

test("storage=session: a window opened from a signed-in tab copies its session storage, not its sign-in", { skip }, async () => {
  const email = await confirmedUser("tabs-copy");
  const context = await newContext(browser);
  const p = await openPage(context, site, { storage: "session" });
  await signInThroughModal(p, email);
  const saved = (await stored(p)).session;

  const [opened] = await Promise.all([
    context.waitForEvent("page"),
    p.evaluate((url) => void window.open(url), site.url({ storage: "session" })),
  ]);
  await opened.waitForFunction(() => window.AuthReturn !== undefined, null, { polling: 50 });
  await opened.evaluate(() => window.AuthReturn.ready);
  assert.equal(await isSignedIn(opened), false, "the opener's sign-in stays the opener's");
  assert.equal((await stored(opened)).session, null, "the copy is dropped");
  await header.signIn(opened).waitFor();

  assert.equal(await isSignedIn(p), true);
  assert.equal((await stored(p)).session, saved);
  assert.equal((await pageFetch(p, "/api/protected")).status, 200);
  await context.close();
});

// [what the page has, its markup, the page query's order]
const CLOBBERING = [
  ['<div id="AuthReturn">', () => '<div id="AuthReturn"></div>'],
  ['<div id="AuthReturn"> and the header\'s script first', () => '<div id="AuthReturn"></div>', "header-first"],
  ['<form name="AuthReturn"> with inputs named like the API', () => '<form name="AuthReturn"><input name="ready"><input name="signIn"><input name="on"></form>'],
  ['<img name="AuthReturn">', () => '<img name="AuthReturn" alt="">'],
  // Would make the component take its app and server from the image: another server.
  ['<img name="currentScript"> naming another server', () => `<img name="currentScript" alt="" data-app-id="${APP.app_id}" data-server="${unlisted.origin}/">`],
  // Would put the modal inside a hidden form.
  ['<form name="body" hidden>', () => '<form name="body" hidden></form>'],
];

for (const [label, markup, order] of CLOBBERING) {
  test(`a page with ${label} still gets a working AuthReturn`, { skip }, async () => {
    const email = await confirmedUser("clobber");
    const context = await newContext(browser);
    const p = await context.newPage();
    await p.goto(site.url({ markup: markup(), ...(order ? { order } : {}) }));
    await p.waitForFunction(() => typeof window.AuthReturn?.signIn === "function", null, { polling: 50 });
    assert.equal(await p.evaluate(() => window.AuthReturn instanceof Element), false);
    await p.evaluate(() => window.AuthReturn.ready);
    await signInThroughModal(p, email);
    assert.equal(await header.email(p).textContent(), email);
    assert.equal((await p.evaluate(() => window.AuthReturn.getUser())).email, email);
    assert.deepEqual(unlisted.seen, [], "nothing went to the other server");
    await context.close();
  });
}
