//! What a sign-in asks for and how a challenge is answered, as domain values. Transports parse
//! their wire into these (the Cognito one in `auth-return-server`, docs/cognito-protocol.md §5.1);
//! the domain never sees parameter maps or flow names.

use crate::clients::ExplicitAuthFlow;
use auth_return_crypto::secret::SecretString;
use auth_return_crypto::{srp, timestamp};

/// The client's SRP public value `A`, checked to be a valid one (docs/cognito-protocol.md §3.5).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SrpPublic(Vec<u8>);

impl SrpPublic {
    /// `A` from its hex form, or `None` when it is no valid SRP public value.
    pub fn from_hex(hex: &str) -> Option<Self> {
        srp::parse_client_public(hex).ok().map(Self)
    }

    /// The big-endian bytes of `A`.
    pub fn bytes(&self) -> &[u8] {
        &self.0
    }
}

/// The time the client signed its password claim, as it wrote it (the claim signs the text),
/// checked to be in the SRP timestamp format (docs/cognito-protocol.md §3.7).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SrpTimestamp(String);

impl SrpTimestamp {
    /// The timestamp, or `None` when it is not in the SRP format.
    pub fn parse(text: &str) -> Option<Self> {
        timestamp::parse_srp_timestamp(text)
            .is_ok()
            .then(|| Self(text.to_owned()))
    }

    /// The text as the client signed it.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// How a sign-in starts (`InitiateAuth`).
pub enum AuthFlow {
    /// SRP: the client proves the password without sending it (docs/cognito-protocol.md §3.5).
    UserSrp {
        /// The email or internal username.
        username: String,
        /// The client's public value.
        srp_a: SrpPublic,
        /// The client's `SECRET_HASH`, when it sent one.
        secret_hash: Option<String>,
    },
    /// The password itself, checked against the SRP verifier.
    UserPassword {
        /// The email or internal username.
        username: String,
        /// The password.
        password: SecretString,
        /// The client's `SECRET_HASH`, when it sent one.
        secret_hash: Option<String>,
    },
    /// Choice-based sign-in (`USER_AUTH`): the first factor the client prefers, else the
    /// choice of those the app offers (`SELECT_CHALLENGE`).
    UserAuth {
        /// The email or internal username.
        username: String,
        /// `PREFERRED_CHALLENGE`, with what it needs.
        preferred: Option<FirstFactor>,
        /// The client's `SECRET_HASH`, when it sent one.
        secret_hash: Option<String>,
    },
    /// `USER_AUTH` preferring `WEB_AUTHN` with no `USERNAME` (our extension,
    /// docs/cognito-protocol.md §5.3, usernameless `WEB_AUTHN`): a discoverable passkey names its user, as passkey
    /// autofill (conditional mediation) needs.
    UsernamelessPasskey,
    /// New ID and access tokens for a live session (non-rotating).
    Refresh {
        /// The refresh token.
        token: SecretString,
        /// The client's `SECRET_HASH`, when it sent one.
        secret_hash: Option<String>,
    },
}

impl AuthFlow {
    /// The client permission (`ExplicitAuthFlows`) this flow needs; `admin`: started by
    /// AdminInitiateAuth.
    pub fn permission(&self, admin: bool) -> ExplicitAuthFlow {
        match self {
            Self::UserSrp { .. } => ExplicitAuthFlow::AllowUserSrpAuth,
            Self::UserPassword { .. } if admin => ExplicitAuthFlow::AllowAdminUserPasswordAuth,
            Self::UserPassword { .. } => ExplicitAuthFlow::AllowUserPasswordAuth,
            Self::UserAuth { .. } | Self::UsernamelessPasskey => ExplicitAuthFlow::AllowUserAuth,
            Self::Refresh { .. } => ExplicitAuthFlow::AllowRefreshTokenAuth,
        }
    }
}

/// A first factor of choice-based sign-in (`USER_AUTH`), with what it starts from.
pub enum FirstFactor {
    /// `PASSWORD`: the password itself.
    Password(SecretString),
    /// `PASSWORD_SRP`: SRP, from the client's public value.
    PasswordSrp(SrpPublic),
    /// `WEB_AUTHN`: a passkey.
    WebAuthn,
}

/// The answer to a challenge (`RespondToAuthChallenge`).
pub enum ChallengeAnswer {
    /// The SRP password claim (docs/cognito-protocol.md §3.7).
    PasswordVerifier(PasswordClaim),
    /// The password an administrator-created user chose (docs/cognito-protocol.md §5.1).
    NewPassword(NewPasswordAnswer),
    /// A code from the user's authenticator app (`SOFTWARE_TOKEN_MFA`).
    SoftwareTokenMfa(MfaCodeAnswer),
    /// The code mailed to the user (`EMAIL_OTP`).
    EmailOtp(MfaCodeAnswer),
    /// The factor the user chose (`SELECT_MFA_TYPE`).
    SelectMfaType(MfaSelectAnswer),
    /// The end of `MFA_SETUP`, once the new authenticator app is verified.
    MfaSetup(MfaSetupAnswer),
    /// The first factor chosen at `SELECT_CHALLENGE`.
    SelectChallenge(FirstFactorAnswer),
    /// A passkey's assertion (`WEB_AUTHN`).
    WebAuthn(WebAuthnAnswer),
}

/// The answer to `SELECT_CHALLENGE`.
pub struct FirstFactorAnswer {
    /// The sealed challenge state the server handed out.
    pub session: String,
    /// The name the client signs in as.
    pub username: String,
    /// The factor chosen (`ANSWER`), with what it needs.
    pub factor: FirstFactor,
    /// The client's `SECRET_HASH`, when it sent one.
    pub secret_hash: Option<String>,
}

/// The answer to `WEB_AUTHN`.
pub struct WebAuthnAnswer {
    /// The sealed challenge state the server handed out.
    pub session: String,
    /// The name the client signs in as; optional after a usernameless challenge, where the
    /// passkey names its user.
    pub username: Option<String>,
    /// The `PublicKeyCredential` the browser answered, as JSON (`CREDENTIAL`).
    pub credential: String,
    /// The client's `SECRET_HASH`, when it sent one.
    pub secret_hash: Option<String>,
}

/// The answer to `SOFTWARE_TOKEN_MFA` or `EMAIL_OTP`.
pub struct MfaCodeAnswer {
    /// The sealed challenge state the server handed out.
    pub session: String,
    /// The name the client signs in as.
    pub username: String,
    /// The code (`SOFTWARE_TOKEN_MFA_CODE` or `EMAIL_OTP_CODE`).
    pub code: String,
    /// The client's `SECRET_HASH`, when it sent one.
    pub secret_hash: Option<String>,
}

/// The answer to `SELECT_MFA_TYPE`.
pub struct MfaSelectAnswer {
    /// The sealed challenge state the server handed out.
    pub session: String,
    /// The name the client signs in as.
    pub username: String,
    /// The factor chosen (`ANSWER`): `SOFTWARE_TOKEN_MFA` or `EMAIL_OTP`.
    pub factor: String,
    /// The client's `SECRET_HASH`, when it sent one.
    pub secret_hash: Option<String>,
}

/// The answer to `MFA_SETUP`.
pub struct MfaSetupAnswer {
    /// The `Session` VerifySoftwareToken answered, or the challenge's own when setting up
    /// codes by email.
    pub session: String,
    /// The name the client signs in as.
    pub username: String,
    /// `EMAIL`: set up codes by email to this address (the account's verified email) instead
    /// of an authenticator app.
    pub email: Option<String>,
    /// The client's `SECRET_HASH`, when it sent one.
    pub secret_hash: Option<String>,
}

/// The SRP password claim.
pub struct PasswordClaim {
    /// The name the client signs in as.
    pub username: String,
    /// The sealed challenge state the server handed out, base64.
    pub secret_block: String,
    /// The claim's signature, base64.
    pub signature: String,
    /// When the claim was signed.
    pub timestamp: SrpTimestamp,
    /// The client's `SECRET_HASH`, when it sent one.
    pub secret_hash: Option<String>,
}

/// The new password of a user who must choose one, and the attributes they set with it.
pub struct NewPasswordAnswer {
    /// The sealed challenge state the server handed out.
    pub session: String,
    /// The name the client signs in as.
    pub username: String,
    /// The chosen password.
    pub new_password: SecretString,
    /// The client's `SECRET_HASH`, when it sent one.
    pub secret_hash: Option<String>,
    /// Attributes set with the password, name and value.
    pub attributes: Vec<(String, String)>,
}
