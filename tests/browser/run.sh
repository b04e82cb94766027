#!/usr/bin/env bash
# Real-browser tests of web/auth_component.js and web/auth_header_component.js, the console and
# the hosted sign-in pages: playwright-core driving Debian's Chromium (headless) against a running
# Auth Return (or one a test starts itself), the test pages served from another origin by the
# tests themselves. Called by tests/e2e/run.sh, which starts the server.
#
# Needs from the caller: AUTH_RETURN_URL, AUTH_RETURN_OUTBOX, AUTH_RETURN_APP_PUBLIC (apps create
# --json), and for the tests that make apps of their own with the CLI AUTH_RETURN_BIN and
# AUTH_RETURN_DATA_DIR.
# Installs Chromium (and openssl) with apt-get when missing (as root), and the npm packages with
# npm ci when node_modules is missing or older than package-lock.json.
# AUTH_RETURN_BROWSER_TESTS (a space-separated list of test files) runs only those.
# Screenshots of the modal and the header go to tests/browser/screenshots/ (look at them).
# Real relying parties of the hosted sign-in run in the same Chromium: openid-client
# (oidc.test.mjs) and Amplify's signInWithRedirect (amplify-redirect.test.mjs, bundled by esbuild,
# on a server with built-in TLS whose certificate the test makes with openssl). Amplify's passkeys
# (passkeys.test.mjs) run against Chromium's virtual authenticator, with the page on localhost.
set -euo pipefail

DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$DIR"
log() { printf 'browser: %s\n' "$*" >&2; }

for var in AUTH_RETURN_URL AUTH_RETURN_OUTBOX AUTH_RETURN_APP_PUBLIC; do
  if [[ -z "${!var:-}" ]]; then
    log "$var is not set (run through tests/e2e/run.sh, which starts a server)"
    exit 1
  fi
done

CHROMIUM="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [[ ! -x "$CHROMIUM" ]]; then
  if command -v apt-get >/dev/null && [[ $(id -u) -eq 0 ]]; then
    log "installing Debian's chromium with apt-get"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    log "$CHROMIUM is missing; install Debian's chromium package (apt-get install chromium)"
    exit 1
  fi
fi
log "$("$CHROMIUM" --version 2>/dev/null || echo "chromium at $CHROMIUM")"

if ! command -v openssl >/dev/null; then
  if command -v apt-get >/dev/null && [[ $(id -u) -eq 0 ]]; then
    log "installing Debian's openssl with apt-get (the HTTPS tests make a certificate)"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq openssl >/dev/null
  else
    log "openssl is missing; install Debian's openssl package (apt-get install openssl)"
    exit 1
  fi
fi

if [[ ! -d node_modules || package-lock.json -nt node_modules/.package-lock.json ]]; then
  log "installing npm packages (npm ci)"
  npm ci --no-audit --no-fund --loglevel=error
fi

rm -rf screenshots
# AUTH_RETURN_BROWSER_TESTS="passkeys.test.mjs mfa.test.mjs" runs only those files (development).
log "running node --test tests/browser ${AUTH_RETURN_BROWSER_TESTS:-}"
# shellcheck disable=SC2086 # a list of file names, split on purpose
exec node --test ${AUTH_RETURN_BROWSER_TESTS:-./*.test.mjs}
