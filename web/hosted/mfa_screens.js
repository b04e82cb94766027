// The hosted pages' second-factor screens, after the password: the code ("mfacode", from the
// authenticator app or mailed), the choice between the two ("mfaselect"), and setting up a
// factor where the app requires one: an authenticator app ("mfasetup", with the QR code POST /qr
// draws), or codes by email where the app offers them too ("mfasetupchoice").
// The words and parts are the modal's (web/src/ui/mfa_parts.js).

import { EMAIL_OTP } from "../src/mfa.js";
import { MFA_TEXT, factorChoice, setupPanel, totpSetupScreen, typedCode } from "../src/ui/mfa_parts.js";

/** Where the hosted pages have their authenticator keys drawn (same origin). */
const QR_PATH = "/qr";

/** The second-factor screens of `page` (a HostedPage) by name, each a function giving its spec. */
export function hostedMfaScreens(page) {
  const { client, appName: app, doc } = page;
  const backToSignIn = { text: "Back to sign-in", href: "/login" };
  return {
    mfacode: () => {
      const challenge = page.ctx.challenge;
      const byEmail = challenge.name === EMAIL_OTP;
      const again = {
        text: "Send a new code",
        run: () => page.signIn(page.ctx.email, page.ctx.password),
        done: () => MFA_TEXT.newCode,
      };
      return {
        title: MFA_TEXT.title,
        intro: byEmail ? MFA_TEXT.emailIntro(challenge.destination) : MFA_TEXT.totpIntro,
        fields: ["mfaCode"],
        submit: "Verify",
        busy: "Verifying…",
        action: async ({ mfaCode }) => page.finish(await client.answerMfaCode(challenge, typedCode(mfaCode))),
        note: byEmail ? null : MFA_TEXT.lostPhone(app),
        links: [byEmail && page.ctx.password ? again : null, backToSignIn].filter(Boolean),
      };
    },
    mfaselect: () => {
      const challenge = page.ctx.challenge;
      return {
        title: MFA_TEXT.title,
        fields: [],
        extra: [factorChoice(doc, "hosted-factor", challenge.choices, MFA_TEXT.choose)],
        submit: "Continue",
        busy: "Continuing…",
        action: async ({ factor }) => page.finish(await client.selectMfa(challenge, factor)),
        links: [backToSignIn],
      };
    },
    mfasetupchoice: () => {
      const challenge = page.ctx.challenge;
      return {
        title: MFA_TEXT.title,
        intro: MFA_TEXT.requiredChoice(app),
        fields: [],
        extra: [factorChoice(doc, "hosted-setup-factor", challenge.setupChoices, MFA_TEXT.chooseSetup)],
        submit: "Continue",
        busy: "Continuing…",
        action: async ({ factor }) => {
          if (factor === EMAIL_OTP) return page.finish(await client.setupEmailMfa(challenge, page.ctx.email));
          page.show(await totpSetupScreen(client, page.ctx));
        },
        links: [backToSignIn],
      };
    },
    mfasetup: () => ({
      title: MFA_TEXT.setupTitle,
      intro: MFA_TEXT.required(app),
      fields: ["mfaCode"],
      extra: [
        setupPanel(doc, {
          secret: page.ctx.setup.secret,
          account: page.ctx.email,
          issuer: app,
          qrUrl: QR_PATH,
          fetchFn: page.fetchFn,
          idPrefix: "hosted-setup",
        }),
      ],
      submit: "Verify and sign in",
      busy: "Verifying…",
      action: async ({ mfaCode }) => {
        const { setup, challenge } = page.ctx;
        const { session } = await client.verifySoftwareToken({ session: setup.session }, typedCode(mfaCode));
        await page.finish(await client.finishMfaSetup(challenge, session));
      },
      links: [backToSignIn],
    }),
  };
}
