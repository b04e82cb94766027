//! The Cognito provider against a real emulator (MiniStack, started by tests/cognito/start.sh
//! and named by `AUTH_RETURN_TEST_COGNITO_URL`): pools made and deleted with the right
//! settings, SRP sign-in into them, and failures injected at each step of creation leaving
//! nothing behind.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
mod failures;
mod pools;
mod sign_in;
