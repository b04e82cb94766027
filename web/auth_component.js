/*
 * Auth Return: the embeddable sign-in component, served as /auth_component.js.
 *
 *   <script src="https://auth.example.com/auth_component.js" data-app-id="APP_ID"></script>
 *
 * Installs `window.AuthReturn`. Speaks the Cognito Identity Provider JSON protocol to the
 * server the script was loaded from; sign-in uses SRP, so the password never leaves the page.
 *
 * This entry is the bootstrap from the script tag; the layers it stands on are in web/src/, each
 * usable without the ones after it: bytes and SRP, the Cognito client, the session core (no DOM),
 * the modal and the prompt (ui/). crates/server/build.rs joins them into the one served script.
 */

import { API_BRAND, isApi } from "./src/brand.js";
import { appMfa } from "./src/mfa.js";
import { apiOriginList } from "./src/origins.js";
import { AuthCore } from "./src/session.js";
import { documentMember } from "./src/ui/dom.js";
import { Modal } from "./src/ui/modal.js";
import { SessionPrompt } from "./src/ui/prompt.js";

const ACTIVITY_EVENTS = ["pointerdown", "keydown", "wheel", "touchstart", "scroll"];

function browserEnv(doc) {
  return {
    onActivity(fn) {
      for (const type of ACTIVITY_EVENTS) doc.addEventListener(type, fn, { passive: true, capture: true });
    },
    onPageLifecycle({ hidden, shown }) {
      addEventListener("pagehide", hidden);
      addEventListener("pageshow", shown);
    },
  };
}

/** Options from the script tag's data-* attributes. */
function optionsFromDataset(data) {
  const options = {};
  if (data.storage) options.storage = data.storage;
  if (data.fetchToken) options.fetchToken = data.fetchToken;
  if (data.idleTimeout) options.idleTimeoutMinutes = Number(data.idleTimeout);
  if (data.warnBefore) options.warnBeforeMinutes = Number(data.warnBefore);
  if (data.theme) options.theme = data.theme;
  if (data.apiOrigins) options.apiOrigins = datasetOrigins(data.apiOrigins);
  return options;
}

/** data-api-origins; with an invalid entry, none (as configure, which throws, sets none). */
function datasetOrigins(text) {
  try {
    return apiOriginList(text);
  } catch (error) {
    console.error(`auth_component.js: data-api-origins: ${error.message}`);
    return [];
  }
}

/** This script's tag. An element named "currentScript" must not choose the server. */
function findScript(doc) {
  const script =
    documentMember(doc, "currentScript") ??
    documentMember(doc, "querySelector").call(doc, 'script[data-app-id][src*="auth_component"]');
  return script instanceof HTMLScriptElement ? script : null;
}

/** Builds the public API around a core, a modal and a prompt. */
function createApi(auth, doc) {
  const modal = new Modal(auth, doc);
  const prompt = new SessionPrompt(auth, doc, (warning) => {
    if (warning?.reason === "idle") return auth.recordActivity();
    prompt.hide();
    modal.open("signin", { email: auth.session?.email, reauth: true });
  });
  auth.on("sessionexpiring", (warning) => prompt.show(warning));
  auth.on("_idlereset", () => prompt.hide("idle"));
  auth.on("_sessionreset", () => prompt.hide("session"));
  for (const event of ["signin", "signout"]) auth.on(event, () => prompt.hide());

  const ready = auth.start();
  ready.catch((error) => auth.emit("error", error));
  const afterReady = (fn) => async (...args) => {
    await ready;
    return fn(...args);
  };

  return Object.freeze({
    [API_BRAND]: true,
    ready: ready.then(() => undefined),
    signIn: afterReady(() => modal.open("signin", { email: auth.session?.email })),
    signUp: afterReady(() => modal.open("signup")),
    /** Leaves for the app's identity provider `name`; back on this page (a callback URL of the app), signed in. */
    signInWithProvider: afterReady((name) => auth.signInWithProvider(String(name))),
    /** The app's identity providers, `[{name, type}]` (empty before `ready`). */
    identityProviders: () => auth.identityProviders(),
    manageMfa: afterReady(() => modal.openMfa()),
    canManageMfa: () => auth.isSignedIn() && appMfa(auth.config).mode !== "OFF",
    manageSecurity: afterReady(() => modal.openSecurity()),
    /** What "Sign-in & security" holds for the signed-in user: `{mfa, passkeys}`, or null signed out. */
    securityFeatures: () => (auth.isSignedIn() && auth.config ? modal.securityFeatures() : null),
    signOut: (options = {}) =>
      ready.catch(() => {}).then(() => auth.signOut({ global: Boolean(options.global) })),
    isSignedIn: () => auth.isSignedIn(),
    getUser: () => auth.getUser(),
    getIdToken: afterReady(() => auth.getToken("id")),
    getAccessToken: afterReady(() => auth.getToken("access")),
    fetch: (input, init) => ready.then(() => auth.fetch(input, init), () => auth.fetch(input, init)),
    on: (event, fn) => auth.on(event, fn),
    off: (event, fn) => auth.off(event, fn),
    configure(options) {
      const result = auth.configure(options);
      modal.setTheme(result.theme);
      prompt.setTheme(result.theme);
      return result;
    },
  });
}

function install(win, doc) {
  if (isApi(win.AuthReturn)) return;
  const script = findScript(doc);
  const appId = script?.dataset.appId;
  if (!appId) {
    console.error("auth_component.js: add data-app-id to its <script> tag");
    return;
  }
  // The server is where this script came from (data-server overrides, e.g. behind a CDN).
  const baseUrl = script.dataset.server ?? new URL(".", script.src || win.location.href).href;
  const auth = new AuthCore({ appId, baseUrl, options: optionsFromDataset(script.dataset), env: browserEnv(doc) });
  win.AuthReturn = createApi(auth, doc);
  win.dispatchEvent(new Event("authreturn:load"));
}

if (typeof document !== "undefined") install(window, document);
