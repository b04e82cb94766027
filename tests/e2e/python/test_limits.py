"""Per-address rate limits and the per-name sign-in lockout, seen through the real clients: boto3,
pycognito and plain HTTP, each test on a dedicated `auth-return serve` with low limits (the
shared e2e server runs with raised ones).

Timing: a bucket of N per minute refills one request every 60/N s, so the limits here are small
(1 to 5 per minute: one refill every 12 to 60 s) and each test spends its burst within a second
or two; no answer depends on a refill happening or not happening in the middle of a test. The
lockout counts whole seconds on the server's clock, which is this machine's clock: the test
derives from its own clock when a lock is certain to hold (see `certainly_locked`).

Needs AUTH_RETURN_BIN (exported by tests/e2e/run.sh): the binary under test.
"""

from __future__ import annotations

import json
import re
import time

import boto3
import pytest
import requests
from botocore.config import Config
from botocore.exceptions import ClientError
from pycognito import Cognito

from support import (  # noqa: F401  (auth_return is a fixture)
    PASSWORD,
    REGION,
    Instance,
    auth_return,
    code_of,
    confirm,
    create_app,
    error_of,
    outbox_messages,
    password_auth,
    run_cli,
    sign_up,
    unique_email,
    wait_for_message,
)

THROTTLED = "TooManyRequestsException"
THROTTLED_RE = re.compile(r"^Too many requests from this address; retry in (\d+) s\.$")
INCORRECT = "Incorrect username or password."
EXCEEDED = "Password attempts exceeded"
WRONG_PASSWORD = "Wrong-Horse-9!"
HTTPS_REQUIRED = (
    "HTTPS is required: plain HTTP is accepted only from loopback addresses. Use https:// or put "
    "a TLS-terminating proxy listed in --trusted-proxies in front."
)
HSTS = "max-age=63072000"
COGNITO_HEADERS = {"Content-Type": "application/x-amz-json-1.1"}


# --- helpers ----------------------------------------------------------------------------------


def idp_client(url: str):
    """A boto3 cognito-idp client that sends every call exactly once. (botocore's
    `retries.max_attempts` counts the retries after the first attempt: support.make_idp_client's
    {"max_attempts": 1} still retries a throttled call once. `total_max_attempts` counts all.)"""
    return boto3.client(
        "cognito-idp",
        endpoint_url=url,
        region_name=REGION,
        aws_access_key_id="AKIDEXAMPLE",
        aws_secret_access_key="dummy-secret",
        config=Config(retries={"total_max_attempts": 1, "mode": "standard"}),
    )


def confirmed_user(idp, server: Instance, app: dict, tag: str) -> str:
    """Signs up (sign-up bucket) and confirms (ConfirmSignUp: the sign-in bucket) a user."""
    email = unique_email(tag)
    sign_up(idp, app, email)
    confirm(idp, app, email, code_of(wait_for_message(server.outbox, email)))
    return email


def srp_start(idp, app: dict, username: str) -> dict:
    """InitiateAuth USER_SRP_AUTH with an arbitrary SRP_A: the server answers the challenge (a
    real one for a user, a simulated one for a name that is no user) without the client's math."""
    return idp.initiate_auth(
        ClientId=app["client_id"],
        AuthFlow="USER_SRP_AUTH",
        AuthParameters={"USERNAME": username, "SRP_A": "0a1b2c3d"},
    )


def assert_throttled(exc_info, longest_wait: int) -> int:
    """A botocore TooManyRequestsException as the server sends it: HTTP 400, the message, and
    `Retry-After` with the same number of seconds (1..longest_wait). Returns that number."""
    code, message = error_of(exc_info)
    assert code == THROTTLED, exc_info.value.response
    match = THROTTLED_RE.match(message)
    assert match, f"unexpected message {message!r}"
    wait = int(match.group(1))
    assert 1 <= wait <= longest_wait, message
    meta = exc_info.value.response["ResponseMetadata"]
    assert meta["HTTPStatusCode"] == 400
    headers = meta["HTTPHeaders"]  # botocore lowercases the names
    assert headers.get("retry-after") == str(wait), headers
    assert headers.get("x-amzn-errortype") == "TooManyRequestsException:", headers
    return wait


def raw_srp_start(server: Instance, app: dict, username: str, headers: dict | None = None):
    """The same InitiateAuth as `srp_start`, as plain HTTP with extra headers."""
    body = {
        "AuthFlow": "USER_SRP_AUTH",
        "ClientId": app["client_id"],
        "AuthParameters": {"USERNAME": username, "SRP_A": "0a1b2c3d"},
    }
    return requests.post(
        f"{server.url}/",
        json=body,
        headers={
            **COGNITO_HEADERS,
            "X-Amz-Target": "AWSCognitoIdentityProviderService.InitiateAuth",
            **(headers or {}),
        },
        timeout=30,
    )


def assert_raw_challenge(response) -> None:
    assert response.status_code == 200, response.text
    assert response.json()["ChallengeName"] == "PASSWORD_VERIFIER"


def assert_raw_throttled(response, longest_wait: int) -> int:
    """The Cognito throttle on the wire: HTTP 400 (as Cognito), `x-amzn-ErrorType`,
    `Retry-After`, and Cognito's JSON error body."""
    assert response.status_code == 400, response.text
    assert response.headers["x-amzn-errortype"] == "TooManyRequestsException:"
    body = response.json()
    assert body["__type"] == THROTTLED, body
    match = THROTTLED_RE.match(body["message"])
    assert match, body
    wait = int(match.group(1))
    assert 1 <= wait <= longest_wait, body
    assert response.headers["retry-after"] == str(wait)
    return wait


def pycognito_user(server: Instance, app: dict, username: str, **boto3_kwargs) -> Cognito:
    return Cognito(
        app["user_pool_id"],
        app["client_id"],
        user_pool_region=REGION,
        username=username,
        boto3_client_kwargs={
            "endpoint_url": server.url,
            "aws_access_key_id": "AKIDEXAMPLE",
            "aws_secret_access_key": "dummy-secret",
            **boto3_kwargs,
        },
    )


def without_wait(message: str) -> str:
    return re.sub(r"\d+", "N", message)


# --- boto3 ------------------------------------------------------------------------------------


def test_boto3_sign_ins_beyond_the_limit_are_throttled_for_known_and_unknown_names_alike(auth_return):
    server = auth_return("--rate-limit-sign-in", "3")  # a refill every 20 s
    app = create_app(server, "limits sign-in")
    idp = idp_client(server.url)  # botocore does not retry
    sent = []
    idp.meta.events.register("before-send.cognito-idp.InitiateAuth", lambda **_: sent.append(1))
    known = confirmed_user(idp, server, app, "lim-known")  # the ConfirmSignUp is 1 of the 3
    unknown = unique_email("lim-nobody")

    # 2 and 3 of 3: a challenge for the user, a simulated one for the name that is no user.
    for name in (known, unknown):
        assert srp_start(idp, app, name)["ChallengeName"] == "PASSWORD_VERIFIER"

    # Beyond the limit, counted per address before any lookup: the known and the unknown name,
    # SRP or password, even the right password, all get the same answer.
    messages = []
    for attempt in (
        lambda: srp_start(idp, app, known),
        lambda: srp_start(idp, app, unknown),
        lambda: password_auth(idp, app, known),
        lambda: password_auth(idp, app, unknown),
    ):
        with pytest.raises(idp.exceptions.TooManyRequestsException) as exc:
            attempt()
        assert_throttled(exc, 20)
        messages.append(without_wait(error_of(exc)[1]))
    assert len(set(messages)) == 1, messages
    assert len(sent) == 2 + 4, "one HTTP request per call: this client does not retry"

    # The sign-in bucket only: sign-up from the same address still works.
    sign_up(idp, app, unique_email("lim-after"))


def test_botocore_default_retries_end_in_too_many_requests_too(auth_return):
    server = auth_return("--rate-limit-sign-in", "1")  # a refill every 60 s
    app = create_app(server, "limits retries")
    # botocore's default configuration: it treats TooManyRequestsException as throttling and
    # retries it with backoff (a few seconds at most), then gives up with the same error.
    patient = boto3.client(
        "cognito-idp",
        endpoint_url=server.url,
        region_name=REGION,
        aws_access_key_id="AKIDEXAMPLE",
        aws_secret_access_key="dummy-secret",
    )
    sent = []
    patient.meta.events.register("before-send.cognito-idp.InitiateAuth", lambda **_: sent.append(1))

    name = unique_email("lim-retry")
    assert srp_start(patient, app, name)["ChallengeName"] == "PASSWORD_VERIFIER"
    assert len(sent) == 1
    sent.clear()

    with pytest.raises(patient.exceptions.TooManyRequestsException) as exc:
        srp_start(patient, app, name)
    assert_throttled(exc, 60)
    retries = exc.value.response["ResponseMetadata"]["RetryAttempts"]
    assert retries >= 1, "botocore did not retry TooManyRequestsException as throttling"
    assert len(sent) == retries + 1, (len(sent), retries)


def test_sign_up_and_code_sending_have_buckets_of_their_own(auth_return):
    server = auth_return(
        "--rate-limit-sign-up", "2", "--rate-limit-codes", "2", "--rate-limit-sign-in", "2"
    )
    app = create_app(server, "limits buckets")
    idp = idp_client(server.url)

    # Sign-up: 2 per minute.
    first, second, third = (unique_email(f"lim-signup{i}") for i in (1, 2, 3))
    sign_up(idp, app, first)
    sign_up(idp, app, second)
    with pytest.raises(idp.exceptions.TooManyRequestsException) as exc:
        sign_up(idp, app, third)
    assert_throttled(exc, 30)

    # ConfirmSignUp counts as a sign-in: not touched by the sign-ups.
    confirm(idp, app, first, code_of(wait_for_message(server.outbox, first)))

    # ForgotPassword: 2 per minute, each sending a mail; the third is refused and sends none.
    for n in (1, 2):
        answer = idp.forgot_password(ClientId=app["client_id"], Username=first)
        assert answer["CodeDeliveryDetails"]["DeliveryMedium"] == "EMAIL"
        wait_for_message(server.outbox, first, count=1 + n)  # the sign-up mail, then these
    with pytest.raises(idp.exceptions.TooManyRequestsException) as exc:
        idp.forgot_password(ClientId=app["client_id"], Username=first)
    assert_throttled(exc, 30)
    # ResendConfirmationCode shares the code bucket.
    with pytest.raises(idp.exceptions.TooManyRequestsException) as exc:
        idp.resend_confirmation_code(ClientId=app["client_id"], Username=second)
    assert_throttled(exc, 30)

    # Nothing of the refused requests was stored or sent. (Mail is written before the answer;
    # the short wait is for a mail that would be written late, which must not exist either.)
    time.sleep(0.5)
    assert len(outbox_messages(server.outbox, first)) == 3
    assert len(outbox_messages(server.outbox, second)) == 1
    assert outbox_messages(server.outbox, third) == []
    # The refused sign-up kept no user: with the right password, a user who exists but is not
    # confirmed gets UserNotConfirmedException; a name that is no user gets NotAuthorized.
    # (The second request of the sign-in bucket: not touched by sign-up and code sending.)
    with pytest.raises(ClientError) as exc:
        password_auth(idp, app, third)
    assert error_of(exc) == ("NotAuthorizedException", INCORRECT)


# --- pycognito --------------------------------------------------------------------------------


def test_pycognito_sees_the_throttle_as_a_client_error(auth_return):
    server = auth_return("--rate-limit-sign-in", "2")  # a refill every 30 s
    app = create_app(server, "limits pycognito")
    email = confirmed_user(idp_client(server.url), server, app, "lim-pyc")  # 1 of 2

    # 2 of 2: a full SRP sign-in. RespondToAuthChallenge is not counted, or it would be the third.
    u = pycognito_user(server, app, email)
    u.authenticate(password=PASSWORD)
    assert u.access_token and u.id_token

    # pycognito's own boto3 client with botocore's default retries: the throttle surfaces as
    # a ClientError (of the modelled exception class) with Cognito's code and message.
    again = pycognito_user(server, app, email)
    with pytest.raises(ClientError) as exc:
        again.authenticate(password=PASSWORD)
    assert isinstance(exc.value, again.client.exceptions.TooManyRequestsException)
    assert_throttled(exc, 30)
    assert again.access_token is None


# --- raw HTTP ---------------------------------------------------------------------------------


def test_cognito_throttle_on_the_wire_is_http_400_with_retry_after(auth_return):
    server = auth_return("--rate-limit-sign-in", "1")
    app = create_app(server, "limits wire")
    assert_raw_challenge(raw_srp_start(server, app, unique_email("lim-wire")))
    response = raw_srp_start(server, app, unique_email("lim-wire"))
    wait = assert_raw_throttled(response, 60)
    assert response.headers["content-type"].startswith("application/x-amz-json-1.1")
    assert response.headers["x-amzn-errormessage"] == response.json()["message"]
    assert response.json() == {
        "__type": THROTTLED,
        "message": f"Too many requests from this address; retry in {wait} s.",
    }


def test_key_verification_beyond_the_limit_is_429_with_retry_after(auth_return):
    server = auth_return("--rate-limit-key-verify", "5")  # a refill every 12 s
    app = create_app(server, "limits keys")
    created = run_cli(
        "keys", "create", "--app", app["app_id"], "--name", "svc", "--json",
        data_dir=server.data_dir, listen=server.listen,
    )
    key = json.loads(created)["key"]
    verify = f"{server.url}/api/keys/verify"

    # 5 of 5: the valid key, then keys that are not.
    answer = requests.post(verify, headers={"X-API-Key": key}, timeout=30)
    assert answer.status_code == 200 and answer.json()["valid"] is True, answer.text
    for presented in ("ar_" + "A" * 43, "garbage"):
        answer = requests.post(verify, headers={"X-API-Key": presented}, timeout=30)
        assert (answer.status_code, answer.json()) == (200, {"valid": False})
    for presented in ("ar_" + "B" * 43, "x"):
        answer = requests.post(verify, json={"key": presented}, timeout=30)
        assert (answer.status_code, answer.json()) == (200, {"valid": False})

    # Beyond it: 429, whether the key is valid or not and however it is presented (counted
    # before any lookup).
    for kwargs in ({"headers": {"X-API-Key": key}}, {"json": {"key": key}},
                   {"headers": {"X-API-Key": "garbage"}}):
        answer = requests.post(verify, timeout=30, **kwargs)
        assert answer.status_code == 429, answer.text
        assert answer.headers["content-type"].startswith("application/json")
        body = answer.json()
        assert set(body) == {"error", "message"}, body
        assert body["error"] == "too_many_requests"
        match = THROTTLED_RE.match(body["message"])
        assert match, body
        assert 1 <= int(match.group(1)) <= 12
        assert answer.headers["retry-after"] == match.group(1)

    # Another bucket: sign-in from the same address still works.
    assert_raw_challenge(raw_srp_start(server, app, unique_email("lim-keys")))


# --- lockout ----------------------------------------------------------------------------------


def certainly_locked(failure_started: float, checked_by: float, lock_secs: int) -> bool:
    """Whether a lock of `lock_secs` set by a failure the server recorded no earlier than
    `failure_started` must still hold at every moment up to `checked_by` (this machine's clock,
    which the server reads too, in milliseconds: the lock lasts `lock_secs` from the failure)."""
    return checked_by < failure_started + lock_secs


def sleep_until(moment: float) -> None:
    while (left := moment - time.time()) > 0:
        time.sleep(left)


def sign_in(server: Instance, app: dict, email: str, password: str) -> str:
    """A pycognito SRP sign-in: "ok", or the NotAuthorizedException message."""
    u = pycognito_user(server, app, email)
    try:
        u.authenticate(password=password)
    except ClientError as e:
        error = e.response["Error"]
        assert error["Code"] == "NotAuthorizedException", e.response
        return error["Message"]
    assert u.access_token
    return "ok"


def test_pycognito_wrong_passwords_lock_the_name(auth_return):
    server = auth_return()  # the default limits: 60 sign-ins per minute are plenty here
    app = create_app(server, "limits lockout")
    idp = idp_client(server.url)
    email = confirmed_user(idp, server, app, "lim-lock")

    for _ in range(4):
        assert sign_in(server, app, email, WRONG_PASSWORD) == INCORRECT

    # The 5th failure locks the name for 1 s from the moment the server records it: the right
    # password straight after is refused (unless this machine is so slow that a second passed:
    # then the success starts the streak over, and we try again).
    for _ in range(3):
        fifth_started = time.time()
        assert sign_in(server, app, email, WRONG_PASSWORD) == INCORRECT
        fifth_answered = time.time()
        sixth = sign_in(server, app, email, PASSWORD)  # the right password
        if sixth == EXCEEDED:
            break
        assert not certainly_locked(fifth_started, time.time(), 1), (
            f"the right password was accepted during the lock: {sixth!r}"
        )
        assert sixth == "ok"
        for _ in range(4):
            assert sign_in(server, app, email, WRONG_PASSWORD) == INCORRECT
    else:
        pytest.fail("two SRP sign-ins took over 1 s three times: cannot check the 1-s lock")

    # Once the lock is over (it began before the 5th answer came), a further failure is counted
    # (the 6th) and locks for 2 s; the 7th for 4 s: long enough to check without racing.
    sleep_until(fifth_answered + 1.05)
    sixth_started = time.time()
    assert sign_in(server, app, email, WRONG_PASSWORD) == INCORRECT
    sixth_answered = time.time()
    assert sign_in(server, app, email, PASSWORD) == EXCEEDED or not certainly_locked(
        sixth_started, time.time(), 2
    )
    sleep_until(sixth_answered + 2.05)
    seventh_started = time.time()
    assert sign_in(server, app, email, WRONG_PASSWORD) == INCORRECT
    seventh_answered = time.time()
    assert sign_in(server, app, email, PASSWORD) == EXCEEDED
    # USER_PASSWORD_AUTH (boto3) shares the lock.
    with pytest.raises(ClientError) as exc:
        password_auth(idp, app, email)
    assert error_of(exc) == ("NotAuthorizedException", EXCEEDED)
    assert certainly_locked(seventh_started, time.time(), 4), "too slow to check the 4-s lock"

    # The lock ends: the right password signs in, and that forgets the streak (four failures
    # are free again).
    sleep_until(seventh_answered + 4.05)
    assert sign_in(server, app, email, PASSWORD) == "ok"
    for _ in range(4):
        assert sign_in(server, app, email, WRONG_PASSWORD) == INCORRECT
    assert sign_in(server, app, email, PASSWORD) == "ok"


# --- trusted proxies ----------------------------------------------------------------------------


def test_behind_a_trusted_proxy_each_forwarded_client_has_its_own_bucket(auth_return):
    # The README's nginx set-up: the proxy appends to X-Forwarded-For, sets X-Forwarded-Proto,
    # and passes anything else the client sent (a `Forwarded` header, say) through.
    server = auth_return(
        "--trusted-proxies", "127.0.0.1", "--forwarded-header", "x-forwarded-for",
        "--rate-limit-sign-in", "1",
    )
    app = create_app(server, "limits proxy")
    name = unique_email("lim-proxy")

    def via_proxy(client: str, proto: str | None = "https") -> dict:
        headers = {"X-Forwarded-For": client}
        if proto:
            headers["X-Forwarded-Proto"] = proto
        return headers

    # One sign-in per minute for each client the proxy names.
    first = raw_srp_start(server, app, name, via_proxy("203.0.113.1"))
    assert_raw_challenge(first)
    assert first.headers.get("strict-transport-security") == HSTS  # the proxy said https
    assert_raw_throttled(raw_srp_start(server, app, name, via_proxy("203.0.113.1")), 60)
    assert_raw_challenge(raw_srp_start(server, app, name, via_proxy("203.0.113.2")))
    # Addresses the client wrote in front of the proxy's word change nothing.
    assert_raw_throttled(
        raw_srp_start(server, app, name, via_proxy("198.51.100.9, 203.0.113.2")), 60
    )
    # Nor does a `Forwarded` header of the client's own: it is not read at all.
    for claim in ("for=203.0.113.3;proto=https", "for=127.0.0.1", "not even parsed"):
        spoofed = {**via_proxy("203.0.113.2"), "Forwarded": claim}
        assert_raw_throttled(raw_srp_start(server, app, name, spoofed), 60)
    assert_raw_challenge(raw_srp_start(server, app, name, via_proxy("203.0.113.3")))

    # A non-loopback client over plain HTTP (the proxy does not say https) is refused before
    # anything runs, whatever the header: 403 AccessDeniedException; nothing is counted. Claiming
    # loopback and https in `Forwarded` does not help.
    for headers in (
        via_proxy("203.0.113.4", proto=None),
        via_proxy("203.0.113.4", proto="http"),
        {**via_proxy("203.0.113.4", proto="http"), "Forwarded": "for=127.0.0.1;proto=https"},
    ):
        refused = raw_srp_start(server, app, name, headers)
        assert refused.status_code == 403, (headers, refused.text)
        assert refused.headers["x-amzn-errortype"] == "AccessDeniedException:"
        assert refused.json() == {"__type": "AccessDeniedException", "message": HTTPS_REQUIRED}
    assert_raw_challenge(raw_srp_start(server, app, name, via_proxy("203.0.113.4")))
    # The REST API refuses the same way, in its own format.
    refused = requests.post(
        f"{server.url}/api/keys/verify",
        headers={"X-API-Key": "garbage", "X-Forwarded-For": "203.0.113.5"},
        timeout=30,
    )
    assert refused.status_code == 403, refused.text
    assert refused.json()["error"] == "https_required"

    # The proxy's word that cannot be read is a 400 in each protocol's shape, not the proxy's
    # own address: nothing runs, nothing is counted.
    for garbage in ("not-an-address", "203.0.113.6, 10.0.0.1:port"):
        unreadable = raw_srp_start(server, app, name, via_proxy(garbage))
        assert unreadable.status_code == 400, unreadable.text
        assert unreadable.headers["x-amzn-errortype"] == "InvalidParameterException:"
        assert unreadable.json() == {
            "__type": "InvalidParameterException",
            "message": "Invalid X-Forwarded-For header from the proxy: not an IP address.",
        }
    unreadable = requests.post(
        f"{server.url}/api/keys/verify",
        headers={"X-API-Key": "garbage", **via_proxy("203.0.113.6", proto="gopher")},
        timeout=30,
    )
    assert unreadable.status_code == 400, unreadable.text
    assert unreadable.json() == {
        "error": "invalid_request",
        "message": "Invalid X-Forwarded-Proto header from the proxy: the scheme is neither http "
        "nor https.",
    }

    # The proxy's own address (no forwarding header) is a client of its own, over plain HTTP.
    direct = raw_srp_start(server, app, name)
    assert_raw_challenge(direct)
    assert "strict-transport-security" not in direct.headers
    assert_raw_throttled(raw_srp_start(server, app, name), 60)

    # boto3 behind the same proxy: botocore's own requests with the proxy's headers added.
    idp = idp_client(server.url)

    def add_proxy_headers(request, **_):
        request.headers["X-Forwarded-For"] = "203.0.113.6"
        request.headers["X-Forwarded-Proto"] = "https"

    idp.meta.events.register("before-send.cognito-idp.*", add_proxy_headers)
    assert srp_start(idp, app, name)["ChallengeName"] == "PASSWORD_VERIFIER"
    with pytest.raises(idp.exceptions.TooManyRequestsException) as exc:
        srp_start(idp, app, name)
    assert_throttled(exc, 60)


def test_behind_a_proxy_setting_forwarded_only_that_header_is_read(auth_return):
    server = auth_return(
        "--trusted-proxies", "127.0.0.1", "--forwarded-header", "forwarded",
        "--rate-limit-sign-in", "1",
    )
    app = create_app(server, "limits rfc 7239")
    name = unique_email("lim-rfc7239")

    # RFC 7239 `Forwarded`, with the scheme in the element.
    forwarded = {"Forwarded": "for=203.0.113.3;proto=https"}
    first = raw_srp_start(server, app, name, forwarded)
    assert_raw_challenge(first)
    assert first.headers.get("strict-transport-security") == HSTS
    assert_raw_throttled(raw_srp_start(server, app, name, forwarded), 60)
    # X-Forwarded-For and -Proto are not read: the same client, the same bucket.
    spoofed = {**forwarded, "X-Forwarded-For": "198.51.100.1", "X-Forwarded-Proto": "https"}
    assert_raw_throttled(raw_srp_start(server, app, name, spoofed), 60)
    # IPv6 per /64, as RFC 7239 writes it.
    v6 = {"Forwarded": 'for="[2001:db8:1:2::1]:4711";proto=https'}
    assert_raw_challenge(raw_srp_start(server, app, name, v6))
    v6_neighbour = {"Forwarded": 'for="[2001:db8:1:2::ffff]";proto=https'}
    assert_raw_throttled(raw_srp_start(server, app, name, v6_neighbour), 60)
    # Plain HTTP from afar is refused; the proxy's garbage is a 400.
    refused = raw_srp_start(server, app, name, {"Forwarded": "for=203.0.113.4;proto=http"})
    assert refused.status_code == 403, refused.text
    unreadable = raw_srp_start(server, app, name, {"Forwarded": 'for="203.0.113.4'})
    assert unreadable.status_code == 400, unreadable.text
    assert unreadable.json() == {
        "__type": "InvalidParameterException",
        "message": "Invalid Forwarded header from the proxy: a quoted string is not closed.",
    }

    # boto3 behind that proxy.
    idp = idp_client(server.url)

    def add_proxy_headers(request, **_):
        request.headers["Forwarded"] = "for=203.0.113.7;proto=https"

    idp.meta.events.register("before-send.cognito-idp.*", add_proxy_headers)
    assert srp_start(idp, app, name)["ChallengeName"] == "PASSWORD_VERIFIER"
    with pytest.raises(idp.exceptions.TooManyRequestsException) as exc:
        srp_start(idp, app, name)
    assert_throttled(exc, 60)


def test_without_trusted_proxies_a_spoofed_forwarded_for_is_ignored(auth_return):
    server = auth_return("--rate-limit-sign-in", "1")
    app = create_app(server, "limits spoof")
    name = unique_email("lim-spoof")
    first = raw_srp_start(
        server, app, name, {"X-Forwarded-For": "203.0.113.1", "X-Forwarded-Proto": "https"}
    )
    assert_raw_challenge(first)
    # The claimed https is ignored as well: no HSTS over plain HTTP.
    assert "strict-transport-security" not in first.headers
    # Other claimed addresses buy no fresh bucket: the socket's address (loopback) counts, so
    # these are neither refused as plain HTTP from afar nor counted apart.
    for headers in (
        {"X-Forwarded-For": "203.0.113.2", "X-Forwarded-Proto": "https"},
        {"X-Forwarded-For": "203.0.113.3"},
        {"Forwarded": "for=203.0.113.4;proto=https"},
        {},
    ):
        assert_raw_throttled(raw_srp_start(server, app, name, headers), 60)
