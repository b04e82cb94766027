//! What the fuzz targets share: the test signing key, the loopback key set the verification
//! crate fetches it from, and the readable input formats of the seed corpus.

#![forbid(unsafe_code)]

mod input;
mod key;
mod verifier;

pub use input::{lines, token};
pub use key::TestKey;
pub use verifier::{CLIENT_ID, ISSUER, NOW, POOL_ID, verifier};
