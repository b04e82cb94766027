// The console's calls: the public REST API and the Cognito admin operations (POST /), both with
// the developer's console access token, which AuthReturn.fetch adds (the console's script tag
// says data-fetch-token="access") and refreshes on a 401. No private back door.

/** A refused call: HTTP status, the server's code and message, and per-field messages. */
export class ApiError extends Error {
  constructor(status, code, message, fields = []) {
    super(message || `The server answered ${status}.`);
    this.status = status;
    this.code = code;
    this.fields = Array.isArray(fields) ? fields : [];
  }
}

async function send(url, init) {
  try {
    return await window.AuthReturn.fetch(url, init);
  } catch (error) {
    throw new ApiError(0, "network", `Could not reach the server (${error?.message ?? error}).`);
  }
}

/** `GET`/`POST`/`PATCH`/`DELETE` on the REST API; `query` members that are empty are left out. */
export async function rest(path, { method = "GET", body, query } = {}) {
  const url = new URL(path, location.origin);
  for (const [name, value] of Object.entries(query ?? {})) {
    if (value != null && value !== "") url.searchParams.set(name, String(value));
  }
  const init = { method, headers: { accept: "application/json" } };
  if (body !== undefined) {
    init.headers["content-type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  const response = await send(url.pathname + url.search, init);
  if (response.status === 204) return null;
  const data = await response.json().catch(() => null);
  if (!response.ok) {
    throw new ApiError(response.status, data?.error ?? "error", data?.message, data?.fields);
  }
  return data;
}

/** A Cognito operation on `POST /` (e.g. "ListUsers"), with the console token as Bearer. */
export async function cognito(operation, body) {
  const response = await send("/", {
    method: "POST",
    headers: {
      "content-type": "application/x-amz-json-1.1",
      "x-amz-target": `AWSCognitoIdentityProviderService.${operation}`,
    },
    body: JSON.stringify(body),
  });
  const data = await response.json().catch(() => ({}));
  if (!response.ok) {
    const type = String(data.__type ?? response.headers.get("x-amzn-errortype") ?? "Error").split("#").pop().split(":")[0];
    throw new ApiError(response.status, type, data.message ?? `${operation} failed (${type}).`);
  }
  return data;
}

/** Cached app views by id (the list and the app's pages share them). */
export const appCache = new Map();

/** The app `id`: from the cache, else the server. */
export async function loadApp(id, { fresh = false } = {}) {
  if (!fresh && appCache.has(id)) return appCache.get(id);
  const app = await rest(`/api/apps/${encodeURIComponent(id)}`);
  appCache.set(id, app);
  return app;
}
