"""Access keys and AWS Signature Version 4 (issue 17): boto3 signs the admin operations with a
developer's access key, exactly as against AWS, and every refusal comes back under AWS's own
error names: a wrong secret, an unknown or revoked key, a tampered body, a skewed clock, and a
key used beyond its limits (another app, a write with a read-only key); and the AWS CLI, from
PyPI, administers users with the same key."""

import datetime
import json
import os
import subprocess
import sys
from pathlib import Path

import jwt
import botocore.auth
import pytest
import requests
from botocore.exceptions import ClientError

from support import (
    create_access_key as create_key,
    signed_client,
    PASSWORD,
    code_of,
    confirm,
    create_owned_app,
    developer_token,
    error_of,
    password_auth,
    sign_up,
    unique_email,
    wait_for_message,
)

MISMATCH = (
    "The request signature we calculated does not match the signature you provided. "
    "Check your AWS Secret Access Key and signing method."
)
UNRECOGNIZED = "The security token included in the request is invalid."


@pytest.fixture(scope="module")
def developer(base_url, idp, outbox_path) -> dict:
    """A developer's token, two of their apps, and a full access key and its client."""
    token = developer_token(base_url, idp, outbox_path)
    key = create_key(base_url, token, name="boto3")
    return {
        "token": token,
        "app": create_owned_app(base_url, token, "e2e sigv4"),
        "other": create_owned_app(base_url, token, "e2e sigv4 other"),
        "key": key,
        "admin": signed_client(base_url, key["access_key_id"], key["secret_access_key"]),
    }


def test_boto3_administers_users_with_an_access_key(developer):
    admin, pool = developer["admin"], developer["app"]["user_pool_id"]
    email = unique_email("sigv4")
    created = admin.admin_create_user(
        UserPoolId=pool,
        Username=email,
        UserAttributes=[{"Name": "email", "Value": email}],
        MessageAction="SUPPRESS",
    )["User"]
    got = admin.admin_get_user(UserPoolId=pool, Username=email)
    assert got["Username"] == created["Username"]
    assert {"Name": "email", "Value": email} in got["UserAttributes"]
    listed = admin.list_users(UserPoolId=pool, Filter=f'email = "{email}"')["Users"]
    assert [u["Username"] for u in listed] == [created["Username"]]
    # Any region signs (the signature covers it): pools here are not in AWS's regions.
    other_region = signed_client(
        admin.meta.endpoint_url,
        developer["key"]["access_key_id"],
        developer["key"]["secret_access_key"],
        region="eu-west-1",
    )
    assert other_region.admin_get_user(UserPoolId=pool, Username=email)["Username"] == created["Username"]
    admin.admin_disable_user(UserPoolId=pool, Username=email)
    assert admin.admin_get_user(UserPoolId=pool, Username=email)["Enabled"] is False
    admin.admin_delete_user(UserPoolId=pool, Username=email)
    with pytest.raises(ClientError) as error:
        admin.admin_get_user(UserPoolId=pool, Username=email)
    assert error_of(error)[0] == "UserNotFoundException"


def test_wrong_signatures_are_refused_in_awss_words(base_url, developer):
    pool = developer["app"]["user_pool_id"]
    key_id = developer["key"]["access_key_id"]
    cases = [
        (signed_client(base_url, key_id, "x" * 40), "InvalidSignatureException", MISMATCH),
        (
            signed_client(base_url, "AKIAIOSFODNN7EXAMPLE", developer["key"]["secret_access_key"]),
            "UnrecognizedClientException",
            UNRECOGNIZED,
        ),
    ]
    for client, code, message in cases:
        with pytest.raises(ClientError) as error:
            client.list_users(UserPoolId=pool)
        assert error_of(error) == (code, message)
        assert error.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400

    # A body changed after it was signed.
    tampering = signed_client(base_url, key_id, developer["key"]["secret_access_key"])

    def tamper(request, **_):
        request.body = request.body.replace(b'"Limit": 1', b'"Limit": 2')

    tampering.meta.events.register("before-send.cognito-idp.ListUsers", tamper)
    with pytest.raises(ClientError) as error:
        tampering.list_users(UserPoolId=pool, Limit=1)
    assert error_of(error) == ("InvalidSignatureException", MISMATCH)


def test_a_clock_more_than_five_minutes_off_is_refused(developer, monkeypatch):
    real = botocore.auth.get_current_datetime
    monkeypatch.setattr(
        botocore.auth, "get_current_datetime", lambda: real() - datetime.timedelta(minutes=10)
    )
    with pytest.raises(ClientError) as error:
        developer["admin"].list_users(UserPoolId=developer["app"]["user_pool_id"])
    code, message = error_of(error)
    assert code == "InvalidSignatureException"
    assert message.startswith("Signature expired: ") and message.endswith(" - 5 min.)"), message


def test_a_key_is_held_to_its_app_and_to_reading(base_url, developer):
    app, other = developer["app"], developer["other"]
    key = create_key(
        base_url, developer["token"], name="reader", app_id=app["app_id"], read_only=True
    )
    reader = signed_client(base_url, key["access_key_id"], key["secret_access_key"])
    assert "Users" in reader.list_users(UserPoolId=app["user_pool_id"])
    refusals = [
        (
            lambda: reader.admin_create_user(
                UserPoolId=app["user_pool_id"], Username=unique_email("ro"), MessageAction="SUPPRESS"
            ),
            f"Access key {key['access_key_id']} may only read.",
        ),
        (
            lambda: reader.delete_user_pool(UserPoolId=app["user_pool_id"]),
            f"Access key {key['access_key_id']} may only read.",
        ),
        (
            lambda: reader.list_users(UserPoolId=other["user_pool_id"]),
            f"Access key {key['access_key_id']} may act on app {app['app_id']} only.",
        ),
    ]
    for call, message in refusals:
        with pytest.raises(ClientError) as error:
            call()
        assert error_of(error) == ("AccessDeniedException", message)

    # Revoked: unrecognized from then on.
    response = requests.delete(
        f"{base_url}/api/access-keys/{key['access_key_id']}",
        headers={"Authorization": f"Bearer {developer['token']}"},
        timeout=10,
    )
    assert response.status_code == 200, response.text
    with pytest.raises(ClientError) as error:
        reader.list_users(UserPoolId=app["user_pool_id"])
    assert error_of(error) == ("UnrecognizedClientException", UNRECOGNIZED)


def test_boto3_reads_pools_and_clients(base_url, developer):
    admin, app, other = developer["admin"], developer["app"], developer["other"]
    # The paginator follows NextToken as against AWS.
    pages = admin.get_paginator("list_user_pools").paginate(MaxResults=1)
    listed = [pool["Id"] for page in pages for pool in page["UserPools"]]
    # (Both were made in the same second: the order between them is the ids', not the times'.)
    assert sorted(listed) == sorted([other["user_pool_id"], app["user_pool_id"]])

    pool = admin.describe_user_pool(UserPoolId=app["user_pool_id"])["UserPool"]
    assert (pool["Id"], pool["Name"], pool["MfaConfiguration"]) == (app["user_pool_id"], "e2e sigv4", "OFF")
    assert pool["Policies"]["PasswordPolicy"]["MinimumLength"] == 8
    clients = admin.list_user_pool_clients(UserPoolId=app["user_pool_id"])["UserPoolClients"]
    assert [c["ClientId"] for c in clients] == [app["client_id"]]
    client = admin.describe_user_pool_client(UserPoolId=app["user_pool_id"], ClientId=app["client_id"])
    assert client["UserPoolClient"]["ClientName"] == "e2e sigv4"
    assert client["UserPoolClient"]["TokenValidityUnits"]["IdToken"] == "seconds"

    # A key limited to one app lists that pool only.
    key = create_key(base_url, developer["token"], name="one app", app_id=app["app_id"], read_only=True)
    limited = signed_client(base_url, key["access_key_id"], key["secret_access_key"])
    listed = [p["Id"] for p in limited.list_user_pools(MaxResults=60)["UserPools"]]
    assert listed == [app["user_pool_id"]]
    with pytest.raises(ClientError) as error:
        limited.describe_user_pool(UserPoolId=other["user_pool_id"])
    assert error_of(error)[0] == "AccessDeniedException"


def aws(base_url: str, key: dict, *args: str) -> dict:
    """`aws cognito-idp ARGS --endpoint-url BASE_URL` with the key in the environment, as a
    team's scripts run it; its JSON output."""
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": os.environ.get("HOME", "/tmp"),
        "AWS_ACCESS_KEY_ID": key["access_key_id"],
        "AWS_SECRET_ACCESS_KEY": key["secret_access_key"],
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_CONFIG_FILE": "/dev/null",
        "AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
    }
    done = subprocess.run(
        [str(Path(sys.executable).parent / "aws"), "cognito-idp", *args,
         "--endpoint-url", base_url, "--output", "json"],
        env=env, capture_output=True, text=True, timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout) if done.stdout.strip() else {}


def test_the_aws_cli_manages_users_with_an_access_key(base_url, developer):
    key, pool = developer["key"], developer["app"]["user_pool_id"]
    pools = aws(base_url, key, "list-user-pools", "--max-results", "10")["UserPools"]
    assert pool in [p["Id"] for p in pools]
    assert aws(base_url, key, "describe-user-pool", "--user-pool-id", pool)["UserPool"]["Id"] == pool
    email = unique_email("cli")
    created = aws(
        base_url, key, "admin-create-user", "--user-pool-id", pool, "--username", email,
        "--user-attributes", f"Name=email,Value={email}", "--message-action", "SUPPRESS",
    )["User"]
    got = aws(base_url, key, "admin-get-user", "--user-pool-id", pool, "--username", email)
    assert got["Username"] == created["Username"]
    users = aws(base_url, key, "list-users", "--user-pool-id", pool, "--filter", f'email = "{email}"')
    assert [u["Username"] for u in users["Users"]] == [created["Username"]]
    aws(base_url, key, "admin-delete-user", "--user-pool-id", pool, "--username", email)


def test_boto3_deletes_a_pool(base_url, developer):
    app = create_owned_app(base_url, developer["token"], "e2e sigv4 doomed")
    admin = developer["admin"]
    admin.delete_user_pool(UserPoolId=app["user_pool_id"])
    with pytest.raises(ClientError) as error:
        admin.describe_user_pool(UserPoolId=app["user_pool_id"])
    assert error_of(error) == ("ResourceNotFoundException", f"User pool {app['user_pool_id']} does not exist.")
    response = requests.get(
        f"{base_url}/api/apps/{app['app_id']}",
        headers={"Authorization": f"Bearer {developer['token']}"},
        timeout=10,
    )
    assert response.status_code == 404


def test_boto3_manages_groups_and_tokens_name_them(base_url, idp, outbox_path, developer):
    admin, app = developer["admin"], developer["app"]
    pool = app["user_pool_id"]
    email = unique_email("grouped")
    sign_up(idp, app, email)
    confirm(idp, app, email, code_of(wait_for_message(outbox_path, email)))

    admin.create_group(UserPoolId=pool, GroupName="admins", Precedence=1)
    admin.create_group(
        UserPoolId=pool,
        GroupName="editors",
        Precedence=2,
        RoleArn="arn:aws:iam::123456789012:role/editor",
        Description="They edit",
    )
    with pytest.raises(ClientError) as error:
        admin.create_group(UserPoolId=pool, GroupName="admins")
    assert error_of(error) == ("GroupExistsException", "A group with the name admins already exists.")
    for group in ("editors", "admins"):
        admin.admin_add_user_to_group(UserPoolId=pool, Username=email, GroupName=group)

    listed = admin.admin_list_groups_for_user(UserPoolId=pool, Username=email)["Groups"]
    assert [g["GroupName"] for g in listed] == ["admins", "editors"]
    pages = admin.get_paginator("list_groups").paginate(UserPoolId=pool, PaginationConfig={"PageSize": 1})
    assert [g["GroupName"] for page in pages for g in page["Groups"]] == ["admins", "editors"]
    members = admin.list_users_in_group(UserPoolId=pool, GroupName="editors")["Users"]
    assert len(members) == 1
    assert admin.get_group(UserPoolId=pool, GroupName="editors")["Group"]["Description"] == "They edit"

    # The member's tokens name the groups, by precedence, as Cognito's do.
    result = password_auth(idp, app, email)["AuthenticationResult"]
    id_claims = jwt.decode(result["IdToken"], options={"verify_signature": False})
    assert id_claims["cognito:groups"] == ["admins", "editors"]
    assert id_claims["cognito:preferred_role"] == "arn:aws:iam::123456789012:role/editor"
    access_claims = jwt.decode(result["AccessToken"], options={"verify_signature": False})
    assert access_claims["cognito:groups"] == ["admins", "editors"]

    admin.admin_remove_user_from_group(UserPoolId=pool, Username=email, GroupName="admins")
    admin.delete_group(UserPoolId=pool, GroupName="editors")
    assert admin.admin_list_groups_for_user(UserPoolId=pool, Username=email)["Groups"] == []
    with pytest.raises(ClientError) as error:
        admin.get_group(UserPoolId=pool, GroupName="editors")
    assert error_of(error) == ("ResourceNotFoundException", "Group not found.")


def test_boto3_signs_users_in_server_side(idp, outbox_path, developer):
    admin, app = developer["admin"], developer["app"]
    email = unique_email("server-side")
    sign_up(idp, app, email)
    confirm(idp, app, email, code_of(wait_for_message(outbox_path, email)))
    result = admin.admin_initiate_auth(
        UserPoolId=app["user_pool_id"],
        ClientId=app["client_id"],
        AuthFlow="ADMIN_USER_PASSWORD_AUTH",
        AuthParameters={"USERNAME": email, "PASSWORD": PASSWORD},
    )["AuthenticationResult"]
    claims = jwt.decode(result["IdToken"], options={"verify_signature": False})
    assert claims["email"] == email
    refreshed = admin.admin_initiate_auth(
        UserPoolId=app["user_pool_id"],
        ClientId=app["client_id"],
        AuthFlow="REFRESH_TOKEN_AUTH",
        AuthParameters={"REFRESH_TOKEN": result["RefreshToken"]},
    )["AuthenticationResult"]
    assert refreshed["AccessToken"] != result["AccessToken"]
    with pytest.raises(ClientError) as error:
        admin.admin_initiate_auth(
            UserPoolId=app["user_pool_id"],
            ClientId=app["client_id"],
            AuthFlow="ADMIN_USER_PASSWORD_AUTH",
            AuthParameters={"USERNAME": email, "PASSWORD": "Wrong-Horse-9!"},
        )
    assert error_of(error) == ("NotAuthorizedException", "Incorrect username or password.")


def test_boto3_creates_and_updates_a_pool(base_url, developer):
    admin = developer["admin"]
    pool = admin.create_user_pool(
        PoolName="e2e made by boto3",
        Policies={"PasswordPolicy": {"MinimumLength": 10, "RequireSymbols": False}},
        MfaConfiguration="OPTIONAL",
        UsernameAttributes=["email"],
        AutoVerifiedAttributes=["email"],
    )["UserPool"]
    assert pool["Policies"]["PasswordPolicy"]["MinimumLength"] == 10
    clients = admin.list_user_pool_clients(UserPoolId=pool["Id"], MaxResults=10)["UserPoolClients"]
    assert len(clients) == 1
    admin.update_user_pool(UserPoolId=pool["Id"], MfaConfiguration="OFF")
    described = admin.describe_user_pool(UserPoolId=pool["Id"])["UserPool"]
    assert described["MfaConfiguration"] == "OFF"
    # What UpdateUserPool is not given goes back to its default, as in Cognito.
    assert described["Policies"]["PasswordPolicy"]["MinimumLength"] == 8
    with pytest.raises(ClientError) as error:
        admin.create_user_pool(PoolName="with a trigger", LambdaConfig={"PreSignUp": "arn:aws:lambda:us-east-1:123456789012:function:f"})
    assert error_of(error) == (
        "InvalidParameterException",
        "LambdaConfig is not supported here: Lambda triggers are not supported.",
    )
    limited = create_key(base_url, developer["token"], name="one app only", app_id=developer["app"]["app_id"])
    with pytest.raises(ClientError) as error:
        signed_client(base_url, limited["access_key_id"], limited["secret_access_key"]).create_user_pool(PoolName="no")
    assert error_of(error)[0] == "AccessDeniedException"
    admin.delete_user_pool(UserPoolId=pool["Id"])


def test_boto3_manages_identity_providers_and_never_sees_their_secrets(base_url, developer):
    admin, app = developer["admin"], developer["app"]
    pool = app["user_pool_id"]
    details = {
        "client_id": "shop-web",
        "client_secret": "upstream-s3cret",
        "authorize_scopes": "openid email",
        "oidc_issuer": "https://id.example.com",
    }
    created = admin.create_identity_provider(
        UserPoolId=pool,
        ProviderName="Okta",
        ProviderType="OIDC",
        ProviderDetails=details,
        AttributeMapping={"email": "email"},
        IdpIdentifiers=["example.com"],
    )["IdentityProvider"]
    assert created["ProviderDetails"] == {k: v for k, v in details.items() if k != "client_secret"}
    assert created["AttributeMapping"] == {"email": "email", "username": "sub"}
    assert isinstance(created["CreationDate"], datetime.datetime)
    with pytest.raises(ClientError) as error:
        admin.create_identity_provider(
            UserPoolId=pool, ProviderName="Okta", ProviderType="OIDC", ProviderDetails=details
        )
    assert error_of(error) == (
        "DuplicateProviderException",
        "A provider with the name Okta already exists in this user pool.",
    )
    # A description sent back as it is keeps the secret; a new mapping replaces the old.
    described = admin.describe_identity_provider(UserPoolId=pool, ProviderName="Okta")["IdentityProvider"]
    admin.update_identity_provider(
        UserPoolId=pool,
        ProviderName="Okta",
        ProviderDetails=described["ProviderDetails"],
        AttributeMapping={"email": "mail"},
    )
    found = admin.get_identity_provider_by_identifier(UserPoolId=pool, IdpIdentifier="example.com")
    assert found["IdentityProvider"]["AttributeMapping"] == {"email": "mail", "username": "sub"}
    assert "client_secret" not in json.dumps(found, default=str)

    reader_key = create_key(
        base_url, developer["token"], name="idp reader", app_id=app["app_id"], read_only=True
    )
    reader = signed_client(base_url, reader_key["access_key_id"], reader_key["secret_access_key"])
    listed = reader.list_identity_providers(UserPoolId=pool)["Providers"]
    assert [(p["ProviderName"], p["ProviderType"]) for p in listed] == [("Okta", "OIDC")]
    with pytest.raises(ClientError) as error:
        reader.delete_identity_provider(UserPoolId=pool, ProviderName="Okta")
    assert error_of(error)[1] == f"Access key {reader_key['access_key_id']} may only read."

    # A user of the pool's own is linked to an identity of the provider, then unlinked.
    email = unique_email("linked")
    admin.admin_create_user(
        UserPoolId=pool,
        Username=email,
        UserAttributes=[{"Name": "email", "Value": email}, {"Name": "email_verified", "Value": "true"}],
        MessageAction="SUPPRESS",
    )
    source = {"ProviderName": "Okta", "ProviderAttributeName": "Cognito_Subject", "ProviderAttributeValue": "okta-42"}
    admin.admin_link_provider_for_user(
        UserPoolId=pool,
        DestinationUser={"ProviderName": "Cognito", "ProviderAttributeValue": email},
        SourceUser=source,
    )
    attributes = {a["Name"]: a["Value"] for a in admin.admin_get_user(UserPoolId=pool, Username=email)["UserAttributes"]}
    identities = json.loads(attributes["identities"])
    assert [(i["providerName"], i["userId"], i["primary"]) for i in identities] == [("Okta", "okta-42", "false")]
    admin.admin_disable_provider_for_user(UserPoolId=pool, User=source)
    attributes = {a["Name"] for a in admin.admin_get_user(UserPoolId=pool, Username=email)["UserAttributes"]}
    assert "identities" not in attributes
    with pytest.raises(ClientError) as error:
        admin.admin_disable_provider_for_user(UserPoolId=pool, User=source)
    assert error_of(error) == ("UserNotFoundException", "User does not exist.")

    admin.delete_identity_provider(UserPoolId=pool, ProviderName="Okta")
    with pytest.raises(ClientError) as error:
        admin.describe_identity_provider(UserPoolId=pool, ProviderName="Okta")
    assert error_of(error) == ("ResourceNotFoundException", "Identity provider Okta does not exist.")
