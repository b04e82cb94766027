//! Passkeys through Cognito's API (issue 15): registering, listing and removing them, signing in
//! with `USER_AUTH` (`SELECT_CHALLENGE`, `WEB_AUTHN`, named or not), every refusal by its exact error, no
//! account enumeration, a burst of one answer, and the per-app settings. The browser and its
//! authenticator are [`authenticator`], a software one.

mod admin;
pub(crate) mod authenticator;
mod burst;
mod enumeration;
mod refusals;
mod register;
mod settings;
mod sign_in;
pub(crate) mod support;
mod usernameless;
