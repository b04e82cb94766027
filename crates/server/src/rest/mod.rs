//! The REST API under `/api`.

pub mod access_keys;
pub mod apps;
pub mod error;
pub mod error_body;
pub mod events;
pub mod hooks;
pub mod identity_providers;
pub mod inbox;
pub mod keys;
pub mod openapi;
pub mod params;
pub mod passkeys;
pub mod routes;
pub mod signing_keys;
pub mod user;
pub mod webhooks;
