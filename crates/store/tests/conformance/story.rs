//! The scripted story every backend must tell the same way.

use crate::fixtures;
use auth_return_core::ids::{AppId, ClientId, PoolId, UserId};
use auth_return_core::model::{CodePurpose, UserStatus};
use auth_return_store::{Store, StoreError};
use std::sync::Arc;

fn is_conflict<T: std::fmt::Debug>(result: Result<T, StoreError>) -> bool {
    matches!(result, Err(StoreError::Conflict(_)))
}

/// Runs the whole story on `store`, which must be empty.
pub async fn run(store: Arc<dyn Store>) {
    let s = store.as_ref();
    let dev = UserId::generate();
    let (a1, k1) = fixtures::app("first", Some(dev), 100);
    let (a2, k2) = fixtures::app("second", None, 200);
    let (a3, k3) = fixtures::app("third", Some(dev), 300);
    apps(s, [(&a1, &k1), (&a2, &k2), (&a3, &k3)], dev).await;

    let p1 = &a1.pool_id;
    let p2 = &a2.pool_id;
    let ada = fixtures::user(p1, "ada@example.com", 1_000);
    let ada2 = fixtures::user(p2, "ada@example.com", 1_000);
    users(s, &ada, &ada2).await;
    codes(s, &ada, &ada2).await;
    sessions(s, &a1, &a2, &ada, &ada2).await;
    challenges(s).await;

    // Deleting a user takes their codes and sessions along, and nothing else.
    let code_purpose = CodePurpose::VerifyEmail;
    s.put_code(p1, ada.id, code_purpose, &fixtures::code(b"v", 9_999))
        .await
        .unwrap();
    let live = fixtures::session(&a1, &ada, b"refresh-before-delete", 2_000);
    s.insert_session(&live).await.unwrap();
    let bob = fixtures::user(p1, "bob@example.com", 1_000);
    s.insert_user(&bob).await.unwrap();
    s.put_code(p1, bob.id, code_purpose, &fixtures::code(b"b", 9_999))
        .await
        .unwrap();
    s.insert_session(&fixtures::session(&a1, &bob, b"refresh-bob", 2_000))
        .await
        .unwrap();
    assert!(s.delete_user(p1, ada.id).await.unwrap());
    assert_eq!(s.get_user(p1, ada.id).await.unwrap(), None);
    assert_eq!(s.get_code(p1, ada.id, code_purpose).await.unwrap(), None);
    assert_eq!(s.get_session(p1, live.id).await.unwrap(), None);
    assert_eq!(
        s.get_session_by_refresh_hash(b"refresh-before-delete")
            .await
            .unwrap(),
        None
    );
    assert!(
        !s.delete_user(p1, ada.id).await.unwrap(),
        "a second delete finds nothing"
    );
    assert!(
        s.get_code(p1, bob.id, code_purpose)
            .await
            .unwrap()
            .is_some(),
        "bob keeps his code"
    );
    assert!(
        s.get_session_by_refresh_hash(b"refresh-bob")
            .await
            .unwrap()
            .is_some()
    );
    assert_eq!(
        s.get_user(p2, ada2.id).await.unwrap(),
        Some(ada2.clone()),
        "the other pool is untouched"
    );

    delete_app(s, &a1, &a2, &a3, &ada2).await;
}

async fn apps(
    s: &dyn Store,
    all: [(
        &auth_return_core::model::App,
        &auth_return_core::model::SigningKeyRecord,
    ); 3],
    dev: UserId,
) {
    let [(a1, k1), (a2, k2), (a3, k3)] = all;
    for (app, key) in all {
        s.insert_app(app, key).await.unwrap();
    }
    assert_eq!(s.get_app(&a1.id).await.unwrap().as_ref(), Some(a1));
    assert_eq!(
        s.get_app(&a2.id).await.unwrap().as_ref(),
        Some(a2),
        "public client: no secret"
    );
    assert_eq!(
        s.get_app_by_pool(&a3.pool_id).await.unwrap().as_ref(),
        Some(a3)
    );
    assert_eq!(
        s.get_app_by_client(&a2.client.id).await.unwrap().as_ref(),
        Some(a2)
    );
    assert_eq!(s.get_app(&AppId::new("app_unknown")).await.unwrap(), None);
    assert_eq!(
        s.get_app_by_pool(&PoolId::new("local_unknown1"))
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        s.get_app_by_client(&ClientId::new("unknown"))
            .await
            .unwrap(),
        None
    );

    let mine = s.list_apps(Some(dev)).await.unwrap();
    assert_eq!(
        mine,
        vec![a1.clone(), a3.clone()],
        "owner's apps, oldest first"
    );
    let every = s.list_apps(None).await.unwrap();
    assert_eq!(
        every,
        vec![a1.clone(), a2.clone(), a3.clone()],
        "all apps, oldest first"
    );
    assert!(
        s.list_apps(Some(UserId::generate()))
            .await
            .unwrap()
            .is_empty()
    );

    assert_eq!(s.signing_keys(&a1.pool_id).await.unwrap(), vec![k1.clone()]);
    assert_eq!(s.signing_keys(&a2.pool_id).await.unwrap(), vec![k2.clone()]);
    assert_eq!(s.signing_keys(&a3.pool_id).await.unwrap(), vec![k3.clone()]);
    assert!(
        s.signing_keys(&PoolId::new("local_unknown1"))
            .await
            .unwrap()
            .is_empty()
    );

    // Conflicts: the same app, the same pool under a new id, the same client id. A failed
    // insert leaves nothing behind.
    assert!(is_conflict(s.insert_app(a1, k1).await), "same app twice");
    let (mut dup_pool, mut key) = fixtures::app("dup pool", None, 400);
    dup_pool.pool_id = a1.pool_id.clone();
    dup_pool.client.pool_id = a1.pool_id.clone();
    key.pool_id = a1.pool_id.clone();
    assert!(
        is_conflict(s.insert_app(&dup_pool, &key).await),
        "same pool id"
    );
    let (mut dup_client, key) = fixtures::app("dup client", None, 400);
    dup_client.client.id = a2.client.id.clone();
    assert!(
        is_conflict(s.insert_app(&dup_client, &key).await),
        "same client id"
    );
    assert_eq!(
        s.get_app(&dup_client.id).await.unwrap(),
        None,
        "no half-made app"
    );
    assert!(
        s.signing_keys(&dup_client.pool_id)
            .await
            .unwrap()
            .is_empty(),
        "no orphan key"
    );
    assert_eq!(s.list_apps(None).await.unwrap().len(), 3);
}

async fn users(
    s: &dyn Store,
    ada: &auth_return_core::model::User,
    ada2: &auth_return_core::model::User,
) {
    let (p1, p2) = (&ada.pool_id, &ada2.pool_id);
    s.insert_user(ada).await.unwrap();
    assert_eq!(s.get_user(p1, ada.id).await.unwrap().as_ref(), Some(ada));
    assert_eq!(
        s.get_user_by_email(p1, "ada@example.com")
            .await
            .unwrap()
            .as_ref(),
        Some(ada)
    );
    assert_eq!(
        s.get_user(p2, ada.id).await.unwrap(),
        None,
        "pools are isolated"
    );
    assert_eq!(
        s.get_user_by_email(p2, "ada@example.com").await.unwrap(),
        None
    );
    assert_eq!(s.get_user(p1, UserId::generate()).await.unwrap(), None);
    assert_eq!(
        s.get_user_by_email(p1, "nobody@example.com").await.unwrap(),
        None
    );

    let twin = fixtures::user(p1, "ada@example.com", 1_001);
    assert!(
        is_conflict(s.insert_user(&twin).await),
        "email taken in the pool"
    );
    assert_eq!(s.get_user(p1, twin.id).await.unwrap(), None);

    // The same email in another pool is another user.
    s.insert_user(ada2).await.unwrap();
    assert_eq!(
        s.get_user_by_email(p2, "ada@example.com")
            .await
            .unwrap()
            .as_ref(),
        Some(ada2)
    );
    assert_eq!(
        s.get_user_by_email(p1, "ada@example.com")
            .await
            .unwrap()
            .as_ref(),
        Some(ada)
    );
    assert_ne!(ada.id, ada2.id);

    // Every mutable field survives an update.
    let mut changed = ada.clone();
    changed.email_verified = true;
    changed.status = UserStatus::Confirmed;
    changed.enabled = false;
    changed.salt_hex = "abcdef".into();
    changed.sealed_verifier = vec![9; 300];
    changed.attributes.insert("given_name".into(), "Ada".into());
    changed.attributes.remove("custom:plan");
    changed.updated_at = 1_500;
    s.update_user(&changed).await.unwrap();
    assert_eq!(s.get_user(p1, ada.id).await.unwrap(), Some(changed.clone()));
    for status in [UserStatus::ForceChangePassword, UserStatus::ResetRequired] {
        changed.status = status;
        s.update_user(&changed).await.unwrap();
        assert_eq!(
            s.get_user(p1, ada.id).await.unwrap().map(|u| u.status),
            Some(status)
        );
    }
    changed.email = "ada.l@example.com".into();
    s.update_user(&changed).await.unwrap();
    assert_eq!(
        s.get_user_by_email(p1, "ada.l@example.com").await.unwrap(),
        Some(changed.clone())
    );
    assert_eq!(
        s.get_user_by_email(p1, "ada@example.com").await.unwrap(),
        None
    );

    // Changing to an email someone else has is a conflict.
    let carol = fixtures::user(p1, "carol@example.com", 1_000);
    s.insert_user(&carol).await.unwrap();
    let mut steal = carol.clone();
    steal.email = "ada.l@example.com".into();
    assert!(is_conflict(s.update_user(&steal).await));
    assert_eq!(s.get_user(p1, carol.id).await.unwrap(), Some(carol.clone()));
    assert!(s.delete_user(p1, carol.id).await.unwrap());
    assert!(!s.delete_user(p1, UserId::generate()).await.unwrap());
    assert!(
        !s.delete_user(p2, ada.id).await.unwrap(),
        "a pool cannot delete another's user"
    );

    // Restore the original for the rest of the story.
    s.update_user(ada).await.unwrap();
    assert_eq!(s.get_user(p1, ada.id).await.unwrap().as_ref(), Some(ada));
}

async fn codes(
    s: &dyn Store,
    ada: &auth_return_core::model::User,
    ada2: &auth_return_core::model::User,
) {
    let (p1, p2) = (&ada.pool_id, &ada2.pool_id);
    let (sign_up, forgot) = (CodePurpose::SignUp, CodePurpose::ForgotPassword);
    assert_eq!(s.get_code(p1, ada.id, sign_up).await.unwrap(), None);
    assert_eq!(
        s.record_code_failure(p1, ada.id, sign_up).await.unwrap(),
        0,
        "no code, no count"
    );
    assert!(!s.take_code(p1, ada.id, sign_up, b"h1").await.unwrap());

    s.put_code(p1, ada.id, sign_up, &fixtures::code(b"h1", 5_000))
        .await
        .unwrap();
    s.put_code(p1, ada.id, forgot, &fixtures::code(b"f1", 6_000))
        .await
        .unwrap();
    s.put_code(p2, ada2.id, sign_up, &fixtures::code(b"h1", 5_000))
        .await
        .unwrap();
    assert_eq!(
        s.get_code(p1, ada.id, sign_up).await.unwrap(),
        Some(fixtures::code(b"h1", 5_000))
    );

    assert_eq!(s.record_code_failure(p1, ada.id, sign_up).await.unwrap(), 1);
    assert_eq!(s.record_code_failure(p1, ada.id, sign_up).await.unwrap(), 2);
    let pending = s.get_code(p1, ada.id, sign_up).await.unwrap().unwrap();
    assert_eq!(pending.failed_attempts, 2);
    assert_eq!(
        s.get_code(p1, ada.id, forgot)
            .await
            .unwrap()
            .unwrap()
            .failed_attempts,
        0,
        "per purpose"
    );
    assert_eq!(
        s.get_code(p2, ada2.id, sign_up)
            .await
            .unwrap()
            .unwrap()
            .failed_attempts,
        0,
        "per pool"
    );

    // Wrong hash: nothing consumed. Right hash: consumed exactly once.
    assert!(!s.take_code(p1, ada.id, sign_up, b"wrong").await.unwrap());
    assert!(s.get_code(p1, ada.id, sign_up).await.unwrap().is_some());
    assert!(
        !s.take_code(p1, ada.id, forgot, b"h1").await.unwrap(),
        "hash of another purpose"
    );
    assert!(s.take_code(p1, ada.id, sign_up, b"h1").await.unwrap());
    assert!(
        !s.take_code(p1, ada.id, sign_up, b"h1").await.unwrap(),
        "single use"
    );
    assert_eq!(s.get_code(p1, ada.id, sign_up).await.unwrap(), None);
    assert!(
        s.get_code(p1, ada.id, forgot).await.unwrap().is_some(),
        "other purpose kept"
    );
    assert!(
        s.get_code(p2, ada2.id, sign_up).await.unwrap().is_some(),
        "other pool kept"
    );

    // Putting again replaces hash, expiry and the failure count.
    s.put_code(p1, ada.id, forgot, &fixtures::code(b"f1", 6_000))
        .await
        .unwrap();
    s.record_code_failure(p1, ada.id, forgot).await.unwrap();
    s.put_code(p1, ada.id, forgot, &fixtures::code(b"f2", 7_000))
        .await
        .unwrap();
    assert_eq!(
        s.get_code(p1, ada.id, forgot).await.unwrap(),
        Some(fixtures::code(b"f2", 7_000))
    );
    assert!(
        !s.take_code(p1, ada.id, forgot, b"f1").await.unwrap(),
        "the old code is gone"
    );

    s.delete_code(p1, ada.id, forgot).await.unwrap();
    assert_eq!(s.get_code(p1, ada.id, forgot).await.unwrap(), None);
    s.delete_code(p1, ada.id, forgot).await.unwrap();
    assert!(s.get_code(p2, ada2.id, sign_up).await.unwrap().is_some());
}

async fn sessions(
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
        s.get_session_by_refresh_hash(b"refresh-1")
            .await
            .unwrap()
            .as_ref(),
        Some(&s1)
    );
    assert_eq!(
        s.get_session_by_refresh_hash(b"refresh-9").await.unwrap(),
        None
    );
    assert_eq!(s.get_session(p1, s2.id).await.unwrap().as_ref(), Some(&s2));
    assert_eq!(
        s.get_session(p2, s1.id).await.unwrap(),
        None,
        "pools are isolated"
    );
    assert_eq!(s.get_session(p1, uuid::Uuid::new_v4()).await.unwrap(), None);

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
    s.revoke_session(p1, uuid::Uuid::new_v4(), 2_500)
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

async fn challenges(s: &dyn Store) {
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

async fn delete_app(
    s: &dyn Store,
    a1: &auth_return_core::model::App,
    a2: &auth_return_core::model::App,
    a3: &auth_return_core::model::App,
    ada2: &auth_return_core::model::User,
) {
    let p2 = &a2.pool_id;
    let s3 = s
        .get_session_by_refresh_hash(b"refresh-3")
        .await
        .unwrap()
        .unwrap();
    assert!(
        s.get_code(p2, ada2.id, CodePurpose::SignUp)
            .await
            .unwrap()
            .is_some()
    );

    assert!(s.delete_app(&a2.id).await.unwrap());
    assert!(!s.delete_app(&a2.id).await.unwrap(), "already gone");
    assert_eq!(s.get_app(&a2.id).await.unwrap(), None);
    assert_eq!(s.get_app_by_pool(p2).await.unwrap(), None);
    assert_eq!(s.get_app_by_client(&a2.client.id).await.unwrap(), None);
    assert!(s.signing_keys(p2).await.unwrap().is_empty());
    assert_eq!(s.get_user(p2, ada2.id).await.unwrap(), None);
    assert_eq!(s.get_user_by_email(p2, &ada2.email).await.unwrap(), None);
    assert_eq!(
        s.get_code(p2, ada2.id, CodePurpose::SignUp).await.unwrap(),
        None
    );
    assert_eq!(s.get_session(p2, s3.id).await.unwrap(), None);
    assert_eq!(
        s.get_session_by_refresh_hash(b"refresh-3").await.unwrap(),
        None
    );
    assert_eq!(
        s.list_apps(None).await.unwrap(),
        vec![a1.clone(), a3.clone()]
    );
    assert!(!s.delete_app(&AppId::new("app_unknown")).await.unwrap());

    // The other pools are intact.
    assert_eq!(s.get_app(&a1.id).await.unwrap().as_ref(), Some(a1));
    assert_eq!(s.signing_keys(&a1.pool_id).await.unwrap().len(), 1);
    assert!(
        s.get_user_by_email(&a1.pool_id, "bob@example.com")
            .await
            .unwrap()
            .is_some()
    );
    assert!(
        s.get_session_by_refresh_hash(b"refresh-bob")
            .await
            .unwrap()
            .is_some()
    );
}
