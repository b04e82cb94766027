//! Sign-in failure streaks: read, upserted whole, cleared, isolated per pool and subject,
//! removed with their app, and pruned an hour after their last failure.

use crate::fixtures;
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

pub async fn lockouts(store: Arc<dyn Store>) {
    let s = store.as_ref();
    let (a, ka) = fixtures::app("lock-a", None, 1);
    let (b, kb) = fixtures::app("lock-b", None, 1);
    s.insert_app(&a, &ka).await.unwrap();
    s.insert_app(&b, &kb).await.unwrap();
    let (pa, pb) = (&a.pool_id, &b.pool_id);

    // Nothing yet; clearing nothing is fine.
    assert_eq!(s.get_lockout(pa, "ada").await.unwrap(), None);
    s.clear_lockout(pa, "ada").await.unwrap();

    // Put then get; a second put replaces every field (even with smaller values).
    let first = streak(3, 10_000, 10_300);
    s.put_lockout(pa, "ada", &first).await.unwrap();
    assert_eq!(s.get_lockout(pa, "ada").await.unwrap(), Some(first));
    let second = streak(1, 9_000, 0);
    s.put_lockout(pa, "ada", &second).await.unwrap();
    assert_eq!(
        s.get_lockout(pa, "ada").await.unwrap(),
        Some(second.clone())
    );

    // Other subjects and other pools are separate rows.
    assert_eq!(s.get_lockout(pa, "bob").await.unwrap(), None);
    assert_eq!(s.get_lockout(pb, "ada").await.unwrap(), None);
    let bob_a = streak(5, 10_000, 10_900);
    let ada_b = streak(7, 10_000, 11_000);
    s.put_lockout(pa, "bob", &bob_a).await.unwrap();
    s.put_lockout(pb, "ada", &ada_b).await.unwrap();
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
    s.put_lockout(pa, "old", &old).await.unwrap();
    s.put_lockout(pa, "old-locked", &old_locked).await.unwrap();
    s.put_lockout(pa, "boundary", &boundary).await.unwrap();
    s.put_lockout(pa, "recent", &recent).await.unwrap();
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
