"""Provider mode (issue 16) with the real CLI, server and clients, against the Cognito emulator
(MiniStack, which checks SRP): `auth-return apps create --provider cognito` makes the pool in
Cognito; the served config points a front end at it; boto3 signs a user up there and pycognito
signs them in with SRP (a wrong password refused); `apps delete` deletes the pool."""

import json
import os
import subprocess

import boto3
import pytest
import requests
from botocore.exceptions import ClientError
from pycognito.aws_srp import AWSSRP

from support import PASSWORD, auth_return, clean_env, error_of, run_cli, unique_email  # noqa: F401

REGION = "us-east-1"


@pytest.fixture
def emulator(monkeypatch) -> str:
    url = os.environ.get("AUTH_RETURN_TEST_COGNITO_URL", "")
    if not url:
        assert "CI" not in os.environ, "CI must run the provider tests (tests/cognito/start.sh)"
        pytest.skip("AUTH_RETURN_TEST_COGNITO_URL is not set (tests/cognito/start.sh)")
    # The standard AWS chain of the CLI and the server finds the emulator's root keys here.
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "test")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "test")
    return url.rstrip("/")


def idp_at(config: dict):
    """A cognito-idp client where the config says the pool is, as a front end's SDK has."""
    return boto3.client(
        "cognito-idp",
        endpoint_url=config["endpoint"],
        region_name=config["region"],
        aws_access_key_id="test",
        aws_secret_access_key="test",
    )


def test_a_cognito_app_from_the_cli_signs_users_in_at_cognito(auth_return, emulator, tmp_path):
    aws = ("--aws-region", REGION, "--aws-endpoint-url", emulator)
    server = auth_return(*aws)
    created = json.loads(
        run_cli(
            "apps", "create", "--json", "--name", "Shop", "--provider", "cognito", *aws,
            data_dir=server.data_dir, listen=server.listen,
        )
    )
    assert created["provider"] == "cognito"
    pool_id = created["user_pool_id"]
    assert pool_id.startswith(f"{REGION}_")

    config = requests.get(f"{server.url}/api/apps/{created['app_id']}/config", timeout=10).json()
    assert config["provider"] == "cognito"
    assert config["userPoolId"] == pool_id
    assert config["clientId"] == created["client_id"]
    assert config["endpoint"] == f"{emulator}/"
    assert config["issuer"] == f"https://cognito-idp.{REGION}.amazonaws.com/{pool_id}"

    # A user signs up at Cognito with the config's ids, and signs in there with SRP.
    idp = idp_at(config)
    email = unique_email("aws")
    idp.sign_up(
        ClientId=config["clientId"], Username=email, Password=PASSWORD,
        UserAttributes=[{"Name": "email", "Value": email}],
    )
    idp.admin_confirm_sign_up(UserPoolId=pool_id, Username=email)
    tokens = AWSSRP(
        username=email, password=PASSWORD, pool_id=pool_id,
        client_id=config["clientId"], client=idp,
    ).authenticate_user()
    assert tokens["AuthenticationResult"]["AccessToken"]
    with pytest.raises(ClientError) as refused:
        AWSSRP(
            username=email, password=PASSWORD + "x", pool_id=pool_id,
            client_id=config["clientId"], client=idp,
        ).authenticate_user()
    assert error_of(refused)[0] == "NotAuthorizedException"

    # GET /api/user takes the pool's tokens, checked against Cognito's JWKS; not a tampered one.
    result = tokens["AuthenticationResult"]
    for token, use in ((result["AccessToken"], "access"), (result["IdToken"], "id")):
        me = requests.get(f"{server.url}/api/user", headers={"Authorization": f"Bearer {token}"},
                          timeout=10)
        assert me.status_code == 200, me.text
        assert me.json()["app_id"] == created["app_id"]
        assert me.json()["token_use"] == use
    sub = me.json()["user_id"]
    header, payload, signature = result["AccessToken"].split(".")
    tampered = f"{header}.{payload}.{signature[:-4]}AAAA"
    me = requests.get(f"{server.url}/api/user", headers={"Authorization": f"Bearer {tampered}"},
                      timeout=10)
    assert me.status_code == 401, me.text

    # With the app's leave, a user makes an API key of their own with that access token, and a
    # service verifies it as theirs; a user disabled in Cognito has theirs refused.
    run_cli(
        "apps", "update", created["app_id"], "--patch",
        '{"user_api_keys": {"enabled": true, "scopes": ["read"]}}', *aws,
        data_dir=server.data_dir, listen=server.listen,
    )

    def own_key(access_token: str) -> str:
        made = requests.post(
            f"{server.url}/api/keys", json={"name": "cli", "scopes": ["read"]},
            headers={"Authorization": f"Bearer {access_token}"}, timeout=10,
        )
        assert made.status_code == 201, made.text
        return made.json()["key"]

    def verify(key: str) -> dict:
        return requests.post(f"{server.url}/api/keys/verify", json={"key": key}, timeout=10).json()

    verified = verify(own_key(result["AccessToken"]))
    assert verified["valid"] is True
    assert verified["user_id"] == sub
    assert verified["app_id"] == created["app_id"]
    other = unique_email("aws-off")
    idp.sign_up(ClientId=config["clientId"], Username=other, Password=PASSWORD,
                UserAttributes=[{"Name": "email", "Value": other}])
    idp.admin_confirm_sign_up(UserPoolId=pool_id, Username=other)
    theirs = AWSSRP(username=other, password=PASSWORD, pool_id=pool_id,
                    client_id=config["clientId"], client=idp).authenticate_user()
    key = own_key(theirs["AuthenticationResult"]["AccessToken"])
    idp.admin_disable_user(UserPoolId=pool_id, Username=other)
    assert verify(key) == {"valid": False}

    # A token of a pool in the same Cognito that is not one of our apps is refused.
    stranger = idp.create_user_pool(PoolName="not ours", UsernameAttributes=["email"])["UserPool"]["Id"]
    stranger_client = idp.create_user_pool_client(
        UserPoolId=stranger, ClientName="web", ExplicitAuthFlows=["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
    )["UserPoolClient"]["ClientId"]
    idp.sign_up(ClientId=stranger_client, Username=email, Password=PASSWORD,
                UserAttributes=[{"Name": "email", "Value": email}])
    idp.admin_confirm_sign_up(UserPoolId=stranger, Username=email)
    theirs = AWSSRP(username=email, password=PASSWORD, pool_id=stranger,
                    client_id=stranger_client, client=idp).authenticate_user()
    me = requests.get(
        f"{server.url}/api/user",
        headers={"Authorization": f"Bearer {theirs['AuthenticationResult']['AccessToken']}"},
        timeout=10,
    )
    assert me.status_code == 401, me.text
    idp.delete_user_pool(UserPoolId=stranger)

    # This server sends the app's users to Cognito rather than serving them.
    answer = requests.post(
        f"{server.url}/",
        headers={"X-Amz-Target": "AWSCognitoIdentityProviderService.InitiateAuth",
                 "Content-Type": "application/x-amz-json-1.1"},
        data=json.dumps({"ClientId": config["clientId"], "AuthFlow": "USER_SRP_AUTH",
                         "AuthParameters": {"USERNAME": email, "SRP_A": "1"}}),
        timeout=10,
    )
    assert answer.status_code == 400
    assert answer.json() == {
        "__type": "ResourceNotFoundException",
        "message": f"User pool {pool_id} lives in cognito: call {emulator}/",
    }

    # Deleting the app deletes the pool.
    run_cli(
        "apps", "delete", created["app_id"], *aws,
        data_dir=server.data_dir, listen=server.listen,
    )
    with pytest.raises(ClientError) as gone:
        idp.describe_user_pool(UserPoolId=pool_id)
    assert error_of(gone)[0] == "ResourceNotFoundException"


def test_an_app_whose_pool_this_server_cannot_delete_is_let_go_only_when_asked(
    auth_return, emulator
):
    aws = ("--aws-region", REGION, "--aws-endpoint-url", emulator)
    server = auth_return(*aws)
    created = json.loads(
        run_cli(
            "apps", "create", "--json", "--name", "Orphan", "--provider", "cognito", *aws,
            data_dir=server.data_dir, listen=server.listen,
        )
    )
    app_id, pool_id = created["app_id"], created["user_pool_id"]

    # Without the AWS settings the pool cannot be deleted there, so the app stays here.
    refused = subprocess.run(
        [os.environ["AUTH_RETURN_BIN"], "apps", "delete", app_id,
         "--data-dir", str(server.data_dir), "--listen", server.listen],
        capture_output=True, text=True, env=clean_env(), timeout=60,
    )
    assert refused.returncode != 0
    assert "has no cognito provider" in refused.stderr, refused.stderr
    assert "--keep-provider-pool" in refused.stderr, refused.stderr
    assert requests.get(f"{server.url}/api/apps/{app_id}/config", timeout=10).status_code == 200

    # Asked to, it lets the app go and leaves the pool in AWS untouched.
    run_cli(
        "apps", "delete", app_id, "--keep-provider-pool",
        data_dir=server.data_dir, listen=server.listen,
    )
    assert requests.get(f"{server.url}/api/apps/{app_id}/config", timeout=10).status_code == 404
    idp = idp_at({"endpoint": emulator, "region": REGION})
    assert idp.describe_user_pool(UserPoolId=pool_id)["UserPool"]["Id"] == pool_id
    idp.delete_user_pool(UserPoolId=pool_id)
