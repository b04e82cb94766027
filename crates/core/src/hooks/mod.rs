//! Hooks: synchronous calls to an app's HTTPS endpoint at points of a user's life, as Cognito's
//! Lambda triggers are — before a sign-up is accepted (`pre_sign_up`) and before tokens are
//! signed (`pre_token_generation`) — signed like webhooks, each with its timeout and its choice
//! of failing open or closed.

mod call;
mod pre_sign_up;
mod pre_token;
mod secret;
mod settings;

pub use pre_sign_up::MESSAGE_MAX_CHARS;
pub use pre_token::{MAX_ADDED_BYTES, MAX_CLAIMS_ADDED, PROTECTED_CLAIMS};
pub use settings::{
    DEFAULT_TIMEOUT_MS, HookConfig, HookSettings, HooksPatch, OnFailure, TIMEOUT_RANGE_MS,
};
