// Hash routes: #/ (the apps), #/access-keys (the developer's own access keys), #/apps/ID (its Get
// started page), #/apps/ID/TAB, #/apps/ID/users/SUB, #/apps/ID/groups/NAME, each with an optional
// ?query (filters). Other hashes (#main, the skip link) are not routes.

/** The tabs of an app's page, in order: route segment and title. */
export const TABS = [
  ["start", "Get started"],
  ["users", "Users"],
  ["groups", "Groups"],
  ["keys", "API keys"],
  ["settings", "Settings"],
  ["providers", "Sign-in providers"],
  ["signing-keys", "Signing keys"],
  ["activity", "Activity"],
  ["webhooks", "Webhooks"],
  ["inbox", "Inbox"],
];

/** The hash of the developer's access keys page. */
export const ACCESS_KEYS_HREF = "#/access-keys";

/** The route of `hash`, or null when it is not one. */
export function parseRoute(hash) {
  if (hash === "" || hash === "#") return { view: "apps", query: new URLSearchParams() };
  if (!hash.startsWith("#/")) return null;
  const [path, search = ""] = hash.slice(2).split("?");
  const query = new URLSearchParams(search);
  const parts = path.split("/").filter(Boolean).map((p) => decodeURIComponent(p));
  if (parts.length === 0) return { view: "apps", query };
  if (parts[0] === "access-keys") return { view: parts.length === 1 ? "access-keys" : "missing", query };
  if (parts[0] !== "apps" || !parts[1]) return { view: "missing", query };
  const appId = parts[1];
  const tab = parts[2] ?? "start";
  if (!TABS.some(([name]) => name === tab)) return { view: "missing", query };
  if (tab === "users" && parts[3]) return { view: "app", appId, tab: "user", userId: parts[3], query };
  if (tab === "groups" && parts[3]) return { view: "app", appId, tab: "group", groupName: parts[3], query };
  if (parts.length > 3) return { view: "missing", query };
  return { view: "app", appId, tab, query };
}

/** The hash of an app's tab (and user or group), with an optional query. */
export function appHref(appId, tab = "start", extra = {}) {
  let hash = `#/apps/${encodeURIComponent(appId)}`;
  if (tab !== "start") hash += `/${tab}`;
  if (extra.userId) hash += `/${encodeURIComponent(extra.userId)}`;
  if (extra.groupName) hash += `/${encodeURIComponent(extra.groupName)}`;
  const query = new URLSearchParams(Object.entries(extra.query ?? {}).filter(([, v]) => v != null && v !== ""));
  const text = query.toString();
  return text ? `${hash}?${text}` : hash;
}

/** Whether the console itself asked for the route being drawn (go), rather than a link. */
let byCode = false;

/** True once after `go`: the route drawn next follows an action (whose toast should stay). */
export function takeByCode() {
  const was = byCode;
  byCode = false;
  return was;
}

/** Goes to `hash` (the hashchange listener renders it). */
export function go(hash) {
  byCode = true;
  if (location.hash === hash) window.dispatchEvent(new HashChangeEvent("hashchange"));
  else location.hash = hash;
}
