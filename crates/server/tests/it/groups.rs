//! Groups (issue 17) through the Cognito endpoint: created, read, changed, listed and deleted;
//! users added and removed; each member's tokens naming their groups by precedence; and every
//! refusal in Cognito's words.

use crate::common::{PASSWORD, TestServer, claims, create_app, developer};
use serde_json::{Value, json};

#[tokio::test]
async fn groups_are_managed_and_named_in_their_members_tokens() {
    let server = TestServer::start().await;
    let token = developer(&server, "dev@example.com").await;
    let app = create_app(&server, &token, "Shop").await;
    let pool = app["user_pool_id"].as_str().unwrap();
    let client = app["client_id"].as_str().unwrap();
    let sub = server
        .confirmed_user(client, "ann@example.com", PASSWORD)
        .await;
    let call = |op: &'static str, body: Value| {
        let mut body = body;
        body["UserPoolId"] = json!(pool);
        server.admin(&token, op, body)
    };

    let created = call(
        "CreateGroup",
        json!({"GroupName": "editors", "Description": "They edit", "Precedence": 5,
               "RoleArn": "arn:aws:iam::123456789012:role/editor"}),
    )
    .await;
    let group = &created.ok()["Group"];
    assert_eq!(group["GroupName"], "editors");
    assert_eq!(group["UserPoolId"], pool);
    assert_eq!(group["Precedence"], 5);
    assert_eq!(group["CreationDate"], server.clock_now());
    call(
        "CreateGroup",
        json!({"GroupName": "admins", "Precedence": 1}),
    )
    .await
    .ok();
    call("CreateGroup", json!({"GroupName": "zz-unranked"}))
        .await
        .ok();
    call("CreateGroup", json!({"GroupName": "admins"}))
        .await
        .assert_error(
            "GroupExistsException",
            "A group with the name admins already exists.",
        );

    // Members by email or internal username; adding twice changes nothing.
    for (group, user) in [
        ("editors", "ann@example.com"),
        ("admins", sub.as_str()),
        ("zz-unranked", "ann@example.com"),
        ("admins", "ANN@example.com"),
    ] {
        let reply = call(
            "AdminAddUserToGroup",
            json!({"GroupName": group, "Username": user}),
        )
        .await;
        assert_eq!(reply.ok(), &json!({}), "{group} {user}");
    }

    // The tokens name the groups by precedence (none last); the ID token the roles too.
    let app_record = server
        .service
        .get_app(
            auth_return_core::Actor::Operator,
            &app["app_id"].as_str().unwrap().parse().unwrap(),
        )
        .await
        .unwrap();
    let created_app = auth_return_core::CreatedApp {
        app: app_record,
        client_secret: None,
    };
    let tokens = server
        .tokens(&created_app, "ann@example.com", PASSWORD)
        .await;
    let id = claims(&tokens.id);
    assert_eq!(
        id["cognito:groups"],
        json!(["admins", "editors", "zz-unranked"])
    );
    assert_eq!(
        id["cognito:roles"],
        json!(["arn:aws:iam::123456789012:role/editor"])
    );
    assert_eq!(
        id["cognito:preferred_role"],
        "arn:aws:iam::123456789012:role/editor"
    );
    assert_eq!(
        claims(&tokens.access)["cognito:groups"],
        json!(["admins", "editors", "zz-unranked"])
    );

    // Listings: the pool's groups by name a page at a time; the user's; the group's members.
    let first = call("ListGroups", json!({"Limit": 2})).await;
    let first = first.ok().clone();
    let names = |page: &Value| -> Vec<String> {
        page["Groups"]
            .as_array()
            .unwrap()
            .iter()
            .map(|g| g["GroupName"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(names(&first), ["admins", "editors"]);
    let rest = call(
        "ListGroups",
        json!({"Limit": 2, "NextToken": first["NextToken"]}),
    )
    .await;
    assert_eq!(names(rest.ok()), ["zz-unranked"]);
    assert!(rest.ok().get("NextToken").is_none());
    let mine = call(
        "AdminListGroupsForUser",
        json!({"Username": "ann@example.com", "Limit": 2}),
    )
    .await;
    assert_eq!(names(mine.ok()), ["admins", "editors"]);
    let mine_rest = call(
        "AdminListGroupsForUser",
        json!({"Username": "ann@example.com", "Limit": 2, "NextToken": mine.ok()["NextToken"]}),
    )
    .await;
    assert_eq!(names(mine_rest.ok()), ["zz-unranked"]);
    let members = call("ListUsersInGroup", json!({"GroupName": "admins"})).await;
    assert_eq!(members.ok()["Users"][0]["Username"], sub.as_str());

    // Changed: the members given replace, the others stay.
    let updated = call(
        "UpdateGroup",
        json!({"GroupName": "editors", "Precedence": 0}),
    )
    .await;
    assert_eq!(updated.ok()["Group"]["Precedence"], 0);
    assert_eq!(updated.ok()["Group"]["Description"], "They edit");
    let got = call("GetGroup", json!({"GroupName": "editors"})).await;
    assert_eq!(got.ok()["Group"]["Precedence"], 0);

    // Removed, and the group deleted: the next tokens say so.
    call(
        "AdminRemoveUserFromGroup",
        json!({"GroupName": "admins", "Username": "ann@example.com"}),
    )
    .await
    .ok();
    call("DeleteGroup", json!({"GroupName": "zz-unranked"}))
        .await
        .ok();
    let refreshed = server
        .call(
            "InitiateAuth",
            json!({"AuthFlow": "REFRESH_TOKEN_AUTH", "ClientId": client,
                   "AuthParameters": {"REFRESH_TOKEN": tokens.refresh}}),
        )
        .await;
    let refreshed = &refreshed.ok()["AuthenticationResult"];
    for token in ["IdToken", "AccessToken"] {
        assert_eq!(
            claims(refreshed[token].as_str().unwrap())["cognito:groups"],
            json!(["editors"]),
            "a refresh names the groups as they are now ({token})"
        );
    }
    let tokens = server
        .tokens(&created_app, "ann@example.com", PASSWORD)
        .await;
    assert_eq!(claims(&tokens.id)["cognito:groups"], json!(["editors"]));
    // A user in no group: no claim.
    call(
        "AdminRemoveUserFromGroup",
        json!({"GroupName": "editors", "Username": "ann@example.com"}),
    )
    .await
    .ok();
    let tokens = server
        .tokens(&created_app, "ann@example.com", PASSWORD)
        .await;
    assert_eq!(claims(&tokens.id).get("cognito:groups"), None);

    // Refusals.
    let cases = [
        (
            "GetGroup",
            json!({"GroupName": "nobody"}),
            "ResourceNotFoundException",
            "Group not found.",
        ),
        (
            "DeleteGroup",
            json!({"GroupName": "zz-unranked"}),
            "ResourceNotFoundException",
            "Group not found.",
        ),
        (
            "AdminAddUserToGroup",
            json!({"GroupName": "nobody", "Username": "ann@example.com"}),
            "ResourceNotFoundException",
            "Group not found.",
        ),
        (
            "AdminAddUserToGroup",
            json!({"GroupName": "admins", "Username": "nobody@example.com"}),
            "UserNotFoundException",
            "User does not exist.",
        ),
        (
            "CreateGroup",
            json!({"GroupName": "with space"}),
            "InvalidParameterException",
            "1 validation error detected: Value at 'groupName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\\p{L}\\p{M}\\p{S}\\p{N}\\p{P}]+",
        ),
        (
            "CreateGroup",
            json!({"GroupName": "x", "Precedence": -1}),
            "InvalidParameterException",
            "1 validation error detected: Value at 'precedence' failed to satisfy constraint: Member must have value greater than or equal to 0",
        ),
        (
            "CreateGroup",
            json!({"GroupName": "x", "RoleArn": "not a role at all here"}),
            "InvalidParameterException",
            "1 validation error detected: Value at 'roleArn' failed to satisfy constraint: Member must satisfy regular expression pattern: arn:[\\w+=/,.@-]+:[\\w+=/,.@-]+:([\\w+=/,.@-]*)?:[0-9]+:[\\w+=/,.@-]+(:[\\w+=/,.@-]+)?(:[\\w+=/,.@-]+)?",
        ),
        (
            "CreateGroup",
            json!({}),
            "InvalidParameterException",
            "1 validation error detected: Value null at 'groupName' failed to satisfy constraint: Member must not be null",
        ),
        (
            "ListGroups",
            json!({"Limit": 61}),
            "InvalidParameterException",
            "1 validation error detected: Value at 'limit' failed to satisfy constraint: Member must have value less than or equal to 60",
        ),
        (
            "ListGroups",
            json!({"NextToken": "!!"}),
            "InvalidParameterException",
            "Invalid pagination token.",
        ),
    ];
    for (op, body, kind, message) in cases {
        call(op, body.clone()).await.assert_error(kind, message);
    }
    let other = developer(&server, "other@example.com").await;
    server
        .admin(&other, "ListGroups", json!({"UserPoolId": pool}))
        .await
        .assert_error(
            "ResourceNotFoundException",
            &format!("User pool {pool} does not exist."),
        );
    let listed = call("ListGroups", json!({})).await;
    assert_eq!(names(listed.ok()), ["admins", "editors"]);
}
