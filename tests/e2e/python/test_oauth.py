"""Authlib against the OAuth 2.0 / OpenID Connect endpoints: the example server-rendered app
(examples/flask-oidc, Authlib's Flask client) signs a user in by redirect through the hosted
sign-in endpoint, with `client_secret_basic` and with `client_secret_post`, and signs out; the
hosted page's SRP is done by pycognito's AWSSRP, as the page's script does it. Then the
`client_credentials` grant with Authlib's OAuth2Session, and its refusals."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

import jwt
import pytest
import requests
from authlib.integrations.base_client.errors import OAuthError
from authlib.integrations.requests_client import OAuth2Session
from pycognito.aws_srp import AWSSRP

from support import (
    PASSWORD,
    code_of,
    confirm,
    create_owned_app,
    free_port,
    owned_apps,  # noqa: F401  (a fixture)
    sign_up,
    unique_email,
    wait_for_message,
)

EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "flask-oidc" / "app.py"


def patch_app(base_url: str, token: str, app_id: str, settings: dict) -> dict:
    response = requests.patch(
        f"{base_url}/api/apps/{app_id}",
        json=settings,
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    )
    assert response.status_code == 200, response.text
    return response.json()


@pytest.fixture(scope="module")
def example(base_url, owned_apps):
    """A confidential app whose callback is the example app's, and a port for the example."""
    port = free_port()
    app_url = f"http://127.0.0.1:{port}"
    app = create_owned_app(base_url, owned_apps["token"], "e2e flask example", client_secret=True)
    patch_app(
        base_url,
        owned_apps["token"],
        app["app_id"],
        {
            "oauth": {
                "callback_urls": [f"{app_url}/callback"],
                "logout_urls": [f"{app_url}/"],
                "flows": {"code": True, "client_credentials": True},
                "custom_scopes": ["orders/read", "orders/write"],
            }
        },
    )
    return {"app": app, "port": port, "url": app_url}


def start_example(base_url: str, example: dict, auth_method: str) -> subprocess.Popen:
    app = example["app"]
    env = {
        **os.environ,
        "AUTH_RETURN_ISSUER": f"{base_url}/{app['user_pool_id']}",
        "CLIENT_ID": app["client_id"],
        "CLIENT_SECRET": app["client_secret"],
        "APP_URL": example["url"],
        "PORT": str(example["port"]),
        "TOKEN_ENDPOINT_AUTH_METHOD": auth_method,
    }
    process = subprocess.Popen([sys.executable, str(EXAMPLE)], env=env)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            requests.get(example["url"], timeout=1)
            return process
        except requests.ConnectionError:
            time.sleep(0.1)
    process.kill()
    raise AssertionError("the example app did not start")


def confirmed_user(idp, outbox_path, app: dict) -> str:
    email = unique_email("oauth")
    sign_up(idp, app, email)
    confirm(idp, app, email, code_of(wait_for_message(outbox_path, email)))
    return email


def hosted_sign_in(browser: requests.Session, base_url: str, app: dict, idp, email: str, password: str):
    """What the hosted page's script does: SRP against POST /login with the page's CSRF token.
    The page never knows the client secret, so no SECRET_HASH is sent."""
    csrf = browser.cookies.get("ar_csrf")
    assert csrf, "the sign-in page sets the CSRF cookie"
    srp = AWSSRP(
        username=email,
        password=password,
        pool_id=app["user_pool_id"],
        client_id=app["client_id"],
        client=idp,
    )

    def call(operation: str, body: dict) -> requests.Response:
        return browser.post(
            f"{base_url}/login",
            data=json.dumps(body),
            headers={
                "Content-Type": "application/x-amz-json-1.1",
                "X-Amz-Target": f"AWSCognitoIdentityProviderService.{operation}",
                "X-CSRF-Token": csrf,
                "Origin": base_url,
            },
            timeout=10,
        )

    init = call(
        "InitiateAuth",
        {
            "AuthFlow": "USER_SRP_AUTH",
            "ClientId": app["client_id"],
            "AuthParameters": srp.get_auth_params(),
        },
    )
    assert init.status_code == 200, init.text
    responses = srp.process_challenge(init.json()["ChallengeParameters"], {"USERNAME": email})
    return call(
        "RespondToAuthChallenge",
        {"ChallengeName": "PASSWORD_VERIFIER", "ClientId": app["client_id"], "ChallengeResponses": responses},
    )


@pytest.mark.parametrize("auth_method", ["client_secret_basic", "client_secret_post"])
def test_the_example_app_signs_in_and_out_by_redirect(base_url, idp, outbox_path, example, auth_method):
    app = example["app"]
    email = confirmed_user(idp, outbox_path, app)
    process = start_example(base_url, example, auth_method)
    try:
        browser = requests.Session()
        home = browser.get(example["url"], timeout=10)
        assert "Sign in" in home.text
        # The example redirects to /oauth2/authorize, which sends a stranger to the hosted page.
        page = browser.get(f"{example['url']}/login", timeout=10)
        assert page.status_code == 200, page.text
        landed = urlsplit(page.url)
        assert landed.path == "/login" and f"{landed.scheme}://{landed.netloc}" == base_url
        assert "code_challenge_method=S256" in landed.query and "nonce=" in landed.query

        wrong = hosted_sign_in(browser, base_url, app, idp, email, "Wrong-Password-1")
        assert wrong.status_code == 400 and wrong.json()["message"] == "Incorrect username or password."
        signed_in = hosted_sign_in(browser, base_url, app, idp, email, PASSWORD)
        assert signed_in.json() == {"SignedIn": True}, signed_in.text

        # Back to the authorization request: the code goes to the example, which exchanges it
        # (Authlib checks the ID token and the nonce) and shows who signed in.
        done = browser.get(f"{base_url}/oauth2/authorize?{landed.query}", timeout=10)
        assert done.url == f"{example['url']}/", done.url
        assert f"<b id=email>{email}</b>" in done.text, done.text

        # A second sign-in within the hosted session needs no password.
        browser.cookies.clear(domain=urlsplit(example["url"]).hostname, path="/", name="session")
        again = browser.get(f"{example['url']}/login", timeout=10)
        assert f"<b id=email>{email}</b>" in again.text

        out = browser.get(f"{example['url']}/logout", timeout=10)
        assert out.url == f"{example['url']}/" and "Sign in" in out.text
        # The hosted session ended with it: the next sign-in shows the page again.
        next_time = browser.get(f"{example['url']}/login", timeout=10)
        assert urlsplit(next_time.url).path == "/login"
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.mark.parametrize("auth_method", ["client_secret_basic", "client_secret_post"])
def test_client_credentials_with_authlib(base_url, example, auth_method):
    app = example["app"]
    token_url = f"{base_url}/oauth2/token"
    client = OAuth2Session(
        app["client_id"],
        app["client_secret"],
        token_endpoint_auth_method=auth_method,
        scope="orders/read",
    )
    token = client.fetch_token(token_url, grant_type="client_credentials")
    assert token["token_type"] == "Bearer" and "refresh_token" not in token
    keys = jwt.PyJWKClient(f"{base_url}/{app['user_pool_id']}/.well-known/jwks.json")
    claims = jwt.decode(
        token["access_token"],
        keys.get_signing_key_from_jwt(token["access_token"]).key,
        algorithms=["RS256"],
        issuer=f"{base_url}/{app['user_pool_id']}",
    )
    assert claims["sub"] == app["client_id"] and claims["scope"] == "orders/read"
    assert claims["token_use"] == "access"

    wrong = OAuth2Session(app["client_id"], "not-the-secret", token_endpoint_auth_method=auth_method)
    with pytest.raises(OAuthError) as refused:
        wrong.fetch_token(token_url, grant_type="client_credentials")
    assert refused.value.error == "invalid_client"
    unknown = OAuth2Session(
        app["client_id"], app["client_secret"], token_endpoint_auth_method=auth_method, scope="admin"
    )
    with pytest.raises(OAuthError) as refused:
        unknown.fetch_token(token_url, grant_type="client_credentials")
    assert refused.value.error == "invalid_scope"
