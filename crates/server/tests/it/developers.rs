//! Who becomes a developer (`--console-signup`): open, invite (only the first developer of a
//! deployment signs up, exactly one even in a burst) or closed; other apps are not affected.
//! And what a developer may have mailed: invitations and resets per day, counted in the

//! database.

use crate::common::{PASSWORD, TestServer, console};
use auth_return_core::{Actor, ConsoleSignup, PoolId, ServiceConfig};
use serde_json::json;

const NOT_PERMITTED: &str = "SignUp is not permitted for this user pool";

/// The console pool's users' emails, in id order.
async fn developers(server: &TestServer) -> Vec<String> {
    let console = console(server).await;
    let (users, _) = server
        .service
        .list_users(Actor::Operator, &console.app.pool_id, None, None, None)
        .await
        .unwrap();
    users
        .into_iter()
        .filter_map(|u| {
            u.attributes
                .into_iter()
                .find(|(name, _)| name == "email")
                .map(|(_, email)| email)
        })
        .collect()
}

fn mode(mode: ConsoleSignup) -> impl Fn(&mut ServiceConfig) {
    move |s| s.console_signup = mode
}

/// Mails sent to `email`.
fn mails_to(server: &TestServer, email: &str) -> usize {
    server.mails().iter().filter(|m| m["to"] == email).count()
}

#[tokio::test]
async fn invite_lets_only_the_first_developer_sign_up() {
    // `ServiceConfig::new`'s default is `invite`.
    assert_eq!(
        ServiceConfig::new("local", "http://x").console_signup,
        ConsoleSignup::Invite
    );
    let server = TestServer::start_with_config(|_| {}).await;
    let server_settings = server.service.config().console_signup;
    assert_eq!(server_settings, ConsoleSignup::Open, "tests' default");
    let server = TestServer::start_with_config(mode(ConsoleSignup::Invite)).await;
    let console = console(&server).await;
    let client = console.app.client.id.as_str();

    // The owner of a fresh deployment signs up, confirms and signs in.
    server
        .confirmed_user(client, "owner@example.com", PASSWORD)
        .await;
    server.tokens(&console, "owner@example.com", PASSWORD).await;

    // Anyone after that is refused before anything is stored or sent, whatever the name
    // (an existing developer's too: the refusal does not tell who is one) and even when the
    // request is otherwise invalid.
    for (email, password) in [
        ("second@example.com", PASSWORD),
        ("owner@example.com", PASSWORD),
        ("weak@example.com", "short"),
        ("not an email", PASSWORD),
    ] {
        server
            .sign_up(client, email, password)
            .await
            .assert_error("NotAuthorizedException", NOT_PERMITTED);
        assert_eq!(
            mails_to(&server, email),
            usize::from(email.starts_with("owner"))
        );
    }
    assert_eq!(developers(&server).await, vec!["owner@example.com"]);

    // Other apps keep open sign-up.
    let app = server.app("Shop").await;
    server
        .sign_up(app.app.client.id.as_str(), "buyer@example.com", PASSWORD)
        .await
        .ok();
}

#[tokio::test]
async fn invite_counts_an_unconfirmed_first_sign_up_and_frees_a_failed_one() {
    let server = TestServer::start_with_config(mode(ConsoleSignup::Invite)).await;
    let client = console(&server).await.app.client.id.to_string();
    // An invalid first attempt stores nothing, so the owner can try again.
    server
        .sign_up(&client, "owner@example.com", "short")
        .await
        .assert_error(
            "InvalidPasswordException",
            "Password did not conform with policy: Password not long enough",
        );
    assert!(developers(&server).await.is_empty());
    // An unconfirmed sign-up is a developer already: the pool is no longer empty.
    server
        .sign_up(&client, "owner@example.com", PASSWORD)
        .await
        .ok();
    server
        .sign_up(&client, "late@example.com", PASSWORD)
        .await
        .assert_error("NotAuthorizedException", NOT_PERMITTED);
    assert_eq!(developers(&server).await, vec!["owner@example.com"]);
}

#[tokio::test]
async fn closed_refuses_even_the_first_developer() {
    let server = TestServer::start_with_config(mode(ConsoleSignup::Closed)).await;
    let client = console(&server).await.app.client.id.to_string();
    server
        .sign_up(&client, "owner@example.com", PASSWORD)
        .await
        .assert_error("NotAuthorizedException", NOT_PERMITTED);
    assert!(developers(&server).await.is_empty());
    assert!(server.mails().is_empty());
    let app = server.app("Shop").await;
    server
        .sign_up(app.app.client.id.as_str(), "buyer@example.com", PASSWORD)
        .await
        .ok();
}

#[tokio::test]
async fn open_lets_anyone_sign_up() {
    let server = TestServer::start_with_config(mode(ConsoleSignup::Open)).await;
    let client = console(&server).await.app.client.id.to_string();
    for email in ["one@example.com", "two@example.com"] {
        server.sign_up(&client, email, PASSWORD).await.ok();
    }
    assert_eq!(developers(&server).await.len(), 2);
}

const BURST: usize = 24;

/// A burst of sign-ups on a fresh deployment, half through each of two instances: exactly one
/// developer gets in, everyone else is refused, and only the winner gets mail.
async fn burst(a: TestServer, b: TestServer) {
    let client = console(&a).await.app.client.id.to_string();
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..BURST {
        let server = if i % 2 == 0 { &a } else { &b };
        let request = server
            .http
            .post(&server.url)
            .header("content-type", "application/x-amz-json-1.1")
            .header("x-amz-target", "AWSCognitoIdentityProviderService.SignUp")
            .body(
                json!({"ClientId": client, "Username": format!("racer{i}@example.com"),
                       "Password": PASSWORD})
                .to_string(),
            );
        tasks.spawn(async move {
            let answer: serde_json::Value = request.send().await.unwrap().json().await.unwrap();
            (
                answer["UserSub"].is_string(),
                answer["__type"].as_str().unwrap_or_default().to_owned(),
                answer["message"].as_str().unwrap_or_default().to_owned(),
            )
        });
    }
    let answers = tasks.join_all().await;
    let winners = answers.iter().filter(|(ok, _, _)| *ok).count();
    let refused = answers
        .iter()
        .filter(|(_, kind, message)| kind == "NotAuthorizedException" && message == NOT_PERMITTED)
        .count();
    assert_eq!((winners, refused), (1, BURST - 1), "{answers:?}");
    let stored = developers(&a).await;
    assert_eq!(stored.len(), 1, "{stored:?}");
    let mails: Vec<_> = a.mails().into_iter().map(|m| m["to"].clone()).collect();
    assert_eq!(mails, vec![json!(stored[0])]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_burst_of_first_sign_ups_lets_exactly_one_in_on_both_databases() {
    let a = TestServer::start_with_config(mode(ConsoleSignup::Invite)).await;
    let b = a.second_instance().await;
    burst(a, b).await;
    if let Some(db) = crate::common::TempPostgres::new().await {
        let a = TestServer::start_on_with_config(&db.url, mode(ConsoleSignup::Invite)).await;
        let b = a.second_instance().await;
        burst(a, b).await;
        db.drop_database().await;
    }
}

const DAILY_LIMIT: &str = "Exceeded daily email limit for the operation or the account: at most 3 invitation and password reset emails per developer per day.";

/// A developer (console token) owning a fresh app on `server`: (token, pool id).
async fn developer_with_app(server: &TestServer, email: &str) -> (String, PoolId) {
    let token = crate::common::developer(server, email).await;
    let (status, app) = crate::common::send(
        server,
        reqwest::Method::POST,
        "/api/apps",
        Some(&token),
        Some(json!({"name": "Shop"})),
    )
    .await;
    assert_eq!(status, reqwest::StatusCode::CREATED);
    (token, PoolId::new(app["user_pool_id"].as_str().unwrap()))
}

async fn admin(
    server: &TestServer,
    token: &str,
    op: &str,
    body: serde_json::Value,
) -> crate::common::Reply {
    server
        .raw(op, body.to_string().into_bytes(), Some(token))
        .await
}

#[tokio::test]
async fn invitation_mail_is_limited_per_developer_and_day() {
    let server = TestServer::start_with_config(|s| s.invitations_per_day = 3).await;
    let (dev, pool) = developer_with_app(&server, "dev@example.com").await;
    let invite = |email: &str| json!({"UserPoolId": pool, "Username": email});

    // Two invitations and one resend use up the day.
    for email in ["a@example.com", "b@example.com"] {
        admin(&server, &dev, "AdminCreateUser", invite(email))
            .await
            .ok();
    }
    admin(
        &server,
        &dev,
        "AdminCreateUser",
        json!({"UserPoolId": pool, "Username": "a@example.com", "MessageAction": "RESEND"}),
    )
    .await
    .ok();
    // Now every mail-sending call is refused, and nothing is stored, changed or sent.
    let before = server.mails().len();
    admin(&server, &dev, "AdminCreateUser", invite("c@example.com"))
        .await
        .assert_error("LimitExceededException", DAILY_LIMIT);
    admin(
        &server,
        &dev,
        "AdminGetUser",
        json!({"UserPoolId": pool, "Username": "c@example.com"}),
    )
    .await
    .assert_error("UserNotFoundException", "User does not exist.");
    admin(
        &server,
        &dev,
        "AdminCreateUser",
        json!({"UserPoolId": pool, "Username": "b@example.com", "MessageAction": "RESEND"}),
    )
    .await
    .assert_error("LimitExceededException", DAILY_LIMIT);
    // A verified user's password reset mails a code: refused too, and the user stays as is.
    admin(
        &server,
        &dev,
        "AdminCreateUser",
        json!({"UserPoolId": pool, "Username": "v@example.com", "MessageAction": "SUPPRESS",
               "TemporaryPassword": PASSWORD,
               "UserAttributes": [{"Name": "email_verified", "Value": "true"}]}),
    )
    .await
    .ok();
    admin(
        &server,
        &dev,
        "AdminResetUserPassword",
        json!({"UserPoolId": pool, "Username": "v@example.com"}),
    )
    .await
    .assert_error("LimitExceededException", DAILY_LIMIT);
    let state = admin(
        &server,
        &dev,
        "AdminGetUser",
        json!({"UserPoolId": pool, "Username": "v@example.com"}),
    )
    .await;
    assert_eq!(state.ok()["UserStatus"], "FORCE_CHANGE_PASSWORD");
    assert_eq!(server.mails().len(), before, "nothing sent");

    // Another developer has their own allowance; the operator has none to spend.
    let (other, other_pool) = developer_with_app(&server, "other@example.com").await;
    admin(
        &server,
        &other,
        "AdminCreateUser",
        json!({"UserPoolId": other_pool, "Username": "c@example.com"}),
    )
    .await
    .ok();
    for i in 0..4 {
        let new = auth_return_core::admin::NewUser {
            username: format!("op{i}@example.com"),
            ..Default::default()
        };
        server
            .service
            .admin_create_user(
                Actor::Operator,
                &pool,
                new,
                &auth_return_core::events::Caller::unknown(),
            )
            .await
            .unwrap();
    }

    // The next UTC day brings a fresh allowance.
    let now = server.clock_now();
    server.clock.advance(86_400 - now.rem_euclid(86_400));
    let dev = server
        .tokens(&console(&server).await, "dev@example.com", PASSWORD)
        .await
        .access;
    admin(&server, &dev, "AdminCreateUser", invite("c@example.com"))
        .await
        .ok();
}

/// A burst of invitations by one developer, half through each of two instances: exactly the
/// allowance is invited and mailed, the rest refused with nothing stored.
async fn invitation_burst(a: TestServer, b: TestServer) {
    let (dev, pool) = developer_with_app(&a, "burst@example.com").await;
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..BURST {
        let server = if i % 2 == 0 { &a } else { &b };
        let request = server
            .http
            .post(&server.url)
            .bearer_auth(&dev)
            .header("content-type", "application/x-amz-json-1.1")
            .header(
                "x-amz-target",
                "AWSCognitoIdentityProviderService.AdminCreateUser",
            )
            .body(
                json!({"UserPoolId": pool, "Username": format!("guest{i}@example.com")})
                    .to_string(),
            );
        tasks.spawn(async move {
            let answer: serde_json::Value = request.send().await.unwrap().json().await.unwrap();
            (
                answer["User"].is_object(),
                answer["message"].as_str().unwrap_or_default().to_owned(),
            )
        });
    }
    let answers = tasks.join_all().await;
    let invited = answers.iter().filter(|(ok, _)| *ok).count();
    let refused = answers.iter().filter(|(_, m)| m == DAILY_LIMIT).count();
    assert_eq!((invited, refused), (3, BURST - 3), "{answers:?}");
    let (users, _) = a
        .service
        .list_users(Actor::Operator, &pool, None, None, None)
        .await
        .unwrap();
    assert_eq!(users.len(), 3);
    let guests = a
        .mails()
        .iter()
        .filter(|m| m["to"].as_str().unwrap().starts_with("guest"))
        .count();
    assert_eq!(guests, 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_burst_of_invitations_gets_exactly_the_allowance_on_both_databases() {
    let limit = |s: &mut ServiceConfig| s.invitations_per_day = 3;
    let a = TestServer::start_with_config(limit).await;
    let b = a.second_instance().await;
    invitation_burst(a, b).await;
    if let Some(db) = crate::common::TempPostgres::new().await {
        let a = TestServer::start_on_with_config(&db.url, limit).await;
        let b = a.second_instance().await;
        invitation_burst(a, b).await;
        db.drop_database().await;
    }
}

#[tokio::test]
async fn mail_from_an_app_is_sent_via_the_operator() {
    let server = TestServer::start_with_config(|s| s.mail_from_name = "Example Auth".into()).await;
    let (dev, pool) = developer_with_app(&server, "dev@example.com").await;
    // The console's own mail, and an app's: the operator's name always ends the sender's.
    let console_mail = &server.mails()[0];
    assert_eq!(
        console_mail["from_name"],
        "Auth Return console via Example Auth"
    );
    let (status, _) = crate::common::send(
        &server,
        reqwest::Method::PATCH,
        &format!("/api/apps/{}", app_of_pool(&server, &pool).await),
        Some(&dev),
        Some(json!({"name": "PayPal Security <security@paypal.com> \"Official\""})),
    )
    .await;
    assert_eq!(status, reqwest::StatusCode::OK);
    admin(
        &server,
        &dev,
        "AdminCreateUser",
        json!({"UserPoolId": pool, "Username": "u@example.com"}),
    )
    .await
    .ok();
    let mail = server.mails().pop().unwrap();
    assert_eq!(
        mail["from_name"],
        "PayPal Security security@paypal.com Off… via Example Auth"
    );

    // Line breaks never reach a header: app names and template subjects refuse them, and
    // nothing changes.
    let app_id = app_of_pool(&server, &pool).await;
    for body in [
        json!({"name": "Shop\r\nBcc: victim@example.net"}),
        json!({"templates": {"invitation_subject": "Hi\r\nBcc: victim@example.net"}}),
        json!({"templates": {"verification_subject": "Hi\nBcc: victim@example.net"}}),
    ] {
        let (status, answer) = crate::common::send(
            &server,
            reqwest::Method::PATCH,
            &format!("/api/apps/{app_id}"),
            Some(&dev),
            Some(body.clone()),
        )
        .await;
        assert_eq!(status, reqwest::StatusCode::BAD_REQUEST, "{body}");
        assert_eq!(answer["error"], "invalid_request", "{answer}");
    }
    let (status, answer) = crate::common::send(
        &server,
        reqwest::Method::POST,
        "/api/apps",
        Some(&dev),
        Some(json!({"name": "Shop\r\nBcc: victim@example.net"})),
    )
    .await;
    assert_eq!(
        (status, answer["message"].as_str()),
        (
            reqwest::StatusCode::BAD_REQUEST,
            Some("name must be 1 to 128 printable characters")
        )
    );
    let app = server
        .service
        .get_app(Actor::Operator, &app_id.parse().unwrap())
        .await
        .unwrap();
    assert_eq!(app.settings.templates.invitation_subject, None);
    assert!(app.name.starts_with("PayPal Security"));
}

#[tokio::test]
async fn the_operator_name_defaults_to_the_public_host() {
    let server = TestServer::start().await;
    let app = server.app("Shop").await;
    server
        .sign_up(app.app.client.id.as_str(), "a@example.com", PASSWORD)
        .await
        .ok();
    assert_eq!(server.mails()[0]["from_name"], "Shop via 127.0.0.1");
}

/// The app id of a pool.
async fn app_of_pool(server: &TestServer, pool: &PoolId) -> String {
    server
        .service
        .list_apps(Actor::Operator)
        .await
        .unwrap()
        .into_iter()
        .find(|a| a.pool_id == *pool)
        .unwrap()
        .id
        .to_string()
}
