// The fields of the sign-in forms, shared by the modal and the hosted pages: each one's label,
// input type and autocomplete, and the password rules ticked off while the user types.

import { passwordRules } from "../policy.js";
import { h } from "./dom.js";

/** The fields by name; `rules` marks a new password, shown with the app's policy. */
export const FIELDS = {
  email: { label: "Email", type: "email", autocomplete: "username", inputmode: "email" },
  password: { label: "Password", type: "password", autocomplete: "current-password" },
  newPassword: { label: "Password", type: "password", autocomplete: "new-password", rules: true },
  resetPassword: { label: "New password", type: "password", autocomplete: "new-password", rules: true },
  code: { label: "Confirmation code", type: "text", autocomplete: "one-time-code", inputmode: "numeric" },
  mfaCode: { label: "6-digit code", type: "text", autocomplete: "one-time-code", inputmode: "numeric" },
};

/**
 * The rules of `policy` as a list (id `${id}-rules`, for the input's aria-describedby) and
 * `tick(value)` marking each one met or not, in words too; null without a policy.
 */
export function rulesList(doc, policy, id) {
  if (!policy) return null;
  const items = passwordRules(policy).map((rule) => {
    const state = h(doc, "span", { class: "sr", text: " (not yet)" });
    return { rule, state, li: h(doc, "li", { "data-met": "false" }, rule.label, state) };
  });
  const list = h(doc, "ul", { class: "rules", id: `${id}-rules`, "aria-label": "Password must have" }, items.map((i) => i.li));
  return {
    list,
    tick(value) {
      for (const { rule, state, li } of items) {
        const met = rule.met(value);
        li.dataset.met = String(met);
        state.textContent = met ? " (done)" : " (not yet)";
      }
    },
  };
}
