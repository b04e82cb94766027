//! `--mode passkey`: one complete passkey sign-in per operation — InitiateAuth `USER_AUTH` with
//! `PREFERRED_CHALLENGE: WEB_AUTHN`, then RespondToAuthChallenge `WEB_AUTHN` with a software
//! passkey's assertion (the integration tests' authenticator: ES256, counter 0, on
//! `authenticator::ORIGIN`). One user per worker, each with a passkey registered beforehand (not
//! measured): signed up, signed in, StartWebAuthnRegistration, CompleteWebAuthnRegistration.

use super::Target;
use crate::authenticator::{Authenticator, Ceremony};
use anyhow::{Context, bail};
use serde_json::{Value, json};

/// A user with a passkey.
pub struct Enrolled {
    email: String,
    passkey: Authenticator,
}

/// Signs up `count` users and registers a passkey for each.
pub async fn enrol(target: &Target, count: usize) -> anyhow::Result<Vec<Enrolled>> {
    let mut users = Vec::with_capacity(count);
    for _ in 0..count {
        let email = format!("bench-passkey-{}@example.com", uuid::Uuid::new_v4());
        target.register(&email).await?;
        let signed_in = target.password_sign_in(&email).await?;
        let access = signed_in["AuthenticationResult"]["AccessToken"]
            .as_str()
            .context("no tokens from the password sign-in")?
            .to_owned();
        let started = target
            .call(
                "StartWebAuthnRegistration",
                json!({ "AccessToken": access }),
            )
            .await?;
        let mut passkey = Authenticator::new();
        let credential =
            passkey.register(&started["CredentialCreationOptions"], &Ceremony::default());
        target
            .call(
                "CompleteWebAuthnRegistration",
                json!({ "AccessToken": access, "Credential": credential }),
            )
            .await?;
        users.push(Enrolled { email, passkey });
    }
    Ok(users)
}

/// One passkey sign-in of `user`.
pub async fn sign_in(target: &Target, user: &Enrolled) -> anyhow::Result<Value> {
    let challenge = target
        .call(
            "InitiateAuth",
            json!({
                "AuthFlow": "USER_AUTH",
                "ClientId": target.client_id,
                "AuthParameters": { "USERNAME": user.email, "PREFERRED_CHALLENGE": "WEB_AUTHN" },
            }),
        )
        .await?;
    if challenge["ChallengeName"] != "WEB_AUTHN" {
        bail!("no WEB_AUTHN challenge: {challenge}");
    }
    let options: Value = serde_json::from_str(
        challenge["ChallengeParameters"]["CREDENTIAL_REQUEST_OPTIONS"]
            .as_str()
            .context("CREDENTIAL_REQUEST_OPTIONS")?,
    )?;
    let assertion = user.passkey.assert(&options, &Ceremony::default());
    let answered = target
        .call(
            "RespondToAuthChallenge",
            json!({
                "ChallengeName": "WEB_AUTHN",
                "ClientId": target.client_id,
                "Session": challenge["Session"],
                "ChallengeResponses": {
                    "USERNAME": user.email,
                    "CREDENTIAL": assertion.to_string(),
                },
            }),
        )
        .await?;
    if answered["AuthenticationResult"]["AccessToken"].is_null() {
        bail!("no tokens: {answered}");
    }
    Ok(answered)
}
