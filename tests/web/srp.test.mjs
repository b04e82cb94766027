// The pure parts of the sign-in component (web/src) in Node: SRP against the known-answer vector
// that amazon-cognito-identity-js and pycognito reproduce (docs/cognito-protocol.md §3.10), padHex,
// TIMESTAMP, the error wording and the password policy. Run: node --test tests/web
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import * as bytes from "../../web/src/bytes.js";
import * as srp from "../../web/src/srp.js";
import * as errors from "../../web/src/errors.js";
import * as policy from "../../web/src/policy.js";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const ar = { ...bytes, ...srp, ...errors, ...policy };
const kat = JSON.parse(readFileSync(`${ROOT}crates/crypto/tests/data/srp_kat.json`, "utf8"));

const big = (hex) => BigInt(`0x${hex}`);
const hex = (n) => n.toString(16);

test("N and g are the vector's group", () => {
  assert.equal(hex(ar.N), kat.N);
  assert.equal(hex(ar.G), kat.g);
});

test("padHex follows Java's toByteArray", () => {
  assert.equal(ar.padHex(0x14n), "14");
  assert.equal(ar.padHex(0xecn), "00ec");
  assert.equal(ar.padHex(0xabcn), "0abc");
  assert.equal(ar.padHex(0x8abcn), "008abc");
  assert.equal(ar.padHex(0n), "00");
  assert.equal(ar.padHex(big(kat.SALT)), kat.SALT);
});

test("k", async () => {
  assert.equal(hex(await ar.computeK()), kat.k);
});

test("x and the verifier", async () => {
  const x = await ar.computeX(kat.pool_name, kat.user_id_for_srp, kat.password, kat.SALT);
  assert.equal(hex(x), kat.x);
  assert.equal(hex(ar.modPow(ar.G, x, ar.N)), kat.verifier_v);
});

test("x canonicalises a salt sent with a redundant leading zero byte, like identity-js", async () => {
  const canonical = await ar.computeX("pool", "uid", "pw", "12ab");
  assert.equal(await ar.computeX("pool", "uid", "pw", "0012ab"), canonical);
});

test("A from a", () => {
  const { a, A } = ar.srpStart(ar.hexToBytes(kat.a));
  assert.equal(hex(a), kat.a);
  assert.equal(hex(A), kat.SRP_A);
});

test("a fresh a is 128 random bytes and A = g^a mod N", () => {
  const first = ar.srpStart();
  const second = ar.srpStart();
  assert.notEqual(first.a, second.a);
  assert.ok(first.a < 1n << 1024n);
  assert.equal(first.A, ar.modPow(ar.G, first.a, ar.N));
});

test("u, S and the HKDF key", async () => {
  const A = big(kat.SRP_A);
  const B = big(kat.SRP_B);
  const u = await ar.computeU(A, B);
  assert.equal(hex(u), kat.u);
  const k = await ar.computeK();
  const x = await ar.computeX(kat.pool_name, kat.user_id_for_srp, kat.password, kat.SALT);
  const S = ar.computeS({ a: big(kat.a), B, k, x, u });
  assert.equal(hex(S), kat.S);
  assert.equal(ar.bytesToHex(await ar.deriveKey(u, S)), kat.hkdf_key_hex);
});

test("PASSWORD_CLAIM_SIGNATURE", async () => {
  const signature = await ar.claimSignature({
    key: ar.hexToBytes(kat.hkdf_key_hex),
    poolName: kat.pool_name,
    userId: kat.user_id_for_srp,
    secretBlock: kat.SECRET_BLOCK,
    timestamp: kat.TIMESTAMP,
  });
  assert.equal(signature, kat.PASSWORD_CLAIM_SIGNATURE);
});

test("the whole PASSWORD_VERIFIER answer, end to end", async () => {
  const { a, A } = ar.srpStart(ar.hexToBytes(kat.a));
  const responses = await ar.answerPasswordVerifier({
    a,
    A,
    poolName: kat.pool_name,
    password: kat.password,
    params: {
      SALT: kat.SALT,
      SRP_B: kat.SRP_B,
      SECRET_BLOCK: kat.SECRET_BLOCK,
      USERNAME: kat.user_id_for_srp,
      USER_ID_FOR_SRP: kat.user_id_for_srp,
    },
    now: new Date(Date.UTC(2024, 0, 2, 15, 4, 5)),
  });
  assert.deepEqual(responses, {
    USERNAME: kat.user_id_for_srp,
    PASSWORD_CLAIM_SECRET_BLOCK: kat.SECRET_BLOCK,
    PASSWORD_CLAIM_SIGNATURE: kat.PASSWORD_CLAIM_SIGNATURE,
    TIMESTAMP: kat.TIMESTAMP,
  });
});

test("a B that is 0 mod N is refused", async () => {
  const { a, A } = ar.srpStart();
  await assert.rejects(
    ar.answerPasswordVerifier({ a, A, poolName: "p", password: "x", params: { SRP_B: hex(ar.N), SALT: "01" } }),
    { code: "InvalidParameterException" },
  );
});

test("TIMESTAMP: English, UTC, day not padded, time padded", () => {
  assert.equal(ar.formatTimestamp(new Date(Date.UTC(2024, 0, 2, 15, 4, 5))), "Tue Jan 2 15:04:05 UTC 2024");
  assert.equal(ar.formatTimestamp(new Date(Date.UTC(2025, 10, 30, 0, 0, 9))), "Sun Nov 30 00:00:09 UTC 2025");
  assert.equal(ar.formatTimestamp(new Date("2024-04-05T23:59:59.999-02:00")), "Sat Apr 6 01:59:59 UTC 2024");
});

test("base64 round trip and URL-safe input", () => {
  const bytes = Uint8Array.from({ length: 70000 }, (_, i) => (i * 7) & 0xff);
  assert.deepEqual(ar.base64ToBytes(ar.bytesToBase64(bytes)), bytes);
  assert.deepEqual(ar.base64ToBytes("-_8="), Uint8Array.of(0xfb, 0xff));
});

test("decodeJwt reads UTF-8 claims and refuses garbage", () => {
  const payload = Buffer.from(JSON.stringify({ email: "zoë@example.com", exp: 1 })).toString("base64url");
  assert.deepEqual(ar.decodeJwt(`e30.${payload}.sig`), { email: "zoë@example.com", exp: 1 });
  assert.equal(ar.decodeJwt("not a token"), null);
});

const err = (code, message = "") => new ar.AuthError(code, message);
const POLICY = { minLength: 8, requireUppercase: true, requireLowercase: true, requireNumbers: true, requireSymbols: true };

test("Cognito errors in plain words", () => {
  const cases = [
    [err("NotAuthorizedException", "Incorrect username or password."), "Wrong email or password"],
    [err("NotAuthorizedException", "Password attempts exceeded"), "Too many attempts, try again in a minute"],
    [err("TooManyRequestsException", "Rate exceeded"), "Too many attempts, try again in a minute"],
    [err("LimitExceededException", "Attempt limit exceeded, please try after some time."), "Too many attempts, try again in a minute"],
    [err("UsernameExistsException", "An account with the given email already exists."), "An account with this email already exists"],
    [err("CodeMismatchException", "Invalid verification code provided, please try again."), "That code is not right"],
    [err("ExpiredCodeException", "Invalid code provided, please request a code again."), "That code has expired — send a new one"],
    [err("NetworkError", "fetch failed"), "Cannot reach the sign-in service"],
    [err("NotAuthorizedException", "User is disabled."), "This account is disabled"],
    [err("NotAuthorizedException", "SignUp is not permitted for this user pool"), "New accounts are by invitation only"],
    [err("InvalidParameterException", "Username should be either an email or a phone number."), "Enter a valid email address"],
    [err("SomethingNewException", "Exact server words"), "Exact server words"],
    [err("InternalErrorException", ""), "Something went wrong, please try again"],
  ];
  for (const [error, message] of cases) assert.equal(ar.describeError(error).message, message, error.message);
});

test("UserNotConfirmedException sends the user to the confirm view", () => {
  assert.equal(ar.describeError(err("UserNotConfirmedException", "User is not confirmed.")).view, "confirm");
});

test("InvalidPasswordException becomes the policy in words", () => {
  const error = err("InvalidPasswordException", "Password did not conform with policy: Password not long enough");
  assert.equal(
    ar.describeError(error, POLICY).message,
    "Use at least 8 characters, with an uppercase letter, a lowercase letter, a number and a symbol.",
  );
  assert.equal(ar.describeError(error).message, "Password not long enough");
  assert.equal(ar.policyMessage({ minLength: 12 }), "Use at least 12 characters.");
  assert.equal(ar.policyMessage({ minLength: 6, requireNumbers: true }), "Use at least 6 characters, with a number.");
});

test("password rules tick as the server counts them", () => {
  const met = (password) =>
    Object.fromEntries(ar.passwordRules(POLICY).map((rule) => [rule.id, rule.met(password)]));
  assert.deepEqual(met(""), { length: false, uppercase: false, lowercase: false, number: false, symbol: false });
  assert.deepEqual(met("Correct-Horse-9"), { length: true, uppercase: true, lowercase: true, number: true, symbol: true });
  assert.deepEqual(met("ÉCOLE 12"), { length: true, uppercase: true, lowercase: false, number: true, symbol: true });
  assert.deepEqual(
    ar.passwordRules({ minLength: 6, requireNumbers: true }).map((r) => r.label),
    ["At least 6 characters", "A number"],
  );
});
