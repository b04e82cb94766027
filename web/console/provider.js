// Where an app's user pool lives: here (`builtin`), or in AWS Cognito (`cognito`, issue 16). The
// shell page (GET /console) says which providers this server offers and its default on <main>
// (data-providers, data-default-provider); an app's view says its own (`provider`). For a pool in
// Cognito the console forwards the admin calls as for any pool, and says plainly what only a
// pool here can do instead of offering controls the server refuses.

import { el } from "./dom.js";

/** The words for each provider. */
export const PROVIDER_WORDS = { builtin: "Built in", cognito: "AWS Cognito" };

/** The providers this server offers (the built-in one first) and its default. */
export function serverProviders() {
  const data = document.getElementById("main")?.dataset ?? {};
  const available = String(data.providers ?? "builtin").split(/\s+/).filter(Boolean);
  const fallback = available.includes("builtin") ? "builtin" : available[0] ?? "builtin";
  const chosen = available.includes(data.defaultProvider) ? data.defaultProvider : fallback;
  return { available: available.length ? available : ["builtin"], default: chosen };
}

/** Whether `app`'s pool lives with another provider than this server. */
export const isExternal = (app) => Boolean(app?.provider) && app.provider !== "builtin";

/** The provider's name for `app`: "AWS Cognito", or "Built in". */
export const providerWords = (app) => PROVIDER_WORDS[app?.provider ?? "builtin"] ?? String(app.provider);

/** The AWS console's page of `app`'s pool, when its endpoint is AWS's (not an emulator's). */
export function awsConsoleUrl(app) {
  let host = "";
  try {
    host = new URL(app.endpoint).hostname;
  } catch {
    return null;
  }
  if (!/(^|\.)amazonaws\.com$/.test(host) || !/^[a-z0-9-]+$/.test(app.region ?? "")) return null;
  const region = encodeURIComponent(app.region);
  return `https://${region}.console.aws.amazon.com/cognito/v2/idp/user-pools/${encodeURIComponent(app.user_pool_id)}/users?region=${region}`;
}

/** A small badge naming the provider of an app whose pool lives elsewhere; null for ours. */
export const providerBadge = (app) => (isExternal(app) ? el("span", { class: "badge provider", text: providerWords(app) }) : null);

/**
 * The line under an external app's name: the pool is in AWS Cognito, its region and id, and
 * a link to it in the AWS console (or the emulator's endpoint, which has no console).
 */
export function poolNotice(app) {
  if (!isExternal(app)) return null;
  const link = awsConsoleUrl(app);
  return el(
    "p",
    { class: "provider-note", "data-provider": app.provider },
    "The user pool lives in ",
    el("strong", { text: providerWords(app) }),
    ", region ",
    el("code", { text: app.region }),
    ", pool ",
    el("code", { text: app.user_pool_id }),
    ". Users sign up and sign in there; this console's user and group pages work on it through Auth Return. ",
    link ? el("a", { href: link, target: "_blank", rel: "noopener noreferrer" }, "Open it in the AWS console") : ["Endpoint: ", el("code", { text: app.endpoint })],
  );
}

/** A card saying `title` cannot be done here for `app`'s pool, and why (`why`: nodes or text). */
export const notHere = (title, ...why) =>
  el("section", { class: "card not-here", "aria-label": title }, el("h3", { text: title }), el("p", {}, why));
