//! The admin operations, ListUsers and the pool MFA configuration (docs/cognito-protocol.md §5.2)
//! over real HTTP, authorized by the console access token of the developer who owns the app.

use crate::common::{PASSWORD, Reply, TestServer, claims, console, developer, send};
use auth_return_core::events::{EventKind, EventQuery};
use auth_return_core::settings::MfaMode;
use auth_return_core::{Actor, CreatedApp};
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::collections::BTreeSet;

const INVALID_SESSION: &str = "Invalid session for the user, session is expired.";
const INCORRECT: &str = "Incorrect username or password.";
const BAD_TOKEN: &str = "The security token included in the request is invalid.";
const SEVEN_DAYS: i64 = 7 * 24 * 3600;

/// A fresh console access token of an existing developer (after the clock moved).
async fn developer_again(server: &TestServer, email: &str) -> String {
    server
        .tokens(&console(server).await, email, PASSWORD)
        .await
        .access
}

/// A developer with one app they created through `POST /api/apps`.
struct Fixture {
    server: TestServer,
    dev: String,
    dev_email: String,
    app: CreatedApp,
    pool: String,
    client: String,
}

impl Fixture {
    async fn new(tag: &str) -> Self {
        let server = TestServer::start().await;
        let dev_email = format!("dev-{tag}@example.com");
        let dev = developer(&server, &dev_email).await;
        let response = server
            .http
            .post(format!("{}/api/apps", server.url))
            .bearer_auth(&dev)
            .json(&json!({"name": format!("Shop {tag}")}))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::CREATED);
        let created: Value = response.json().await.unwrap();
        let app = server
            .service
            .get_app(
                Actor::Operator,
                &created["app_id"].as_str().unwrap().parse().unwrap(),
            )
            .await
            .unwrap();
        let pool = app.pool_id.to_string();
        let client = app.client.id.to_string();
        Self {
            server,
            dev,
            dev_email,
            app: CreatedApp {
                app,
                client_secret: None,
            },
            pool,
            client,
        }
    }

    /// An admin call with the owner's token; `UserPoolId` is filled in unless present.
    async fn admin(&self, op: &str, body: Value) -> Reply {
        self.admin_as(op, body, Some(&self.dev)).await
    }

    async fn admin_as(&self, op: &str, mut body: Value, token: Option<&str>) -> Reply {
        if body.get("UserPoolId").is_none() {
            body["UserPoolId"] = json!(self.pool);
        }
        self.server
            .raw(op, body.to_string().into_bytes(), token)
            .await
    }

    /// AdminGetUser: (UserStatus, Enabled).
    async fn state(&self, username: &str) -> (String, bool) {
        let reply = self
            .admin("AdminGetUser", json!({"Username": username}))
            .await;
        let body = reply.ok();
        (
            body["UserStatus"].as_str().unwrap().to_owned(),
            body["Enabled"].as_bool().unwrap(),
        )
    }

    /// The value of one attribute in AdminGetUser.
    async fn attribute(&self, username: &str, name: &str) -> Option<String> {
        let reply = self
            .admin("AdminGetUser", json!({"Username": username}))
            .await;
        attribute_of(&reply.ok()["UserAttributes"], name)
    }

    /// The emails ListUsers answers for a request (one page), sorted.
    async fn list_emails(&self, body: Value) -> Vec<String> {
        let reply = self.admin("ListUsers", body).await;
        let mut emails: Vec<String> = reply.ok()["Users"]
            .as_array()
            .unwrap()
            .iter()
            .map(|u| attribute_of(&u["Attributes"], "email").unwrap())
            .collect();
        emails.sort();
        emails
    }

    /// AdminCreateUser with a temporary password and no mail.
    async fn invite_silently(&self, email: &str, temporary: &str, attributes: Value) -> Value {
        self.admin(
            "AdminCreateUser",
            json!({"Username": email, "TemporaryPassword": temporary,
                   "MessageAction": "SUPPRESS", "UserAttributes": attributes}),
        )
        .await
        .ok()
        .clone()
    }

    async fn confirmed(&self, email: &str) -> String {
        self.server
            .confirmed_user(&self.client, email, PASSWORD)
            .await
    }

    async fn assert_sign_in_fails(&self, email: &str, password: &str, kind: &str, message: &str) {
        self.server
            .srp_sign_in(&self.app, email, password)
            .await
            .assert_error(kind, message);
    }

    async fn assert_signs_in(&self, email: &str, password: &str) -> Value {
        let reply = self.server.srp_sign_in(&self.app, email, password).await;
        let body = reply.ok().clone();
        assert!(
            body["AuthenticationResult"]["AccessToken"].is_string(),
            "{body}"
        );
        body
    }

    /// Signs in with a temporary password; returns the NEW_PASSWORD_REQUIRED answer.
    async fn new_password_challenge(&self, email: &str, temporary: &str) -> Value {
        let reply = self.server.srp_sign_in(&self.app, email, temporary).await;
        let body = reply.ok().clone();
        assert_eq!(body["ChallengeName"], "NEW_PASSWORD_REQUIRED", "{body}");
        assert!(body.get("AuthenticationResult").is_none(), "{body}");
        body
    }

    async fn respond_new_password(
        &self,
        session: Option<&str>,
        username: &str,
        new_password: &str,
        extra: &[(&str, &str)],
    ) -> Reply {
        let mut responses = json!({"USERNAME": username, "NEW_PASSWORD": new_password});
        for (k, v) in extra {
            responses[*k] = json!(v);
        }
        let mut body = json!({"ChallengeName": "NEW_PASSWORD_REQUIRED", "ClientId": self.client,
                              "ChallengeResponses": responses});
        if let Some(session) = session {
            body["Session"] = json!(session);
        }
        self.server.call("RespondToAuthChallenge", body).await
    }

    fn mails_to(&self, email: &str) -> Vec<Value> {
        self.server
            .mails()
            .into_iter()
            .filter(|m| m["to"] == email)
            .collect()
    }
}

fn attribute_of(list: &Value, name: &str) -> Option<String> {
    list.as_array()
        .unwrap()
        .iter()
        .find(|a| a["Name"] == name)
        .map(|a| a["Value"].as_str().unwrap().to_owned())
}

/// The temporary password in the newest invitation to `email`.
fn invited_password(server: &TestServer, email: &str) -> String {
    let mails = server.mails();
    let mail = mails
        .iter()
        .rev()
        .find(|m| m["to"] == email)
        .expect("an invitation");
    mail["text"]
        .as_str()
        .unwrap()
        .split("temporary password ")
        .nth(1)
        .expect("the temporary password in the text")
        .split_whitespace()
        .next()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn admin_created_user_is_invited_and_chooses_a_password() {
    let f = Fixture::new("create").await;
    let email = "invitee@example.com";
    let reply = f
        .admin(
            "AdminCreateUser",
            json!({"Username": email, "UserAttributes": [{"Name": "email_verified", "Value": "true"}]}),
        )
        .await;
    let user = reply.ok()["User"].clone();
    assert_eq!(user["UserStatus"], "FORCE_CHANGE_PASSWORD");
    assert_eq!(user["Enabled"], true);
    assert_eq!(attribute_of(&user["Attributes"], "email").unwrap(), email);
    let sub = user["Username"].as_str().unwrap().to_owned();
    assert_eq!(attribute_of(&user["Attributes"], "sub").unwrap(), sub);

    // The invitation names the app and carries a working temporary password.
    let mails = f.mails_to(email);
    assert_eq!(mails.len(), 1, "{mails:?}");
    let mail = &mails[0];
    assert_eq!(mail["subject"], "You are invited to Shop create");
    assert_eq!(mail["app_name"], "Shop create");
    let text = mail["text"].as_str().unwrap();
    assert!(text.contains("Shop create"), "{text}");
    let temporary = invited_password(&f.server, email);
    assert!(temporary.len() >= 12, "{temporary}");
    assert!(text.contains(&temporary));
    assert!(f.app.app.settings.password_policy.check(&temporary).is_ok());

    let challenge = f.new_password_challenge(email, &temporary).await;
    let session = challenge["Session"].as_str().unwrap().to_owned();
    assert!(!session.is_empty());
    let params = &challenge["ChallengeParameters"];
    assert_eq!(params["USER_ID_FOR_SRP"], sub.as_str());
    let attributes: Value =
        serde_json::from_str(params["userAttributes"].as_str().expect("a JSON string")).unwrap();
    assert_eq!(attributes["email"], email);
    let required: Value = serde_json::from_str(
        params["requiredAttributes"]
            .as_str()
            .expect("a JSON string"),
    )
    .unwrap();
    assert!(required.is_array(), "{required}");

    // A weak password is refused and the session stays usable.
    f.respond_new_password(Some(&session), &sub, "weak", &[])
        .await
        .assert_error(
            "InvalidPasswordException",
            "Password did not conform with policy: Password not long enough",
        );
    f.respond_new_password(Some(&session), &sub, "alllowercase-1", &[])
        .await
        .assert_error(
            "InvalidPasswordException",
            "Password did not conform with policy: Password must have uppercase characters",
        );
    assert_eq!(f.state(email).await.0, "FORCE_CHANGE_PASSWORD");

    let new_password = "Chosen-Pass-42";
    let reply = f
        .respond_new_password(
            Some(&session),
            &sub,
            new_password,
            &[
                ("userAttributes.name", "Ada Lovelace"),
                ("userAttributes.email_verified", "true"),
            ],
        )
        .await;
    let result = &reply.ok()["AuthenticationResult"];
    assert!(
        reply.body.get("ChallengeName").is_none(),
        "{:?}",
        reply.body
    );
    let id = claims(result["IdToken"].as_str().unwrap());
    assert_eq!(id["sub"], sub.as_str());
    assert_eq!(id["name"], "Ada Lovelace");
    assert!(result["RefreshToken"].is_string());
    let me = f
        .server
        .call("GetUser", json!({"AccessToken": result["AccessToken"]}))
        .await;
    assert_eq!(
        attribute_of(&me.ok()["UserAttributes"], "name").as_deref(),
        Some("Ada Lovelace")
    );

    assert_eq!(f.state(email).await, ("CONFIRMED".to_owned(), true));
    assert_eq!(
        f.attribute(email, "name").await.as_deref(),
        Some("Ada Lovelace")
    );

    // Single use.
    f.respond_new_password(Some(&session), &sub, "Another-Pass-43", &[])
        .await
        .assert_error("NotAuthorizedException", INVALID_SESSION);
    f.assert_signs_in(email, new_password).await;
    f.assert_sign_in_fails(email, &temporary, "NotAuthorizedException", INCORRECT)
        .await;
    f.assert_sign_in_fails(
        email,
        "Another-Pass-43",
        "NotAuthorizedException",
        INCORRECT,
    )
    .await;
}

#[tokio::test]
async fn new_password_session_is_required_bound_and_expires() {
    let f = Fixture::new("session").await;
    let email = "session@example.com";
    let temporary = "Temp-Pass-123";
    f.invite_silently(email, temporary, json!([])).await;
    let challenge = f.new_password_challenge(email, temporary).await;
    let session = challenge["Session"].as_str().unwrap().to_owned();

    f.respond_new_password(None, email, "Chosen-Pass-42", &[])
        .await
        .assert_error(
            "InvalidParameterException",
            "Missing required parameter Session",
        );
    f.respond_new_password(Some("bm90IGEgc2Vzc2lvbg=="), email, "Chosen-Pass-42", &[])
        .await
        .assert_error("NotAuthorizedException", INVALID_SESSION);
    // Another user's name with this session.
    f.respond_new_password(Some(&session), "other@example.com", "Chosen-Pass-42", &[])
        .await
        .assert_error("NotAuthorizedException", INVALID_SESSION);
    // The email works as USERNAME too, but not once the session has expired.
    f.server.clock.advance(301);
    f.respond_new_password(Some(&session), email, "Chosen-Pass-42", &[])
        .await
        .assert_error("NotAuthorizedException", INVALID_SESSION);
    assert_eq!(f.state(email).await.0, "FORCE_CHANGE_PASSWORD");
    f.assert_sign_in_fails(email, "Chosen-Pass-42", "NotAuthorizedException", INCORRECT)
        .await;

    // A fresh challenge, answered in time with the email as USERNAME, works.
    let challenge = f.new_password_challenge(email, temporary).await;
    f.server.clock.advance(299);
    let reply = f
        .respond_new_password(challenge["Session"].as_str(), email, "Chosen-Pass-42", &[])
        .await;
    assert!(reply.ok()["AuthenticationResult"]["IdToken"].is_string());
    assert_eq!(f.state(email).await.0, "CONFIRMED");
}

#[tokio::test]
async fn temporary_password_expires_after_seven_days() {
    let f = Fixture::new("expiry").await;
    let email = "late@example.com";
    let temporary = "Temp-Pass-123";
    f.invite_silently(email, temporary, json!([])).await;

    f.server.clock.advance(SEVEN_DAYS - 60);
    f.new_password_challenge(email, temporary).await;
    f.server.clock.advance(61);
    f.assert_sign_in_fails(
        email,
        temporary,
        "NotAuthorizedException",
        "Temporary password has expired and must be reset by an administrator.",
    )
    .await;
    // A wrong password still says only that.
    f.assert_sign_in_fails(email, "Wrong-Pass-123", "NotAuthorizedException", INCORRECT)
        .await;

    // The administrator gives a new temporary password (the console token has expired too).
    let dev = developer_again(&f.server, &f.dev_email).await;
    let reply = f
        .admin_as(
            "AdminCreateUser",
            json!({"Username": email, "MessageAction": "RESEND"}),
            Some(&dev),
        )
        .await;
    assert_eq!(reply.ok()["User"]["UserStatus"], "FORCE_CHANGE_PASSWORD");
    let fresh = invited_password(&f.server, email);
    f.new_password_challenge(email, &fresh).await;
}

#[tokio::test]
async fn message_actions_suppress_and_resend() {
    let f = Fixture::new("actions").await;
    let quiet = "quiet@example.com";
    let reply = f
        .admin(
            "AdminCreateUser",
            json!({"Username": quiet, "TemporaryPassword": "Temp-Pass-123", "MessageAction": "SUPPRESS"}),
        )
        .await;
    assert_eq!(reply.ok()["User"]["UserStatus"], "FORCE_CHANGE_PASSWORD");
    assert!(f.mails_to(quiet).is_empty(), "SUPPRESS sends nothing");
    f.new_password_challenge(quiet, "Temp-Pass-123").await;

    let loud = "resend@example.com";
    f.admin("AdminCreateUser", json!({"Username": loud}))
        .await
        .ok();
    let first = invited_password(&f.server, loud);
    // RESEND six days later: a new password, and a new seven days.
    f.server.clock.advance(6 * 24 * 3600);
    let dev = developer_again(&f.server, &f.dev_email).await;
    let reply = f
        .admin_as(
            "AdminCreateUser",
            json!({"Username": loud, "MessageAction": "RESEND"}),
            Some(&dev),
        )
        .await;
    assert_eq!(reply.ok()["User"]["UserStatus"], "FORCE_CHANGE_PASSWORD");
    assert_eq!(f.mails_to(loud).len(), 2);
    let second = invited_password(&f.server, loud);
    assert_ne!(first, second);
    f.assert_sign_in_fails(loud, &first, "NotAuthorizedException", INCORRECT)
        .await;
    f.server.clock.advance(2 * 24 * 3600);
    f.new_password_challenge(loud, &second).await;

    // RESEND with a chosen password.
    let dev = developer_again(&f.server, &f.dev_email).await;
    f.admin_as(
        "AdminCreateUser",
        json!({"Username": loud, "MessageAction": "RESEND", "TemporaryPassword": "Resent-Pass-77"}),
        Some(&dev),
    )
    .await
    .ok();
    assert_eq!(invited_password(&f.server, loud), "Resent-Pass-77");
    f.new_password_challenge(loud, "Resent-Pass-77").await;
    f.assert_sign_in_fails(loud, &second, "NotAuthorizedException", INCORRECT)
        .await;

    // RESEND for nobody, and for a user who is not waiting for a first password.
    f.admin_as(
        "AdminCreateUser",
        json!({"Username": "nobody@example.com", "MessageAction": "RESEND"}),
        Some(&dev),
    )
    .await
    .assert_error("UserNotFoundException", "User does not exist.");
    let confirmed = "done@example.com";
    f.confirmed(confirmed).await;
    let mails_before = f.server.mails().len();
    f.admin_as(
        "AdminCreateUser",
        json!({"Username": confirmed, "MessageAction": "RESEND"}),
        Some(&dev),
    )
    .await
    .assert_error(
        "UnsupportedUserStateException",
        "User is not in FORCE_CHANGE_PASSWORD state.",
    );
    assert_eq!(f.server.mails().len(), mails_before);
    let dev = developer_again(&f.server, &f.dev_email).await;
    let reply = f
        .admin_as("AdminGetUser", json!({"Username": confirmed}), Some(&dev))
        .await;
    assert_eq!(reply.ok()["UserStatus"], "CONFIRMED");
    f.assert_signs_in(confirmed, PASSWORD).await;
    let reply = f
        .admin_as(
            "AdminGetUser",
            json!({"Username": "nobody@example.com"}),
            Some(&dev),
        )
        .await;
    reply.assert_error("UserNotFoundException", "User does not exist.");
}

#[tokio::test]
async fn admin_create_user_refusals_change_nothing() {
    let f = Fixture::new("refusals").await;
    let invited = "invited@example.com";
    f.invite_silently(
        invited,
        "Temp-Pass-123",
        json!([{"Name": "name", "Value": "Inv"}]),
    )
    .await;
    let signed_up = "signedup@example.com";
    f.confirmed(signed_up).await;
    let mails_before = f.server.mails().len();

    for (username, temporary) in [
        (invited, "Other-Temp-456"),
        (signed_up, "Other-Temp-456"),
        ("INVITED@Example.com", "Other-Temp-456"),
    ] {
        f.admin(
            "AdminCreateUser",
            json!({"Username": username, "TemporaryPassword": temporary}),
        )
        .await
        .assert_error("UsernameExistsException", "User account already exists");
    }
    f.admin(
        "AdminCreateUser",
        json!({"Username": "fresh1@example.com", "MessageAction": "SEND"}),
    )
    .await
    .assert_error(
        "InvalidParameterException",
        "1 validation error detected: Value at 'messageAction' failed to satisfy constraint: Member must satisfy enum value set: [RESEND, SUPPRESS]",
    );
    for bad in ["not-an-email", "a@b", "two words@example.com", ""] {
        let reply = f.admin("AdminCreateUser", json!({"Username": bad})).await;
        reply.assert_error(
            "InvalidParameterException",
            "Username should be either an email or a phone number.",
        );
    }
    f.admin("AdminCreateUser", json!({}))
        .await
        .assert_error(
            "InvalidParameterException",
            "1 validation error detected: Value null at 'username' failed to satisfy constraint: Member must not be null",
        );
    for (temporary, reason) in [
        ("Short-1", "Password not long enough"),
        ("nouppercase-1", "Password must have uppercase characters"),
        ("No-Numbers-Here", "Password must have numeric characters"),
        ("NoSymbols1234", "Password must have symbol characters"),
    ] {
        f.admin(
            "AdminCreateUser",
            json!({"Username": "fresh2@example.com", "TemporaryPassword": temporary}),
        )
        .await
        .assert_error(
            "InvalidPasswordException",
            &format!("Password did not conform with policy: {reason}"),
        );
    }
    f.admin(
        "AdminCreateUser",
        json!({"Username": "fresh3@example.com",
               "UserAttributes": [{"Name": "email", "Value": "someone-else@example.com"}]}),
    )
    .await
    .assert_error(
        "InvalidParameterException",
        "The email attribute must match the username.",
    );
    f.admin(
        "AdminCreateUser",
        json!({"Username": "fresh4@example.com",
               "UserAttributes": [{"Name": "favourite_colour", "Value": "blue"}]}),
    )
    .await
    .assert_error(
        "InvalidParameterException",
        "Attribute does not exist in the schema.\nfavourite_colour",
    );

    // Nothing was created, sent or changed.
    assert_eq!(f.server.mails().len(), mails_before);
    assert_eq!(
        f.list_emails(json!({})).await,
        vec![invited.to_owned(), signed_up.to_owned()]
    );
    assert_eq!(f.state(invited).await.0, "FORCE_CHANGE_PASSWORD");
    assert_eq!(f.attribute(invited, "name").await.as_deref(), Some("Inv"));
    f.new_password_challenge(invited, "Temp-Pass-123").await;
    f.assert_sign_in_fails(
        invited,
        "Other-Temp-456",
        "NotAuthorizedException",
        INCORRECT,
    )
    .await;
    assert_eq!(f.state(signed_up).await.0, "CONFIRMED");
    f.assert_signs_in(signed_up, PASSWORD).await;
}

#[tokio::test]
async fn admin_get_user_shows_attributes_status_and_enabled() {
    let f = Fixture::new("get").await;
    let email = "gotten@example.com";
    let sub = f.confirmed(email).await;
    let pending = "pending@example.com";
    f.server.sign_up(&f.client, pending, PASSWORD).await.ok();

    for username in [email, sub.as_str(), "Gotten@Example.COM"] {
        let reply = f.admin("AdminGetUser", json!({"Username": username})).await;
        let body = reply.ok();
        assert_eq!(body["Username"], sub.as_str());
        assert_eq!(body["UserStatus"], "CONFIRMED");
        assert_eq!(body["Enabled"], true);
        assert!(body.get("Attributes").is_none(), "{body}");
        let attributes = &body["UserAttributes"];
        assert_eq!(
            attribute_of(attributes, "sub").as_deref(),
            Some(sub.as_str())
        );
        assert_eq!(attribute_of(attributes, "email").as_deref(), Some(email));
        assert_eq!(
            attribute_of(attributes, "email_verified").as_deref(),
            Some("true")
        );
        assert!(body["UserCreateDate"].is_number());
        assert!(body["UserLastModifiedDate"].is_number());
    }
    assert_eq!(f.state(pending).await, ("UNCONFIRMED".to_owned(), true));
    assert_eq!(
        f.attribute(pending, "email_verified").await.as_deref(),
        Some("false")
    );
    for unknown in ["nobody@example.com", "00000000-0000-4000-8000-000000000000"] {
        f.admin("AdminGetUser", json!({"Username": unknown}))
            .await
            .assert_error("UserNotFoundException", "User does not exist.");
    }
    f.admin("AdminGetUser", json!({}))
        .await
        .assert_error(
            "InvalidParameterException",
            "1 validation error detected: Value null at 'username' failed to satisfy constraint: Member must not be null",
        );
    f.admin(
        "AdminGetUser",
        json!({"UserPoolId": "local_nosuchpoo", "Username": email}),
    )
    .await
    .assert_error(
        "ResourceNotFoundException",
        "User pool local_nosuchpoo does not exist.",
    );
    // No pool id is longer than 55 characters: a longer one is echoed cut to that.
    let long = format!("local_{}", "x".repeat(60));
    f.admin(
        "AdminGetUser",
        json!({"UserPoolId": long, "Username": email}),
    )
    .await
    .assert_error(
        "ResourceNotFoundException",
        &format!("User pool {} does not exist.", &long[..55]),
    );
}

#[tokio::test]
async fn disabled_users_cannot_sign_in_or_use_their_tokens_until_enabled() {
    let f = Fixture::new("disable").await;
    let email = "disabled@example.com";
    f.confirmed(email).await;
    let bystander = "bystander@example.com";
    f.confirmed(bystander).await;
    let tokens = f.server.tokens(&f.app, email, PASSWORD).await;
    let other_tokens = f.server.tokens(&f.app, bystander, PASSWORD).await;

    assert_eq!(
        f.admin("AdminDisableUser", json!({"Username": email}))
            .await
            .ok(),
        &json!({})
    );
    assert_eq!(f.state(email).await, ("CONFIRMED".to_owned(), false));
    f.assert_sign_in_fails(
        email,
        PASSWORD,
        "NotAuthorizedException",
        "User is disabled.",
    )
    .await;
    f.assert_sign_in_fails(email, "Wrong-Pass-123", "NotAuthorizedException", INCORRECT)
        .await;
    let reply = f
        .server
        .call("GetUser", json!({"AccessToken": tokens.access}))
        .await;
    assert_eq!(reply.error_type(), "NotAuthorizedException", "{reply:?}");
    let reply = f
        .server
        .call(
            "GetTokensFromRefreshToken",
            json!({"RefreshToken": tokens.refresh, "ClientId": f.client}),
        )
        .await;
    assert_eq!(reply.error_type(), "NotAuthorizedException", "{reply:?}");
    let reply = f
        .server
        .call(
            "InitiateAuth",
            json!({"AuthFlow": "REFRESH_TOKEN_AUTH", "ClientId": f.client,
                   "AuthParameters": {"REFRESH_TOKEN": tokens.refresh}}),
        )
        .await;
    assert_eq!(reply.error_type(), "NotAuthorizedException", "{reply:?}");
    // Nobody else is affected.
    f.server
        .call("GetUser", json!({"AccessToken": other_tokens.access}))
        .await
        .ok();
    assert_eq!(f.state(bystander).await, ("CONFIRMED".to_owned(), true));
    assert_eq!(
        f.list_emails(json!({"Filter": "status = \"Disabled\""}))
            .await,
        vec![email.to_owned()]
    );

    assert_eq!(
        f.admin("AdminEnableUser", json!({"Username": email}))
            .await
            .ok(),
        &json!({})
    );
    assert_eq!(f.state(email).await, ("CONFIRMED".to_owned(), true));
    let fresh = f.server.tokens(&f.app, email, PASSWORD).await;
    f.server
        .call("GetUser", json!({"AccessToken": fresh.access}))
        .await
        .ok();
    // The sessions that were revoked stay revoked.
    f.server
        .call("GetUser", json!({"AccessToken": tokens.access}))
        .await
        .assert_error("NotAuthorizedException", "Access Token has been revoked");
    f.server
        .call(
            "GetTokensFromRefreshToken",
            json!({"RefreshToken": tokens.refresh, "ClientId": f.client}),
        )
        .await
        .assert_error("NotAuthorizedException", "Refresh Token has been revoked");

    for op in ["AdminDisableUser", "AdminEnableUser"] {
        f.admin(op, json!({"Username": "nobody@example.com"}))
            .await
            .assert_error("UserNotFoundException", "User does not exist.");
    }
    assert!(
        f.list_emails(json!({"Filter": "status = \"Disabled\""}))
            .await
            .is_empty()
    );
}

#[tokio::test]
async fn admin_set_user_password_permanent_or_temporary() {
    let f = Fixture::new("setpw").await;
    let invited = "setpw@example.com";
    f.invite_silently(invited, "Temp-Pass-123", json!([])).await;

    f.admin(
        "AdminSetUserPassword",
        json!({"Username": invited, "Password": "Final-Pass-77", "Permanent": true}),
    )
    .await
    .ok();
    assert_eq!(f.state(invited).await.0, "CONFIRMED");
    f.assert_signs_in(invited, "Final-Pass-77").await;
    f.assert_sign_in_fails(
        invited,
        "Temp-Pass-123",
        "NotAuthorizedException",
        INCORRECT,
    )
    .await;

    let confirmed = "setpw2@example.com";
    f.confirmed(confirmed).await;
    f.admin(
        "AdminSetUserPassword",
        json!({"Username": confirmed, "Password": "Temp-Again-88", "Permanent": false}),
    )
    .await
    .ok();
    assert_eq!(f.state(confirmed).await.0, "FORCE_CHANGE_PASSWORD");
    let challenge = f.new_password_challenge(confirmed, "Temp-Again-88").await;
    f.assert_sign_in_fails(confirmed, PASSWORD, "NotAuthorizedException", INCORRECT)
        .await;
    let reply = f
        .respond_new_password(
            challenge["Session"].as_str(),
            confirmed,
            "Mine-Again-99",
            &[],
        )
        .await;
    reply.ok();
    assert_eq!(f.state(confirmed).await.0, "CONFIRMED");

    // Permanent defaults to false.
    f.admin(
        "AdminSetUserPassword",
        json!({"Username": invited, "Password": "Default-Temp-11"}),
    )
    .await
    .ok();
    assert_eq!(f.state(invited).await.0, "FORCE_CHANGE_PASSWORD");
    f.new_password_challenge(invited, "Default-Temp-11").await;

    // Refusals change nothing.
    f.admin(
        "AdminSetUserPassword",
        json!({"Username": confirmed, "Password": "weak", "Permanent": true}),
    )
    .await
    .assert_error(
        "InvalidPasswordException",
        "Password did not conform with policy: Password not long enough",
    );
    f.admin(
        "AdminSetUserPassword",
        json!({"Username": confirmed, "Permanent": true}),
    )
    .await
    .assert_error(
        "InvalidParameterException",
        "1 validation error detected: Value null at 'password' failed to satisfy constraint: Member must not be null",
    );
    f.admin(
        "AdminSetUserPassword",
        json!({"Username": "nobody@example.com", "Password": "Final-Pass-77", "Permanent": true}),
    )
    .await
    .assert_error("UserNotFoundException", "User does not exist.");
    assert_eq!(f.state(confirmed).await.0, "CONFIRMED");
    f.assert_signs_in(confirmed, "Mine-Again-99").await;
    f.assert_sign_in_fails(confirmed, "weak", "NotAuthorizedException", INCORRECT)
        .await;
}

#[tokio::test]
async fn admin_reset_user_password_requires_a_mailed_code() {
    let f = Fixture::new("reset").await;
    let email = "reset@example.com";
    f.confirmed(email).await;
    let mails_before = f.mails_to(email).len();

    f.admin("AdminResetUserPassword", json!({"Username": email}))
        .await
        .ok();
    assert_eq!(f.state(email).await.0, "RESET_REQUIRED");
    let mails = f.mails_to(email);
    assert_eq!(mails.len(), mails_before + 1);
    assert_eq!(
        mails.last().unwrap()["subject"],
        "Reset your Shop reset password"
    );
    let code = f.server.last_code(email);

    f.assert_sign_in_fails(
        email,
        PASSWORD,
        "PasswordResetRequiredException",
        "Password reset required for the user",
    )
    .await;
    f.assert_sign_in_fails(email, "Wrong-Pass-123", "NotAuthorizedException", INCORRECT)
        .await;

    f.server
        .call(
            "ConfirmForgotPassword",
            json!({"ClientId": f.client, "Username": email, "ConfirmationCode": code,
                   "Password": "Fresh-Pass-55"}),
        )
        .await
        .ok();
    assert_eq!(f.state(email).await.0, "CONFIRMED");
    f.assert_signs_in(email, "Fresh-Pass-55").await;
    f.assert_sign_in_fails(email, PASSWORD, "NotAuthorizedException", INCORRECT)
        .await;

    // Unconfirmed users cannot be reset; unknown users do not exist.
    let pending = "reset-pending@example.com";
    f.server.sign_up(&f.client, pending, PASSWORD).await.ok();
    f.admin("AdminResetUserPassword", json!({"Username": pending}))
        .await
        .assert_error(
            "NotAuthorizedException",
            "User password cannot be reset in the current state.",
        );
    assert_eq!(f.state(pending).await.0, "UNCONFIRMED");
    f.admin(
        "AdminResetUserPassword",
        json!({"Username": "nobody@example.com"}),
    )
    .await
    .assert_error("UserNotFoundException", "User does not exist.");
}

#[tokio::test]
async fn admin_user_global_sign_out_revokes_every_session() {
    let f = Fixture::new("signout").await;
    let email = "signout@example.com";
    f.confirmed(email).await;
    let first = f.server.tokens(&f.app, email, PASSWORD).await;
    let second = f.server.tokens(&f.app, email, PASSWORD).await;
    let bystander = "signout-other@example.com";
    f.confirmed(bystander).await;
    let other = f.server.tokens(&f.app, bystander, PASSWORD).await;

    assert_eq!(
        f.admin("AdminUserGlobalSignOut", json!({"Username": email}))
            .await
            .ok(),
        &json!({})
    );
    for tokens in [&first, &second] {
        f.server
            .call("GetUser", json!({"AccessToken": tokens.access}))
            .await
            .assert_error("NotAuthorizedException", "Access Token has been revoked");
        f.server
            .call(
                "GetTokensFromRefreshToken",
                json!({"RefreshToken": tokens.refresh, "ClientId": f.client}),
            )
            .await
            .assert_error("NotAuthorizedException", "Refresh Token has been revoked");
    }
    f.server
        .call("GetUser", json!({"AccessToken": other.access}))
        .await
        .ok();
    // Signing in again works.
    let fresh = f.server.tokens(&f.app, email, PASSWORD).await;
    f.server
        .call("GetUser", json!({"AccessToken": fresh.access}))
        .await
        .ok();
    assert_eq!(f.state(email).await, ("CONFIRMED".to_owned(), true));
    f.admin(
        "AdminUserGlobalSignOut",
        json!({"Username": "nobody@example.com"}),
    )
    .await
    .assert_error("UserNotFoundException", "User does not exist.");
}

#[tokio::test]
async fn admin_delete_user_makes_them_unknown() {
    let f = Fixture::new("delete").await;
    let email = "deleted@example.com";
    let sub = f.confirmed(email).await;
    let tokens = f.server.tokens(&f.app, email, PASSWORD).await;
    let keeper = "kept@example.com";
    f.confirmed(keeper).await;

    assert_eq!(
        f.admin("AdminDeleteUser", json!({"Username": email}))
            .await
            .ok(),
        &json!({})
    );
    f.admin("AdminGetUser", json!({"Username": email}))
        .await
        .assert_error("UserNotFoundException", "User does not exist.");
    f.admin("AdminGetUser", json!({"Username": sub}))
        .await
        .assert_error("UserNotFoundException", "User does not exist.");
    // Sign-in looks exactly like an unknown user's.
    f.assert_sign_in_fails(email, PASSWORD, "NotAuthorizedException", INCORRECT)
        .await;
    f.assert_sign_in_fails(
        "never-existed@example.com",
        PASSWORD,
        "NotAuthorizedException",
        INCORRECT,
    )
    .await;
    let reply = f
        .server
        .call("GetUser", json!({"AccessToken": tokens.access}))
        .await;
    assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{reply:?}");
    assert!(
        matches!(
            reply.error_type(),
            "NotAuthorizedException" | "UserNotFoundException"
        ),
        "{reply:?}"
    );
    assert_eq!(f.list_emails(json!({})).await, vec![keeper.to_owned()]);
    f.admin("AdminDeleteUser", json!({"Username": email}))
        .await
        .assert_error("UserNotFoundException", "User does not exist.");

    // The email is free again, for a new user.
    let new_sub = f.confirmed(email).await;
    assert_ne!(new_sub, sub);
    f.assert_signs_in(email, PASSWORD).await;
}

#[tokio::test]
async fn list_users_filters() {
    let f = Fixture::new("filters").await;
    let alice = "alice@example.com";
    let alice_sub = f.confirmed(alice).await;
    let albert = "albert@example.com";
    f.server.sign_up(&f.client, albert, PASSWORD).await.ok();
    let bob = "bob@example.com";
    f.invite_silently(
        bob,
        "Temp-Pass-123",
        json!([{"Name": "name", "Value": "Al_bert"}]),
    )
    .await;
    let carol = "carol@example.com";
    f.invite_silently(
        carol,
        "Temp-Pass-123",
        json!([{"Name": "name", "Value": "Alxander"}]),
    )
    .await;
    let pct = "pct%1@example.com";
    f.invite_silently(pct, "Temp-Pass-123", json!([])).await;
    let pctx = "pctx1@example.com";
    f.invite_silently(pctx, "Temp-Pass-123", json!([])).await;
    let und = "und_1@example.com";
    f.invite_silently(und, "Temp-Pass-123", json!([])).await;
    let undx = "undx1@example.com";
    f.invite_silently(
        undx,
        "Temp-Pass-123",
        json!([{"Name": "name", "Value": "Say \"hi\""}]),
    )
    .await;
    f.admin("AdminDisableUser", json!({"Username": carol}))
        .await
        .ok();
    let all: Vec<String> = {
        let mut v = vec![alice, albert, bob, carol, pct, pctx, und, undx]
            .into_iter()
            .map(str::to_owned)
            .collect::<Vec<_>>();
        v.sort();
        v
    };
    let list = |filter: &str| f.list_emails(json!({"Filter": filter}));
    let sorted = |v: &[&str]| {
        let mut v: Vec<String> = v.iter().map(|s| (*s).to_owned()).collect();
        v.sort();
        v
    };

    assert_eq!(f.list_emails(json!({})).await, all);
    assert_eq!(list("").await, all);
    assert_eq!(
        list("email = \"alice@example.com\"").await,
        sorted(&[alice])
    );
    assert_eq!(
        list("email = \"ALICE@Example.com\"").await,
        sorted(&[alice])
    );
    assert_eq!(list("email=\"alice@example.co\"").await, sorted(&[]));
    assert_eq!(list("email ^= \"al\"").await, sorted(&[alice, albert]));
    assert_eq!(list("email ^= \"pct%\"").await, sorted(&[pct]));
    assert_eq!(list("email ^= \"und_\"").await, sorted(&[und]));
    assert_eq!(list("email ^= \"%\"").await, sorted(&[]));
    assert_eq!(
        list("cognito:user_status = \"UNCONFIRMED\"").await,
        sorted(&[albert])
    );
    assert_eq!(
        list("cognito:user_status = \"confirmed\"").await,
        sorted(&[alice])
    );
    assert_eq!(
        list("cognito:user_status = \"FORCE_CHANGE_PASSWORD\"").await,
        sorted(&[bob, carol, pct, pctx, und, undx])
    );
    assert_eq!(list("status = \"Disabled\"").await, sorted(&[carol]));
    assert_eq!(
        list("status = \"Enabled\"").await,
        sorted(&[alice, albert, bob, pct, pctx, und, undx])
    );
    assert_eq!(list("name ^= \"Al\"").await, sorted(&[bob, carol]));
    assert_eq!(list("name ^= \"Al_\"").await, sorted(&[bob]));
    assert_eq!(list("name = \"Alxander\"").await, sorted(&[carol]));
    assert_eq!(list("name = \"Say \\\"hi\\\"\"").await, sorted(&[undx]));
    assert_eq!(
        list(&format!("sub = \"{alice_sub}\"")).await,
        sorted(&[alice])
    );
    assert_eq!(
        list(&format!("username = \"{alice_sub}\"")).await,
        sorted(&[alice])
    );

    // The UserType shape, and AttributesToGet.
    let reply = f
        .admin(
            "ListUsers",
            json!({"Filter": "email = \"bob@example.com\""}),
        )
        .await;
    let user = &reply.ok()["Users"][0];
    assert!(reply.body.get("PaginationToken").is_none());
    assert_eq!(user["UserStatus"], "FORCE_CHANGE_PASSWORD");
    assert_eq!(user["Enabled"], true);
    assert!(user["Username"].is_string());
    assert!(user.get("UserAttributes").is_none());
    assert_eq!(
        attribute_of(&user["Attributes"], "name").as_deref(),
        Some("Al_bert")
    );
    let reply = f
        .admin(
            "ListUsers",
            json!({"AttributesToGet": ["email"], "Filter": "email ^= \"b\""}),
        )
        .await;
    assert_eq!(
        reply.ok()["Users"][0]["Attributes"],
        json!([{"Name": "email", "Value": bob}])
    );
    let reply = f
        .admin("ListUsers", json!({"AttributesToGet": ["name", "sub"]}))
        .await;
    for user in reply.ok()["Users"].as_array().unwrap() {
        let names: BTreeSet<&str> = user["Attributes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["Name"].as_str().unwrap())
            .collect();
        assert!(names.contains("sub"), "{user}");
        assert!(names.iter().all(|n| *n == "sub" || *n == "name"), "{user}");
    }

    // Malformed filters.
    for bad in [
        "email",
        "email = alice",
        "email = \"alice",
        "email ~ \"a\"",
        "custom:x = \"a\"",
        "status ^= \"En\"",
        "status = \"maybe\"",
        "email = \"a\" extra",
        "favourite_colour = \"blue\"",
    ] {
        let reply = f.admin("ListUsers", json!({"Filter": bad})).await;
        assert_eq!(reply.status, StatusCode::BAD_REQUEST, "{bad}: {reply:?}");
        assert_eq!(reply.error_type(), "InvalidParameterException", "{bad}");
    }
    let long = format!("email = \"{}\"", "a".repeat(260));
    f.admin("ListUsers", json!({"Filter": long}))
        .await
        .assert_error(
            "InvalidParameterException",
            "Filter must be at most 256 characters.",
        );
    f.admin(
        "ListUsers",
        json!({"Filter": "favourite_colour = \"blue\""}),
    )
    .await
    .assert_error("InvalidParameterException", "Invalid search attribute.");
}

#[tokio::test]
async fn list_users_paginates_through_everyone_exactly_once() {
    let f = Fixture::new("pages").await;
    let mut expected = BTreeSet::new();
    for i in 0..7 {
        let email = format!("page{i}@example.com");
        f.invite_silently(&email, "Temp-Pass-123", json!([])).await;
        expected.insert(email);
    }
    f.confirmed("other@example.com").await;

    for (limit, filter) in [(3, "email ^= \"page\""), (1, "email ^= \"page\""), (7, "")] {
        let mut seen = Vec::new();
        let mut token: Option<String> = None;
        let mut pages = 0;
        loop {
            let mut body = json!({"Limit": limit, "Filter": filter});
            if let Some(t) = &token {
                body["PaginationToken"] = json!(t);
            }
            let reply = f.admin("ListUsers", body).await;
            let users = reply.ok()["Users"].as_array().unwrap().clone();
            assert!(users.len() <= limit, "{limit}: {users:?}");
            pages += 1;
            assert!(pages <= 10, "pagination does not end");
            seen.extend(
                users
                    .iter()
                    .map(|u| attribute_of(&u["Attributes"], "email").unwrap()),
            );
            match reply.body.get("PaginationToken") {
                Some(t) => {
                    assert!(!users.is_empty(), "a token after an empty page");
                    token = Some(t.as_str().unwrap().to_owned());
                }
                None => break,
            }
        }
        let unique: BTreeSet<String> = seen.iter().cloned().collect();
        assert_eq!(unique.len(), seen.len(), "duplicates: {seen:?}");
        let mut want = expected.clone();
        if filter.is_empty() {
            want.insert("other@example.com".to_owned());
        }
        assert_eq!(unique, want, "limit {limit} filter {filter}");
        if limit == 3 {
            assert_eq!(pages, 3);
        }
    }
    // Exactly a page's worth: the last page has no token.
    let reply = f.admin("ListUsers", json!({"Limit": 8})).await;
    assert_eq!(reply.ok()["Users"].as_array().unwrap().len(), 8);
    assert!(reply.body.get("PaginationToken").is_none());
    let reply = f.admin("ListUsers", json!({"Limit": 60})).await;
    assert_eq!(reply.ok()["Users"].as_array().unwrap().len(), 8);

    for limit in [61, -1] {
        f.admin("ListUsers", json!({"Limit": limit}))
            .await
            .assert_error(
                "InvalidParameterException",
                "1 validation error detected: Value at 'limit' failed to satisfy constraint: Member must have value less than or equal to 60",
            );
    }
    for garbage in ["garbage!!", "bm90LWEtdXVpZA", ""] {
        let reply = f
            .admin("ListUsers", json!({"PaginationToken": garbage}))
            .await;
        reply.assert_error("InvalidParameterException", "Invalid pagination token.");
    }
    // A prefix listing's token names a place in that prefix's order: with no filter, or with a
    // prefix its value lies outside, it is refused rather than listing outside the filter.
    let reply = f
        .admin(
            "ListUsers",
            json!({"Limit": 2, "Filter": "email ^= \"page\""}),
        )
        .await;
    let token = reply.ok()["PaginationToken"].as_str().unwrap().to_owned();
    for filter in [
        "",
        "email ^= \"other\"",
        "cognito:user_status = \"CONFIRMED\"",
    ] {
        f.admin(
            "ListUsers",
            json!({"Limit": 2, "Filter": filter, "PaginationToken": token}),
        )
        .await
        .assert_error("InvalidParameterException", "Invalid pagination token.");
    }
    f.admin("ListUsers", json!({"UserPoolId": "local_nosuchpoo"}))
        .await
        .assert_error(
            "ResourceNotFoundException",
            "User pool local_nosuchpoo does not exist.",
        );
}

#[tokio::test]
async fn every_admin_operation_requires_the_owning_developer() {
    let f = Fixture::new("authz").await;
    let email = "target@example.com";
    f.confirmed(email).await;
    let stranger = developer(&f.server, "stranger@example.com").await;
    let console_tokens = f
        .server
        .tokens(&console(&f.server).await, &f.dev_email, PASSWORD)
        .await;
    let other_app = f.server.app("Not the console").await;
    f.server
        .confirmed_user(
            other_app.app.client.id.as_str(),
            "app-user@example.com",
            PASSWORD,
        )
        .await;
    let app_user = f
        .server
        .tokens(&other_app, "app-user@example.com", PASSWORD)
        .await;
    let pending = "target-pending@example.com";
    f.server.sign_up(&f.client, pending, PASSWORD).await.ok();
    let mails_before = f.server.mails().len();

    let operations = [
        (
            "AdminCreateUser",
            json!({"Username": "newcomer@example.com"}),
        ),
        ("AdminGetUser", json!({"Username": email})),
        ("AdminDeleteUser", json!({"Username": email})),
        ("AdminDisableUser", json!({"Username": email})),
        ("AdminEnableUser", json!({"Username": email})),
        (
            "AdminSetUserPassword",
            json!({"Username": email, "Password": "Hijack-Pass-77", "Permanent": true}),
        ),
        ("AdminResetUserPassword", json!({"Username": email})),
        ("AdminUserGlobalSignOut", json!({"Username": email})),
        ("AdminConfirmSignUp", json!({"Username": pending})),
        ("ListUsers", json!({})),
        ("GetUserPoolMfaConfig", json!({})),
        (
            "SetUserPoolMfaConfig",
            json!({"MfaConfiguration": "ON",
                   "SoftwareTokenMfaConfiguration": {"Enabled": true}}),
        ),
    ];
    let user_tokens = f.server.tokens(&f.app, email, PASSWORD).await;
    for (op, body) in &operations {
        f.admin_as(op, body.clone(), None).await.assert_error(
            "MissingAuthenticationTokenException",
            "Missing Authentication Token",
        );
        f.admin_as(op, body.clone(), Some(&stranger))
            .await
            .assert_error(
                "ResourceNotFoundException",
                &format!("User pool {} does not exist.", f.pool),
            );
        for token in [
            app_user.access.as_str(),
            user_tokens.access.as_str(),
            console_tokens.id.as_str(),
            "garbage",
        ] {
            f.admin_as(op, body.clone(), Some(token))
                .await
                .assert_error("UnrecognizedClientException", BAD_TOKEN);
        }
        // An app the operator registered belongs to no developer.
        let mut foreign = body.clone();
        foreign["UserPoolId"] = json!(other_app.app.pool_id.as_str());
        f.admin(op, foreign).await.assert_error(
            "ResourceNotFoundException",
            &format!("User pool {} does not exist.", other_app.app.pool_id),
        );
    }

    // Nothing changed.
    assert_eq!(f.server.mails().len(), mails_before);
    assert_eq!(f.state(email).await, ("CONFIRMED".to_owned(), true));
    assert_eq!(f.state(pending).await, ("UNCONFIRMED".to_owned(), true));
    assert_eq!(
        f.list_emails(json!({})).await,
        vec![pending.to_owned(), email.to_owned()]
    );
    f.server
        .call("GetUser", json!({"AccessToken": user_tokens.access}))
        .await
        .ok();
    f.assert_signs_in(email, PASSWORD).await;
    f.assert_sign_in_fails(email, "Hijack-Pass-77", "NotAuthorizedException", INCORRECT)
        .await;
    let reply = f
        .server
        .service
        .list_users(Actor::Operator, &other_app.app.pool_id, None, None, None)
        .await
        .unwrap();
    assert_eq!(reply.0.len(), 1, "the operator's app is untouched");
    for app in [&f.app.app, &other_app.app] {
        let app = f
            .server
            .service
            .get_app(Actor::Operator, &app.id)
            .await
            .unwrap();
        assert_eq!(app.settings.mfa.mode, MfaMode::Off, "MFA stays off");
    }

    // A console token that was signed out, or has expired, no longer works.
    f.server
        .call(
            "GlobalSignOut",
            json!({"AccessToken": console_tokens.access}),
        )
        .await
        .ok();
    f.admin_as("ListUsers", json!({}), Some(&console_tokens.access))
        .await
        .assert_error("UnrecognizedClientException", BAD_TOKEN);
    f.server.clock.advance(3601);
    f.admin_as("ListUsers", json!({}), Some(&stranger))
        .await
        .assert_error("UnrecognizedClientException", BAD_TOKEN);
    let dev = developer_again(&f.server, &f.dev_email).await;
    let reply = f.admin_as("ListUsers", json!({}), Some(&dev)).await;
    assert_eq!(reply.ok()["Users"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn new_password_session_belongs_to_its_client() {
    let f = Fixture::new("bound").await;
    let email = "bound@example.com";
    f.invite_silently(email, "Temp-Pass-123", json!([])).await;
    let challenge = f.new_password_challenge(email, "Temp-Pass-123").await;
    let other = f.server.app("Elsewhere").await;
    f.server
        .call(
            "RespondToAuthChallenge",
            json!({"ChallengeName": "NEW_PASSWORD_REQUIRED", "ClientId": other.app.client.id.as_str(),
                   "Session": challenge["Session"],
                   "ChallengeResponses": {"USERNAME": email, "NEW_PASSWORD": "Chosen-Pass-42"}}),
        )
        .await
        .assert_error("NotAuthorizedException", INVALID_SESSION);
    assert_eq!(f.state(email).await.0, "FORCE_CHANGE_PASSWORD");
    // Still usable with its own client.
    f.respond_new_password(challenge["Session"].as_str(), email, "Chosen-Pass-42", &[])
        .await
        .ok();
}

#[tokio::test]

async fn user_disabled_during_the_new_password_challenge_is_refused_without_changes() {
    let f = Fixture::new("disabled-challenge").await;
    let email = "midway@example.com";
    f.invite_silently(email, "Temp-Pass-123", json!([])).await;
    let challenge = f.new_password_challenge(email, "Temp-Pass-123").await;
    f.admin("AdminDisableUser", json!({"Username": email}))
        .await
        .ok();
    f.respond_new_password(
        challenge["Session"].as_str(),
        email,
        "Chosen-Pass-42",
        &[("userAttributes.name", "Mallory")],
    )
    .await
    .assert_error("NotAuthorizedException", "User is disabled.");
    // The refusal changed nothing: still waiting for a first password, no name.
    assert_eq!(
        f.state(email).await,
        ("FORCE_CHANGE_PASSWORD".to_owned(), false)
    );
    assert_eq!(f.attribute(email, "name").await, None);
    f.admin("AdminEnableUser", json!({"Username": email}))
        .await
        .ok();
    f.new_password_challenge(email, "Temp-Pass-123").await;
    f.assert_sign_in_fails(email, "Chosen-Pass-42", "NotAuthorizedException", INCORRECT)
        .await;
}

#[tokio::test]
async fn pagination_survives_the_deletion_of_the_last_user_seen() {
    let f = Fixture::new("page-delete").await;
    let mut expected = BTreeSet::new();
    for i in 0..5 {
        let email = format!("pd{i}@example.com");
        f.invite_silently(&email, "Temp-Pass-123", json!([])).await;
        expected.insert(email);
    }
    let reply = f.admin("ListUsers", json!({"Limit": 2})).await;
    let first: Vec<String> = reply.ok()["Users"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| attribute_of(&u["Attributes"], "email").unwrap())
        .collect();
    let token = reply.body["PaginationToken"].as_str().unwrap().to_owned();
    f.admin("AdminDeleteUser", json!({"Username": first[1]}))
        .await
        .ok();
    let reply = f
        .admin("ListUsers", json!({"Limit": 60, "PaginationToken": token}))
        .await;
    let rest: BTreeSet<String> = reply.ok()["Users"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| attribute_of(&u["Attributes"], "email").unwrap())
        .collect();
    assert!(reply.body.get("PaginationToken").is_none());
    let mut want = expected.clone();
    for seen in &first {
        want.remove(seen);
    }
    assert_eq!(rest, want);
}

#[tokio::test]
async fn a_reissued_temporary_password_voids_older_challenges() {
    let f = Fixture::new("reissue").await;
    let email = "reissued@example.com";
    f.invite_silently(email, "Temp-Pass-123", json!([])).await;
    let stale = f.new_password_challenge(email, "Temp-Pass-123").await;
    // The administrator learns the first password leaked and issues another.
    f.admin(
        "AdminSetUserPassword",
        json!({"Username": email, "Password": "Other-Temp-456", "Permanent": false}),
    )
    .await
    .ok();
    f.respond_new_password(stale["Session"].as_str(), email, "Chosen-Pass-42", &[])
        .await
        .assert_error(
            "NotAuthorizedException",
            "Invalid session for the user, session is expired.",
        );
    assert_eq!(f.state(email).await.0, "FORCE_CHANGE_PASSWORD");
    let fresh = f.new_password_challenge(email, "Other-Temp-456").await;
    f.respond_new_password(fresh["Session"].as_str(), email, "Chosen-Pass-42", &[])
        .await
        .ok();
    f.assert_signs_in(email, "Chosen-Pass-42").await;
}

/// The answer of both MFA configuration operations for `mode`.
fn mfa_config(mode: &str) -> Value {
    json!({"MfaConfiguration": mode,
           "SoftwareTokenMfaConfiguration": {"Enabled": mode != "OFF"}})
}

#[tokio::test]
async fn user_pool_mfa_config_turns_passkeys_on_with_their_relying_party() {
    let f = Fixture::new("webauthn-config").await;
    let get = || f.admin("GetUserPoolMfaConfig", json!({}));
    assert!(
        get().await.ok().get("WebAuthnConfiguration").is_none(),
        "off by default"
    );

    let reply = f
        .admin(
            "SetUserPoolMfaConfig",
            json!({"WebAuthnConfiguration": {"RelyingPartyId": "localhost",
                                              "UserVerification": "required"}}),
        )
        .await;
    let expected = json!({"RelyingPartyId": "localhost", "UserVerification": "required"});
    assert_eq!(reply.ok()["WebAuthnConfiguration"], expected);
    // The MFA mode was not named, so it stays.
    assert_eq!(reply.ok()["MfaConfiguration"], "OFF");
    assert_eq!(get().await.ok()["WebAuthnConfiguration"], expected);
    let path = format!("/api/apps/{}", f.app.app.id);
    let (status, view) = send(&f.server, reqwest::Method::GET, &path, Some(&f.dev), None).await;
    assert_eq!(status, StatusCode::OK, "{view}");
    assert_eq!(view["passkeys"]["enabled"], true);
    assert_eq!(view["passkeys"]["relying_party_id"], "localhost");

    // Refused, changing nothing: preferred verification (passkeys here always verify the user),
    // an unknown kind, a relying party that is an address.
    for (config, message) in [
        (
            json!({"UserVerification": "preferred"}),
            "UserVerification must be required: passkeys here always verify the user.",
        ),
        (
            json!({"UserVerification": "sometimes"}),
            "UserVerification must be required or preferred.",
        ),
        (
            json!({"RelyingPartyId": "127.0.0.1"}),
            "relying_party_id must be a domain name (like example.com or localhost), not an address or URL",
        ),
    ] {
        f.admin(
            "SetUserPoolMfaConfig",
            json!({"WebAuthnConfiguration": config}),
        )
        .await
        .assert_error("InvalidParameterException", message);
    }
    assert_eq!(get().await.ok()["WebAuthnConfiguration"], expected);

    // Without a relying party, the default (the public URL's host) applies.
    let reply = f
        .admin("SetUserPoolMfaConfig", json!({"WebAuthnConfiguration": {}}))
        .await;
    assert_eq!(
        reply.ok()["WebAuthnConfiguration"],
        json!({"UserVerification": "required"})
    );
}

#[tokio::test]
async fn user_pool_mfa_config_sets_and_reads_the_apps_mfa_mode() {
    let f = Fixture::new("mfa-config").await;
    let get = || f.admin("GetUserPoolMfaConfig", json!({}));
    assert_eq!(*get().await.ok(), mfa_config("OFF"), "off by default");

    for (request, mode) in [
        (
            json!({"MfaConfiguration": "ON", "SoftwareTokenMfaConfiguration": {"Enabled": true}}),
            "ON",
        ),
        (json!({"MfaConfiguration": "OPTIONAL"}), "OPTIONAL"),
        // Absent members keep their value.
        (json!({}), "OPTIONAL"),
        (
            json!({"SoftwareTokenMfaConfiguration": {"Enabled": true}}),
            "OPTIONAL",
        ),
        (json!({"SoftwareTokenMfaConfiguration": {}}), "OPTIONAL"),
    ] {
        let reply = f.admin("SetUserPoolMfaConfig", request.clone()).await;
        assert_eq!(*reply.ok(), mfa_config(mode), "{request}");
        assert_eq!(*get().await.ok(), mfa_config(mode), "{request}");
    }
    // It is the app's `mfa` setting.
    let path = format!("/api/apps/{}", f.app.app.id);
    let (status, view) = send(&f.server, reqwest::Method::GET, &path, Some(&f.dev), None).await;
    assert_eq!(status, StatusCode::OK, "{view}");
    assert_eq!(view["mfa"], json!({"mode": "OPTIONAL", "email_otp": false}));
    let (status, view) = send(
        &f.server,
        reqwest::Method::PATCH,
        &path,
        Some(&f.dev),
        Some(json!({"mfa": {"mode": "ON"}})),
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{view}");
    assert_eq!(*get().await.ok(), mfa_config("ON"));

    // Refused: a mode that asks with no factor, a factor with MFA off, an unknown mode, a
    // malformed body, no pool or someone else's; each changes nothing.
    let no_factor = "Invalid MFA configuration given, can't disable all MFAs with a required or optional configuration.";
    let factor_while_off =
        "Invalid MFA configuration given, can't turn off MFA and configure an MFA together.";
    let unknown_mode = "1 validation error detected: Value at 'mfaConfiguration' failed to satisfy constraint: Member must satisfy enum value set: [OFF, ON, OPTIONAL]";
    for (request, message) in [
        (
            json!({"MfaConfiguration": "ON", "SoftwareTokenMfaConfiguration": {"Enabled": false}}),
            no_factor,
        ),
        (
            json!({"MfaConfiguration": "OPTIONAL",
                   "SoftwareTokenMfaConfiguration": {"Enabled": false}}),
            no_factor,
        ),
        (
            json!({"SoftwareTokenMfaConfiguration": {"Enabled": false}}),
            no_factor,
        ),
        (
            json!({"MfaConfiguration": "OFF", "SoftwareTokenMfaConfiguration": {"Enabled": true}}),
            factor_while_off,
        ),
        (json!({"MfaConfiguration": "SOMETIMES"}), unknown_mode),
        (json!({"MfaConfiguration": "on"}), unknown_mode),
        (
            json!({"MfaConfiguration": "", "SoftwareTokenMfaConfiguration": {"Enabled": true}}),
            unknown_mode,
        ),
    ] {
        f.admin("SetUserPoolMfaConfig", request)
            .await
            .assert_error("InvalidParameterException", message);
    }
    for request in [
        json!({"MfaConfiguration": 1}),
        json!({"SoftwareTokenMfaConfiguration": {"Enabled": "yes"}}),
    ] {
        let reply = f.admin("SetUserPoolMfaConfig", request.clone()).await;
        assert_eq!(reply.error_type(), "InvalidParameterException", "{request}");
        assert!(
            reply.message().starts_with("Malformed request body"),
            "{request}: {}",
            reply.message()
        );
    }
    for op in ["GetUserPoolMfaConfig", "SetUserPoolMfaConfig"] {
        f.server
            .raw(op, json!({"MfaConfiguration": "OFF"}).to_string().into_bytes(), Some(&f.dev))
            .await
            .assert_error(
                "InvalidParameterException",
                "1 validation error detected: Value null at 'userPoolId' failed to satisfy constraint: Member must not be null",
            );
        f.admin(
            op,
            json!({"UserPoolId": "local_nosuchpoo", "MfaConfiguration": "OFF"}),
        )
        .await
        .assert_error(
            "ResourceNotFoundException",
            "User pool local_nosuchpoo does not exist.",
        );
    }
    assert_eq!(*get().await.ok(), mfa_config("ON"));

    let reply = f
        .admin(
            "SetUserPoolMfaConfig",
            json!({"MfaConfiguration": "OFF", "SoftwareTokenMfaConfiguration": {"Enabled": false}}),
        )
        .await;
    assert_eq!(*reply.ok(), mfa_config("OFF"));
    assert_eq!(*get().await.ok(), mfa_config("OFF"));

    // Each change of the mode is a settings change of the developer's, named as over REST.
    f.server.service.events().flush().await;
    let query = EventQuery {
        limit: 1000,
        ..EventQuery::default()
    };
    let mut events = f
        .server
        .service
        .store()
        .list_events(&f.app.app.pool_id, &query)
        .await
        .unwrap();
    events.reverse();
    let changes: Vec<(&str, Option<&str>)> = events
        .iter()
        .filter(|e| e.kind == EventKind::SettingsChanged)
        .map(|e| (e.detail["changed"].as_str().unwrap(), e.actor.as_deref()))
        .collect();
    let owner = f.app.app.owner.unwrap().to_string();
    // Each SetUserPoolMfaConfig naming the mode sets the whole configuration (the email
    // factor too); the PATCH names the mode alone.
    let whole = ("mfa.mode mfa.email_otp", Some(owner.as_str()));
    let mode = ("mfa.mode", Some(owner.as_str()));
    assert_eq!(changes, vec![whole, whole, mode, whole]);
}
