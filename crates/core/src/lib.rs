//! Auth Return's domain: pools, clients, users, sign-in sessions, codes, API keys and token
//! minting.
//!
//! Storage is reached only through the [`store::Store`] trait, mail through [`mail::Mailer`],
//! time through [`clock::Clock`]; HTTP lives in `auth-return-server`.

pub mod access_keys;
pub mod activity;
pub mod admin;
pub mod api_keys;
pub mod app_cache;
pub mod app_listing;
pub mod apps;
pub mod auth;
pub mod changes;
pub mod clients;
pub mod clock;
pub mod compute;
pub mod config;
pub mod error;
pub mod events;
mod external_apps;
pub mod external_users;
pub mod federation;
pub mod groups;
pub mod hooks;
pub mod ids;
pub mod inbox;
pub mod key_rotation;
pub mod keyring;
pub mod mail;
pub mod metrics;
pub mod model;
pub mod oauth;
pub mod oauth_settings;
pub mod passkey_settings;
pub mod policy;
pub mod provider;
pub mod recorder;
pub mod revocations;
pub mod schema;
pub mod service;
pub mod settings;
pub mod store;
pub mod tokens;
pub mod webhooks;

pub use api_keys::{ApiKeyVerdict, CreatedApiKey, KeyManager, NewApiKey};
pub use app_listing::{AppCursor, AppPage, AppQuery, AppSummary};
pub use apps::{Actor, AppConfig, AppUpdate, CreatedApp, NewApp};
pub use config::{ConsoleSignup, ServiceConfig};
pub use error::{Constraint, Error, Field, Result, SettingProblem, Violation};
pub use ids::{AccessKeyId, ApiKeyId, AppId, ClientId, PoolId, SessionId, UserId, WebhookId};
pub use service::{Dependencies, Service};
pub use store::{Store, StoreError, StoreResult};
