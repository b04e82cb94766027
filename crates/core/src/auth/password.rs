//! The InitiateAuth and RespondToAuthChallenge entry points, and USER_PASSWORD_AUTH
//! (docs/cognito-protocol.md §5.1).

use super::refresh::ClientProof;
use super::srp::{SrpAnswer, SrpStart};
use super::{AuthStep, find_user, known_names, required};
use crate::error::{Error, Result};
use crate::model::App;
use crate::service::Service;
use std::collections::HashMap;

/// A named parameter of `AuthParameters` / `ChallengeResponses`.
fn param<'a>(params: &'a HashMap<String, String>, name: &str) -> Option<&'a str> {
    params.get(name).map(String::as_str)
}

impl Service {
    /// InitiateAuth: `USER_SRP_AUTH`, `USER_PASSWORD_AUTH`, `REFRESH_TOKEN_AUTH` / `REFRESH_TOKEN`.
    pub async fn initiate_auth(
        &self,
        client_id: &str,
        flow: &str,
        params: &HashMap<String, String>,
    ) -> Result<AuthStep> {
        let app = self.app_for_client(client_id).await?;
        match flow {
            "USER_SRP_AUTH" => {
                let start = SrpStart {
                    username: param(params, "USERNAME"),
                    srp_a: param(params, "SRP_A"),
                    secret_hash: param(params, "SECRET_HASH"),
                };
                self.start_srp(&app, start).await
            }
            "USER_PASSWORD_AUTH" => {
                let username = required(param(params, "USERNAME"), "USERNAME")?;
                let password = required(param(params, "PASSWORD"), "PASSWORD")?;
                self.password_sign_in(&app, username, password, param(params, "SECRET_HASH")).await
            }
            "REFRESH_TOKEN_AUTH" | "REFRESH_TOKEN" => {
                let token = required(param(params, "REFRESH_TOKEN"), "REFRESH_TOKEN")?;
                let proof = ClientProof::SecretHash(param(params, "SECRET_HASH"));
                self.refresh(&app, token, proof, false).await.map(AuthStep::Tokens)
            }
            "" => Err(Error::InvalidParameter(
                "1 validation error detected: Value null at 'authFlow' failed to satisfy constraint: Member must not be null".into(),
            )),
            _ => Err(Error::InvalidParameter("Initiate Auth method not supported.".into())),
        }
    }

    /// RespondToAuthChallenge: `PASSWORD_VERIFIER`, `NEW_PASSWORD_REQUIRED`.
    pub async fn respond_to_auth_challenge(
        &self,
        client_id: &str,
        challenge: &str,
        session: Option<&str>,
        responses: &HashMap<String, String>,
    ) -> Result<AuthStep> {
        match challenge {
            "NEW_PASSWORD_REQUIRED" => self.answer_new_password(client_id, session, responses).await,
            "PASSWORD_VERIFIER" => {
                let answer = SrpAnswer {
                    username: param(responses, "USERNAME"),
                    secret_block: param(responses, "PASSWORD_CLAIM_SECRET_BLOCK"),
                    signature: param(responses, "PASSWORD_CLAIM_SIGNATURE"),
                    timestamp: param(responses, "TIMESTAMP"),
                    secret_hash: param(responses, "SECRET_HASH"),
                };
                self.answer_password_verifier(client_id, answer).await
            }
            "" => Err(Error::InvalidParameter(
                "1 validation error detected: Value null at 'challengeName' failed to satisfy constraint: Member must not be null".into(),
            )),
            other => {
                self.app_for_client(client_id).await?;
                Err(Error::InvalidParameter(format!("Challenge {other} is not supported.")))
            }
        }
    }

    /// USER_PASSWORD_AUTH: the password is checked against the SRP verifier.
    async fn password_sign_in(
        &self,
        app: &App,
        username: &str,
        password: &str,
        secret_hash: Option<&str>,
    ) -> Result<AuthStep> {
        let Some(user) = find_user(self, &app.pool_id, username).await? else {
            self.check_secret_hash(app, secret_hash, &[username])?;
            let subject = super::lockout::subject(&self.decoy_id(&app.pool_id, username));
            let streak = self.reserve_attempt(&app.pool_id, subject).await?;
            self.password_decoy(&app.pool_id, username, password)
                .await?;
            self.record_failure(streak);
            return Err(Error::IncorrectCredentials);
        };
        let [uid, email] = known_names(&user);
        self.check_secret_hash(app, secret_hash, &[username, &uid, &email])?;
        let streak = self
            .reserve_attempt(&app.pool_id, super::lockout::subject(&uid))
            .await?;
        if !self.password_matches(&user, password).await? {
            self.record_failure(streak);
            return Err(Error::IncorrectCredentials);
        }
        self.clear_failures(streak).await?;
        self.finish_sign_in(app, &user).await
    }
}
