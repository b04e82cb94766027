//! Choice-based sign-in (`USER_AUTH`, docs/cognito-protocol.md §5.3): the client's preferred first
//! factor, else `SELECT_CHALLENGE` naming those the app offers; and the `WEB_AUTHN` challenge
//! and its answer. A name that is no user, and a user without passkeys, get a challenge of the
//! same shape, cost and outcome as each other (naming one made-up credential) and as a user whose
//! passkey fails. The options of a user with passkeys name theirs, as WebAuthn needs: their number
//! and id lengths can tell such a user from a stranger, as in Cognito.

use super::ceremony::sign_in_key;
use super::{CEREMONY_SECS, relying_party};
use crate::auth::audit::SignInFacts;
use crate::auth::flows::{FirstFactor, FirstFactorAnswer, WebAuthnAnswer};
use crate::auth::mfa::session::Stage;
use crate::auth::{
    AuthStep, MfaChallenge, SignInTarget, WebAuthnChallenge, find_user, known_names,
};
use crate::error::{Error, Result};
use crate::ids::{ClientId, UserId};
use crate::model::{App, User};
use crate::service::Service;
use auth_return_crypto::hash::hmac_sha256;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};
use webauthn_rs::prelude::{
    AuthenticationResult, DiscoverableAuthentication, DiscoverableKey, Passkey,
    PasskeyAuthentication, PublicKeyCredential, Webauthn, WebauthnError,
};

/// Longest `CREDENTIAL` we parse.
const MAX_CREDENTIAL_LEN: usize = 16 * 1024;

/// The lockout key of failed passkey answers for a user: a streak of its own, so that
/// password guessing never locks a user out of their passkeys.
fn passkey_subject(user_id: &str) -> String {
    format!("passkey:{user_id}")
}

/// What a sign-in challenge keeps server-side until its answer.
#[derive(Serialize, Deserialize)]
pub(super) enum SignInCeremony {
    /// A user with passkeys: webauthn-rs's state.
    Real(PasskeyAuthentication),
    /// No name given: the passkey will name its user (webauthn-rs's state).
    Discoverable(DiscoverableAuthentication),
    /// A name that is no user, or a user without passkeys: nothing can answer it.
    Decoy,
}

/// A passkey's answer to judge.
pub(super) struct PasskeyClaim {
    /// The user whose passkey lockout counts the attempt (a decoy id for a name that is none).
    pub lock: UserId,
    /// The user signing in; `None`: nobody can answer.
    pub user: Option<User>,
    /// The challenge's state, taken.
    pub ceremony: SignInCeremony,
    /// The browser's assertion.
    pub credential: PublicKeyCredential,
}

/// Who a sign-in is about: a user, or the decoy id of a name that is none.
struct Subject {
    user: Option<User>,
    uid: UserId,
}

impl Service {
    /// InitiateAuth `USER_AUTH`.
    pub(crate) async fn user_auth(
        &self,
        app: &App,
        username: &str,
        preferred: Option<FirstFactor>,
        secret_hash: Option<&str>,
        facts: &mut SignInFacts,
        target: SignInTarget,
    ) -> Result<AuthStep> {
        match preferred {
            Some(factor) if self.offers(app, &factor) => {
                self.start_first_factor(app, username, factor, secret_hash, facts, target)
                    .await
            }
            _ => {
                self.select_challenge(app, username, secret_hash, target)
                    .await
            }
        }
    }

    /// Whether `app` offers `factor` as a first factor.
    fn offers(&self, app: &App, factor: &FirstFactor) -> bool {
        match factor {
            FirstFactor::WebAuthn => app.settings.passkeys.enabled,
            FirstFactor::Password(_) | FirstFactor::PasswordSrp(_) => true,
        }
    }

    /// The first factors `app` offers, by Cognito's names: passkeys only where a browser could
    /// use them (a client that prefers them anyway learns why not).
    fn first_factors(&self, app: &App) -> Vec<&'static str> {
        let mut factors = Vec::with_capacity(3);
        if self.passkeys_usable(app) {
            factors.push("WEB_AUTHN");
        }
        factors.extend(["PASSWORD_SRP", "PASSWORD"]);
        factors
    }

    /// Starts the sign-in with `factor`.
    async fn start_first_factor(
        &self,
        app: &App,
        username: &str,
        factor: FirstFactor,
        secret_hash: Option<&str>,
        facts: &mut SignInFacts,
        target: SignInTarget,
    ) -> Result<AuthStep> {
        match factor {
            FirstFactor::PasswordSrp(srp_a) => {
                self.start_srp(app, username, &srp_a, secret_hash, target)
                    .await
            }
            FirstFactor::Password(password) => {
                self.password_sign_in(app, username, password.expose(), secret_hash, facts)
                    .await
            }
            FirstFactor::WebAuthn => {
                self.passkey_challenge(app, username, secret_hash, target)
                    .await
            }
        }
    }

    /// The user `username` names, or the decoy id of a name that is none; with the client's
    /// `SECRET_HASH` checked as for a password sign-in.
    async fn sign_in_subject(
        &self,
        app: &App,
        username: &str,
        secret_hash: Option<&str>,
        target: SignInTarget,
    ) -> Result<Subject> {
        match find_user(self, &app.pool_id, username).await? {
            Some(user) => {
                let [uid, email] = known_names(&user);
                self.check_sign_in_hash(app, target, secret_hash, &[username, &uid, &email])?;
                Ok(Subject {
                    uid: user.id,
                    user: Some(user),
                })
            }
            None => {
                self.check_sign_in_hash(app, target, secret_hash, &[username])?;
                let uid = UserId::parse(&self.decoy_id(&app.pool_id, username))
                    .ok_or_else(|| Error::Internal("a decoy id is no user id".into()))?;
                Ok(Subject { user: None, uid })
            }
        }
    }

    /// `SELECT_CHALLENGE`: the first factors the app offers (the same for every name).
    async fn select_challenge(
        &self,
        app: &App,
        username: &str,
        secret_hash: Option<&str>,
        target: SignInTarget,
    ) -> Result<AuthStep> {
        let subject = self
            .sign_in_subject(app, username, secret_hash, target)
            .await?;
        let state = self.new_mfa_state(app, subject.uid, Stage::SelectChallenge);
        let challenge = MfaChallenge {
            session: self.seal_mfa_state(&state)?,
            user_id_for_srp: subject.uid.to_string(),
        };
        Ok(AuthStep::SelectChallenge(
            challenge,
            self.first_factors(app),
        ))
    }

    /// RespondToAuthChallenge `SELECT_CHALLENGE`: starts the factor chosen, once per `Session`.
    pub(crate) async fn answer_select_challenge(
        &self,
        client_id: &ClientId,
        answer: FirstFactorAnswer,
        facts: &mut SignInFacts,
        target: SignInTarget,
    ) -> Result<AuthStep> {
        let app = self.app_for_client(client_id).await?;
        facts.attempt(&app.pool_id, &answer.username);
        let state = self.open_mfa_state_of(&app, &answer.session, &[Stage::SelectChallenge])?;
        let secret_hash = answer.secret_hash.as_deref();
        let subject = self
            .sign_in_subject(&app, &answer.username, secret_hash, target)
            .await?;
        if subject.uid != state.uid {
            return Err(Error::ChallengeExpired);
        }
        if !self.offers(&app, &answer.factor) {
            return Err(Error::InvalidParameter(
                "The chosen challenge is not one this app offers.".into(),
            ));
        }
        self.claim_challenge(&state.nonce, state.exp).await?;
        self.start_first_factor(
            &app,
            &answer.username,
            answer.factor,
            secret_hash,
            facts,
            target,
        )
        .await
    }

    /// `WEB_AUTHN`: request options naming the user's passkeys, with the state kept
    /// server-side; for a name that is no user or a user without passkeys, options of the same
    /// shape naming a credential nobody has.
    async fn passkey_challenge(
        &self,
        app: &App,
        username: &str,
        secret_hash: Option<&str>,
        target: SignInTarget,
    ) -> Result<AuthStep> {
        let (webauthn, rp_id) = relying_party(app, &self.config.public_url)?;
        let subject = self
            .sign_in_subject(app, username, secret_hash, target)
            .await?;
        let passkeys = match &subject.user {
            Some(user) => self.user_passkeys(app, user).await?,
            None => Vec::new(),
        };
        let state = self.new_mfa_state(app, subject.uid, Stage::WebAuthn);
        let key = sign_in_key(&state.nonce);
        let options = if passkeys.is_empty() {
            self.put_ceremony_state(&key, &SignInCeremony::Decoy)
                .await?;
            self.decoy_request_options(app, &rp_id, subject.uid)
        } else {
            let (options, ceremony) = webauthn
                .start_passkey_authentication(&passkeys)
                .map_err(|e| Error::Internal(format!("starting a passkey sign-in: {e}")))?;
            self.put_ceremony_state(&key, &SignInCeremony::Real(ceremony))
                .await?;
            serde_json::to_value(&options.public_key)
                .map_err(|e| Error::Internal(format!("request options: {e}")))?
        };
        Ok(AuthStep::WebAuthn(WebAuthnChallenge {
            session: self.seal_mfa_state(&state)?,
            // Through a `Value`, so that real and decoy options list their members alike.
            request_options: options.to_string(),
            user_id_for_srp: Some(subject.uid.to_string()),
        }))
    }

    /// Request options for a sign-in nobody can answer, shaped as webauthn-rs shapes real ones;
    /// the credential id is stable per (pool, id), as a real user's would be.
    fn decoy_request_options(&self, app: &App, rp_id: &str, uid: UserId) -> serde_json::Value {
        let pool_id = &app.pool_id;
        let id = hmac_sha256(
            self.keyring.decoys.expose(),
            format!("passkey|{pool_id}|{uid}").as_bytes(),
        );
        let challenge = auth_return_crypto::random::bytes::<32>();
        serde_json::json!({
            "challenge": URL_SAFE_NO_PAD.encode(challenge),
            "timeout": CEREMONY_SECS * 1000,
            "rpId": rp_id,
            "allowCredentials": [{ "type": "public-key", "id": URL_SAFE_NO_PAD.encode(id) }],
            "userVerification": "required",
        })
    }

    /// RespondToAuthChallenge `WEB_AUTHN`: verifies the assertion against the challenge kept
    /// for this `Session` (taken, so answering twice fails) and signs in. A passkey sign-in
    /// asks for no second factor: it is possession and user verification in one.
    pub(crate) async fn answer_web_authn(
        &self,
        client_id: &ClientId,
        answer: WebAuthnAnswer,
        facts: &mut SignInFacts,
        target: SignInTarget,
    ) -> Result<AuthStep> {
        let app = self.app_for_client(client_id).await?;
        let stages = [Stage::WebAuthn, Stage::UsernamelessWebAuthn];
        let state = self.open_mfa_state_of(&app, &answer.session, &stages)?;
        if state.stage == Stage::UsernamelessWebAuthn {
            return self
                .answer_usernameless_passkey(&app, &state, answer, facts, target)
                .await;
        }
        let Some(username) = answer.username.as_deref() else {
            return Err(Error::InvalidParameter(
                "Missing required parameter USERNAME".into(),
            ));
        };
        facts.attempt(&app.pool_id, username);
        let (webauthn, _) = relying_party(&app, &self.config.public_url)?;
        let subject = self
            .sign_in_subject(&app, username, answer.secret_hash.as_deref(), target)
            .await?;
        if subject.uid != state.uid {
            return Err(Error::ChallengeExpired);
        }
        if let Some(user) = &subject.user {
            facts.found(user);
        }
        let credential = parse_assertion(&answer.credential)?;
        let Some(ceremony) = self
            .take_ceremony_state::<SignInCeremony>(&sign_in_key(&state.nonce))
            .await?
        else {
            return Err(Error::ChallengeExpired);
        };
        let claim = PasskeyClaim {
            lock: subject.uid,
            user: subject.user,
            ceremony,
            credential,
        };
        self.judge_passkey(&app, &webauthn, claim, facts, target)
            .await
    }

    /// Verifies a passkey's assertion, the attempt counted on the user's passkey lockout
    /// before it is judged, and signs in when it holds.
    pub(super) async fn judge_passkey(
        &self,
        app: &App,
        webauthn: &Webauthn,
        claim: PasskeyClaim,
        facts: &mut SignInFacts,
        target: SignInTarget,
    ) -> Result<AuthStep> {
        let PasskeyClaim {
            lock,
            user,
            ceremony,
            credential,
        } = claim;
        let streak = self
            .reserve_attempt(&app.pool_id, passkey_subject(&lock.to_string()))
            .await?;
        let verified = match &user {
            Some(user) => match self
                .finish_ceremony(app, webauthn, user, ceremony, &credential)
                .await?
            {
                Ok(result) => self.record_use(app, user, &result).await?,
                Err(e) => {
                    tracing::info!(pool_id = %app.pool_id, user_id = %user.id, error = %e, "passkey sign-in refused");
                    false
                }
            },
            None => false,
        };
        let Some(user) = user.filter(|_| verified) else {
            facts.failed(self.record_failure(streak));
            return Err(Error::PasskeyRefused);
        };
        self.clear_failures(streak).await?;
        if let Some(step) = self.admit(app, &user)? {
            return Ok(step);
        }
        self.complete_sign_in(app, &user, target).await
    }

    /// webauthn-rs's verdict on `credential` for `user`; a decoy's is always a refusal.
    async fn finish_ceremony(
        &self,
        app: &App,
        webauthn: &Webauthn,
        user: &User,
        ceremony: SignInCeremony,
        credential: &PublicKeyCredential,
    ) -> Result<Result<AuthenticationResult, WebauthnError>> {
        Ok(match ceremony {
            SignInCeremony::Real(state) => {
                webauthn.finish_passkey_authentication(credential, &state)
            }
            SignInCeremony::Discoverable(state) => {
                // The user's own passkeys only: one of another user's, named with this
                // user's handle, is refused.
                let keys: Vec<DiscoverableKey> = self
                    .user_passkeys(app, user)
                    .await?
                    .iter()
                    .map(DiscoverableKey::from)
                    .collect();
                webauthn.finish_discoverable_authentication(credential, state, &keys)
            }
            SignInCeremony::Decoy => Err(WebauthnError::CredentialNotFound),
        })
    }

    /// `user`'s passkeys, opened.
    async fn user_passkeys(&self, app: &App, user: &User) -> Result<Vec<Passkey>> {
        let mut passkeys = Vec::new();
        for stored in self.store.list_passkeys(&app.pool_id, user.id).await? {
            passkeys.push(self.open_passkey(
                &app.pool_id,
                user.id,
                &stored.credential_id,
                &stored.sealed_credential,
            )?);
        }
        Ok(passkeys)
    }

    /// Records a verified sign-in on its passkey (the signature counter, the time); `false`
    /// when the passkey was removed since the challenge.
    async fn record_use(
        &self,
        app: &App,
        user: &User,
        result: &AuthenticationResult,
    ) -> Result<bool> {
        let credential_id = result.cred_id().as_ref();
        let stored = self.store.list_passkeys(&app.pool_id, user.id).await?;
        let Some(stored) = stored.iter().find(|p| p.credential_id == credential_id) else {
            return Ok(false);
        };
        let mut passkey = self.open_passkey(
            &app.pool_id,
            user.id,
            &stored.credential_id,
            &stored.sealed_credential,
        )?;
        passkey.update_credential(result);
        let sealed = self.seal_passkey(&app.pool_id, user.id, &passkey)?;
        self.store
            .record_passkey_use(&app.pool_id, credential_id, &sealed, self.clock.now())
            .await
            .map_err(Error::from)
    }
}

/// The `CREDENTIAL` of a `WEB_AUTHN` answer: a `PublicKeyCredential`'s JSON (WebAuthn Level 3
/// §5.1.10, as `toJSON()` and Amplify write it).
pub(super) fn parse_assertion(text: &str) -> Result<PublicKeyCredential> {
    if text.len() > MAX_CREDENTIAL_LEN {
        return Err(Error::InvalidParameter("CREDENTIAL is too long.".into()));
    }
    serde_json::from_str(text).map_err(|_| {
        Error::InvalidParameter("CREDENTIAL is not the JSON of a PublicKeyCredential.".into())
    })
}
