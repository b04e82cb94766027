"""Hooks of a running `auth-return serve`, answered by a real receiver that verifies every call
with the `standardwebhooks` library: boto3's SignUp is denied with the hook's message or
confirmed at once, and the tokens of a sign-in carry the claims the pre token generation hook
added (read with PyJWT, verified against the pool's JWKS).

Needs AUTH_RETURN_BIN (exported by tests/e2e/run.sh): the binary under test.
"""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt
import pytest
import requests
from botocore.exceptions import ClientError
from standardwebhooks.webhooks import Webhook

from support import (  # noqa: F401  (auth_return is a fixture)
    PASSWORD,
    auth_return,
    create_owned_app,
    developer_token,
    make_idp_client,
    password_auth,
    sign_up,
    unique_email,
)


class HookReceiver:
    """Verifies each call with `standardwebhooks` (a failed check answers 401, which the hook
    counts as a failure) and answers per the call's type."""

    def __init__(self):
        self.secret: str | None = None
        self.calls: list[dict] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers["content-length"]))
                try:
                    call = Webhook(receiver.secret).verify(body, dict(self.headers))
                except Exception:  # noqa: BLE001  (any failed check is a refusal)
                    self.send_response(401)
                    self.end_headers()
                    return
                receiver.calls.append(call)
                answer = receiver.answer(call)
                data = json.dumps(answer).encode()
                self.send_response(200)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    @staticmethod
    def answer(call: dict) -> dict:
        if call["type"] == "pre_sign_up":
            email = call["user"]["email"]
            if "-blocked-" in email:
                return {"allow": False, "message": "Sign-ups from this address are closed"}
            return {"allow": True, "auto_confirm": "-vip-" in email, "auto_verify_email": True}
        return {"id_token": {"add": {"tier": "gold"}}, "access_token": {"add": {"roles": ["admin"]}}}


@pytest.fixture
def receiver():
    made = HookReceiver()
    yield made
    made.server.shutdown()


def test_hooks_deny_confirm_and_add_claims_for_the_real_clients(auth_return, receiver):
    server = auth_return("--webhooks-allow-private", "--console-signup", "open")
    idp = make_idp_client(server.url)
    token = developer_token(server.url, idp, server.outbox)
    app = create_owned_app(server.url, token, "Hooked")
    auth = {"Authorization": f"Bearer {token}"}
    hooks = {"pre_sign_up": {"url": receiver.url}, "pre_token_generation": {"url": receiver.url}}
    answer = requests.patch(f"{server.url}/api/apps/{app['app_id']}", json={"hooks": hooks}, headers=auth, timeout=10)
    assert answer.status_code == 200, answer.text
    answer = requests.post(f"{server.url}/api/apps/{app['app_id']}/hooks/secret", headers=auth, timeout=10)
    assert answer.status_code == 200 and answer.headers["cache-control"] == "no-store", answer.text
    receiver.secret = answer.json()["secret"]

    with pytest.raises(ClientError) as denied:
        sign_up(idp, app, unique_email("blocked"))
    error = denied.value.response["Error"]
    assert error["Code"] == "UserLambdaValidationException"
    assert error["Message"] == "PreSignUp failed with error Sign-ups from this address are closed."

    vip = unique_email("vip")
    assert sign_up(idp, app, vip)["UserConfirmed"] is True
    tokens = password_auth(idp, app, vip)["AuthenticationResult"]
    keys = jwt.PyJWKClient(f"{app['issuer']}/.well-known/jwks.json")
    id_claims = jwt.decode(
        tokens["IdToken"], keys.get_signing_key_from_jwt(tokens["IdToken"]).key,
        algorithms=["RS256"], audience=app["client_id"], issuer=app["issuer"],
    )
    assert id_claims["tier"] == "gold" and id_claims["email_verified"] is True
    access_claims = jwt.decode(
        tokens["AccessToken"], keys.get_signing_key_from_jwt(tokens["AccessToken"]).key,
        algorithms=["RS256"], issuer=app["issuer"], options={"verify_aud": False},
    )
    assert access_claims["roles"] == ["admin"]
    types = [call["type"] for call in receiver.calls]
    assert types == ["pre_sign_up", "pre_sign_up", "pre_token_generation"], types
    assert receiver.calls[2]["source"] == "sign_in"
