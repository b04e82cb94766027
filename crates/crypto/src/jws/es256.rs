//! ES256 signing keys (RFC 7518 §3.4) read from a PKCS#8 PEM file (RFC 7468 §10): the kind of
//! key Sign in with Apple gives a developer, whose client secret is a JWT signed with it.

use super::JwsError;
use aws_lc_rs::signature::{ECDSA_P256_SHA256_FIXED_SIGNING, EcdsaKeyPair};
use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};

/// The longest PEM text read.
const MAX_PEM_CHARS: usize = 4096;

/// A P-256 private key for ES256 signatures.
#[derive(Debug)]
pub struct Es256SigningKey {
    pair: EcdsaKeyPair,
}

impl Es256SigningKey {
    /// Reads a `-----BEGIN PRIVATE KEY-----` block holding a P-256 key; `Malformed` for
    /// anything else (another curve, an RSA key, a bare base64 body, text around it).
    pub fn from_pkcs8_pem(pem: &str) -> Result<Self, JwsError> {
        let pem = pem.trim();
        if pem.len() > MAX_PEM_CHARS {
            return Err(JwsError::Malformed);
        }
        let body = pem
            .strip_prefix("-----BEGIN PRIVATE KEY-----")
            .and_then(|rest| rest.strip_suffix("-----END PRIVATE KEY-----"))
            .ok_or(JwsError::Malformed)?;
        let base64: String = body.chars().filter(|c| !c.is_ascii_whitespace()).collect();
        let der = STANDARD.decode(base64).map_err(|_| JwsError::Malformed)?;
        let pair = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &der)
            .map_err(|_| JwsError::Malformed)?;
        Ok(Self { pair })
    }

    /// A compact JWS (RFC 7515 §7.1) of `claims` with header `{"alg":"ES256","kid":kid}`,
    /// the signature as the fixed 64-byte `r ‖ s` RFC 7518 §3.4 asks for.
    pub fn sign_json(&self, kid: &str, claims: &serde_json::Value) -> Result<String, JwsError> {
        let header = serde_json::json!({"alg": "ES256", "kid": kid});
        let mut token = URL_SAFE_NO_PAD.encode(header.to_string());
        token.push('.');
        let payload = serde_json::to_vec(claims).map_err(|_| JwsError::Malformed)?;
        URL_SAFE_NO_PAD.encode_string(&payload, &mut token);
        let rng = aws_lc_rs::rand::SystemRandom::new();
        let signature = self
            .pair
            .sign(&rng, token.as_bytes())
            .map_err(|_| JwsError::Crypto)?;
        token.push('.');
        URL_SAFE_NO_PAD.encode_string(signature.as_ref(), &mut token);
        Ok(token)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use aws_lc_rs::rand::SystemRandom;
    use aws_lc_rs::signature::ECDSA_P384_SHA384_FIXED_SIGNING;

    fn pem(der: &[u8]) -> String {
        let body = STANDARD.encode(der);
        let lines: Vec<&str> = body
            .as_bytes()
            .chunks(64)
            .map(|c| std::str::from_utf8(c).unwrap())
            .collect();
        format!(
            "-----BEGIN PRIVATE KEY-----\n{}\n-----END PRIVATE KEY-----\n",
            lines.join("\n")
        )
    }

    #[test]
    fn signs_a_jws_its_public_key_verifies() {
        use aws_lc_rs::signature::{ECDSA_P256_SHA256_FIXED, KeyPair, UnparsedPublicKey};
        let rng = SystemRandom::new();
        let der = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &rng).unwrap();
        let key = Es256SigningKey::from_pkcs8_pem(&pem(der.as_ref())).unwrap();
        let token = key
            .sign_json(
                "ABC123DEFG",
                &serde_json::json!({"iss": "TEAM", "sub": "app"}),
            )
            .unwrap();
        let (input, signature) = token.rsplit_once('.').unwrap();
        let (header, claims) = input.split_once('.').unwrap();
        let header: serde_json::Value =
            serde_json::from_slice(&URL_SAFE_NO_PAD.decode(header).unwrap()).unwrap();
        assert_eq!(
            header,
            serde_json::json!({"alg": "ES256", "kid": "ABC123DEFG"})
        );
        let claims: serde_json::Value =
            serde_json::from_slice(&URL_SAFE_NO_PAD.decode(claims).unwrap()).unwrap();
        assert_eq!(claims["iss"], "TEAM");
        let signature = URL_SAFE_NO_PAD.decode(signature).unwrap();
        assert_eq!(signature.len(), 64);
        let public = key.pair.public_key().as_ref().to_vec();
        UnparsedPublicKey::new(&ECDSA_P256_SHA256_FIXED, public)
            .verify(input.as_bytes(), &signature)
            .unwrap();
        let mut tampered = signature.clone();
        tampered[0] ^= 1;
        assert!(
            UnparsedPublicKey::new(&ECDSA_P256_SHA256_FIXED, key.pair.public_key().as_ref())
                .verify(input.as_bytes(), &tampered)
                .is_err()
        );
    }

    #[test]
    fn reads_a_p256_pkcs8_pem_and_refuses_anything_else() {
        let rng = SystemRandom::new();
        let p256 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_FIXED_SIGNING, &rng).unwrap();
        assert!(Es256SigningKey::from_pkcs8_pem(&pem(p256.as_ref())).is_ok());
        let p384 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P384_SHA384_FIXED_SIGNING, &rng).unwrap();
        let refused = [
            pem(p384.as_ref()),
            STANDARD.encode(p256.as_ref()),
            format!("junk{}", pem(p256.as_ref())),
            pem(&p256.as_ref()[..40]),
            "-----BEGIN PRIVATE KEY-----\n!!!\n-----END PRIVATE KEY-----".into(),
            "x".repeat(5000),
        ];
        for text in refused {
            assert_eq!(
                Es256SigningKey::from_pkcs8_pem(&text).err(),
                Some(JwsError::Malformed),
                "{text}"
            );
        }
    }
}
