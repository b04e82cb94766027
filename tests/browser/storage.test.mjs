// Where the session lives, in Debian's Chromium: each storage mode chosen with data-storage or
// with AuthReturn.configure({storage}) right after the script tag (the two must be the same),
// across a reload, a tab already open and a tab opened afterwards (only local storage shares); a change of storage while
// signed in, and while signed out; configure before ready on a page whose header is already drawn.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  skip, launch, newContext, startSite, openPage, confirmedUser, header, isSignedIn, signInThroughModal,
  until, recordEvents, events, holdConfig, stored, listenToChannel, flushChannel,
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

const configure = (p, options) => p.evaluate((o) => window.AuthReturn.configure(o), options);

// What each mode promises: local is shared by the tabs, open or opened later, and outlives a
// reload; session outlives a reload of the same tab only; memory outlives neither. In session and
// memory storage each tab has its own sign-in: a tab already open is not told of another's.
const MODES = [
  { storage: "local", reload: true, otherTabs: true },
  { storage: "session", reload: true, otherTabs: false },
  { storage: "memory", reload: false, otherTabs: false },
];

for (const { storage, reload, otherTabs } of MODES) {
  for (const via of ["data-storage", "configure"]) {
    test(`storage=${storage} set with ${via}: a reload ${reload ? "keeps" : "loses"} the session, the other tabs ${otherTabs ? "share" : "do not see"} it`, { skip }, async () => {
      const query = via === "data-storage" ? { storage } : { configure: JSON.stringify({ storage }) };
      const email = await confirmedUser(`storage-${storage}-${via}`);
      const context = await newContext(browser);
      const open = await openPage(context, site, query);
      await listenToChannel(open);
      const p = await openPage(context, site, query);
      await p.bringToFront(); // Playwright's clicks wait for animation frames, which a background tab does not get
      await signInThroughModal(p, email);
      const session = await stored(p);
      assert.deepEqual({ local: Boolean(session.local), session: Boolean(session.session) }, { local: storage === "local", session: storage === "session" });
      assert.equal(JSON.parse(session.local ?? session.session ?? "null")?.email ?? null, storage === "memory" ? null : email);

      if (otherTabs) {
        await until(() => isSignedIn(open), { message: "the tab already open signed in" });
        await header.email(open).waitFor();
      } else {
        await flushChannel(p, open);
        assert.equal(await isSignedIn(open), false, "the tab already open");
        assert.deepEqual(await stored(open), { local: null, session: null });
        await header.signIn(open).waitFor();
      }

      const later = await openPage(context, site, query);
      assert.equal(await isSignedIn(later), otherTabs, "a tab opened after the sign-in");
      await (otherTabs ? header.email(later) : header.signIn(later)).waitFor();

      await p.bringToFront();
      await p.reload();
      await p.evaluate(() => window.AuthReturn.ready);
      assert.equal(await isSignedIn(p), reload, "after a reload");
      if (reload) {
        assert.equal((await p.evaluate(() => window.AuthReturn.getUser())).email, email);
        assert.equal(await header.email(p).textContent(), email);
        assert.ok(await p.evaluate(() => window.AuthReturn.getAccessToken()));
        assert.deepEqual(await stored(p), session, "found where it was, unchanged");
      } else {
        await header.signIn(p).waitFor();
      }
      await context.close();
    });
  }
}

test("configure({storage}) while signed in moves the session there; a reload with that storage finds it", { skip }, async () => {
  const email = await confirmedUser("storage-move");
  const context = await newContext(browser);
  const p = await openPage(context, site);
  await signInThroughModal(p, email);
  await recordEvents(p);
  const local = (await stored(p)).local;
  assert.ok(local);

  assert.equal((await configure(p, { storage: "session" })).storage, "session");
  assert.deepEqual(await stored(p), { local: null, session: local });
  assert.equal(await isSignedIn(p), true);
  assert.equal(await header.email(p).textContent(), email);

  await p.goto(site.url({ configure: JSON.stringify({ storage: "session" }) }));
  await p.evaluate(() => window.AuthReturn.ready);
  assert.equal(await isSignedIn(p), true, "found in sessionStorage after the reload");
  await recordEvents(p);
  await configure(p, { storage: "memory" });
  assert.deepEqual(await stored(p), { local: null, session: null });
  assert.equal(await isSignedIn(p), true, "kept in memory");
  await configure(p, { storage: "local" });
  assert.equal(JSON.parse((await stored(p)).local).email, email);
  assert.equal((await stored(p)).session, null);
  assert.deepEqual(await events(p), [], "a move is not a sign-in or a sign-out");

  await p.goto(site.url());
  await p.evaluate(() => window.AuthReturn.ready);
  assert.equal(await isSignedIn(p), true, "found in localStorage after the reload");
  await context.close();
});

test("configure({storage}) while signed out adopts the session saved there, and never overwrites one with nothing", { skip }, async () => {
  const email = await confirmedUser("storage-adopt");
  const context = await newContext(browser);
  const p = await openPage(context, site, { configure: JSON.stringify({ storage: "session" }) });
  await signInThroughModal(p, email);
  const saved = (await stored(p)).session;
  assert.ok(saved);

  // The same tab on a page that keeps its session in localStorage: nobody is signed in there.
  await p.goto(site.url());
  await p.evaluate(() => window.AuthReturn.ready);
  assert.equal(await isSignedIn(p), false);
  await header.signIn(p).waitFor();
  await recordEvents(p);
  await configure(p, { storage: "memory" });
  assert.deepEqual(await stored(p), { local: null, session: saved }, "moving while signed out writes nothing");

  await configure(p, { storage: "session" });
  assert.equal(await isSignedIn(p), true);
  assert.equal(await header.email(p).textContent(), email);
  assert.deepEqual((await events(p)).map((e) => [e.name, e.detail.user?.email]), [["signin", email]]);
  assert.deepEqual(await stored(p), { local: null, session: saved });
  assert.ok(await p.evaluate(() => window.AuthReturn.getIdToken()));
  await context.close();
});

test("configure({storage}) before ready on a page whose header already shows a user: the header follows", { skip }, async () => {
  const email = await confirmedUser("storage-late");
  const context = await newContext(browser);
  const first = await openPage(context, site);
  await signInThroughModal(first, email);
  const local = (await stored(first)).local;

  // A second tab, its config request held: the header reads localStorage (the default) at once.
  const p = await context.newPage();
  const release = await holdConfig(p);
  await p.goto(site.url());
  await header.email(p).waitFor();
  assert.equal(await p.evaluate(() => window.AuthReturn.isSignedIn()), true);
  await configure(p, { storage: "memory" });
  release();
  await p.evaluate(() => window.AuthReturn.ready);
  assert.equal(await isSignedIn(p), false, "as with data-storage=memory");
  await header.signIn(p).waitFor();
  assert.equal((await stored(p)).local, local, "the other tab's session is left alone");
  assert.equal(await isSignedIn(first), true);
  await context.close();
});
