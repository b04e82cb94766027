//! Multi-factor sign-in through Cognito's API (issue 15): authenticator apps (TOTP), set up
//! signed in or at the `MFA_SETUP` challenge, asked for after the password, and every refusal.

mod email;
mod enrol;
mod refusals;
mod setup;
mod support;
