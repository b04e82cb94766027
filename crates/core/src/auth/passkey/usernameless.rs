//! Passkey sign-in with no name given (our extension of `USER_AUTH`, docs/cognito-protocol.md
//! §5.3, usernameless `WEB_AUTHN`): the challenge names no credential, so the browser offers
//! every discoverable passkey it holds for the relying party (WebAuthn Level 2 §6.2.2) — in the
//! email field's autofill under conditional mediation (WebAuthn Level 3 §5.1.4) — and the
//! assertion's `userHandle` (the user id the passkey was registered with) names the user.

use super::ceremony::sign_in_key;
use super::relying_party;
use super::sign_in::{PasskeyClaim, SignInCeremony, parse_assertion};
use crate::auth::audit::SignInFacts;
use crate::auth::flows::WebAuthnAnswer;
use crate::auth::mfa::session::{MfaState, Stage};
use crate::auth::{AuthStep, SignInTarget, WebAuthnChallenge, find_user, known_names};
use crate::error::{Error, Result};
use crate::ids::UserId;
use crate::model::{App, User};
use crate::service::Service;

impl Service {
    /// InitiateAuth `USER_AUTH` preferring `WEB_AUTHN` with no `USERNAME`: request options
    /// with an empty `allowCredentials`, the state kept server-side like a named challenge's.
    pub(crate) async fn usernameless_passkey_challenge(&self, app: &App) -> Result<AuthStep> {
        if !app.settings.passkeys.enabled {
            return Err(Error::WebAuthnNotEnabled);
        }
        let (webauthn, _) = relying_party(app, &self.config.public_url)?;
        let (options, ceremony) = webauthn
            .start_discoverable_authentication()
            .map_err(|e| Error::Internal(format!("starting a passkey sign-in: {e}")))?;
        let nobody = UserId::from_uuid(uuid::Uuid::nil());
        let state = self.new_mfa_state(app, nobody, Stage::UsernamelessWebAuthn);
        self.put_ceremony_state(
            &sign_in_key(&state.nonce),
            &SignInCeremony::Discoverable(ceremony),
        )
        .await?;
        let options = serde_json::to_value(&options.public_key)
            .map_err(|e| Error::Internal(format!("request options: {e}")))?;
        Ok(AuthStep::WebAuthn(WebAuthnChallenge {
            session: self.seal_mfa_state(&state)?,
            request_options: options.to_string(),
            user_id_for_srp: None,
        }))
    }

    /// RespondToAuthChallenge `WEB_AUTHN` after a usernameless challenge. The user is the one
    /// the assertion's `userHandle` names in this pool; a `USERNAME` sent too must name the same
    /// user. A client with a secret sends `SECRET_HASH` over that user's id (the handle's UUID)
    /// or email: it cannot know the name before the browser answers.
    pub(super) async fn answer_usernameless_passkey(
        &self,
        app: &App,
        state: &MfaState,
        answer: WebAuthnAnswer,
        facts: &mut SignInFacts,
        target: SignInTarget,
    ) -> Result<AuthStep> {
        facts.attempt(&app.pool_id, answer.username.as_deref().unwrap_or_default());
        let (webauthn, _) = relying_party(app, &self.config.public_url)?;
        let credential = parse_assertion(&answer.credential)?;
        let handle = webauthn
            .identify_discoverable_authentication(&credential)
            .ok()
            .map(|(uuid, _)| UserId::from_uuid(uuid));
        let owner = match handle {
            Some(id) => self.store.get_user(&app.pool_id, id).await?,
            None => None,
        };
        let owner = match (owner, answer.username.as_deref()) {
            (Some(owner), Some(name)) => self.names_user(app, name, &owner).await?.then_some(owner),
            (owner, _) => owner,
        };
        let names = owner
            .as_ref()
            .map(|owner| known_names(owner).to_vec())
            .unwrap_or_default();
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        self.check_sign_in_hash(app, target, answer.secret_hash.as_deref(), &names)?;
        let Some(ceremony) = self
            .take_ceremony_state::<SignInCeremony>(&sign_in_key(&state.nonce))
            .await?
        else {
            return Err(Error::ChallengeExpired);
        };
        let Some(owner) = owner else {
            // No user of this pool registered this passkey: nothing to judge, and no lockout
            // to count it on (the per-address limits still count the InitiateAuth).
            return Err(Error::PasskeyRefused);
        };
        facts.found(&owner);
        let claim = PasskeyClaim {
            lock: owner.id,
            user: Some(owner),
            ceremony,
            credential,
        };
        self.judge_passkey(app, &webauthn, claim, facts, target)
            .await
    }

    /// Whether `name` (an email or internal username) names `user`.
    async fn names_user(&self, app: &App, name: &str, user: &User) -> Result<bool> {
        Ok(find_user(self, &app.pool_id, name)
            .await?
            .is_some_and(|named| named.id == user.id))
    }
}
