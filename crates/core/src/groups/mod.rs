//! Groups of a pool's users, Cognito's way (docs/cognito-protocol.md §5.5): created, changed,
//! listed and deleted by the developer who owns the pool; users added and removed; and each
//! member's tokens naming their groups in `cognito:groups`, by precedence.

mod manage;
mod members;
mod validate;

pub use manage::{GroupChange, NewGroup};

/// Groups one pool may have (Cognito's quota).
pub const MAX_GROUPS_PER_POOL: u64 = 10_000;
/// Groups one user may be in (Cognito's quota).
pub const MAX_GROUPS_PER_USER: usize = 100;
/// The most groups or members one listing page holds (Cognito's bound).
pub const MAX_GROUPS_PAGE: i64 = 60;
