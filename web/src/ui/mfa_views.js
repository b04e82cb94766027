// The modal's second-factor views. During a sign-in: the code (from the authenticator app, or
// mailed), the choice between the two, and setting up a factor where the app requires one
// (MFA_SETUP: an authenticator app, or codes by email where the app offers them). Signed in,
// "Two-step verification": which factors are on, setting up an authenticator app, turning each
// factor on or off, and which one is asked for first; where the app has passkeys on, the page is
// "Sign-in & security", its "Passkeys" section (passkey_views.js) above the factors.

import { EMAIL_OTP, TOTP, appMfa } from "../mfa.js";
import { h } from "./dom.js";
import { passkeySection } from "./passkey_views.js";
import { MFA_TEXT, factorChoice, setupPanel, totpSetupScreen, typedCode } from "./mfa_parts.js";

/** The security page's title where it holds passkeys too (and <auth-header>'s menu item). */
export const SECURITY_TITLE = "Sign-in & security";

/** The modal's CSS for these views (the modal's own is in modal.js). */
export const MFA_STYLE = `
  .note, .hint { font-size: 0.9em; color: var(--_muted); }
  .note { margin: 14px 0 0; }
  .setup { margin: 0; padding: 0 0 0 1.3em; color: var(--_fg); }
  .setup li::marker { font-weight: 600; }
  .setup p { margin: 0 0 8px; color: inherit; }
  .setup li + li { margin-top: 6px; }
  .setup .hint { color: var(--_muted); }
  .setup a { color: var(--_accent); text-underline-offset: 2px; }
  .qr-frame {
    width: 168px; height: 168px; margin: 4px 0 12px; padding: 6px; box-sizing: content-box;
    background: #fff; border: 1px solid var(--_border); border-radius: calc(var(--_radius) * 0.7);
  }
  .qr-frame.qr-missing { display: none; }
  .qr { display: block; width: 168px; height: 168px; }
  .key { display: flex; flex-wrap: wrap; align-items: center; gap: 10px; margin: 0 0 8px; }
  .secret {
    display: inline-grid; grid-template-columns: repeat(4, auto); column-gap: 0.65em;
    font: 600 0.95em ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; letter-spacing: 0.04em;
    padding: 0.35em 0.6em; border-radius: 6px; background: color-mix(in srgb, var(--_fg) 7%, transparent);
    user-select: all;
  }
  .secondary, .copy {
    background: transparent; color: var(--_accent); border: 1px solid var(--_border);
    border-radius: calc(var(--_radius) * 0.7); padding: 0.3em 0.55em; font-weight: 600; font-size: 0.85em;
  }
  .choices { border: 0; margin: 0; padding: 0; display: flex; flex-direction: column; gap: 8px; min-width: 0; }
  .choices legend { font-weight: 600; padding: 0; margin-bottom: 8px; }
  label.choice {
    display: grid; grid-template-columns: auto 1fr; column-gap: 10px; row-gap: 2px; align-items: center;
    border: 1px solid var(--_border); border-radius: calc(var(--_radius) * 0.7); padding: 10px 12px; cursor: pointer;
  }
  label.choice:has(input:checked) { border-color: var(--_accent); }
  .choice input { margin: 0; padding: 0; border: 0; width: 18px; height: 18px; accent-color: var(--_accent); }
  .choice-hint { grid-column: 2; font-size: 0.9em; font-weight: 400; color: var(--_muted); }
  .factors { list-style: none; margin: 0; padding: 0; display: flex; flex-direction: column; gap: 10px; }
  .factors > li { display: block; }
  .factor {
    display: flex; flex-direction: column; align-items: flex-start; gap: 8px;
    border: 1px solid var(--_border); border-radius: calc(var(--_radius) * 0.7); padding: 12px;
  }
  .factor-name { font-weight: 600; }
  .factor-state { font-size: 0.9em; color: var(--_muted); margin-left: 0.5em; }
  .factor-state[data-on="true"] { color: var(--_ok); }
  .factor-actions { display: flex; flex-wrap: wrap; gap: 6px; }
  .factor-actions:empty { display: none; }
`;

/** The second-factor views of `modal` (a Modal), for the app named `app` (or null). */
export function mfaViews(modal, app) {
  const { auth, doc } = modal;
  const back = ["Back to sign-in", () => modal.show("signin")];
  const toPage = ["Cancel", () => modal.show("security")];
  const qrUrl = () => `${String(auth.config?.endpoint ?? auth.baseUrl).replace(/\/+$/, "")}/qr`;
  const panel = (secret, account) =>
    setupPanel(doc, { secret, account, issuer: app, qrUrl: qrUrl(), fetchFn: auth.env.fetch, idPrefix: "ar-setup" });
  const signedIn = (fn) => auth.withAccessToken(fn);
  /** The page again, with the factors (and passkeys) read afresh and `status` said. */
  const reload = (status) => modal.reloadSecurity(status);
  const newKey = async () => {
    const { secret } = await signedIn((client, token) => client.associateSoftwareToken({ accessToken: token }));
    modal.ctx.setup = { secret };
    modal.show("totpsetup");
  };
  const prefer = (change, status) => async () => {
    await signedIn((client, token) => client.setMfaPreference(token, change));
    await reload(status);
  };

  return {
    mfacode: () => {
      const challenge = modal.ctx.challenge;
      const byEmail = challenge.name === EMAIL_OTP;
      const again = () =>
        modal.run(() => modal.signIn(modal.ctx.email, modal.ctx.password, { status: MFA_TEXT.newCode }));
      return {
        title: MFA_TEXT.title,
        intro: byEmail ? MFA_TEXT.emailIntro(challenge.destination) : MFA_TEXT.totpIntro,
        fields: ["mfaCode"],
        submit: "Verify",
        action: async ({ mfaCode }) => modal.step(await auth.answerMfaCode(challenge, typedCode(mfaCode))),
        note: byEmail ? null : MFA_TEXT.lostPhone(app),
        links: [byEmail && modal.ctx.password ? ["Send a new code", again] : null, back].filter(Boolean),
      };
    },
    mfaselect: () => {
      const challenge = modal.ctx.challenge;
      return {
        title: MFA_TEXT.title,
        fields: [],
        extra: [factorChoice(doc, "ar-factor", challenge.choices, MFA_TEXT.choose)],
        submit: "Continue",
        action: async ({ factor }) => modal.step(await auth.selectMfa(challenge, factor)),
        links: [back],
      };
    },
    mfasetupchoice: () => {
      const challenge = modal.ctx.challenge;
      return {
        title: MFA_TEXT.title,
        intro: MFA_TEXT.requiredChoice(app),
        fields: [],
        extra: [factorChoice(doc, "ar-setup-factor", challenge.setupChoices, MFA_TEXT.chooseSetup)],
        submit: "Continue",
        action: async ({ factor }) => {
          if (factor === EMAIL_OTP) return modal.step(await auth.setupEmailMfa(challenge, modal.ctx.email));
          modal.show(await totpSetupScreen(auth.client, modal.ctx));
        },
        links: [back],
      };
    },
    mfasetup: () => ({
      title: MFA_TEXT.setupTitle,
      intro: MFA_TEXT.required(app),
      fields: ["mfaCode"],
      extra: [panel(modal.ctx.setup.secret, modal.ctx.email)],
      submit: "Verify and sign in",
      action: async ({ mfaCode }) => {
        const { setup, challenge } = modal.ctx;
        const { session } = await auth.client.verifySoftwareToken({ session: setup.session }, typedCode(mfaCode));
        await modal.step(await auth.finishMfaSetup(challenge, session));
      },
      links: [back],
    }),
    security: () => {
      const mode = appMfa(auth.config).mode;
      const intro =
        mode === "ON"
          ? `${app || "This app"} asks for a code after your password each time you sign in.`
          : "Ask for a code after your password when you sign in: someone who learns your password still cannot get in.";
      const factors = modal.ctx.mfa
        ? factorList()
        : h(doc, "button", { type: "button", class: "secondary", text: "Try again", onclick: () => modal.run(() => reload("")) });
      const done = { fields: [], submit: "Done", action: () => modal.close(auth.getUser()) };
      // Without passkeys, the page is the second factors alone.
      if (modal.ctx.passkeys === undefined) return { title: MFA_TEXT.title, intro, extra: [factors], ...done };
      const twoStep =
        mode === "OFF"
          ? null
          : h(
              doc,
              "section",
              { class: "section", "aria-labelledby": "ar-mfa-title" },
              h(doc, "h3", { id: "ar-mfa-title", text: MFA_TEXT.title }),
              h(doc, "p", { class: "hint", text: intro }),
              factors,
            );
      return { title: SECURITY_TITLE, extra: [passkeySection(modal), twoStep], ...done };
    },
    totpsetup: () => ({
      title: MFA_TEXT.setupTitle,
      fields: ["mfaCode"],
      extra: [panel(modal.ctx.setup.secret, auth.getUser()?.email ?? "")],
      submit: "Turn on",
      action: async ({ mfaCode }) => {
        await signedIn(async (client, token) => {
          await client.verifySoftwareToken({ accessToken: token }, typedCode(mfaCode));
          await client.setMfaPreference(token, { totp: { enabled: true } });
        });
        await reload("Your authenticator app is on: sign-in asks for its code.");
      },
      links: [toPage],
    }),
    totpoff: () => ({
      title: "Turn off your authenticator app?",
      intro: modal.ctx.mfa?.email
        ? "Sign-in will ask for a code by email instead. You can set the app up again at any time."
        : "Sign-in will ask for your password alone. You can set the app up again at any time.",
      fields: [],
      submit: "Turn off",
      action: prefer({ totp: { enabled: false } }, "Your authenticator app is off."),
      links: [toPage],
    }),
  };

  /** The factors, each with its state and what can be done with it. */
  function factorList() {
    const mfa = modal.ctx.mfa;
    const offered = appMfa(auth.config);
    const both = mfa.totp && mfa.email;
    // Where the app requires MFA, the last factor on stays on.
    const mayTurnOff = offered.mode !== "ON" || both;
    const button = (text, onclick) => h(doc, "button", { type: "button", class: "secondary", text, onclick: () => modal.run(onclick) });
    const stateOf = (on, factor) => (on ? (both && mfa.preferred === factor ? "On · default" : "On") : "Off");
    // Each factor a group named after it: its buttons' short names are read with the factor's.
    const row = (factor, name, on, actions) => {
      const id = `ar-factor-${factor.toLowerCase()}`;
      return h(
        doc,
        "li",
        {},
        h(
          doc,
          "div",
          { class: "factor", role: "group", "aria-labelledby": id },
          h(
            doc,
            "div",
            {},
            h(doc, "span", { class: "factor-name", id, text: name }),
            h(doc, "span", { class: "factor-state", "data-on": String(on), text: stateOf(on, factor) }),
          ),
          h(doc, "div", { class: "factor-actions" }, actions.filter(Boolean)),
        ),
      );
    };
    // With both on, sign-in asks for the default one (without one, the user chooses each time).
    const defaultButton = (factor, member, words) =>
      both && mfa.preferred !== factor
        ? button("Make default", prefer({ [member]: { preferred: true } }, `Sign-in now asks for ${words}.`))
        : null;
    const rows = [
      row(TOTP, "Authenticator app", mfa.totp, [
        mfa.totp ? defaultButton(TOTP, "totp", "your authenticator app’s code") : null,
        button(mfa.totp ? "Set up again" : "Set up", newKey),
        mfa.totp && mayTurnOff ? button("Turn off", () => modal.show("totpoff")) : null,
      ]),
    ];
    if (offered.emailOtp) {
      rows.push(
        row(EMAIL_OTP, "Codes by email", mfa.email, [
          mfa.email ? defaultButton(EMAIL_OTP, "email", "a code by email") : null,
          mfa.email
            ? mayTurnOff && button("Turn off", prefer({ email: { enabled: false } }, "Codes by email are off."))
            : button("Turn on", prefer({ email: { enabled: true } }, "Codes by email are on: sign-in can mail you a code.")),
        ]),
      );
    }
    return h(doc, "ul", { class: "factors", "aria-label": "Your second factors" }, rows);
  }
}
