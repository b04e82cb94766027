//! `--mode totp`: one complete sign-in with an authenticator app per operation — the SRP
//! password step, then `SOFTWARE_TOKEN_MFA` with the app's current code. A code is accepted
//! once per user, so every operation signs in a user of its own, enrolled beforehand (not
//! measured): signed up, signed in, AssociateSoftwareToken, VerifySoftwareToken with the code
//! of the step before (accepted with one step of skew), leaving the current step's code for
//! the measured sign-in.

use super::Target;
use anyhow::{Context, bail};
use auth_return_crypto::totp::{self, TotpSecret};
use serde_json::{Value, json};

/// A user with an authenticator app: their email and base32 secret.
pub struct Enrolled {
    email: String,
    secret: String,
}

/// The authenticator app's code for `secret`, `steps` time steps from now.
fn code(secret: &str, steps: i64) -> anyhow::Result<String> {
    let secret = TotpSecret::from_base32(secret).context("secret")?;
    let now = i64::try_from(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)?
            .as_secs(),
    )?;
    Ok(totp::code_at(&secret, totp::step_at(now + steps * 30)))
}

/// Signs up and enrols `count` users.
pub async fn enrol(target: &Target, count: usize) -> anyhow::Result<Vec<Enrolled>> {
    let mut users = Vec::with_capacity(count);
    for _ in 0..count {
        let email = format!("bench-totp-{}@example.com", uuid::Uuid::new_v4());
        target.register(&email).await?;
        let signed_in = target.password_sign_in(&email).await?;
        let access = signed_in["AuthenticationResult"]["AccessToken"]
            .as_str()
            .context("the app asks for MFA before enrolment: use mode OPTIONAL")?
            .to_owned();
        let associated = target
            .call("AssociateSoftwareToken", json!({ "AccessToken": access }))
            .await?;
        let secret = associated["SecretCode"]
            .as_str()
            .context("secret")?
            .to_owned();
        target
            .call(
                "VerifySoftwareToken",
                json!({ "AccessToken": access, "UserCode": code(&secret, -1)? }),
            )
            .await?;
        users.push(Enrolled { email, secret });
    }
    Ok(users)
}

/// One sign-in of `user`: the password step, then the code.
pub async fn sign_in(target: &Target, user: &Enrolled) -> anyhow::Result<Value> {
    let challenge = target.sign_in(&user.email).await?;
    if challenge["ChallengeName"] != "SOFTWARE_TOKEN_MFA" {
        bail!("no SOFTWARE_TOKEN_MFA challenge: {challenge}");
    }
    let answered = target
        .call(
            "RespondToAuthChallenge",
            json!({
                "ChallengeName": "SOFTWARE_TOKEN_MFA",
                "ClientId": target.client_id,
                "Session": challenge["Session"],
                "ChallengeResponses": {
                    "USERNAME": challenge["ChallengeParameters"]["USER_ID_FOR_SRP"],
                    "SOFTWARE_TOKEN_MFA_CODE": code(&user.secret, 0)?,
                },
            }),
        )
        .await?;
    if answered["AuthenticationResult"]["AccessToken"].is_null() {
        bail!("no tokens: {answered}");
    }
    Ok(answered)
}
