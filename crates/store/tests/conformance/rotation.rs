//! Refresh tokens (first token, rotation, cascades) and `prune_expired`.

use crate::fixtures;
use auth_return_core::model::{CodePurpose, RefreshTokenRecord, Session};
use auth_return_store::{Store, StoreError};
use std::sync::Arc;

async fn token(s: &dyn Store, hash: &[u8]) -> Option<(Session, RefreshTokenRecord)> {
    s.get_refresh_token(hash).await.unwrap()
}

async fn superseded_at(s: &dyn Store, hash: &[u8]) -> Option<i64> {
    token(s, hash).await.expect("token exists").1.superseded_at
}

fn record(session: &Session, hash: &[u8], created_at: i64) -> RefreshTokenRecord {
    RefreshTokenRecord {
        hash: hash.to_vec(),
        session_id: session.id,
        created_at,
        superseded_at: None,
    }
}

/// The first token, rotations, conflicts and cascades.
pub async fn refresh_tokens(store: Arc<dyn Store>) {
    let s = store.as_ref();
    let fixtures::TwoPools {
        one: a1,
        two: a2,
        ada,
        bob,
        eve,
        ..
    } = fixtures::two_pools(s).await;
    let (p1, p2) = (&a1.pool_id, &a2.pool_id);

    // insert_session makes its first token findable, unsuperseded, created at sign-in.
    let s1 = fixtures::session(&a1, &ada, b"h1", 1_000);
    s.insert_session(&s1).await.unwrap();
    assert_eq!(
        token(s, b"h1").await,
        Some((s1.clone(), record(&s1, b"h1", 1_000)))
    );
    assert_eq!(token(s, b"h2").await, None);

    // A rotation adds a findable token and supersedes the presented one.
    s.rotate_refresh_token(p1, s1.id, b"h1", b"h2", 1_100)
        .await
        .unwrap();
    assert_eq!(
        token(s, b"h2").await,
        Some((s1.clone(), record(&s1, b"h2", 1_100)))
    );
    assert_eq!(superseded_at(s, b"h1").await, Some(1_100));
    assert_eq!(
        s.get_session(p1, s1.id).await.unwrap().as_ref(),
        Some(&s1),
        "the session keeps its first hash"
    );

    // Presenting h1 again (a retry in the grace period, or a replay): the new token is added,
    // the first supersession time is kept.
    s.rotate_refresh_token(p1, s1.id, b"h1", b"h3", 1_105)
        .await
        .unwrap();
    assert_eq!(token(s, b"h3").await.unwrap().1, record(&s1, b"h3", 1_105));
    assert_eq!(superseded_at(s, b"h1").await, Some(1_100));
    s.rotate_refresh_token(p1, s1.id, b"h2", b"h4", 1_200)
        .await
        .unwrap();
    assert_eq!(superseded_at(s, b"h2").await, Some(1_200));
    assert_eq!(superseded_at(s, b"h3").await, None);
    assert_eq!(superseded_at(s, b"h4").await, None);

    // A repeated rotation to a hash the session has already adds nothing and keeps the times.
    s.rotate_refresh_token(p1, s1.id, b"h2", b"h4", 1_250)
        .await
        .unwrap();
    assert_eq!(token(s, b"h4").await.unwrap().1, record(&s1, b"h4", 1_200));
    assert_eq!(superseded_at(s, b"h2").await, Some(1_200));

    // The wrong pool or another session changes nothing.
    s.rotate_refresh_token(p2, s1.id, b"h4", b"h5", 1_400)
        .await
        .unwrap();
    assert_eq!(token(s, b"h5").await, None);
    assert_eq!(superseded_at(s, b"h4").await, None);
    let s2 = fixtures::session(&a1, &bob, b"b1", 1_000);
    s.insert_session(&s2).await.unwrap();
    s.rotate_refresh_token(p1, s2.id, b"h4", b"b2", 1_400)
        .await
        .unwrap();
    assert_eq!(superseded_at(s, b"h4").await, None, "h4 is not s2's");
    assert_eq!(token(s, b"b2").await.unwrap().0, s2, "b2 belongs to s2");

    // A new hash that another session has is a conflict, and nothing of that rotation is kept.
    let clash = s.rotate_refresh_token(p1, s1.id, b"h4", b"b2", 1_300).await;
    assert!(matches!(clash, Err(StoreError::Conflict(_))), "{clash:?}");
    assert_eq!(superseded_at(s, b"h4").await, None, "rolled back");
    assert_eq!(
        token(s, b"b2").await.unwrap().0,
        s2,
        "b2 still belongs to s2"
    );

    // Every hash is unique across sessions, first tokens and rotated ones alike.
    let reuse = fixtures::session(&a1, &bob, b"h3", 1_500);
    assert!(matches!(
        s.insert_session(&reuse).await,
        Err(StoreError::Conflict(_))
    ));
    assert_eq!(
        s.get_session(p1, reuse.id).await.unwrap(),
        None,
        "no half session"
    );

    // Revocation shows through every token of the session.
    s.revoke_session(p1, s1.id, 1_600).await.unwrap();
    for hash in [&b"h1"[..], b"h2", b"h3", b"h4"] {
        assert_eq!(token(s, hash).await.unwrap().0.revoked_at, Some(1_600));
    }

    // Deleting the user takes every token of their sessions; others stay.
    let s3 = fixtures::session(&a2, &eve, b"e1", 1_000);
    s.insert_session(&s3).await.unwrap();
    s.rotate_refresh_token(p2, s3.id, b"e1", b"e2", 1_100)
        .await
        .unwrap();
    assert!(s.delete_user(p1, ada.id, 1_700).await.unwrap());
    for hash in [&b"h1"[..], b"h2", b"h3", b"h4"] {
        assert_eq!(token(s, hash).await, None);
    }
    assert!(token(s, b"b1").await.is_some());
    assert!(token(s, b"b2").await.is_some());
    // The hashes are free again.
    let again = fixtures::session(&a1, &bob, b"h1", 2_000);
    s.insert_session(&again).await.unwrap();
    assert_eq!(token(s, b"h1").await.unwrap().0, again);

    // Deleting an app takes its sessions' tokens.
    assert!(token(s, b"e2").await.is_some());
    assert!(s.delete_app(&a2.id).await.unwrap());
    assert_eq!(token(s, b"e1").await, None);
    assert_eq!(token(s, b"e2").await, None);
    assert!(
        token(s, b"b2").await.is_some(),
        "the other app keeps its tokens"
    );
}

/// Only rows that expired strictly before `now` go.
pub async fn prune(store: Arc<dyn Store>) {
    let s = store.as_ref();
    let (app, key) = fixtures::app("prune", None, 1);
    s.insert_app(&app, Some(&key)).await.unwrap();
    let p = &app.pool_id;
    let ada = fixtures::user(p, "ada@example.com", 10);
    let bob = fixtures::user(p, "bob@example.com", 10);
    s.insert_user(&ada).await.unwrap();
    s.insert_user(&bob).await.unwrap();
    assert_eq!(s.prune_expired(5_000).await.unwrap(), 0, "nothing yet");

    let session = |user, hash: &[u8], expires_at| {
        let mut session = fixtures::session(&app, user, hash, 100);
        session.expires_at = expires_at;
        session
    };
    let expired = session(&ada, b"x1", 1_999);
    let boundary = session(&ada, b"y1", 2_000);
    let live = session(&bob, b"z1", 9_000);
    for session in [&expired, &boundary, &live] {
        s.insert_session(session).await.unwrap();
    }
    s.rotate_refresh_token(p, expired.id, b"x1", b"x2", 500)
        .await
        .unwrap();
    s.rotate_refresh_token(p, live.id, b"z1", b"z2", 500)
        .await
        .unwrap();
    let (sign_up, forgot, verify) = (
        CodePurpose::SignUp,
        CodePurpose::ForgotPassword,
        CodePurpose::VerifyEmail,
    );
    s.put_code(p, ada.id, sign_up, &fixtures::code(b"c1", 1_500))
        .await
        .unwrap();
    s.put_code(p, ada.id, forgot, &fixtures::code(b"c2", 2_000))
        .await
        .unwrap();
    s.put_code(p, bob.id, verify, &fixtures::code(b"c3", 9_000))
        .await
        .unwrap();
    assert!(!s.challenge_claimed(b"old").await.unwrap());
    assert!(s.claim_challenge(b"old", 1_500, 1_000).await.unwrap());
    assert!(s.challenge_claimed(b"old").await.unwrap());
    assert!(s.claim_challenge(b"new", 3_000, 1_000).await.unwrap());

    // One session, one code, one challenge.
    assert_eq!(s.prune_expired(2_000).await.unwrap(), 3);
    assert!(!s.challenge_claimed(b"old").await.unwrap(), "pruned");
    assert!(s.challenge_claimed(b"new").await.unwrap());
    assert_eq!(s.get_session(p, expired.id).await.unwrap(), None);
    assert_eq!(s.get_refresh_token(b"x1").await.unwrap(), None);
    assert_eq!(s.get_refresh_token(b"x2").await.unwrap(), None);
    assert_eq!(
        s.get_session(p, boundary.id).await.unwrap(),
        Some(boundary.clone())
    );
    assert!(s.get_refresh_token(b"y1").await.unwrap().is_some());
    assert_eq!(s.get_session(p, live.id).await.unwrap(), Some(live.clone()));
    assert!(s.get_refresh_token(b"z1").await.unwrap().is_some());
    assert!(s.get_refresh_token(b"z2").await.unwrap().is_some());
    assert_eq!(s.get_code(p, ada.id, sign_up).await.unwrap(), None);
    assert!(s.get_code(p, ada.id, forgot).await.unwrap().is_some());
    assert!(s.get_code(p, bob.id, verify).await.unwrap().is_some());
    assert!(
        !s.claim_challenge(b"old", 1_500, 2_000).await.unwrap(),
        "a pruned challenge stays unclaimable"
    );
    assert!(!s.claim_challenge(b"new", 3_000, 2_000).await.unwrap());
    assert!(s.get_user(p, ada.id).await.unwrap().is_some(), "users stay");

    assert_eq!(s.prune_expired(2_000).await.unwrap(), 0, "idempotent");
    assert_eq!(
        s.prune_expired(2_001).await.unwrap(),
        2,
        "the boundary session and code"
    );
    assert_eq!(s.get_refresh_token(b"y1").await.unwrap(), None);
    assert!(s.get_session(p, live.id).await.unwrap().is_some());
}
