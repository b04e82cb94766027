// The README's code, with the app's values: the templates are the files of web/console/snippets/
// (build.rs embeds them below), and a Rust test renders each with the README's example values
// and checks that the README holds exactly that text, so the two cannot drift.

import { isExternal } from "./provider.js";

/**
 * The templates by file name; `{{SERVER}}` (this server: the components, the config),
 * `{{ENDPOINT}}` and `{{REGION}}` (the pool's Cognito endpoint), `{{APP_ID}}`, `{{POOL_ID}}`,
 * `{{CLIENT_ID}}` are filled in.
 */
const SNIPPET_TEMPLATES = {}; // build.rs: embed console/snippets

/** The template `name` with `values` ({SERVER, APP_ID, POOL_ID, CLIENT_ID}) filled in. */
export function snippet(name, values) {
  const template = SNIPPET_TEMPLATES[name];
  if (template == null) return `(the snippet ${name} is missing from this build)`;
  return template.replace(/\{\{([A-Z_]+)\}\}/g, (whole, key) => (key in values ? String(values[key]) : whole));
}

/**
 * The values of `app` for the templates. A built-in pool's endpoint is this server; a pool in
 * AWS Cognito has Cognito's, and its region, while the components and the config still come
 * from this server (the console's own origin).
 */
export function snippetValues(app) {
  const endpoint = String(app.endpoint ?? location.origin).replace(/\/+$/, "");
  const external = isExternal(app);
  return {
    SERVER: external ? location.origin : endpoint,
    ENDPOINT: endpoint,
    REGION: external ? app.region : "local",
    APP_ID: app.app_id,
    POOL_ID: app.user_pool_id,
    CLIENT_ID: app.client_id,
  };
}
