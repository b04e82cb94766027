/*
 * Auth Return's developer console, served as /console.js to the shell page GET /console.
 *
 * The developer signs in with the sign-in component on the built-in `console` app (the page's
 * script tag says data-app-id="console" data-fetch-token="access"); every page then calls the
 * public REST API and the Cognito admin operations with that console access token, through
 * AuthReturn.fetch. Routes are in the hash (router.js). crates/server/build.rs joins these modules
 * into one script; the page's Content-Security-Policy allows no inline script or style, so
 * nothing here sets a style attribute or writes HTML: data goes in as text (dom.js).
 */

import { renderAccessKeys } from "./access_keys.js";
import { renderApp } from "./app.js";
import { renderApps } from "./apps.js";
import { el, emptyState, errorBox, fill, hideToast } from "./dom.js";
import { updateSiteNav } from "./nav.js";
import { parseRoute, takeByCode } from "./router.js";

const main = document.getElementById("main");

/** The signed-out page: what the console is and the two ways in. */
function renderWelcome() {
  fill(
    main,
    el(
      "section",
      { class: "welcome" },
      el("h1", { tabindex: "-1", text: "Developer console" }),
      el("p", { class: "lead" }, "Register apps, see and manage their users, API keys, settings and signing keys, create access keys for boto3 and the AWS CLI, and copy the code that connects your front end and backend."),
      el(
        "div",
        { class: "row wrap" },
        el("button", { type: "button", class: "primary", onclick: () => window.AuthReturn.signIn() }, "Sign in"),
        el("button", { type: "button", onclick: () => window.AuthReturn.signUp() }, "Create a developer account"),
      ),
      el(
        "p",
        { class: "muted" },
        "On a new server the first person to sign up becomes its developer; after that the operator invites developers (",
        el("code", {}, "auth-return developers invite EMAIL"),
        ") unless sign-up is open. New to Auth Return? Read the ",
        el("a", { href: "/docs" }, "integration guide"),
        ".",
      ),
    ),
  );
}

let lastView = null;
/** Counts the routes drawn: a page still loading when the next is drawn must not replace it. */
let drawn = 0;

/** Draws the page of the current hash. */
async function route() {
  const api = window.AuthReturn;
  if (!api?.isSignedIn()) {
    drawn += 1;
    lastView = "welcome";
    updateSiteNav(null);
    renderWelcome();
    return;
  }
  // A hash that is no route (an in-page anchor): the page stays, or the apps on a first load.
  const where = parseRoute(location.hash) ?? (lastView && lastView !== "welcome" ? null : parseRoute(""));
  if (!where) return;
  const mine = ++drawn;
  // A page the developer moved to by a link drops the last page's toast; one an action moved
  // to (deleted: back to the list) keeps the toast saying what the action did.
  if (!takeByCode()) hideToast();
  const view = `${where.view}/${where.appId ?? ""}`;
  const moved = view !== lastView;
  lastView = view;
  document.title = "Auth Return console";
  updateSiteNav(where.view);
  if (where.view === "apps") renderApps(main);
  else if (where.view === "access-keys") renderAccessKeys(main);
  else if (where.view === "app") await renderApp(main, where, () => mine === drawn);
  else fill(main, emptyState("No such page.", null, el("a", { href: "#/", class: "button-link" }, "Back to your apps")));
  // A new page: its heading takes the focus (screen readers announce it); a new tab keeps focus.
  if (moved && mine === drawn) main.querySelector("h1")?.focus({ preventScroll: false });
}

async function start() {
  const api = window.AuthReturn;
  if (!api) {
    fill(main, errorBox(new Error("The sign-in component did not load (/auth_component.js).")));
    return;
  }
  try {
    await api.ready;
  } catch (error) {
    fill(main, errorBox(error, "The sign-in component could not start"));
    return;
  }
  api.on("signin", () => {
    lastView = null;
    route();
  });
  api.on("signout", () => route());
  addEventListener("hashchange", () => route());
  // The skip link moves the focus without touching the hash, which holds the route.
  document.querySelector("a.skip")?.addEventListener("click", (event) => {
    event.preventDefault();
    main.focus();
  });
  route();
}

start();
