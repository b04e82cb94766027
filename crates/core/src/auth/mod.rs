//! Sign-up, sign-in and sessions: the Cognito user-pool flows (docs/cognito-protocol.md §3, §5.1).

mod access;
mod audit;
mod challenge;
mod codes;
mod flows;
mod lockout;
pub(crate) mod messages;
mod mfa;
mod new_password;
mod passkey;
mod password;
mod profile;
mod recovery;
pub(crate) mod refresh;
mod signup;
mod srp;

use crate::error::{Error, Result};
use crate::ids::{PoolId, SessionId, UserId};
use crate::model::{App, Group, Session, User, UserStatus};
use crate::service::Service;
use crate::tokens::claims::{self, Issuance};

pub use access::{TokenInfo, UserView};
pub use flows::{
    AuthFlow, ChallengeAnswer, FirstFactor, FirstFactorAnswer, MfaCodeAnswer, MfaSelectAnswer,
    MfaSetupAnswer, NewPasswordAnswer, PasswordClaim, SrpPublic, SrpTimestamp, WebAuthnAnswer,
};
pub use mfa::{Associated, MfaPreferenceChange, MfaView, SoftwareTokenCaller};
pub use passkey::PasskeyView;
pub use signup::{SignUpContext, SignUpOutput};

/// Where a code was sent (`CodeDeliveryDetails`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CodeDelivery {
    /// The masked address (`a***@e***`).
    pub destination: String,
}

/// The tokens of a successful sign-in or refresh (`AuthenticationResult`). No `Debug`: every
/// member but the lifetimes is a credential.
#[derive(Clone)]
pub struct AuthTokens {
    /// The ID token.
    pub id_token: String,
    /// The access token.
    pub access_token: String,
    /// A refresh token: on sign-in only (Cognito's non-rotating refresh omits it).
    pub refresh_token: Option<String>,
    /// Access token lifetime in seconds.
    pub expires_in: i64,
    /// When the session (its refresh token) ends, epoch seconds.
    pub refresh_expires_at: i64,
    /// The session's granted scopes (`Session::scope`): `None` for the user-pool API's.
    pub scope: Option<String>,
}

/// The `PASSWORD_VERIFIER` challenge (docs/cognito-protocol.md §3.5 step 8).
#[derive(Clone, Debug)]
pub struct PasswordVerifierChallenge {
    /// Canonical padHex salt.
    pub salt_hex: String,
    /// Hex of B.
    pub srp_b_hex: String,
    /// The sealed challenge state, base64.
    pub secret_block: String,
    /// `USERNAME` and `USER_ID_FOR_SRP`: the internal username.
    pub user_id_for_srp: String,
}

/// What InitiateAuth / RespondToAuthChallenge answer.
#[derive(Clone)]
pub enum AuthStep {
    /// The client must answer a challenge.
    PasswordVerifier(PasswordVerifierChallenge),
    /// An administrator-created user must choose a password (docs/cognito-protocol.md §5.1
    /// NEW_PASSWORD_REQUIRED).
    NewPasswordRequired(NewPasswordChallenge),
    /// A code from the user's authenticator app is needed (`SOFTWARE_TOKEN_MFA`).
    SoftwareTokenMfa(MfaChallenge),
    /// The code just mailed to the user is needed (`EMAIL_OTP`).
    EmailOtp(MfaChallenge, CodeDelivery),
    /// The user chooses which factor to answer (`SELECT_MFA_TYPE`).
    SelectMfaType(MfaChallenge),
    /// The app requires MFA and the user has no factor: they set one up (`MFA_SETUP`:
    /// AssociateSoftwareToken, VerifySoftwareToken, then RespondToAuthChallenge; or, where the
    /// flag says codes by email may be chosen, RespondToAuthChallenge with `EMAIL`).
    MfaSetup(MfaChallenge, bool),
    /// The client chooses the first factor (`SELECT_CHALLENGE`), of those named.
    SelectChallenge(MfaChallenge, Vec<&'static str>),
    /// A passkey's assertion is needed (`WEB_AUTHN`).
    WebAuthn(WebAuthnChallenge),
    /// Signed in.
    Tokens(AuthTokens),
    /// Signed in on the hosted pages: a hosted session, not tokens (the authorization request
    /// the page serves issues those).
    SignedIn(HostedCookie),
}

/// Where a completed sign-in leads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SignInTarget {
    /// Tokens for the client (the user-pool API).
    Tokens,
    /// A hosted-page session (`POST /login`).
    Hosted,
}

/// The cookie of a new hosted-page session. No `Debug`: the value is a credential.
#[derive(Clone)]
pub struct HostedCookie {
    /// The pool it signs in to (each pool has its own cookie).
    pub pool_id: PoolId,
    /// The cookie's value; only its hash is stored.
    pub value: String,
    /// When it stops signing in.
    pub expires_at: i64,
    /// Seconds from now until then (the cookie's `Max-Age`).
    pub max_age_secs: i64,
}

/// A multi-factor challenge (`SOFTWARE_TOKEN_MFA`, `MFA_SETUP`).
#[derive(Clone, Debug)]
pub struct MfaChallenge {
    /// The sealed challenge state, to come back as `Session`.
    pub session: String,
    /// `USER_ID_FOR_SRP`: the internal username.
    pub user_id_for_srp: String,
}

/// The `WEB_AUTHN` challenge.
#[derive(Clone, Debug)]
pub struct WebAuthnChallenge {
    /// The sealed challenge state, to come back as `Session`.
    pub session: String,
    /// `CREDENTIAL_REQUEST_OPTIONS`: the `PublicKeyCredentialRequestOptions` as JSON.
    pub request_options: String,
    /// `USERNAME`: the internal username; `None` for a usernameless challenge.
    pub user_id_for_srp: Option<String>,
}

/// The `NEW_PASSWORD_REQUIRED` challenge.
#[derive(Clone, Debug)]
pub struct NewPasswordChallenge {
    /// The sealed challenge state, to come back as `Session`.
    pub session: String,
    /// `USER_ID_FOR_SRP`: the internal username.
    pub user_id_for_srp: String,
    /// The user's current writable attributes, as a JSON object string.
    pub user_attributes_json: String,
}

/// Finds a user by what they typed: their email, their internal username (the sub), or, for a
/// user a provider's sign-in made, `<provider>_<sub>`.
pub(crate) async fn find_user(
    service: &Service,
    pool_id: &PoolId,
    username: &str,
) -> Result<Option<User>> {
    if let Some(id) = UserId::parse(username)
        && let Some(user) = service.store.get_user(pool_id, id).await?
    {
        return Ok(Some(user));
    }
    let email = username.trim().to_lowercase();
    if email.is_empty() || email.len() > 256 {
        return Ok(None);
    }
    if let Some(user) = service.store.get_user_by_email(pool_id, &email).await? {
        return Ok(Some(user));
    }
    federated_user_named(service, pool_id, username.trim()).await
}

/// The user a provider's sign-in made, by its name `<provider>_<sub>` (as its tokens call it).
/// A provider's name has no `_` but as its second character, so the name splits at its first
/// `_`, or its second.
async fn federated_user_named(
    service: &Service,
    pool_id: &PoolId,
    name: &str,
) -> Result<Option<User>> {
    if name.contains('@') {
        return Ok(None);
    }
    for (at, _) in name.match_indices('_').take(2) {
        let (provider, sub) = (&name[..at], &name[at + 1..]);
        if provider.chars().count() < 3 || sub.is_empty() {
            continue;
        }
        if let Some(user) = service.linked_user(pool_id, provider, sub).await?
            && crate::federation::federated_username(&user).as_deref() == Some(name)
        {
            return Ok(Some(user));
        }
    }
    Ok(None)
}

/// The identifiers a user may be known by in SECRET_HASH (docs/cognito-protocol.md §4: accept any
/// of them).
pub(crate) fn known_names(user: &User) -> [String; 2] {
    [user.id.to_string(), user.email.clone()]
}

impl Service {
    /// Checks SECRET_HASH for a sign-in step, except on the hosted pages: the page is our own,
    /// the secret never leaves the server, and the code exchange authenticates the client.
    pub(crate) fn check_sign_in_hash(
        &self,
        app: &App,
        target: SignInTarget,
        presented: Option<&str>,
        usernames: &[&str],
    ) -> Result<()> {
        match target {
            SignInTarget::Hosted => Ok(()),
            SignInTarget::Tokens => self.check_secret_hash(app, presented, usernames),
        }
    }

    /// After the password is proven: refuse users who may not sign in, ask for a second
    /// factor where one is due, else open a session of the kind `target` names.
    pub(crate) async fn finish_sign_in(
        &self,
        app: &App,
        user: &User,
        target: SignInTarget,
    ) -> Result<AuthStep> {
        self.finish_sign_in_with(app, user, None, target).await
    }

    /// [`Self::finish_sign_in`], with the user's groups when they were read with the user
    /// (tokens are then signed without reading them again).
    pub(crate) async fn finish_sign_in_with(
        &self,
        app: &App,
        user: &User,
        groups: Option<&[Group]>,
        target: SignInTarget,
    ) -> Result<AuthStep> {
        if let Some(step) = self.admit(app, user)? {
            return Ok(step);
        }
        if let Some(challenge) = self.second_factor(app, user).await? {
            return Ok(challenge);
        }
        self.complete_sign_in_with(app, user, groups, target).await
    }

    /// Refuses a user who may not sign in; one who must choose a password first gets the
    /// `NEW_PASSWORD_REQUIRED` challenge.
    pub(crate) fn admit(&self, app: &App, user: &User) -> Result<Option<AuthStep>> {
        if !user.enabled {
            return Err(Error::UserDisabled);
        }
        match user.status {
            UserStatus::Unconfirmed => Err(Error::UserNotConfirmed),
            UserStatus::ResetRequired => Err(Error::PasswordResetRequired),
            UserStatus::ForceChangePassword => {
                if user
                    .password_expires_at
                    .is_some_and(|t| t <= self.clock.now())
                {
                    return Err(Error::TemporaryPasswordExpired);
                }
                self.new_password_challenge(app, user).map(Some)
            }
            UserStatus::Confirmed => Ok(None),
        }
    }

    /// Opens the session of a user who proved every factor asked of them, of the kind
    /// `target` names.
    pub(crate) async fn complete_sign_in(
        &self,
        app: &App,
        user: &User,
        target: SignInTarget,
    ) -> Result<AuthStep> {
        self.complete_sign_in_with(app, user, None, target).await
    }

    /// [`Self::complete_sign_in`], with the user's groups when they were read with the user.
    async fn complete_sign_in_with(
        &self,
        app: &App,
        user: &User,
        groups: Option<&[Group]>,
        target: SignInTarget,
    ) -> Result<AuthStep> {
        if target == SignInTarget::Hosted {
            return self
                .open_hosted_session(app, user)
                .await
                .map(AuthStep::SignedIn);
        }
        let now = self.clock.now();
        let (refresh_token, refresh_hash) = crate::tokens::refresh::new_refresh_token();
        let session = Session {
            id: SessionId::generate(),
            pool_id: app.pool_id.clone(),
            client_id: app.client.id.clone(),
            user_id: user.id,
            refresh_hash,
            auth_time: now,
            expires_at: now + app.client.refresh_validity_secs,
            revoked_at: None,
            scope: None,
        };
        self.store.insert_session(&session).await?;
        let read;
        let groups = match groups {
            Some(groups) => groups,
            None => {
                read = self.store.list_user_groups(&app.pool_id, user.id).await?;
                &read
            }
        };
        let mut tokens = self
            .sign_tokens(app, user, groups, &session, None, TokenSource::SignIn)
            .await?;
        tokens.refresh_token = Some(refresh_token);
        tracing::info!(pool_id = %app.pool_id, user_id = %user.id, session = %session.id, "signed in");
        Ok(AuthStep::Tokens(tokens))
    }

    /// Signs a fresh ID and access token for `session` (no refresh token), with the
    /// authorization request's `nonce` in the ID token, at a sign-in (`source`, which the pre
    /// token generation hook is told); the user's groups are read here.
    pub(crate) async fn mint_with_nonce(
        &self,
        app: &App,
        user: &User,
        session: &Session,
        nonce: Option<&str>,
        source: TokenSource,
    ) -> Result<AuthTokens> {
        let groups = self.store.list_user_groups(&app.pool_id, user.id).await?;
        self.sign_tokens(app, user, &groups, session, nonce, source)
            .await
    }

    /// Signs a fresh ID and access token for `session` of `user`, a member of `groups` (in
    /// the order of `cognito:groups`), with `nonce` in the ID token when given. A session of
    /// the OAuth 2.0 endpoints (one with a granted scope) also gets `at_hash`, so the access
    /// token is signed first.
    pub(crate) async fn sign_tokens(
        &self,
        app: &App,
        user: &User,
        groups: &[Group],
        session: &Session,
        nonce: Option<&str>,
        source: TokenSource,
    ) -> Result<AuthTokens> {
        let now = self.clock.now();
        let keys = self.pool_keys(&app.pool_id).await?;
        let issuer = self.issuer(&app.pool_id);
        let issuance = Issuance {
            issuer: &issuer,
            user,
            session,
            now,
            lifetime: app.client.token_validity_secs,
            event_id: uuid::Uuid::new_v4(),
            nonce,
            groups,
        };
        let mut access_claims = claims::access_token(&issuance);
        let mut id_claims = claims::id_token(&issuance);
        self.pre_token_generation(
            app,
            user,
            source,
            groups,
            &mut id_claims,
            &mut access_claims,
        )
        .await?;
        let with_at_hash = session.scope.is_some();
        let (id_token, access_token) = self
            .compute
            .run(move || {
                let key = keys
                    .signing_at(now)
                    .ok_or(auth_return_crypto::jws::JwsError::Crypto)?;
                let access = key.sign_json(&access_claims)?;
                if with_at_hash && let Some(claims) = id_claims.as_object_mut() {
                    claims.insert("at_hash".into(), claims::at_hash(&access).into());
                }
                let id = key.sign_json(&id_claims)?;
                Ok::<_, auth_return_crypto::jws::JwsError>((id, access))
            })
            .await?
            .map_err(|e| Error::Internal(format!("signing: {e}")))?;
        Ok(AuthTokens {
            id_token,
            access_token,
            refresh_token: None,
            expires_in: app.client.token_validity_secs,
            refresh_expires_at: session.expires_at,
            scope: session.scope.clone(),
        })
    }
}

/// Why tokens are being signed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum TokenSource {
    /// A sign-in (any flow, the hosted pages and the OAuth 2.0 code exchange included).
    SignIn,
    /// A refresh of an existing session.
    Refresh,
}

impl TokenSource {
    /// The name the pre token generation hook is told.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::SignIn => "sign_in",
            Self::Refresh => "refresh",
        }
    }
}
