"""A user's own account with pycognito and boto3: forgotten password, ChangePassword,
UpdateUserAttributes (with a pending email change verified by a code mailed to the new address),
administrator-created users answering NEW_PASSWORD_REQUIRED, AdminDisableUser, and
GetTokensFromRefreshToken with refresh-token rotation plus the extra `RefreshTokenExpiresAt`
member of every AuthenticationResult."""

from __future__ import annotations

import time

import pytest
from botocore.exceptions import ClientError
from pycognito import Cognito
from pycognito.exceptions import ForceChangePasswordException

from support import (  # noqa: F401  (owned_apps is a fixture)
    NEW_PASSWORD,
    REGION,
    admin_call,
    admin_create_user,
    capture_raw_responses,
    code_of,
    error_of,
    make_idp_client,
    outbox_messages,
    owned_apps,
    password_auth,
    secret_hash,
    temporary_password_of,
    unique_email,
    wait_for_message,
    wrong_code,
)

INCORRECT = ("NotAuthorizedException", "Incorrect username or password.")


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


def assert_refused(base_url: str, app: dict, email: str, password: str) -> None:
    u = cognito(base_url, app, username=email)
    with pytest.raises(ClientError) as exc:
        u.authenticate(password=password)
    assert error_of(exc) == INCORRECT
    assert u.access_token is None


def signed_in(base_url: str, app: dict, email: str, password: str) -> Cognito:
    u = cognito(base_url, app, username=email)
    u.authenticate(password=password)
    assert u.access_token and u.id_token and u.refresh_token
    return u


def attributes_of(idp, access_token: str) -> dict:
    user = idp.get_user(AccessToken=access_token)
    return {a["Name"]: a["Value"] for a in user["UserAttributes"]}


# --- ForgotPassword / ConfirmForgotPassword -----------------------------------------------------


@pytest.mark.parametrize("which", ["public", "secret"])
def test_forgot_password_resets_with_the_mailed_code(
    base_url, outbox_path, new_user, public_app, secret_app, which
):
    app = public_app if which == "public" else secret_app
    email, password, sub = new_user(app, tag=f"forgot-{which}")
    before = signed_in(base_url, app, email, password)

    u = cognito(base_url, app, username=email)
    u.initiate_forgot_password()  # ForgotPassword (+ SecretHash over the email)
    mail = wait_for_message(outbox_path, email, count=2)  # #1 was the sign-up code
    assert "reset" in mail["subject"].lower(), mail["subject"]
    code = code_of(mail)

    with pytest.raises(ClientError) as exc:
        u.confirm_forgot_password(wrong_code(code), NEW_PASSWORD)
    assert error_of(exc) == (
        "CodeMismatchException",
        "Invalid verification code provided, please try again.",
    )
    # The wrong code changed nothing.
    signed_in(base_url, app, email, password)

    u.confirm_forgot_password(code, NEW_PASSWORD)  # ConfirmForgotPassword
    assert_refused(base_url, app, email, password)
    after = signed_in(base_url, app, email, NEW_PASSWORD)
    assert after.id_claims["sub"] == sub
    assert after.get_user().email == email

    # The code is single use: a used code is answered as a wrong one (whether a reset code was
    # ever sent must not tell whether the account exists).
    with pytest.raises(ClientError) as exc:
        u.confirm_forgot_password(code, "Another-Horse-7!")
    assert error_of(exc) == (
        "CodeMismatchException",
        "Invalid verification code provided, please try again.",
    )
    signed_in(base_url, app, email, NEW_PASSWORD)
    # As in Cognito, a reset does not end existing sessions.
    assert before.get_user().email == email


def test_forgot_password_answers_with_masked_delivery_details(idp, outbox_path, new_user, public_app):
    email, _, _ = new_user(public_app, tag="forgot-details")
    response = idp.forgot_password(ClientId=public_app["client_id"], Username=email)
    details = response["CodeDeliveryDetails"]
    assert details["DeliveryMedium"] == "EMAIL"
    assert details["AttributeName"] == "email"
    assert details["Destination"].startswith(email[0]) and "***" in details["Destination"]
    assert email not in details["Destination"]
    code = code_of(wait_for_message(outbox_path, email, count=2))
    assert len(code) == 6


def test_forgot_password_with_the_secret_client_needs_the_secret_hash(idp, new_user, secret_app):
    email, _, _ = new_user(secret_app, tag="forgot-nohash")
    with pytest.raises(ClientError) as exc:
        idp.forgot_password(ClientId=secret_app["client_id"], Username=email)
    assert error_of(exc)[0] == "NotAuthorizedException"
    with pytest.raises(ClientError) as exc:
        idp.forgot_password(
            ClientId=secret_app["client_id"],
            Username=email,
            SecretHash=secret_hash(email, secret_app["client_id"], "not-the-secret-at-all-x"),
        )
    assert error_of(exc) == (
        "NotAuthorizedException",
        f"Unable to verify secret hash for client {secret_app['client_id']}",
    )


# --- ChangePassword ------------------------------------------------------------------------------


@pytest.mark.parametrize("which", ["public", "secret"])
def test_change_password(base_url, new_user, public_app, secret_app, which):
    app = public_app if which == "public" else secret_app
    email, password, _ = new_user(app, tag=f"chpw-{which}")
    u = signed_in(base_url, app, email, password)

    with pytest.raises(ClientError) as exc:
        u.change_password("Wrong-Horse-9!", NEW_PASSWORD)
    assert error_of(exc) == INCORRECT
    with pytest.raises(ClientError) as exc:
        u.change_password(password, "nouppercase-9!")
    code, message = error_of(exc)
    assert code == "InvalidPasswordException"
    assert message.startswith("Password did not conform with policy: ")
    signed_in(base_url, app, email, password)  # nothing changed yet

    u.change_password(password, NEW_PASSWORD)
    assert_refused(base_url, app, email, password)
    signed_in(base_url, app, email, NEW_PASSWORD)
    # ChangePassword does not end the session it was made with (as in Cognito).
    assert u.get_user().email == email


# --- UpdateUserAttributes / VerifyUserAttribute --------------------------------------------------


@pytest.mark.parametrize("which", ["public", "secret"])
def test_update_profile_then_get_user(base_url, new_user, public_app, secret_app, which):
    app = public_app if which == "public" else secret_app
    email, password, sub = new_user(app, tag=f"profile-{which}")
    u = signed_in(base_url, app, email, password)
    assert "name" not in u.id_claims

    u.update_profile({"name": "Ada Lovelace", "given_name": "Ada"})  # UpdateUserAttributes
    user = u.get_user()
    assert user.name == "Ada Lovelace"
    assert user.given_name == "Ada"
    assert user.email == email
    assert user.sub == sub

    # New ID tokens carry the new attributes.
    u.renew_access_token()
    assert u.id_claims["name"] == "Ada Lovelace"
    assert u.id_claims["given_name"] == "Ada"

    # An empty value deletes the attribute.
    u.update_profile({"given_name": ""})
    user = u.get_user()
    assert "given_name" not in user._data
    assert user.name == "Ada Lovelace"

    # Immutable attributes are refused.
    with pytest.raises(ClientError) as exc:
        u.update_profile({"sub": "someone-else"})
    assert error_of(exc)[0] == "InvalidParameterException"
    assert u.get_user().sub == sub


def test_changed_email_waits_for_the_code_sent_to_the_new_address(
    base_url, idp, outbox_path, new_user, public_app
):
    email, password, sub = new_user(public_app, tag="email-old")
    taken, _, _ = new_user(public_app, tag="email-taken")
    new_email = unique_email("email-new")
    u = signed_in(base_url, public_app, email, password)

    # Another account's email is refused.
    with pytest.raises(ClientError) as exc:
        u.update_profile({"email": taken})
    assert error_of(exc)[0] == "AliasExistsException"

    response = idp.update_user_attributes(
        AccessToken=u.access_token, UserAttributes=[{"Name": "email", "Value": new_email}]
    )
    [details] = response["CodeDeliveryDetailsList"]
    assert details["AttributeName"] == "email" and details["DeliveryMedium"] == "EMAIL"
    assert new_email not in details["Destination"]
    code = code_of(wait_for_message(outbox_path, new_email))

    # Still pending: the old address is the sign-in name and GetUser shows it.
    assert u.get_user().email == email
    signed_in(base_url, public_app, email, password)
    assert_refused(base_url, public_app, new_email, password)

    with pytest.raises(ClientError) as exc:
        u.validate_verification(wrong_code(code), "email")
    assert error_of(exc)[0] == "CodeMismatchException"
    # A fresh code (GetUserAttributeVerificationCode) goes to the new address as well.
    u.send_verification("email")
    fresh = code_of(wait_for_message(outbox_path, new_email, count=2))
    u.validate_verification(fresh, "email")  # VerifyUserAttribute

    user = u.get_user()
    assert user.email == new_email
    assert user.email_verified is True
    assert_refused(base_url, public_app, email, password)
    again = signed_in(base_url, public_app, new_email, password)
    assert again.id_claims["email"] == new_email
    assert again.id_claims["sub"] == sub


# --- Administrator-created users: NEW_PASSWORD_REQUIRED ------------------------------------------


@pytest.mark.parametrize("which", ["public", "secret"])
def test_admin_created_user_answers_the_new_password_challenge(
    base_url, outbox_path, owned_apps, which
):
    token, app = owned_apps["token"], owned_apps[which]
    email = unique_email(f"invited-{which}")
    temporary = "Temp-Horse-1234!"
    user = admin_create_user(
        base_url, token, app, email, temporary_password=temporary, message_action="SUPPRESS"
    )
    assert user["UserStatus"] == "FORCE_CHANGE_PASSWORD"
    assert user["Enabled"] is True
    sub = {a["Name"]: a["Value"] for a in user["Attributes"]}["sub"]
    assert outbox_messages(outbox_path, email) == [], "SUPPRESS must not send an invitation"

    # A plain sign-in stops at the challenge.
    u = cognito(base_url, app, username=email)
    with pytest.raises(ForceChangePasswordException):
        u.authenticate(password=temporary)
    assert u.access_token is None

    # A weak new password is refused.
    with pytest.raises(ClientError) as exc:
        cognito(base_url, app, username=email).new_password_challenge(temporary, "weak")
    assert error_of(exc)[0] == "InvalidPasswordException"

    u.new_password_challenge(temporary, NEW_PASSWORD)  # SRP, then NEW_PASSWORD_REQUIRED
    assert u.access_token and u.id_token and u.refresh_token
    u.verify_tokens()
    assert u.id_claims["sub"] == sub
    assert u.id_claims["email"] == email
    assert u.id_claims["aud"] == app["client_id"]
    assert u.get_user().email == email

    got = admin_call(
        base_url, token, "AdminGetUser", {"UserPoolId": app["user_pool_id"], "Username": email}
    )
    assert got["UserStatus"] == "CONFIRMED"
    assert got["Username"] == sub

    again = signed_in(base_url, app, email, NEW_PASSWORD)
    assert again.id_claims["sub"] == sub
    assert_refused(base_url, app, email, temporary)


def test_admin_invitation_mail_carries_a_working_temporary_password(
    base_url, outbox_path, owned_apps
):
    token, app = owned_apps["token"], owned_apps["public"]
    email = unique_email("invited-mail")
    admin_create_user(base_url, token, app, email)  # generated password, invitation mailed
    invitation = wait_for_message(outbox_path, email)
    assert invitation["app_id"] == app["app_id"]
    temporary = temporary_password_of(invitation)

    u = cognito(base_url, app, username=email)
    with pytest.raises(ForceChangePasswordException):
        u.authenticate(password=temporary)
    u.new_password_challenge(temporary, NEW_PASSWORD)
    assert u.get_user().email == email
    signed_in(base_url, app, email, NEW_PASSWORD)


def test_list_users_and_disabled_users(base_url, owned_apps):
    token, app = owned_apps["token"], owned_apps["public"]
    email = unique_email("disabled")
    temporary = "Temp-Horse-5678!"
    admin_create_user(base_url, token, app, email, temporary_password=temporary, message_action="SUPPRESS")
    u = cognito(base_url, app, username=email)
    u.new_password_challenge(temporary, NEW_PASSWORD)
    refresh = u.refresh_token

    listed = admin_call(
        base_url,
        token,
        "ListUsers",
        {"UserPoolId": app["user_pool_id"], "Filter": f'email = "{email}"'},
    )
    [entry] = listed["Users"]
    assert {a["Name"]: a["Value"] for a in entry["Attributes"]}["email"] == email
    assert entry["UserStatus"] == "CONFIRMED" and entry["Enabled"] is True

    admin_call(base_url, token, "AdminDisableUser", {"UserPoolId": app["user_pool_id"], "Username": email})
    with pytest.raises(ClientError) as exc:
        cognito(base_url, app, username=email).authenticate(password=NEW_PASSWORD)
    assert error_of(exc)[0] == "NotAuthorizedException"
    assert error_of(exc)[1].rstrip(".") == "User is disabled"
    stale = cognito(base_url, app, username=email, refresh_token=refresh)
    with pytest.raises(ClientError) as exc:
        stale.renew_access_token()
    assert error_of(exc)[0] == "NotAuthorizedException"

    admin_call(base_url, token, "AdminEnableUser", {"UserPoolId": app["user_pool_id"], "Username": email})
    signed_in(base_url, app, email, NEW_PASSWORD)


# --- GetTokensFromRefreshToken and RefreshTokenExpiresAt ---------------------------------------


def test_botocore_knows_get_tokens_from_refresh_token(idp):
    assert "GetTokensFromRefreshToken" in idp.meta.service_model.operation_names


@pytest.mark.parametrize("which", ["public", "secret"])
def test_sign_in_and_refresh_parse_with_refresh_token_expires_at(
    base_url, outbox_path, new_user, public_app, secret_app, which
):
    """The extra AuthenticationResult member is on the wire, and neither boto3 nor pycognito
    trip over it: full SRP sign-in, USER_PASSWORD_AUTH and REFRESH_TOKEN_AUTH work."""
    app = public_app if which == "public" else secret_app
    email, password, sub = new_user(app, tag=f"expat-{which}")
    client = make_idp_client(base_url)
    raw = capture_raw_responses(client)

    result = password_auth(client, app, email, password)["AuthenticationResult"]
    assert set(result) >= {"AccessToken", "IdToken", "RefreshToken", "ExpiresIn", "TokenType"}
    assert "RefreshTokenExpiresAt" not in result  # not in botocore's model: dropped, no error
    wire = raw[-1]["body"]["AuthenticationResult"]
    assert wire["AccessToken"] == result["AccessToken"]
    expires_at = wire["RefreshTokenExpiresAt"]
    assert isinstance(expires_at, int)
    assert expires_at > time.time() + 29 * 86400, "a 30-day session from now"
    assert expires_at < time.time() + 31 * 86400

    u = cognito(base_url, app, username=email)
    u.authenticate(password=password)
    u.verify_tokens()
    assert u.id_claims["sub"] == sub
    u.renew_access_token()
    u.verify_tokens()
    assert u.get_user().email == email


@pytest.mark.parametrize("which", ["public", "secret"])
def test_get_tokens_from_refresh_token_rotates(base_url, new_user, public_app, secret_app, which):
    app = public_app if which == "public" else secret_app
    email, password, sub = new_user(app, tag=f"rotate-{which}")
    client = make_idp_client(base_url)
    raw = capture_raw_responses(client)
    first = password_auth(client, app, email, password)["AuthenticationResult"]
    session_end = raw[-1]["body"]["AuthenticationResult"]["RefreshTokenExpiresAt"]

    def rotate(refresh_token: str) -> dict:
        params = {"ClientId": app["client_id"], "RefreshToken": refresh_token}
        if app.get("client_secret"):
            params["ClientSecret"] = app["client_secret"]
        result = client.get_tokens_from_refresh_token(**params)["AuthenticationResult"]
        assert raw[-1]["operation"] == "GetTokensFromRefreshToken"
        assert raw[-1]["body"]["AuthenticationResult"]["RefreshTokenExpiresAt"] == session_end
        return result

    second = rotate(first["RefreshToken"])
    assert second["RefreshToken"] and second["RefreshToken"] != first["RefreshToken"]
    assert second["AccessToken"] != first["AccessToken"]
    assert second["TokenType"] == "Bearer" and second["ExpiresIn"] == 3600
    assert attributes_of(client, second["AccessToken"])["sub"] == sub

    # Inside the grace period the old token still works and hands out the same successor (the
    # session never branches); the new one works too.
    third = rotate(first["RefreshToken"])
    assert third["RefreshToken"] == second["RefreshToken"]
    fourth = rotate(second["RefreshToken"])
    assert attributes_of(client, fourth["AccessToken"])["email"] == email

    with pytest.raises(ClientError) as exc:
        client.get_tokens_from_refresh_token(ClientId=app["client_id"], RefreshToken="garbage")
    assert error_of(exc)[0] == "NotAuthorizedException"


def test_get_tokens_from_refresh_token_checks_the_client_secret(base_url, new_user, secret_app):
    email, password, _ = new_user(secret_app, tag="rotate-badsecret")
    client = make_idp_client(base_url)
    first = password_auth(client, secret_app, email, password)["AuthenticationResult"]
    for secret in ("not-the-secret-at-all-xx", None):
        params = {"ClientId": secret_app["client_id"], "RefreshToken": first["RefreshToken"]}
        if secret:
            params["ClientSecret"] = secret
        with pytest.raises(ClientError) as exc:
            client.get_tokens_from_refresh_token(**params)
        assert error_of(exc)[0] == "NotAuthorizedException"
    # The refused attempts did not spend the token.
    rotated = client.get_tokens_from_refresh_token(
        ClientId=secret_app["client_id"],
        RefreshToken=first["RefreshToken"],
        ClientSecret=secret_app["client_secret"],
    )["AuthenticationResult"]
    assert rotated["RefreshToken"] != first["RefreshToken"]


def test_reusing_a_rotated_refresh_token_after_the_grace_period_revokes_the_session(
    base_url, new_user, public_app
):
    """The grace period is 10 s of wall-clock time: this test sleeps 11 s."""
    email, password, _ = new_user(public_app, tag="reuse")
    client = make_idp_client(base_url)
    first = password_auth(client, public_app, email, password)["AuthenticationResult"]
    other = password_auth(client, public_app, email, password)["AuthenticationResult"]
    second = client.get_tokens_from_refresh_token(
        ClientId=public_app["client_id"], RefreshToken=first["RefreshToken"]
    )["AuthenticationResult"]
    time.sleep(11)

    with pytest.raises(ClientError) as exc:
        client.get_tokens_from_refresh_token(
            ClientId=public_app["client_id"], RefreshToken=first["RefreshToken"]
        )
    assert error_of(exc)[0] == "RefreshTokenReuseException"
    # The whole session ends: the rotated token and its access token are dead too...
    with pytest.raises(ClientError) as exc:
        client.get_tokens_from_refresh_token(
            ClientId=public_app["client_id"], RefreshToken=second["RefreshToken"]
        )
    assert error_of(exc) == ("NotAuthorizedException", "Refresh Token has been revoked")
    with pytest.raises(ClientError) as exc:
        client.get_user(AccessToken=second["AccessToken"])
    assert error_of(exc) == ("NotAuthorizedException", "Access Token has been revoked")
    # ...but another sign-in session of the same user is untouched.
    assert attributes_of(client, other["AccessToken"])["email"] == email
    rotated = client.get_tokens_from_refresh_token(
        ClientId=public_app["client_id"], RefreshToken=other["RefreshToken"]
    )["AuthenticationResult"]
    assert rotated["RefreshToken"] != other["RefreshToken"]


# --- DeleteUser ------------------------------------------------------------------------------------


def test_delete_user(base_url, idp, new_user, public_app):
    email, password, _ = new_user(public_app, tag="delete")
    u = signed_in(base_url, public_app, email, password)
    access, refresh = u.access_token, u.refresh_token
    u.delete_user()  # DeleteUser
    assert_refused(base_url, public_app, email, password)
    with pytest.raises(ClientError) as exc:
        idp.get_user(AccessToken=access)
    assert error_of(exc)[0] == "NotAuthorizedException"
    stale = cognito(base_url, public_app, username=email, refresh_token=refresh)
    with pytest.raises(ClientError) as exc:
        stale.renew_access_token()
    assert error_of(exc)[0] == "NotAuthorizedException"
