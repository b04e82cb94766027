//! The REST API under `/api`.

pub mod access_keys;
pub mod apps;
pub mod error;
pub mod events;
pub mod hooks;
pub mod inbox;
pub mod keys;
pub mod passkeys;
pub mod signing_keys;
pub mod user;
pub mod webhooks;
