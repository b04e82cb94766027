"""pycognito against Auth Return: SRP sign-in (public client and client with secret), token
verification against our JWKS with pycognito's own `iss` check, refresh, GetUser, wrong
password, GlobalSignOut."""

from __future__ import annotations

import pytest
from botocore.exceptions import ClientError
from pycognito import Cognito
from pycognito.exceptions import TokenVerificationException

from support import REGION, error_of


def cognito(base_url: str, app: dict, username: str | None = None, **kwargs) -> Cognito:
    # user_pool_region is derived from the pool id prefix when not given; pass it explicitly
    # so boto3's region matches the one we use everywhere.
    return Cognito(
        app["user_pool_id"],
        app["client_id"],
        user_pool_region=REGION,
        username=username,
        client_secret=app.get("client_secret"),
        boto3_client_kwargs={
            "endpoint_url": base_url,
            "aws_access_key_id": "AKIDEXAMPLE",
            "aws_secret_access_key": "dummy-secret",
        },
        **kwargs,
    )


def test_app_json_matches_the_pycognito_issuer(base_url, public_app, secret_app):
    for app in (public_app, secret_app):
        c = cognito(base_url, app)
        # pycognito checks iss == endpoint_url + "/" + pool id and fetches keys under it.
        assert app["issuer"] == c.user_pool_url == f"{base_url}/{app['user_pool_id']}"
        assert app["jwks_uri"] == f"{c.user_pool_url}/.well-known/jwks.json"
        assert app["endpoint"].rstrip("/") == base_url


@pytest.mark.parametrize("which", ["public", "secret"])
def test_srp_sign_in_verify_refresh_and_get_user(base_url, new_user, public_app, secret_app, which):
    app = public_app if which == "public" else secret_app
    email, password, sub = new_user(app, tag=f"srp-{which}")

    u = cognito(base_url, app, username=email)
    u.authenticate(password=password)  # USER_SRP_AUTH + PASSWORD_VERIFIER (+ SECRET_HASH)
    assert u.token_type == "Bearer"
    assert u.id_token and u.access_token and u.refresh_token

    # _set_tokens already verified both tokens; verify again explicitly.
    u.verify_tokens()
    assert u.id_claims["token_use"] == "id"
    assert u.id_claims["aud"] == app["client_id"]
    assert u.id_claims["iss"] == app["issuer"]
    assert u.id_claims["sub"] == sub
    assert u.id_claims["email"] == email
    assert u.id_claims["cognito:username"] == sub
    assert u.access_claims["token_use"] == "access"
    assert u.access_claims["client_id"] == app["client_id"]
    assert u.access_claims["username"] == sub
    assert "aud" not in u.access_claims
    assert u.check_token(renew=False) is False  # not expired

    user = u.get_user()
    assert user.email == email
    assert user.sub == sub
    assert user.email_verified is True  # pycognito turns the "true" string into a bool
    assert user._metadata["username"] == sub

    old_access, old_id, refresh = u.access_token, u.id_token, u.refresh_token
    first_auth_time = u.access_claims["auth_time"]
    origin_jti = u.access_claims.get("origin_jti")
    u.renew_access_token()  # REFRESH_TOKEN_AUTH (+ SECRET_HASH over the email)
    assert u.access_token != old_access
    assert u.id_token != old_id
    assert u.refresh_token == refresh  # no rotation: the old refresh token is kept
    u.verify_tokens()
    assert u.access_claims["auth_time"] == first_auth_time
    assert u.access_claims.get("origin_jti") == origin_jti
    assert u.id_claims["sub"] == sub
    assert u.get_user().email == email


def test_wrong_password_is_not_authorized(base_url, new_user, public_app, secret_app):
    for app in (public_app, secret_app):
        email, _, _ = new_user(app, tag="srp-wrong")
        u = cognito(base_url, app, username=email)
        with pytest.raises(ClientError) as exc:
            u.authenticate(password="Wrong-Passw0rd!")
        assert error_of(exc) == ("NotAuthorizedException", "Incorrect username or password.")
        assert u.access_token is None


def test_unknown_user_srp_is_not_authorized(base_url, public_app):
    u = cognito(base_url, public_app, username="e2e-py-nobody-0000@example.com")
    with pytest.raises(ClientError) as exc:
        u.authenticate(password="Correct-Horse-9!")
    assert error_of(exc) == ("NotAuthorizedException", "Incorrect username or password.")


def test_logout_revokes_access_and_refresh(base_url, new_user, public_app):
    email, password, _ = new_user(public_app, tag="logout")
    u = cognito(base_url, public_app, username=email)
    u.authenticate(password=password)
    old_access, old_refresh = u.access_token, u.refresh_token
    u.logout()  # GlobalSignOut
    assert u.access_token is None and u.refresh_token is None

    stale = cognito(base_url, public_app, username=email, access_token=old_access)
    with pytest.raises(ClientError) as exc:
        stale.get_user()
    assert error_of(exc) == ("NotAuthorizedException", "Access Token has been revoked")

    stale = cognito(base_url, public_app, username=email, refresh_token=old_refresh)
    with pytest.raises(ClientError) as exc:
        stale.renew_access_token()
    assert error_of(exc) == ("NotAuthorizedException", "Refresh Token has been revoked")

    # Signing in again gives a working session.
    u.authenticate(password=password)
    assert u.get_user().email == email


def test_token_verification_really_checks(base_url, new_user, public_app, secret_app):
    """pycognito's verification must fail for a token of another app (aud and iss differ)
    and for a tampered token, so the passes above are meaningful."""
    email, password, _ = new_user(public_app, tag="verify")
    u = cognito(base_url, public_app, username=email)
    u.authenticate(password=password)

    # Each pool has its own keys: pycognito does not even find the kid in the other pool's
    # JWKS (it then fails with IndexError); if a key were shared, iss/aud must still fail.
    other = cognito(base_url, secret_app)
    with pytest.raises((TokenVerificationException, IndexError)):
        other.verify_token(u.id_token, "id_token", "id")
    with pytest.raises((TokenVerificationException, IndexError)):
        other.verify_token(u.access_token, "access_token", "access")

    # Same pool, but pycognito configured with another spelling of the endpoint: the keys are
    # found, yet the iss check (endpoint_url + "/" + pool id) must refuse the token.
    elsewhere = cognito(base_url.replace("127.0.0.1", "localhost"), public_app)
    assert elsewhere.user_pool_url != public_app["issuer"]
    with pytest.raises(TokenVerificationException, match="(?i)issuer"):
        elsewhere.verify_token(u.id_token, "id_token", "id")

    # An access token is not an ID token and vice versa.
    with pytest.raises(TokenVerificationException):
        u.verify_token(u.access_token, "id_token", "id")
    with pytest.raises(TokenVerificationException):
        u.verify_token(u.id_token, "access_token", "access")

    header, payload, signature = u.id_token.split(".")
    flipped = ("A" if signature[0] != "A" else "B") + signature[1:]
    with pytest.raises(TokenVerificationException):
        u.verify_token(f"{header}.{payload}.{flipped}", "id_token", "id")
