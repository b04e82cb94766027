"""Custom attributes (issue 17, docs/cognito-protocol.md §5.7) with boto3 signing by an access
key, as against AWS: add_custom_attributes declares them, describe_user_pool lists them, a user
signs up with them, admin_get_user and the ID token carry them (as strings), and once a pool
declares one an undeclared attribute, a value out of bounds, a taken name and a change of an
immutable attribute are refused in Cognito's words."""

import jwt
import pytest
from botocore.exceptions import ClientError

from support import (
    PASSWORD,
    code_of,
    confirm,
    create_access_key,
    create_owned_app,
    developer_token,
    error_of,
    password_auth,
    signed_client,
    unique_email,
    wait_for_message,
)


@pytest.fixture(scope="module")
def pool(base_url, idp, outbox_path) -> dict:
    """A developer's console token, a fresh app of theirs, and a boto3 client signing with
    their access key."""
    token = developer_token(base_url, idp, outbox_path)
    key = create_access_key(base_url, token, name="schema")
    return {
        "token": token,
        "app": create_owned_app(base_url, token, "e2e custom attributes"),
        "admin": signed_client(base_url, key["access_key_id"], key["secret_access_key"]),
    }


def refused(call, **params) -> tuple[str, str]:
    with pytest.raises(ClientError) as error:
        call(**params)
    return error_of(error)


def test_declared_attributes_go_from_sign_up_to_the_id_token(pool, idp, outbox_path):
    admin, app = pool["admin"], pool["app"]
    pool_id = app["user_pool_id"]
    admin.add_custom_attributes(
        UserPoolId=pool_id,
        CustomAttributes=[
            {
                "Name": "tier",
                "AttributeDataType": "String",
                "StringAttributeConstraints": {"MinLength": "2", "MaxLength": "8"},
            },
            {
                "Name": "seats",
                "AttributeDataType": "Number",
                "NumberAttributeConstraints": {"MinValue": "1", "MaxValue": "100"},
            },
            {"Name": "tenant", "AttributeDataType": "String", "Mutable": False},
        ],
    )
    schema = admin.describe_user_pool(UserPoolId=pool_id)["UserPool"]["SchemaAttributes"]
    custom = {a["Name"]: a for a in schema if a["Name"].startswith("custom:")}
    assert list(custom) == ["custom:tier", "custom:seats", "custom:tenant"]
    assert custom["custom:tier"]["StringAttributeConstraints"] == {"MinLength": "2", "MaxLength": "8"}
    assert custom["custom:seats"]["AttributeDataType"] == "Number"
    assert custom["custom:seats"]["NumberAttributeConstraints"] == {"MinValue": "1", "MaxValue": "100"}
    assert custom["custom:tenant"]["Mutable"] is False
    assert any(a["Name"] == "email" for a in schema)

    # A taken name is Cognito's error, and nothing is added.
    assert refused(
        admin.add_custom_attributes,
        UserPoolId=pool_id,
        CustomAttributes=[{"Name": "fresh"}, {"Name": "tier"}],
    ) == ("InvalidParameterException", "custom:tier: Existing attribute already has name custom:tier.")
    schema = admin.describe_user_pool(UserPoolId=pool_id)["UserPool"]["SchemaAttributes"]
    assert "custom:fresh" not in [a["Name"] for a in schema]

    # Sign-up with the declared attributes; undeclared ones and values out of bounds refused.
    email = unique_email("schema")

    def sign_up(attributes):
        return idp.sign_up(
            ClientId=app["client_id"],
            Username=email,
            Password=PASSWORD,
            UserAttributes=[{"Name": "email", "Value": email}, *attributes],
        )

    assert refused(sign_up, attributes=[{"Name": "custom:nickname", "Value": "x"}]) == (
        "InvalidParameterException",
        "Attributes did not conform to the schema: Type for attribute {custom:nickname} could not be determined",
    )
    assert refused(sign_up, attributes=[{"Name": "custom:seats", "Value": "500"}]) == (
        "InvalidParameterException",
        "Attributes did not conform to the schema: custom:seats: Number must be no greater than 100",
    )
    sign_up(
        [
            {"Name": "custom:tier", "Value": "gold"},
            {"Name": "custom:seats", "Value": "12"},
            {"Name": "custom:tenant", "Value": "acme"},
        ]
    )
    confirm(idp, app, email, code_of(wait_for_message(outbox_path, email)))

    user = admin.admin_get_user(UserPoolId=pool_id, Username=email)
    attributes = {a["Name"]: a["Value"] for a in user["UserAttributes"]}
    assert attributes["custom:tier"] == "gold"
    assert attributes["custom:seats"] == "12"
    assert attributes["custom:tenant"] == "acme"

    tokens = password_auth(idp, app, email)["AuthenticationResult"]
    claims = jwt.decode(tokens["IdToken"], options={"verify_signature": False})
    assert claims["custom:tier"] == "gold"
    assert claims["custom:seats"] == "12"  # a string, as Cognito puts it
    assert claims["custom:tenant"] == "acme"

    # The immutable attribute stays as created; a mutable one changes.
    assert refused(
        admin.admin_update_user_attributes,
        UserPoolId=pool_id,
        Username=email,
        UserAttributes=[{"Name": "custom:tenant", "Value": "globex"}],
    ) == ("InvalidParameterException", "Cannot modify the non-mutable attribute custom:tenant")
    idp.update_user_attributes(
        AccessToken=tokens["AccessToken"],
        UserAttributes=[{"Name": "custom:tier", "Value": "silver"}],
    )
    user = admin.admin_get_user(UserPoolId=pool_id, Username=email)
    attributes = {a["Name"]: a["Value"] for a in user["UserAttributes"]}
    assert (attributes["custom:tier"], attributes["custom:tenant"]) == ("silver", "acme")


def test_a_read_only_key_may_not_declare(base_url, pool):
    key = create_access_key(base_url, pool["token"], name="reader", read_only=True)
    reader = signed_client(base_url, key["access_key_id"], key["secret_access_key"])
    pool_id = pool["app"]["user_pool_id"]
    assert refused(
        reader.add_custom_attributes,
        UserPoolId=pool_id,
        CustomAttributes=[{"Name": "unread"}],
    ) == ("AccessDeniedException", f"Access key {key['access_key_id']} may only read.")
    schema = reader.describe_user_pool(UserPoolId=pool_id)["UserPool"]["SchemaAttributes"]
    assert "custom:unread" not in [a["Name"] for a in schema]
