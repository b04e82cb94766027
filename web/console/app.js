// An app's page: its name and ids, the tabs (Get started, Users, Groups, API keys, Settings, Signing
// keys, Activity, and Inbox when the server keeps a development outbox), and the tab's content.
// For an app whose pool lives in AWS Cognito, a badge beside its ids says so, and on Get started
// a line with the pool's region and id (provider.js).

import { ApiError, loadApp, rest } from "./api.js";
import { el, emptyState, errorBox, fill, loading } from "./dom.js";
import { renderGroup, renderGroups } from "./groups.js";
import { renderActivity } from "./activity.js";
import { renderInbox } from "./inbox.js";
import { renderKeys } from "./keys.js";
import { isExternal, poolNotice, providerBadge, providerWords } from "./provider.js";
import { TABS, appHref } from "./router.js";
import { renderSettings } from "./settings.js";
import { renderSigningKeys } from "./signing.js";
import { renderStart } from "./start.js";
import { renderUser } from "./user.js";
import { renderUsers } from "./users.js";
import { renderWebhooks } from "./webhooks.js";
import { renderIdentityProviders } from "./identity_providers.js";

/** Whether each app has an inbox (the server's answer, asked once per app). */
const inboxKnown = new Map();

async function hasInbox(appId) {
  if (!inboxKnown.has(appId)) {
    const probe = rest(`/api/apps/${encodeURIComponent(appId)}/inbox`, { query: { limit: 1 } }).then(
      () => true,
      () => false,
    );
    inboxKnown.set(appId, probe);
  }
  return inboxKnown.get(appId);
}

/**
 * Renders the app page of `route` ({appId, tab, userId, query}) into `box`, unless
 * `isCurrent()` says another route has been drawn since (then the page stays that route's).
 */
export async function renderApp(box, route, isCurrent = () => true) {
  fill(box, loading("Loading the app…"));
  let app;
  try {
    app = await loadApp(route.appId, { fresh: route.tab === "settings" });
  } catch (error) {
    if (!isCurrent()) return;
    if (error instanceof ApiError && error.status === 404) {
      fill(box, emptyState("No such app.", "It was deleted, or it belongs to another developer.", el("a", { href: "#/", class: "button-link" }, "Back to your apps")));
    } else {
      fill(box, errorBox(error, "Could not load the app"));
    }
    return;
  }
  // Cognito sends a pool's mail itself: the outbox never holds any of it.
  const inbox = !isExternal(app) && (await hasInbox(app.app_id));
  if (!isCurrent()) return;
  const current = { user: "users", group: "groups" }[route.tab] ?? route.tab;
  const tabs = TABS.filter(([name]) => name !== "inbox" || inbox);
  const content = el("div", { class: "tab-content" });
  fill(
    box,
    el("nav", { class: "crumbs", "aria-label": "Breadcrumb" }, el("a", { href: "#/" }, "Apps"), el("span", { "aria-hidden": "true" }, " / "), el("span", { class: "literal", text: app.name })),
    el(
      "div",
      { class: "page-head" },
      el(
        "div",
        { class: "title-block" },
        el("h1", { tabindex: "-1", class: "literal", text: app.name }),
        el("p", { class: "muted ids" }, el("code", { text: app.app_id }), " · ", el("code", { text: app.user_pool_id }), providerBadge(app) ? [" ", providerBadge(app)] : null),
        // The whole story once, on the first tab; the badge says it on the others.
        route.tab === "start" ? poolNotice(app) : null,
      ),
    ),
    el(
      "nav",
      { class: "tabs", "aria-label": "App sections" },
      tabs.map(([name, title]) => el("a", { href: appHref(app.app_id, name), "aria-current": name === current ? "page" : null }, title)),
    ),
    content,
  );
  const views = {
    start: () => renderStart(content, app),
    users: () => renderUsers(content, app, route.query),
    user: () => renderUser(content, app, route.userId),
    groups: () => renderGroups(content, app),
    group: () => renderGroup(content, app, route.groupName),
    keys: () => renderKeys(content, app),
    settings: () => renderSettings(content, app),
    providers: () => renderIdentityProviders(content, app),
    "signing-keys": () => renderSigningKeys(content, app),
    activity: () => renderActivity(content, app, route.query),
    webhooks: () => renderWebhooks(content, app),
    inbox: () =>
      inbox
        ? renderInbox(content, app)
        : isExternal(app)
          ? fill(content, emptyState("No inbox for this app.", `${providerWords(app)} sends this app's mail (invitations, codes) itself; Auth Return never sees it.`))
          : fill(content, emptyState("No development inbox.", "This server sends real mail (SMTP is configured), so there is no outbox to show.")),
  };
  await views[route.tab]();
}
