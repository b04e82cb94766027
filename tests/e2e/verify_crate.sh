#!/usr/bin/env bash
# The Rust verification crate (auth-return-verify) against the real server: runs its example
# backend, target/<profile>/examples/protected-api (next to the auth-return binary), for an app
# of the running server and checks over HTTP that it accepts the app's real ID and access
# tokens and refuses another app's tokens, tampered tokens and requests without a token; that
# tokens keep verifying through `auth-return keys rotate` (normal rotation); and that with
# revocation polling on, a GlobalSignOut is honoured within the poll interval.
#
# Called by tests/e2e/run.sh with its environment: AUTH_RETURN_BIN, AUTH_RETURN_URL,
# AUTH_RETURN_OUTBOX, AUTH_RETURN_APP_PUBLIC, AUTH_RETURN_APP_SECRET, AUTH_RETURN_E2E_DATA_DIR,
# and the Python venv it set up (tests/e2e/.venv, for boto3 and the shared helpers).
# Build the example with: cargo build -p auth-return-verify --features axum --example protected-api
set -euo pipefail

E2E_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
: "${AUTH_RETURN_BIN:?run through tests/e2e/run.sh}" "${AUTH_RETURN_E2E_DATA_DIR:?run through tests/e2e/run.sh}"

API_BIN="$(dirname "$AUTH_RETURN_BIN")/examples/protected-api"
if [[ ! -x "$API_BIN" ]]; then
  echo "verify_crate: $API_BIN not found; build it with:" \
    "cargo build -p auth-return-verify --features axum --example protected-api" >&2
  exit 1
fi
if [[ "$API_BIN" -ot "$E2E_DIR/../../crates/verify/src/verifier.rs" ]]; then
  echo "verify_crate: warning: $API_BIN is older than crates/verify/src; rebuild it" >&2
fi
PY="$E2E_DIR/.venv/bin/python"

export PROTECTED_API_BIN="$API_BIN"
cd "$E2E_DIR/python"
exec "$PY" - <<'PY'
import base64
import json
import os
import subprocess
import sys
import time
from urllib.parse import urlsplit

import jwt
import requests

from support import (code_of, confirm, make_idp_client, password_auth, sign_up, unique_email,
                     wait_for_message)
from pathlib import Path

BASE_URL = os.environ["AUTH_RETURN_URL"].rstrip("/")
OUTBOX = Path(os.environ["AUTH_RETURN_OUTBOX"])
PUBLIC = json.loads(os.environ["AUTH_RETURN_APP_PUBLIC"])
SECRET = json.loads(os.environ["AUTH_RETURN_APP_SECRET"])
API_BIN = os.environ["PROTECTED_API_BIN"]
idp = make_idp_client(BASE_URL)
apis = []
failures = []
checks = 0


def check(condition, what):
    """Records one check; `what` is "<description>: <details>", the details shown on failure."""
    global checks
    checks += 1
    description, _, details = what.partition(": ")
    print(f"verify_crate: {'ok  ' if condition else 'FAIL'} {what if not condition else description}",
          file=sys.stderr)
    if not condition:
        failures.append(description)


def start_api(app, *extra):
    """Starts protected-api for `app` on a free port; returns its base URL."""
    proc = subprocess.Popen(
        [API_BIN, "--issuer", app["issuer"], "--client-id", app["client_id"],
         "--bind", "127.0.0.1:0", *extra],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        env={**os.environ, "NO_COLOR": "1"},
    )
    apis.append(proc)
    line = proc.stdout.readline().strip()
    if not line.startswith("listening on http://"):
        raise SystemExit(f"verify_crate: protected-api did not start: {line!r}")
    return line.removeprefix("listening on ")


def call(api, path, token=None):
    headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
    return requests.get(f"{api}{path}", headers=headers, timeout=10)


def tokens(app, email=None):
    if email is None:
        email = unique_email("crate")
        sign_up(idp, app, email)
        confirm(idp, app, email, code_of(wait_for_message(OUTBOX, email)))
    result = password_auth(idp, app, email)["AuthenticationResult"]
    result["email"] = email
    result["sub"] = jwt.decode(result["IdToken"], options={"verify_signature": False})["sub"]
    return result


def tamper(token):
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["sub"] = "00000000-0000-4000-8000-000000000000"
    raw = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    return f"{header}.{raw}.{signature}"


def refused(response):
    challenge = response.headers.get("WWW-Authenticate", "")
    return response.status_code == 401 and challenge.startswith('Bearer error="invalid_token"')


def cli(*args):
    out = subprocess.run(
        [os.environ["AUTH_RETURN_BIN"], *args, "--listen", urlsplit(BASE_URL).netloc,
         "--data-dir", os.environ["AUTH_RETURN_E2E_DATA_DIR"]],
        check=True, capture_output=True, text=True, timeout=60,
    )
    return json.loads(out.stdout)


def jwks_kids(app):
    return [k["kid"] for k in requests.get(app["jwks_uri"], timeout=10).json()["keys"]]


try:
    # --- accepts the app's tokens, refuses everything else ---------------------------------------
    api = start_api(PUBLIC)
    check(call(api, "/health").status_code == 200, "GET /health is open")
    mine = tokens(PUBLIC)
    for kind in ("IdToken", "AccessToken"):
        r = call(api, "/me", mine[kind])
        body = r.json() if r.status_code == 200 else {}
        check(r.status_code == 200 and body.get("sub") == mine["sub"]
              and body.get("token_use") == ("id" if kind == "IdToken" else "access"),
              f"/me (extractor) accepts the app's {kind}: {r.status_code} {r.text[:200]}")
        r = call(api, "/api/hello", mine[kind])
        check(r.status_code == 200 and r.text.startswith("hello "),
              f"/api/hello (layer) accepts the app's {kind}: {r.status_code} {r.text[:200]}")

    other = tokens(SECRET)
    for path in ("/me", "/api/hello"):
        for kind in ("IdToken", "AccessToken"):
            r = call(api, path, other[kind])
            check(refused(r), f"{path} refuses another app's {kind}: {r.status_code} "
                              f"{r.headers.get('WWW-Authenticate')}")
            r = call(api, path, tamper(mine[kind]))
            check(refused(r), f"{path} refuses a tampered {kind}: {r.status_code} "
                              f"{r.headers.get('WWW-Authenticate')}")
        r = call(api, path)
        check(r.status_code == 401 and r.headers.get("WWW-Authenticate") == "Bearer",
              f"{path} refuses a request without a token: {r.status_code} "
              f"{r.headers.get('WWW-Authenticate')}")
        r = call(api, path, "not.a.token")
        check(refused(r), f"{path} refuses garbage: {r.status_code}")

    # --- through a normal key rotation ---------------------------------------------------------------
    app = cli("apps", "create", "--json", "--name", "e2e crate key rotation")
    warm_api = start_api(app)
    before = tokens(app)
    old_kid = jwt.get_unverified_header(before["AccessToken"])["kid"]
    check(call(warm_api, "/me", before["AccessToken"]).status_code == 200,
          "rotation app, token accepted before the rotation")
    keys = cli("keys", "rotate", "--app", app["app_id"], "--json")
    states = {k["state"]: k["kid"] for k in keys}
    check(states.get("active") == old_kid and bool(states.get("next")),
          f"keys rotate --json shows the old key active and a next one: {keys}")
    deadline = time.monotonic() + 5
    while states.get("next") not in (kids := jwks_kids(app)) and time.monotonic() < deadline:
        time.sleep(0.1)
    check(sorted(kids) == sorted([old_kid, states.get("next")]),
          f"the JWKS publishes both keys (within 5 s, as the README promises): {kids}")
    after = tokens(app, before["email"])
    fresh_api = start_api(app)
    for name, base in (("warm", warm_api), ("fresh", fresh_api)):
        for label, result in (("issued before", before), ("issued after", after)):
            for kind in ("IdToken", "AccessToken"):
                r = call(base, "/me", result[kind])
                check(r.status_code == 200,
                      f"after the rotation, {name} verifier accepts the {kind} {label}: "
                      f"{r.status_code} {r.text[:200]}")

    # --- revocation polling (opt-in): GlobalSignOut is honoured within the interval ------------------
    polling_api = start_api(PUBLIC, "--revocation-poll-secs", "1")
    session = tokens(PUBLIC)
    check(call(polling_api, "/me", session["AccessToken"]).status_code == 200,
          "revocation polling, token accepted before the sign-out")
    idp.global_sign_out(AccessToken=session["AccessToken"])
    deadline = time.monotonic() + 10
    while (r := call(polling_api, "/me", session["AccessToken"])).status_code == 200 \
            and time.monotonic() < deadline:
        time.sleep(0.25)
    check(refused(r), f"revocation polling, the signed-out token is refused within 10 s: "
                      f"{r.status_code} {r.headers.get('WWW-Authenticate')}")
    r = call(polling_api, "/me", session["IdToken"])
    check(refused(r), f"revocation polling, the session's ID token is refused too: {r.status_code}")
    check(call(api, "/me", session["AccessToken"]).status_code == 200,
          "without polling, the signed-out token still verifies until it expires (documented)")
finally:
    for proc in apis:
        proc.terminate()
    for proc in apis:
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            proc.kill()

print(f"verify_crate: {checks - len(failures)}/{checks} checks passed", file=sys.stderr)
sys.exit(1 if failures else 0)
PY
