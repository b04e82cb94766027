// The top bar's site navigation: the shell page (GET /console) has only the guide's link there;
// a signed-in developer also gets their apps and their access keys, the current one marked.

import { el } from "./dom.js";
import { ACCESS_KEYS_HREF } from "./router.js";

/** The console's own links, made once: [route view they lead to, link]. */
let consoleLinks = null;

function links(nav) {
  if (!consoleLinks) {
    consoleLinks = [
      ["apps", el("a", { href: "#/" }, "Apps")],
      ["access-keys", el("a", { href: ACCESS_KEYS_HREF }, "Access keys")],
    ];
    nav.prepend(...consoleLinks.map(([, link]) => link));
  }
  return consoleLinks;
}

/**
 * Shows the console's links for a signed-in developer on the page of route view `view`
 * ("apps", "app", "access-keys"…), or hides them when `view` is null (signed out).
 */
export function updateSiteNav(view) {
  const nav = document.querySelector("nav.topnav");
  if (!nav) return;
  for (const [leadsTo, link] of links(nav)) {
    link.hidden = view == null;
    if (leadsTo === view) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
}
