//! Auth Return's HTTP surface: the Cognito JSON endpoint (`POST /`), the REST API (`/api/…`),
//! OIDC well-known routes, and the one place where domain errors become HTTP answers.

pub mod assets;
mod cognito;
mod error;
mod extract;
mod health;
pub mod mail;
mod rest;
mod router;
pub mod views;
mod wellknown;

pub use router::{AppState, router};
