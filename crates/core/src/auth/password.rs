//! The InitiateAuth and RespondToAuthChallenge entry points, and USER_PASSWORD_AUTH
//! (docs/cognito-protocol.md §5.1).

use super::audit::SignInFacts;
use super::flows::{AuthFlow, ChallengeAnswer, FirstFactor};
use super::refresh::ClientProof;
use super::{AuthStep, SignInTarget, find_user, known_names};
use crate::error::{Error, Result};
use crate::events::Caller;
use crate::ids::ClientId;
use crate::model::App;
use crate::service::Service;

impl Service {
    /// Starts a sign-in (InitiateAuth) for the app of `client_id`, made by `caller`; a
    /// password sign-in records its event.
    pub async fn initiate_auth(
        &self,
        client_id: &ClientId,
        flow: AuthFlow,
        caller: &Caller,
    ) -> Result<AuthStep> {
        self.initiate_for(client_id, flow, caller, SignInTarget::Tokens, false)
            .await
    }

    /// Starts a server-side sign-in (AdminInitiateAuth, the caller already authorized for the
    /// pool): as [`Self::initiate_auth`], but a password is allowed by the client's
    /// `ALLOW_ADMIN_USER_PASSWORD_AUTH`.
    pub async fn admin_initiate_auth(
        &self,
        client_id: &ClientId,
        flow: AuthFlow,
        caller: &Caller,
    ) -> Result<AuthStep> {
        self.initiate_for(client_id, flow, caller, SignInTarget::Tokens, true)
            .await
    }

    async fn initiate_for(
        &self,
        client_id: &ClientId,
        flow: AuthFlow,
        caller: &Caller,
        target: SignInTarget,
        admin: bool,
    ) -> Result<AuthStep> {
        let mut facts = SignInFacts::default();
        let outcome = self
            .initiate(client_id, flow, &mut facts, caller, target, admin)
            .await;
        self.record_sign_in(caller, facts, &outcome);
        outcome
    }

    async fn initiate(
        &self,
        client_id: &ClientId,
        flow: AuthFlow,
        facts: &mut SignInFacts,
        caller: &Caller,
        target: SignInTarget,
        admin: bool,
    ) -> Result<AuthStep> {
        let app = self.app_for_client(client_id).await?;
        // The client's `ExplicitAuthFlows`; the hosted pages are not bound by them, as
        // Cognito's managed login is not. `admin`: started by AdminInitiateAuth.
        if target == SignInTarget::Tokens {
            app.client.require(flow.permission(admin))?;
        }
        match flow {
            AuthFlow::UserSrp {
                username,
                srp_a,
                secret_hash,
            } => {
                facts.attempt(&app.pool_id, &username);
                self.start_srp(&app, &username, &srp_a, secret_hash.as_deref(), target)
                    .await
            }
            AuthFlow::UserPassword {
                username,
                password,
                secret_hash,
            } => {
                facts.attempt(&app.pool_id, &username);
                let secret_hash = secret_hash.as_deref();
                self.password_sign_in(&app, &username, password.expose(), secret_hash, facts)
                    .await
            }
            AuthFlow::UserAuth {
                username,
                preferred,
                secret_hash,
            } => {
                facts.attempt(&app.pool_id, &username);
                self.user_auth(
                    &app,
                    &username,
                    preferred,
                    secret_hash.as_deref(),
                    facts,
                    target,
                )
                .await
            }
            AuthFlow::UsernamelessPasskey => self.usernameless_passkey_challenge(&app).await,
            AuthFlow::Refresh { token, secret_hash } => {
                let proof = ClientProof::SecretHash(secret_hash.as_deref());
                self.refresh(&app, token.expose(), proof, false, caller)
                    .await
                    .map(AuthStep::Tokens)
            }
        }
    }

    /// Answers a challenge (RespondToAuthChallenge) for the app of `client_id`, made by
    /// `caller`; records the sign-in's event.
    pub async fn respond_to_auth_challenge(
        &self,
        client_id: &ClientId,
        answer: ChallengeAnswer,
        caller: &Caller,
    ) -> Result<AuthStep> {
        self.respond_for(client_id, answer, caller, SignInTarget::Tokens)
            .await
    }

    /// Starts a sign-in on the hosted pages: SRP, or a passkey (`USER_AUTH` preferring
    /// `WEB_AUTHN`, named or not, where the app has passkeys on), so the password never reaches us there
    /// either: neither `USER_PASSWORD_AUTH` nor a `USER_AUTH` that could lead to a password.
    pub async fn hosted_initiate_auth(
        &self,
        client_id: &ClientId,
        flow: AuthFlow,
        caller: &Caller,
    ) -> Result<AuthStep> {
        let allowed = match &flow {
            AuthFlow::UserSrp { .. } => true,
            AuthFlow::UserAuth {
                preferred: Some(FirstFactor::WebAuthn),
                ..
            }
            | AuthFlow::UsernamelessPasskey => {
                self.app_for_client(client_id)
                    .await?
                    .settings
                    .passkeys
                    .enabled
            }
            _ => false,
        };
        if !allowed {
            self.require_client(client_id).await?;
            return Err(Error::InvalidParameter(
                "The hosted pages sign in with USER_SRP_AUTH, or USER_AUTH with a passkey (PREFERRED_CHALLENGE WEB_AUTHN where the app has passkeys on), only.".into(),
            ));
        }
        self.initiate_for(client_id, flow, caller, SignInTarget::Hosted, false)
            .await
    }

    /// Answers a challenge on the hosted pages: a completed sign-in opens a hosted session
    /// ([`AuthStep::SignedIn`]) instead of answering tokens. `SELECT_CHALLENGE` is not answered
    /// there: its answer may carry a password.
    pub async fn hosted_respond_to_auth_challenge(
        &self,
        client_id: &ClientId,
        answer: ChallengeAnswer,
        caller: &Caller,
    ) -> Result<AuthStep> {
        if matches!(answer, ChallengeAnswer::SelectChallenge(_)) {
            self.require_client(client_id).await?;
            return Err(Error::InvalidParameter(
                "The hosted pages do not answer SELECT_CHALLENGE.".into(),
            ));
        }
        self.respond_for(client_id, answer, caller, SignInTarget::Hosted)
            .await
    }

    async fn respond_for(
        &self,
        client_id: &ClientId,
        answer: ChallengeAnswer,
        caller: &Caller,
        target: SignInTarget,
    ) -> Result<AuthStep> {
        let mut facts = SignInFacts::default();
        let outcome = match answer {
            ChallengeAnswer::PasswordVerifier(claim) => {
                self.answer_password_verifier(client_id, claim, &mut facts, target)
                    .await
            }
            ChallengeAnswer::NewPassword(answer) => {
                self.answer_new_password(client_id, answer, &mut facts, target)
                    .await
            }
            ChallengeAnswer::SoftwareTokenMfa(answer) => {
                self.answer_software_token_mfa(client_id, answer, &mut facts, target)
                    .await
            }
            ChallengeAnswer::EmailOtp(answer) => {
                self.answer_email_otp(client_id, answer, &mut facts, target, caller)
                    .await
            }
            ChallengeAnswer::SelectMfaType(answer) => {
                self.answer_select_mfa_type(client_id, answer, &mut facts, target)
                    .await
            }
            ChallengeAnswer::MfaSetup(answer) => {
                self.answer_mfa_setup(client_id, answer, &mut facts, target)
                    .await
            }
            ChallengeAnswer::SelectChallenge(answer) => {
                self.answer_select_challenge(client_id, answer, &mut facts, target)
                    .await
            }
            ChallengeAnswer::WebAuthn(answer) => {
                self.answer_web_authn(client_id, answer, &mut facts, target)
                    .await
            }
        };
        self.record_sign_in(caller, facts, &outcome);
        outcome
    }

    /// Checks that `client_id` names an app client, for requests that fail after that check
    /// (an unsupported flow or challenge is reported only for a client that exists).
    pub async fn require_client(&self, client_id: &ClientId) -> Result<()> {
        self.app_for_client(client_id).await.map(drop)
    }

    /// USER_PASSWORD_AUTH: the password is checked against the SRP verifier.
    pub(crate) async fn password_sign_in(
        &self,
        app: &App,
        username: &str,
        password: &str,
        secret_hash: Option<&str>,
        facts: &mut SignInFacts,
    ) -> Result<AuthStep> {
        let Some(user) = find_user(self, &app.pool_id, username).await? else {
            self.check_secret_hash(app, secret_hash, &[username])?;
            let subject = super::lockout::subject(&self.decoy_id(&app.pool_id, username));
            let streak = self.reserve_attempt(&app.pool_id, subject).await?;
            self.password_decoy(&app.pool_id, username, password)
                .await?;
            facts.failed(self.record_failure(streak));
            return Err(Error::IncorrectCredentials);
        };
        facts.found(&user);
        let [uid, email] = known_names(&user);
        self.check_secret_hash(app, secret_hash, &[username, &uid, &email])?;
        let streak = self
            .reserve_attempt(&app.pool_id, super::lockout::subject(&uid))
            .await?;
        if !self.password_matches(&user, password).await? {
            facts.failed(self.record_failure(streak));
            return Err(Error::IncorrectCredentials);
        }
        self.clear_failures(streak).await?;
        self.finish_sign_in(app, &user, SignInTarget::Tokens).await
    }
}
