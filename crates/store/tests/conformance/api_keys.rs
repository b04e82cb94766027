//! API keys: stored whole, found by id and by hash (with whether the owner may use them),
//! listed per app or per user, counted while live, revoked once, touched at most once per
//! interval, and gone with their user or their app.

use crate::fixtures;
use auth_return_core::ids::{ApiKeyId, AppId, PoolId, UserId};
use auth_return_core::model::ApiKey;
use auth_return_store::{Store, StoreError};
use std::sync::Arc;

fn key(app: &AppId, pool: &PoolId, user: Option<UserId>, name: &str, created_at: i64) -> ApiKey {
    let secret = format!("ar_{}", uuid::Uuid::new_v4().simple());
    // Any 32 unique bytes stand in for the SHA-256 of the key here.
    let mut hash = uuid::Uuid::new_v4().as_bytes().to_vec();
    hash.extend_from_slice(uuid::Uuid::new_v4().as_bytes());
    ApiKey {
        id: ApiKeyId::generate(),
        app_id: app.clone(),
        pool_id: pool.clone(),
        user_id: user,
        external_user: false,
        name: name.to_owned(),
        prefix: secret[..10].to_owned(),
        hash,
        scopes: vec!["read".to_owned(), "orders:write".to_owned()],
        created_at,
        expires_at: None,
        last_used_at: None,
        revoked_at: None,
    }
}

pub async fn api_keys(store: Arc<dyn Store>) {
    let s = store.as_ref();
    let (a, ka) = fixtures::app("keys-a", None, 1);
    let (b, kb) = fixtures::app("keys-b", None, 1);
    s.insert_app(&a, Some(&ka)).await.unwrap();
    s.insert_app(&b, Some(&kb)).await.unwrap();
    let ada = fixtures::user(&a.pool_id, "ada@example.com", 1);
    let bob = fixtures::user(&a.pool_id, "bob@example.com", 1);
    s.insert_user(&ada).await.unwrap();
    s.insert_user(&bob).await.unwrap();

    // Stored whole; found by id and by hash.
    let mut app_key = key(&a.id, &a.pool_id, None, "deploy", 100);
    app_key.scopes = Vec::new();
    app_key.expires_at = Some(10_000);
    let ada_key = key(&a.id, &a.pool_id, Some(ada.id), "ada's \"laptop\" ü", 200);
    let bob_key = key(&a.id, &a.pool_id, Some(bob.id), "bob", 150);
    let b_key = key(&b.id, &b.pool_id, None, "other app", 100);
    for k in [&app_key, &ada_key, &bob_key, &b_key] {
        s.insert_api_key(k).await.unwrap();
    }
    assert_eq!(
        s.get_api_key(&ada_key.id).await.unwrap(),
        Some(ada_key.clone())
    );
    assert_eq!(
        s.get_api_key(&app_key.id).await.unwrap(),
        Some(app_key.clone())
    );
    assert_eq!(
        s.get_api_key(&ApiKeyId::new("key_nope")).await.unwrap(),
        None
    );
    assert_eq!(
        s.get_api_key_by_hash(&app_key.hash).await.unwrap(),
        Some((app_key.clone(), true))
    );
    assert_eq!(
        s.get_api_key_by_hash(&ada_key.hash).await.unwrap(),
        Some((ada_key.clone(), true))
    );
    assert_eq!(s.get_api_key_by_hash(&[0u8; 32]).await.unwrap(), None);

    // A taken id or hash is a conflict; a user who is not in the pool cannot own a key.
    let mut same_id = key(&a.id, &a.pool_id, None, "dup", 300);
    same_id.id = app_key.id.clone();
    assert!(matches!(
        s.insert_api_key(&same_id).await,
        Err(StoreError::Conflict(_))
    ));
    let mut same_hash = key(&a.id, &a.pool_id, None, "dup", 300);
    same_hash.hash = ada_key.hash.clone();
    assert!(matches!(
        s.insert_api_key(&same_hash).await,
        Err(StoreError::Conflict(_))
    ));
    let stranger = key(&b.id, &b.pool_id, Some(ada.id), "not in b", 300);
    assert!(s.insert_api_key(&stranger).await.is_err());
    assert_eq!(s.get_api_key(&stranger.id).await.unwrap(), None);

    // A disabled user's keys are found but marked unusable.
    let mut disabled = ada.clone();
    disabled.enabled = false;
    s.update_user(&disabled).await.unwrap();
    assert_eq!(
        s.get_api_key_by_hash(&ada_key.hash).await.unwrap(),
        Some((ada_key.clone(), false))
    );
    s.update_user(&ada).await.unwrap();
    assert_eq!(
        s.get_api_key_by_hash(&ada_key.hash).await.unwrap(),
        Some((ada_key.clone(), true))
    );

    // Listing: the whole app oldest first (ties in creation order, whatever the random ids),
    // or one user's; nothing across apps.
    let mut bobs = vec![bob_key.id.clone()];
    for i in 0..6 {
        let twin = key(&a.id, &a.pool_id, Some(bob.id), &format!("bob {i}"), 150);
        s.insert_api_key(&twin).await.unwrap();
        bobs.push(twin.id);
    }
    let ids = |keys: Vec<ApiKey>| keys.into_iter().map(|k| k.id).collect::<Vec<_>>();
    assert_eq!(
        ids(s.list_api_keys(&a.id, None).await.unwrap()),
        [
            vec![app_key.id.clone()],
            bobs.clone(),
            vec![ada_key.id.clone()]
        ]
        .concat()
    );
    assert_eq!(
        s.list_api_keys(&a.id, Some(ada.id)).await.unwrap(),
        std::slice::from_ref(&ada_key)
    );
    assert_eq!(s.list_api_keys(&b.id, Some(ada.id)).await.unwrap(), []);
    assert_eq!(
        ids(s.list_api_keys(&b.id, None).await.unwrap()),
        std::slice::from_ref(&b_key.id)
    );

    // Counting: exactly one owner's live keys (not revoked, not expired at `now`).
    let now = 5_000;
    assert_eq!(s.count_live_api_keys(&a.id, None, now).await.unwrap(), 1);
    assert_eq!(
        s.count_live_api_keys(&a.id, Some(ada.id), now)
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        s.count_live_api_keys(&b.id, Some(ada.id), now)
            .await
            .unwrap(),
        0
    );
    let mut expired = key(&a.id, &a.pool_id, Some(ada.id), "expired", 300);
    expired.expires_at = Some(now);
    let mut later = key(&a.id, &a.pool_id, Some(ada.id), "later", 300);
    later.expires_at = Some(now + 1);
    s.insert_api_key(&expired).await.unwrap();
    s.insert_api_key(&later).await.unwrap();
    assert_eq!(
        s.count_live_api_keys(&a.id, Some(ada.id), now)
            .await
            .unwrap(),
        2
    );
    assert_eq!(s.count_live_api_keys(&a.id, None, 10_000).await.unwrap(), 0);

    // Revoking: once; the first time stays.
    assert!(s.revoke_api_key(&later.id, now).await.unwrap());
    assert!(!s.revoke_api_key(&later.id, now + 50).await.unwrap());
    assert!(
        !s.revoke_api_key(&ApiKeyId::new("key_nope"), now)
            .await
            .unwrap()
    );
    let revoked = s.get_api_key(&later.id).await.unwrap().unwrap();
    assert_eq!(revoked.revoked_at, Some(now));
    assert_eq!(
        s.count_live_api_keys(&a.id, Some(ada.id), now)
            .await
            .unwrap(),
        1
    );

    // Touching: when unset, then only once the stored time is not after `stale_at`.
    assert!(s.touch_api_key(&ada_key.id, 1_000, 940).await.unwrap());
    assert!(!s.touch_api_key(&ada_key.id, 1_030, 970).await.unwrap());
    let stored = s.get_api_key(&ada_key.id).await.unwrap().unwrap();
    assert_eq!(stored.last_used_at, Some(1_000));
    assert!(s.touch_api_key(&ada_key.id, 1_060, 1_000).await.unwrap());
    let stored = s.get_api_key(&ada_key.id).await.unwrap().unwrap();
    assert_eq!(stored.last_used_at, Some(1_060));
    assert_eq!(
        s.get_api_key(&bob_key.id)
            .await
            .unwrap()
            .unwrap()
            .last_used_at,
        None
    );

    // Revoking a user's keys revokes their live ones only (an already revoked key keeps its
    // time), in their pool; other users' and the app's own keys stay live.
    assert_eq!(
        s.revoke_user_api_keys(&b.pool_id, ada.id, 2_000)
            .await
            .unwrap(),
        0,
        "another pool"
    );
    let ada_live = s
        .list_api_keys(&a.id, Some(ada.id))
        .await
        .unwrap()
        .iter()
        .filter(|k| k.revoked_at.is_none())
        .count() as u64;
    assert!(ada_live > 0);
    assert_eq!(
        s.revoke_user_api_keys(&a.pool_id, ada.id, 2_000)
            .await
            .unwrap(),
        ada_live
    );
    for k in s.list_api_keys(&a.id, Some(ada.id)).await.unwrap() {
        assert!(k.revoked_at.is_some(), "{}", k.name);
    }
    assert_eq!(
        s.get_api_key(&later.id).await.unwrap().unwrap().revoked_at,
        Some(now),
        "kept"
    );
    assert_eq!(
        s.revoke_user_api_keys(&a.pool_id, ada.id, 2_001)
            .await
            .unwrap(),
        0
    );
    assert_eq!(
        s.get_api_key(&bob_key.id)
            .await
            .unwrap()
            .unwrap()
            .revoked_at,
        None
    );
    assert_eq!(
        s.get_api_key(&app_key.id)
            .await
            .unwrap()
            .unwrap()
            .revoked_at,
        None
    );

    // Deleting a user deletes their keys, and only theirs.
    assert!(s.delete_user(&a.pool_id, bob.id, now).await.unwrap());
    assert_eq!(s.get_api_key(&bob_key.id).await.unwrap(), None);
    for id in &bobs {
        assert_eq!(s.get_api_key(id).await.unwrap(), None);
    }
    assert_eq!(s.get_api_key_by_hash(&bob_key.hash).await.unwrap(), None);
    assert!(s.get_api_key(&ada_key.id).await.unwrap().is_some());

    // Deleting an app deletes all its keys, and only its.
    assert!(s.delete_app(&a.id).await.unwrap());
    for k in [&app_key, &ada_key, &expired, &later] {
        assert_eq!(s.get_api_key(&k.id).await.unwrap(), None);
    }
    assert_eq!(s.list_api_keys(&a.id, None).await.unwrap(), []);
    assert_eq!(s.get_api_key(&b_key.id).await.unwrap(), Some(b_key));
}

/// Keys of users who live in the app's provider (their `sub`, no row in `users`): stored whole,
/// usable as far as the store knows (the service asks the provider), theirs alone in listings,
/// counts and revocations, and gone with their app.
pub async fn external_user_api_keys(store: Arc<dyn Store>) {
    let s = store.as_ref();
    let (a, ka) = fixtures::app("keys-ext", None, 1);
    s.insert_app(&a, Some(&ka)).await.unwrap();
    let (sub, other_sub) = (UserId::generate(), UserId::generate());
    let external = |user: UserId, name: &str, at: i64| ApiKey {
        external_user: true,
        ..key(&a.id, &a.pool_id, Some(user), name, at)
    };
    let first = external(sub, "cli", 100);
    let second = external(sub, "ci", 110);
    let others = external(other_sub, "theirs", 120);
    let app_key = key(&a.id, &a.pool_id, None, "deploy", 130);
    for k in [&first, &second, &others, &app_key] {
        s.insert_api_key(k).await.unwrap();
    }
    assert_eq!(s.get_api_key(&first.id).await.unwrap(), Some(first.clone()));
    assert_eq!(
        s.get_api_key_by_hash(&first.hash).await.unwrap(),
        Some((first.clone(), true))
    );
    assert_eq!(
        s.list_api_keys(&a.id, Some(sub)).await.unwrap(),
        [first.clone(), second.clone()]
    );
    assert_eq!(s.list_api_keys(&a.id, None).await.unwrap().len(), 4);
    assert_eq!(s.count_live_api_keys(&a.id, Some(sub), 0).await.unwrap(), 2);
    assert_eq!(s.count_live_api_keys(&a.id, None, 0).await.unwrap(), 1);

    assert_eq!(
        s.revoke_user_api_keys(&a.pool_id, sub, 500).await.unwrap(),
        2
    );
    assert_eq!(s.count_live_api_keys(&a.id, Some(sub), 0).await.unwrap(), 0);
    assert_eq!(
        s.get_api_key(&others.id).await.unwrap().unwrap().revoked_at,
        None
    );
    assert_eq!(
        s.get_api_key(&app_key.id)
            .await
            .unwrap()
            .unwrap()
            .revoked_at,
        None
    );

    assert!(s.delete_app(&a.id).await.unwrap());
    for k in [&first, &second, &others, &app_key] {
        assert_eq!(s.get_api_key(&k.id).await.unwrap(), None);
    }
}
