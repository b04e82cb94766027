"""Multi-factor sign-in with an authenticator app (TOTP), driven by the real clients: pycognito
(associate_software_token, verify_software_token, set_user_mfa_preference, SRP sign-in raising
SoftwareTokenMFAChallengeException, respond_to_software_token_mfa_challenge) and boto3
(USER_PASSWORD_AUTH, SOFTWARE_TOKEN_MFA and MFA_SETUP through RespondToAuthChallenge,
AssociateSoftwareToken and VerifySoftwareToken with a Session), the codes computed by pyotp as a
phone's authenticator app would. The developer's side: the app's MFA mode (PATCH /api/apps/{id},
SetUserPoolMfaConfig / GetUserPoolMfaConfig) and AdminSetUserMFAPreference for a lost phone.

Every test has an app of its own (the MFA mode is per app) owned by the module's developer, and
users of its own.

Codes are single use: the server keeps the last accepted 30-second step per user and refuses
that step and earlier ones, and accepts one step of clock skew either way. A test that needs
several codes takes them from consecutive steps around one moment (`Phone`), previous step
first, instead of sleeping for the next step.
"""

from __future__ import annotations

import base64
import json
import time

import pyotp
import pytest
import requests
from botocore.exceptions import ClientError
from pycognito import Cognito
from pycognito.exceptions import SoftwareTokenMFAChallengeException

from support import (
    REGION,
    admin_call,
    capture_raw_responses,
    cognito_call,
    create_owned_app,
    developer_token,
    error_of,
    make_idp_client,
    password_auth,
    secret_hash,
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


def set_mode(base_url: str, token: str, app: dict, mode: str) -> None:
    response = requests.patch(
        f"{base_url}/api/apps/{app['app_id']}",
        json={"mfa": {"mode": mode}},
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    )
    assert response.status_code == 200, response.text
    assert response.json()["mfa"] == {"mode": mode}


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
