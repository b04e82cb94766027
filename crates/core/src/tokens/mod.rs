//! Signed tokens (docs/cognito-protocol.md §6): per-pool signing keys, minting, and verifying our
//! own tokens.

pub mod claims;
pub mod keys;
pub mod refresh;
pub mod verify;

pub use keys::{KeyCache, KeyCacheUse, PoolKeys};
pub use verify::{TokenUse, VerifiedToken};
