// The modal's "Continue with …" buttons on the sign-in form: one per identity provider of the
// app (its public config), each leaving the page for that provider (session.js
// signInWithProvider). Drawn as the passkey button is (its .or and .passkey styles).

import { h } from "./dom.js";

/** The words on a provider's button: Apple's own wording for Sign in with Apple. */
export const providerLabel = (provider) =>
  provider.type === "SignInWithApple" ? "Sign in with Apple" : `Continue with ${provider.name}`;

/**
 * "or" (unless `afterOther`: another button above has one) and a button per provider
 * (type=button: Enter in the fields still signs in with the password); `onclick(name)` leaves.
 */
export function providerButtons(doc, providers, onclick, { afterOther = false } = {}) {
  if (providers.length === 0) return [];
  const buttons = providers.map((provider) =>
    h(doc, "button", { type: "button", class: "passkey provider", text: providerLabel(provider), onclick: () => onclick(provider.name) }),
  );
  return afterOther ? buttons : [h(doc, "p", { class: "or", "aria-hidden": "true", text: "or" }), ...buttons];
}
