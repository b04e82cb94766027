// The component's sign-in through an identity provider (web/src/redirect.js) in Node: the
// authorization request it builds (PKCE S256 over the verifier it keeps, the page as the
// redirect URI, the provider named), and the way back: only this tab's state is taken, once,
// the address cleaned of the answer, an old or empty answer refused; the code exchanged and
// the token endpoint's refusal passed on.
// Run: node --test tests/web
import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { exchangeCode, redirectAnswer, redirectRequest, returnAddress } from "../../web/src/redirect.js";
import { memoryStorage } from "../../web/src/platform.js";

const config = { clientId: "client-1", endpoint: "https://auth.example.com/" };
const page = "https://app.example.com/account?tab=2#top";

test("the request names the provider, the page and a challenge of the kept verifier", async () => {
  const storage = memoryStorage();
  const url = new URL(await redirectRequest({ appId: "a1", config, provider: "Okta", pageUrl: page, storage, now: 1000 }));
  assert.equal(url.origin + url.pathname, "https://auth.example.com/oauth2/authorize");
  const q = url.searchParams;
  assert.equal(q.get("identity_provider"), "Okta");
  assert.equal(q.get("client_id"), "client-1");
  assert.equal(q.get("redirect_uri"), "https://app.example.com/account");
  assert.equal(q.get("response_type"), "code");
  assert.equal(q.get("code_challenge_method"), "S256");
  const saved = JSON.parse(storage.getItem("authreturn:a1:redirect"));
  assert.equal(saved.state, q.get("state"));
  assert.equal(q.get("code_challenge"), createHash("sha256").update(saved.verifier).digest("base64url"));
  assert.ok(saved.verifier.length >= 43);
  assert.equal(returnAddress(page), "https://app.example.com/account");
});

test("only this tab's answer is taken, once, and the address is cleaned", async () => {
  const storage = memoryStorage();
  const url = new URL(await redirectRequest({ appId: "a1", config, provider: "Okta", pageUrl: page, storage, now: 1000 }));
  const state = url.searchParams.get("state");
  const back = (query) => `https://app.example.com/account?tab=2&${query}`;
  assert.equal(redirectAnswer({ appId: "a1", pageUrl: back("code=c&state=other"), storage, now: 2000 }), null);
  assert.equal(redirectAnswer({ appId: "a1", pageUrl: "https://app.example.com/account", storage, now: 2000 }), null);
  const answer = redirectAnswer({ appId: "a1", pageUrl: back(`code=c1&state=${state}`), storage, now: 2000 });
  assert.equal(answer.code, "c1");
  assert.equal(answer.error, null);
  assert.equal(answer.cleanUrl, "https://app.example.com/account?tab=2");
  assert.equal(redirectAnswer({ appId: "a1", pageUrl: back(`code=c1&state=${state}`), storage, now: 2000 }), null, "once");
});

test("an old, empty or refused answer is an error", async () => {
  for (const [query, at, error] of [
    ["code=c", 1000 + 11 * 60_000, "ExpiredCodeException"],
    ["", 2000, "invalid_request"],
    ["error=access_denied&error_description=no", 2000, "access_denied"],
  ]) {
    const storage = memoryStorage();
    const url = new URL(await redirectRequest({ appId: "a1", config, provider: "Okta", pageUrl: page, storage, now: 1000 }));
    const state = url.searchParams.get("state");
    const answer = redirectAnswer({ appId: "a1", pageUrl: `https://app.example.com/account?${query}&state=${state}`, storage, now: at });
    assert.equal(answer.error, error, query);
    assert.equal(answer.cleanUrl, "https://app.example.com/account");
  }
});

test("the code is exchanged with the verifier; a refusal keeps the endpoint's words", async () => {
  const saved = { redirectUri: "https://app.example.com/account", verifier: "v".repeat(43) };
  let sent;
  const ok = async (url, init) => {
    sent = { url, body: new URLSearchParams(init.body) };
    return new Response(JSON.stringify({ id_token: "i", access_token: "a", refresh_token: "r", expires_in: 3600 }), { status: 200 });
  };
  const result = await exchangeCode(config, { code: "c1", saved }, ok);
  assert.deepEqual(result, { IdToken: "i", AccessToken: "a", RefreshToken: "r", ExpiresIn: 3600 });
  assert.equal(sent.url, "https://auth.example.com/oauth2/token");
  assert.equal(sent.body.get("code_verifier"), saved.verifier);
  assert.equal(sent.body.get("redirect_uri"), saved.redirectUri);
  assert.equal(sent.body.get("grant_type"), "authorization_code");
  const refused = async () => new Response(JSON.stringify({ error: "invalid_grant", error_description: "Code already used." }), { status: 400 });
  await assert.rejects(exchangeCode(config, { code: "c1", saved }, refused), { code: "invalid_grant", message: "Code already used." });
  const down = async () => {
    throw new TypeError("offline");
  };
  await assert.rejects(exchangeCode(config, { code: "c1", saved }, down), { code: "NetworkError" });
});
