//! The test key: an RSA-2048 PKCS#8 key made for the fuzz targets only (`keys/`), so that the
//! seed corpus can hold tokens it signed and the targets can sign fuzzed headers and payloads.

use auth_return_core::tokens::keys::PoolKey;
use auth_return_crypto::jws::{Jwk, SigningKey};
use aws_lc_rs::rand::SystemRandom;
use aws_lc_rs::signature::{RSA_PKCS1_SHA256, RsaKeyPair};
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

/// The test key, PKCS#8 DER. It signs nothing but fuzz inputs.
const PKCS8: &[u8] = include_bytes!("../keys/test-rs256.pk8");

/// The test key, parsed once per fuzz process.
pub struct TestKey {
    /// The key as the server holds a pool's key.
    pub signing: SigningKey,
    pair: RsaKeyPair,
}

impl TestKey {
    /// Parses the test key; a broken key file stops the fuzz run at once.
    pub fn load() -> Self {
        let (Ok(signing), Ok(pair)) =
            (SigningKey::from_pkcs8(PKCS8), RsaKeyPair::from_pkcs8(PKCS8))
        else {
            panic!("fuzz/keys/test-rs256.pk8 is not an RSA PKCS#8 key");
        };
        Self { signing, pair }
    }

    /// The key id tokens must name (its RFC 7638 thumbprint).
    pub fn kid(&self) -> &str {
        self.signing.kid()
    }

    /// The public key as a JWK.
    pub fn jwk(&self) -> Jwk {
        self.signing.public_jwk()
    }

    /// The test key as a pool's published key, active since the epoch.
    pub fn pool_key(&self) -> PoolKey {
        let Ok(signing) = SigningKey::from_pkcs8(PKCS8) else {
            panic!("fuzz/keys/test-rs256.pk8 is not an RSA PKCS#8 key");
        };
        PoolKey {
            signing,
            activates_at: 0,
        }
    }

    /// A compact JWS of exactly these header and payload bytes, signed with RS256: whatever
    /// the fuzzer wrote in them gets past the signature check.
    pub fn sign(&self, header: &[u8], payload: &[u8]) -> String {
        let mut token = URL_SAFE_NO_PAD.encode(header);
        token.push('.');
        URL_SAFE_NO_PAD.encode_string(payload, &mut token);
        let mut signature = vec![0; self.pair.public_modulus_len()];
        let signed = self.pair.sign(
            &RSA_PKCS1_SHA256,
            &SystemRandom::new(),
            token.as_bytes(),
            &mut signature,
        );
        if signed.is_err() {
            panic!("RS256 signing with the test key failed");
        }
        token.push('.');
        URL_SAFE_NO_PAD.encode_string(&signature, &mut token);
        token
    }
}
