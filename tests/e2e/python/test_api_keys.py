"""API keys against the shared e2e server: created by a user signed in with pycognito (their own
keys), by a developer with a console token (an app's keys), and by the operator with the CLI;
listed without the secret, verified with `X-API-Key` or a `{"key"}` body, revoked.

Needs, besides the usual AUTH_RETURN_URL & co., AUTH_RETURN_BIN and AUTH_RETURN_E2E_DATA_DIR
(exported by tests/e2e/run.sh) for the CLI.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import subprocess
import time
from urllib.parse import urlsplit

import pytest
import requests
from pycognito import Cognito

from support import (  # noqa: F401  (owned_apps is a fixture)
    REGION,
    _env,
    developer_token,
    owned_apps,
    password_auth,
    run_cli,
)

@pytest.fixture(scope="module", autouse=True)
def users_may_create_keys(base_url, public_app):
    """User keys are off until the developer turns them on, with the scopes they allow."""
    settings = {"user_api_keys": {"enabled": True, "scopes": ["read", "orders:write"]}}
    run_cli(
        "apps", "update", public_app["app_id"], "--patch", json.dumps(settings),
        data_dir=_env("AUTH_RETURN_E2E_DATA_DIR"), listen=urlsplit(base_url).netloc,
        env=dict(os.environ),
    )


KEY_RE = re.compile(r"^ar_[A-Za-z0-9_-]{43}$")
KEY_ID_RE = re.compile(r"^key_[a-z0-9]+$")
CREATED_FIELDS = {
    "key", "key_id", "prefix", "name", "app_id", "user_id", "scopes", "created_at", "expires_at",
}
LISTED_FIELDS = {
    "key_id", "name", "prefix", "app_id", "user_id", "scopes", "created_at", "expires_at",
    "last_used_at", "revoked", "revoked_at",
}
VALID_FIELDS = {"valid", "app_id", "user_id", "key_id", "name", "scopes", "expires_at"}
INVALID = b'{"valid":false}'
DAY = 86_400


# --- helpers ----------------------------------------------------------------------------------


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def create_key(base_url: str, token: str, body: dict) -> requests.Response:
    return requests.post(f"{base_url}/api/keys", json=body, headers=bearer(token), timeout=30)


def created_key(base_url: str, token: str, body: dict) -> dict:
    """POST /api/keys that must succeed; checks the creation answer's shape."""
    response = create_key(base_url, token, body)
    assert response.status_code == 201, response.text
    assert response.headers.get("cache-control") == "no-store"
    key = response.json()
    assert set(key) == CREATED_FIELDS, key
    assert KEY_RE.match(key["key"]), key["key"]
    assert KEY_ID_RE.match(key["key_id"]), key["key_id"]
    assert key["prefix"] == key["key"][:10]
    return key


def list_keys(base_url: str, token: str, app_id: str | None = None) -> list[dict]:
    params = {"app_id": app_id} if app_id else None
    response = requests.get(f"{base_url}/api/keys", params=params, headers=bearer(token), timeout=30)
    assert response.status_code == 200, response.text
    body = response.json()
    assert set(body) == {"keys"}, body
    for entry in body["keys"]:
        assert set(entry) == LISTED_FIELDS, entry
    return body["keys"]


def revoke(base_url: str, token: str, key_id: str) -> requests.Response:
    return requests.delete(f"{base_url}/api/keys/{key_id}", headers=bearer(token), timeout=30)


def verify_with_header(base_url: str, key) -> requests.Response:
    return requests.post(f"{base_url}/api/keys/verify", headers={"X-API-Key": key}, timeout=30)


def verify_with_body(base_url: str, key: str) -> requests.Response:
    return requests.post(f"{base_url}/api/keys/verify", json={"key": key}, timeout=30)


def verdicts(base_url: str, key: str) -> list[dict]:
    """The verdict on `key` given both ways (they must agree); checks the answer's framing."""
    answers = []
    for response in (verify_with_header(base_url, key), verify_with_body(base_url, key)):
        assert response.status_code == 200, response.text
        assert response.headers.get("cache-control") == "no-store"
        answers.append(response.json())
    assert answers[0] == answers[1], answers
    return answers


def verdict(base_url: str, key: str) -> dict:
    return verdicts(base_url, key)[0]


def expected_valid(key: dict) -> dict:
    """The verification answer for the live key `key` (a creation answer or a list entry)."""
    return {
        "valid": True,
        "app_id": key["app_id"],
        "user_id": key["user_id"],
        "key_id": key["key_id"],
        "name": key["name"],
        "scopes": key["scopes"],
        "expires_at": key["expires_at"],
    }


def accepted_by(base_url: str, key: str, app_id: str) -> bool:
    """What a service of app `app_id` must do with a presented key, as the README says: a valid
    key counts only when it belongs to this app."""
    answer = verdict(base_url, key)
    return answer["valid"] is True and answer["app_id"] == app_id


def next_second(after: int) -> None:
    """Waits until the epoch second `after` is over (the server stamps times in whole seconds,
    from this machine's clock)."""
    while (left := after + 1 - time.time()) > 0:
        time.sleep(left)


def pycognito_session(base_url: str, app: dict, email: str, password: str) -> Cognito:
    u = Cognito(
        app["user_pool_id"],
        app["client_id"],
        user_pool_region=REGION,
        username=email,
        client_secret=app.get("client_secret"),
        boto3_client_kwargs={
            "endpoint_url": base_url,
            "aws_access_key_id": "AKIDEXAMPLE",
            "aws_secret_access_key": "dummy-secret",
        },
    )
    u.authenticate(password=password)  # USER_SRP_AUTH + PASSWORD_VERIFIER
    assert u.access_token
    return u


# --- a user's own keys --------------------------------------------------------------------------


def test_a_user_signed_in_with_pycognito_creates_lists_verifies_and_revokes_a_key(
    base_url, new_user, public_app
):
    email, password, sub = new_user(public_app, tag="keys-user")
    session = pycognito_session(base_url, public_app, email, password)
    token = session.access_token

    before = int(time.time())
    key = created_key(
        base_url,
        token,
        {"name": "  laptop  ", "expires_in_days": 30, "scopes": ["read", "orders:write", "read"]},
    )
    after = int(time.time())
    assert key["name"] == "laptop"  # trimmed
    assert key["app_id"] == public_app["app_id"]
    assert key["user_id"] == sub
    assert key["scopes"] == ["read", "orders:write"]  # repeats dropped
    assert before - 5 <= key["created_at"] <= after + 5
    assert key["expires_at"] == key["created_at"] + 30 * DAY
    secret = key["key"]

    # Listed without the secret (nor anything else but the documented fields).
    response = requests.get(f"{base_url}/api/keys", headers=bearer(token), timeout=30)
    assert response.status_code == 200
    assert secret not in response.text and secret[10:] not in response.text
    [entry] = list_keys(base_url, token)
    assert entry == {
        "key_id": key["key_id"],
        "name": "laptop",
        "prefix": key["prefix"],
        "app_id": public_app["app_id"],
        "user_id": sub,
        "scopes": ["read", "orders:write"],
        "created_at": key["created_at"],
        "expires_at": key["expires_at"],
        "last_used_at": None,
        "revoked": False,
        "revoked_at": None,
    }

    # Verified with the header and with the body: the same, complete answer.
    for answer in verdicts(base_url, secret):
        assert set(answer) == VALID_FIELDS
        assert answer == expected_valid(key)
    # The first successful verification records its use.
    [entry] = list_keys(base_url, token)
    assert entry["last_used_at"] is not None and entry["last_used_at"] >= key["created_at"]

    # A second key, without expiry or scopes: listed after the first (oldest first; times are
    # whole seconds, and keys of the same second come in no particular order: wait for the next).
    next_second(key["created_at"])
    plain = created_key(base_url, token, {"name": "ci"})
    assert (plain["expires_at"], plain["scopes"], plain["user_id"]) == (None, [], sub)
    assert plain["key"] != secret
    assert [k["key_id"] for k in list_keys(base_url, token)] == [key["key_id"], plain["key_id"]]
    assert verdict(base_url, plain["key"]) == expected_valid(plain)

    # Revoked: 204, and 204 again; then it no longer verifies, either way; still listed.
    assert revoke(base_url, token, key["key_id"]).status_code == 204
    assert revoke(base_url, token, key["key_id"]).status_code == 204
    assert verify_with_header(base_url, secret).content == INVALID
    assert verify_with_body(base_url, secret).content == INVALID
    listed = {k["key_id"]: k for k in list_keys(base_url, token)}
    assert listed[key["key_id"]]["revoked"] is True
    assert isinstance(listed[key["key_id"]]["revoked_at"], int)
    assert listed[plain["key_id"]]["revoked"] is False
    assert verdict(base_url, plain["key"])["valid"] is True  # the other key is untouched


def test_only_a_live_access_token_manages_keys(base_url, idp, new_user, public_app):
    email, password, _ = new_user(public_app, tag="keys-tokens")
    session = pycognito_session(base_url, public_app, email, password)

    # An ID token, a garbage token, no token: 401.
    for headers in (bearer(session.id_token), bearer("not-a-token"), {}):
        for method, path in (("POST", "/api/keys"), ("GET", "/api/keys")):
            response = requests.request(
                method, f"{base_url}{path}", json={"name": "x"} if method == "POST" else None,
                headers=headers, timeout=30,
            )
            assert response.status_code == 401, (method, headers.keys(), response.text)
    # A user's token names no app: 400.
    response = create_key(base_url, session.access_token, {"name": "x", "app_id": public_app["app_id"]})
    assert response.status_code == 400 and response.json()["error"] == "invalid_request"
    # A signed-out session's access token is refused, and a sign-out everywhere revokes the
    # user's keys too: a key must not outlive what ended the user's sessions.
    key = created_key(base_url, session.access_token, {"name": "before sign-out"})
    stale = session.access_token
    session.logout()  # GlobalSignOut
    assert create_key(base_url, stale, {"name": "after sign-out"}).status_code == 401
    assert verify_with_header(base_url, key["key"]).content == INVALID


# --- developers and their apps' keys --------------------------------------------------------------


def test_developer_app_keys_belong_to_their_app_only(base_url, idp, new_user, owned_apps, outbox_path):
    dev = owned_apps["token"]
    app_a, app_b = owned_apps["public"], owned_apps["secret"]

    # App-owned keys: no user.
    key_a = created_key(base_url, dev, {"app_id": app_a["app_id"], "name": "backend a", "scopes": ["admin"]})
    key_b = created_key(base_url, dev, {"app_id": app_b["app_id"], "name": "backend b"})
    assert (key_a["app_id"], key_a["user_id"], key_a["scopes"]) == (app_a["app_id"], None, ["admin"])
    assert (key_b["app_id"], key_b["user_id"]) == (app_b["app_id"], None)
    assert verdict(base_url, key_a["key"]) == expected_valid(key_a)

    # A key of app A is valid, for app A: a service of app B that checks app_id refuses it.
    assert accepted_by(base_url, key_a["key"], app_a["app_id"])
    assert not accepted_by(base_url, key_a["key"], app_b["app_id"])
    assert accepted_by(base_url, key_b["key"], app_b["app_id"])
    assert not accepted_by(base_url, key_b["key"], app_a["app_id"])

    # The developer lists each app's keys apart; a console token must name the app.
    assert [k["key_id"] for k in list_keys(base_url, dev, app_a["app_id"])] == [key_a["key_id"]]
    assert [k["key_id"] for k in list_keys(base_url, dev, app_b["app_id"])] == [key_b["key_id"]]
    response = create_key(base_url, dev, {"name": "no app"})
    assert response.status_code == 400 and "app_id" in response.json()["message"]

    # The developer lets app B's users create keys (off by default) ...
    response = requests.patch(
        f"{base_url}/api/apps/{app_b['app_id']}", json={"user_api_keys": {"enabled": True}},
        headers=bearer(dev), timeout=30,
    )
    assert response.status_code == 200 and response.json()["user_api_keys"]["enabled"] is True
    # ... and a user of app B sees only their own keys, cannot name app A, and cannot revoke its
    # key: 404, exactly as for a key that does not exist.
    email_b, _, sub_b = new_user(app_b, tag="keys-user-b")
    token_b = password_auth(idp, app_b, email_b)["AuthenticationResult"]["AccessToken"]
    own_b = created_key(base_url, token_b, {"name": "b's own"})
    assert (own_b["app_id"], own_b["user_id"]) == (app_b["app_id"], sub_b)
    assert [k["key_id"] for k in list_keys(base_url, token_b)] == [own_b["key_id"]]
    response = requests.get(
        f"{base_url}/api/keys", params={"app_id": app_a["app_id"]}, headers=bearer(token_b), timeout=30
    )
    assert response.status_code == 400 and response.json()["error"] == "invalid_request"
    refused = revoke(base_url, token_b, key_a["key_id"])
    unknown = revoke(base_url, token_b, "key_" + "0" * 20)
    assert (refused.status_code, unknown.status_code) == (404, 404)
    assert refused.content == unknown.content
    assert refused.json()["error"] == "not_found"
    # A user of app A cannot revoke the app's own key either.
    email_a, _, _ = new_user(app_a, tag="keys-user-a")
    token_a = password_auth(idp, app_a, email_a)["AuthenticationResult"]["AccessToken"]
    assert revoke(base_url, token_a, key_a["key_id"]).status_code == 404
    assert list_keys(base_url, token_a) == []
    assert verdict(base_url, key_a["key"])["valid"] is True

    # The developer sees the user's key with the app's own, and revokes any of them.
    in_b = {k["key_id"]: k["user_id"] for k in list_keys(base_url, dev, app_b["app_id"])}
    assert in_b == {key_b["key_id"]: None, own_b["key_id"]: sub_b}
    assert revoke(base_url, dev, own_b["key_id"]).status_code == 204
    assert verify_with_header(base_url, own_b["key"]).content == INVALID

    # Another developer: app A does not exist for them.
    other = developer_token(base_url, idp, outbox_path)
    assert create_key(base_url, other, {"app_id": app_a["app_id"], "name": "x"}).status_code == 404
    response = requests.get(
        f"{base_url}/api/keys", params={"app_id": app_a["app_id"]}, headers=bearer(other), timeout=30
    )
    assert response.status_code == 404
    assert revoke(base_url, other, key_a["key_id"]).status_code == 404
    assert verdict(base_url, key_a["key"])["valid"] is True

    # The owner revokes: twice 204, then invalid.
    assert revoke(base_url, dev, key_a["key_id"]).status_code == 204
    assert revoke(base_url, dev, key_a["key_id"]).status_code == 204
    assert verify_with_header(base_url, key_a["key"]).content == INVALID
    assert verdict(base_url, key_b["key"])["valid"] is True


# --- what verification says about keys that are not valid ----------------------------------------


def test_every_key_that_is_not_valid_gets_the_same_bytes(base_url, new_user, public_app):
    email, password, _ = new_user(public_app, tag="keys-garbage")
    token = pycognito_session(base_url, public_app, email, password).access_token
    live = created_key(base_url, token, {"name": "live"})["key"]
    revoked = created_key(base_url, token, {"name": "revoked"})
    assert revoke(base_url, token, revoked["key_id"]).status_code == 204

    last = live[-1]
    candidates = [
        "ar_" + secrets.token_urlsafe(32),  # well-formed, unknown
        revoked["key"],
        live[:-1] + ("A" if last != "A" else "B"),  # one character off
        live[:-1],  # truncated
        live + "A",  # too long
        live.upper() if live.upper() != live else live.lower(),
        "ar_",
        "ar_" + "A" * 43,
        "garbage",
        "x" * 4000,
        "ar_\u00e9\u00e8",  # not ASCII
    ]
    answers = set()
    for candidate in candidates:
        response = verify_with_body(base_url, candidate)
        answers.add((response.status_code, response.headers.get("cache-control"), response.content))
        if candidate.isascii():
            response = verify_with_header(base_url, candidate)
            answers.add((response.status_code, response.headers.get("cache-control"), response.content))
    # A header value that is not even text.
    response = verify_with_header(base_url, b"ar_\xff\xfe")
    answers.add((response.status_code, response.headers.get("cache-control"), response.content))
    assert answers == {(200, "no-store", INVALID)}, answers
    # ...while the live key still verifies (the candidates above were judged, not broken).
    assert verdict(base_url, live)["valid"] is True

    # Neither or both ways of giving the key is a request error, not a verdict.
    neither = requests.post(f"{base_url}/api/keys/verify", timeout=30)
    both = requests.post(
        f"{base_url}/api/keys/verify", json={"key": live}, headers={"X-API-Key": live}, timeout=30
    )
    for response in (neither, both):
        assert response.status_code == 400, response.text
        assert response.json()["error"] == "invalid_request"


# --- the operator's CLI --------------------------------------------------------------------------


def keys_cli(base_url: str, *args: str) -> str:
    """`auth-return keys …` on the shared server's data dir, in the environment the server was
    started from (tests/e2e/run.sh)."""
    return run_cli(
        "keys", *args,
        data_dir=_env("AUTH_RETURN_E2E_DATA_DIR"), listen=urlsplit(base_url).netloc,
        env=dict(os.environ),
    )


def test_operator_cli_creates_lists_and_revokes_an_app_key(base_url, public_app):
    app_id = public_app["app_id"]
    out = keys_cli(
        base_url, "create", "--app", app_id, "--name", "deploy", "--scope", "read",
        "--scope", "orders:write", "--expires-in-days", "90", "--json",
    )
    created = json.loads(out)
    assert set(created) == CREATED_FIELDS, created
    assert KEY_RE.match(created["key"]), created["key"]
    assert KEY_ID_RE.match(created["key_id"])
    assert created["prefix"] == created["key"][:10]
    assert (created["app_id"], created["user_id"], created["name"]) == (app_id, None, "deploy")
    assert created["scopes"] == ["read", "orders:write"]
    assert created["expires_at"] == created["created_at"] + 90 * DAY

    # The running server verifies it at once (same database).
    assert verdict(base_url, created["key"]) == expected_valid(created)

    # Listed without the secret.
    out = keys_cli(base_url, "list", "--app", app_id, "--json")
    assert created["key"] not in out and created["key"][10:] not in out
    listed = {k["key_id"]: k for k in json.loads(out)}
    entry = listed[created["key_id"]]
    assert set(entry) == LISTED_FIELDS, entry
    assert (entry["name"], entry["prefix"], entry["user_id"]) == ("deploy", created["prefix"], None)
    assert (entry["revoked"], entry["revoked_at"]) == (False, None)
    assert entry["last_used_at"] is not None  # verified just now
    # The human-readable list shows it too, without the secret.
    table = keys_cli(base_url, "list", "--app", app_id)
    assert created["key_id"] in table and created["key"] not in table

    # Revoked (again is fine): the server no longer accepts it.
    assert keys_cli(base_url, "revoke", created["key_id"]).strip() == f"revoked {created['key_id']}"
    keys_cli(base_url, "revoke", created["key_id"])
    assert verify_with_header(base_url, created["key"]).content == INVALID
    assert verify_with_body(base_url, created["key"]).content == INVALID
    entry = {k["key_id"]: k for k in json.loads(keys_cli(base_url, "list", "--app", app_id, "--json"))}[
        created["key_id"]
    ]
    assert entry["revoked"] is True and isinstance(entry["revoked_at"], int)


def test_cli_refuses_what_the_api_refuses(base_url, public_app):
    """A bad name, a bad lifetime or an unknown app fails with a message and creates nothing;
    revoking an unknown key fails."""
    before = json.loads(keys_cli(base_url, "list", "--app", public_app["app_id"], "--json"))
    for args in (
        ["create", "--app", public_app["app_id"], "--name", "   "],
        ["create", "--app", public_app["app_id"], "--name", "x", "--expires-in-days", "0"],
        ["create", "--app", "app_nosuchapp000", "--name", "x"],
        ["revoke", "key_" + "0" * 20],
    ):
        out = subprocess.run(
            [_env("AUTH_RETURN_BIN"), "keys", *args, "--data-dir", _env("AUTH_RETURN_E2E_DATA_DIR"),
             "--listen", urlsplit(base_url).netloc],
            capture_output=True, text=True, timeout=60,
        )
        assert out.returncode != 0, (args, out.stdout)
        assert out.stderr.strip(), args
        assert "ar_" not in out.stdout
    after = json.loads(keys_cli(base_url, "list", "--app", public_app["app_id"], "--json"))
    assert after == before
