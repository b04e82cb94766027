// An app's signing keys: each key's state and dates, a normal rotation, and an emergency
// rotation (a leaked key) behind a confirmation that says what it voids. A pool in AWS Cognito
// has Cognito's keys, which nobody rotates on request: the page says so and where they are.

import { rest } from "./api.js";
import { confirmDialog } from "./dialog.js";
import { copyField, dataTable, el, errorBox, fill, loading, toast, when } from "./dom.js";
import { isExternal, notHere, providerWords } from "./provider.js";

const KEY_STATES = {
  next: ["Next", "Published in the JWKS; starts signing at the time shown, so verifiers know it first."],
  active: ["Active", "Signs every new token."],
  retiring: ["Retiring", "No longer signs; stays published until the tokens it signed have expired."],
};

/** The signing keys tab of an app whose pool lives elsewhere: whose keys they are, and where. */
function externalKeys(box, app) {
  const provider = providerWords(app);
  fill(
    box,
    el("div", { class: "section-head" }, el("h2", { text: "Signing keys" })),
    notHere(
      `${provider} manages this app's signing keys`,
      `${provider} signs the pool's tokens with keys of its own and does not rotate them on request, so there is nothing to rotate here. Verifiers find the keys in the pool's JWKS:`,
    ),
    el("div", { class: "fields" }, copyField("JWKS", app.jwks_uri), copyField("Issuer", app.issuer)),
  );
}

/** Renders the signing keys tab of `app` into `box`. */
export function renderSigningKeys(box, app) {
  if (isExternal(app)) return externalKeys(box, app);
  const list = el("div", { class: "list-area" });
  const path = `/api/apps/${encodeURIComponent(app.app_id)}/signing-keys`;
  const rotate = async (emergency) => {
    const ok = await confirmDialog(
      emergency
        ? {
            title: "Emergency rotation?",
            message: el(
              "div",
              {},
              el("p", {}, "For a leaked key. A new key signs at once and every older key is withdrawn from the JWKS now."),
              el("p", {}, el("strong", {}, "Every ID and access token this app has issued stops verifying immediately"), ": your backends refuse them until the clients refresh. Sessions survive: the next refresh gets tokens signed by the new key."),
            ),
            confirmLabel: "Rotate now and void the old tokens",
            danger: true,
          }
        : {
            title: "Rotate the signing key?",
            message: el("p", {}, "A new key is published now and starts signing after the propagation time, so verifiers learn it first. The current key keeps verifying the tokens it signed until they expire. Nobody is signed out."),
            confirmLabel: "Rotate",
          },
    );
    if (!ok) return;
    try {
      const data = await rest(`${path}/rotate`, { method: "POST", body: emergency ? { emergency: true } : {} });
      toast(emergency ? "Rotated in an emergency: the old keys are withdrawn and their tokens no longer verify." : "Rotated: the new key is published and starts signing after the propagation time.");
      show(list, data?.keys ?? []);
    } catch (error) {
      toast(`Rotation failed: ${error.message}`, "error");
    }
  };
  fill(
    box,
    el("div", { class: "section-head" }, el("h2", { text: "Signing keys" }), el("div", { class: "row wrap" }, el("button", { type: "button", class: "primary", onclick: () => rotate(false) }, "Rotate key"), el("button", { type: "button", class: "danger", onclick: () => rotate(true) }, "Emergency rotation…"))),
    el("p", { class: "muted" }, "Tokens are signed with RS256 by the app's own key; the JWKS publishes every key that may still verify a token."),
    el("dl", { class: "facts legend" }, Object.values(KEY_STATES).flatMap(([name, text]) => [el("dt", { text: name }), el("dd", { text })])),
    list,
  );
  fill(list, loading("Loading signing keys…"));
  rest(path).then(
    (data) => show(list, data?.keys ?? []),
    (error) => fill(list, errorBox(error, "Could not list the signing keys")),
  );
}

function show(list, keys) {
  fill(
    list,
    dataTable(
      "Signing keys",
      [
        ["Key id (kid)", (k) => el("code", { text: k.kid })],
        ["State", (k) => el("span", { class: `badge state-${k.state}`, text: KEY_STATES[k.state]?.[0] ?? k.state })],
        ["Published", (k) => when(k.created_at)],
        ["Signs from", (k) => when(k.activates_at)],
      ],
      keys,
    ),
  );
}
