//! The change feed: adding or withdrawing a signing key records one entry for the pool's keys,
//! updating an app one for its app, deleting an app one of each, in the same transaction; entries are numbered 1, 2, 3… in commit order,
//! also when two instances write at once; pruning keeps the newest.

use crate::fixtures;
use auth_return_core::ids::PoolId;
use auth_return_core::model::{Change, ChangeSubject, SigningKeyRecord};
use auth_return_store::Store;
use std::sync::Arc;
use tokio::task::JoinSet;

fn key(pool_id: &PoolId, kid: &str) -> SigningKeyRecord {
    SigningKeyRecord {
        kid: kid.to_owned(),
        pool_id: pool_id.clone(),
        sealed_private_key: kid.as_bytes().repeat(40),
        created_at: 10,
        activates_at: 10,
    }
}

fn keys_of(pool_id: &PoolId) -> ChangeSubject {
    ChangeSubject::SigningKeys(pool_id.clone())
}

fn app_of(pool_id: &PoolId) -> ChangeSubject {
    ChangeSubject::App(pool_id.clone())
}

/// What each write records, and reading the feed from any point.
pub async fn recorded(store: Arc<dyn Store>) {
    let s = store.as_ref();
    assert_eq!(s.latest_change().await.unwrap(), 0);
    assert!(s.changes_since(0, 100).await.unwrap().is_empty());

    // Creating an app records nothing: nobody can have cached the keys of a new pool.
    let (a1, k1) = fixtures::app("one", None, 1);
    let (a2, k2) = fixtures::app("two", None, 1);
    s.insert_app(&a1, Some(&k1)).await.unwrap();
    s.insert_app(&a2, Some(&k2)).await.unwrap();
    assert_eq!(s.latest_change().await.unwrap(), 0);

    let (p1, p2) = (&a1.pool_id, &a2.pool_id);
    s.insert_signing_key(&key(p1, "kid-next")).await.unwrap();
    s.insert_signing_key(&key(p2, "kid-other")).await.unwrap();
    assert!(s.delete_signing_key(p1, &k1.kid).await.unwrap());
    // Nothing deleted, nothing recorded; a refused insert records nothing either.
    assert!(!s.delete_signing_key(p1, "kid-nosuch").await.unwrap());
    assert!(!s.delete_signing_key(p2, "kid-next").await.unwrap());
    assert!(s.insert_signing_key(&key(p2, "kid-next")).await.is_err());
    let mut renamed = a1.clone();
    renamed.name = "one, renamed".to_owned();
    assert!(s.update_app(&renamed).await.unwrap());
    assert!(s.delete_app(&a2.id).await.unwrap());
    assert!(!s.delete_app(&a2.id).await.unwrap());
    // An update of an app that is gone records nothing.
    assert!(!s.update_app(&a2).await.unwrap());

    let expected = [
        keys_of(p1),
        keys_of(p2),
        keys_of(p1),
        app_of(p1),
        keys_of(p2),
        app_of(p2),
    ];
    let all = s.changes_since(0, 100).await.unwrap();
    assert_eq!(
        all,
        expected
            .iter()
            .enumerate()
            .map(|(i, subject)| Change {
                seq: i as i64 + 1,
                subject: subject.clone(),
            })
            .collect::<Vec<_>>()
    );
    assert_eq!(s.latest_change().await.unwrap(), 6);
    assert_eq!(s.changes_since(2, 100).await.unwrap(), all[2..]);
    assert_eq!(s.changes_since(1, 2).await.unwrap(), all[1..3]);
    assert!(s.changes_since(6, 100).await.unwrap().is_empty());

    // Pruning keeps the newest entries (far fewer than it keeps here).
    s.prune_expired(1_000_000).await.unwrap();
    assert_eq!(s.changes_since(0, 100).await.unwrap(), all);
}

/// Two instances recording at once: every entry gets its own number, 1 to N without a gap, and
/// a reader that has seen N never finds a smaller number appear later.
pub async fn concurrent(a: Arc<dyn Store>, b: Arc<dyn Store>) {
    const WRITERS: usize = 40;
    let (app, first) = fixtures::app("busy", None, 1);
    a.insert_app(&app, Some(&first)).await.unwrap();
    let stores = [a, b];
    let mut tasks = JoinSet::new();
    for i in 0..WRITERS {
        let store = Arc::clone(&stores[i % 2]);
        let pool_id = app.pool_id.clone();
        tasks.spawn(async move {
            store
                .insert_signing_key(&key(&pool_id, &format!("kid-{i:02}")))
                .await
        });
    }
    // Read while they write: what a reader sees is always a prefix 1..=n.
    let mut seen = 0;
    while !tasks.is_empty() {
        let batch = stores[1].changes_since(seen, 1000).await.unwrap();
        for change in &batch {
            assert_eq!(change.seq, seen + 1, "entries appear in number order");
            seen = change.seq;
        }
        if let Some(done) = tasks.try_join_next() {
            done.unwrap().unwrap();
        }
        tokio::task::yield_now().await;
    }
    let all = stores[0].changes_since(0, 1000).await.unwrap();
    assert_eq!(
        all.iter().map(|c| c.seq).collect::<Vec<_>>(),
        (1..=WRITERS as i64).collect::<Vec<_>>()
    );
    assert!(all.iter().all(|c| c.subject == keys_of(&app.pool_id)));
    assert_eq!(
        stores[1].signing_keys(&app.pool_id).await.unwrap().len(),
        WRITERS + 1
    );
}
