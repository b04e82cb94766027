"""Shared helpers and fixtures for the end-to-end tests of Auth Return with the real Python clients.

The server is started by tests/e2e/run.sh, which exports:

* AUTH_RETURN_URL            the public URL of the running server (the Cognito endpoint is POST /)
* AUTH_RETURN_OUTBOX         the outbox.jsonl the server writes confirmation mails to
* AUTH_RETURN_APP_PUBLIC     JSON of `auth-return apps create --json` for an app without a secret
* AUTH_RETURN_APP_SECRET     JSON of `auth-return apps create --client-secret --json`

Every test creates its own users (uuid-based emails), so the order of the tests never matters.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import re
import time
import uuid
from pathlib import Path

import boto3
import pytest
from botocore.config import Config

REGION = "local"
PASSWORD = "Correct-Horse-9!"
CODE_RE = re.compile(r"(?<!\d)(\d{6})(?!\d)")


def _env(name: str) -> str:
    value = os.environ.get(name)
    if not value:
        pytest.exit(f"{name} is not set: run these tests through tests/e2e/run.sh", returncode=2)
    return value


@pytest.fixture(scope="session")
def base_url() -> str:
    return _env("AUTH_RETURN_URL").rstrip("/")


@pytest.fixture(scope="session")
def outbox_path() -> Path:
    return Path(_env("AUTH_RETURN_OUTBOX"))


@pytest.fixture(scope="session")
def public_app() -> dict:
    return json.loads(_env("AUTH_RETURN_APP_PUBLIC"))


@pytest.fixture(scope="session")
def secret_app() -> dict:
    app = json.loads(_env("AUTH_RETURN_APP_SECRET"))
    assert app.get("client_secret"), "the secret app was created without a client secret"
    return app


def make_idp_client(base_url: str):
    """A boto3 cognito-idp client pointed at Auth Return (dummy credentials: the
    user-facing operations are sent unsigned anyway)."""
    return boto3.client(
        "cognito-idp",
        endpoint_url=base_url,
        region_name=REGION,
        aws_access_key_id="AKIDEXAMPLE",
        aws_secret_access_key="dummy-secret",
        config=Config(retries={"max_attempts": 1, "mode": "standard"}),
    )


@pytest.fixture(scope="session")
def idp(base_url):
    return make_idp_client(base_url)


def unique_email(tag: str = "user") -> str:
    return f"e2e-py-{tag}-{uuid.uuid4().hex[:16]}@example.com"


def secret_hash(username: str, client_id: str, client_secret: str) -> str:
    digest = hmac.new(
        client_secret.encode(), (username + client_id).encode(), hashlib.sha256
    ).digest()
    return base64.b64encode(digest).decode()


def outbox_messages(outbox: Path, to: str) -> list[dict]:
    if not outbox.exists():
        return []
    messages = []
    for line in outbox.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line:
            continue
        message = json.loads(line)
        if message.get("to") == to:
            messages.append(message)
    return messages


def wait_for_message(outbox: Path, to: str, count: int = 1, timeout: float = 10.0) -> dict:
    """The `count`-th message (1-based) sent to `to`; waits for it to appear."""
    deadline = time.monotonic() + timeout
    while True:
        messages = outbox_messages(outbox, to)
        if len(messages) >= count:
            return messages[count - 1]
        if time.monotonic() > deadline:
            raise AssertionError(
                f"no message #{count} to {to} in {outbox} after {timeout}s (found {len(messages)})"
            )
        time.sleep(0.1)


def code_of(message: dict) -> str:
    match = CODE_RE.search(message["text"])
    assert match, f"no 6-digit code in mail text: {message['text']!r}"
    return match.group(1)


def wrong_code(code: str) -> str:
    return f"{(int(code) + 1) % 1_000_000:06d}"


def sign_up(idp, app: dict, email: str, password: str = PASSWORD) -> dict:
    params = {
        "ClientId": app["client_id"],
        "Username": email,
        "Password": password,
        "UserAttributes": [{"Name": "email", "Value": email}],
    }
    if app.get("client_secret"):
        params["SecretHash"] = secret_hash(email, app["client_id"], app["client_secret"])
    return idp.sign_up(**params)


def confirm(idp, app: dict, email: str, code: str) -> dict:
    params = {"ClientId": app["client_id"], "Username": email, "ConfirmationCode": code}
    if app.get("client_secret"):
        params["SecretHash"] = secret_hash(email, app["client_id"], app["client_secret"])
    return idp.confirm_sign_up(**params)


def password_auth(idp, app: dict, username: str, password: str = PASSWORD) -> dict:
    params = {"USERNAME": username, "PASSWORD": password}
    if app.get("client_secret"):
        params["SECRET_HASH"] = secret_hash(username, app["client_id"], app["client_secret"])
    return idp.initiate_auth(
        ClientId=app["client_id"], AuthFlow="USER_PASSWORD_AUTH", AuthParameters=params
    )


@pytest.fixture
def new_user(idp, outbox_path):
    """Factory: signs up and confirms a fresh user in `app`; returns (email, password, sub)."""

    def make(app: dict, password: str = PASSWORD, tag: str = "user"):
        email = unique_email(tag)
        response = sign_up(idp, app, email, password)
        code = code_of(wait_for_message(outbox_path, email))
        confirm(idp, app, email, code)
        return email, password, response["UserSub"]

    return make


def error_of(exc_info) -> tuple[str, str]:
    """(code, message) of a botocore ClientError caught by pytest.raises."""
    error = exc_info.value.response["Error"]
    return error["Code"], error["Message"]
