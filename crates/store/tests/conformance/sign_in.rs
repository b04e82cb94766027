//! Chapter three of the story: sign-in sessions and single-use SRP challenges.

use super::is_conflict;
use crate::fixtures;
use auth_return_core::ids::SessionId;
use auth_return_store::Store;

pub(super) async fn sessions(
    s: &dyn Store,
    a1: &auth_return_core::model::App,
    a2: &auth_return_core::model::App,
    ada: &auth_return_core::model::User,
    ada2: &auth_return_core::model::User,
) {
    let (p1, p2) = (&a1.pool_id, &a2.pool_id);
    let s1 = fixtures::session(a1, ada, b"refresh-1", 2_000);
    let s2 = fixtures::session(a1, ada, b"refresh-2", 2_100);
    let s3 = fixtures::session(a2, ada2, b"refresh-3", 2_200);
    for session in [&s1, &s2, &s3] {
        s.insert_session(session).await.unwrap();
    }
    assert_eq!(
        s.get_refresh_token(b"refresh-1")
            .await
            .unwrap()
            .map(|(session, _)| session)
            .as_ref(),
        Some(&s1)
    );
    assert_eq!(
        s.get_refresh_token(b"refresh-9")
            .await
            .unwrap()
            .map(|(session, _)| session),
        None
    );
    assert_eq!(s.get_session(p1, s2.id).await.unwrap().as_ref(), Some(&s2));
    assert_eq!(
        s.get_session(p2, s1.id).await.unwrap(),
        None,
        "pools are isolated"
    );
    assert_eq!(
        s.get_session(p1, SessionId::generate()).await.unwrap(),
        None
    );

    let mut same_hash = fixtures::session(a1, ada, b"refresh-1", 2_300);
    assert!(
        is_conflict(s.insert_session(&same_hash).await),
        "refresh hashes are unique"
    );
    same_hash.refresh_hash = b"refresh-4".to_vec();
    same_hash.id = s1.id;
    assert!(
        is_conflict(s.insert_session(&same_hash).await),
        "session ids are unique"
    );

    s.revoke_session(p1, s1.id, 2_500).await.unwrap();
    s.revoke_session(p1, s1.id, 2_600).await.unwrap();
    let revoked = s.get_session(p1, s1.id).await.unwrap().unwrap();
    assert_eq!(
        revoked.revoked_at,
        Some(2_500),
        "the first revocation time is kept"
    );
    s.revoke_session(p2, s2.id, 2_500).await.unwrap();
    assert_eq!(
        s.get_session(p1, s2.id).await.unwrap().unwrap().revoked_at,
        None,
        "wrong pool: no-op"
    );
    s.revoke_session(p1, SessionId::generate(), 2_500)
        .await
        .unwrap();

    assert_eq!(
        s.revoke_user_sessions(p1, ada.id, 2_700).await.unwrap(),
        1,
        "only s2 was live"
    );
    assert_eq!(
        s.get_session(p1, s2.id).await.unwrap().unwrap().revoked_at,
        Some(2_700)
    );
    assert_eq!(
        s.get_session(p1, s1.id).await.unwrap().unwrap().revoked_at,
        Some(2_500)
    );
    assert_eq!(
        s.get_session(p2, s3.id).await.unwrap().unwrap().revoked_at,
        None,
        "other pool"
    );
    assert_eq!(s.revoke_user_sessions(p1, ada.id, 2_800).await.unwrap(), 0);
    assert_eq!(
        s.revoke_user_sessions(p2, ada.id, 2_800).await.unwrap(),
        0,
        "wrong pool"
    );
}

pub(super) async fn challenges(s: &dyn Store) {
    assert!(s.claim_challenge(b"nonce-1", 1_000, 900).await.unwrap());
    assert!(
        !s.claim_challenge(b"nonce-1", 1_000, 901).await.unwrap(),
        "replay"
    );
    assert!(s.claim_challenge(b"nonce-2", 1_000_000, 900).await.unwrap());
    assert!(
        !s.claim_challenge(b"nonce-3", 800, 900).await.unwrap(),
        "already expired"
    );
    // Enough claims, later on, to trigger pruning: unexpired nonces stay claimed, and expired
    // ones cannot be claimed again whatever was pruned.
    for i in 0..200u32 {
        assert!(
            s.claim_challenge(&i.to_be_bytes(), 5_000, 2_000)
                .await
                .unwrap()
        );
    }
    assert!(
        !s.claim_challenge(b"nonce-2", 1_000_000, 2_001)
            .await
            .unwrap(),
        "still claimed"
    );
    assert!(
        !s.claim_challenge(b"nonce-1", 1_000, 2_001).await.unwrap(),
        "expired replay"
    );
    assert!(
        !s.claim_challenge(&7u32.to_be_bytes(), 5_000, 2_002)
            .await
            .unwrap()
    );
}
