//! What the MFA tests share: an app with an MFA mode, a user, codes of an authenticator app.

pub use crate::common::pool_events as events;
use crate::common::{PASSWORD, Reply, TestServer};
use auth_return_core::CreatedApp;
use auth_return_core::apps::{Actor, AppUpdate};
use auth_return_crypto::totp::{self, TotpSecret};
use serde_json::{Value, json};

/// An app with MFA `mode` (`OFF`, `OPTIONAL`, `ON`) and a confirmed user `email`.
pub async fn mfa_app(server: &TestServer, name: &str, mode: &str, email: &str) -> CreatedApp {
    let app = server.app(name).await;
    set_mode(server, &app, mode).await;
    server
        .confirmed_user(app.app.client.id.as_str(), email, PASSWORD)
        .await;
    app
}

/// Sets the app's MFA mode.
pub async fn set_mode(server: &TestServer, app: &CreatedApp, mode: &str) {
    let update: AppUpdate = serde_json::from_value(json!({ "mfa": { "mode": mode } })).unwrap();
    server
        .service
        .update_app(Actor::Operator, &app.app.id, update, &Default::default())
        .await
        .unwrap();
}

/// The authenticator app's code `steps_ahead` time steps from the server's now.
pub fn code(secret: &str, server: &TestServer, steps_ahead: i64) -> String {
    let secret = TotpSecret::from_base32(secret).unwrap();
    let step = totp::step_at(server.clock_now() + steps_ahead * 30);
    totp::code_at(&secret, step)
}

/// Sets up an authenticator app for a signed-in user; its secret.
pub async fn enrol(server: &TestServer, access: &str) -> String {
    let associated = server
        .call("AssociateSoftwareToken", json!({ "AccessToken": access }))
        .await;
    let secret = associated.ok()["SecretCode"].as_str().unwrap().to_owned();
    let verified = server
        .call(
            "VerifySoftwareToken",
            json!({ "AccessToken": access, "UserCode": code(&secret, server, 0),
                    "FriendlyDeviceName": "phone" }),
        )
        .await;
    assert_eq!(verified.ok()["Status"], "SUCCESS");
    secret
}

/// The password step of an SRP sign-in: its reply (a challenge, or tokens).
pub async fn password_step(server: &TestServer, app: &CreatedApp, email: &str) -> Reply {
    server.srp_sign_in(app, email, PASSWORD).await
}

/// Answers `SOFTWARE_TOKEN_MFA` with `code`, as amazon-cognito-identity-js does (it sends the
/// code as `SMS_MFA_CODE` too).
pub async fn answer_code(
    server: &TestServer,
    app: &CreatedApp,
    challenge: &Value,
    code: &str,
) -> Reply {
    server
        .call(
            "RespondToAuthChallenge",
            json!({
                "ChallengeName": "SOFTWARE_TOKEN_MFA",
                "ClientId": app.app.client.id.as_str(),
                "Session": challenge["Session"],
                "ChallengeResponses": {
                    "USERNAME": challenge["ChallengeParameters"]["USER_ID_FOR_SRP"],
                    "SOFTWARE_TOKEN_MFA_CODE": code,
                    "SMS_MFA_CODE": code,
                },
            }),
        )
        .await
}

/// Sets the browser origins the app allows.
pub async fn set_origins(server: &TestServer, app: &CreatedApp, origins: &[&str]) {
    let update: AppUpdate = serde_json::from_value(json!({ "origins": origins })).unwrap();
    server
        .service
        .update_app(Actor::Operator, &app.app.id, update, &Default::default())
        .await
        .unwrap();
}

/// Sets the app's MFA settings to `mfa` (e.g. `{"mode": "OPTIONAL", "email_otp": true}`).
pub async fn set_mfa(server: &TestServer, app: &CreatedApp, mfa: Value) {
    let update: AppUpdate = serde_json::from_value(json!({ "mfa": mfa })).unwrap();
    server
        .service
        .update_app(Actor::Operator, &app.app.id, update, &Default::default())
        .await
        .unwrap();
}

/// Answers `EMAIL_OTP` with `code`.
pub async fn answer_email_code(
    server: &TestServer,
    app: &CreatedApp,
    challenge: &Value,
    code: &str,
) -> Reply {
    server
        .call(
            "RespondToAuthChallenge",
            json!({
                "ChallengeName": "EMAIL_OTP",
                "ClientId": app.app.client.id.as_str(),
                "Session": challenge["Session"],
                "ChallengeResponses": {
                    "USERNAME": challenge["ChallengeParameters"]["USER_ID_FOR_SRP"],
                    "EMAIL_OTP_CODE": code,
                },
            }),
        )
        .await
}
