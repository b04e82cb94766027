"""Tokens verified by PyJWT's PyJWKClient against the published JWKS, the discovery document,
and the `GET /api/user` bearer endpoint."""

from __future__ import annotations

import base64
import json
import time

import jwt
import pytest
import requests
from botocore.exceptions import ClientError
from cryptography.hazmat.primitives.asymmetric import rsa

from support import error_of, password_auth


def b64url_json(segment: str) -> dict:
    return json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))


def b64url(data: dict) -> str:
    raw = json.dumps(data, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


@pytest.fixture
def session(idp, new_user, public_app):
    email, _, sub = new_user(public_app, tag="jwt")
    result = password_auth(idp, public_app, email)["AuthenticationResult"]
    return {"email": email, "sub": sub, **result}


def test_discovery_document_and_jwks(base_url, public_app):
    issuer = public_app["issuer"]
    assert issuer == f"{base_url}/{public_app['user_pool_id']}"
    response = requests.get(f"{issuer}/.well-known/openid-configuration", timeout=10)
    assert response.status_code == 200
    config = response.json()
    assert config["issuer"] == issuer
    assert config["jwks_uri"] == public_app["jwks_uri"] == f"{issuer}/.well-known/jwks.json"
    assert "RS256" in config["id_token_signing_alg_values_supported"]

    jwks = requests.get(public_app["jwks_uri"], timeout=10)
    assert jwks.status_code == 200
    keys = jwks.json()["keys"]
    assert keys, "JWKS has no keys"
    for key in keys:
        assert key["kty"] == "RSA"
        assert key["alg"] == "RS256"
        assert key["use"] == "sig"
        assert key["kid"] and key["n"] and key["e"] == "AQAB"
        assert "d" not in key, "private key material in the JWKS"


def test_pyjwkclient_verifies_id_token(public_app, session):
    client = jwt.PyJWKClient(public_app["jwks_uri"])
    header = jwt.get_unverified_header(session["IdToken"])
    assert header["alg"] == "RS256"
    key = client.get_signing_key_from_jwt(session["IdToken"])
    assert key.key_id == header["kid"]
    claims = jwt.decode(
        session["IdToken"],
        key.key,
        algorithms=["RS256"],
        audience=public_app["client_id"],
        issuer=public_app["issuer"],
        options={"require": ["exp", "iat", "iss", "aud", "sub"]},
    )
    assert claims["token_use"] == "id"
    assert claims["sub"] == session["sub"]
    assert claims["email"] == session["email"]
    assert claims["email_verified"] is True
    assert claims["cognito:username"] == session["sub"]
    now = time.time()
    assert claims["iat"] <= now + 60
    assert claims["exp"] - claims["iat"] == 3600
    assert abs(claims["auth_time"] - now) < 300

    # The wrong audience or issuer is refused.
    with pytest.raises(jwt.InvalidAudienceError):
        jwt.decode(session["IdToken"], key.key, algorithms=["RS256"], audience="someone-else",
                   issuer=public_app["issuer"])
    with pytest.raises(jwt.InvalidIssuerError):
        jwt.decode(session["IdToken"], key.key, algorithms=["RS256"], audience=public_app["client_id"],
                   issuer=public_app["issuer"] + "x")


def test_pyjwkclient_verifies_access_token(public_app, session):
    client = jwt.PyJWKClient(public_app["jwks_uri"])
    key = client.get_signing_key_from_jwt(session["AccessToken"])
    # No audience option: PyJWT refuses a token carrying `aud` when none is expected.
    claims = jwt.decode(
        session["AccessToken"],
        key.key,
        algorithms=["RS256"],
        issuer=public_app["issuer"],
        options={"require": ["exp", "iat", "iss", "sub"]},
    )
    assert "aud" not in claims
    assert claims["token_use"] == "access"
    assert claims["client_id"] == public_app["client_id"]
    assert claims["sub"] == session["sub"]
    assert claims["username"] == session["sub"]
    assert "aws.cognito.signin.user.admin" in claims["scope"].split()
    assert claims["origin_jti"] and claims["jti"]
    assert claims["exp"] - claims["iat"] == session["ExpiresIn"] == 3600


def test_tampered_and_forged_tokens_are_refused(public_app, session):
    client = jwt.PyJWKClient(public_app["jwks_uri"])
    key = client.get_signing_key_from_jwt(session["IdToken"])
    header, payload, signature = session["IdToken"].split(".")

    claims = b64url_json(payload)
    claims["email"] = "attacker@example.com"
    tampered = f"{header}.{b64url(claims)}.{signature}"
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(tampered, key.key, algorithms=["RS256"], audience=public_app["client_id"],
                   issuer=public_app["issuer"])

    # Same claims and kid, signed with a key that is not ours.
    foreign = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    forged = jwt.encode(claims, foreign, algorithm="RS256", headers={"kid": b64url_json(header)["kid"]})
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(forged, key.key, algorithms=["RS256"], audience=public_app["client_id"],
                   issuer=public_app["issuer"])


def test_other_app_keys_do_not_verify(public_app, secret_app, session):
    """Each app has its own issuer; a token of one app never verifies as the other's."""
    assert public_app["issuer"] != secret_app["issuer"]
    client = jwt.PyJWKClient(secret_app["jwks_uri"])
    try:
        key = client.get_signing_key_from_jwt(session["IdToken"]).key
    except jwt.PyJWKClientError:
        return  # not even the kid is known there: refused
    with pytest.raises(jwt.PyJWTError):
        jwt.decode(session["IdToken"], key, algorithms=["RS256"], audience=secret_app["client_id"],
                   issuer=secret_app["issuer"])


def test_get_user_refuses_an_id_token(idp, session):
    with pytest.raises(ClientError) as exc:
        idp.get_user(AccessToken=session["IdToken"])
    assert error_of(exc) == ("NotAuthorizedException", "Invalid Access Token")


@pytest.mark.parametrize("kind, token_use", [("IdToken", "id"), ("AccessToken", "access")])
def test_api_user_with_bearer_token(base_url, public_app, session, kind, token_use):
    response = requests.get(
        f"{base_url}/api/user", headers={"Authorization": f"Bearer {session[kind]}"}, timeout=10
    )
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["user_id"] == session["sub"]
    assert body["email"] == session["email"]
    assert body["app_id"] == public_app["app_id"]
    assert body["username"] == session["sub"]
    assert body["token_use"] == token_use
    exp = jwt.decode(session[kind], options={"verify_signature": False})["exp"]
    expires_at = body["expires_at"]
    if isinstance(expires_at, (int, float)):
        assert int(expires_at) == exp
    else:  # an RFC 3339 timestamp
        from datetime import datetime

        assert int(datetime.fromisoformat(expires_at.replace("Z", "+00:00")).timestamp()) == exp


def test_api_user_refuses_missing_and_bad_tokens(base_url, session):
    url = f"{base_url}/api/user"
    assert requests.get(url, timeout=10).status_code == 401
    assert requests.get(url, headers={"Authorization": "Bearer nonsense"}, timeout=10).status_code == 401
    header, payload, signature = session["IdToken"].split(".")
    claims = b64url_json(payload)
    claims["sub"] = "00000000-0000-4000-8000-000000000000"
    tampered = f"{header}.{b64url(claims)}.{signature}"
    response = requests.get(url, headers={"Authorization": f"Bearer {tampered}"}, timeout=10)
    assert response.status_code == 401
    # A refresh token is not a bearer token.
    response = requests.get(url, headers={"Authorization": f"Bearer {session['RefreshToken']}"}, timeout=10)
    assert response.status_code == 401
