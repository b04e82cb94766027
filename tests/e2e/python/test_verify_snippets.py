"""The README's "Verifying tokens in your backend" PyJWT snippet, copied here verbatim and run
against the real server: tokens of the app are accepted, tokens of another app, tampered tokens
and the wrong kind of token are refused, and tokens keep verifying through a (normal)
signing-key rotation done with the CLI."""

from __future__ import annotations

import base64
import json
import os
import re
import subprocess
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests

import jwt

from support import password_auth

# ---- README snippet (verbatim; test_readme_snippet_is_the_one_tested checks it) -----------------


def pyjwt_verifiers(issuer, client_id):
    jwks = jwt.PyJWKClient(f"{issuer}/.well-known/jwks.json")

    def verify_id_token(token):
        key = jwks.get_signing_key_from_jwt(token).key
        claims = jwt.decode(token, key, algorithms=["RS256"], audience=client_id, issuer=issuer)
        if claims.get("token_use") != "id":
            raise jwt.InvalidTokenError("not an ID token")
        return claims

    def verify_access_token(token):
        key = jwks.get_signing_key_from_jwt(token).key
        claims = jwt.decode(token, key, algorithms=["RS256"], issuer=issuer,
                            options={"verify_aud": False})  # access tokens have no aud
        if claims.get("token_use") != "access" or claims.get("client_id") != client_id:
            raise jwt.InvalidTokenError("not an access token of this app")
        return claims

    return verify_id_token, verify_access_token


# ---- helpers ----------------------------------------------------------------------------------

README = Path(__file__).resolve().parents[3] / "README.md"


def tokens_of(idp, new_user, app, tag):
    email, _, sub = new_user(app, tag=tag)
    result = password_auth(idp, app, email)["AuthenticationResult"]
    return {"email": email, "sub": sub, "id": result["IdToken"], "access": result["AccessToken"]}


def tamper(token):
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    claims["sub"] = "00000000-0000-4000-8000-000000000000"
    raw = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    return f"{header}.{raw}.{signature}"


def cli(base_url, *args):
    """The auth-return CLI with the harness server's --listen and --data-dir; parsed JSON output."""
    binary = os.environ.get("AUTH_RETURN_BIN")
    data_dir = os.environ.get("AUTH_RETURN_E2E_DATA_DIR")
    if not binary or not data_dir:
        pytest.fail("AUTH_RETURN_BIN / AUTH_RETURN_E2E_DATA_DIR not set: run through tests/e2e/run.sh")
    listen = urlsplit(base_url).netloc
    out = subprocess.run(
        [binary, *args, "--listen", listen, "--data-dir", data_dir],
        check=True, capture_output=True, text=True, timeout=60,
    )
    return json.loads(out.stdout)


def jwks_kids(app):
    response = requests.get(app["jwks_uri"], timeout=10)
    assert response.status_code == 200
    return [k["kid"] for k in response.json()["keys"]]


# ---- tests -------------------------------------------------------------------------------------


def test_readme_snippet_is_the_one_tested():
    readme = README.read_text(encoding="utf-8")
    start = readme.index("## Verifying tokens in your backend")
    end = readme.find("\n## ", start + 1)
    section = readme[start:end if end >= 0 else None]
    blocks = re.findall(r"```python\n(.*?)```", section, flags=re.S)
    assert len(blocks) >= 2, f"expected the python blocks in the README section, found {len(blocks)}"
    source = Path(__file__).read_text(encoding="utf-8")
    for block in blocks:
        lines = block.splitlines()
        for line in (l for l in lines if l.startswith("import ")):
            assert f"\n{line}\n" in source, f"README import not used by this test: {line}"
        code = "\n".join(l for l in lines if not l.startswith("import ")).strip()
        if code:
            assert code in source, f"README snippet not found verbatim in this test:\n{code}"


def test_accepts_the_apps_tokens_each_only_as_its_own_kind(idp, new_user, public_app):
    tokens = tokens_of(idp, new_user, public_app, "vs-ok")
    verify_id_token, verify_access_token = pyjwt_verifiers(public_app["issuer"], public_app["client_id"])

    id_claims = verify_id_token(tokens["id"])
    assert id_claims["sub"] == tokens["sub"]
    assert id_claims["aud"] == public_app["client_id"]
    assert id_claims["email"] == tokens["email"]
    access_claims = verify_access_token(tokens["access"])
    assert access_claims["sub"] == tokens["sub"]
    assert access_claims["client_id"] == public_app["client_id"]

    # An ID token where an access token is required, and the reverse.
    with pytest.raises(jwt.InvalidTokenError, match="not an access token"):
        verify_access_token(tokens["id"])
    with pytest.raises(jwt.PyJWTError):
        verify_id_token(tokens["access"])  # no aud: refused by jwt.decode already


def test_refuses_another_apps_tokens_tampered_tokens_and_garbage(idp, new_user, public_app, secret_app):
    mine = tokens_of(idp, new_user, public_app, "vs-bad")
    other = tokens_of(idp, new_user, secret_app, "vs-other")
    verify_id_token, verify_access_token = pyjwt_verifiers(public_app["issuer"], public_app["client_id"])
    verify_id_token(mine["id"])  # keys cached: the refusals below are not fetch failures

    with pytest.raises(jwt.PyJWTError):
        verify_id_token(other["id"])
    with pytest.raises(jwt.PyJWTError):
        verify_access_token(other["access"])
    with pytest.raises(jwt.InvalidSignatureError):
        verify_id_token(tamper(mine["id"]))
    with pytest.raises(jwt.InvalidSignatureError):
        verify_access_token(tamper(mine["access"]))
    with pytest.raises(jwt.PyJWTError):
        verify_access_token("not.a.token")


def test_tokens_keep_verifying_through_a_key_rotation(base_url, idp, new_user):
    app = cli(base_url, "apps", "create", "--json", "--name", "e2e python key rotation")
    email, _, sub = new_user(app, tag="vs-rotate")
    before = password_auth(idp, app, email)["AuthenticationResult"]
    old_kid = jwt.get_unverified_header(before["AccessToken"])["kid"]
    assert jwks_kids(app) == [old_kid]
    warm = pyjwt_verifiers(app["issuer"], app["client_id"])  # caches only the old key
    assert warm[1](before["AccessToken"])["sub"] == sub

    keys = cli(base_url, "keys", "rotate", "--app", app["app_id"], "--json")
    states = {k["state"]: k["kid"] for k in keys}
    assert states.get("active") == old_kid and states.get("next"), keys
    new_kid = states["next"]
    assert cli(base_url, "keys", "signing", "--app", app["app_id"], "--json") == keys

    # The running server follows the change feed: the README promises 5 s at most.
    deadline = time.monotonic() + 5
    while new_kid not in (kids := jwks_kids(app)):
        assert time.monotonic() < deadline, f"the JWKS did not publish {new_kid} within 5 s: {kids}"
        time.sleep(0.1)
    assert sorted(kids) == sorted([old_kid, new_kid])

    # New tokens are still signed by the old key until the new one activates.
    after = password_auth(idp, app, email)["AuthenticationResult"]
    assert jwt.get_unverified_header(after["AccessToken"])["kid"] == old_kid
    fresh = pyjwt_verifiers(app["issuer"], app["client_id"])
    for verify_id_token, verify_access_token in (warm, fresh):
        for result in (before, after):
            assert verify_id_token(result["IdToken"])["sub"] == sub
            assert verify_access_token(result["AccessToken"])["sub"] == sub
