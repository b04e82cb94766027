//! USER_SRP_AUTH and the PASSWORD_VERIFIER answer (docs/cognito-protocol.md §3.5, §3.7), plus
//! verifier upkeep.

use super::audit::SignInFacts;
use super::challenge::ChallengeState;
use super::flows::{PasswordClaim, SrpPublic};
use super::{AuthStep, PasswordVerifierChallenge, SignInTarget, find_user, known_names};
use crate::error::{Error, Result};
use crate::ids::{ClientId, PoolId, UserId};
use crate::model::{App, Member, User};
use crate::service::Service;
use auth_return_crypto::hash::hmac_sha256;
use auth_return_crypto::secret::SecretBytes;
use auth_return_crypto::srp;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;

fn verifier_aad(pool_id: &PoolId, user_id: UserId) -> Vec<u8> {
    format!("verifier|{pool_id}|{user_id}").into_bytes()
}

/// Salt, uid and verifier of a user who does not exist, stable per (pool, username), so that
/// probing cannot tell unknown users from real ones (docs/cognito-protocol.md §3.5 step 5).
struct Decoy {
    uid: String,
    salt_hex: String,
    v: Vec<u8>,
}

impl Service {
    /// Computes and seals a fresh salt and verifier for a password (docs/cognito-protocol.md §3.4).
    pub(crate) async fn new_verifier(
        &self,
        pool_id: &PoolId,
        user_id: UserId,
        password: &str,
    ) -> Result<(String, Vec<u8>)> {
        let pool_name = pool_id.srp_name().to_owned();
        let uid = user_id.to_string();
        let password = SecretBytes::new(password.as_bytes().to_vec());
        let verifier = self
            .compute
            .run(move || {
                let password = String::from_utf8_lossy(password.expose()).into_owned();
                srp::new_verifier(&pool_name, &uid, &password)
            })
            .await?;
        let sealed = self
            .keyring
            .verifiers
            .seal(&verifier.v, &verifier_aad(pool_id, user_id));
        Ok((verifier.salt_hex, sealed))
    }

    /// The user's verifier, unsealed.
    pub(crate) fn open_verifier(&self, user: &User) -> Result<SecretBytes> {
        self.keyring
            .verifiers
            .open(&user.sealed_verifier, &verifier_aad(&user.pool_id, user.id))
            .map_err(|_| Error::Internal(format!("verifier of {} does not unseal", user.id)))
    }

    /// Whether `password` is the user's password (one modexp, constant-time compare).
    pub(crate) async fn password_matches(&self, user: &User, password: &str) -> Result<bool> {
        let v = self.open_verifier(user)?;
        let pool_name = user.pool_id.srp_name().to_owned();
        let uid = user.id.to_string();
        let salt = user.salt_hex.clone();
        let password = SecretBytes::new(password.as_bytes().to_vec());
        self.compute
            .run(move || {
                let password = String::from_utf8_lossy(password.expose()).into_owned();
                srp::check_password(&pool_name, &uid, &password, &salt, v.expose())
            })
            .await
    }

    /// Spends the same work as [`Self::password_matches`] for a user who does not exist.
    pub(crate) async fn password_decoy(
        &self,
        pool_id: &PoolId,
        username: &str,
        password: &str,
    ) -> Result<()> {
        let decoy = self.decoy(pool_id, username);
        let pool_name = pool_id.srp_name().to_owned();
        let password = SecretBytes::new(password.as_bytes().to_vec());
        self.compute
            .run(move || {
                let password = String::from_utf8_lossy(password.expose()).into_owned();
                srp::check_password(&pool_name, &decoy.uid, &password, &decoy.salt_hex, &decoy.v)
            })
            .await?;
        Ok(())
    }

    /// The stable decoy id of a name that is no user.
    pub(crate) fn decoy_id(&self, pool_id: &PoolId, username: &str) -> String {
        self.decoy(pool_id, username).uid
    }

    /// The decoy of `username`. A name shaped like a user id is its own decoy id, and the salt
    /// and verifier follow from the id alone, so asking again by the `USER_ID_FOR_SRP` a decoy
    /// answered gives the same decoy back — as asking by a real user's id gives that user.
    fn decoy(&self, pool_id: &PoolId, username: &str) -> Decoy {
        let key = self.keyring.decoys.expose();
        let derive = |label: &str, block: u8, name: &str| {
            hmac_sha256(key, format!("{label}|{block}|{pool_id}|{name}").as_bytes())
        };
        let uid = match UserId::parse(username.trim()) {
            Some(id) => id.to_string(),
            None => {
                let mut uid_bytes = [0u8; 16];
                uid_bytes.copy_from_slice(&derive("uid", 0, &username.trim().to_lowercase())[..16]);
                uuid::Builder::from_random_bytes(uid_bytes)
                    .into_uuid()
                    .to_string()
            }
        };
        let salt_hex = srp::pad_hex_bytes(&derive("salt", 0, &uid)[..16]);
        let mut v: Vec<u8> = (0..12)
            .flat_map(|block| derive("verifier", block, &uid))
            .collect();
        // N starts with 0xff bytes, so any value whose first byte is below 0x80 is < N.
        v[0] &= 0x7f;
        Decoy { uid, salt_hex, v }
    }

    /// InitiateAuth `USER_SRP_AUTH`: answers `PASSWORD_VERIFIER`, for unknown users too.
    pub(crate) async fn start_srp(
        &self,
        app: &App,
        username: &str,
        srp_a: &SrpPublic,
        secret_hash: Option<&str>,
        target: SignInTarget,
    ) -> Result<AuthStep> {
        let user = find_user(self, &app.pool_id, username).await?;
        let (uid, salt_hex, v, real) = match &user {
            Some(user) => {
                let [uid, email] = known_names(user);
                self.check_sign_in_hash(app, target, secret_hash, &[username, &uid, &email])?;
                (
                    uid,
                    user.salt_hex.clone(),
                    self.open_verifier(user)?.expose().to_vec(),
                    true,
                )
            }
            None => {
                self.check_sign_in_hash(app, target, secret_hash, &[username])?;
                let decoy = self.decoy(&app.pool_id, username);
                (decoy.uid, decoy.salt_hex, decoy.v, false)
            }
        };
        let eph = self.compute.run(move || srp::server_ephemeral(&v)).await?;
        let state = ChallengeState {
            v: 1,
            pool: app.pool_id.clone(),
            client: app.client.id.clone(),
            uid: uid.clone(),
            real,
            a: STANDARD.encode(srp_a.bytes()),
            b: STANDARD.encode(eph.b.expose()),
            b_pub: STANDARD.encode(&eph.b_pub),
            exp: self.clock.now() + self.config.challenge_ttl_secs,
            nonce: STANDARD.encode(auth_return_crypto::random::bytes::<16>()),
        };
        Ok(AuthStep::PasswordVerifier(PasswordVerifierChallenge {
            salt_hex,
            srp_b_hex: eph.srp_b_hex(),
            secret_block: self.seal_challenge(&state)?,
            user_id_for_srp: uid,
        }))
    }

    /// RespondToAuthChallenge `PASSWORD_VERIFIER`: checks the password claim and signs in.
    pub(crate) async fn answer_password_verifier(
        &self,
        client_id: &ClientId,
        claim: PasswordClaim,
        facts: &mut SignInFacts,
        target: SignInTarget,
    ) -> Result<AuthStep> {
        let username = claim.username.as_str();
        let app = self.app_for_client(client_id).await?;
        facts.attempt(&app.pool_id, username);
        let (state, block) = self.open_challenge(&app.client.id, &claim.secret_block)?;
        if state.pool != app.pool_id {
            return Err(Error::ChallengeExpired);
        }
        // Read with their groups: a sign-in that succeeds signs tokens without another read.
        let member = match (state.real, UserId::parse(&state.uid)) {
            (true, Some(id)) => self.store.get_member(&app.pool_id, id).await?,
            _ => None,
        };
        let (user, groups) = Member::split(member);
        if let Some(user) = &user {
            facts.found(user);
        }
        let names = user.as_ref().map(known_names);
        let mut accepted: Vec<&str> = vec![username, &state.uid];
        if let Some([_, email]) = &names {
            accepted.push(email);
        }
        self.check_sign_in_hash(&app, target, claim.secret_hash.as_deref(), &accepted)?;
        let same_user = username == state.uid
            || names
                .as_ref()
                .is_some_and(|[_, email]| username.trim().eq_ignore_ascii_case(email));
        if !same_user {
            return Err(Error::IncorrectCredentials);
        }
        self.claim_challenge(&state.nonce, state.exp).await?;
        let streak = self
            .reserve_attempt(&app.pool_id, super::lockout::subject(&state.uid))
            .await?;
        let v = match &user {
            Some(user) => self.open_verifier(user)?.expose().to_vec(),
            None => self.decoy(&app.pool_id, &state.uid).v,
        };
        let pool_name = app.pool_id.srp_name().to_owned();
        let a_pub = ChallengeState::bytes(&state.a)?;
        let b = SecretBytes::new(ChallengeState::bytes(&state.b)?);
        let b_pub = ChallengeState::bytes(&state.b_pub)?;
        let uid = state.uid.clone();
        let timestamp = claim.timestamp.as_str().to_owned();
        let signature = claim.signature;
        let valid = self
            .compute
            .run(move || {
                srp::verify_password_claim(
                    &pool_name,
                    &uid,
                    &a_pub,
                    b.expose(),
                    &b_pub,
                    &v,
                    &block,
                    &timestamp,
                    &signature,
                )
            })
            .await?;
        match user {
            Some(user) if valid => {
                self.clear_failures(streak).await?;
                self.finish_sign_in_with(&app, &user, Some(&groups), target)
                    .await
            }
            _ => {
                facts.failed(self.record_failure(streak));
                Err(Error::IncorrectCredentials)
            }
        }
    }
}
