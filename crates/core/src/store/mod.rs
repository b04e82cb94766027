//! The storage contract: one trait per aggregate, one file each, and [`Store`], all of them
//! together. Every method that touches tenant data takes the pool first.

mod access_keys;
mod api_keys;
mod apps;
mod authorization_codes;
mod challenges;
mod changes;
mod clients;
mod codes;
mod connections;
mod events;
mod groups;
mod hosted_sessions;
mod identity_providers;
mod lockouts;
mod mail_quotas;
mod mfa;
mod passkeys;
mod pruning;
mod refresh_tokens;
mod revocations;
mod sessions;
mod signing_keys;
mod users;
mod webhooks;

pub use access_keys::AccessKeyStore;
pub use api_keys::ApiKeyStore;
pub use apps::{AppStore, SettingsChange, SettingsOutcome};
pub use authorization_codes::AuthorizationCodeStore;
pub use challenges::ChallengeStore;
pub use changes::ChangeStore;
pub use clients::{ClientInsert, ClientStore};
pub use codes::CodeStore;
pub use connections::{ConnectionStore, ConnectionUse};
pub use events::EventStore;
pub use groups::{GroupStore, Membership};
pub use hosted_sessions::HostedSessionStore;
pub use identity_providers::IdentityProviderStore;
pub use lockouts::LockoutStore;
pub use mail_quotas::MailQuotaStore;
pub use mfa::MfaStore;
pub use passkeys::PasskeyStore;
pub use pruning::PruneStore;
pub use refresh_tokens::RefreshTokenStore;
pub use revocations::RevocationStore;
pub use sessions::SessionStore;
pub use signing_keys::SigningKeyStore;
pub use users::UserStore;
pub use webhooks::WebhookStore;

/// What can go wrong in storage.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A uniqueness constraint was violated (e.g. the email is taken in that pool).
    #[error("conflict: {0}")]
    Conflict(&'static str),
    /// The backend failed; the text is for logs only, never for clients.
    #[error("storage backend: {0}")]
    Backend(String),
}

/// Result of a store call.
pub type StoreResult<T> = Result<T, StoreError>;

/// How many of the newest changes pruning keeps: a reader further behind than that finds a gap
/// and drops everything it cached.
pub const CHANGES_KEPT: i64 = 10_000;

/// `Store` with every aggregate's trait as a supertrait, implemented for whatever implements
/// them all.
macro_rules! store {
    ($($part:ident),* $(,)?) => {
        /// Persistent state of Auth Return: every aggregate's store. Implemented for SQLite and
        /// PostgreSQL by `auth-return-store`; anything implementing every part is a `Store`, so
        /// call sites hold one `Arc<dyn Store>`.
        pub trait Store: $($part +)* Send + Sync + 'static {}

        impl<T> Store for T where T: $($part +)* Send + Sync + 'static {}
    };
}

store!(
    AppStore,
    ClientStore,
    SigningKeyStore,
    UserStore,
    CodeStore,
    SessionStore,
    RefreshTokenStore,
    ChallengeStore,
    AuthorizationCodeStore,
    HostedSessionStore,
    RevocationStore,
    LockoutStore,
    MfaStore,
    PasskeyStore,
    ApiKeyStore,
    AccessKeyStore,
    GroupStore,
    MailQuotaStore,
    ChangeStore,
    EventStore,
    PruneStore,
    ConnectionStore,
    WebhookStore,
    IdentityProviderStore,
);
