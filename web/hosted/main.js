// Auth Return's hosted sign-in pages (GET /login, /signup, /forgotPassword), served as
// /hosted.<hash>.js: the other entry of the component's modules. It reads the page's settings
// from the data-* attributes of <main id="hosted"> (crates/server/src/pages/hosted.rs), colours
// the page in the app's accent, and runs the screens. SRP, the Cognito calls and the wording of
// errors are the component's own (web/src/), so the password never leaves the page here either:
// the sign-in steps go to POST /login with the page's CSRF token, which answers the last one
// with {"SignedIn": true} and a session cookie instead of tokens.

import { createClient, fetchConfig } from "../src/client.js";
import { applyAccent } from "./accent.js";
import { HostedPage } from "./page.js";

/** Where the hosted pages send InitiateAuth and RespondToAuthChallenge (same origin). */
const SIGN_IN_PATH = "/login";

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
  };
  const client = createClient(config, fetchFn, {
    signIn: { url: SIGN_IN_PATH, headers: { "X-CSRF-Token": data.csrf }, credentials: "same-origin" },
  });
  const query = win.location.search;
  const page = new HostedPage({
    doc,
    title,
    container,
    client,
    appName: data.appName,
    query,
    go: (url) => win.location.assign(url),
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
