// The second-factor screens' parts, shared by the modal and the hosted pages: their words, the
// screen a sign-in's challenge leads to, the choice between two factors, and an authenticator
// app's setup (the QR code of its key, the key as copyable text, a note to keep it).

import { EMAIL_OTP, TOTP } from "../mfa.js";
import { fetchQr, groupSecret, otpauthUri } from "../otpauth.js";
import { h } from "./dom.js";

/** What the second-factor screens say. */
export const MFA_TEXT = {
  title: "Two-step verification",
  totpIntro: "Enter the 6-digit code your authenticator app shows for this account.",
  emailIntro: (to) => `We emailed a 6-digit code to ${to || "your address"}. It works for 3 minutes.`,
  choose: "How do you want to get your code?",
  setupTitle: "Set up an authenticator app",
  required: (app) => `${app || "This app"} asks for a code from an authenticator app each time you sign in.`,
  requiredChoice: (app) => `${app || "This app"} asks for a code after your password each time you sign in.`,
  chooseSetup: "How do you want to get your codes?",
  lostPhone: (app) =>
    `Lost your phone? Ask ${app ? `${app}’s` : "the app’s"} support to turn off your authenticator app, then sign in with your password.`,
  newCode: "We sent a new code.",
};

/** Each factor as the user knows it. */
export const FACTOR_TEXT = {
  [TOTP]: { label: "Authenticator app", hint: "A code from the app on your phone" },
  [EMAIL_OTP]: { label: "Email", hint: "A code we email you" },
};

/** The screen each challenge of a sign-in opens. */
const CHALLENGE_SCREENS = {
  NEW_PASSWORD_REQUIRED: "newpassword",
  [TOTP]: "mfacode",
  [EMAIL_OTP]: "mfacode",
  SELECT_MFA_TYPE: "mfaselect",
  MFA_SETUP: "mfasetup",
};

/**
 * The screen `challenge` opens, kept in `ctx.challenge`. MFA_SETUP opens the choice between an
 * authenticator app and codes by email where the app offers both, else the app's setup.
 */
export async function challengeScreen(client, challenge, ctx) {
  ctx.challenge = challenge;
  if (challenge.name === "MFA_SETUP" && challenge.setupChoices.includes(EMAIL_OTP)) return "mfasetupchoice";
  if (challenge.name === "MFA_SETUP") return totpSetupScreen(client, ctx);
  return CHALLENGE_SCREENS[challenge.name];
}

/**
 * MFA_SETUP with an authenticator app: the new key is asked for first (AssociateSoftwareToken
 * with the challenge's Session), into `ctx.setup` `{secret, session}`; then its screen.
 */
export async function totpSetupScreen(client, ctx) {
  ctx.setup = await client.associateSoftwareToken({ session: ctx.challenge.session });
  return "mfasetup";
}

/** The code as typed, without the spaces people (and some apps) put in the middle. */
export const typedCode = (code) => String(code).replace(/\s+/g, "");

/** Radio buttons (name "factor") for `factors`, the first one checked, under `legend`: each a card the whole of which is its label. */
export function factorChoice(doc, idPrefix, factors, legend) {
  const known = factors.filter((factor) => FACTOR_TEXT[factor]);
  const options = known.map((factor, index) => {
    const input = h(doc, "input", { type: "radio", name: "factor", value: factor, id: `${idPrefix}-${factor.toLowerCase()}`, checked: index === 0 });
    return h(
      doc,
      "label",
      { class: "choice", for: input.id },
      input,
      h(doc, "span", { class: "choice-label", text: FACTOR_TEXT[factor].label }),
      h(doc, "span", { class: "choice-hint", text: FACTOR_TEXT[factor].hint }),
    );
  });
  return h(doc, "fieldset", { class: "choices" }, h(doc, "legend", { text: legend }), options);
}

/**
 * An authenticator app's setup: the steps, the QR code of the key's otpauth:// URI (drawn by
 * the server at `qrUrl`; until then, and where it cannot be drawn, an empty square), the key
 * in groups with a Copy button and a link that hands it to an authenticator app on this
 * device, and a note to keep the key.
 */
export function setupPanel(doc, { secret, issuer, account, qrUrl, fetchFn, idPrefix }) {
  const uri = otpauthUri({ issuer, account, secret });
  const keyId = `${idPrefix}-key`;
  const image = h(doc, "img", { class: "qr", alt: "QR code of the key for your authenticator app", width: "168", height: "168", hidden: true });
  const frame = h(doc, "div", { class: "qr-frame", "aria-busy": "true" }, image);
  fetchQr(qrUrl, uri, fetchFn).then((src) => {
    frame.removeAttribute("aria-busy");
    if (!src) return frame.classList.add("qr-missing");
    image.src = src;
    image.hidden = false;
  });
  // Two rows of four groups; the spaces between the groups stay in the text.
  const groups = groupSecret(secret).split(" ").flatMap((group, i) => [i ? " " : null, h(doc, "span", { text: group })]);
  const key = h(doc, "code", { class: "secret", id: keyId }, groups);
  const said = h(doc, "span", { class: "sr", "aria-live": "polite" });
  const copy = h(doc, "button", { type: "button", class: "copy", "aria-describedby": keyId, text: "Copy key" });
  copy.addEventListener("click", () => copyKey(doc, secret, key, copy, said));
  return h(
    doc,
    "ol",
    { class: "setup" },
    h(
      doc,
      "li",
      {},
      h(doc, "p", { text: "Scan the QR code with an authenticator app such as Google Authenticator, Microsoft Authenticator or 1Password." }),
      frame,
      h(doc, "p", { text: "Or type this key into the app:" }),
      h(doc, "div", { class: "key" }, key, copy, said),
      h(
        doc,
        "p",
        { class: "hint" },
        "Keep the key somewhere safe: it sets the app up again on a new phone. On this phone? ",
        h(doc, "a", { href: uri, text: "Open the key in your authenticator app" }),
        ".",
      ),
    ),
    h(doc, "li", {}, h(doc, "p", { text: "Enter the 6-digit code the app shows." })),
  );
}

/** Copies the key (without its spaces); where the clipboard is refused, selects it instead. */
async function copyKey(doc, secret, key, button, said) {
  const view = doc.defaultView;
  const show = (label, spoken) => {
    button.textContent = label;
    said.textContent = spoken;
    view.setTimeout(() => (button.textContent = "Copy key"), 2000);
  };
  try {
    await view.navigator.clipboard.writeText(String(secret).replace(/\s+/g, ""));
    show("Copied", "Key copied");
  } catch {
    const range = doc.createRange();
    range.selectNodeContents(key);
    view.getSelection().removeAllRanges();
    view.getSelection().addRange(range);
    show("Selected", "Key selected: copy it with your keyboard");
  }
}
