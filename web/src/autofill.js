// Passkey autofill on a sign-in form (WebAuthn conditional mediation), no DOM: while the form
// is shown, a sign-in without a name waits in the browser, which offers the site's passkeys in
// the email field's autofill; the user's pick is answered, and a wait that ends without a
// sign-in is started again. The modal and the hosted pages each keep one for their form.

import { ceremony } from "./passkeys.js";

/** The server's challenge lives 3 minutes: a fresh one is asked for before it ends. */
export const AUTOFILL_REFRESH = 150_000;
/** The waits before starting again after an attempt that ended without a sign-in; then it rests. */
export const AUTOFILL_RETRIES = Object.freeze([1_000, 5_000, 30_000]);

/**
 * One form's passkey autofill: `arm()` when the form is shown, `stop()` when it goes or another
 * sign-in starts (the browser runs one passkey request at a time).
 *
 * `available()` resolves whether to offer it at all (the app has passkeys on and the browser
 * conditional mediation); `challenge()` asks the server for a WEB_AUTHN challenge without a name
 * (passkeys.js `passkeyChallenge`); `credentials` is navigator.credentials; `answer(challenge,
 * credential)` is the form's answer to the user's pick (busy meanwhile, errors said as its
 * passkey button says them); `timers` `{setTimeout, clearTimeout}`.
 */
export class PasskeyAutofill {
  constructor({ available, challenge, credentials, answer, timers }) {
    this.available = available;
    this.challenge = challenge;
    this.credentials = credentials;
    this.answer = answer;
    this.timers = timers;
    this.armed = false;
    this.failures = 0;
    this.timer = null;
    this.controller = null;
    this.pending = null;
  }

  /** Starts waiting for the user's pick, unless already waiting. */
  arm() {
    if (this.armed) return;
    this.armed = true;
    this.failures = 0;
    this.schedule(0);
  }

  /** Ends the wait; resolves once the browser's request (if one was out) has ended. */
  stop() {
    this.armed = false;
    this.clearTimer();
    this.controller?.abort();
    return this.pending ?? Promise.resolve();
  }

  schedule(delay) {
    this.clearTimer();
    if (!this.armed) return;
    if (delay === 0) return void this.attempt();
    this.timer = this.timers.setTimeout(() => {
      this.timer = null;
      this.attempt();
    }, delay);
  }

  clearTimer() {
    if (this.timer !== null) this.timers.clearTimeout(this.timer);
    this.timer = null;
  }

  /** One wait, then the next as its outcome says. The attempt running starts the one after it. */
  async attempt() {
    if (!this.armed || this.controller) return;
    const controller = (this.controller = new AbortController());
    let outcome;
    try {
      outcome = await this.once(controller);
    } catch {
      outcome = "ended";
    } finally {
      this.controller = null;
    }
    this.after(outcome);
  }

  /**
   * A challenge, the browser's conditional request, the answer. Its outcome: "off" (not to be
   * offered), "aborted" (stopped), "refresh" (the challenge was about to expire), "ended" (the
   * server or the browser ended it), "answered" (the form answered a pick).
   */
  async once(controller) {
    const { signal } = controller;
    if (!(await this.available())) return "off";
    if (signal.aborted) return "aborted";
    let refreshed = false;
    // Counted from before the challenge is asked for: the server's 3 minutes start on its receipt.
    const refresh = this.timers.setTimeout(() => {
      refreshed = true;
      controller.abort();
    }, AUTOFILL_REFRESH);
    try {
      let challenge;
      try {
        challenge = await this.challenge();
      } catch (error) {
        return error?.code === "WebAuthnNotEnabledException" ? "off" : "ended";
      }
      if (signal.aborted) return refreshed ? "refresh" : "aborted";
      const request = ceremony(this.credentials, "get", challenge.publicKey, { mediation: "conditional", signal });
      this.pending = request.then(
        () => {},
        () => {},
      );
      let credential;
      try {
        credential = await request;
      } catch {
        // Our abort, or the browser's end of the request: nobody is told (the user, if it was
        // theirs, cancelled it themselves).
        if (signal.aborted) return refreshed ? "refresh" : "aborted";
        return "ended";
      } finally {
        this.pending = null;
      }
      if (!this.armed) return "aborted";
      this.timers.clearTimeout(refresh);
      await this.answer(challenge, credential);
      return "answered";
    } finally {
      this.timers.clearTimeout(refresh);
    }
  }

  after(outcome) {
    if (!this.armed || outcome === "off") return;
    // A wait that lasted until its challenge was about to expire was a sound one.
    if (outcome === "refresh") this.failures = 0;
    // Stopped and armed again meanwhile, or a challenge about to expire: a fresh wait at once.
    if (outcome === "aborted" || outcome === "refresh") return this.schedule(0);
    this.failures += 1;
    if (this.failures <= AUTOFILL_RETRIES.length) this.schedule(AUTOFILL_RETRIES[this.failures - 1]);
  }
}
