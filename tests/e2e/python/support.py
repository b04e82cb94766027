"""Shared helpers and fixtures for the end-to-end tests of Auth Return with the real Python clients.

The server is started by tests/e2e/run.sh, which exports:

* AUTH_RETURN_URL            the public URL of the running server (the Cognito endpoint is POST /)
* AUTH_RETURN_OUTBOX         the outbox.jsonl the server writes confirmation mails to
* AUTH_RETURN_APP_PUBLIC     JSON of `auth-return apps create --json` for an app without a secret
* AUTH_RETURN_APP_SECRET     JSON of `auth-return apps create --client-secret --json`
* AUTH_RETURN_BIN            the binary under test (for dedicated servers and the CLI)
* AUTH_RETURN_E2E_DATA_DIR   the shared server's --data-dir (for the CLI)

Every test creates its own users (uuid-based emails), so the order of the tests never matters.
Tests that need other flags (SMTP, low rate limits, trusted proxies) start dedicated servers of
their own with the `auth_return` factory fixture below.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import re
import socket
import subprocess
import time
import urllib.request
import uuid
from dataclasses import dataclass
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
        # One attempt: a retried 5xx or throttle would hide what the server answered.
        config=Config(retries={"total_max_attempts": 1, "mode": "standard"}),
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
    text = outbox.read_text(encoding="utf-8")
    # The server may be appending a line as we read: only whole lines count.
    complete = text[: text.rfind("\n") + 1]
    for line in complete.splitlines():
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


# --- Developers, their own apps, and the admin operations ------------------------------------------
# Admin operations (AdminCreateUser, AdminGetUser, ListUsers, ...) are authorized by the owning
# developer's console access token (`Authorization: Bearer`), sent here as raw HTTP, or by a
# request signed with one of their access keys (boto3 as against AWS: test_access_keys.py). A developer is an ordinary user of the built-in `console` app; `POST /api/apps` with their
# access token creates an app they own.

NEW_PASSWORD = "Fresh-Horse-42!"
TEMP_PASSWORD_RE = re.compile(r"temporary password (\S+)")


def cognito_call(base_url: str, operation: str, body: dict, token: str | None = None):
    """POST / with `X-Amz-Target: AWSCognitoIdentityProviderService.<operation>`; returns
    (HTTP status, parsed JSON body)."""
    import requests

    headers = {
        "Content-Type": "application/x-amz-json-1.1",
        "X-Amz-Target": f"AWSCognitoIdentityProviderService.{operation}",
    }
    if token:
        headers["Authorization"] = f"Bearer {token}"
    response = requests.post(f"{base_url}/", data=json.dumps(body), headers=headers, timeout=10)
    return response.status_code, response.json()


def admin_call(base_url: str, token: str, operation: str, body: dict) -> dict:
    """An admin operation that must succeed; returns its output."""
    status, answer = cognito_call(base_url, operation, body, token)
    assert status == 200, f"{operation} failed with HTTP {status}: {answer}"
    return answer


def console_app(base_url: str) -> dict:
    """The built-in console app as an app dict ({user_pool_id, client_id, ...})."""
    import requests

    response = requests.get(f"{base_url}/api/apps/console/config", timeout=10)
    assert response.status_code == 200, response.text
    config = response.json()
    return {"app_id": config["appId"], "user_pool_id": config["userPoolId"], "client_id": config["clientId"]}


def developer_token(base_url: str, idp, outbox: Path) -> str:
    """Signs up, confirms and SRP-signs-in a fresh developer in the console app; returns the
    access token."""
    from pycognito.aws_srp import AWSSRP

    console = console_app(base_url)
    email = unique_email("dev")
    sign_up(idp, console, email)
    confirm(idp, console, email, code_of(wait_for_message(outbox, email)))
    tokens = AWSSRP(
        username=email,
        password=PASSWORD,
        pool_id=console["user_pool_id"],
        client_id=console["client_id"],
        client=idp,
    ).authenticate_user()
    return tokens["AuthenticationResult"]["AccessToken"]


def create_owned_app(base_url: str, token: str, name: str, client_secret: bool = False) -> dict:
    """POST /api/apps as the developer behind `token`."""
    import requests

    body = {"name": name}
    if client_secret:
        body["client_secret"] = True
    response = requests.post(
        f"{base_url}/api/apps",
        json=body,
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    )
    assert response.status_code == 201, f"POST /api/apps: HTTP {response.status_code} {response.text}"
    app = response.json()
    for key in ("app_id", "user_pool_id", "client_id"):
        assert app.get(key), f"POST /api/apps answer lacks {key!r}: {app}"
    if client_secret:
        assert app.get("client_secret"), f"POST /api/apps gave no client_secret: {app}"
    return app


def create_access_key(base_url: str, token: str, **body) -> dict:
    """POST /api/access-keys as the developer behind `token`: the key with its secret."""
    import requests

    response = requests.post(
        f"{base_url}/api/access-keys",
        json=body,
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    )
    assert response.status_code == 201, response.text
    return response.json()


def signed_client(base_url: str, key_id: str, secret: str, region: str = "us-east-1"):
    """A cognito-idp client signing with this access key, as a team's back-office code has."""
    return boto3.client(
        "cognito-idp",
        endpoint_url=base_url,
        region_name=region,
        aws_access_key_id=key_id,
        aws_secret_access_key=secret,
        config=Config(retries={"total_max_attempts": 1, "mode": "standard"}),
    )


@pytest.fixture(scope="session")
def owned_apps(base_url, idp, outbox_path) -> dict:
    """A developer's console token and two apps they own: {"token", "public", "secret"}."""
    token = developer_token(base_url, idp, outbox_path)
    return {
        "token": token,
        "public": create_owned_app(base_url, token, "e2e owned public"),
        "secret": create_owned_app(base_url, token, "e2e owned confidential", client_secret=True),
    }


def admin_create_user(
    base_url: str,
    token: str,
    app: dict,
    email: str,
    temporary_password: str | None = None,
    message_action: str | None = None,
) -> dict:
    """AdminCreateUser; returns the `User` member."""
    body = {
        "UserPoolId": app["user_pool_id"],
        "Username": email,
        "UserAttributes": [{"Name": "email", "Value": email}],
    }
    if temporary_password is not None:
        body["TemporaryPassword"] = temporary_password
    if message_action is not None:
        body["MessageAction"] = message_action
    return admin_call(base_url, token, "AdminCreateUser", body)["User"]


def temporary_password_of(message: dict) -> str:
    match = TEMP_PASSWORD_RE.search(message["text"])
    assert match, f"no temporary password in the invitation: {message['text']!r}"
    return match.group(1)


def capture_raw_responses(client) -> list[dict]:
    """Records the raw JSON body of every response `client` receives (botocore drops members
    its service model does not know, e.g. RefreshTokenExpiresAt)."""
    seen: list[dict] = []

    def record(http_response, parsed, model, **_):
        try:
            seen.append({"operation": model.name, "body": json.loads(http_response.content)})
        except ValueError:
            seen.append({"operation": model.name, "body": None})

    client.meta.events.register("after-call", record)
    return seen


# --- Dedicated servers --------------------------------------------------------------------------
# A test that needs flags of its own (SMTP, low rate limits, trusted proxies) starts its own
# `auth-return serve` on a free loopback port with a fresh data dir through the `auth_return`
# factory fixture (import it into the test module); every instance is stopped after the test,
# whether it passed or not.


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def clean_env() -> dict:
    """The environment without any AUTH_RETURN_* setting: only the given flags count."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AUTH_RETURN_")}
    env["NO_COLOR"] = "1"
    return env


@dataclass
class Instance:
    url: str
    listen: str
    data_dir: Path
    process: subprocess.Popen
    log: Path

    def log_text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    @property
    def outbox(self) -> Path:
        """Where this instance writes mail without --smtp-url."""
        return self.data_dir / "outbox.jsonl"


@pytest.fixture
def auth_return(tmp_path):
    """Factory: starts `auth-return serve` with its own data dir (or a given one) and flags."""
    binary = _env("AUTH_RETURN_BIN")
    running: list[Instance] = []

    def start(*args: str, data_dir: Path | None = None) -> Instance:
        data_dir = data_dir or Path(tmp_path) / f"data-{len(running)}"
        data_dir.mkdir(parents=True, exist_ok=True)
        listen = f"127.0.0.1:{free_port()}"
        log = data_dir / f"server-{time.monotonic_ns()}.log"
        with open(log, "wb") as out:
            process = subprocess.Popen(
                [binary, "serve", "--listen", listen, "--data-dir", str(data_dir), *args],
                stdout=out,
                stderr=subprocess.STDOUT,
                env=clean_env(),
            )
        instance = Instance(f"http://{listen}", listen, data_dir, process, log)
        running.append(instance)
        deadline = time.monotonic() + 30
        while True:
            if process.poll() is not None:
                raise AssertionError(f"auth-return exited early:\n{instance.log_text()}")
            try:
                with urllib.request.urlopen(f"{instance.url}/healthz", timeout=2) as r:
                    if r.status == 200:
                        return instance
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise AssertionError(f"auth-return did not become healthy:\n{instance.log_text()}")
            time.sleep(0.1)

    yield start
    for instance in running:
        stop(instance)


def stop(instance: Instance) -> None:
    if instance.process.poll() is None:
        instance.process.terminate()
        try:
            instance.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            instance.process.kill()
            instance.process.wait()


def create_app(instance: Instance, name: str, *extra: str) -> dict:
    """`auth-return apps create --json` on a dedicated instance's data dir."""
    out = run_cli(
        "apps", "create", "--json", "--name", name, *extra,
        data_dir=instance.data_dir, listen=instance.listen,
    )
    return json.loads(out)


def run_cli(*args: str, data_dir: Path | str, listen: str, env: dict | None = None) -> str:
    """The auth-return CLI on a server's data dir (with its --listen, which the issuer derives
    from), in `env` (default: `clean_env()`, as the dedicated servers run); fails the test on a
    non-zero exit. Returns the standard output."""
    out = subprocess.run(
        [_env("AUTH_RETURN_BIN"), *args, "--data-dir", str(data_dir), "--listen", listen],
        capture_output=True, text=True, env=clean_env() if env is None else env, timeout=60,
    )
    assert out.returncode == 0, f"auth-return {' '.join(args)} exited {out.returncode}: {out.stderr}"
    return out.stdout
