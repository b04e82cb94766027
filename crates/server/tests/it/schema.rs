//! Custom attributes (issue 17, docs/cognito-protocol.md §5.7) through the Cognito endpoint:
//! AddCustomAttributes and CreateUserPool's `Schema` declare them, DescribeUserPool and the REST
//! app show them; once one is declared, users' `custom:` values are checked against the schema
//! on every write, immutable ones only at creation; values come back in user reads and the ID
//! token; every refusal is Cognito's error and stores nothing; a burst never passes 50.

use crate::common::{PASSWORD, TestServer, claims, create_app, developer, send};
use auth_return_core::Actor;
use auth_return_core::apps::CreatedApp;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// A developer's pool: their console token, the pool id and its client id.
struct Pool {
    token: String,
    app: Value,
}

impl Pool {
    async fn new(server: &TestServer) -> Self {
        let token = developer(server, "dev@example.com").await;
        let app = create_app(server, &token, "Shop").await;
        Self { token, app }
    }

    fn id(&self) -> &str {
        self.app["user_pool_id"].as_str().unwrap()
    }

    fn client(&self) -> &str {
        self.app["client_id"].as_str().unwrap()
    }

    async fn call(&self, server: &TestServer, op: &str, mut body: Value) -> crate::common::Reply {
        body["UserPoolId"] = json!(self.id());
        server.admin(&self.token, op, body).await
    }

    async fn add(&self, server: &TestServer, attributes: Value) -> crate::common::Reply {
        self.call(
            server,
            "AddCustomAttributes",
            json!({"CustomAttributes": attributes}),
        )
        .await
    }

    /// The custom entries of DescribeUserPool's `SchemaAttributes`.
    async fn custom_schema(&self, server: &TestServer) -> Vec<Value> {
        let described = self.call(server, "DescribeUserPool", json!({})).await;
        described.ok()["UserPool"]["SchemaAttributes"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|a| a["Name"].as_str().unwrap().starts_with("custom:"))
            .cloned()
            .collect()
    }

    async fn custom_names(&self, server: &TestServer) -> Vec<String> {
        self.custom_schema(server)
            .await
            .iter()
            .map(|a| a["Name"].as_str().unwrap().to_owned())
            .collect()
    }

    async fn created_app(&self, server: &TestServer) -> CreatedApp {
        let app_id = self.app["app_id"].as_str().unwrap().parse().unwrap();
        let app = server
            .service
            .get_app(Actor::Operator, &app_id)
            .await
            .unwrap();
        CreatedApp {
            app,
            client_secret: None,
        }
    }
}

fn attribute_of(list: &Value, name: &str) -> Option<String> {
    list.as_array()
        .unwrap()
        .iter()
        .find(|a| a["Name"] == name)
        .map(|a| a["Value"].as_str().unwrap().to_owned())
}

/// The schema most tests use: a bounded string, a bounded number, an immutable string.
fn shop_schema() -> Value {
    json!([
        {"Name": "tier", "AttributeDataType": "String",
         "StringAttributeConstraints": {"MinLength": "2", "MaxLength": "8"}},
        {"Name": "level", "AttributeDataType": "Number",
         "NumberAttributeConstraints": {"MinValue": "1", "MaxValue": "10"}},
        {"Name": "tenant", "Mutable": false},
    ])
}

#[tokio::test]
async fn declared_attributes_are_described_in_cognitos_shape() {
    let server = TestServer::start().await;
    let pool = Pool::new(&server).await;
    assert!(pool.custom_schema(&server).await.is_empty());
    assert_eq!(pool.add(&server, shop_schema()).await.ok(), &json!({}));

    let described = pool.call(&server, "DescribeUserPool", json!({})).await;
    let schema = described.ok()["UserPool"]["SchemaAttributes"]
        .as_array()
        .unwrap()
        .clone();
    let named = |name: &str| schema.iter().find(|a| a["Name"] == name).cloned().unwrap();
    assert_eq!(
        named("sub"),
        json!({"Name": "sub", "AttributeDataType": "String", "DeveloperOnlyAttribute": false,
               "Mutable": false, "Required": true,
               "StringAttributeConstraints": {"MinLength": "1", "MaxLength": "2048"}})
    );
    assert_eq!(named("email")["Required"], true);
    assert_eq!(named("email_verified")["AttributeDataType"], "Boolean");
    assert_eq!(
        named("updated_at")["NumberAttributeConstraints"],
        json!({"MinValue": "0"})
    );
    assert_eq!(
        pool.custom_schema(&server).await,
        vec![
            json!({"Name": "custom:tier", "AttributeDataType": "String",
                   "DeveloperOnlyAttribute": false, "Mutable": true, "Required": false,
                   "StringAttributeConstraints": {"MinLength": "2", "MaxLength": "8"}}),
            json!({"Name": "custom:level", "AttributeDataType": "Number",
                   "DeveloperOnlyAttribute": false, "Mutable": true, "Required": false,
                   "NumberAttributeConstraints": {"MinValue": "1", "MaxValue": "10"}}),
            json!({"Name": "custom:tenant", "AttributeDataType": "String",
                   "DeveloperOnlyAttribute": false, "Mutable": false, "Required": false,
                   "StringAttributeConstraints": {}}),
        ]
    );

    // The REST app shows the schema, read-only.
    let app_id = pool.app["app_id"].as_str().unwrap();
    let (status, app) = send(
        &server,
        Method::GET,
        &format!("/api/apps/{app_id}"),
        Some(&pool.token),
        None,
    )
    .await;
    assert_eq!(status, StatusCode::OK);
    let custom = app["custom_attributes"].as_array().unwrap();
    assert_eq!(custom.len(), 3);
    assert_eq!(
        custom[1],
        json!({"name": "level", "mutable": true,
               "kind": {"type": "number", "min_value": 1, "max_value": 10}})
    );
    let (status, _) = send(
        &server,
        Method::PATCH,
        &format!("/api/apps/{app_id}"),
        Some(&pool.token),
        Some(json!({"custom_attributes": []})),
    )
    .await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "not writable through PATCH"
    );
    assert_eq!(pool.custom_schema(&server).await.len(), 3);

    // The change is in the audit log, as other settings changes are.
    let created = pool.created_app(&server).await;
    let events = crate::common::pool_events(&server, &created).await;
    let changed = events
        .iter()
        .find(|e| e.detail.get("changed").and_then(Value::as_str) == Some("custom_attributes"))
        .expect("a settings_changed event");
    assert_eq!(changed.kind.as_str(), "settings_changed");
    assert_eq!(
        changed.detail["added"],
        json!("custom:tier custom:level custom:tenant")
    );
}

#[tokio::test]
async fn refused_declarations_are_cognitos_errors_and_store_nothing() {
    let server = TestServer::start().await;
    let pool = Pool::new(&server).await;
    pool.add(&server, json!([{"Name": "tier"}])).await.ok();

    let invalid = "InvalidParameterException";
    pool.add(&server, json!([{"Name": "tier"}]))
        .await
        .assert_error(
            invalid,
            "custom:tier: Existing attribute already has name custom:tier.",
        );
    // All or nothing: a new name beside a taken one is not added either.
    pool.add(&server, json!([{"Name": "fresh"}, {"Name": "tier"}]))
        .await
        .assert_error(
            invalid,
            "custom:tier: Existing attribute already has name custom:tier.",
        );
    pool.add(&server, json!([{"Name": "twice"}, {"Name": "twice"}]))
        .await
        .assert_error(
            invalid,
            "custom:twice: Existing attribute already has name custom:twice.",
        );
    for kind in ["DateTime", "Boolean"] {
        pool.add(
            &server,
            json!([{"Name": "fresh"}, {"Name": "when", "AttributeDataType": kind}]),
        )
        .await
        .assert_error(
            invalid,
            &format!(
                "AttributeDataType {kind} is not supported here (custom:when): String and \
                 Number only."
            ),
        );
    }
    let reply = pool
        .add(
            &server,
            json!([{"Name": "secret", "DeveloperOnlyAttribute": true}]),
        )
        .await;
    assert_eq!(reply.error_type(), invalid);
    assert!(
        reply
            .message()
            .starts_with("DeveloperOnlyAttribute is not supported here (custom:secret)"),
        "{}",
        reply.message()
    );
    let reply = pool
        .add(&server, json!([{"Name": "must", "Required": true}]))
        .await;
    assert!(reply.message().starts_with("Required is not supported"));
    let reply = pool.add(&server, json!([{"Name": "a".repeat(21)}])).await;
    assert!(reply.message().starts_with("Invalid custom attribute name"));
    let reply = pool.add(&server, json!([{"Name": "has space"}])).await;
    assert!(reply.message().starts_with("Invalid custom attribute name"));
    let reply = pool
        .add(
            &server,
            json!([{"Name": "n", "AttributeDataType": "Number",
                    "NumberAttributeConstraints": {"MinValue": "9", "MaxValue": "1"}}]),
        )
        .await;
    assert_eq!(
        reply.message(),
        "NumberAttributeConstraints.MinValue of custom:n is above its MaxValue."
    );
    let reply = pool
        .add(
            &server,
            json!([{"Name": "s", "StringAttributeConstraints": {"MaxLength": "4096"}}]),
        )
        .await;
    assert_eq!(
        reply.message(),
        "StringAttributeConstraints of custom:s must be a whole number from 0 to 2048."
    );
    pool.add(&server, json!([])).await.assert_error(
        invalid,
        "CustomAttributes must name at least one attribute.",
    );
    let reply = pool.add(&server, json!("tier")).await;
    assert_eq!(reply.error_type(), invalid);
    let reply = pool.call(&server, "AddCustomAttributes", json!({})).await;
    assert_eq!(reply.error_type(), invalid);
    assert_eq!(pool.custom_names(&server).await, ["custom:tier"]);

    // Another developer's pool does not exist for them.
    let other = developer(&server, "other@example.com").await;
    let reply = server
        .admin(
            &other,
            "AddCustomAttributes",
            json!({"UserPoolId": pool.id(), "CustomAttributes": [{"Name": "x"}]}),
        )
        .await;
    assert_eq!(reply.error_type(), "ResourceNotFoundException");
    assert_eq!(pool.custom_names(&server).await, ["custom:tier"]);
}

#[tokio::test]
async fn a_pool_holds_at_most_50_custom_attributes() {
    let server = TestServer::start().await;
    let pool = Pool::new(&server).await;
    let names = |range: std::ops::Range<usize>| -> Value {
        range.map(|i| json!({"Name": format!("a{i}")})).collect()
    };
    let limit = "A user pool can have at most 50 custom attributes.";
    pool.add(&server, names(0..51))
        .await
        .assert_error("LimitExceededException", limit);
    assert!(pool.custom_names(&server).await.is_empty());
    pool.add(&server, names(0..49)).await.ok();
    pool.add(&server, names(49..51))
        .await
        .assert_error("LimitExceededException", limit);
    assert_eq!(pool.custom_names(&server).await.len(), 49);
    pool.add(&server, names(49..50)).await.ok();
    pool.add(&server, names(50..51))
        .await
        .assert_error("LimitExceededException", limit);
    assert_eq!(pool.custom_names(&server).await.len(), 50);
}

#[tokio::test]
async fn a_burst_of_additions_loses_none_and_never_passes_50() {
    let server = TestServer::start().await;
    let pool = Pool::new(&server).await;
    let first: Value = (0..40).map(|i| json!({"Name": format!("a{i}")})).collect();
    pool.add(&server, first).await.ok();

    // Twenty at once, each its own request on the wire.
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..20 {
        let name = format!("burst{i}");
        let request = server
            .http
            .post(&server.url)
            .header("content-type", "application/x-amz-json-1.1")
            .header(
                "x-amz-target",
                "AWSCognitoIdentityProviderService.AddCustomAttributes",
            )
            .bearer_auth(&pool.token)
            .body(
                json!({"UserPoolId": pool.id(), "CustomAttributes": [{"Name": name}]}).to_string(),
            );
        tasks.spawn(async move {
            let response = request.send().await.unwrap();
            let status = response.status();
            let body: Value = response.json().await.unwrap();
            (name, status, body)
        });
    }
    let mut landed = Vec::new();
    for (name, status, body) in tasks.join_all().await {
        if status == StatusCode::OK {
            landed.push(format!("custom:{name}"));
        } else {
            assert_eq!(body["__type"], "LimitExceededException", "{body}");
            assert_eq!(
                body["message"],
                "A user pool can have at most 50 custom attributes."
            );
        }
    }
    assert_eq!(landed.len(), 10, "exactly the room left");
    let stored = pool.custom_names(&server).await;
    assert_eq!(stored.len(), 50);
    for name in &landed {
        assert!(stored.contains(name), "{name} answered OK and is stored");
    }
}

#[tokio::test]
async fn without_a_schema_any_custom_attribute_is_taken_as_before() {
    let server = TestServer::start().await;
    let pool = Pool::new(&server).await;
    let reply = server
        .call(
            "SignUp",
            json!({"ClientId": pool.client(), "Username": "ann@example.com",
                   "Password": PASSWORD,
                   "UserAttributes": [{"Name": "custom:anything", "Value": "goes"}]}),
        )
        .await;
    reply.ok();
    let user = pool
        .call(
            &server,
            "AdminGetUser",
            json!({"Username": "ann@example.com"}),
        )
        .await;
    assert_eq!(
        attribute_of(&user.ok()["UserAttributes"], "custom:anything").as_deref(),
        Some("goes")
    );
}

#[tokio::test]
async fn once_declared_values_are_checked_on_every_write() {
    let server = TestServer::start().await;
    let pool = Pool::new(&server).await;
    pool.add(&server, shop_schema()).await.ok();
    let invalid = "InvalidParameterException";
    let sign_up = |email: &'static str, attributes: Value| {
        server.call(
            "SignUp",
            json!({"ClientId": pool.client(), "Username": email, "Password": PASSWORD,
                   "UserAttributes": attributes}),
        )
    };

    // Refused at sign-up: an undeclared name, a value out of its bounds or of another type.
    let refusals = [
        (
            json!([{"Name": "custom:other", "Value": "x"}]),
            "Attributes did not conform to the schema: Type for attribute {custom:other} could \
             not be determined",
        ),
        (
            json!([{"Name": "custom:tier", "Value": "g"}]),
            "Attributes did not conform to the schema: custom:tier: String must be no shorter \
             than 2 characters",
        ),
        (
            json!([{"Name": "custom:tier", "Value": "platinum+"}]),
            "Attributes did not conform to the schema: custom:tier: String must be no longer \
             than 8 characters",
        ),
        (
            json!([{"Name": "custom:level", "Value": "11"}]),
            "Attributes did not conform to the schema: custom:level: Number must be no greater \
             than 10",
        ),
        (
            json!([{"Name": "custom:level", "Value": "0"}]),
            "Attributes did not conform to the schema: custom:level: Number must be no less \
             than 1",
        ),
        (
            json!([{"Name": "custom:level", "Value": "three"}]),
            "Attributes did not conform to the schema: custom:level: Number must be a whole \
             number",
        ),
    ];
    for (attributes, message) in refusals {
        sign_up("nobody@example.com", attributes)
            .await
            .assert_error(invalid, message);
    }
    let nobody = pool
        .call(
            &server,
            "AdminGetUser",
            json!({"Username": "nobody@example.com"}),
        )
        .await;
    assert_eq!(
        nobody.error_type(),
        "UserNotFoundException",
        "nothing stored"
    );

    // Taken at sign-up, immutable ones too.
    sign_up(
        "ann@example.com",
        json!([{"Name": "custom:tier", "Value": "gold"},
               {"Name": "custom:level", "Value": "3"},
               {"Name": "custom:tenant", "Value": "acme"}]),
    )
    .await
    .ok();
    let code = server.last_code("ann@example.com");
    server
        .call(
            "ConfirmSignUp",
            json!({"ClientId": pool.client(), "Username": "ann@example.com",
                   "ConfirmationCode": code}),
        )
        .await
        .ok();

    // Values come back in user reads and the ID token, as strings.
    let app = pool.created_app(&server).await;
    let tokens = server.tokens(&app, "ann@example.com", PASSWORD).await;
    let id = claims(&tokens.id);
    assert_eq!(id["custom:tier"], "gold");
    assert_eq!(id["custom:level"], "3");
    assert_eq!(id["custom:tenant"], "acme");
    let me = server
        .call("GetUser", json!({"AccessToken": tokens.access}))
        .await;
    assert_eq!(
        attribute_of(&me.ok()["UserAttributes"], "custom:level").as_deref(),
        Some("3")
    );
    let listed = pool
        .call(
            &server,
            "ListUsers",
            json!({"Filter": "email = \"ann@example.com\""}),
        )
        .await;
    assert_eq!(
        attribute_of(&listed.ok()["Users"][0]["Attributes"], "custom:tenant").as_deref(),
        Some("acme")
    );

    // The user changes mutable ones within bounds; never the immutable one, nor out of bounds.
    let update = |attributes: Value| {
        server.call(
            "UpdateUserAttributes",
            json!({"AccessToken": tokens.access, "UserAttributes": attributes}),
        )
    };
    update(json!([{"Name": "custom:tier", "Value": "silver"}]))
        .await
        .ok();
    let immutable = "Cannot modify the non-mutable attribute custom:tenant";
    update(json!([{"Name": "custom:tenant", "Value": "other"}]))
        .await
        .assert_error(invalid, immutable);
    update(json!([{"Name": "custom:tenant", "Value": ""}]))
        .await
        .assert_error(invalid, immutable);
    update(json!([{"Name": "custom:level", "Value": "4"},
                  {"Name": "custom:other", "Value": "x"}]))
    .await
    .assert_error(
        invalid,
        "Attributes did not conform to the schema: Type for attribute {custom:other} could not \
         be determined",
    );

    // The administrator neither.
    pool.call(
        &server,
        "AdminUpdateUserAttributes",
        json!({"Username": "ann@example.com",
               "UserAttributes": [{"Name": "custom:tenant", "Value": "other"}]}),
    )
    .await
    .assert_error(invalid, immutable);
    pool.call(
        &server,
        "AdminUpdateUserAttributes",
        json!({"Username": "ann@example.com",
               "UserAttributes": [{"Name": "custom:level", "Value": "99"}]}),
    )
    .await
    .assert_error(
        invalid,
        "Attributes did not conform to the schema: custom:level: Number must be no greater than 10",
    );
    pool.call(
        &server,
        "AdminDeleteUserAttributes",
        json!({"Username": "ann@example.com", "UserAttributeNames": ["custom:tenant"]}),
    )
    .await
    .assert_error(invalid, immutable);
    pool.call(
        &server,
        "AdminDeleteUserAttributes",
        json!({"Username": "ann@example.com", "UserAttributeNames": ["custom:level"]}),
    )
    .await
    .ok();

    // Nothing refused was stored; what was taken was.
    let user = pool
        .call(
            &server,
            "AdminGetUser",
            json!({"Username": "ann@example.com"}),
        )
        .await;
    let attributes = &user.ok()["UserAttributes"];
    assert_eq!(
        attribute_of(attributes, "custom:tier").as_deref(),
        Some("silver")
    );
    assert_eq!(
        attribute_of(attributes, "custom:tenant").as_deref(),
        Some("acme")
    );
    assert_eq!(attribute_of(attributes, "custom:level"), None);
    assert_eq!(attribute_of(attributes, "custom:other"), None);

    // AdminCreateUser sets immutable ones and is checked the same way.
    pool.call(
        &server,
        "AdminCreateUser",
        json!({"Username": "bob@example.com", "MessageAction": "SUPPRESS",
               "UserAttributes": [{"Name": "custom:zone", "Value": "x"}]}),
    )
    .await
    .assert_error(
        invalid,
        "Attributes did not conform to the schema: Type for attribute {custom:zone} could not \
         be determined",
    );
    let created = pool
        .call(
            &server,
            "AdminCreateUser",
            json!({"Username": "bob@example.com", "MessageAction": "SUPPRESS",
                   "UserAttributes": [{"Name": "custom:tenant", "Value": "globex"}]}),
        )
        .await;
    assert_eq!(
        attribute_of(&created.ok()["User"]["Attributes"], "custom:tenant").as_deref(),
        Some("globex")
    );
}

#[tokio::test]
async fn create_user_pool_takes_a_schema_and_update_user_pool_does_not() {
    let server = TestServer::start().await;
    let token = developer(&server, "dev@example.com").await;
    let count_pools = || async {
        server
            .admin(&token, "ListUserPools", json!({"MaxResults": 60}))
            .await
            .ok()["UserPools"]
            .as_array()
            .unwrap()
            .len()
    };
    let created = server
        .admin(
            &token,
            "CreateUserPool",
            json!({"PoolName": "Declared", "Schema": [
                {"Name": "email", "AttributeDataType": "String", "Required": true,
                 "Mutable": true,
                 "StringAttributeConstraints": {"MinLength": "0", "MaxLength": "2048"}},
                {"Name": "name", "AttributeDataType": "String", "Required": false},
                {"Name": "plan", "AttributeDataType": "String", "Mutable": false,
                 "StringAttributeConstraints": {"MaxLength": "16"}},
                {"Name": "seats", "AttributeDataType": "Number",
                 "NumberAttributeConstraints": {"MinValue": "1"}},
            ]}),
        )
        .await;
    let pool = created.ok()["UserPool"].clone();
    let custom: Vec<&str> = pool["SchemaAttributes"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|a| a["Name"].as_str().filter(|n| n.starts_with("custom:")))
        .collect();
    assert_eq!(custom, ["custom:plan", "custom:seats"]);
    let pool_id = pool["Id"].as_str().unwrap().to_owned();
    assert_eq!(count_pools().await, 1);

    // A standard attribute said otherwise than it is, or a refused custom one: no pool.
    for (schema, message) in [
        (
            json!([{"Name": "name", "Required": true}]),
            "Schema attribute name is not supported here: only email is required here.",
        ),
        (
            json!([{"Name": "sub", "Mutable": true}]),
            "Schema attribute sub is not supported here: it is immutable.",
        ),
        (
            json!([{"Name": "ok"}, {"Name": "when", "AttributeDataType": "DateTime"}]),
            "AttributeDataType DateTime is not supported here (custom:when): String and Number \
             only.",
        ),
    ] {
        server
            .admin(
                &token,
                "CreateUserPool",
                json!({"PoolName": "Refused", "Schema": schema}),
            )
            .await
            .assert_error("InvalidParameterException", message);
    }
    assert_eq!(count_pools().await, 1);

    // UpdateUserPool has no schema: an empty one is taken, any other refused.
    server
        .admin(
            &token,
            "UpdateUserPool",
            json!({"UserPoolId": pool_id, "Schema": []}),
        )
        .await
        .ok();
    server
        .admin(
            &token,
            "UpdateUserPool",
            json!({"UserPoolId": pool_id, "Schema": [{"Name": "extra"}]}),
        )
        .await
        .assert_error(
            "InvalidParameterException",
            "Schema is not supported here: a pool's schema is set by CreateUserPool and grows \
             by AddCustomAttributes.",
        );
    // UpdateUserPool's settings write keeps the schema.
    let described = server
        .admin(&token, "DescribeUserPool", json!({"UserPoolId": pool_id}))
        .await;
    let names: Vec<&str> = described.ok()["UserPool"]["SchemaAttributes"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|a| a["Name"].as_str().filter(|n| n.starts_with("custom:")))
        .collect();
    assert_eq!(names, ["custom:plan", "custom:seats"]);
}
