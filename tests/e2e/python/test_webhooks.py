"""Webhooks from a running `auth-return serve` to real receivers that verify every request with
the `standardwebhooks` library (PyPI): events of a sign-up and sign-in by boto3 arrive signed,
in order per user, at least once; a receiver that fails, and one that hangs past the 15 s
timeout, get them again on the retry schedule once they recover.

Needs AUTH_RETURN_BIN (exported by tests/e2e/run.sh): the binary under test.
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests
from standardwebhooks.webhooks import Webhook, WebhookVerificationError

from support import (  # noqa: F401  (auth_return is a fixture)
    auth_return,
    code_of,
    confirm,
    create_owned_app,
    developer_token,
    make_idp_client,
    password_auth,
    sign_up,
    unique_email,
    wait_for_message,
)

TYPES = ["sign_up", "sign_up_confirmed", "sign_in"]


class Receiver:
    """An HTTP receiver on loopback that verifies each request with `standardwebhooks` and
    answers as scripted: `fail` (HTTP 500) or `hang` (answers after 20 s) for the first
    requests, 204 after."""

    def __init__(self, script: list[str]):
        self.script = list(script)
        self.secret: str | None = None
        self.verified: list[tuple[str, dict]] = []
        self.refused: list[str] = []
        self.requests = 0
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):  # quiet
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers["content-length"]))
                with receiver.lock:
                    receiver.requests += 1
                    action = receiver.script.pop(0) if receiver.script else "ok"
                if action == "hang":
                    time.sleep(20)
                try:
                    payload = Webhook(receiver.secret).verify(body, dict(self.headers))
                except WebhookVerificationError as e:
                    with receiver.lock:
                        receiver.refused.append(str(e))
                    self.send_response(400)
                    self.end_headers()
                    return
                if action == "fail":
                    self.send_response(500)
                    self.end_headers()
                    return
                with receiver.lock:
                    receiver.verified.append((self.headers["webhook-id"], payload))
                self.send_response(204)
                self.end_headers()

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def first_arrivals(self) -> list[tuple[str, dict]]:
        """Each message once, in the order it first arrived verified."""
        seen, first = set(), []
        with self.lock:
            for message_id, payload in self.verified:
                if message_id not in seen:
                    seen.add(message_id)
                    first.append((message_id, payload))
        return first

    def stop(self):
        self.server.shutdown()


@pytest.fixture
def receivers():
    made: list[Receiver] = []

    def make(script: list[str]) -> Receiver:
        made.append(Receiver(script))
        return made[-1]

    yield make
    for receiver in made:
        receiver.stop()


def register(server_url: str, token: str, app_id: str, receiver: Receiver) -> dict:
    answer = requests.post(
        f"{server_url}/api/apps/{app_id}/webhooks",
        json={"url": receiver.url, "event_types": TYPES, "description": "e2e"},
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    )
    assert answer.status_code == 201, answer.text
    made = answer.json()
    receiver.secret = made["secret"]
    return made


def wait_for(condition, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.2)


def test_signed_events_reach_failing_and_hanging_receivers_once_they_recover(auth_return, receivers):
    server = auth_return("--webhooks-allow-private", "--console-signup", "open")
    idp = make_idp_client(server.url)
    token = developer_token(server.url, idp, server.outbox)
    app = create_owned_app(server.url, token, "Hooked")
    failing = receivers(["fail"])
    hanging = receivers(["hang"])
    failing_hook = register(server.url, token, app["app_id"], failing)
    register(server.url, token, app["app_id"], hanging)
    assert failing_hook["secret"].startswith("whsec_")

    email = unique_email("hooked")
    sign_up(idp, app, email)
    confirm(idp, app, email, code_of(wait_for_message(server.outbox, email)))
    assert password_auth(idp, app, email)["AuthenticationResult"]["AccessToken"]

    # The failing receiver has them ~5 s later (the first retry); the hanging one after its
    # 15 s timeout and the 5 s retry.
    for receiver in (failing, hanging):
        wait_for(lambda: len(receiver.first_arrivals()) == 3, 45, f"3 events at {receiver.url}")
        arrivals = receiver.first_arrivals()
        assert [payload["type"] for _, payload in arrivals] == TYPES
        assert all(payload["data"]["email"] == email for _, payload in arrivals)
        assert all(payload["data"]["app_id"] == app["app_id"] for _, payload in arrivals)
        assert receiver.refused == []
    assert failing.requests >= 4 and hanging.requests >= 4

    # The log says what happened: the first delivery took two attempts, and nothing is left.
    answer = requests.get(
        f"{server.url}/api/apps/{app['app_id']}/webhooks/{failing_hook['webhook_id']}/deliveries",
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    )
    log = answer.json()["deliveries"]
    assert [d["status"] for d in log] == ["delivered"] * 3
    oldest = log[-1]
    assert oldest["attempts"] == 2 and oldest["last_status"] == 204, oldest
    assert oldest["message_id"] == failing.first_arrivals()[0][0]


def test_a_request_signed_with_another_secret_is_refused_by_the_library(auth_return, receivers):
    # The receivers' check is not vacuous: a rotated secret's deliveries fail verification
    # at a receiver still holding the old one.
    server = auth_return("--webhooks-allow-private", "--console-signup", "open")
    idp = make_idp_client(server.url)
    token = developer_token(server.url, idp, server.outbox)
    app = create_owned_app(server.url, token, "Rotated")
    receiver = receivers([])
    made = register(server.url, token, app["app_id"], receiver)
    rotated = requests.post(
        f"{server.url}/api/apps/{app['app_id']}/webhooks/{made['webhook_id']}/rotate-secret",
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    ).json()
    assert rotated["secret"] != made["secret"]
    sign_up(idp, app, unique_email("rotated"))
    wait_for(lambda: receiver.refused, 15, "a refused delivery")
    assert "signature" in receiver.refused[0].lower(), receiver.refused
    receiver.secret = rotated["secret"]
    wait_for(lambda: receiver.first_arrivals(), 15, "the retry, verified with the new secret")
    assert json.dumps(receiver.first_arrivals()[0][1]["type"]) == '"sign_up"'
