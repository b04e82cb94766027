//! Sealed authorization codes (RFC 6749 §4.1.2): a code is its own grant — the user, the
//! redirect URI (as its SHA-256), the scopes, the PKCE challenge, the nonce, when the user signed
//! in and when the code expires — encrypted and authenticated (AES-256-GCM) under a key used for
//! nothing else, and bound to the pool and client it was issued through. Issuing one stores
//! nothing; the token endpoint opens it, and records it as spent by the SHA-256 of the code.

use crate::ids::{ClientId, PoolId, UserId};
use crate::model::Timestamp;
use auth_return_crypto::hash::sha256;
use auth_return_crypto::seal::Sealer;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};

/// Longest code the token endpoint opens. A code is a few hundred characters; the longest
/// `nonce` (2048 characters, each at most 6 once escaped in JSON) makes it at most about 17 KB.
const MAX_CODE_LEN: usize = 24 * 1024;

/// What a code grants. Short field names: the code travels in a URL.
#[derive(Debug, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct CodeGrant {
    /// The user who signed in.
    #[serde(rename = "u")]
    pub user_id: UserId,
    /// The base64url SHA-256 of the authorization request's `redirect_uri`, exactly as sent.
    #[serde(rename = "r")]
    pub redirect_digest: String,
    /// The granted scopes, space-separated.
    #[serde(rename = "s")]
    pub scope: String,
    /// The PKCE `S256` challenge (RFC 7636 §4.2), when the request had one.
    #[serde(rename = "c", default, skip_serializing_if = "Option::is_none")]
    pub code_challenge: Option<String>,
    /// The request's `nonce`, for the ID token (OpenID Connect Core §3.1.2.1).
    #[serde(rename = "n", default, skip_serializing_if = "Option::is_none")]
    pub nonce: Option<String>,
    /// When the user authenticated (`auth_time`).
    #[serde(rename = "t")]
    pub auth_time: Timestamp,
    /// When it stops being accepted.
    #[serde(rename = "e")]
    pub expires_at: Timestamp,
}

impl CodeGrant {
    /// The digest a grant keeps of a redirect URI.
    pub fn redirect_digest(redirect_uri: &str) -> String {
        URL_SAFE_NO_PAD.encode(sha256(redirect_uri.as_bytes()))
    }

    /// Whether `redirect_uri` is, exactly, the one the code was issued for.
    pub fn issued_for(&self, redirect_uri: &str) -> bool {
        self.redirect_digest == Self::redirect_digest(redirect_uri)
    }

    /// The code: this grant sealed for `client` of `pool`, base64url.
    pub fn seal(&self, sealer: &Sealer, pool: &PoolId, client: &ClientId) -> String {
        // Serializing plain strings and numbers cannot fail.
        let plain = serde_json::to_vec(self).unwrap_or_default();
        URL_SAFE_NO_PAD.encode(sealer.seal(&plain, &aad(pool, client)))
    }

    /// The grant a code carries, when it was sealed by this server for `client` of `pool` and
    /// is intact.
    pub fn open(sealer: &Sealer, pool: &PoolId, client: &ClientId, code: &str) -> Option<Self> {
        if code.len() > MAX_CODE_LEN {
            return None;
        }
        let sealed = URL_SAFE_NO_PAD.decode(code).ok()?;
        let plain = sealer.open(&sealed, &aad(pool, client)).ok()?;
        serde_json::from_slice(plain.expose()).ok()
    }
}

/// The SHA-256 a spent code is recorded by.
pub(crate) fn spend_key(code: &str) -> [u8; 32] {
    sha256(code.as_bytes())
}

fn aad(pool: &PoolId, client: &ClientId) -> Vec<u8> {
    format!("authorization-code|{pool}|{client}").into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grant() -> CodeGrant {
        CodeGrant {
            user_id: UserId::generate(),
            redirect_digest: CodeGrant::redirect_digest("https://app.example/cb?x=é"),
            scope: "openid email".into(),
            code_challenge: Some("E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM".into()),
            nonce: None,
            auth_time: 1_000,
            expires_at: 1_300,
        }
    }

    #[test]
    fn a_code_opens_only_for_its_pool_and_client_and_only_intact() {
        let sealer = Sealer::new([7; 32]);
        let (pool, client) = (PoolId::new("local_a"), ClientId::new("client-a"));
        let code = grant().seal(&sealer, &pool, &client);
        assert!(
            code.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        );
        let opened = CodeGrant::open(&sealer, &pool, &client, &code).unwrap();
        assert_eq!(opened.scope, "openid email");
        assert!(opened.issued_for("https://app.example/cb?x=é"));
        assert!(!opened.issued_for("https://app.example/cb?x=e"));
        assert_eq!(opened.nonce, None);

        assert_eq!(
            CodeGrant::open(&sealer, &PoolId::new("local_b"), &client, &code),
            None
        );
        assert_eq!(
            CodeGrant::open(&sealer, &pool, &ClientId::new("client-b"), &code),
            None
        );
        assert_eq!(
            CodeGrant::open(&Sealer::new([8; 32]), &pool, &client, &code),
            None
        );
        let mut tampered = code.clone().into_bytes();
        tampered[20] = if tampered[20] == b'A' { b'B' } else { b'A' };
        let tampered = String::from_utf8(tampered).unwrap();
        assert_eq!(CodeGrant::open(&sealer, &pool, &client, &tampered), None);
        assert_eq!(CodeGrant::open(&sealer, &pool, &client, "not a code"), None);
        assert_eq!(
            CodeGrant::open(&sealer, &pool, &client, &"A".repeat(5000)),
            None
        );
    }

    #[test]
    fn the_longest_nonce_still_makes_a_code_that_opens() {
        let sealer = Sealer::new([7; 32]);
        let (pool, client) = (PoolId::new("local_a"), ClientId::new("client-a"));
        let mut long = grant();
        long.nonce = Some("\u{1}".repeat(2048));
        let code = long.seal(&sealer, &pool, &client);
        assert!(code.len() <= MAX_CODE_LEN, "{}", code.len());
        assert_eq!(CodeGrant::open(&sealer, &pool, &client, &code), Some(long));
    }

    #[test]
    fn two_codes_of_one_grant_differ() {
        let sealer = Sealer::new([7; 32]);
        let (pool, client) = (PoolId::new("local_a"), ClientId::new("client-a"));
        let grant = grant();
        let (a, b) = (
            grant.seal(&sealer, &pool, &client),
            grant.seal(&sealer, &pool, &client),
        );
        assert_ne!(a, b);
        assert_ne!(spend_key(&a), spend_key(&b));
    }
}
