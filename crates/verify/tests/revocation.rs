//! Revocation polling against a local stub of `GET <issuer>/revocations?since=<cursor>` (the
//! server's feed does not exist yet; the stub follows the format agreed in issue 5).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::atomic::Ordering;
use std::time::Duration;

use auth_return_verify::{Verifier, VerifyError};
use common::*;

#[tokio::test]
async fn revoked_sessions_are_refused_after_a_poll() {
    let stub = start().await;
    let v = Verifier::builder(stub.issuer(POOL_A), CLIENT)
        .jwks_url(stub.jwks_url(POOL_A))
        .revocation_polling(Duration::from_secs(3600))
        .build()
        .unwrap();
    let token = key_a().sign(&access_claims(&stub.issuer(POOL_A)));
    v.verify(&token).await.unwrap();

    stub.revoke("session-1", now() + 3600);
    stub.revoke("session-old", now() - 10); // already irrelevant: not kept
    assert_eq!(v.poll_revocations().await.unwrap(), 1);
    assert_eq!(v.revoked_sessions(), 1);
    assert_eq!(v.verify(&token).await.unwrap_err(), VerifyError::Revoked);
    // Another session is unaffected.
    let mut other = access_claims(&stub.issuer(POOL_A));
    other["origin_jti"] = serde_json::json!("session-2");
    v.verify(&key_a().sign(&other)).await.unwrap();

    // The cursor is passed: the next poll gets only new entries.
    stub.revoke("session-2", now() + 3600);
    assert_eq!(v.poll_revocations().await.unwrap(), 1);
    assert_eq!(v.revoked_sessions(), 2);
    assert_eq!(
        v.verify(&key_a().sign(&other)).await.unwrap_err(),
        VerifyError::Revoked
    );
}

#[tokio::test]
async fn entries_are_dropped_after_expires_at() {
    let stub = start().await;
    let t0 = now();
    let clock_now = std::sync::Arc::new(std::sync::atomic::AtomicI64::new(t0));
    let c = clock_now.clone();
    let v = Verifier::builder(stub.issuer(POOL_A), CLIENT)
        .jwks_url(stub.jwks_url(POOL_A))
        .revocation_polling(Duration::from_secs(3600))
        .clock(std::sync::Arc::new(move || c.load(Ordering::SeqCst)))
        .build()
        .unwrap();
    stub.revoke("session-1", t0 + 100);
    v.poll_revocations().await.unwrap();
    assert_eq!(v.revoked_sessions(), 1);
    clock_now.store(t0 + 200, Ordering::SeqCst);
    v.poll_revocations().await.unwrap();
    assert_eq!(v.revoked_sessions(), 0);
}

#[tokio::test]
async fn background_polling_applies_within_the_interval() {
    let stub = start().await;
    let v = Verifier::builder(stub.issuer(POOL_A), CLIENT)
        .jwks_url(stub.jwks_url(POOL_A))
        .revocation_polling(Duration::from_millis(50))
        .build()
        .unwrap();
    let token = key_a().sign(&id_claims(&stub.issuer(POOL_A)));
    v.verify(&token).await.unwrap();
    stub.revoke("session-1", now() + 3600);
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(v.verify(&token).await.unwrap_err(), VerifyError::Revoked);
    assert!(stub.state.revocation_requests.load(Ordering::SeqCst) >= 2);
    // Dropping the verifier stops the poller.
    drop(v);
    tokio::time::sleep(Duration::from_millis(100)).await;
    let n = stub.state.revocation_requests.load(Ordering::SeqCst);
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(stub.state.revocation_requests.load(Ordering::SeqCst), n);
}

#[tokio::test]
async fn feed_down_fails_open_and_says_so() {
    let dead = dead_address().await;
    let stub = start().await;
    let v = Verifier::builder(stub.issuer(POOL_A), CLIENT)
        .jwks_url(stub.jwks_url(POOL_A))
        .revocation_url(format!("{dead}/revocations"))
        .build()
        .unwrap();
    assert!(matches!(
        v.poll_revocations().await.unwrap_err(),
        VerifyError::RevocationFeed(_)
    ));
    let token = key_a().sign(&id_claims(&stub.issuer(POOL_A)));
    v.verify(&token).await.unwrap();
    // Without polling enabled, poll_revocations is a configuration error.
    let plain = Verifier::from_jwks(stub.jwks_url(POOL_A), stub.issuer(POOL_A), CLIENT).unwrap();
    assert!(matches!(
        plain.poll_revocations().await.unwrap_err(),
        VerifyError::Config(_)
    ));
}

#[test]
fn polling_needs_a_runtime() {
    let err = Verifier::builder("http://127.0.0.1:9/pool", CLIENT)
        .revocation_polling(Duration::from_secs(1))
        .build()
        .unwrap_err();
    assert!(matches!(err, VerifyError::Config(_)));
}
