// Provider mode (issue 16) in Chromium: the one script tag of auth_component.js, pointed at an app
// whose pool lives in the Cognito emulator (MiniStack, which checks SRP), takes the endpoint from
// our public config and signs the user in there with SRP, unchanged; a wrong password is refused
// in the component's words; the session's token is accepted by the page's API through our
// GET /api/user.
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import {
  AdminConfirmSignUpCommand,
  CognitoIdentityProviderClient,
  SignUpCommand,
} from "@aws-sdk/client-cognito-identity-provider";
import {
  skip, launch, newContext, startSite, openPage, header, field, button, alert,
  dialog, uniqueEmail, until, PASSWORD, BASE,
} from "./support.mjs";

const APP = process.env.AUTH_RETURN_APP_COGNITO ? JSON.parse(process.env.AUTH_RETURN_APP_COGNITO) : null;
if (!APP && process.env.CI) {
  throw new Error("CI must run the provider tests: tests/e2e/run.sh registers the app when AUTH_RETURN_TEST_COGNITO_URL is set");
}
const off = skip || (!APP && "no Cognito emulator");

let browser;
let site;

before(async () => {
  if (off) return;
  browser = await launch();
  site = await startSite();
});

after(async () => {
  await browser?.close();
  await site?.close();
});

/** A confirmed user of the app's pool in Cognito. */
async function cognitoUser(tag) {
  const config = await (await fetch(`${BASE}/api/apps/${APP.app_id}/config`)).json();
  const idp = new CognitoIdentityProviderClient({
    endpoint: config.endpoint,
    region: config.region,
    credentials: { accessKeyId: "test", secretAccessKey: "test" },
  });
  const email = uniqueEmail(tag);
  await idp.send(new SignUpCommand({
    ClientId: config.clientId, Username: email, Password: PASSWORD,
    UserAttributes: [{ Name: "email", Value: email }],
  }));
  await idp.send(new AdminConfirmSignUpCommand({ UserPoolId: config.userPoolId, Username: email }));
  return { email, config };
}

test("the component signs in at Cognito with SRP from the config alone", { skip: off }, async () => {
  const { email, config } = await cognitoUser("aws");
  const context = await newContext(browser);
  const p = await openPage(context, site, { app: APP.app_id });
  const calls = [];
  p.on("request", (r) => r.method() === "POST" && calls.push(new URL(r.url()).origin));

  await header.signIn(p).click();
  await field(p, "Email").fill(email);
  await field(p, "Password").fill(`${PASSWORD}x`);
  await button(p, "Sign in").click();
  await alert(p).waitFor();
  assert.equal(await alert(p).textContent(), "Wrong email or password");
  await field(p, "Password").fill(PASSWORD);
  await button(p, "Sign in").click();
  await dialog(p).waitFor({ state: "hidden" });
  assert.equal(await p.evaluate(() => window.AuthReturn.isSignedIn()), true);
  const endpoint = new URL(config.endpoint).origin;
  assert.ok(calls.length > 0 && calls.every((origin) => origin === endpoint), JSON.stringify(calls));
  const response = await p.evaluate(async () => {
    const r = await window.AuthReturn.fetch("/api/protected");
    return { status: r.status, body: await r.json() };
  });
  assert.equal(response.status, 200, JSON.stringify(response.body));
  assert.equal(response.body.user.app_id, APP.app_id);
  await context.close();
});

test("the demo page of a Cognito app signs in there and its API takes the token", { skip: off }, async () => {
  const { email, config } = await cognitoUser("demo");
  const context = await newContext(browser);
  const p = await context.newPage();
  // The page's policy must let the component reach Cognito: a refusal shows up here.
  const problems = [];
  p.on("console", (m) => m.type() === "error" && problems.push(m.text()));
  p.on("pageerror", (e) => problems.push(e.message));
  const response = await p.goto(`${BASE}/demo/${APP.app_id}`);
  const policy = response.headers()["content-security-policy"];
  assert.match(policy, new RegExp(`connect-src 'self' ${new URL(config.endpoint).origin};`));
  await header.signIn(p).click();
  await field(p, "Email").fill(email);
  await field(p, "Password").fill(PASSWORD);
  await button(p, "Sign in").click();
  await dialog(p).waitFor({ state: "hidden" });
  await p.getByRole("button", { name: "Call the protected API" }).click();
  const out = p.locator("#out");
  await until(async () => (await out.textContent()).startsWith("200"), { message: "the API's answer" });
  const answer = JSON.parse((await out.textContent()).slice(4));
  assert.equal(answer.app_id, APP.app_id);
  assert.equal(answer.token_use, "id");
  assert.equal(answer.email, email);
  assert.deepEqual(problems, []);
  await context.close();
});
