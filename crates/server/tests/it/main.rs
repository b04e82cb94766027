//! The server's integration tests, one binary (so `common` and the server are compiled and
//! linked once): each module drives a real server on a loopback port over HTTP.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

mod access_keys;
mod account;
mod admin;
mod admin_auth;
mod api_keys;
mod app_listing;
mod assets;
mod clients;
mod developers;
mod errors;
mod events;
mod events_admin;
mod events_recorded;
mod groups;
mod hooks;
mod identity_providers;
mod inbox;
mod isolation;
mod keys;
mod lifecycle;
mod lockout;
mod metrics;
mod mfa;
mod oauth;
mod oauth_settings;
mod openapi;
mod overload;
mod pages;
mod passkeys;
mod pools;
#[cfg(feature = "cognito")]
mod provider;
#[cfg(feature = "cognito")]
mod provider_keys;
mod qr;
mod rate_limits;
mod rest;
mod rotation;
mod schema;
mod settings;
mod verify_crate;
mod webhooks;
