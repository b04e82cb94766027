// Multi-factor sign-in in the component's non-DOM layers (web/src/otpauth.js, mfa.js, the
// client and the session core): the otpauth:// URI and the key in groups, the challenges read
// from the server's answers, the calls' bodies, the words of the errors; then against a running
// Auth Return (AUTH_RETURN_URL; an app of the test's own made with the CLI, as tests/e2e/run.sh
// allows): the QR code POST /qr draws, and a user who sets up an authenticator app signed in
// and is asked for its code at the next sign-in.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { createHmac, randomUUID } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { promisify } from "node:util";
import { setTimeout as sleep } from "node:timers/promises";
import { describeError, MSG } from "../../web/src/errors.js";
import { appMfa, challengeOf, mfaCalls, mfaStatusOf } from "../../web/src/mfa.js";
import { fetchQr, groupSecret, otpauthUri } from "../../web/src/otpauth.js";
import { AuthCore } from "../../web/src/session.js";
import { typedCode } from "../../web/src/ui/mfa_parts.js";

const env = process.env;
const BASE = env.AUTH_RETURN_URL?.replace(/\/+$/, "");
const OUTBOX = env.AUTH_RETURN_OUTBOX;
const serverSkip = BASE ? false : "needs AUTH_RETURN_URL";
const cliSkip =
  BASE && OUTBOX && env.AUTH_RETURN_BIN && env.AUTH_RETURN_E2E_DATA_DIR
    ? false
    : "needs AUTH_RETURN_URL, AUTH_RETURN_OUTBOX, AUTH_RETURN_BIN, AUTH_RETURN_E2E_DATA_DIR";
const PASSWORD = "Correct-Horse-9!";

test("otpauthUri: the Key URI authenticator apps read, with its parts encoded", () => {
  assert.equal(
    otpauthUri({ issuer: "Harbor Notes", account: "alice@example.com", secret: "jbsw y3dp ehpk 3pxp" }),
    "otpauth://totp/Harbor%20Notes:alice%40example.com?secret=JBSWY3DPEHPK3PXP&issuer=Harbor%20Notes",
  );
  // A colon separates the issuer from the account: one in the app's name is dropped.
  assert.equal(
    otpauthUri({ issuer: "Acme: Admin", account: "a+b@x.io", secret: "JBSWY3DPEHPK3PXP" }),
    "otpauth://totp/Acme%20Admin:a%2Bb%40x.io?secret=JBSWY3DPEHPK3PXP&issuer=Acme%20Admin",
  );
  assert.equal(
    otpauthUri({ issuer: "Ünïcode & Co?", account: "z@x.io", secret: "AB" }),
    "otpauth://totp/%C3%9Cn%C3%AFcode%20%26%20Co%3F:z%40x.io?secret=AB&issuer=%C3%9Cn%C3%AFcode%20%26%20Co%3F",
  );
  // Without a name (an older server's config), the account alone.
  assert.equal(otpauthUri({ issuer: "", account: "z@x.io", secret: "AB" }), "otpauth://totp/z%40x.io?secret=AB");
  assert.equal(otpauthUri({ issuer: null, account: "z@x.io", secret: "AB" }), "otpauth://totp/z%40x.io?secret=AB");
});

test("groupSecret: the key in groups of four, upper case, for reading and typing", () => {
  assert.equal(groupSecret("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"), "JBSW Y3DP EHPK 3PXP JBSW Y3DP EHPK 3PXP");
  assert.equal(groupSecret("abcdefghij"), "ABCD EFGH IJ");
  assert.equal(groupSecret(" ab cd=="), "ABCD");
  assert.equal(groupSecret(""), "");
  assert.equal(typedCode(" 123 456 "), "123456");
});

test("challengeOf: each challenge's Session, user and parameters as the screens need them", () => {
  const select = challengeOf({
    ChallengeName: "SELECT_MFA_TYPE",
    Session: "s1",
    ChallengeParameters: { USER_ID_FOR_SRP: "uid-1", MFAS_CAN_CHOOSE: '["SOFTWARE_TOKEN_MFA","EMAIL_OTP"]' },
  });
  assert.deepEqual(select, {
    name: "SELECT_MFA_TYPE",
    session: "s1",
    userId: "uid-1",
    destination: null,
    choices: ["SOFTWARE_TOKEN_MFA", "EMAIL_OTP"],
    setupChoices: [],
  });
  const setup = challengeOf({
    ChallengeName: "MFA_SETUP",
    Session: "s0",
    ChallengeParameters: { USER_ID_FOR_SRP: "uid-1", MFAS_CAN_SETUP: '["SOFTWARE_TOKEN_MFA","EMAIL_OTP"]' },
  });
  assert.deepEqual(setup.setupChoices, ["SOFTWARE_TOKEN_MFA", "EMAIL_OTP"]);
  const email = challengeOf({
    ChallengeName: "EMAIL_OTP",
    Session: "s2",
    ChallengeParameters: { USER_ID_FOR_SRP: "uid-1", CODE_DELIVERY_DESTINATION: "a***@e***.com" },
  });
  assert.equal(email.destination, "a***@e***.com");
  assert.deepEqual(email.choices, []);
  // MFAS_CAN_CHOOSE that is no JSON array of names is no choice at all.
  for (const bad of ["not json", '{"a":1}', "[1, null]"]) {
    assert.deepEqual(challengeOf({ ChallengeName: "SELECT_MFA_TYPE", ChallengeParameters: { MFAS_CAN_CHOOSE: bad } }).choices, []);
  }
});

test("mfaStatusOf and appMfa: a user's factors from GetUser, the app's from its config", () => {
  const attrs = (verified) => [{ Name: "email", Value: "a@x.io" }, { Name: "email_verified", Value: verified }];
  assert.deepEqual(mfaStatusOf({ UserAttributes: attrs("true") }), { totp: false, email: false, preferred: null, emailVerified: true });
  assert.deepEqual(
    mfaStatusOf({ UserAttributes: attrs("false"), UserMFASettingList: ["SOFTWARE_TOKEN_MFA", "EMAIL_OTP"], PreferredMfaSetting: "EMAIL_OTP" }),
    { totp: true, email: true, preferred: "EMAIL_OTP", emailVerified: false },
  );
  // A preference for a factor that is not on is none.
  assert.equal(mfaStatusOf({ UserMFASettingList: ["EMAIL_OTP"], PreferredMfaSetting: "SOFTWARE_TOKEN_MFA" }).preferred, null);
  assert.deepEqual(appMfa({ mfa: { mode: "ON", emailOtp: true } }), { mode: "ON", emailOtp: true });
  assert.deepEqual(appMfa({ mfa: { mode: "SOMETIMES", emailOtp: "yes" } }), { mode: "OFF", emailOtp: false });
  assert.deepEqual(appMfa({}), { mode: "OFF", emailOtp: false }, "an older server's config");
});

test("mfaCalls: each answer and call carries what Cognito's API reference asks for", async () => {
  const sent = [];
  const replies = {
    RespondToAuthChallenge: { AuthenticationResult: { IdToken: "id" } },
    AssociateSoftwareToken: { SecretCode: "KEY", Session: "s-next" },
    VerifySoftwareToken: { Status: "SUCCESS", Session: "s-verified" },
    SetUserMFAPreference: {},
    GetUser: { UserMFASettingList: ["SOFTWARE_TOKEN_MFA"], PreferredMfaSetting: "SOFTWARE_TOKEN_MFA" },
  };
  const call = async (operation, body) => (sent.push([operation, body]), replies[operation]);
  const calls = mfaCalls(call, "client-1", (reply) => ({ result: reply.AuthenticationResult }));
  const totp = { name: "SOFTWARE_TOKEN_MFA", session: "s-totp", userId: "uid-1" };
  assert.deepEqual(await calls.answerMfaCode(totp, "123456"), { result: { IdToken: "id" } });
  await calls.answerMfaCode({ ...totp, name: "EMAIL_OTP" }, "654321");
  await calls.selectMfa({ ...totp, name: "SELECT_MFA_TYPE" }, "EMAIL_OTP");
  await calls.finishMfaSetup({ ...totp, name: "MFA_SETUP" }, "s-verified");
  await calls.setupEmailMfa({ ...totp, name: "MFA_SETUP", session: "s-setup" }, "a@x.io");
  assert.deepEqual(await calls.associateSoftwareToken({ session: "s-setup" }), { secret: "KEY", session: "s-next" });
  assert.deepEqual(await calls.verifySoftwareToken({ accessToken: "at" }, "111111"), { session: "s-verified" });
  await calls.setMfaPreference("at", { totp: { enabled: false }, email: { enabled: true, preferred: true } });
  await calls.setMfaPreference("at", { email: { preferred: true } });
  assert.deepEqual((await calls.getMfaStatus("at")).preferred, "SOFTWARE_TOKEN_MFA");
  const respond = (name, session, answer) => ["RespondToAuthChallenge", { ChallengeName: name, ClientId: "client-1", Session: session, ChallengeResponses: { USERNAME: "uid-1", ...answer } }];
  assert.deepEqual(sent, [
    respond("SOFTWARE_TOKEN_MFA", "s-totp", { SOFTWARE_TOKEN_MFA_CODE: "123456" }),
    respond("EMAIL_OTP", "s-totp", { EMAIL_OTP_CODE: "654321" }),
    respond("SELECT_MFA_TYPE", "s-totp", { ANSWER: "EMAIL_OTP" }),
    respond("MFA_SETUP", "s-verified", {}),
    respond("MFA_SETUP", "s-setup", { EMAIL: "a@x.io" }),
    ["AssociateSoftwareToken", { Session: "s-setup" }],
    ["VerifySoftwareToken", { AccessToken: "at", UserCode: "111111", FriendlyDeviceName: "Authenticator app" }],
    ["SetUserMFAPreference", { AccessToken: "at", SoftwareTokenMfaSettings: { Enabled: false }, EmailMfaSettings: { Enabled: true, PreferredMfa: true } }],
    ["SetUserMFAPreference", { AccessToken: "at", EmailMfaSettings: { PreferredMfa: true } }],
    ["GetUser", { AccessToken: "at" }],
  ]);
});

test("describeError: an expired second step starts the sign-in over; a wrong first code is a wrong code", () => {
  const error = (code, message) => Object.assign(new Error(message), { code });
  assert.deepEqual(describeError(error("NotAuthorizedException", "Invalid session for the user, session is expired.")), {
    message: MSG.signInExpired,
    view: "signin",
  });
  assert.deepEqual(describeError(error("CodeMismatchException", "Invalid code or auth state for the user.")), { message: MSG.badCode });
  assert.deepEqual(describeError(error("EnableSoftwareTokenMFAException", "Code mismatch and fail enable Software Token MFA")), { message: MSG.badCode });
  assert.deepEqual(describeError(error("NotAuthorizedException", "Incorrect username or password.")), { message: MSG.wrongPassword });
});

test("fetchQr: the server draws the key's URI as an SVG; anything else is no picture", { skip: serverSkip }, async () => {
  const uri = otpauthUri({ issuer: "Web test", account: "a@example.com", secret: "JBSWY3DPEHPK3PXP" });
  const sent = [];
  const spy = (url, init) => (sent.push([url, init]), fetch(url, init));
  const src = await fetchQr(`${BASE}/qr`, uri, spy);
  assert.match(src, /^data:image\/svg\+xml,/);
  const svg = decodeURIComponent(src.slice("data:image/svg+xml,".length));
  assert.match(svg, /^<\?xml[^>]*\?><svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  // The secret travels in the body only.
  assert.equal(sent[0][0], `${BASE}/qr`);
  assert.equal(sent[0][1].method, "POST");
  assert.equal(JSON.parse(sent[0][1].body).text, uri);
  assert.equal(await fetchQr(`${BASE}/qr`, "https://example.com/"), null, "only otpauth:// is drawn");
  assert.equal(await fetchQr("http://127.0.0.1:9/qr", uri), null, "no server: no picture, no throw");
});

// ---------------------------------------------------------------------------------------------
// Against the server, with an app of the test's own (MFA OPTIONAL)

const run = promisify(execFile);
const cli = async (...args) =>
  JSON.parse(
    (await run(env.AUTH_RETURN_BIN, [...args, "--json", "--listen", new URL(BASE).host, "--data-dir", env.AUTH_RETURN_E2E_DATA_DIR])).stdout,
  );

async function codeFor(email, count) {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const mails = existsSync(OUTBOX)
      ? readFileSync(OUTBOX, "utf8").split("\n").filter(Boolean).map((l) => JSON.parse(l)).filter((m) => m.to === email)
      : [];
    if (mails.length >= count) return /(?<!\d)(\d{6})(?!\d)/.exec(mails[count - 1].text)[1];
    if (Date.now() > deadline) throw new Error(`no mail #${count} to ${email}`);
    await sleep(100);
  }
}

/** The authenticator app's code for base32 `secret` (RFC 6238: HMAC-SHA1, 30 s) at `time`. */
function totp(secret, time = Date.now() / 1000) {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let [bits, value] = [0, 0];
  const key = [];
  for (const char of secret.replace(/\s/g, "")) {
    value = (value << 5) | alphabet.indexOf(char);
    bits += 5;
    if (bits >= 8) key.push((value >>> (bits -= 8)) & 0xff);
  }
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(time / 30)));
  const mac = createHmac("sha1", Buffer.from(key)).update(counter).digest();
  const offset = mac[19] & 0x0f;
  return String((mac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000).padStart(6, "0");
}

test("a user sets up an authenticator app signed in, and the next sign-in asks for its code", { skip: cliSkip }, async () => {
  const app = await cli("apps", "create", "--name", `web mfa ${Date.now()}`);
  await cli("apps", "update", app.app_id, "--mfa", "OPTIONAL");
  const core = new AuthCore({
    appId: app.app_id,
    baseUrl: BASE,
    options: { storage: "memory" },
    env: { bus: () => null, locks: null, setTimeout: (fn, ms) => setTimeout(fn, Math.min(ms, 2 ** 31 - 1)).unref() },
  });
  const config = await core.start();
  assert.deepEqual(config.mfa, { mode: "OPTIONAL", emailOtp: false });
  const email = `web-mfa-${randomUUID().slice(0, 12)}@example.com`;
  await core.client.signUp(email, PASSWORD);
  await core.client.confirmSignUp(email, await codeFor(email, 1));
  assert.ok((await core.signInWithPassword(email, PASSWORD)).user, "no code asked before a factor is on");

  const before = await core.withAccessToken((client, token) => client.getMfaStatus(token));
  assert.deepEqual(before, { totp: false, email: false, preferred: null, emailVerified: true });
  const { secret } = await core.withAccessToken((client, token) => client.associateSoftwareToken({ accessToken: token }));
  assert.match(secret, /^[A-Z2-7]{32}$/);
  await core.withAccessToken(async (client, token) => {
    await client.verifySoftwareToken({ accessToken: token }, totp(secret));
    await client.setMfaPreference(token, { totp: { enabled: true } });
  });
  const after = await core.withAccessToken((client, token) => client.getMfaStatus(token));
  assert.deepEqual(after, { totp: true, email: false, preferred: "SOFTWARE_TOKEN_MFA", emailVerified: true });
  await core.signOut();

  const step = await core.signInWithPassword(email, PASSWORD);
  assert.equal(step.challenge?.name, "SOFTWARE_TOKEN_MFA");
  assert.equal(core.isSignedIn(), false);
  const wrong = totp(secret) === "000000" ? "111111" : "000000";
  await assert.rejects(core.answerMfaCode(step.challenge, wrong), (error) => error.code === "CodeMismatchException");
  // The code of the next time step: the one VerifySoftwareToken took is spent.
  const signedIn = await core.answerMfaCode(step.challenge, totp(secret, Date.now() / 1000 + 30));
  assert.equal(signedIn.user.email, email);
  assert.equal(core.isSignedIn(), true);
  await core.signOut();
});
