// Auth Return's hosted sign-in pages (GET /login, /signup, /forgotPassword), served as
// /hosted.<hash>.js: the other entry of the component's modules. It reads the page's settings
// from the data-* attributes of <main id="hosted"> (crates/server/src/pages/hosted.rs), colours
// the page in the app's accent, and runs the screens (with "Sign in with a passkey", and passkeys
// in the email field's autofill, where the app has passkeys on: data-passkeys). SRP, the Cognito
// calls and the wording of errors are the component's own (web/src/), so the password never
// leaves the page here either.
// Every call goes to POST /login with the page's CSRF token (the server adds an app's
// SECRET_HASH there); the last sign-in step answers {"SignedIn": true} and sets the session
// cookie instead of handing out tokens.

import { createClient, fetchConfig } from "../src/client.js";
import { conditionalMediation } from "../src/passkeys.js";
import { applyAccent } from "./accent.js";
import { HostedPage } from "./page.js";

/** Where the hosted pages send their Cognito calls (same origin: the cookies are there). */
const CALLS_PATH = "/login";

function startHosted(win, doc) {
  const root = doc.getElementById("hosted");
  const container = doc.getElementById("hosted-screen");
  const title = doc.getElementById("hosted-title");
  if (!root || !container || !title) return;
  const data = root.dataset;
  applyAccent(doc.documentElement, data.accent);
  const fetchFn = (...args) => win.fetch(...args);
  const config = {
    appId: data.appId,
    name: data.appName,
    userPoolId: data.poolId,
    clientId: data.clientId,
    endpoint: data.endpoint,
    passkeys: { enabled: data.passkeys === "true" },
  };
  const client = createClient(config, fetchFn, {
    target: { url: CALLS_PATH, headers: { "X-CSRF-Token": data.csrf }, credentials: "same-origin" },
  });
  const query = win.location.search;
  const page = new HostedPage({
    doc,
    title,
    container,
    client,
    fetchFn,
    appName: data.appName,
    query,
    go: (url) => win.location.assign(url),
    // The browser's passkeys, where it has them.
    credentials: typeof win.PublicKeyCredential === "function" ? win.navigator.credentials : null,
    conditionalMediation: () => conditionalMediation(win.PublicKeyCredential),
    timers: win,
  });
  const hint = new URLSearchParams(query).get("login_hint")?.trim();
  page.start(data.screen, { email: hint || undefined });
  // The password policy, for the rules under a new password (without it, the server's words).
  fetchConfig(config.endpoint, config.appId, fetchFn).then(
    (found) => page.setPolicy(found.passwordPolicy),
    () => {},
  );
}

if (typeof document !== "undefined") startHosted(window, document);
