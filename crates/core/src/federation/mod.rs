//! Identity providers of a pool, Cognito's way (docs/cognito-protocol.md §5.9): the upstream
//! OpenID Connect providers (Google, Sign in with Apple, Microsoft or any other) a pool's users
//! may sign in with, declared by the developer who owns the pool with their client credentials
//! (sealed at rest), attribute mapping and identifiers.

mod details;
mod flow;
mod identity;
mod linking;
mod manage;
mod model;
mod upstream;
mod validate;

pub use details::{ProviderDetails, SECRET_DETAILS};
pub use flow::{FLIGHT_SECS, FederatedCallback, FederatedFinish, FederatedStart};
pub use identity::{IDENTITIES, federated_username};
pub use linking::SUBJECT_ATTRIBUTE;
pub use manage::{IdentityProviderChange, NewIdentityProvider};
pub use model::{IdentityProvider, ProviderType};
pub use upstream::UpstreamCache;

/// Identity providers one pool may have (Cognito's quota).
pub const MAX_PROVIDERS_PER_POOL: u64 = 300;
/// The most providers one listing page holds (Cognito's bound).
pub const MAX_PROVIDERS_PAGE: i64 = 60;
/// Identifiers one provider may have (Cognito's bound).
pub const MAX_IDP_IDENTIFIERS: usize = 50;
/// Entries one attribute mapping may have.
pub const MAX_MAPPED_ATTRIBUTES: usize = 50;
