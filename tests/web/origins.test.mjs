// Where AuthReturn.fetch may send a token (web/src/origins.js): the page's own origin and the
// origins the page lists (data-api-origins, or configure({apiOrigins})), over http(s). A request
// anywhere else is refused before it is made, with an error that says how to allow it.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as origins from "../../web/src/origins.js";
import * as platform from "../../web/src/platform.js";
import * as session from "../../web/src/session.js";

const ar = { ...origins, ...platform, ...session };

const PAGE = "https://app.test/shop/cart?step=2";
const b64url = (value) => Buffer.from(JSON.stringify(value)).toString("base64url");
const jwt = (claims) => `${b64url({ alg: "RS256" })}.${b64url(claims)}.sig`;
const ID = jwt({ token_use: "id", email: "ann@example.com" });

/** A core on PAGE, signed in unless told otherwise, whose requests are recorded (each answered 200). */
function page({ options = {}, signedIn = true } = {}) {
  const sent = [];
  const core = new ar.AuthCore({
    appId: "app_test",
    baseUrl: "https://auth.test",
    options,
    env: {
      fetch: async (request) => (sent.push(request), new Response("{}")),
      pageUrl: () => PAGE,
      storage: () => ar.memoryStorage(),
      bus: () => null,
      locks: null,
      setTimeout: () => 0,
      clearTimeout: () => {},
    },
  });
  const result = { IdToken: ID, AccessToken: jwt({ token_use: "access" }), RefreshToken: "refresh-1", ExpiresIn: 3600 };
  if (signedIn) core.finishStep({ result });
  return { core, sent };
}

const refused = (origin) => (error) => {
  assert.equal(error.name, "AuthReturnError");
  assert.equal(error.code, "origin_not_allowed");
  assert.ok(error.message.includes(origin), error.message);
  return true;
};

test("the token goes to the page's origin and the listed ones; anything else is refused unsent", async () => {
  const { core, sent } = page({ options: { apiOrigins: ["https://api.test/v1/", "https://billing.test:443"] } });
  const allowed = [
    "https://app.test/api/orders",
    new URL("https://app.test/api/orders?page=2"),
    new Request("https://app.test/api/orders", { method: "POST", body: "{}" }),
    "https://api.test/orders",
    "https://billing.test/invoices",
  ];
  for (const input of allowed) await core.fetch(input);
  assert.deepEqual(sent.map((r) => r.headers.get("Authorization")), allowed.map(() => `Bearer ${ID}`));
  assert.equal(sent[2].method, "POST", "a Request keeps what it carries");

  const others = [
    ["https://evil.test/steal", "https://evil.test"],
    ["http://app.test/api", "http://app.test"], // same host, other scheme
    ["https://app.test:8443/api", "https://app.test:8443"], // same host, other port
    ["https://api.app.test/", "https://api.app.test"], // a subdomain is another origin
    ["https://app.test.evil.test/", "https://app.test.evil.test"],
    [new Request("https://evil.test/steal"), "https://evil.test"],
    ["data:text/plain,hi", "data:"],
    ["blob:https://app.test/0b5e8a3c-3c39-4c1e-9d5b-5a1f6c1b7f43", "blob:"], // its origin is the page's, but no
  ];
  for (const [input, origin] of others) await assert.rejects(core.fetch(input), refused(origin));
  assert.equal(sent.length, allowed.length, "no request was made for any of them");

  const signedOut = page({ signedIn: false });
  await assert.rejects(signedOut.core.fetch("https://evil.test/"), refused("https://evil.test"));
  assert.equal(signedOut.sent.length, 0, "refused signed out too: the mistake shows before anyone signs in");
});

test("the error says how to allow an origin", async () => {
  const { core } = page();
  const error = await core.fetch("https://api.test/orders").catch((e) => e);
  assert.match(error.message, /https:\/\/api\.test/);
  assert.match(error.message, /data-api-origins="https:\/\/api\.test"/);
  assert.match(error.message, /configure\(\{ apiOrigins: \["https:\/\/api\.test"\] \}\)/);
  assert.ok(!error.message.includes(ID), "no token in the message");
});

test("a relative URL is judged where it resolves: against the page", () => {
  const decide = (url, apiOrigins = []) => ar.tokenOrigin(url, PAGE, apiOrigins);
  assert.equal(decide("/api/orders"), "https://app.test");
  assert.equal(decide("orders?x=1"), "https://app.test");
  assert.equal(decide("../api"), "https://app.test");
  assert.throws(() => decide("//evil.test/steal"), refused("https://evil.test"));
  assert.throws(() => decide("\\\\evil.test\\steal"), refused("https://evil.test"), "backslashes are slashes in http(s) URLs");
  assert.equal(decide("//api.test/orders", ["https://api.test"]), "https://api.test");
  // Without a page (Node, a worker), only listed origins, and relative URLs mean nothing.
  assert.equal(ar.tokenOrigin("https://api.test/x", null, ["https://api.test"]), "https://api.test");
  assert.throws(() => ar.tokenOrigin("https://app.test/x", null, []), refused("https://app.test"));
  assert.throws(() => ar.tokenOrigin("/x", null, []), TypeError);
});

test("apiOrigins entries are normalised to origins, and an invalid one is refused loudly", () => {
  assert.deepEqual(ar.apiOriginList("https://api.test/v1/ , http://LOCALHOST:8080\nhttps://b.test:443/"), [
    "https://api.test",
    "http://localhost:8080",
    "https://b.test",
  ]);
  assert.deepEqual(ar.apiOriginList(""), []);
  for (const entry of ["api.example.com", "*", "null", "ftp://files.test", "javascript:alert(1)", "file:///etc/passwd", 42]) {
    assert.throws(
      () => ar.apiOriginList([entry]),
      (e) => e.name === "AuthReturnError" && e.code === "invalid_api_origin" && e.message.includes(JSON.stringify(entry)),
      String(entry),
    );
  }
  assert.throws(() => ar.apiOriginList({ origin: "https://api.test" }), (e) => e.code === "invalid_api_origins");
});

test("configure({apiOrigins}) before start is data-api-origins, after start applies at once; an invalid list changes nothing", async () => {
  const byData = page({ options: { apiOrigins: "https://api.test" } });
  const byConfigure = page();
  byConfigure.core.configure({ apiOrigins: ["https://api.test"] });
  for (const { core, sent } of [byData, byConfigure]) {
    await core.fetch("https://api.test/orders");
    assert.equal(sent.at(-1).headers.get("Authorization"), `Bearer ${ID}`);
    assert.throws(() => core.configure({ apiOrigins: ["https://ok.test", "api.example.com"] }), (e) => e.code === "invalid_api_origin");
    assert.deepEqual(core.options.apiOrigins, ["https://api.test"], "left as it was");
    assert.throws(() => core.configure({ theme: "dark", apiOrigins: "nope" }), (e) => e.code === "invalid_api_origin");
    assert.equal(core.options.theme, "auto", "nothing of a refused configure applies");
    core.configure({ apiOrigins: [] });
    await assert.rejects(core.fetch("https://api.test/orders"), refused("https://api.test"));
  }
  assert.throws(
    () => new ar.AuthCore({ appId: "a", baseUrl: "https://auth.test", options: { apiOrigins: ["*"] }, env: { bus: () => null } }),
    (e) => e.code === "invalid_api_origin",
  );
});
