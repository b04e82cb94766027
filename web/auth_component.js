/*
 * Auth Return: the embeddable sign-in component.
 *
 *   <script src="https://auth.example.com/auth_component.js" data-app-id="APP_ID"></script>
 *
 * Installs `window.AuthReturn`. Speaks the Cognito Identity Provider JSON protocol to the
 * server the script was loaded from; sign-in uses SRP, so the password never leaves the page.
 *
 * Layers, each usable without the ones after it (Node tests load the first three):
 *   1. encoding and SRP math (BigInt + WebCrypto), error wording, password policy
 *   2. the Cognito client (fetch only)
 *   3. the session core: storage, refresh, cross-tab sync, timers, events
 *   4. the DOM: modal, session prompt, bootstrap from the script tag
 */
"use strict";
(() => {
  // ---------------------------------------------------------------------------------------------
  // 1. Encoding and SRP (docs/cognito-protocol.md §3)

  const N_HEX =
    "ffffffffffffffffc90fdaa22168c234c4c6628b80dc1cd129024e088a67cc74020bbea63b139b22514a0879" +
    "8e3404ddef9519b3cd3a431b302b0a6df25f14374fe1356d6d51c245e485b576625e7ec6f44c42e9a637ed6b0" +
    "bff5cb6f406b7edee386bfb5a899fa5ae9f24117c4b1fe649286651ece45b3dc2007cb8a163bf0598da48361c" +
    "55d39a69163fa8fd24cf5f83655d23dca3ad961c62f356208552bb9ed529077096966d670c354e4abc9804f17" +
    "46c08ca18217c32905e462e36ce3be39e772c180e86039b2783a2ec07a28fb5c55df06f4c52c9de2bcbf69558" +
    "17183995497cea956ae515d2261898fa051015728e5a8aaac42dad33170d04507a33a85521abdf1cba64ecfb8" +
    "50458dbef0a8aea71575d060c7db3970f85a6e1e4c7abf5ae8cdb0933d71e8c94e04a25619dcee3d2261ad2ee" +
    "6bf12ffa06d98a0864d87602733ec86a64521f2b18177b200cbbe117577a615d6c770988c0bad946e208e24fa" +
    "074e5ab3143db5bfce0fd108e4b82d120a93ad2caffffffffffffffff";
  const N = BigInt("0x" + N_HEX);
  const G = 2n;
  const A_BYTES = 128;

  const utf8 = (text) => new TextEncoder().encode(text);

  function hexToBytes(hex) {
    const bytes = new Uint8Array(hex.length / 2);
    for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(hex.substr(i * 2, 2), 16);
    return bytes;
  }

  const bytesToHex = (bytes) => Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  const bigFromHex = (hex) => BigInt("0x" + (hex || "0"));
  const bigFromBytes = (bytes) => bigFromHex(bytesToHex(bytes));

  /** Java BigInteger.toByteArray in hex: even length, and a leading 00 when the top bit is set. */
  function padHex(n) {
    let hex = n.toString(16);
    if (hex.length % 2) hex = "0" + hex;
    return "89abcdef".includes(hex[0]) ? "00" + hex : hex;
  }

  const padBytes = (n) => hexToBytes(padHex(n));

  function concatBytes(...parts) {
    const out = new Uint8Array(parts.reduce((sum, p) => sum + p.length, 0));
    let offset = 0;
    for (const part of parts) {
      out.set(part, offset);
      offset += part.length;
    }
    return out;
  }

  function bytesToBase64(bytes) {
    let binary = "";
    for (let i = 0; i < bytes.length; i += 0x8000) {
      binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
    }
    return btoa(binary);
  }

  function base64ToBytes(text) {
    const binary = atob(text.replace(/-/g, "+").replace(/_/g, "/").replace(/\s/g, ""));
    return Uint8Array.from(binary, (c) => c.charCodeAt(0));
  }

  /** Claims of a JWT, or null when it is not one. */
  function decodeJwt(token) {
    try {
      const payload = token.split(".")[1];
      const padded = payload + "=".repeat((4 - (payload.length % 4)) % 4);
      return JSON.parse(new TextDecoder().decode(base64ToBytes(padded)));
    } catch {
      return null;
    }
  }

  function modPow(base, exponent, modulus) {
    let result = 1n;
    let b = ((base % modulus) + modulus) % modulus;
    let e = exponent;
    while (e > 0n) {
      if (e & 1n) result = (result * b) % modulus;
      b = (b * b) % modulus;
      e >>= 1n;
    }
    return result;
  }

  const subtle = () => globalThis.crypto.subtle;

  async function sha256(bytes) {
    return new Uint8Array(await subtle().digest("SHA-256", bytes));
  }

  async function hmacSha256(keyBytes, message) {
    const key = await subtle().importKey("raw", keyBytes, { name: "HMAC", hash: "SHA-256" }, false, [
      "sign",
    ]);
    return new Uint8Array(await subtle().sign("HMAC", key, message));
  }

  const hashToBig = async (bytes) => bigFromBytes(await sha256(bytes));

  /** k = H(padHex(N) ‖ padHex(g)). */
  const computeK = () => hashToBig(concatBytes(padBytes(N), padBytes(G)));

  /** x = H(padHex(salt) ‖ H(poolName ‖ userId ‖ ":" ‖ password)). */
  async function computeX(poolName, userId, password, saltHex) {
    const inner = await sha256(utf8(`${poolName}${userId}:${password}`));
    return hashToBig(concatBytes(padBytes(bigFromHex(saltHex)), inner));
  }

  const computeU = (A, B) => hashToBig(concatBytes(padBytes(A), padBytes(B)));

  /** S = (B − k·g^x)^(a + u·x) mod N. */
  function computeS({ a, B, k, x, u }) {
    return modPow(B - k * modPow(G, x, N), a + u * x, N);
  }

  /** The spec's one-block HKDF: 16 bytes of HMAC(HMAC(padHex(u), padHex(S)), info ‖ 0x01). */
  async function deriveKey(u, S) {
    const prk = await hmacSha256(padBytes(u), padBytes(S));
    const okm = await hmacSha256(prk, concatBytes(utf8("Caldera Derived Key"), Uint8Array.of(1)));
    return okm.slice(0, 16);
  }

  async function claimSignature({ key, poolName, userId, secretBlock, timestamp }) {
    const message = concatBytes(
      utf8(poolName),
      utf8(userId),
      base64ToBytes(secretBlock),
      utf8(timestamp),
    );
    return bytesToBase64(await hmacSha256(key, message));
  }

  const DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
  const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  const two = (n) => String(n).padStart(2, "0");

  /** `EEE MMM d HH:mm:ss UTC yyyy`: the day is deliberately not padded (Cognito rejects it). */
  function formatTimestamp(date) {
    const time = `${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())}`;
    return `${DAYS[date.getUTCDay()]} ${MONTHS[date.getUTCMonth()]} ${date.getUTCDate()} ${time} UTC ${date.getUTCFullYear()}`;
  }

  /** A fresh ephemeral pair; `aBytes` only for known-answer tests. */
  function srpStart(aBytes = globalThis.crypto.getRandomValues(new Uint8Array(A_BYTES))) {
    const a = bigFromBytes(aBytes);
    return { a, A: modPow(G, a, N) };
  }

  /** The ChallengeResponses answering PASSWORD_VERIFIER. */
  async function answerPasswordVerifier({ a, A, poolName, password, params, now = new Date() }) {
    const B = bigFromHex(params.SRP_B);
    if (B % N === 0n) throw new AuthError("InvalidParameterException", "Invalid server B value");
    const u = await computeU(A, B);
    if (u === 0n) throw new AuthError("InvalidParameterException", "Invalid SRP u value");
    const userId = params.USER_ID_FOR_SRP;
    const [k, x] = await Promise.all([computeK(), computeX(poolName, userId, password, params.SALT)]);
    const key = await deriveKey(u, computeS({ a, B, k, x, u }));
    const timestamp = formatTimestamp(now);
    const secretBlock = params.SECRET_BLOCK;
    return {
      USERNAME: userId,
      PASSWORD_CLAIM_SECRET_BLOCK: secretBlock,
      PASSWORD_CLAIM_SIGNATURE: await claimSignature({ key, poolName, userId, secretBlock, timestamp }),
      TIMESTAMP: timestamp,
    };
  }

  // ---------------------------------------------------------------------------------------------
  // Errors in plain words, and the password policy

  class AuthError extends Error {
    constructor(code, message) {
      super(message);
      this.name = code;
      this.code = code;
    }
  }

  /** A mistake in how the page uses the component, not the user's: named AuthReturnError. */
  function usageError(code, message) {
    const error = new AuthError(code, message);
    error.name = "AuthReturnError";
    return error;
  }

  const MSG = {
    wrongPassword: "Wrong email or password",
    tooMany: "Too many attempts, try again in a minute",
    exists: "An account with this email already exists",
    badCode: "That code is not right",
    expiredCode: "That code has expired — send a new one",
    network: "Cannot reach the sign-in service",
    disabled: "This account is disabled",
    invalidEmail: "Enter a valid email address",
    unconfirmed: "Confirm your email first: enter the code we sent you",
    generic: "Something went wrong, please try again",
  };

  const TOO_MANY = new Set([
    "TooManyRequestsException",
    "LimitExceededException",
    "TooManyFailedAttemptsException",
  ]);

  /** `{message, view?}` for the user; `view` asks the modal to move there. */
  function describeError(error, policy) {
    const code = error?.code ?? "";
    const text = error?.message ?? "";
    if (code === "NetworkError") return { message: MSG.network };
    if (TOO_MANY.has(code) || /attempts exceeded/i.test(text)) return { message: MSG.tooMany };
    if (code === "NotAuthorizedException" && /disabled/i.test(text)) return { message: MSG.disabled };
    if (/incorrect username or password/i.test(text) || code === "UserNotFoundException") {
      return { message: MSG.wrongPassword };
    }
    if (code === "UserNotConfirmedException") return { message: MSG.unconfirmed, view: "confirm" };
    if (code === "UsernameExistsException" || code === "AliasExistsException") {
      return { message: MSG.exists };
    }
    if (code === "CodeMismatchException") return { message: MSG.badCode };
    if (code === "ExpiredCodeException") return { message: MSG.expiredCode };
    if (code === "InvalidParameterException" && /email/i.test(text)) return { message: MSG.invalidEmail };
    if (code === "InvalidPasswordException") {
      return { message: policy ? policyMessage(policy) : text.replace(/^.*policy:\s*/, "") };
    }
    return { message: text || MSG.generic };
  }

  // Cognito's symbol set, as the server checks it.
  const SYMBOLS = "^$*.[]{}()?\"!@#%&/\\,><':;|_~`=+- ";

  /** The rules of `policy`, each with a label and a test. */
  function passwordRules(policy) {
    const rules = [
      {
        id: "length",
        label: `At least ${policy.minLength} characters`,
        met: (p) => [...p].length >= policy.minLength,
      },
    ];
    const optional = [
      ["requireUppercase", "uppercase", "An uppercase letter", (p) => /\p{Lu}/u.test(p)],
      ["requireLowercase", "lowercase", "A lowercase letter", (p) => /\p{Ll}/u.test(p)],
      ["requireNumbers", "number", "A number", (p) => /[0-9]/.test(p)],
      ["requireSymbols", "symbol", "A symbol", (p) => [...p].some((c) => SYMBOLS.includes(c))],
    ];
    for (const [flag, id, label, met] of optional) if (policy[flag]) rules.push({ id, label, met });
    return rules;
  }

  function policyMessage(policy) {
    const [length, ...rest] = passwordRules(policy);
    const parts = rest.map((r) => r.label.toLowerCase());
    const list = parts.length > 1 ? `${parts.slice(0, -1).join(", ")} and ${parts.at(-1)}` : parts[0];
    const base = `Use ${length.label.toLowerCase()}`;
    return list ? `${base}, with ${list}.` : `${base}.`;
  }

  // ---------------------------------------------------------------------------------------------
  // 2. The Cognito client

  async function fetchConfig(baseUrl, appId, fetchFn = globalThis.fetch) {
    const url = `${baseUrl.replace(/\/+$/, "")}/api/apps/${encodeURIComponent(appId)}/config`;
    let response;
    try {
      response = await fetchFn(url, { credentials: "omit" });
    } catch {
      throw new AuthError("NetworkError", MSG.network);
    }
    if (!response.ok) throw new AuthError("ConfigError", `No app ${appId} at ${baseUrl}`);
    return response.json();
  }

  function createClient(config, fetchFn = globalThis.fetch) {
    const url = config.endpoint.replace(/\/+$/, "") + "/";
    const clientId = config.clientId;
    const poolName = config.userPoolId.split("_")[1];

    async function call(operation, body) {
      let response;
      try {
        response = await fetchFn(url, {
          method: "POST",
          credentials: "omit",
          cache: "no-store",
          headers: {
            "Content-Type": "application/x-amz-json-1.1",
            "X-Amz-Target": `AWSCognitoIdentityProviderService.${operation}`,
          },
          body: JSON.stringify(body),
        });
      } catch {
        throw new AuthError("NetworkError", MSG.network);
      }
      const data = await response.json().catch(() => ({}));
      if (!response.ok) throw new AuthError(errorCode(data, response), data.message ?? data.Message ?? "");
      return data;
    }

    /** `{result}` with tokens, or `{challenge}` for NEW_PASSWORD_REQUIRED. */
    async function signIn(email, password) {
      const { a, A } = srpStart();
      const init = await call("InitiateAuth", {
        AuthFlow: "USER_SRP_AUTH",
        ClientId: clientId,
        AuthParameters: { USERNAME: email, SRP_A: A.toString(16) },
      });
      if (init.ChallengeName !== "PASSWORD_VERIFIER") return authStep(init);
      const params = init.ChallengeParameters;
      const responses = await answerPasswordVerifier({ a, A, poolName, password, params });
      return authStep(
        await call("RespondToAuthChallenge", {
          ChallengeName: "PASSWORD_VERIFIER",
          ClientId: clientId,
          ChallengeResponses: responses,
          ...(init.Session ? { Session: init.Session } : {}),
        }),
      );
    }

    async function completeNewPassword(challenge, newPassword) {
      return authStep(
        await call("RespondToAuthChallenge", {
          ChallengeName: "NEW_PASSWORD_REQUIRED",
          ClientId: clientId,
          Session: challenge.session,
          ChallengeResponses: { USERNAME: challenge.userId, NEW_PASSWORD: newPassword },
        }),
      );
    }

    return {
      config,
      call,
      signIn,
      completeNewPassword,
      signUp: (email, password) =>
        call("SignUp", {
          ClientId: clientId,
          Username: email,
          Password: password,
          UserAttributes: [{ Name: "email", Value: email }],
        }),
      confirmSignUp: (email, code) =>
        call("ConfirmSignUp", { ClientId: clientId, Username: email, ConfirmationCode: code }),
      resendCode: (email) => call("ResendConfirmationCode", { ClientId: clientId, Username: email }),
      forgotPassword: (email) => call("ForgotPassword", { ClientId: clientId, Username: email }),
      confirmForgotPassword: (email, code, password) =>
        call("ConfirmForgotPassword", {
          ClientId: clientId,
          Username: email,
          ConfirmationCode: code,
          Password: password,
        }),
      refresh: async (refreshToken) =>
        (await call("GetTokensFromRefreshToken", { ClientId: clientId, RefreshToken: refreshToken }))
          .AuthenticationResult,
      revoke: (refreshToken) => call("RevokeToken", { ClientId: clientId, Token: refreshToken }),
      globalSignOut: (accessToken) => call("GlobalSignOut", { AccessToken: accessToken }),
    };
  }

  function errorCode(data, response) {
    const raw = data.__type ?? data.code ?? response.headers.get("x-amzn-errortype") ?? "";
    return raw.split(":")[0].split("#").pop() || `HTTP${response.status}`;
  }

  function authStep(reply) {
    if (reply.AuthenticationResult) return { result: reply.AuthenticationResult };
    if (reply.ChallengeName === "NEW_PASSWORD_REQUIRED") {
      return {
        challenge: {
          name: reply.ChallengeName,
          session: reply.Session,
          userId: reply.ChallengeParameters?.USER_ID_FOR_SRP,
        },
      };
    }
    throw new AuthError("UnsupportedChallenge", `Unsupported sign-in step ${reply.ChallengeName}`);
  }

  // ---------------------------------------------------------------------------------------------
  // 3. The session core (no DOM): storage, refresh, cross-tab sync, timers, events

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

  const WEB_SCHEMES = new Set(["http:", "https:"]);

  /** Options as the core keeps them: apiOrigins as a frozen list of origins, invalid ones refused. */
  function checkedOptions(options) {
    if (options?.apiOrigins === undefined) return options;
    return { ...options, apiOrigins: apiOriginList(options.apiOrigins) };
  }

  /** A list, or a space- or comma-separated string (data-api-origins), of http(s) origins. */
  function apiOriginList(value) {
    const entries = typeof value === "string" ? value.split(/[\s,]+/).filter(Boolean) : value;
    if (!Array.isArray(entries)) {
      throw usageError("invalid_api_origins", `apiOrigins must be a list such as ["https://api.example.com"], not ${typeof value}`);
    }
    return Object.freeze(entries.map(originOf));
  }

  function originOf(entry) {
    let url = null;
    try {
      url = typeof entry === "string" ? new URL(entry) : null;
    } catch {
      // refused below, with the entry named
    }
    if (!WEB_SCHEMES.has(url?.protocol)) {
      throw usageError("invalid_api_origin", `apiOrigins: ${JSON.stringify(entry)} is not an http(s) origin such as "https://api.example.com"`);
    }
    return url.origin;
  }

  /**
   * The origin of `url` (resolved against the page) when AuthReturn.fetch may send it a token: the
   * page's own or one in apiOrigins, over http(s). Any other throws: sent with the token, the
   * request would hand it to a server nobody chose; sent without, it would hide the mistake.
   */
  function tokenOrigin(url, pageUrl, apiOrigins) {
    const target = new URL(url, pageUrl ?? undefined);
    if (!WEB_SCHEMES.has(target.protocol)) {
      throw usageError("origin_not_allowed", `AuthReturn.fetch sends tokens over http(s) only, not to ${target.protocol} URLs`);
    }
    const page = pageUrl ? new URL(pageUrl).origin : "none";
    if (target.origin === page || apiOrigins.includes(target.origin)) return target.origin;
    throw usageError(
      "origin_not_allowed",
      `AuthReturn.fetch does not send tokens to ${target.origin}: it is neither this page's origin (${page}) ` +
        `nor in apiOrigins. If it is your API, list it: data-api-origins="${target.origin}" on the script tag, ` +
        `or AuthReturn.configure({ apiOrigins: ["${target.origin}"] }).`,
    );
  }

  function memoryStorage() {
    const map = new Map();
    return {
      getItem: (key) => (map.has(key) ? map.get(key) : null),
      setItem: (key, value) => map.set(key, String(value)),
      removeItem: (key) => map.delete(key),
    };
  }

  /** Web Storage of that kind, or memory when it is missing or blocked (private modes). */
  function webStorage(kind) {
    try {
      const store = kind === "session" ? globalThis.sessionStorage : globalThis.localStorage;
      const probe = "authreturn:probe";
      store.setItem(probe, "1");
      store.removeItem(probe);
      return store;
    } catch {
      return memoryStorage();
    }
  }

  /** A channel to the other tabs of this origin: BroadcastChannel, else storage events. */
  function createBus(name) {
    if (typeof BroadcastChannel === "function") {
      const channel = new BroadcastChannel(name);
      return {
        post: (message) => channel.postMessage(message),
        listen: (fn) => channel.addEventListener("message", (e) => fn(e.data)),
      };
    }
    if (typeof addEventListener !== "function" || !globalThis.localStorage) return null;
    return {
      post(message) {
        localStorage.setItem(name, JSON.stringify({ message, nonce: Math.random() }));
        localStorage.removeItem(name);
      },
      listen: (fn) =>
        addEventListener("storage", (e) => e.key === name && e.newValue && fn(JSON.parse(e.newValue).message)),
    };
  }

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

  /** Asks for a Web Lock and keeps it until `release()`; `granted` is false if not had within `wait` ms. */
  function claimLock(env, name, wait) {
    const abort = new AbortController();
    const timer = env.setTimeout(() => abort.abort(), wait);
    let release;
    const held = new Promise((resolve) => (release = resolve));
    const granted = new Promise((resolve) => {
      env.locks
        .request(name, { signal: abort.signal }, () => {
          env.clearTimeout(timer);
          resolve(true);
          return held;
        })
        .catch(() => resolve(false));
    });
    return {
      granted,
      release() {
        env.clearTimeout(timer);
        abort.abort();
        release();
      },
    };
  }

  /**
   * The signed-in state of one app in one tab. `env` carries everything platform-specific:
   * { fetch, now, setTimeout, clearTimeout, storage(kind), bus(name), locks, pageUrl(),
   *   onActivity(fn), onPageLifecycle({hidden, shown}) }.
   */
  class AuthCore {
    constructor({ appId, baseUrl, options = {}, env = {} }) {
      this.appId = appId;
      this.baseUrl = baseUrl;
      this.env = { ...defaultEnv(), ...env };
      this.options = { ...DEFAULTS, ...checkedOptions(options) };
      this.key = `authreturn:${appId}:session`;
      this.listeners = new Map();
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

    // -- events

    on(event, fn) {
      if (!this.listeners.has(event)) this.listeners.set(event, new Set());
      this.listeners.get(event).add(fn);
    }

    off(event, fn) {
      this.listeners.get(event)?.delete(fn);
    }

    emit(event, detail) {
      for (const fn of [...(this.listeners.get(event) ?? [])]) {
        try {
          fn(detail);
        } catch (error) {
          console.error(error);
        }
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

    /** SRP sign-in. Resolves `{user}` when signed in, or `{challenge}` for a new password. */
    async signInWithPassword(email, password) {
      return this.finishStep(await this.requireClient().signIn(email, password));
    }

    async completeNewPassword(challenge, newPassword) {
      return this.finishStep(await this.requireClient().completeNewPassword(challenge, newPassword));
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

  const minutesUntil = (at, now) => Math.max(1, Math.ceil((at - now) / MINUTE));

  function defaultEnv() {
    return {
      fetch: (...args) => globalThis.fetch(...args),
      now: () => Date.now(),
      setTimeout: (fn, ms) => setTimeout(fn, Math.min(ms, 2 ** 31 - 1)),
      clearTimeout: (id) => clearTimeout(id),
      storage: (kind) => (kind === "memory" ? memoryStorage() : webStorage(kind)),
      bus: createBus,
      locks: globalThis.navigator?.locks ?? null,
      pageUrl: () => globalThis.location?.href ?? null,
      onActivity: null,
      onPageLifecycle: null,
    };
  }

  // ---------------------------------------------------------------------------------------------
  // 4. The DOM: modal, session prompt, bootstrap

  const STYLE_TOKENS = `
    :host { all: initial; font-family: var(--_font); }
    :host {
      --_accent: var(--ar-accent, #2563eb);
      --_accent-fg: var(--ar-accent-fg, #ffffff);
      --_bg: var(--ar-bg, #ffffff);
      --_fg: var(--ar-fg, #1f2328);
      --_muted: var(--ar-muted, #59636e);
      --_border: var(--ar-border, #d1d9e0);
      --_error: var(--ar-error, #c62828);
      --_ok: var(--ar-ok, #1a7f37);
      --_radius: var(--ar-radius, 10px);
      --_font: var(--ar-font, system-ui, -apple-system, "Segoe UI", Roboto, sans-serif);
      --_backdrop: var(--ar-backdrop, rgba(15, 23, 42, 0.55));
      --_shadow: 0 20px 50px rgba(0, 0, 0, 0.25);
      color-scheme: light;
    }
    @media (prefers-color-scheme: dark) {
      :host(:not([data-theme="light"])) {
        --_accent: var(--ar-accent, #4c8dff);
        --_accent-fg: var(--ar-accent-fg, #0b1220);
        --_bg: var(--ar-bg, #1b1f24);
        --_fg: var(--ar-fg, #e6edf3);
        --_muted: var(--ar-muted, #9198a1);
        --_border: var(--ar-border, #3d444d);
        --_error: var(--ar-error, #ff7b72);
        --_ok: var(--ar-ok, #3fb950);
        color-scheme: dark;
      }
    }
    :host([data-theme="dark"]) {
      --_accent: var(--ar-accent, #4c8dff);
      --_accent-fg: var(--ar-accent-fg, #0b1220);
      --_bg: var(--ar-bg, #1b1f24);
      --_fg: var(--ar-fg, #e6edf3);
      --_muted: var(--ar-muted, #9198a1);
      --_border: var(--ar-border, #3d444d);
      --_error: var(--ar-error, #ff7b72);
      --_ok: var(--ar-ok, #3fb950);
      color-scheme: dark;
    }
    button { font: inherit; cursor: pointer; }
    .primary {
      background: var(--_accent); color: var(--_accent-fg); border: 0;
      border-radius: var(--_radius); padding: 0.7em 1em; font-weight: 600;
    }
    .link {
      background: none; border: 0; padding: 0.25em 0; color: var(--_accent);
      text-decoration: underline; text-underline-offset: 2px;
    }
    :focus-visible { outline: 3px solid var(--_accent); outline-offset: 2px; }
  `;

  const MODAL_STYLE = `
    .backdrop {
      position: fixed; inset: 0; z-index: 2147483646; display: flex;
      align-items: center; justify-content: center; padding: 12px;
      background: var(--_backdrop);
    }
    .backdrop[hidden] { display: none; }
    .dialog {
      box-sizing: border-box; width: min(400px, 100%); max-height: calc(100vh - 24px);
      overflow: auto; background: var(--_bg); color: var(--_fg);
      border-radius: var(--_radius); box-shadow: var(--_shadow);
      /* A shadow does not show on a dark page: the border keeps the dialog's edge visible. */
      border: 1px solid var(--_border);
      padding: 24px; position: relative; font-size: 16px; line-height: 1.45;
      font-family: var(--_font);
    }
    @media (prefers-reduced-motion: no-preference) {
      .dialog { animation: rise 160ms ease-out; }
      @keyframes rise { from { opacity: 0; transform: translateY(8px); } }
    }
    h2 { margin: 0 2em 0.5em 0; font-size: 1.35em; line-height: 1.25; overflow-wrap: anywhere; }
    p { margin: 0 0 1em; color: var(--_muted); }
    form { display: flex; flex-direction: column; gap: 14px; }
    label { display: flex; flex-direction: column; gap: 6px; font-weight: 600; font-size: 0.95em; }
    input {
      font: inherit; font-weight: 400; color: var(--_fg); background: transparent;
      border: 1px solid var(--_border); border-radius: calc(var(--_radius) * 0.7);
      padding: 0.6em 0.75em; min-width: 0;
    }
    input:focus-visible { outline: 2px solid var(--_accent); outline-offset: 0; border-color: var(--_accent); }
    .close {
      position: absolute; top: 12px; right: 12px; width: 36px; height: 36px;
      border: 0; border-radius: 50%; background: transparent; color: var(--_muted); font-size: 22px;
    }
    .alert { color: var(--_error); font-weight: 600; margin: 0; }
    .alert:empty, .status:empty { display: none; }
    .status { color: var(--_ok); margin: 0; }
    .rules { list-style: none; margin: -4px 0 0; padding: 0; font-size: 0.9em; color: var(--_muted); }
    .rules li::before { content: "○"; display: inline-block; width: 1.4em; }
    .rules li[data-met="true"] { color: var(--_ok); }
    .rules li[data-met="true"]::before { content: "✓"; }
    .sr { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
    .links { display: flex; flex-wrap: wrap; justify-content: space-between; gap: 8px; margin-top: 4px; font-size: 0.95em; }
    form[aria-busy="true"] .primary { opacity: 0.7; cursor: progress; }
  `;

  const PROMPT_STYLE = `
    .prompt {
      position: fixed; z-index: 2147483645; right: 16px; bottom: 16px;
      max-width: calc(100vw - 32px); box-sizing: border-box;
      display: flex; align-items: center; gap: 8px; padding: 10px 8px 10px 14px;
      background: var(--_bg); color: var(--_fg); border: 1px solid var(--_border);
      border-radius: var(--_radius); box-shadow: var(--_shadow); font-size: 14px;
    }
    .prompt[hidden] { display: none; }
    .dismiss { background: none; border: 0; color: var(--_muted); font-size: 18px; width: 32px; height: 32px; }
  `;

  /** A tiny element builder: no HTML strings, so no escaping mistakes. */
  function h(doc, tag, attrs = {}, ...children) {
    const el = doc.createElement(tag);
    for (const [name, value] of Object.entries(attrs)) {
      if (value == null || value === false) continue;
      if (name.startsWith("on")) el.addEventListener(name.slice(2), value);
      else if (name === "text") el.textContent = value;
      else el.setAttribute(name, value === true ? "" : value);
    }
    el.append(...children.flat(Infinity).filter((c) => c != null));
    return el;
  }

  /** A Document member read from its prototype: a named element (<img name="body">) cannot stand in for it. */
  const documentMember = (doc, name) => Reflect.get(Document.prototype, name, doc);

  function shadowHost(doc, tag, css, theme) {
    const host = doc.createElement(tag);
    const root = host.attachShadow({ mode: "open" });
    root.append(h(doc, "style", { text: STYLE_TOKENS + css }));
    applyTheme(host, theme);
    documentMember(doc, "body").append(host);
    return { host, root };
  }

  function applyTheme(host, theme) {
    if (theme === "light" || theme === "dark") host.setAttribute("data-theme", theme);
    else host.removeAttribute("data-theme");
  }

  const FIELDS = {
    email: { label: "Email", type: "email", autocomplete: "username", inputmode: "email" },
    password: { label: "Password", type: "password", autocomplete: "current-password" },
    newPassword: { label: "Password", type: "password", autocomplete: "new-password", rules: true },
    resetPassword: { label: "New password", type: "password", autocomplete: "new-password", rules: true },
    code: { label: "Confirmation code", type: "text", autocomplete: "one-time-code", inputmode: "numeric" },
  };

  /** The focused element, looking through open shadow roots (focus inside <auth-header>). */
  function deepActiveElement(doc) {
    let active = doc.activeElement;
    while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
    return active;
  }

  /** The app's name from its public config, or null (older servers send none). */
  const appName = (config) => (typeof config?.name === "string" && config.name.trim()) || null;

  /** The modal: one dialog, six views. Resolves `open()` with the user, or null when closed. */
  class Modal {
    constructor(auth, doc) {
      this.auth = auth;
      this.doc = doc;
      this.ctx = {};
      this.busy = false;
      this.resolve = null;
    }

    open(view, ctx = {}) {
      this.ctx = { ...ctx };
      if (!this.host) this.build();
      if (!this.isOpen()) this.returnFocus = deepActiveElement(this.doc);
      this.backdrop.hidden = false;
      this.show(view);
      this.resolve?.(null);
      return new Promise((resolve) => (this.resolve = resolve));
    }

    close(user = null) {
      if (!this.isOpen()) return;
      this.backdrop.hidden = true;
      this.ctx = {};
      this.resolve?.(user);
      this.resolve = null;
      this.returnFocus?.focus?.();
    }

    build() {
      const { doc } = this;
      ({ host: this.host, root: this.root } = shadowHost(doc, "auth-return-modal", MODAL_STYLE, this.auth.options.theme));
      this.dialog = h(doc, "div", {
        class: "dialog",
        role: "dialog",
        "aria-modal": "true",
        "aria-labelledby": "ar-title",
      });
      this.backdrop = h(doc, "div", { class: "backdrop", hidden: true }, this.dialog);
      this.root.append(this.backdrop);
      // On the document, so Escape and Tab still work after a click on the backdrop.
      doc.addEventListener("keydown", (e) => this.isOpen() && this.onKey(e), true);
      doc.addEventListener("focusin", (e) => this.isOpen() && e.target !== this.host && this.focusFirst());
    }

    isOpen() {
      return Boolean(this.backdrop) && !this.backdrop.hidden;
    }

    focusFirst() {
      const inputs = [...this.form.querySelectorAll("input")];
      (inputs.find((i) => !i.value) ?? inputs[0])?.focus();
    }

    onKey(event) {
      if (event.key === "Escape") {
        event.preventDefault();
        this.close();
      } else if (event.key === "Tab") {
        this.trapFocus(event);
      }
    }

    trapFocus(event) {
      const focusable = [...this.dialog.querySelectorAll("button, input, [href]")].filter(
        (el) => !el.disabled && !el.closest("[hidden]"),
      );
      const first = focusable[0];
      const last = focusable.at(-1);
      const active = this.root.activeElement;
      if (event.shiftKey && (active === first || !active)) {
        event.preventDefault();
        last.focus();
      } else if (!event.shiftKey && (active === last || !active)) {
        event.preventDefault();
        first.focus();
      }
    }

    show(name, { error = "", status = "" } = {}) {
      this.view = name;
      const spec = this.views()[name]();
      const { doc } = this;
      this.alert = h(doc, "p", { class: "alert", role: "alert", id: "ar-alert", text: error });
      this.status = h(doc, "p", { class: "status", role: "status", text: status });
      const inputs = spec.fields.map((field) => this.field(field));
      const form = h(
        doc,
        "form",
        { novalidate: true, onsubmit: (e) => this.submit(e, spec) },
        inputs,
        this.alert,
        this.status,
        h(doc, "button", { class: "primary", type: "submit", text: spec.submit }),
      );
      const links = (spec.links ?? []).map(([label, go]) =>
        h(doc, "button", { type: "button", class: "link", text: label, onclick: go }),
      );
      // replaceChildren would print a null as the text "null": leave absent parts out.
      const parts = [
        h(doc, "button", { type: "button", class: "close", "aria-label": "Close", text: "×", onclick: () => this.close() }),
        h(doc, "h2", { id: "ar-title", text: spec.title }),
        spec.intro ? h(doc, "p", { text: spec.intro }) : null,
        form,
        links.length ? h(doc, "div", { class: "links" }, links) : null,
      ];
      this.dialog.replaceChildren(...parts.filter(Boolean));
      this.form = form;
      this.focusFirst();
    }

    field(name) {
      const { doc } = this;
      const spec = FIELDS[name];
      const id = `ar-${name}`;
      const rules = spec.rules ? this.rulesList(id) : null;
      const input = h(doc, "input", {
        id,
        name,
        type: spec.type,
        autocomplete: spec.autocomplete,
        inputmode: spec.inputmode,
        required: true,
        "aria-describedby": rules ? `${id}-rules` : null,
      });
      if (name === "email" && this.ctx.email) input.value = this.ctx.email;
      if (rules) input.addEventListener("input", () => this.tickRules(rules, input.value));
      return [h(doc, "label", { for: id }, spec.label, input), rules?.list];
    }

    rulesList(id) {
      const policy = this.auth.config?.passwordPolicy;
      if (!policy) return null;
      const items = passwordRules(policy).map((rule) => {
        const state = h(this.doc, "span", { class: "sr", text: " (not yet)" });
        return { rule, state, li: h(this.doc, "li", { "data-met": "false" }, rule.label, state) };
      });
      const list = h(this.doc, "ul", { class: "rules", id: `${id}-rules`, "aria-label": "Password must have" }, items.map((i) => i.li));
      return { list, items };
    }

    tickRules(rules, value) {
      for (const { rule, state, li } of rules.items) {
        const met = rule.met(value);
        li.dataset.met = String(met);
        state.textContent = met ? " (done)" : " (not yet)";
      }
    }

    async submit(event, spec) {
      event.preventDefault();
      if (this.busy) return;
      const values = Object.fromEntries(new FormData(this.form));
      const missing = spec.fields.find((f) => !String(values[f] ?? "").trim());
      if (missing) return this.fail(`Enter your ${FIELDS[missing].label.toLowerCase()}`, missing);
      if (values.email) this.ctx.email = values.email.trim();
      this.setBusy(true);
      try {
        await spec.action(values);
      } catch (error) {
        const { message, view } = describeError(error, this.auth.config?.passwordPolicy);
        if (view && view !== this.view) this.show(view, { error: message });
        else this.fail(message);
        if (!TOO_MANY.has(error.code)) this.auth.emit("error", error);
      } finally {
        this.setBusy(false);
      }
    }

    fail(message, field) {
      this.alert.textContent = message;
      this.status.textContent = "";
      (field ? this.form.querySelector(`[name="${field}"]`) : this.form.querySelector("input"))?.focus();
    }

    setBusy(busy) {
      this.busy = busy;
      this.form.setAttribute("aria-busy", String(busy));
      this.form.querySelector(".primary").setAttribute("aria-disabled", String(busy));
    }

    async signIn(email, password) {
      const outcome = await this.auth.signInWithPassword(email, password);
      if (outcome.challenge) {
        this.ctx.challenge = outcome.challenge;
        return this.show("newpassword");
      }
      this.close(outcome.user);
    }

    views() {
      const c = this.auth.client;
      const app = appName(this.auth.config);
      const go = (view) => () => this.show(view);
      const back = ["Back to sign-in", go("signin")];
      return {
        signin: () => ({
          title: this.ctx.reauth ? "Stay signed in" : app ? `Sign in to ${app}` : "Sign in",
          intro: this.ctx.reauth ? "Your session is about to end. Sign in again to keep working." : null,
          fields: ["email", "password"],
          submit: "Sign in",
          action: ({ email, password }) => {
            this.ctx.password = password;
            return this.signIn(email.trim(), password);
          },
          links: [["Forgot your password?", go("forgot")], ["Create an account", go("signup")]],
        }),
        signup: () => ({
          title: app ? `Create your ${app} account` : "Create account",
          fields: ["email", "newPassword"],
          submit: "Create account",
          action: async ({ email, newPassword }) => {
            this.ctx.password = newPassword;
            await c.signUp(email.trim(), newPassword);
            this.show("confirm", { status: `We sent a code to ${email.trim()}.` });
          },
          links: [back],
        }),
        confirm: () => ({
          title: "Confirm your email",
          intro: `Enter the code we emailed to ${this.ctx.email ?? "you"}.`,
          fields: ["code"],
          submit: "Confirm",
          action: async ({ code }) => {
            await c.confirmSignUp(this.ctx.email, code.trim());
            if (this.ctx.password) return this.signIn(this.ctx.email, this.ctx.password);
            this.show("signin", { status: "Your email is confirmed. Sign in to continue." });
          },
          links: [["Send a new code", () => this.resend()], back],
        }),
        forgot: () => ({
          title: app ? `Reset your ${app} password` : "Reset your password",
          intro: "We will email you a code to choose a new password.",
          fields: ["email"],
          submit: "Send code",
          action: async ({ email }) => {
            await c.forgotPassword(email.trim());
            this.show("reset", { status: `If ${email.trim()} has an account, a code is on its way.` });
          },
          links: [back],
        }),
        reset: () => ({
          title: app ? `Choose a new ${app} password` : "Choose a new password",
          intro: `Enter the code we emailed to ${this.ctx.email} and your new password.`,
          fields: ["code", "resetPassword"],
          submit: "Reset password",
          action: async ({ code, resetPassword }) => {
            await c.confirmForgotPassword(this.ctx.email, code.trim(), resetPassword);
            await this.signIn(this.ctx.email, resetPassword);
          },
          links: [["Send a new code", go("forgot")], back],
        }),
        newpassword: () => ({
          title: "Choose a new password",
          intro: "Your account needs a new password before you can continue.",
          fields: ["resetPassword"],
          submit: "Set new password",
          action: async ({ resetPassword }) => {
            const outcome = await this.auth.completeNewPassword(this.ctx.challenge, resetPassword);
            this.close(outcome.user ?? null);
          },
          links: [back],
        }),
      };
    }

    async resend() {
      try {
        await this.auth.client.resendCode(this.ctx.email);
        this.alert.textContent = "";
        this.status.textContent = `We sent a new code to ${this.ctx.email}.`;
      } catch (error) {
        this.fail(describeError(error).message);
      }
    }

    setTheme(theme) {
      if (this.host) applyTheme(this.host, theme);
    }
  }

  /** The small "your session ends soon" prompt. */
  class SessionPrompt {
    constructor(auth, doc, onStay) {
      this.auth = auth;
      this.doc = doc;
      this.onStay = onStay;
      this.warning = null;
      this.interval = null;
    }

    show(warning) {
      if (!this.host) this.build();
      this.warning = warning;
      this.render();
      this.box.hidden = false;
      clearInterval(this.interval);
      this.interval = setInterval(() => this.render(), 15_000);
    }

    hide(reason) {
      if (!this.box || (reason && this.warning?.reason !== reason)) return;
      this.box.hidden = true;
      this.warning = null;
      clearInterval(this.interval);
    }

    build() {
      const { doc } = this;
      ({ host: this.host, root: this.root } = shadowHost(doc, "auth-return-prompt", PROMPT_STYLE, this.auth.options.theme));
      this.text = h(doc, "span");
      this.stay = h(doc, "button", { type: "button", class: "link", onclick: () => this.onStay(this.warning) });
      this.box = h(
        doc,
        "div",
        { class: "prompt", role: "status", hidden: true },
        this.text,
        this.stay,
        h(doc, "button", { type: "button", class: "dismiss", "aria-label": "Dismiss", text: "×", onclick: () => this.hide() }),
      );
      this.root.append(this.box);
    }

    render() {
      const minutes = minutesUntil(this.warning.expiresAt, Date.now());
      const span = `${minutes} minute${minutes === 1 ? "" : "s"}`;
      this.text.textContent =
        this.warning.reason === "idle"
          ? `You will be signed out in ${span} for inactivity — `
          : `Your session ends in ${span} — `;
      this.stay.textContent = "stay signed in";
    }

    setTheme(theme) {
      if (this.host) applyTheme(this.host, theme);
    }
  }

  const ACTIVITY_EVENTS = ["pointerdown", "keydown", "wheel", "touchstart", "scroll"];

  function browserEnv(doc) {
    return {
      onActivity(fn) {
        for (const type of ACTIVITY_EVENTS) doc.addEventListener(type, fn, { passive: true, capture: true });
      },
      onPageLifecycle({ hidden, shown }) {
        addEventListener("pagehide", hidden);
        addEventListener("pageshow", shown);
      },
    };
  }

  /** Options from the script tag's data-* attributes. */
  function optionsFromDataset(data) {
    const options = {};
    if (data.storage) options.storage = data.storage;
    if (data.fetchToken) options.fetchToken = data.fetchToken;
    if (data.idleTimeout) options.idleTimeoutMinutes = Number(data.idleTimeout);
    if (data.warnBefore) options.warnBeforeMinutes = Number(data.warnBefore);
    if (data.theme) options.theme = data.theme;
    if (data.apiOrigins) options.apiOrigins = datasetOrigins(data.apiOrigins);
    return options;
  }

  /** data-api-origins; with an invalid entry, none (as configure, which throws, sets none). */
  function datasetOrigins(text) {
    try {
      return apiOriginList(text);
    } catch (error) {
      console.error(`auth_component.js: data-api-origins: ${error.message}`);
      return [];
    }
  }

  /** This script's tag. An element named "currentScript" must not choose the server. */
  function findScript(doc) {
    const script =
      documentMember(doc, "currentScript") ??
      documentMember(doc, "querySelector").call(doc, 'script[data-app-id][src*="auth_component"]');
    return script instanceof HTMLScriptElement ? script : null;
  }

  // Symbol.for: two copies of this script on a page (plain and versioned URL) know each other's API.
  const API_BRAND = Symbol.for("authreturn.api");

  /** Our API, not whatever else is there: <div id="AuthReturn"> makes window.AuthReturn an element. */
  const isApi = (value) => typeof value === "object" && value !== null && value[API_BRAND] === true;

  /** Builds the public API around a core, a modal and a prompt. */
  function createApi(auth, doc) {
    const modal = new Modal(auth, doc);
    const prompt = new SessionPrompt(auth, doc, (warning) => {
      if (warning?.reason === "idle") return auth.recordActivity();
      prompt.hide();
      modal.open("signin", { email: auth.session?.email, reauth: true });
    });
    auth.on("sessionexpiring", (warning) => prompt.show(warning));
    auth.on("_idlereset", () => prompt.hide("idle"));
    auth.on("_sessionreset", () => prompt.hide("session"));
    for (const event of ["signin", "signout"]) auth.on(event, () => prompt.hide());

    const ready = auth.start();
    ready.catch((error) => auth.emit("error", error));
    const afterReady = (fn) => async (...args) => {
      await ready;
      return fn(...args);
    };

    return Object.freeze({
      [API_BRAND]: true,
      ready: ready.then(() => undefined),
      signIn: afterReady(() => modal.open("signin", { email: auth.session?.email })),
      signUp: afterReady(() => modal.open("signup")),
      signOut: (options = {}) =>
        ready.catch(() => {}).then(() => auth.signOut({ global: Boolean(options.global) })),
      isSignedIn: () => auth.isSignedIn(),
      getUser: () => auth.getUser(),
      getIdToken: afterReady(() => auth.getToken("id")),
      getAccessToken: afterReady(() => auth.getToken("access")),
      fetch: (input, init) => ready.then(() => auth.fetch(input, init), () => auth.fetch(input, init)),
      on: (event, fn) => auth.on(event, fn),
      off: (event, fn) => auth.off(event, fn),
      configure(options) {
        const result = auth.configure(options);
        modal.setTheme(result.theme);
        prompt.setTheme(result.theme);
        return result;
      },
    });
  }

  function install(win, doc) {
    if (isApi(win.AuthReturn)) return;
    const script = findScript(doc);
    const appId = script?.dataset.appId;
    if (!appId) {
      console.error("auth_component.js: add data-app-id to its <script> tag");
      return;
    }
    // The server is where this script came from (data-server overrides, e.g. behind a CDN).
    const baseUrl = script.dataset.server ?? new URL(".", script.src || win.location.href).href;
    const auth = new AuthCore({ appId, baseUrl, options: optionsFromDataset(script.dataset), env: browserEnv(doc) });
    win.AuthReturn = createApi(auth, doc);
    win.dispatchEvent(new Event("authreturn:load"));
  }

  const internals = {
    N,
    G,
    padHex,
    hexToBytes,
    bytesToHex,
    bytesToBase64,
    base64ToBytes,
    bigFromHex,
    modPow,
    sha256,
    hmacSha256,
    computeK,
    computeX,
    computeU,
    computeS,
    deriveKey,
    claimSignature,
    formatTimestamp,
    srpStart,
    answerPasswordVerifier,
    decodeJwt,
    describeError,
    passwordRules,
    policyMessage,
    AuthError,
    apiOriginList,
    tokenOrigin,
    fetchConfig,
    createClient,
    AuthCore,
    memoryStorage,
  };

  if (typeof document !== "undefined" && !globalThis.__AUTH_RETURN_TEST__) {
    install(window, document);
  } else if (typeof module !== "undefined" && module.exports) {
    module.exports = internals;
  } else {
    globalThis.__AUTH_RETURN_TEST__ = internals;
  }
})();
