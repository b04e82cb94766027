// The hosted pages' screens: what each one asks, what it calls and where it leads. GET /login,
// /signup and /forgotPassword open on theirs ("signin", "signup", "forgot"; "signin" offers a
// passkey where the app has them on, by its button and in the email field's autofill); "confirm",
// "reset", "newpassword" and the second-factor screens (mfa_screens.js) follow inside the page.
// The wording is the modal's (web/src/ui/modal.js).

import { passkeyButton } from "../src/ui/passkey_views.js";
import { hostedMfaScreens } from "./mfa_screens.js";

/** The screens of `page` (a HostedPage) by name, each a function giving its spec. */
export function hostedScreens(page) {
  const { client, appName: app, doc } = page;
  const email = () => page.ctx.email ?? "you";
  const backToSignIn = { text: "Back to sign-in", href: "/login" };
  return {
    signin: () => ({
      title: `Sign in to ${app}`,
      fields: ["email", "password"],
      submit: "Sign in",
      busy: "Signing in…",
      action: ({ email: address, password }) => {
        page.ctx.password = password;
        return page.signIn(address, password);
      },
      // The browser's autofill offers the site's passkeys in the email field too.
      autocomplete: page.canUsePasskeys() ? { email: "username webauthn" } : null,
      after: page.canUsePasskeys() ? passkeyButton(doc, () => page.passkeySignIn()) : null,
      links: [
        { text: "Forgot your password?", href: "/forgotPassword" },
        { lead: `New to ${app}?`, text: "Create an account", href: "/signup" },
      ],
    }),
    signup: () => ({
      title: `Create your ${app} account`,
      fields: ["email", "newPassword"],
      submit: "Create account",
      busy: "Creating your account…",
      action: async ({ email: address, newPassword }) => {
        page.ctx.password = newPassword;
        await client.signUp(address, newPassword);
        page.show("confirm", { status: "Account created: check your email for the code." });
      },
      links: [{ lead: "Already have an account?", text: "Sign in", href: "/login" }],
    }),
    confirm: () => ({
      title: "Confirm your email",
      intro: `Enter the code we emailed to ${email()}.`,
      fields: ["code"],
      submit: "Confirm",
      busy: "Confirming…",
      action: async ({ code }) => {
        await client.confirmSignUp(page.ctx.email, code.trim());
        if (page.ctx.password) return page.signIn(page.ctx.email, page.ctx.password);
        page.show("signin", { status: "Your email is confirmed. Sign in to continue." });
      },
      links: [
        {
          text: "Send a new code",
          run: () => client.resendCode(page.ctx.email),
          done: () => `We sent a new code to ${email()}.`,
        },
        backToSignIn,
      ],
    }),
    forgot: () => ({
      title: `Reset your ${app} password`,
      intro: "We will email you a code to choose a new password.",
      fields: ["email"],
      submit: "Send code",
      busy: "Sending…",
      action: async ({ email: address }) => {
        await client.forgotPassword(address);
        page.show("reset", { status: `If ${address} has an account, a code is on its way.` });
      },
      links: [backToSignIn],
    }),
    reset: () => ({
      title: `Choose a new ${app} password`,
      intro: "Enter the code from the email and choose a new password.",
      fields: ["code", "resetPassword"],
      submit: "Reset password",
      busy: "Resetting…",
      action: async ({ code, resetPassword }) => {
        await client.confirmForgotPassword(page.ctx.email, code.trim(), resetPassword);
        await page.signIn(page.ctx.email, resetPassword);
      },
      links: [
        {
          text: "Send a new code",
          run: () => client.forgotPassword(page.ctx.email),
          done: () => `If ${email()} has an account, a new code is on its way.`,
        },
        backToSignIn,
      ],
    }),
    newpassword: () => ({
      title: "Choose a new password",
      intro: "Your account needs a new password before you can continue.",
      fields: ["resetPassword"],
      submit: "Set new password",
      busy: "Saving…",
      action: async ({ resetPassword }) => page.finish(await client.completeNewPassword(page.ctx.challenge, resetPassword)),
      links: [backToSignIn],
    }),
    ...hostedMfaScreens(page),
  };
}
