//! Developers' access keys: stored whole, found by id, listed per developer in creation order,
//! counted while live, revoked once, touched at most once per interval, and gone with their
//! developer or with the app they are limited to.

use crate::fixtures;
use auth_return_core::ids::{AccessKeyId, AppId, PoolId, UserId};
use auth_return_core::model::AccessKey;
use auth_return_store::{Store, StoreError};
use std::sync::Arc;

fn key(pool: &PoolId, developer: UserId, app: Option<&AppId>, created_at: i64) -> AccessKey {
    AccessKey {
        id: AccessKeyId::generate(),
        pool_id: pool.clone(),
        developer_id: developer,
        app_id: app.cloned(),
        read_only: app.is_some(),
        name: format!("key made at {created_at} ü \"quoted\""),
        sealed_secret: uuid::Uuid::new_v4().as_bytes().to_vec(),
        created_at,
        last_used_at: None,
        revoked_at: None,
    }
}

pub async fn access_keys(store: Arc<dyn Store>) {
    let s = store.as_ref();
    // Pool "one" stands in for the console pool: Ada and Bob are developers; "two" an app.
    let f = fixtures::two_pools(s).await;
    let console = &f.one.pool_id;

    // Stored whole and found by id; a taken id is a conflict.
    let ada_all = key(console, f.ada.id, None, 100);
    let ada_app = key(console, f.ada.id, Some(&f.two.id), 100);
    let ada_later = key(console, f.ada.id, None, 50);
    let bob_key = key(console, f.bob.id, Some(&f.two.id), 10);
    for k in [&ada_all, &ada_app, &ada_later, &bob_key] {
        assert!(s.insert_access_key(k, 10).await.unwrap());
    }
    assert_eq!(
        s.get_access_key(&ada_app.id).await.unwrap(),
        Some(ada_app.clone())
    );
    assert!(matches!(
        s.insert_access_key(&ada_all, 10).await,
        Err(StoreError::Conflict(_))
    ));
    assert_eq!(
        s.get_access_key(&AccessKeyId::generate()).await.unwrap(),
        None
    );

    // A key needs its developer, and its app when it names one.
    let mut stranger = key(console, UserId::generate(), None, 1);
    assert!(!s.insert_access_key(&stranger, 10).await.unwrap_or(false));
    stranger.developer_id = f.ada.id;
    stranger.app_id = Some(AppId::generate());
    assert!(s.insert_access_key(&stranger, 10).await.is_err());
    assert_eq!(s.get_access_key(&stranger.id).await.unwrap(), None);

    // Listed per developer, oldest first, creation order within a second.
    let ids = |keys: Vec<AccessKey>| keys.into_iter().map(|k| k.id).collect::<Vec<_>>();
    assert_eq!(
        ids(s.list_access_keys(console, f.ada.id).await.unwrap()),
        [ada_later.id.clone(), ada_all.id.clone(), ada_app.id.clone()]
    );
    assert_eq!(
        s.list_access_keys(console, f.bob.id).await.unwrap(),
        std::slice::from_ref(&bob_key)
    );
    assert_eq!(
        s.list_access_keys(&f.two.pool_id, f.ada.id).await.unwrap(),
        []
    );
    // At most `max_live` live keys: refused beyond, nothing stored.
    let extra = key(console, f.ada.id, None, 400);
    assert!(!s.insert_access_key(&extra, 3).await.unwrap());
    assert_eq!(s.get_access_key(&extra.id).await.unwrap(), None);

    // Revoked once; no longer live.
    assert!(s.revoke_access_key(&ada_all.id, 500).await.unwrap());
    assert!(!s.revoke_access_key(&ada_all.id, 600).await.unwrap());
    assert_eq!(
        s.get_access_key(&ada_all.id)
            .await
            .unwrap()
            .unwrap()
            .revoked_at,
        Some(500)
    );
    // A revoked key no longer counts.
    assert!(s.insert_access_key(&extra, 3).await.unwrap());
    assert!(
        !s.revoke_access_key(&AccessKeyId::generate(), 1)
            .await
            .unwrap()
    );

    // Touched when unset or stale, else left alone.
    assert!(s.touch_access_key(&ada_app.id, 1_000, 940).await.unwrap());
    assert!(!s.touch_access_key(&ada_app.id, 1_030, 970).await.unwrap());
    assert!(s.touch_access_key(&ada_app.id, 1_060, 1_000).await.unwrap());
    assert_eq!(
        s.get_access_key(&ada_app.id)
            .await
            .unwrap()
            .unwrap()
            .last_used_at,
        Some(1_060)
    );

    // Gone with the app they are limited to (the others stay)...
    assert!(s.delete_app(&f.two.id).await.unwrap());
    assert_eq!(s.get_access_key(&ada_app.id).await.unwrap(), None);
    assert_eq!(s.get_access_key(&bob_key.id).await.unwrap(), None);
    assert!(s.get_access_key(&ada_all.id).await.unwrap().is_some());
    // ... and with their developer.
    assert!(s.delete_user(console, f.ada.id, 2_000).await.unwrap());
    assert_eq!(s.list_access_keys(console, f.ada.id).await.unwrap(), []);
    assert_eq!(s.get_access_key(&ada_later.id).await.unwrap(), None);
}

/// A burst of creations for one developer with room for three: exactly three are stored, on
/// any number of connections at once.
pub async fn access_key_burst(store: Arc<dyn Store>) {
    let f = fixtures::two_pools(store.as_ref()).await;
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..12 {
        let store = store.clone();
        let k = key(&f.one.pool_id, f.ada.id, None, i);
        tasks.spawn(async move { store.insert_access_key(&k, 3).await.unwrap() });
    }
    let stored = tasks.join_all().await.into_iter().filter(|&ok| ok).count();
    assert_eq!(stored, 3);
    let live = store
        .list_access_keys(&f.one.pool_id, f.ada.id)
        .await
        .unwrap();
    assert_eq!(live.len(), 3);
}
