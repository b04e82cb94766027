//! The REST API under `/api`.

pub mod apps;
pub mod keys;
pub mod user;
