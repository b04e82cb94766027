//! Keys derived from the master key: one per purpose, so no key is ever used for two things.

use auth_return_crypto::hash::derive_key;
use auth_return_crypto::seal::Sealer;
use auth_return_crypto::secret::SecretBytes;

/// Everything the domain seals, keys or derives, built once from the 32-byte master key.
///
/// The master key lives outside the database (a key file or `AUTH_RETURN_MASTER_KEY`), so a
/// stolen database alone yields neither verifiers, nor signing keys, nor client secrets.
pub struct KeyRing {
    /// Seals SRP verifiers (AAD: pool and user).
    pub verifiers: Sealer,
    /// Seals pools' private signing keys (AAD: pool and kid).
    pub signing_keys: Sealer,
    /// Seals SRP challenge state into `SECRET_BLOCK` (AAD: client).
    pub challenges: Sealer,
    /// Seals client secrets (AAD: client).
    pub client_secrets: Sealer,
    /// Seals OAuth 2.0 authorization codes (AAD: pool and client).
    pub authorization_codes: Sealer,
    /// Seals users' TOTP secrets (AAD: pool and user).
    pub totp_secrets: Sealer,
    /// Seals users' passkeys and the state of WebAuthn ceremonies under way (AAD: what they
    /// belong to).
    pub passkeys: Sealer,
    /// Seals developers' access-key secrets, which SigV4 needs back (AAD: the key id).
    pub access_keys: Sealer,
    /// Seals webhook endpoints' signing secrets, which signing needs back (AAD: the endpoint).
    pub webhook_secrets: Sealer,
    /// Seals identity providers' client secrets and keys, which calling them needs back (AAD:
    /// pool and provider name).
    pub identity_provider_secrets: Sealer,
    /// Seals the state a federated sign-in carries through the provider (AAD: the pool).
    pub federation_states: Sealer,
    /// HMAC key deriving each app's hook-signing secret (from its pool and secret version).
    pub hook_secrets: SecretBytes,
    /// HMAC key for one-time codes at rest.
    pub codes: SecretBytes,
    /// HMAC key deriving the simulated salt, uid and verifier of unknown users.
    pub decoys: SecretBytes,
    /// HMAC key deriving a rotated refresh token's successor from the token itself.
    pub refresh_successors: SecretBytes,
}

impl KeyRing {
    /// Derives every purpose key from `master` (HKDF-SHA256, RFC 5869, one label per purpose).
    pub fn new(master: &[u8; 32]) -> Self {
        Self {
            verifiers: Sealer::new(derive_key(master, "auth-return/verifier/v1")),
            signing_keys: Sealer::new(derive_key(master, "auth-return/signing-key/v1")),
            challenges: Sealer::new(derive_key(master, "auth-return/srp-challenge/v1")),
            client_secrets: Sealer::new(derive_key(master, "auth-return/client-secret/v1")),
            authorization_codes: Sealer::new(derive_key(
                master,
                "auth-return/authorization-code/v1",
            )),
            totp_secrets: Sealer::new(derive_key(master, "auth-return/totp-secret/v1")),
            passkeys: Sealer::new(derive_key(master, "auth-return/passkey/v1")),
            access_keys: Sealer::new(derive_key(master, "auth-return/access-key/v1")),
            webhook_secrets: Sealer::new(derive_key(master, "auth-return/webhook-secret/v1")),
            identity_provider_secrets: Sealer::new(derive_key(
                master,
                "auth-return/identity-provider-secret/v1",
            )),
            federation_states: Sealer::new(derive_key(master, "auth-return/federation-state/v1")),
            hook_secrets: SecretBytes::new(
                derive_key(master, "auth-return/hook-secret/v1").to_vec(),
            ),
            codes: SecretBytes::new(derive_key(master, "auth-return/code/v1").to_vec()),
            decoys: SecretBytes::new(derive_key(master, "auth-return/decoy-user/v1").to_vec()),
            refresh_successors: SecretBytes::new(
                derive_key(master, "auth-return/refresh-successor/v1").to_vec(),
            ),
        }
    }
}

impl std::fmt::Debug for KeyRing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("KeyRing([redacted])")
    }
}

#[cfg(test)]
mod tests {
    use super::KeyRing;

    #[test]
    fn every_purpose_has_its_own_key_and_every_master_key_its_own_ring() {
        let ring = KeyRing::new(&[1; 32]);
        let sealers = [
            &ring.verifiers,
            &ring.signing_keys,
            &ring.challenges,
            &ring.client_secrets,
            &ring.authorization_codes,
            &ring.totp_secrets,
            &ring.passkeys,
            &ring.access_keys,
            &ring.identity_provider_secrets,
            &ring.federation_states,
            &ring.webhook_secrets,
        ];
        // What one purpose seals, no other opens.
        for (i, sealer) in sealers.iter().enumerate() {
            let sealed = sealer.seal(b"secret", b"aad");
            for (j, other) in sealers.iter().enumerate() {
                assert_eq!(other.open(&sealed, b"aad").is_ok(), i == j, "{i} {j}");
            }
        }
        let keys = [
            ring.hook_secrets.expose(),
            ring.codes.expose(),
            ring.decoys.expose(),
            ring.refresh_successors.expose(),
        ];
        for (i, a) in keys.iter().enumerate() {
            assert_eq!(a.len(), 32);
            for b in &keys[i + 1..] {
                assert_ne!(a, b);
            }
        }
        let other = KeyRing::new(&[2; 32]);
        assert!(
            other
                .verifiers
                .open(&ring.verifiers.seal(b"secret", b"aad"), b"aad")
                .is_err()
        );
        assert_ne!(other.codes.expose(), ring.codes.expose());
    }
}
