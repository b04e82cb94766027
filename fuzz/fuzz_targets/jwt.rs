//! The three JWT verifiers on one token: the crypto crate's RS256 JWS (`jws::peek_kid`,
//! `jws::verify`), the server's check of its own tokens (`tokens::verify`, `claimed_pool`,
//! `claimed_client`) and the app backends' verification crate (`Verifier::verify_cached`), all
//! holding the test key. None may panic, and they must agree where their rules are the same.

#![no_main]

use auth_return_core::PoolId;
use auth_return_core::tokens::PoolKeys;
use auth_return_core::tokens::verify::{self as own, TokenRejection};
use auth_return_crypto::jws::{self, JwsError, VerifyingKey};
use auth_return_fuzz::{ISSUER, NOW, POOL_ID, TestKey, token, verifier};
use auth_return_verify::verifier::DEFAULT_LEEWAY;
use auth_return_verify::{Accept, Verifier, VerifyError};
use libfuzzer_sys::fuzz_target;
use std::sync::LazyLock;

struct Keys {
    test: TestKey,
    jws: VerifyingKey,
    pool: PoolKeys,
    verifier: Verifier,
}

static KEYS: LazyLock<Keys> = LazyLock::new(|| {
    let test = TestKey::load();
    let Ok(jws) = VerifyingKey::from_jwk(&test.jwk()) else {
        panic!("the test key's JWK does not parse");
    };
    let Ok(pool) = PoolKeys::from_keys(vec![(test.kid().to_owned(), test.pool_key())]) else {
        panic!("the test key does not make a pool's key set");
    };
    let verifier = verifier(&test);
    Keys {
        test,
        jws,
        pool,
        verifier,
    }
});

fuzz_target!(|data: &[u8]| {
    let keys = &*KEYS;
    let Some(token) = token(data, &keys.test) else {
        return;
    };
    let pool_id = PoolId::new(POOL_ID);

    let _ = jws::peek_kid(&token);
    let by_jws = jws::verify(&token, &keys.jws);
    let by_server = own::verify(&token, &keys.pool, &pool_id, ISSUER, NOW);
    let by_crate = keys.verifier.verify_cached(&token, Accept::Any);
    if let Some(pool) = own::claimed_pool(&token, "https://auth.example.com") {
        assert!(
            PoolId::is_well_formed(pool.as_str()),
            "claimed pool {pool:?}"
        );
    }
    let _ = own::claimed_client(&token);

    // The server's check is the JWS check and then claims: it accepts only what that accepts.
    if matches!(by_server, Ok(_) | Err(TokenRejection::Expired)) {
        assert!(
            by_jws.is_ok(),
            "server accepted what jws refused: {by_jws:?}"
        );
    }
    if let Ok(verified) = &by_server {
        assert!(verified.expires_at > NOW);
        assert_eq!(
            verified.claims.get("iss").and_then(|v| v.as_str()),
            Some(ISSUER)
        );
    }
    // The verification crate is stricter than both; what it accepts they accept.
    if let Ok(claims) = &by_crate {
        assert!(
            by_jws.is_ok(),
            "verify crate accepted what jws refused: {by_jws:?}"
        );
        assert_eq!(claims.iss, ISSUER);
        let leeway = i64::try_from(DEFAULT_LEEWAY.as_secs()).unwrap_or(i64::MAX);
        assert!(
            claims.exp.saturating_add(leeway) > NOW,
            "expired at {}",
            claims.exp
        );
    }
    // A signature is a signature: one verifier cannot call bad what another found good.
    if by_jws.is_ok() {
        assert!(!matches!(by_crate, Err(VerifyError::BadSignature)));
    }
    if by_jws == Err(JwsError::BadSignature) {
        assert!(by_crate.is_err());
        assert!(by_server.is_err());
    }
});
