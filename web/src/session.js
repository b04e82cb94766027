// The session core, no DOM: the signed-in state of one app in one tab, its storage, refresh,
// sharing with other tabs, the idle timeout and one timer for the next deadline.

import { bytesToHex, decodeJwt } from "./bytes.js";
import { createClient, fetchConfig } from "./client.js";
import { AuthError } from "./errors.js";
import { Emitter } from "./events.js";
import { checkedOptions, tokenOrigin } from "./origins.js";
import { appPasskeys, conditionalMediation } from "./passkeys.js";
import { claimLock, defaultEnv } from "./platform.js";
import { appProviders, exchangeCode, redirectAnswer, redirectRequest } from "./redirect.js";

const MINUTE = 60_000;
const REFRESH_MARGIN = 2 * MINUTE;
const RETRY_AFTER_FAILURE = 30_000;
const HEARTBEAT = MINUTE; // re-checks deadlines after sleep, throttling or clamped timers
const ACTIVITY_SHARE_EVERY = 10_000;
const PEER_REFRESH_WAIT = 5_000;
const CLAIM_WAIT = 2_000; // how long a reloaded page may wait for the page before it to let go
const ENDED_BY_SERVER = new Set([
  "NotAuthorizedException",
  "RefreshTokenReuseException",
  "UserNotFoundException",
  "ResourceNotFoundException",
]);

const DEFAULTS = {
  storage: "local",
  fetchToken: "id",
  idleTimeoutMinutes: 0,
  warnBeforeMinutes: 5,
  theme: "auto",
  apiOrigins: Object.freeze([]),
};

function sessionFromResult(result, previous, now) {
  const idClaims = decodeJwt(result.IdToken) ?? {};
  const endsAt = result.RefreshTokenExpiresAt ?? previous?.refreshTokenExpiresAt;
  return {
    // Names this sign-in without revealing anything of it (see AuthCore.dropCopiedSession).
    sid: previous?.sid ?? bytesToHex(globalThis.crypto.getRandomValues(new Uint8Array(16))),
    idToken: result.IdToken,
    accessToken: result.AccessToken,
    refreshToken: result.RefreshToken ?? previous?.refreshToken,
    // Access expiry on the local clock (from ExpiresIn), so device clock skew does not matter.
    accessExpiresAt: now + (result.ExpiresIn ?? 3600) * 1000,
    // The absolute end is the server's epoch: refreshing must never move it.
    refreshTokenExpiresAt: endsAt,
    email: idClaims.email ?? previous?.email ?? null,
  };
}

const sessionEnd = (s) => (s.refreshTokenExpiresAt ? s.refreshTokenExpiresAt * 1000 : Infinity);

/**
 * The signed-in state of one app in one tab. `env` carries everything platform-specific:
 * { fetch, now, setTimeout, clearTimeout, storage(kind), bus(name), locks, pageUrl(),
 *   onActivity(fn), onPageLifecycle({hidden, shown}) }.
 */
export class AuthCore extends Emitter {
  constructor({ appId, baseUrl, options = {}, env = {} }) {
    super();
    this.appId = appId;
    this.baseUrl = baseUrl;
    this.env = { ...defaultEnv(), ...env };
    this.options = { ...DEFAULTS, ...checkedOptions(options) };
    this.key = `authreturn:${appId}:session`;
    this.store = this.env.storage(this.options.storage);
    this.session = this.load();
    this.client = null;
    this.refreshing = null;
    this.retryAt = 0;
    this.timer = null;
    this.warnedEnd = null;
    this.lastActivity = this.env.now();
    this.lastShared = 0;
    this.idleWarned = false;
    this.peerRefreshUntil = 0;
    this.peerWaiters = [];
    this.claim = null;
    this.pageHidden = false;
  }

  /** Fetches the config, joins the other tabs, starts the timers. Resolves to the config. */
  async start() {
    this.bus = this.env.bus(`authreturn:${this.appId}`);
    this.bus?.listen((message) => this.onPeerMessage(message));
    this.env.onActivity?.(() => this.recordActivity());
    this.env.onPageLifecycle?.({ hidden: () => this.setPageHidden(true), shown: () => this.setPageHidden(false) });
    const config = await fetchConfig(this.baseUrl, this.appId, this.env.fetch);
    await this.dropCopiedSession();
    this.config = config;
    this.client = createClient(config, this.env.fetch);
    await this.finishRedirect();
    this.tick();
    return config;
  }

  /** Before the config arrives, the same as the script tag's data-*; after, applied at once. */
  configure(options) {
    const previous = this.options;
    this.options = { ...previous, ...checkedOptions(options) };
    if (this.options.storage !== previous.storage) this.moveStorage();
    if (this.client) this.tick();
    return { ...this.options };
  }

  /** Takes a live session to the new storage; never overwrites a saved one with nothing. */
  moveStorage() {
    const source = this.store;
    this.store = this.env.storage(this.options.storage);
    const saved = this.load();
    if (!this.client) {
      // Nothing has used the session read at load yet: read this storage, as data-storage would.
      this.session = saved;
    } else if (this.isSignedIn()) {
      this.save();
      const ours = this.load(source)?.refreshToken === this.session.refreshToken;
      if (source !== this.store && ours) source.removeItem(this.key);
    } else if (saved) {
      this.adopt(saved, "signin");
    }
  }

  // -- state

  load(store = this.store) {
    try {
      const session = JSON.parse(store.getItem(this.key));
      return session?.refreshToken && sessionEnd(session) > this.env.now() ? session : null;
    } catch {
      return null;
    }
  }

  save() {
    if (this.session) this.store.setItem(this.key, JSON.stringify(this.session));
    else this.store.removeItem(this.key);
  }

  isSignedIn() {
    return Boolean(this.session) && sessionEnd(this.session) > this.env.now();
  }

  getUser() {
    return this.isSignedIn() ? decodeJwt(this.session.idToken) : null;
  }

  // -- signing in and out

  /**
   * SRP sign-in. Resolves `{user}` when signed in, or `{challenge}` (mfa.js `challengeOf`) for a
   * new password or a second factor; the methods below answer those, resolving the same way.
   */
  async signInWithPassword(email, password) {
    return this.finishStep(await this.requireClient().signIn(email, password));
  }

  /**
   * Signs in with a passkey (USER_AUTH preferring WEB_AUTHN, the browser's navigator.credentials
   * asked for the assertion), for `email`, or with any of the site's passkeys when it is empty:
   * resolves `{user}` as signInWithPassword does.
   */
  async signInWithPasskey(email) {
    return this.finishStep(await this.requireClient().signInWithPasskey(email, this.env.credentials));
  }

  /** The app's identity providers, `[{name, type}]`, for "Continue with …" buttons. */
  identityProviders() {
    return appProviders(this.config);
  }

  /**
   * Leaves the page for the provider `name` (the authorization code flow with PKCE); the page
   * the browser comes back to — this one, which must be one of the app's callback URLs — signs
   * in when the component starts there (`signin`, or `error`).
   */
  async signInWithProvider(name) {
    const client = this.requireClient();
    const url = await redirectRequest({
      appId: this.appId,
      config: client.config,
      provider: name,
      pageUrl: this.env.pageUrl(),
      storage: this.env.storage("session"),
      now: this.env.now(),
    });
    this.env.navigate(url);
  }

  /** Back from a provider with this tab's state: the code exchanged, the address cleaned. */
  async finishRedirect() {
    const pageUrl = this.env.pageUrl();
    if (!pageUrl) return;
    const answer = redirectAnswer({ appId: this.appId, pageUrl, storage: this.env.storage("session"), now: this.env.now() });
    if (!answer) return;
    this.env.replaceUrl(answer.cleanUrl);
    try {
      if (answer.error) throw new AuthError(answer.error, "The sign-in through the provider did not complete. Please try again.");
      this.finishStep({ result: await exchangeCode(this.config, answer, this.env.fetch) });
    } catch (error) {
      this.emit("error", error);
    }
  }

  /** A WEB_AUTHN challenge without a name, for the browser's passkey autofill (autofill.js). */
  passkeyChallenge() {
    return this.requireClient().passkeyChallenge(null);
  }

  /** The browser's assertion for a passkeyChallenge, answered: resolves `{user}`. */
  async answerPasskey(challenge, credential) {
    return this.finishStep(await this.requireClient().answerPasskey(challenge, credential));
  }

  /** Whether this browser can use passkeys and the app has them on. */
  canUsePasskeys() {
    return Boolean(this.env.credentials) && appPasskeys(this.config);
  }

  /** Whether to offer passkeys in the browser's autofill: as canUsePasskeys, where it has conditional mediation. */
  async canAutofillPasskeys() {
    return this.canUsePasskeys() && (await this.env.conditionalMediation());
  }

  async completeNewPassword(challenge, newPassword) {
    return this.finishStep(await this.requireClient().completeNewPassword(challenge, newPassword));
  }

  /** SOFTWARE_TOKEN_MFA or EMAIL_OTP: the code the user typed. */
  async answerMfaCode(challenge, code) {
    return this.finishStep(await this.requireClient().answerMfaCode(challenge, code));
  }

  /** SELECT_MFA_TYPE: the factor the user chose (its challenge follows). */
  async selectMfa(challenge, factor) {
    return this.finishStep(await this.requireClient().selectMfa(challenge, factor));
  }

  /** MFA_SETUP, with the Session VerifySoftwareToken answered. */
  async finishMfaSetup(challenge, session) {
    return this.finishStep(await this.requireClient().finishMfaSetup(challenge, session));
  }

  /** MFA_SETUP answered with codes by email to `email`: the EMAIL_OTP challenge follows. */
  async setupEmailMfa(challenge, email) {
    return this.finishStep(await this.requireClient().setupEmailMfa(challenge, email));
  }

  /** `fn(client, accessToken)` for the signed-in user, the token refreshed first when due. */
  async withAccessToken(fn) {
    const token = await this.getToken("access");
    if (!token) throw new AuthError("NotAuthorizedException", "Sign in first");
    return fn(this.requireClient(), token);
  }

  finishStep(step) {
    if (step.challenge) return { challenge: step.challenge };
    // Re-authenticating replaces a session that is about to end: let it go now.
    const replaced = this.session;
    if (replaced) this.client?.revoke(replaced.refreshToken).catch(() => {});
    this.adopt(sessionFromResult(step.result, null, this.env.now()), "signin");
    this.share({ type: "session", reason: "signin", session: this.session });
    return { user: this.getUser() };
  }

  requireClient() {
    if (!this.client) throw new AuthError("NotReady", "Auth Return is not ready yet");
    return this.client;
  }

  /** Clears this tab and the others at once, then tells the server. */
  async signOut({ global = false, reason = "user" } = {}) {
    const session = this.session;
    if (!session) return;
    const accessToken = global ? ((await this.getToken("access")) ?? session.accessToken) : null;
    this.end(reason);
    this.share({ type: "signout", reason });
    if (!this.client) return;
    try {
      if (global) await this.client.globalSignOut(accessToken);
      else await this.client.revoke(session.refreshToken);
    } catch (error) {
      this.emit("error", error);
    }
  }

  /** Clears the state; `signout` always follows, after `sessionexpired` when it ran out. */
  end(reason) {
    if (!this.session) return;
    this.session = null;
    this.warnedEnd = null;
    this.idleWarned = false;
    this.save();
    if (reason === "expired") this.emit("sessionexpired", { reason });
    this.emit("signout", { reason });
    this.tick();
  }

  adopt(session, reason) {
    this.session = session;
    this.save();
    if (reason === "signin") {
      this.lastActivity = this.env.now();
      this.idleWarned = false;
      this.emit("signin", { user: this.getUser() });
    } else {
      this.emit("tokenrefresh", { user: this.getUser() });
    }
    this.tick();
  }

  /**
   * Tells the other tabs. Only local storage shares the session with them (they could read it
   * there anyway); in session and memory storage each tab's sign-in is its own, and nothing of
   * it, not even that it happened, leaves the tab.
   */
  share(message) {
    if (this.storeShared()) this.bus?.post(message);
  }

  onPeerMessage(message) {
    // A session adopted from a local-storage tab would be one sign-in refreshed by two holders.
    if (!this.storeShared()) return;
    if (message?.type === "session") {
      this.resolvePeerWaiters();
      const reason = this.session && message.reason === "refresh" ? "refresh" : "signin";
      this.adopt(message.session, reason);
    } else if (message?.type === "signout") {
      this.end(message.reason);
    } else if (message?.type === "activity") {
      this.noteActivity(message.at);
    } else if (message?.type === "refreshing") {
      this.peerRefreshUntil = this.env.now() + PEER_REFRESH_WAIT;
    }
  }

  // -- one tab per sign-in in session storage

  /**
   * A duplicated tab, or one opened with window.open, starts with a copy of the opener's session
   * storage. Both refreshing the one sign-in would trip the server's reuse detection and end it in
   * both: a copied sign-in that another live tab holds is left to that tab.
   */
  async dropCopiedSession() {
    const session = this.session;
    const claim = this.holdClaim();
    if (!claim || (await claim.granted) || this.session !== session) return;
    this.releaseClaim();
    this.session = null;
    if (this.load()?.sid === session.sid) this.store.removeItem(this.key);
  }

  /**
   * While its sign-in is in session storage, the tab holds a lock named after the sign-in's id;
   * not after pagehide, so that a page in the back/forward cache keeps none.
   */
  holdClaim() {
    const sid = (!this.pageHidden && this.options.storage === "session" && this.session?.sid) || null;
    if (sid === (this.claim?.sid ?? null)) return this.claim;
    this.releaseClaim();
    if (sid && this.env.locks) {
      this.claim = { sid, ...claimLock(this.env, `authreturn:${this.appId}:signin:${sid}`, CLAIM_WAIT) };
    }
    return this.claim;
  }

  releaseClaim() {
    this.claim?.release();
    this.claim = null;
  }

  setPageHidden(hidden) {
    this.pageHidden = hidden;
    this.holdClaim();
  }

  // -- tokens

  /** A token of that kind ("id" or "access"), refreshed first when it is about to expire. */
  async getToken(kind) {
    if (!this.session) return null;
    if (this.env.now() >= this.session.accessExpiresAt - REFRESH_MARGIN) await this.refresh();
    const session = this.session;
    if (!session || this.env.now() >= session.accessExpiresAt) return null;
    return kind === "access" ? session.accessToken : session.idToken;
  }

  /** One refresh at a time in this tab, and across tabs; `force` skips the freshness check. */
  refresh({ force = false } = {}) {
    if (!this.refreshing) {
      const seen = this.session?.accessToken;
      this.refreshing = this.exclusive(() => this.refreshNow(seen, force)).finally(() => {
        this.refreshing = null;
      });
    }
    return this.refreshing;
  }

  async refreshNow(seenToken, force) {
    if (this.storeShared()) {
      const stored = this.load();
      if (!stored) {
        this.end("user"); // another tab signed out
        return null;
      }
      this.session = stored;
    }
    const session = this.session;
    if (!session || !this.client) return null;
    const renewedElsewhere = session.accessToken !== seenToken;
    const fresh = this.env.now() < session.accessExpiresAt - REFRESH_MARGIN;
    if (renewedElsewhere || (fresh && !force)) return session;
    try {
      const result = await this.client.refresh(session.refreshToken);
      this.adopt(sessionFromResult(result, session, this.env.now()), "refresh");
      this.share({ type: "session", reason: "refresh", session: this.session });
      return this.session;
    } catch (error) {
      return this.refreshFailed(error);
    }
  }

  refreshFailed(error) {
    if (ENDED_BY_SERVER.has(error.code)) {
      this.end(this.env.now() >= sessionEnd(this.session) - MINUTE ? "expired" : "revoked");
      return null;
    }
    this.retryAt = this.env.now() + RETRY_AFTER_FAILURE;
    this.emit("error", error);
    return this.session;
  }

  /** Local storage is shared by the tabs: re-reading it inside the lock sees their refreshes. */
  storeShared() {
    return this.options.storage === "local";
  }

  async exclusive(fn) {
    const locks = this.env.locks;
    if (locks) return locks.request(`authreturn:${this.appId}:refresh`, fn);
    await this.waitForPeerRefresh();
    this.share({ type: "refreshing" });
    return fn();
  }

  waitForPeerRefresh() {
    const wait = this.peerRefreshUntil - this.env.now();
    if (wait <= 0) return Promise.resolve();
    return new Promise((resolve) => {
      this.peerWaiters.push(resolve);
      this.env.setTimeout(resolve, wait);
    });
  }

  resolvePeerWaiters() {
    this.peerRefreshUntil = 0;
    this.peerWaiters.splice(0).forEach((resolve) => resolve());
  }

  /**
   * fetch with `Authorization: Bearer` to the page's origin and apiOrigins (others throw); on a
   * 401 refreshes once and retries once. Redirects are left as the caller asked: browsers drop
   * Authorization when a redirect leaves the origin.
   */
  async fetch(input, init) {
    // The browser's Request resolves a relative URL as fetch would, <base href> included.
    const request = new Request(input, init);
    if (request.headers.has("Authorization")) return this.env.fetch(request);
    tokenOrigin(request.url, this.env.pageUrl(), this.options.apiOrigins);
    const kind = this.options.fetchToken === "access" ? "access" : "id";
    const send = (token) => {
      const attempt = request.clone();
      if (token) attempt.headers.set("Authorization", `Bearer ${token}`);
      return this.env.fetch(attempt);
    };
    const token = await this.getToken(kind);
    const response = await send(token);
    if (response.status !== 401 || !token) return response;
    await this.refresh({ force: true });
    const renewed = await this.getToken(kind);
    return renewed && renewed !== token ? send(renewed) : response;
  }

  // -- idle timeout

  recordActivity() {
    const now = this.env.now();
    this.noteActivity(now);
    if (this.session && now - this.lastShared >= ACTIVITY_SHARE_EVERY) {
      this.lastShared = now;
      this.share({ type: "activity", at: now });
    }
  }

  noteActivity(at) {
    this.lastActivity = Math.max(this.lastActivity, at);
    if (this.clearIdleWarning()) this.tick();
  }

  /** Takes back the idle warning; true when there was one. */
  clearIdleWarning() {
    if (!this.idleWarned) return false;
    this.idleWarned = false;
    this.emit("_idlereset");
    return true;
  }

  idleDeadlines() {
    const idle = this.options.idleTimeoutMinutes * MINUTE;
    if (!(idle > 0)) return null;
    const end = this.lastActivity + idle;
    return { end, warn: end - Math.min(MINUTE, idle / 2) };
  }

  // -- timers: one timer for the next deadline, re-planned at every change

  tick() {
    this.holdClaim();
    this.env.clearTimeout(this.timer);
    this.timer = null;
    const session = this.session;
    if (!session || !this.client) return;
    const now = this.env.now();
    const end = sessionEnd(session);
    if (now >= end) return this.end("expired");
    const idle = this.idleDeadlines();
    if (idle && now >= idle.end) return void this.signOut({ reason: "idle" });
    this.checkWarnings(now, end, idle);
    const refreshAt = Math.max(session.accessExpiresAt - REFRESH_MARGIN, this.retryAt);
    if (now >= refreshAt && !this.refreshing) this.refresh().then(() => this.tick());
    const next = [end, end - this.warnBefore(), refreshAt, idle?.warn, idle?.end, now + HEARTBEAT]
      .filter((at) => at > now)
      .reduce((a, b) => Math.min(a, b));
    this.timer = this.env.setTimeout(() => this.tick(), next - now + 10);
  }

  warnBefore() {
    return this.options.warnBeforeMinutes * MINUTE;
  }

  /** Warns once per deadline; a warning no longer due under the current options is taken back. */
  checkWarnings(now, end, idle) {
    const endDue = now >= end - this.warnBefore();
    if (endDue && this.warnedEnd !== end) {
      this.warnedEnd = end;
      this.emit("sessionexpiring", { reason: "session", expiresAt: end, minutesLeft: minutesUntil(end, now) });
    } else if (!endDue && this.warnedEnd === end) {
      this.warnedEnd = null;
      this.emit("_sessionreset");
    }
    const idleDue = Boolean(idle) && now >= idle.warn;
    if (idleDue && !this.idleWarned) {
      this.idleWarned = true;
      this.emit("sessionexpiring", { reason: "idle", expiresAt: idle.end, minutesLeft: minutesUntil(idle.end, now) });
    } else if (!idleDue) {
      this.clearIdleWarning();
    }
  }
}

/** Whole minutes left until `at`, at least one: what a warning says. */
export const minutesUntil = (at, now) => Math.max(1, Math.ceil((at - now) / MINUTE));
