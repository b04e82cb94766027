//! NEW_PASSWORD_REQUIRED (docs/cognito-protocol.md §5.1 RespondToAuthChallenge): after an
//! administrator-created user proves the temporary password, they choose their own. The state
//! travels sealed in `Session`, bound to the client, valid 5 minutes, single use.

use super::audit::SignInFacts;
use super::flows::NewPasswordAnswer;
use super::{AuthStep, NewPasswordChallenge, SignInTarget, known_names};
use crate::error::{Error, Result};
use crate::ids::{ClientId, PoolId};
use crate::model::{App, User, UserStatus};
use crate::schema::AttributeWrite;
use crate::service::Service;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Longest `Session` we will try to open.
const MAX_SESSION_LEN: usize = 4096;

#[derive(Serialize, Deserialize)]
struct NewPasswordState {
    pool: PoolId,
    client: ClientId,
    uid: String,
    /// The salt of the temporary password: a re-issued password voids older challenges.
    salt: String,
    exp: i64,
    nonce: String,
}

fn aad(client_id: &ClientId) -> Vec<u8> {
    format!("new-password|{client_id}").into_bytes()
}

/// Attributes the NEW_PASSWORD_REQUIRED answer may not set (the identity-js README tells apps
/// to drop `email_verified`; we ignore it instead of failing).
const IGNORED: [&str; 2] = ["email_verified", "phone_number_verified"];

impl Service {
    pub(crate) fn new_password_challenge(&self, app: &App, user: &User) -> Result<AuthStep> {
        let state = NewPasswordState {
            pool: app.pool_id.clone(),
            client: app.client.id.clone(),
            uid: user.id.to_string(),
            salt: user.salt_hex.clone(),
            exp: self.clock.now() + self.config.challenge_ttl_secs,
            nonce: STANDARD.encode(auth_return_crypto::random::bytes::<16>()),
        };
        let plain =
            serde_json::to_vec(&state).map_err(|e| Error::Internal(format!("challenge: {e}")))?;
        let session = STANDARD.encode(self.keyring.challenges.seal(&plain, &aad(&state.client)));
        let mut attributes: BTreeMap<&str, &str> = user
            .attributes
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        attributes.insert("email", &user.email);
        let user_attributes_json = serde_json::to_string(&attributes)
            .map_err(|e| Error::Internal(format!("challenge: {e}")))?;
        Ok(AuthStep::NewPasswordRequired(NewPasswordChallenge {
            session,
            user_id_for_srp: user.id.to_string(),
            user_attributes_json,
        }))
    }

    pub(crate) async fn answer_new_password(
        &self,
        client_id: &ClientId,
        answer: NewPasswordAnswer,
        facts: &mut SignInFacts,
        target: SignInTarget,
    ) -> Result<AuthStep> {
        let username = answer.username.as_str();
        let app = self.app_for_client(client_id).await?;
        facts.attempt(&app.pool_id, username);
        let state = self.open_new_password_state(&app, &answer.session)?;
        let user = match crate::ids::UserId::parse(&state.uid) {
            Some(id) => self.store.get_user(&app.pool_id, id).await?,
            None => None,
        };
        let Some(mut user) = user
            .filter(|u| u.status == UserStatus::ForceChangePassword && u.salt_hex == state.salt)
        else {
            return Err(Error::ChallengeExpired);
        };
        facts.found(&user);
        if !user.enabled {
            return Err(Error::UserDisabled);
        }
        let [uid, email] = known_names(&user);
        let secret_hash = answer.secret_hash.as_deref();
        self.check_sign_in_hash(&app, target, secret_hash, &[username, &uid, &email])?;
        if username != uid && !username.trim().eq_ignore_ascii_case(&email) {
            return Err(Error::ChallengeExpired);
        }
        app.settings
            .password_policy
            .check(answer.new_password.expose())?;
        for (name, value) in &answer.attributes {
            let name = name.as_str();
            match name {
                _ if IGNORED.contains(&name) => {}
                "email" if value.trim().eq_ignore_ascii_case(&user.email) => {}
                "email" | "sub" => {
                    return Err(Error::InvalidParameter(format!(
                        "Cannot modify the non-mutable attribute {name}"
                    )));
                }
                _ => {
                    // The user exists already: immutable attributes stay as created.
                    app.settings
                        .custom_attributes
                        .check(name, value, AttributeWrite::Change)?;
                    if value.is_empty() {
                        user.attributes.remove(name);
                    } else {
                        user.attributes.insert(name.to_owned(), value.clone());
                    }
                }
            }
        }
        self.claim_challenge(&state.nonce, state.exp).await?;
        let user = self
            .set_password(
                user,
                answer.new_password.expose(),
                UserStatus::Confirmed,
                None,
            )
            .await?;
        self.finish_sign_in(&app, &user, target).await
    }

    fn open_new_password_state(&self, app: &App, session: &str) -> Result<NewPasswordState> {
        if session.len() > MAX_SESSION_LEN {
            return Err(Error::ChallengeExpired);
        }
        let sealed = STANDARD
            .decode(session)
            .map_err(|_| Error::ChallengeExpired)?;
        let plain = self
            .keyring
            .challenges
            .open(&sealed, &aad(&app.client.id))
            .map_err(|_| Error::ChallengeExpired)?;
        let state: NewPasswordState =
            serde_json::from_slice(plain.expose()).map_err(|_| Error::ChallengeExpired)?;
        if state.pool != app.pool_id || state.exp <= self.clock.now() {
            return Err(Error::ChallengeExpired);
        }
        Ok(state)
    }
}
