//! The CLI's integration tests, one binary: each module runs the real `auth-return` binary as a
//! child process on its own data directory and port.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

mod access_keys;
mod cli;
mod developers;
mod events;
#[cfg(unix)]
mod files;
mod https_required;
mod identity_providers;
mod key_propagation;
mod mfa_settings;
mod oauth_settings;
mod smtp_config;
mod tls;
mod webhooks;
