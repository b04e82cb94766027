//! Verification of Auth Return tokens for app backends.
