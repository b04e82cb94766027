//! Sign-in failure streaks: read, swapped only from the state the writer read, cleared, isolated
//! per pool and subject, removed with their app, and pruned an hour after their last failure.

use crate::fixtures;
use auth_return_core::ids::PoolId;
use auth_return_core::model::LockoutRecord;
use auth_return_store::Store;
use std::sync::Arc;

fn streak(failures: i64, last_failure_at: i64, locked_until: i64) -> LockoutRecord {
    LockoutRecord {
        failures,
        last_failure_at,
        locked_until_ms: locked_until,
    }
}

/// Stores `record` whatever the streak is now.
async fn put(s: &dyn Store, pool_id: &PoolId, subject: &str, record: &LockoutRecord) {
    let current = s.get_lockout(pool_id, subject).await.unwrap();
    assert!(
        s.swap_lockout(pool_id, subject, current.as_ref(), record)
            .await
            .unwrap()
    );
}

pub async fn lockouts(store: Arc<dyn Store>) {
    let s = store.as_ref();
    let (a, ka) = fixtures::app("lock-a", None, 1);
    let (b, kb) = fixtures::app("lock-b", None, 1);
    s.insert_app(&a, Some(&ka)).await.unwrap();
    s.insert_app(&b, Some(&kb)).await.unwrap();
    let (pa, pb) = (&a.pool_id, &b.pool_id);

    // Nothing yet; clearing nothing is fine.
    assert_eq!(s.get_lockout(pa, "ada").await.unwrap(), None);
    s.clear_lockout(pa, "ada").await.unwrap();

    // Put then get; a second put replaces every field (even with smaller values).
    let first = streak(3, 10_000, 10_300);
    put(s, pa, "ada", &first).await;
    assert_eq!(s.get_lockout(pa, "ada").await.unwrap(), Some(first.clone()));
    let second = streak(1, 9_000, 0);
    put(s, pa, "ada", &second).await;
    assert_eq!(
        s.get_lockout(pa, "ada").await.unwrap(),
        Some(second.clone())
    );

    // A swap from a state that is no longer current changes nothing: neither an insert over an
    // existing streak nor an update from a stale read.
    let stale = streak(1, 9_000, 0);
    let next = streak(2, 9_500, 0);
    assert!(!s.swap_lockout(pa, "ada", None, &next).await.unwrap());
    assert!(
        !s.swap_lockout(pa, "ada", Some(&first), &next)
            .await
            .unwrap()
    );
    assert_eq!(s.get_lockout(pa, "ada").await.unwrap(), Some(stale.clone()));
    assert!(
        s.swap_lockout(pa, "ada", Some(&stale), &next)
            .await
            .unwrap()
    );
    assert!(
        !s.swap_lockout(pa, "ada", Some(&stale), &first)
            .await
            .unwrap()
    );
    put(s, pa, "ada", &second).await;

    // Other subjects and other pools are separate rows.
    assert_eq!(s.get_lockout(pa, "bob").await.unwrap(), None);
    assert_eq!(s.get_lockout(pb, "ada").await.unwrap(), None);
    let bob_a = streak(5, 10_000, 10_900);
    let ada_b = streak(7, 10_000, 11_000);
    put(s, pa, "bob", &bob_a).await;
    put(s, pb, "ada", &ada_b).await;
    assert_eq!(s.get_lockout(pa, "ada").await.unwrap(), Some(second));
    assert_eq!(s.get_lockout(pa, "bob").await.unwrap(), Some(bob_a.clone()));
    assert_eq!(s.get_lockout(pb, "ada").await.unwrap(), Some(ada_b.clone()));

    // Clearing forgets only that subject in that pool.
    s.clear_lockout(pa, "ada").await.unwrap();
    assert_eq!(s.get_lockout(pa, "ada").await.unwrap(), None);
    assert_eq!(s.get_lockout(pa, "bob").await.unwrap(), Some(bob_a.clone()));
    assert_eq!(s.get_lockout(pb, "ada").await.unwrap(), Some(ada_b.clone()));
    s.clear_lockout(pa, "ada").await.unwrap();

    // Deleting an app removes its pool's streaks, and only those.
    assert!(s.delete_app(&b.id).await.unwrap());
    assert_eq!(s.get_lockout(pb, "ada").await.unwrap(), None);
    assert_eq!(s.get_lockout(pa, "bob").await.unwrap(), Some(bob_a.clone()));

    // Pruning at `now` forgets streaks whose last failure is before now - 3600 (even one
    // still locked), keeps the one exactly at the boundary and newer ones, and counts them.
    let now = 20_000;
    let old = streak(2, now - 3_601, 0);
    let old_locked = streak(9, now - 4_000, now + 600);
    let boundary = streak(4, now - 3_600, 0);
    let recent = streak(6, now - 10, now + 300);
    put(s, pa, "old", &old).await;
    put(s, pa, "old-locked", &old_locked).await;
    put(s, pa, "boundary", &boundary).await;
    put(s, pa, "recent", &recent).await;
    // bob_a's last failure (10_000) is also well before the cutoff.
    assert_eq!(s.prune_expired(now).await.unwrap(), 3);
    assert_eq!(s.get_lockout(pa, "old").await.unwrap(), None);
    assert_eq!(s.get_lockout(pa, "old-locked").await.unwrap(), None);
    assert_eq!(s.get_lockout(pa, "bob").await.unwrap(), None);
    assert_eq!(s.get_lockout(pa, "boundary").await.unwrap(), Some(boundary));
    assert_eq!(s.get_lockout(pa, "recent").await.unwrap(), Some(recent));
    assert_eq!(
        s.prune_expired(now).await.unwrap(),
        0,
        "nothing more to prune"
    );
}
