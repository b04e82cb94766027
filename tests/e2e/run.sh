#!/usr/bin/env bash
# End-to-end tests: starts a real Auth Return server on a free loopback port with a fresh data
# dir, registers the apps the tests need through the CLI, then runs the real client libraries
# against it: pycognito + boto3 + PyJWT (pytest) and amazon-cognito-identity-js + jose
# (node --test), the Rust crate auth-return-verify's example backend (verify_crate.sh), then the
# embeddable components in Chromium (tests/browser/run.sh, which also runs the OpenID Connect
# relying parties of the hosted sign-in there: openid-client and Amplify's signInWithRedirect).
# Always stops the server; exits non-zero if anything failed.
#
# Usage: tests/e2e/run.sh [path/to/auth-return]     (default: target/debug/auth-return)
# Env:   AUTH_RETURN_E2E_KEEP=1   keep the temporary data dir (server log, outbox) afterwards
#        AUTH_RETURN_E2E_ONLY=web,browser   run only these suites, a comma list of python, node,
#                                 crate, web, browser (default: all; for development)
#        AUTH_RETURN_PYTEST_ARGS="-k provider"   more arguments for pytest (for development)
set -euo pipefail

E2E_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$E2E_DIR/../.." && pwd)"
cd "$ROOT"

BIN="${1:-target/debug/auth-return}"
case "$BIN" in /*) ;; *) BIN="$ROOT/$BIN" ;; esac
if [[ ! -x "$BIN" ]]; then
  echo "e2e: binary not found or not executable: $BIN (build it with: cargo build -p auth-return)" >&2
  exit 1
fi

log() { printf 'e2e: %s\n' "$*" >&2; }

SUITES="python,node,crate,web,browser"
ONLY="${AUTH_RETURN_E2E_ONLY:-$SUITES}"
for suite in ${ONLY//,/ }; do
  if [[ ",$SUITES," != *",$suite,"* ]]; then
    log "AUTH_RETURN_E2E_ONLY: unknown suite '$suite' (known: $SUITES)"
    exit 1
  fi
done
wanted() { [[ ",$ONLY," == *",$1,"* ]]; }
if [[ "$ONLY" != "$SUITES" ]]; then log "running only: $ONLY"; fi

# Settings must come from our flags only, not from a developer's environment.
unset AUTH_RETURN_PUBLIC_URL AUTH_RETURN_CONFIG AUTH_RETURN_LISTEN AUTH_RETURN_DATA_DIR || true

# --- a free port and a fresh data dir ---------------------------------------------------------
PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')"
LISTEN="127.0.0.1:$PORT"
URL="http://$LISTEN"
DATA_DIR="$(mktemp -d "${TMPDIR:-/tmp}/auth-return-e2e.XXXXXX")"
SERVER_LOG="$DATA_DIR/server.log"
SERVER_PID=""
FAILED=()

print_server_log() {
  if [[ -f "$SERVER_LOG" ]]; then
    echo "----- server log ($SERVER_LOG, last 200 lines) -----" >&2
    tail -n 200 "$SERVER_LOG" >&2 || true
    echo "----- end of server log -----" >&2
  fi
}

stop_server() {
  local rc=$?
  if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    for _ in $(seq 1 150); do
      kill -0 "$SERVER_PID" 2>/dev/null || break
      sleep 0.1
    done
    if kill -0 "$SERVER_PID" 2>/dev/null; then
      log "server did not stop within 15 s of SIGTERM; killing it"
      kill -KILL "$SERVER_PID" 2>/dev/null || true
    fi
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  if [[ $rc -ne 0 ]]; then
    print_server_log
  fi
  if [[ -n "${AUTH_RETURN_E2E_KEEP:-}" || $rc -ne 0 ]]; then
    log "data dir kept: $DATA_DIR"
  else
    rm -rf "$DATA_DIR"
  fi
  exit $rc
}
trap stop_server EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# --- start the server ---------------------------------------------------------------------------
# Every suite below signs in from 127.0.0.1, hundreds of times within minutes: the per-address
# limits are raised here; test_limits.py checks the defaults on a server of its own.
LIMITS=(--rate-limit-sign-in 100000 --rate-limit-sign-up 100000 --rate-limit-codes 100000
        --rate-limit-refresh 100000 --rate-limit-key-verify 100000
        --console-signup open)  # the suites sign up many developers
# With the Cognito emulator (tests/cognito/start.sh), the server can register apps whose pools
# live there (provider mode), with the emulator's root keys as its AWS credentials.
AWS_FLAGS=()
AWS_KEYS=()
if [[ -n "${AUTH_RETURN_TEST_COGNITO_URL:-}" ]]; then
  AWS_FLAGS=(--aws-region us-east-1 --aws-endpoint-url "$AUTH_RETURN_TEST_COGNITO_URL")
  AWS_KEYS=(AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test)
fi
log "starting $BIN serve --listen $LISTEN --data-dir $DATA_DIR ${LIMITS[*]} ${AWS_FLAGS[*]}"
env NO_COLOR=1 "${AWS_KEYS[@]}" "$BIN" serve --listen "$LISTEN" --data-dir "$DATA_DIR" "${LIMITS[@]}" \
  "${AWS_FLAGS[@]}" >"$SERVER_LOG" 2>&1 &
SERVER_PID=$!

deadline=$((SECONDS + 30))
until python3 - "$URL/healthz" <<'PY' 2>/dev/null
import json, sys, urllib.request
with urllib.request.urlopen(sys.argv[1], timeout=2) as r:
    body = json.load(r)
    sys.exit(0 if r.status == 200 and body.get("status") == "ok" else 1)
PY
do
  if ! kill -0 "$SERVER_PID" 2>/dev/null; then
    log "the server exited before it became ready"
    exit 1
  fi
  if (( SECONDS >= deadline )); then
    log "the server did not answer GET /healthz with {\"status\":\"ok\"} within 30 s"
    exit 1
  fi
  sleep 0.2
done
log "server ready at $URL (pid $SERVER_PID)"

# --- register the apps the tests need -----------------------------------------------------------
create_app() {
  local out
  if ! out="$("$BIN" apps create --json --listen "$LISTEN" --data-dir "$DATA_DIR" "$@" 2>>"$DATA_DIR/cli.log")"; then
    log "auth-return apps create $* failed:"
    cat "$DATA_DIR/cli.log" >&2
    return 1
  fi
  # Validate and normalise to one compact JSON line; check the fields the tests rely on.
  python3 - "$out" "$URL" <<'PY'
import json, sys
app = json.loads(sys.argv[1])
url = sys.argv[2]
for key in ("app_id", "name", "user_pool_id", "client_id", "issuer", "jwks_uri"):
    if not app.get(key):
        sys.exit(f"apps create --json: missing {key!r} in {sys.argv[1]}")
if app["issuer"] != f"{url}/{app['user_pool_id']}":
    sys.exit(f"apps create --json: issuer {app['issuer']!r} does not match the server URL {url}")
print(json.dumps(app, separators=(",", ":")))
PY
}

APP_PUBLIC="$(create_app --name "e2e public client")"
APP_SECRET="$(create_app --name "e2e confidential client" --client-secret)"
if ! python3 -c 'import json,sys; sys.exit(0 if json.loads(sys.argv[1]).get("client_secret") else 1)' "$APP_SECRET"; then
  log "apps create --client-secret --json printed no client_secret: $APP_SECRET"
  exit 1
fi
APP_COGNITO=""
if [[ ${#AWS_FLAGS[@]} -gt 0 ]]; then
  if ! APP_COGNITO="$(env "${AWS_KEYS[@]}" "$BIN" apps create --json --name "e2e cognito app" \
      --provider cognito --listen "$LISTEN" --data-dir "$DATA_DIR" "${AWS_FLAGS[@]}" \
      2>>"$DATA_DIR/cli.log")"; then
    log "auth-return apps create --provider cognito failed:"
    cat "$DATA_DIR/cli.log" >&2
    exit 1
  fi
  APP_COGNITO="$(python3 -c 'import json,sys; print(json.dumps(json.loads(sys.argv[1]), separators=(",", ":")))' "$APP_COGNITO")"
fi
log "registered apps: $(python3 -c 'import json,sys; print(", ".join(json.loads(a)["client_id"] for a in sys.argv[1:]))' "$APP_PUBLIC" "$APP_SECRET")"

export AUTH_RETURN_URL="$URL"
export AUTH_RETURN_BIN="$BIN"
export AUTH_RETURN_OUTBOX="$DATA_DIR/outbox.jsonl"
export AUTH_RETURN_APP_PUBLIC="$APP_PUBLIC"
export AUTH_RETURN_APP_SECRET="$APP_SECRET"
# An app whose pool lives in the Cognito emulator (empty without one).
export AUTH_RETURN_APP_COGNITO="$APP_COGNITO"
# For tests that run the CLI against this server (keys rotate, apps create) with its --data-dir.
export AUTH_RETURN_E2E_DATA_DIR="$DATA_DIR"
# The real AWS SDKs must never look for other configuration or credentials on this machine.
export AWS_CONFIG_FILE=/dev/null AWS_SHARED_CREDENTIALS_FILE=/dev/null AWS_EC2_METADATA_DISABLED=true

# --- Python clients -------------------------------------------------------------------------------
if wanted python; then
VENV="$E2E_DIR/.venv"
REQS="$E2E_DIR/python/requirements.txt"
STAMP="$VENV/.requirements.sha256"
want="$(sha256sum "$REQS" | cut -d' ' -f1)"
if [[ ! -x "$VENV/bin/python" || "$(cat "$STAMP" 2>/dev/null || true)" != "$want" ]]; then
  log "setting up the Python venv at $VENV"
  if ! python3 -m venv "$VENV" 2>/dev/null; then
    if command -v apt-get >/dev/null && [[ $(id -u) -eq 0 ]]; then
      log "python3 -m venv failed; installing python3-venv"
      apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-venv >/dev/null
      rm -rf "$VENV"
      python3 -m venv "$VENV"
    else
      log "python3 -m venv failed"
      exit 1
    fi
  fi
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r "$REQS"
  echo "$want" >"$STAMP"
fi

log "running pytest (pycognito, boto3, PyJWT)"
set +e
(cd "$E2E_DIR/python" && "$VENV/bin/python" -m pytest -q ${AUTH_RETURN_PYTEST_ARGS:-})
py_rc=$?
set -e
if [[ $py_rc -ne 0 ]]; then FAILED+=("pytest (exit $py_rc)"); fi
fi

# --- Node clients ---------------------------------------------------------------------------------
if wanted node; then
NODE_DIR="$E2E_DIR/node"
if [[ ! -d "$NODE_DIR/node_modules" || "$NODE_DIR/package-lock.json" -nt "$NODE_DIR/node_modules/.package-lock.json" ]]; then
  log "installing npm packages (npm ci)"
  (cd "$NODE_DIR" && npm ci --no-audit --no-fund --loglevel=error)
fi

log "running node --test (amazon-cognito-identity-js, aws-amplify, jose)"
set +e
(cd "$NODE_DIR" && node --test)
node_rc=$?
set -e
if [[ $node_rc -ne 0 ]]; then FAILED+=("node --test (exit $node_rc)"); fi
fi

# The Rust verification crate's example backend (built next to $BIN) against this server.
if wanted crate; then
log "running tests/e2e/verify_crate.sh (auth-return-verify's protected-api example)"
set +e
"$E2E_DIR/verify_crate.sh"
crate_rc=$?
set -e
if [[ $crate_rc -ne 0 ]]; then FAILED+=("tests/e2e/verify_crate.sh (exit $crate_rc)"); fi
fi

# The embeddable component's SRP and session logic, in Node against this server.
if wanted web; then
WEB_TESTS="$(cd "$E2E_DIR/../web" && pwd)"
log "running node --test tests/web (auth_component.js)"
set +e
node --test "$WEB_TESTS"/*.test.mjs
web_rc=$?
set -e
if [[ $web_rc -ne 0 ]]; then FAILED+=("node --test tests/web (exit $web_rc)"); fi
fi

# Both components in Debian's Chromium (Playwright), the page on another origin; the data dir lets
# them register an app of their own with the CLI.
if wanted browser; then
log "running tests/browser/run.sh (the components, and openid-client and Amplify by redirect, in Chromium)"
set +e
AUTH_RETURN_DATA_DIR="$DATA_DIR" "$ROOT/tests/browser/run.sh"
browser_rc=$?
set -e
if [[ $browser_rc -ne 0 ]]; then FAILED+=("tests/browser/run.sh (exit $browser_rc)"); fi
fi

# --- the server must still be alive, and stop cleanly ---------------------------------------------
if ! kill -0 "$SERVER_PID" 2>/dev/null; then
  FAILED+=("server died during the tests")
else
  kill -TERM "$SERVER_PID"
  stopped=""
  for _ in $(seq 1 150); do
    if ! kill -0 "$SERVER_PID" 2>/dev/null; then stopped=1; break; fi
    sleep 0.1
  done
  if [[ -z "$stopped" ]]; then
    FAILED+=("server did not stop within 15 s of SIGTERM")
  else
    set +e
    wait "$SERVER_PID"
    srv_rc=$?
    set -e
    SERVER_PID=""
    if [[ $srv_rc -ne 0 ]]; then FAILED+=("server exited with status $srv_rc after SIGTERM"); fi
  fi
fi

if [[ ${#FAILED[@]} -gt 0 ]]; then
  log "FAILED: ${FAILED[*]}"
  exit 1
fi
log "all end-to-end tests passed"
