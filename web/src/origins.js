// The origins AuthReturn.fetch may send a token to: the page's own and the listed apiOrigins.

import { usageError } from "./errors.js";

const WEB_SCHEMES = new Set(["http:", "https:"]);

/** Options as the core keeps them: apiOrigins as a frozen list of origins, invalid ones refused. */
export function checkedOptions(options) {
  if (options?.apiOrigins === undefined) return options;
  return { ...options, apiOrigins: apiOriginList(options.apiOrigins) };
}

/** A list, or a space- or comma-separated string (data-api-origins), of http(s) origins. */
export function apiOriginList(value) {
  const entries = typeof value === "string" ? value.split(/[\s,]+/).filter(Boolean) : value;
  if (!Array.isArray(entries)) {
    throw usageError("invalid_api_origins", `apiOrigins must be a list such as ["https://api.example.com"], not ${typeof value}`);
  }
  return Object.freeze(entries.map(originOf));
}

function originOf(entry) {
  let url = null;
  try {
    url = typeof entry === "string" ? new URL(entry) : null;
  } catch {
    // refused below, with the entry named
  }
  if (!WEB_SCHEMES.has(url?.protocol)) {
    throw usageError("invalid_api_origin", `apiOrigins: ${JSON.stringify(entry)} is not an http(s) origin such as "https://api.example.com"`);
  }
  return url.origin;
}

/**
 * The origin of `url` (resolved against the page) when AuthReturn.fetch may send it a token: the
 * page's own or one in apiOrigins, over http(s). Any other throws: sent with the token, the
 * request would hand it to a server nobody chose; sent without, it would hide the mistake.
 */
export function tokenOrigin(url, pageUrl, apiOrigins) {
  const target = new URL(url, pageUrl ?? undefined);
  if (!WEB_SCHEMES.has(target.protocol)) {
    throw usageError("origin_not_allowed", `AuthReturn.fetch sends tokens over http(s) only, not to ${target.protocol} URLs`);
  }
  const page = pageUrl ? new URL(pageUrl).origin : "none";
  if (target.origin === page || apiOrigins.includes(target.origin)) return target.origin;
  throw usageError(
    "origin_not_allowed",
    `AuthReturn.fetch does not send tokens to ${target.origin}: it is neither this page's origin (${page}) ` +
      `nor in apiOrigins. If it is your API, list it: data-api-origins="${target.origin}" on the script tag, ` +
      `or AuthReturn.configure({ apiOrigins: ["${target.origin}"] }).`,
  );
}
