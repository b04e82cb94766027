"""Multi-factor sign-in with an authenticator app (TOTP), driven by the real clients: pycognito
(associate_software_token, verify_software_token, set_user_mfa_preference, SRP sign-in raising
SoftwareTokenMFAChallengeException, respond_to_software_token_mfa_challenge) and boto3
(USER_PASSWORD_AUTH, SOFTWARE_TOKEN_MFA and MFA_SETUP through RespondToAuthChallenge,
AssociateSoftwareToken and VerifySoftwareToken with a Session), the codes computed by pyotp as a
phone's authenticator app would. The developer's side: the app's MFA mode (PATCH /api/apps/{id},
SetUserPoolMfaConfig / GetUserPoolMfaConfig) and AdminSetUserMFAPreference for a lost phone.

Codes by email (EMAIL_OTP) where the app offers them, and SELECT_MFA_TYPE for a user with both
factors and no preference, with boto3 (and pycognito's SRP arithmetic), on a server of their own
that delivers its mail over real SMTP to an aiosmtpd server on loopback.

Every test has an app of its own (the MFA mode is per app) owned by the module's developer, and
users of its own.

Codes are single use: the server keeps the last accepted 30-second step per user and refuses
that step and earlier ones, and accepts one step of clock skew either way. A test that needs
several codes takes them from consecutive steps around one moment (`Phone`), previous step
first, instead of sleeping for the next step.
"""

from __future__ import annotations

import base64
import email
import email.policy
import json
import threading
import time
import uuid
from dataclasses import dataclass, field

import jwt
import pyotp
import pytest
import requests
from aiosmtpd.controller import Controller
from botocore.exceptions import ClientError
from pycognito import Cognito
from pycognito.aws_srp import AWSSRP
from pycognito.exceptions import SoftwareTokenMFAChallengeException

from support import (  # noqa: F401  (auth_return is a fixture)
    CODE_RE,
    PASSWORD,
    REGION,
    admin_call,
    auth_return,
    capture_raw_responses,
    cognito_call,
    confirm,
    console_app,
    create_owned_app,
    developer_token,
    error_of,
    free_port,
    make_idp_client,
    password_auth,
    secret_hash,
    sign_up,
    unique_email,
    wrong_code,
)

STEP = 30
CODE_MISMATCH = ("CodeMismatchException", "Invalid code or auth state for the user.")
ENABLE_FAILED = (
    "EnableSoftwareTokenMFAException",
    "Code mismatch and fail enable Software Token MFA",
)
SESSION_EXPIRED = ("NotAuthorizedException", "Invalid session for the user, session is expired.")
CAN_SETUP = '["SOFTWARE_TOKEN_MFA"]'


# --- helpers --------------------------------------------------------------------------------------


class Phone:
    """An authenticator app holding `secret`. Its codes are those of consecutive time steps
    around one moment chosen at least `margin` seconds before a step ends, so `code(-1)` (the
    previous step, still accepted as skew) is good for `margin` seconds and `code(0)` and
    `code(1)` for at least a minute."""

    def __init__(self, secret: str, margin: float = 8.0):
        self.totp = pyotp.TOTP(secret)  # RFC 6238 defaults: SHA-1, 6 digits, 30 s
        left = STEP - time.time() % STEP
        if left < margin:
            time.sleep(left + 0.25)
        self.moment = time.time()

    def code(self, step: int = 0) -> str:
        return self.totp.at(self.moment + step * STEP)


def other_code(*codes: str) -> str:
    """A 6-digit code that is none of `codes` (a wrong code for sure)."""
    candidate = int(codes[0])
    while f"{candidate:06d}" in codes:
        candidate = (candidate + 1) % 1_000_000
    return f"{candidate:06d}"


def assert_secret(secret: str) -> None:
    """A 160-bit secret in base32, as authenticator apps read it."""
    assert isinstance(secret, str) and len(secret) == 32, secret
    assert len(base64.b32decode(secret)) == 20
    uri = pyotp.TOTP(secret).provisioning_uri(name="user@example.com", issuer_name="Auth Return")
    assert uri.startswith("otpauth://totp/") and f"secret={secret}" in uri


def cognito(base_url: str, app: dict, username: str | None = None, **kwargs) -> Cognito:
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


def bearer_idp(base_url: str, token: str):
    """A boto3 cognito-idp client for the developer's operations: Auth Return authorizes them
    with the console access token as `Authorization: Bearer` (not SigV4), so it replaces the
    signature boto3 computed just before sending."""
    client = make_idp_client(base_url)

    def bearer(request, **_):
        request.headers["Authorization"] = f"Bearer {token}"

    client.meta.events.register("before-send.cognito-idp", bearer)
    return client


def set_mode(
    base_url: str, token: str, app: dict, mode: str, email_otp: bool | None = None
) -> None:
    """PATCH the app's `mfa` settings: the mode, and whether it offers codes by email (only
    when given: an absent member stays as it is, and no app here offered them before)."""
    mfa = {"mode": mode} if email_otp is None else {"mode": mode, "email_otp": email_otp}
    response = requests.patch(
        f"{base_url}/api/apps/{app['app_id']}",
        json={"mfa": mfa},
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    )
    assert response.status_code == 200, response.text
    assert response.json()["mfa"] == {"mode": mode, "email_otp": bool(email_otp)}


@pytest.fixture(scope="module")
def developer(base_url, idp, outbox_path) -> str:
    """The console access token of a developer who owns this module's apps."""
    return developer_token(base_url, idp, outbox_path)


@pytest.fixture
def mfa_app(base_url, developer):
    """Factory: a fresh app of the developer's, with its MFA mode set over REST (unless None)."""

    def make(mode: str | None, client_secret: bool = False) -> dict:
        app = create_owned_app(base_url, developer, f"e2e mfa {mode}", client_secret=client_secret)
        if mode is not None:
            set_mode(base_url, developer, app, mode)
        return app

    return make


def mfa_code_answer(idp, app: dict, challenge: dict, username: str, code: str) -> dict:
    responses = {"USERNAME": username, "SOFTWARE_TOKEN_MFA_CODE": code}
    if app.get("client_secret"):
        responses["SECRET_HASH"] = secret_hash(username, app["client_id"], app["client_secret"])
    return idp.respond_to_auth_challenge(
        ClientId=app["client_id"],
        ChallengeName="SOFTWARE_TOKEN_MFA",
        Session=challenge["Session"],
        ChallengeResponses=responses,
    )


def assert_refused(call, expected: tuple[str, str]) -> None:
    with pytest.raises(ClientError) as exc:
        call()
    assert error_of(exc) == expected


def assert_code_challenge(answer: dict, sub: str) -> None:
    """The password step's answer for a user with an authenticator app: a challenge, no tokens."""
    assert answer.get("ChallengeName") == "SOFTWARE_TOKEN_MFA", answer
    assert "AuthenticationResult" not in answer
    assert isinstance(answer.get("Session"), str) and answer["Session"]
    assert answer["ChallengeParameters"]["USER_ID_FOR_SRP"] == sub


def mfa_of(user: dict) -> tuple[list | None, str | None]:
    """(UserMFASettingList, PreferredMfaSetting) of a GetUser / AdminGetUser answer."""
    return user.get("UserMFASettingList"), user.get("PreferredMfaSetting")


# --- OPTIONAL: set up signed in, asked at sign-in (pycognito) -------------------------------------


def test_optional_mfa_enrols_with_pycognito_and_asks_for_the_code_at_sign_in(
    base_url, idp, new_user, mfa_app
):
    app = mfa_app("OPTIONAL")
    email, password, sub = new_user(app, tag="mfa-opt")

    user = cognito(base_url, app, username=email)
    user.authenticate(password=password)  # no app yet: the password alone signs in
    assert user.access_token
    assert mfa_of(idp.get_user(AccessToken=user.access_token)) == (None, None)

    secret = user.associate_software_token()
    assert_secret(secret)
    phone = Phone(secret)

    # A wrong first code is refused and turns nothing on.
    wrong = other_code(phone.code(-1), phone.code(0), phone.code(1))
    assert_refused(lambda: user.verify_software_token(wrong), ENABLE_FAILED)
    assert mfa_of(idp.get_user(AccessToken=user.access_token)) == (None, None)
    cognito(base_url, app, username=email).authenticate(password=password)  # still no challenge

    # The app's current code turns it on, preferred.
    assert user.verify_software_token(phone.code(0)) is True
    assert mfa_of(idp.get_user(AccessToken=user.access_token)) == (
        ["SOFTWARE_TOKEN_MFA"],
        "SOFTWARE_TOKEN_MFA",
    )

    # From now on the SRP sign-in stops at the code.
    later = cognito(base_url, app, username=email)
    with pytest.raises(SoftwareTokenMFAChallengeException) as challenge:
        later.authenticate(password=password)
    assert later.access_token is None and later.id_token is None and later.refresh_token is None
    assert_code_challenge(challenge.value.get_tokens(), sub)
    assert later.mfa_tokens["Session"] == challenge.value.get_tokens()["Session"]

    # The code that verified the app is spent; the next step's code signs in.
    with pytest.raises(ClientError) as replayed:
        later.respond_to_software_token_mfa_challenge(phone.code(0))
    assert error_of(replayed) == CODE_MISMATCH
    assert later.access_token is None
    later.respond_to_software_token_mfa_challenge(phone.code(1))
    assert later.access_token and later.id_token and later.refresh_token
    assert later.access_claims["sub"] == sub and later.access_claims["token_use"] == "access"
    assert later.id_claims["email"] == email and later.id_claims["aud"] == app["client_id"]
    assert later.get_user().sub == sub  # the tokens work


# --- wrong and replayed codes (boto3, a client with a secret) -------------------------------------


def test_wrong_and_replayed_codes_are_refused_and_issue_nothing(
    base_url, new_user, mfa_app
):
    app = mfa_app("OPTIONAL", client_secret=True)
    email, password, sub = new_user(app, tag="mfa-replay")
    idp = make_idp_client(base_url)
    raw = capture_raw_responses(idp)

    access = password_auth(idp, app, email, password)["AuthenticationResult"]["AccessToken"]
    associated = idp.associate_software_token(AccessToken=access)
    assert "Session" not in associated
    phone = Phone(associated["SecretCode"])
    # The previous step's code (a phone a little behind) is accepted; it is the last one spent.
    verified = idp.verify_software_token(AccessToken=access, UserCode=phone.code(-1))
    assert verified["Status"] == "SUCCESS"
    wrong = other_code(phone.code(-1), phone.code(0), phone.code(1))

    first = password_auth(idp, app, email, password)
    assert_code_challenge(first, sub)
    refusals = len(raw)
    for code in (wrong, phone.code(-1), "12345"):  # wrong, replayed (the verifying code), malformed
        assert_refused(lambda: mfa_code_answer(idp, app, first, email, code), CODE_MISMATCH)
    # Nothing was issued by a refused answer: the raw bodies carry the error only.
    for seen in raw[refusals:]:
        assert seen["operation"] == "RespondToAuthChallenge"
        assert set(seen["body"]) <= {"__type", "message", "Message"}, seen["body"]
        assert "Token" not in json.dumps(seen["body"])

    # A wrong code leaves the Session usable: the right one signs in with it.
    signed_in = mfa_code_answer(idp, app, first, email, phone.code(0))
    result = signed_in["AuthenticationResult"]
    assert result["AccessToken"] and result["IdToken"] and result["RefreshToken"]
    assert idp.get_user(AccessToken=result["AccessToken"])["Username"] == sub

    # That code is spent for every Session: a fresh sign-in cannot use it.
    second = password_auth(idp, app, email, password)
    assert_code_challenge(second, sub)
    assert second["Session"] != first["Session"]
    assert_refused(lambda: mfa_code_answer(idp, app, second, email, phone.code(0)), CODE_MISMATCH)
    # A Session signs in once: the spent one is refused even with a fresh code. (Kept last
    # with that code: the server spends a right code before it finds the Session spent.)
    assert_refused(lambda: mfa_code_answer(idp, app, first, email, phone.code(1)), SESSION_EXPIRED)
    # The password step's Session is no answer to another user's name either.
    assert_refused(
        lambda: mfa_code_answer(idp, app, second, "someone-else@example.com", wrong),
        SESSION_EXPIRED,
    )


# --- SetUserMFAPreference: off and on again (pycognito) -------------------------------------------


def test_set_user_mfa_preference_turns_the_app_off_and_on(base_url, idp, new_user, mfa_app):
    app = mfa_app("OPTIONAL")
    email, password, sub = new_user(app, tag="mfa-pref")
    user = cognito(base_url, app, username=email)
    user.authenticate(password=password)
    phone = Phone(user.associate_software_token())
    assert user.verify_software_token(phone.code(0), device_name="e2e phone")
    with pytest.raises(SoftwareTokenMFAChallengeException):
        cognito(base_url, app, username=email).authenticate(password=password)

    # Off (pycognito also sends SMSMfaSettings disabled, which the user never had): the
    # password alone signs in again, through SRP and USER_PASSWORD_AUTH.
    user.set_user_mfa_preference(sms_mfa=False, software_token_mfa=False)
    assert mfa_of(idp.get_user(AccessToken=user.access_token)) == (None, None)
    plain = cognito(base_url, app, username=email)
    plain.authenticate(password=password)
    assert plain.access_claims["sub"] == sub
    answer = password_auth(idp, app, email, password)
    assert "ChallengeName" not in answer and answer["AuthenticationResult"]["AccessToken"]

    # On again, preferred: the same phone's codes are asked for.
    user.set_user_mfa_preference(sms_mfa=False, software_token_mfa=True, preferred="SOFTWARE_TOKEN")
    assert mfa_of(idp.get_user(AccessToken=user.access_token)) == (
        ["SOFTWARE_TOKEN_MFA"],
        "SOFTWARE_TOKEN_MFA",
    )
    again = cognito(base_url, app, username=email)
    with pytest.raises(SoftwareTokenMFAChallengeException) as challenge:
        again.authenticate(password=password)
    assert_code_challenge(challenge.value.get_tokens(), sub)
    again.respond_to_software_token_mfa_challenge(phone.code(1))
    assert again.access_claims["sub"] == sub


# --- ON: MFA_SETUP in the middle of the sign-in (boto3) ----------------------------------------


def test_mfa_on_has_a_user_set_up_an_app_at_sign_in_with_boto3(
    base_url, idp, new_user, mfa_app, developer
):
    app = mfa_app(None)
    config = admin_call(
        base_url, developer, "SetUserPoolMfaConfig",
        {"UserPoolId": app["user_pool_id"], "MfaConfiguration": "ON"},
    )
    assert config == {"MfaConfiguration": "ON", "SoftwareTokenMfaConfiguration": {"Enabled": True}}
    email, password, sub = new_user(app, tag="mfa-on")

    def finish(session: str, username: str = email) -> dict:
        return idp.respond_to_auth_challenge(
            ClientId=app["client_id"],
            ChallengeName="MFA_SETUP",
            Session=session,
            ChallengeResponses={"USERNAME": username},
        )

    setup = password_auth(idp, app, email, password)
    assert setup["ChallengeName"] == "MFA_SETUP"
    assert "AuthenticationResult" not in setup
    assert setup["ChallengeParameters"]["MFAS_CAN_SETUP"] == CAN_SETUP
    assert setup["ChallengeParameters"]["USER_ID_FOR_SRP"] == sub
    # No tokens before an app is verified.
    assert_refused(lambda: finish(setup["Session"]), SESSION_EXPIRED)

    associated = idp.associate_software_token(Session=setup["Session"])
    assert_secret(associated["SecretCode"])
    assert associated["Session"] and associated["Session"] != setup["Session"]
    phone = Phone(associated["SecretCode"])
    wrong = other_code(phone.code(-1), phone.code(0), phone.code(1))
    assert_refused(
        lambda: idp.verify_software_token(Session=associated["Session"], UserCode=wrong),
        ENABLE_FAILED,
    )
    verified = idp.verify_software_token(Session=associated["Session"], UserCode=phone.code(0))
    assert verified["Status"] == "SUCCESS"
    assert verified["Session"] and verified["Session"] != associated["Session"]

    # Only the verified Session finishes the sign-in, once.
    assert_refused(lambda: finish(associated["Session"]), SESSION_EXPIRED)
    signed_in = finish(verified["Session"])
    result = signed_in["AuthenticationResult"]
    assert result["AccessToken"] and result["IdToken"] and result["RefreshToken"]
    assert_refused(lambda: finish(verified["Session"]), SESSION_EXPIRED)
    assert mfa_of(idp.get_user(AccessToken=result["AccessToken"])) == (
        ["SOFTWARE_TOKEN_MFA"],
        "SOFTWARE_TOKEN_MFA",
    )

    # The next sign-in asks for the new app's code (not the one spent verifying it).
    challenge = password_auth(idp, app, email, password)
    assert_code_challenge(challenge, sub)
    assert_refused(
        lambda: mfa_code_answer(idp, app, challenge, email, phone.code(0)), CODE_MISMATCH
    )
    tokens = mfa_code_answer(idp, app, challenge, email, phone.code(1))["AuthenticationResult"]
    assert idp.get_user(AccessToken=tokens["AccessToken"])["Username"] == sub


# --- AdminSetUserMFAPreference: a lost phone ------------------------------------------------------


def test_admin_set_user_mfa_preference_resets_a_users_app(
    base_url, idp, outbox_path, new_user, mfa_app, developer
):
    app = mfa_app("OPTIONAL")
    pool = app["user_pool_id"]
    email, password, sub = new_user(app, tag="mfa-lost")
    access = password_auth(idp, app, email, password)["AuthenticationResult"]["AccessToken"]
    lost = Phone(idp.associate_software_token(AccessToken=access)["SecretCode"])
    verified = idp.verify_software_token(AccessToken=access, UserCode=lost.code(0))
    assert verified["Status"] == "SUCCESS"

    seen = admin_call(base_url, developer, "AdminGetUser", {"UserPoolId": pool, "Username": email})
    assert seen["Username"] == sub
    assert mfa_of(seen) == (["SOFTWARE_TOKEN_MFA"], "SOFTWARE_TOKEN_MFA")

    reset = {"UserPoolId": pool, "Username": email, "SoftwareTokenMfaSettings": {"Enabled": False}}
    # Another developer cannot touch this app's users, and changes nothing.
    stranger = developer_token(base_url, idp, outbox_path)
    status, refused = cognito_call(base_url, "AdminSetUserMFAPreference", reset, stranger)
    assert status == 400, refused
    assert refused.get("__type"), refused
    assert_code_challenge(password_auth(idp, app, email, password), sub)

    # The owner turns it off: the user signs in with the password alone.
    assert admin_call(base_url, developer, "AdminSetUserMFAPreference", reset) == {}
    seen = admin_call(base_url, developer, "AdminGetUser", {"UserPoolId": pool, "Username": email})
    assert mfa_of(seen) == (None, None)
    assert mfa_of(idp.get_user(AccessToken=access)) == (None, None)
    answer = password_auth(idp, app, email, password)
    assert "ChallengeName" not in answer and answer["AuthenticationResult"]["AccessToken"]

    # Where MFA is required, the user sets up a new phone in their next sign-in; the lost
    # phone's codes are worth nothing there.
    set_mode(base_url, developer, app, "ON")
    setup = password_auth(idp, app, email, password)
    assert setup["ChallengeName"] == "MFA_SETUP"
    assert setup["ChallengeParameters"]["MFAS_CAN_SETUP"] == CAN_SETUP
    associated = idp.associate_software_token(Session=setup["Session"])
    assert associated["SecretCode"] != lost.totp.secret
    phone = Phone(associated["SecretCode"])
    if lost.code(1) not in (phone.code(0), phone.code(1), phone.code(2)):
        assert_refused(
            lambda: idp.verify_software_token(Session=associated["Session"], UserCode=lost.code(1)),
            ENABLE_FAILED,
        )
    verified = idp.verify_software_token(Session=associated["Session"], UserCode=phone.code(1))
    assert verified["Status"] == "SUCCESS"
    result = idp.respond_to_auth_challenge(
        ClientId=app["client_id"],
        ChallengeName="MFA_SETUP",
        Session=verified["Session"],
        ChallengeResponses={"USERNAME": email},
    )["AuthenticationResult"]
    assert mfa_of(idp.get_user(AccessToken=result["AccessToken"])) == (
        ["SOFTWARE_TOKEN_MFA"],
        "SOFTWARE_TOKEN_MFA",
    )


# --- SetUserPoolMfaConfig / GetUserPoolMfaConfig ------------------------------------------------


def config_of(mode: str) -> dict:
    return {"MfaConfiguration": mode, "SoftwareTokenMfaConfiguration": {"Enabled": mode != "OFF"}}


def test_user_pool_mfa_config_round_trip(base_url, idp, outbox_path, new_user, mfa_app, developer):
    app = mfa_app(None)
    pool = app["user_pool_id"]
    email, password, _ = new_user(app, tag="mfa-config")

    def get() -> dict:
        return admin_call(base_url, developer, "GetUserPoolMfaConfig", {"UserPoolId": pool})

    def mode_over_rest() -> str:
        response = requests.get(
            f"{base_url}/api/apps/{app['app_id']}",
            headers={"Authorization": f"Bearer {developer}"},
            timeout=10,
        )
        assert response.status_code == 200, response.text
        return response.json()["mfa"]["mode"]

    assert get() == config_of("OFF")
    assert mode_over_rest() == "OFF"
    for change, mode in [
        ({"MfaConfiguration": "OPTIONAL"}, "OPTIONAL"),
        ({}, "OPTIONAL"),  # absent members stay
        ({"MfaConfiguration": "ON", "SoftwareTokenMfaConfiguration": {"Enabled": True}}, "ON"),
    ]:
        answer = admin_call(
            base_url, developer, "SetUserPoolMfaConfig", {"UserPoolId": pool, **change}
        )
        assert answer == config_of(mode), change
        assert get() == config_of(mode)
        assert mode_over_rest() == mode
    # It is what sign-in follows.
    assert password_auth(idp, app, email, password)["ChallengeName"] == "MFA_SETUP"

    # Refused, changing nothing: a mode that asks without the factor, the factor with MFA off,
    # an unknown mode, and another developer.
    for change, message in [
        (
            {"MfaConfiguration": "OPTIONAL", "SoftwareTokenMfaConfiguration": {"Enabled": False}},
            "Invalid MFA configuration given, can't disable all MFAs with a required or optional "
            "configuration.",
        ),
        (
            {"MfaConfiguration": "OFF", "SoftwareTokenMfaConfiguration": {"Enabled": True}},
            "Invalid MFA configuration given, can't turn off MFA and configure an MFA together.",
        ),
        (
            {"MfaConfiguration": "SOMETIMES"},
            "1 validation error detected: Value at 'mfaConfiguration' failed to satisfy "
            "constraint: Member must satisfy enum value set: [OFF, ON, OPTIONAL]",
        ),
    ]:
        status, body = cognito_call(
            base_url, "SetUserPoolMfaConfig", {"UserPoolId": pool, **change}, developer
        )
        assert (status, body.get("__type"), body.get("message")) == (
            400, "InvalidParameterException", message,
        ), body
    stranger = developer_token(base_url, idp, outbox_path)
    for operation in ("GetUserPoolMfaConfig", "SetUserPoolMfaConfig"):
        status, body = cognito_call(
            base_url, operation, {"UserPoolId": pool, "MfaConfiguration": "OFF"}, stranger
        )
        assert status == 400 and body.get("__type"), body
        assert "MfaConfiguration" not in body
    assert get() == config_of("ON")

    # boto3 parses both answers with its own model (the bearer token in place of SigV4).
    admin = bearer_idp(base_url, developer)
    answer = admin.set_user_pool_mfa_config(
        UserPoolId=pool,
        MfaConfiguration="OPTIONAL",
        SoftwareTokenMfaConfiguration={"Enabled": True},
    )
    assert answer["MfaConfiguration"] == "OPTIONAL"
    assert answer["SoftwareTokenMfaConfiguration"] == {"Enabled": True}
    got = admin.get_user_pool_mfa_config(UserPoolId=pool)
    assert got["MfaConfiguration"] == "OPTIONAL"
    assert got["SoftwareTokenMfaConfiguration"] == {"Enabled": True}
    with pytest.raises(ClientError) as exc:
        admin.set_user_pool_mfa_config(
            UserPoolId=pool,
            MfaConfiguration="ON",
            SoftwareTokenMfaConfiguration={"Enabled": False},
        )
    assert error_of(exc)[0] == "InvalidParameterException"
    off = admin.set_user_pool_mfa_config(UserPoolId=pool, MfaConfiguration="OFF")
    assert off["MfaConfiguration"] == "OFF"
    assert off["SoftwareTokenMfaConfiguration"] == {"Enabled": False}
    assert mode_over_rest() == "OFF"
    # OFF: the password alone signs in, and no one can set up an app.
    tokens = password_auth(idp, app, email, password)["AuthenticationResult"]
    assert_refused(
        lambda: idp.associate_software_token(AccessToken=tokens["AccessToken"]),
        ("InvalidParameterException", "MFA is not enabled for this user pool."),
    )


# --- codes by email (EMAIL_OTP) and SELECT_MFA_TYPE, the mail over real SMTP ---------------------
# These tests run a server of their own that delivers its mail with --smtp-url to an aiosmtpd
# server on loopback (as a deployment would), and read every code (the developer's and the
# users' sign-up codes, and the sign-in codes) from the mail that server caught.

EMAIL_NOT_OFFERED = ("InvalidParameterException", "Email MFA is not available in this user pool.")
NOT_A_CHOICE = ("InvalidParameterException", "ANSWER must be one of the MFAS_CAN_CHOOSE factors.")
CAN_CHOOSE = '["SOFTWARE_TOKEN_MFA","EMAIL_OTP"]'
# The shared server's raised limits (run.sh): these tests mail many codes within a minute.
RAISED_LIMITS = (
    "--rate-limit-sign-in", "100000", "--rate-limit-sign-up", "100000",
    "--rate-limit-codes", "100000",
)


@dataclass
class Mailbox:
    """An aiosmtpd handler that keeps every message it accepts, by recipient."""

    caught: list = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.caught.append((list(envelope.rcpt_tos), message))
        return "250 2.0.0 Message accepted"

    def to(self, address: str) -> list:
        with self.lock:
            return [message for rcpt, message in self.caught if address in rcpt]

    def wait_for(self, address: str, count: int, timeout: float = 10.0):
        """The `count`-th message (1-based) to `address`; waits for it to arrive."""
        deadline = time.monotonic() + timeout
        while True:
            found = self.to(address)
            if len(found) >= count:
                return found[count - 1]
            if time.monotonic() > deadline:
                raise AssertionError(f"no mail #{count} to {address} (found {len(found)})")
            time.sleep(0.05)


def mailed_code(message, to: str) -> str:
    """The 6-digit code of a mail to `to`: the same in the text and the HTML part."""
    assert message["To"].addresses[0].addr_spec == to, message["To"]
    codes = []
    for subtype in ("plain", "html"):
        parts = [p for p in message.walk() if p.get_content_type() == f"text/{subtype}"]
        assert len(parts) == 1, f"expected one text/{subtype} part: {message}"
        match = CODE_RE.search(parts[0].get_content())
        assert match, f"no 6-digit code in the text/{subtype} part: {parts[0].get_content()!r}"
        codes.append(match.group(1))
    assert codes[0] == codes[1], codes
    return codes[0]


@dataclass
class MailServer:
    url: str
    idp: object
    mailbox: Mailbox
    developer: str  # the console access token of the developer who owns the apps

    def new_app(self, name: str) -> dict:
        app = create_owned_app(self.url, self.developer, name)
        app.setdefault("name", name)
        return app

    def new_user(self, app: dict, local: str) -> tuple[str, str]:
        """Signs up and confirms `<local>-<random>@example.com` (the code read from its mail);
        returns (email, sub)."""
        address = f"{local}-{uuid.uuid4().hex[:12]}@example.com"
        sub = sign_up(self.idp, app, address)["UserSub"]
        confirm(self.idp, app, address, mailed_code(self.mailbox.wait_for(address, 1), address))
        return address, sub

    def sign_in_code(self, app: dict, address: str, count: int) -> str:
        """The code of the sign-in mail that is the `count`-th mail to `address`, checked to
        be that and the last one."""
        message = self.mailbox.wait_for(address, count)
        assert message["Subject"] == f"Your {app['name']} sign-in code", message["Subject"]
        code = mailed_code(message, address)
        assert f"Your sign-in code for {app['name']} is {code}" in message.get_body(
            ("plain",)
        ).get_content()
        assert len(self.mailbox.to(address)) == count, "more mail than the one code"
        return code


@pytest.fixture
def mail_server(auth_return):
    """A dedicated server delivering its mail over SMTP to an aiosmtpd server on loopback, and
    a developer of it (signed up with the code mailed there)."""
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port(), ready_timeout=10)
    controller.start()
    try:
        server = auth_return(
            "--smtp-url", f"smtp://127.0.0.1:{controller.port}?tls=none", *RAISED_LIMITS
        )
        idp = make_idp_client(server.url)
        console = console_app(server.url)
        address = unique_email("dev")
        sign_up(idp, console, address)
        confirm(idp, console, address, mailed_code(mailbox.wait_for(address, 1), address))
        developer = AWSSRP(
            username=address,
            password=PASSWORD,
            pool_id=console["user_pool_id"],
            client_id=console["client_id"],
            client=idp,
        ).authenticate_user()["AuthenticationResult"]["AccessToken"]
        yield MailServer(server.url, idp, mailbox, developer)
        # Every mail went over SMTP: nothing to the development outbox.
        assert not server.outbox.exists()
    finally:
        controller.stop()


def email_code_answer(idp, app: dict, challenge: dict, username: str, code: str) -> dict:
    return idp.respond_to_auth_challenge(
        ClientId=app["client_id"],
        ChallengeName="EMAIL_OTP",
        Session=challenge["Session"],
        ChallengeResponses={"USERNAME": username, "EMAIL_OTP_CODE": code},
    )


def select_answer(idp, app: dict, challenge: dict, username: str, factor: str) -> dict:
    return idp.respond_to_auth_challenge(
        ClientId=app["client_id"],
        ChallengeName="SELECT_MFA_TYPE",
        Session=challenge["Session"],
        ChallengeResponses={"USERNAME": username, "ANSWER": factor},
    )


def assert_email_challenge(answer: dict, address: str, sub: str) -> None:
    """A sign-in step that mailed a code: `EMAIL_OTP` with the masked address, no tokens."""
    local, domain = address.split("@")
    assert answer.get("ChallengeName") == "EMAIL_OTP", answer
    assert "AuthenticationResult" not in answer
    assert isinstance(answer.get("Session"), str) and answer["Session"]
    params = answer["ChallengeParameters"]
    assert params["CODE_DELIVERY_DELIVERY_MEDIUM"] == "EMAIL"
    assert params["CODE_DELIVERY_DESTINATION"] == f"{local[0]}***@{domain[0]}***"
    assert address not in json.dumps(params)
    assert params["USER_ID_FOR_SRP"] == sub


def assert_signed_in(idp, answer: dict, sub: str) -> dict:
    """The answer carries working tokens of `sub`; returns them."""
    assert "ChallengeName" not in answer, answer
    result = answer["AuthenticationResult"]
    assert result["AccessToken"] and result["IdToken"] and result["RefreshToken"]
    assert idp.get_user(AccessToken=result["AccessToken"])["Username"] == sub
    return result


def srp_sign_in(idp, app: dict, username: str, password: str = PASSWORD) -> dict:
    """USER_SRP_AUTH with pycognito's SRP arithmetic, each step sent by boto3; returns the
    answer to the PASSWORD_VERIFIER step."""
    srp = AWSSRP(
        username=username,
        password=password,
        pool_id=app["user_pool_id"],
        client_id=app["client_id"],
        client=idp,
    )
    auth_params = srp.get_auth_params()
    first = idp.initiate_auth(
        ClientId=app["client_id"], AuthFlow="USER_SRP_AUTH", AuthParameters=auth_params
    )
    assert first["ChallengeName"] == "PASSWORD_VERIFIER", first
    return idp.respond_to_auth_challenge(
        ClientId=app["client_id"],
        ChallengeName="PASSWORD_VERIFIER",
        ChallengeResponses=srp.process_challenge(first["ChallengeParameters"], auth_params),
    )


def test_codes_by_email_are_mailed_over_smtp_and_answer_the_email_otp_challenge(mail_server):
    ms = mail_server
    idp = ms.idp
    raw = capture_raw_responses(idp)
    app = ms.new_app("E2E Mail Codes")
    set_mode(ms.url, ms.developer, app, "OPTIONAL")
    address, sub = ms.new_user(app, "jo")
    access = password_auth(idp, app, address)["AuthenticationResult"]["AccessToken"]
    email_on = {"Enabled": True, "PreferredMfa": True}

    # Not offered by the app yet: refused, nothing turned on, the password alone signs in.
    assert_refused(
        lambda: idp.set_user_mfa_preference(AccessToken=access, EmailMfaSettings=email_on),
        EMAIL_NOT_OFFERED,
    )
    assert mfa_of(idp.get_user(AccessToken=access)) == (None, None)
    assert_signed_in(idp, password_auth(idp, app, address), sub)

    # The app offers them (PATCH with the developer's token); the user turns them on, preferred.
    set_mode(ms.url, ms.developer, app, "OPTIONAL", email_otp=True)
    idp.set_user_mfa_preference(AccessToken=access, EmailMfaSettings=email_on)
    assert raw[-1]["operation"] == "SetUserMFAPreference" and raw[-1]["body"] == {}
    assert mfa_of(idp.get_user(AccessToken=access)) == (["EMAIL_OTP"], "EMAIL_OTP")
    assert len(ms.mailbox.to(address)) == 1  # only the sign-up code so far

    # USER_PASSWORD_AUTH stops at EMAIL_OTP, and one mail brings the code.
    first = password_auth(idp, app, address)
    assert_email_challenge(first, address, sub)
    code = ms.sign_in_code(app, address, 2)

    # A wrong code is refused, issues nothing and mails nothing; the Session stays usable.
    refusals = len(raw)
    assert_refused(
        lambda: email_code_answer(idp, app, first, address, wrong_code(code)), CODE_MISMATCH
    )
    for seen in raw[refusals:]:
        assert seen["operation"] == "RespondToAuthChallenge"
        assert set(seen["body"]) <= {"__type", "message", "Message"}, seen["body"]
        assert "Token" not in json.dumps(seen["body"])
    assert len(ms.mailbox.to(address)) == 2
    assert_signed_in(idp, email_code_answer(idp, app, first, address, code), sub)
    # The Session signed in once.
    assert_refused(lambda: email_code_answer(idp, app, first, address, code), SESSION_EXPIRED)

    # SRP (pycognito's arithmetic, boto3's calls) stops at the same challenge with a new code;
    # the code of the earlier sign-in is spent.
    second = srp_sign_in(idp, app, address)
    assert_email_challenge(second, address, sub)
    assert second["Session"] != first["Session"]
    fresh = ms.sign_in_code(app, address, 3)
    if fresh != code:
        assert_refused(lambda: email_code_answer(idp, app, second, address, code), CODE_MISMATCH)
    tokens = assert_signed_in(idp, email_code_answer(idp, app, second, address, fresh), sub)
    claims = jwt.decode(tokens["IdToken"], options={"verify_signature": False})
    assert claims["email"] == address and claims["aud"] == app["client_id"]


def test_a_user_with_both_factors_and_no_preference_selects_one_at_each_sign_in(mail_server):
    ms = mail_server
    idp = ms.idp
    app = ms.new_app("E2E Both Factors")
    admin = bearer_idp(ms.url, ms.developer)
    # SetUserPoolMfaConfig with EmailMfaConfiguration offers codes by email (boto3's model).
    config = admin.set_user_pool_mfa_config(
        UserPoolId=app["user_pool_id"],
        MfaConfiguration="OPTIONAL",
        SoftwareTokenMfaConfiguration={"Enabled": True},
        EmailMfaConfiguration={},
    )
    assert config["MfaConfiguration"] == "OPTIONAL"
    assert config["SoftwareTokenMfaConfiguration"] == {"Enabled": True}
    assert config["EmailMfaConfiguration"] == {}
    address, sub = ms.new_user(app, "kim")
    access = password_auth(idp, app, address)["AuthenticationResult"]["AccessToken"]

    # An authenticator app, as in the tests above, and codes by email; neither preferred.
    phone = Phone(idp.associate_software_token(AccessToken=access)["SecretCode"])
    assert idp.verify_software_token(AccessToken=access, UserCode=phone.code(0))["Status"] == (
        "SUCCESS"
    )
    idp.set_user_mfa_preference(
        AccessToken=access,
        SoftwareTokenMfaSettings={"Enabled": True, "PreferredMfa": False},
        EmailMfaSettings={"Enabled": True, "PreferredMfa": False},
    )
    assert mfa_of(idp.get_user(AccessToken=access)) == (["SOFTWARE_TOKEN_MFA", "EMAIL_OTP"], None)

    def choice() -> dict:
        answer = password_auth(idp, app, address)
        assert answer.get("ChallengeName") == "SELECT_MFA_TYPE", answer
        assert "AuthenticationResult" not in answer and answer["Session"]
        assert answer["ChallengeParameters"]["MFAS_CAN_CHOOSE"] == CAN_CHOOSE
        assert answer["ChallengeParameters"]["USER_ID_FOR_SRP"] == sub
        return answer

    # The choice mails nothing yet; a factor not offered is refused.
    chosen = choice()
    assert len(ms.mailbox.to(address)) == 1  # the sign-up code only
    for factor in ("SMS_MFA", "PASSWORD"):
        assert_refused(lambda: select_answer(idp, app, chosen, address, factor), NOT_A_CHOICE)
    assert len(ms.mailbox.to(address)) == 1

    # EMAIL_OTP: the code is mailed now, and answers the challenge of a new Session.
    by_email = select_answer(idp, app, chosen, address, "EMAIL_OTP")
    assert_email_challenge(by_email, address, sub)
    assert by_email["Session"] != chosen["Session"]
    code = ms.sign_in_code(app, address, 2)
    assert_refused(
        lambda: email_code_answer(idp, app, by_email, address, wrong_code(code)), CODE_MISMATCH
    )
    assert_signed_in(idp, email_code_answer(idp, app, by_email, address, code), sub)
    # A choice is made once per sign-in.
    assert_refused(
        lambda: select_answer(idp, app, chosen, address, "SOFTWARE_TOKEN_MFA"), SESSION_EXPIRED
    )

    # SOFTWARE_TOKEN_MFA at the next sign-in: the authenticator app's code, no mail.
    chosen = choice()
    by_app = select_answer(idp, app, chosen, address, "SOFTWARE_TOKEN_MFA")
    assert_code_challenge(by_app, sub)
    assert by_app["Session"] != chosen["Session"]
    # That Session is no answer to EMAIL_OTP, nor is the app's code taken for a mailed one.
    assert_refused(
        lambda: email_code_answer(idp, app, by_app, address, phone.code(1)), SESSION_EXPIRED
    )
    assert_refused(lambda: mfa_code_answer(idp, app, by_app, address, phone.code(0)), CODE_MISMATCH)
    assert_signed_in(idp, mfa_code_answer(idp, app, by_app, address, phone.code(1)), sub)
    assert len(ms.mailbox.to(address)) == 2


def test_withdrawing_codes_by_email_leaves_the_authenticator_app(mail_server):
    ms = mail_server
    idp = ms.idp
    app = ms.new_app("E2E Withdrawn")
    pool = app["user_pool_id"]
    admin_call(
        ms.url, ms.developer, "SetUserPoolMfaConfig",
        {"UserPoolId": pool, "MfaConfiguration": "OPTIONAL", "EmailMfaConfiguration": {}},
    )
    got = admin_call(ms.url, ms.developer, "GetUserPoolMfaConfig", {"UserPoolId": pool})
    assert got["MfaConfiguration"] == "OPTIONAL" and got["EmailMfaConfiguration"] == {}

    # Two users: one with codes by email only, one with both factors preferring email.
    only_email, only_sub = ms.new_user(app, "eve")
    both, both_sub = ms.new_user(app, "bo")
    only_access = password_auth(idp, app, only_email)["AuthenticationResult"]["AccessToken"]
    both_access = password_auth(idp, app, both)["AuthenticationResult"]["AccessToken"]
    idp.set_user_mfa_preference(
        AccessToken=only_access, EmailMfaSettings={"Enabled": True, "PreferredMfa": True}
    )
    phone = Phone(idp.associate_software_token(AccessToken=both_access)["SecretCode"])
    assert idp.verify_software_token(AccessToken=both_access, UserCode=phone.code(0))["Status"] == (
        "SUCCESS"
    )
    idp.set_user_mfa_preference(
        AccessToken=both_access, EmailMfaSettings={"Enabled": True, "PreferredMfa": True}
    )
    assert mfa_of(idp.get_user(AccessToken=both_access)) == (
        ["SOFTWARE_TOKEN_MFA", "EMAIL_OTP"],
        "EMAIL_OTP",
    )
    # While offered, the preferred factor is asked for straight away: EMAIL_OTP for both.
    for address, sub in ((only_email, only_sub), (both, both_sub)):
        assert_email_challenge(password_auth(idp, app, address), address, sub)
        ms.sign_in_code(app, address, 2)

    # SetUserPoolMfaConfig naming the mode without EmailMfaConfiguration withdraws them.
    config = admin_call(
        ms.url, ms.developer, "SetUserPoolMfaConfig",
        {"UserPoolId": pool, "MfaConfiguration": "OPTIONAL"},
    )
    assert config == config_of("OPTIONAL"), config
    assert admin_call(ms.url, ms.developer, "GetUserPoolMfaConfig", {"UserPoolId": pool}) == (
        config_of("OPTIONAL")
    )
    # No code is mailed any more: the email-only user signs in with the password alone, the
    # other is asked for the authenticator app's code.
    assert_signed_in(idp, password_auth(idp, app, only_email), only_sub)
    challenge = password_auth(idp, app, both)
    assert_code_challenge(challenge, both_sub)
    assert_signed_in(idp, mfa_code_answer(idp, app, challenge, both, phone.code(1)), both_sub)
    for address in (only_email, both):
        assert len(ms.mailbox.to(address)) == 2  # the sign-up code and the one sign-in code
    # And no one turns them on again.
    assert_refused(
        lambda: idp.set_user_mfa_preference(
            AccessToken=only_access, EmailMfaSettings={"Enabled": True, "PreferredMfa": True}
        ),
        EMAIL_NOT_OFFERED,
    )
