//! The REST API under `/api`.

pub mod apps;
pub mod user;
