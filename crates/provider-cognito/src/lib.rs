//! Provider mode: apps whose user pools live in **AWS Cognito**, managed by Auth Return.
//!
//! Registering such an app creates, in AWS, a user pool set up like Auth Return's own (email as
//! the sign-in name, email verification, the app's password policy and MFA setting, deletion
//! protection off so Auth Return can delete it again) and one app client for it (SRP sign-in, the
//! app's token lifetimes, token revocation, refresh-token rotation). [`CognitoProvider`] does that
//! through the AWS SDK for Rust, all or nothing: when a later step fails the pool is deleted
//! again, and when even that fails the error names the pool left behind.
//!
//! Every AWS failure becomes a [`ProviderError`] that says what kind of failure it is
//! (throttling, the account's quota, missing permissions, unreachable endpoint…) and names
//! AWS's own error code and message. Secrets (the AWS secret key, client secrets) are
//! [`SecretString`]s: never printed by `Debug` or `Display`.
//!
//! The crate is compiled only when the server's `cognito` cargo feature is on, so the rest of
//! the workspace never builds the AWS SDK.

#![forbid(unsafe_code)]

mod client_settings;
mod config;
mod describe;
mod error;
mod forward;
mod pool_provider;
mod provider;
mod spec;
mod tokens;
mod update;
mod users;
mod validity;

pub use auth_return_crypto::secret::SecretString;
/// The AWS SDK this crate calls Cognito with ([`CognitoProvider::sdk`] is its client).
pub use aws_sdk_cognitoidentityprovider as sdk;
pub use config::{CredentialSource, ProviderConfig};
pub use describe::{ClientDescription, PoolDescription};
pub use error::{AwsFailure, ProviderError};
pub use provider::{CognitoProvider, CreatedPool};
pub use spec::PoolSpec;
