//! Auth Return's HTTP surface: the Cognito JSON endpoint (`POST /`), the REST API (`/api/…`),
//! OIDC well-known routes, and the one place where domain errors become HTTP answers.

pub mod assets;
pub mod client;
mod cognito;
mod error;
mod extract;
mod health;
mod https;
pub mod limits;
pub mod metrics;
mod oauth;
mod options;
pub mod pages;
mod qr;
mod rest;
mod router;
mod trace;
mod transport;
pub mod views;
pub mod webhook_transport;
mod wellknown;

pub use cognito::parse_request;
pub use options::ServerOptions;
pub use router::{AppState, router};
