"""SignUp / ConfirmSignUp / ResendConfirmationCode / USER_PASSWORD_AUTH / RevokeToken and the
error envelope, through a real boto3 `cognito-idp` client."""

from __future__ import annotations

import uuid

import pytest
from botocore.exceptions import ClientError

from support import (
    PASSWORD,
    code_of,
    confirm,
    error_of,
    password_auth,
    secret_hash,
    sign_up,
    unique_email,
    wait_for_message,
    wrong_code,
)


def assert_error(exc_info, code: str, message: str | None = None, prefix: str | None = None):
    got_code, got_message = error_of(exc_info)
    assert got_code == code, f"expected {code}, got {got_code}: {got_message}"
    if message is not None:
        assert got_message == message
    if prefix is not None:
        assert got_message.startswith(prefix), got_message
    meta = exc_info.value.response["ResponseMetadata"]
    assert meta["HTTPStatusCode"] == 400
    # Amplify and the Rust SDK read the header first: it must name the same code.
    header = meta["HTTPHeaders"].get("x-amzn-errortype", "")
    assert header.split(":")[0].split("#")[-1] == code, f"x-amzn-ErrorType header was {header!r}"


def test_sign_up_sends_code_and_confirm_enables_sign_in(idp, outbox_path, public_app):
    email = unique_email("signup")
    response = sign_up(idp, public_app, email)
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert response["UserConfirmed"] is False
    sub = response["UserSub"]
    assert str(uuid.UUID(sub)) == sub.lower()

    message = wait_for_message(outbox_path, email)
    assert message["to"] == email
    assert message["app_id"] == public_app["app_id"]
    assert message["app_name"] == public_app["name"]
    assert message["subject"]
    code = code_of(message)

    # Not confirmed yet: sign-in is refused with UserNotConfirmedException.
    with pytest.raises(ClientError) as exc:
        password_auth(idp, public_app, email)
    assert_error(exc, "UserNotConfirmedException", "User is not confirmed.")

    confirmed = confirm(idp, public_app, email, code)
    assert confirmed["ResponseMetadata"]["HTTPStatusCode"] == 200

    result = password_auth(idp, public_app, email)["AuthenticationResult"]
    assert result["TokenType"] == "Bearer"
    assert result["ExpiresIn"] == 3600
    for name in ("AccessToken", "IdToken", "RefreshToken"):
        assert result[name] and len(result[name]) > 20

    user = idp.get_user(AccessToken=result["AccessToken"])
    # Email-as-username pool: the internal username is the sub.
    assert user["Username"] == sub
    attributes = {a["Name"]: a["Value"] for a in user["UserAttributes"]}
    assert attributes["sub"] == sub
    assert attributes["email"] == email
    assert attributes["email_verified"] == "true"


def test_wrong_confirmation_code_is_code_mismatch(idp, outbox_path, public_app):
    email = unique_email("badcode")
    sign_up(idp, public_app, email)
    code = code_of(wait_for_message(outbox_path, email))
    with pytest.raises(ClientError) as exc:
        confirm(idp, public_app, email, wrong_code(code))
    assert_error(exc, "CodeMismatchException", "Invalid verification code provided, please try again.")
    # The right code still works afterwards, and the user can sign in.
    confirm(idp, public_app, email, code)
    assert "AccessToken" in password_auth(idp, public_app, email)["AuthenticationResult"]


def test_resend_confirmation_code_sends_a_new_working_code(idp, outbox_path, public_app):
    email = unique_email("resend")
    sign_up(idp, public_app, email)
    wait_for_message(outbox_path, email, count=1)
    resent = idp.resend_confirmation_code(ClientId=public_app["client_id"], Username=email)
    assert resent["ResponseMetadata"]["HTTPStatusCode"] == 200
    details = resent["CodeDeliveryDetails"]
    assert details["DeliveryMedium"] == "EMAIL"
    assert details["AttributeName"] == "email"
    assert email not in details["Destination"], "the destination must be masked"
    second = wait_for_message(outbox_path, email, count=2)
    confirm(idp, public_app, email, code_of(second))
    assert "IdToken" in password_auth(idp, public_app, email)["AuthenticationResult"]


def test_duplicate_sign_up_is_username_exists(idp, new_user, public_app):
    email, _, _ = new_user(public_app, tag="dup")
    with pytest.raises(ClientError) as exc:
        sign_up(idp, public_app, email, "Another-Passw0rd!")
    assert_error(exc, "UsernameExistsException")


@pytest.mark.parametrize(
    "password, reason",
    [
        ("Sh0rt!", "Password not long enough"),
        ("nouppercase-9", "Password must have uppercase characters"),
        ("NOLOWERCASE-9", "Password must have lowercase characters"),
        ("No-Numbers-Here", "Password must have numeric characters"),
        ("NoSymbols123", "Password must have symbol characters"),
    ],
)
def test_weak_password_is_invalid_password(idp, public_app, password, reason):
    with pytest.raises(ClientError) as exc:
        sign_up(idp, public_app, unique_email("weak"), password)
    assert_error(exc, "InvalidPasswordException", f"Password did not conform with policy: {reason}")


def test_unknown_client_id_is_resource_not_found(idp):
    client_id = "nosuchclient" + uuid.uuid4().hex[:10]
    with pytest.raises(ClientError) as exc:
        idp.sign_up(ClientId=client_id, Username=unique_email("noclient"), Password=PASSWORD)
    assert_error(exc, "ResourceNotFoundException", f"User pool client {client_id} does not exist.")
    with pytest.raises(ClientError) as exc:
        idp.initiate_auth(
            ClientId=client_id,
            AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": "x@example.com", "PASSWORD": PASSWORD},
        )
    assert_error(exc, "ResourceNotFoundException")


def test_wrong_password_and_unknown_user_are_indistinguishable(idp, new_user, public_app):
    email, _, _ = new_user(public_app, tag="wrongpw")
    with pytest.raises(ClientError) as exc:
        password_auth(idp, public_app, email, "Wrong-Passw0rd!")
    assert_error(exc, "NotAuthorizedException", "Incorrect username or password.")
    with pytest.raises(ClientError) as exc:
        password_auth(idp, public_app, unique_email("nobody"))
    assert_error(exc, "NotAuthorizedException", "Incorrect username or password.")


def test_users_belong_to_one_app(idp, new_user, public_app, secret_app):
    """A user of one app's pool cannot sign in to another app's pool."""
    email, password, _ = new_user(public_app, tag="tenant")
    with pytest.raises(ClientError) as exc:
        password_auth(idp, secret_app, email, password)
    assert_error(exc, "NotAuthorizedException", "Incorrect username or password.")


def test_secret_client_requires_secret_hash(idp, outbox_path, secret_app):
    client_id = secret_app["client_id"]
    email = unique_email("nohash")
    with pytest.raises(ClientError) as exc:
        idp.sign_up(ClientId=client_id, Username=email, Password=PASSWORD)
    assert_error(exc, "NotAuthorizedException", f"Unable to verify secret hash for client {client_id}")
    with pytest.raises(ClientError) as exc:
        idp.sign_up(
            ClientId=client_id,
            Username=email,
            Password=PASSWORD,
            SecretHash=secret_hash(email, client_id, "not-the-secret-0123456789"),
        )
    assert_error(exc, "NotAuthorizedException", f"Unable to verify secret hash for client {client_id}")

    # With the right hash everything goes through; sign-in without the hash is refused.
    sign_up(idp, secret_app, email)
    confirm(idp, secret_app, email, code_of(wait_for_message(outbox_path, email)))
    with pytest.raises(ClientError) as exc:
        idp.initiate_auth(
            ClientId=client_id,
            AuthFlow="USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": email, "PASSWORD": PASSWORD},
        )
    assert_error(exc, "NotAuthorizedException", f"Unable to verify secret hash for client {client_id}")
    assert "AccessToken" in password_auth(idp, secret_app, email)["AuthenticationResult"]


@pytest.mark.parametrize("flow", ["REFRESH_TOKEN_AUTH", "REFRESH_TOKEN"])
def test_refresh_then_revoke_token(idp, new_user, public_app, flow):
    email, _, sub = new_user(public_app, tag="revoke")
    first = password_auth(idp, public_app, email)["AuthenticationResult"]
    refreshed = idp.initiate_auth(
        ClientId=public_app["client_id"],
        AuthFlow=flow,
        AuthParameters={"REFRESH_TOKEN": first["RefreshToken"]},
    )["AuthenticationResult"]
    assert refreshed["AccessToken"] != first["AccessToken"]
    assert refreshed["IdToken"] != first["IdToken"]
    assert idp.get_user(AccessToken=refreshed["AccessToken"])["Username"] == sub

    revoked = idp.revoke_token(Token=first["RefreshToken"], ClientId=public_app["client_id"])
    assert revoked["ResponseMetadata"]["HTTPStatusCode"] == 200

    with pytest.raises(ClientError) as exc:
        idp.initiate_auth(
            ClientId=public_app["client_id"],
            AuthFlow=flow,
            AuthParameters={"REFRESH_TOKEN": first["RefreshToken"]},
        )
    assert_error(exc, "NotAuthorizedException", "Refresh Token has been revoked")
    # Access tokens minted from the revoked refresh token die with it.
    for token in (first["AccessToken"], refreshed["AccessToken"]):
        with pytest.raises(ClientError) as exc:
            idp.get_user(AccessToken=token)
        assert_error(exc, "NotAuthorizedException", "Access Token has been revoked")


def test_revoke_only_ends_that_session(idp, new_user, public_app):
    email, _, sub = new_user(public_app, tag="twosessions")
    one = password_auth(idp, public_app, email)["AuthenticationResult"]
    two = password_auth(idp, public_app, email)["AuthenticationResult"]
    idp.revoke_token(Token=one["RefreshToken"], ClientId=public_app["client_id"])
    assert idp.get_user(AccessToken=two["AccessToken"])["Username"] == sub
    again = idp.initiate_auth(
        ClientId=public_app["client_id"],
        AuthFlow="REFRESH_TOKEN_AUTH",
        AuthParameters={"REFRESH_TOKEN": two["RefreshToken"]},
    )
    assert "AccessToken" in again["AuthenticationResult"]


def test_global_sign_out_ends_every_session(idp, new_user, public_app):
    email, _, _ = new_user(public_app, tag="global")
    one = password_auth(idp, public_app, email)["AuthenticationResult"]
    two = password_auth(idp, public_app, email)["AuthenticationResult"]
    assert idp.global_sign_out(AccessToken=one["AccessToken"])["ResponseMetadata"]["HTTPStatusCode"] == 200
    for session in (one, two):
        with pytest.raises(ClientError) as exc:
            idp.get_user(AccessToken=session["AccessToken"])
        assert_error(exc, "NotAuthorizedException", "Access Token has been revoked")
        with pytest.raises(ClientError) as exc:
            idp.initiate_auth(
                ClientId=public_app["client_id"],
                AuthFlow="REFRESH_TOKEN_AUTH",
                AuthParameters={"REFRESH_TOKEN": session["RefreshToken"]},
            )
        assert_error(exc, "NotAuthorizedException", "Refresh Token has been revoked")
    # A fresh sign-in works again.
    assert "AccessToken" in password_auth(idp, public_app, email)["AuthenticationResult"]


def test_garbage_tokens_are_refused(idp, public_app):
    with pytest.raises(ClientError) as exc:
        idp.get_user(AccessToken="not.a.jwt")
    assert_error(exc, "NotAuthorizedException", "Invalid Access Token")
    with pytest.raises(ClientError) as exc:
        idp.initiate_auth(
            ClientId=public_app["client_id"],
            AuthFlow="REFRESH_TOKEN_AUTH",
            AuthParameters={"REFRESH_TOKEN": "bm90LWEtcmVmcmVzaC10b2tlbg"},
        )
    assert_error(exc, "NotAuthorizedException", "Invalid Refresh Token")
