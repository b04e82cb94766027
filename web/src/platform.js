// What the session core needs from the platform: storage, the bus to other tabs, Web Locks,
// timers, and the browser's passkeys (navigator.credentials, and whether its autofill offers them).

import { conditionalMediation } from "./passkeys.js";

/** A Storage kept in memory: storage "memory", and where Web Storage is blocked. */
export function memoryStorage() {
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

/** Asks for a Web Lock and keeps it until `release()`; `granted` is false if not had within `wait` ms. */
export function claimLock(env, name, wait) {
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

/** The browser's env for AuthCore; each part can be replaced (tests use fakes). */
export function defaultEnv() {
  return {
    fetch: (...args) => globalThis.fetch(...args),
    now: () => Date.now(),
    setTimeout: (fn, ms) => setTimeout(fn, Math.min(ms, 2 ** 31 - 1)),
    clearTimeout: (id) => clearTimeout(id),
    storage: (kind) => (kind === "memory" ? memoryStorage() : webStorage(kind)),
    bus: createBus,
    locks: globalThis.navigator?.locks ?? null,
    // navigator.credentials where the browser has passkeys (PublicKeyCredential), else null.
    credentials: typeof globalThis.PublicKeyCredential === "function" ? (globalThis.navigator?.credentials ?? null) : null,
    // Whether the browser offers passkeys in its autofill.
    conditionalMediation: () => conditionalMediation(globalThis.PublicKeyCredential),
    pageUrl: () => globalThis.location?.href ?? null,
    // Leaves the page (a sign-in through an identity provider).
    navigate: (url) => globalThis.location.assign(url),
    // Takes the provider's answer out of the address bar, without a reload.
    replaceUrl: (url) => globalThis.history?.replaceState(globalThis.history.state, "", url),
    onActivity: null,
    onPageLifecycle: null,
  };
}
