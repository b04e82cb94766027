"""What Terraform's AWS provider does to a pool and its client (issue 17), made with boto3 in the
order the provider makes the calls, since the provider itself cannot be installed here:
`terraform apply` creates the pool then reads it (DescribeUserPool, GetUserPoolMfaConfig),
creates the client then reads it; a second plan reads everything again and must find no
difference from what was written; a change updates the client and the pool (each call carrying
every member, as the provider sends them) and reads them back; users sign in through the client
Terraform made; `terraform destroy` deletes the client, then the pool. The README's Terraform
example declares exactly these resources."""

import jwt
import pytest
from botocore.exceptions import ClientError

from support import (
    PASSWORD,
    code_of,
    create_access_key,
    developer_token,
    error_of,
    password_auth,
    sign_up,
    confirm,
    signed_client,
    unique_email,
    wait_for_message,
)

CALLBACK = "https://shop.example/callback"
SIGNED_OUT = "https://shop.example/signed-out"


def pool_members(minimum_length: int) -> dict:
    """aws_cognito_user_pool as the README declares it, as the provider sends it."""
    return {
        "UsernameAttributes": ["email"],
        "AutoVerifiedAttributes": ["email"],
        "Policies": {
            "PasswordPolicy": {
                "MinimumLength": minimum_length,
                "RequireLowercase": True,
                "RequireNumbers": True,
                "RequireSymbols": True,
                "RequireUppercase": True,
                "TemporaryPasswordValidityDays": 7,
            }
        },
        "MfaConfiguration": "OFF",
        "VerificationMessageTemplate": {"DefaultEmailOption": "CONFIRM_WITH_CODE"},
        "AdminCreateUserConfig": {"AllowAdminCreateUserOnly": False},
        "AccountRecoverySetting": {
            "RecoveryMechanisms": [{"Priority": 1, "Name": "verified_email"}]
        },
        "EmailConfiguration": {"EmailSendingAccount": "COGNITO_DEFAULT"},
        "DeletionProtection": "INACTIVE",
    }


def client_members(access_minutes: int) -> dict:
    """aws_cognito_user_pool_client as the README declares it, as the provider sends it."""
    return {
        "ClientName": "web",
        "ExplicitAuthFlows": [
            "ALLOW_REFRESH_TOKEN_AUTH",
            "ALLOW_USER_PASSWORD_AUTH",
            "ALLOW_USER_SRP_AUTH",
        ],
        "AccessTokenValidity": access_minutes,
        "IdTokenValidity": access_minutes,
        "RefreshTokenValidity": 30,
        "TokenValidityUnits": {"AccessToken": "minutes", "IdToken": "minutes", "RefreshToken": "days"},
        "CallbackURLs": [CALLBACK],
        "LogoutURLs": [SIGNED_OUT],
        "AllowedOAuthFlows": ["code"],
        "AllowedOAuthScopes": ["email", "openid"],
        "AllowedOAuthFlowsUserPoolClient": True,
        "SupportedIdentityProviders": ["COGNITO"],
        "PreventUserExistenceErrors": "ENABLED",
        "EnableTokenRevocation": True,
        "EnablePropagateAdditionalUserContextData": False,
        "AuthSessionValidity": 3,
    }


def assert_client_is(described: dict, written: dict) -> None:
    """What a plan compares: every member written reads back the same."""
    for member, value in written.items():
        got = described[member]
        if isinstance(value, list):
            got, value = sorted(got), sorted(value)
        assert got == value, f"{member}: wrote {value!r}, read {got!r}"


def read_pool(admin, pool_id: str) -> tuple[dict, dict]:
    """The provider's read of aws_cognito_user_pool."""
    pool = admin.describe_user_pool(UserPoolId=pool_id)["UserPool"]
    mfa = admin.get_user_pool_mfa_config(UserPoolId=pool_id)
    return pool, mfa


@pytest.fixture(scope="module")
def admin(base_url, idp, outbox_path):
    token = developer_token(base_url, idp, outbox_path)
    key = create_access_key(base_url, token, name="terraform")
    return signed_client(base_url, key["access_key_id"], key["secret_access_key"])


def test_terraform_apply_plan_change_and_destroy_in_the_providers_order(admin, idp, outbox_path):
    # apply: the pool, then its read.
    pool_id = admin.create_user_pool(PoolName="shop", **pool_members(10))["UserPool"]["Id"]
    pool, mfa = read_pool(admin, pool_id)
    assert pool["Name"] == "shop"
    assert pool["Policies"]["PasswordPolicy"]["MinimumLength"] == 10
    assert pool["UsernameAttributes"] == ["email"]
    assert pool["MfaConfiguration"] == "OFF" == mfa["MfaConfiguration"]

    # apply: the client, then its read.
    written = client_members(60)
    created = admin.create_user_pool_client(UserPoolId=pool_id, **written)["UserPoolClient"]
    client_id = created["ClientId"]
    assert_client_is(created, written)
    assert_client_is(
        admin.describe_user_pool_client(UserPoolId=pool_id, ClientId=client_id)["UserPoolClient"],
        written,
    )

    # plan: everything read again, nothing differs.
    again, _ = read_pool(admin, pool_id)
    assert again == pool
    assert_client_is(
        admin.describe_user_pool_client(UserPoolId=pool_id, ClientId=client_id)["UserPoolClient"],
        written,
    )
    clients = admin.list_user_pool_clients(UserPoolId=pool_id, MaxResults=60)["UserPoolClients"]
    assert [c["ClientName"] for c in clients] == ["shop", "web"]

    # apply a change: each update carries every member; the reads show it.
    changed = client_members(30)
    admin.update_user_pool_client(UserPoolId=pool_id, ClientId=client_id, **changed)
    assert_client_is(
        admin.describe_user_pool_client(UserPoolId=pool_id, ClientId=client_id)["UserPoolClient"],
        changed,
    )
    update = pool_members(12)
    del update["UsernameAttributes"]  # fixed at creation: UpdateUserPool has no such member
    admin.update_user_pool(UserPoolId=pool_id, **update)
    pool, _ = read_pool(admin, pool_id)
    assert pool["Policies"]["PasswordPolicy"]["MinimumLength"] == 12

    # Users sign up and in through the client Terraform made.
    app = {"client_id": client_id}
    email = unique_email("tf")
    sign_up(idp, app, email)
    confirm(idp, app, email, code_of(wait_for_message(outbox_path, email)))
    result = password_auth(idp, app, email)["AuthenticationResult"]
    assert result["ExpiresIn"] == 30 * 60
    claims = jwt.decode(result["IdToken"], options={"verify_signature": False})
    assert claims["aud"] == client_id
    assert claims["iss"].endswith(pool_id)

    # destroy: the client, then the pool; reads then find neither.
    admin.delete_user_pool_client(UserPoolId=pool_id, ClientId=client_id)
    admin.delete_user_pool(UserPoolId=pool_id)
    with pytest.raises(ClientError) as missing:
        admin.describe_user_pool(UserPoolId=pool_id)
    assert error_of(missing) == ("ResourceNotFoundException", f"User pool {pool_id} does not exist.")
    with pytest.raises(ClientError) as gone:
        password_auth(idp, app, email)
    assert error_of(gone) == (
        "ResourceNotFoundException",
        f"User pool client {client_id} does not exist.",
    )


def test_a_client_member_the_provider_may_send_but_we_cannot_honour_is_refused_by_name(admin):
    pool_id = admin.create_user_pool(PoolName="strict", **pool_members(10))["UserPool"]["Id"]
    with pytest.raises(ClientError) as refused:
        admin.create_user_pool_client(
            UserPoolId=pool_id, ClientName="web", ReadAttributes=["email", "custom:plan"]
        )
    assert error_of(refused) == (
        "InvalidParameterException",
        "ReadAttributes is not supported here: every client reads every attribute.",
    )
    clients = admin.list_user_pool_clients(UserPoolId=pool_id, MaxResults=60)["UserPoolClients"]
    assert len(clients) == 1
    # The clients that were made page through boto3's paginator, the app's own first.
    for name in ("b", "c"):
        admin.create_user_pool_client(UserPoolId=pool_id, ClientName=name)
    pages = admin.get_paginator("list_user_pool_clients").paginate(
        UserPoolId=pool_id, PaginationConfig={"PageSize": 1}
    )
    names = [c["ClientName"] for page in pages for c in page["UserPoolClients"]]
    assert names[0] == "strict" and sorted(names[1:]) == ["b", "c"]
    admin.delete_user_pool(UserPoolId=pool_id)
