//! Users' second factors: records stored whole and replaced whole, found only in their pool,
//! refused for a user the pool does not have, deleted, gone with their user or app; the TOTP
//! replay guard, which accepts each time step once and in increasing order, survives a
//! replaced record, and of a burst of simultaneous spends of one step on two instances lets
//! exactly one through; and a stored factor name this version does not know.

use crate::fixtures;
use auth_return_core::ids::{PoolId, UserId};
use auth_return_core::model::{MfaFactor, UserMfa};
use auth_return_store::{Store, StoreError};
use std::sync::Arc;
use tokio::task::JoinSet;

const CONTENDERS: usize = 16;

async fn get(s: &dyn Store, pool_id: &PoolId, user_id: UserId) -> Option<UserMfa> {
    s.get_user_mfa(pool_id, user_id).await.unwrap()
}

async fn spend(s: &dyn Store, pool_id: &PoolId, user_id: UserId, step: i64) -> bool {
    s.spend_totp_step(pool_id, user_id, step).await.unwrap()
}

/// Round trips, the upsert, pools, refusals, deletion and the cascades.
pub async fn records(store: Arc<dyn Store>) {
    let s = store.as_ref();
    let fixtures::TwoPools {
        one: a1,
        one_key: k1,
        two: a2,
        ada,
        bob,
        eve,
    } = fixtures::two_pools(s).await;
    let (p1, p2) = (&a1.pool_id, &a2.pool_id);

    // Nothing yet.
    assert_eq!(get(s, p1, ada.id).await, None);
    assert!(!s.delete_user_mfa(p1, ada.id).await.unwrap());

    // Every field round-trips, secret and preference present or not; each put replaces the
    // whole record, from Some to None as much as from None to Some.
    let set_up = fixtures::user_mfa(&ada, 100);
    let nothing = UserMfa {
        sealed_totp_secret: None,
        totp_verified: false,
        totp_enabled: false,
        email_otp_enabled: false,
        preferred: None,
        updated_at: 110,
        ..set_up.clone()
    };
    let associated = UserMfa {
        sealed_totp_secret: Some(vec![9; 64]),
        sealed_pending_totp_secret: Some(vec![8; 64]),
        updated_at: 120,
        ..nothing.clone()
    };
    let email_only = UserMfa {
        email_otp_enabled: true,
        preferred: Some(MfaFactor::EmailOtp),
        updated_at: 130,
        ..nothing.clone()
    };
    let both = UserMfa {
        email_otp_enabled: true,
        preferred: Some(MfaFactor::EmailOtp),
        updated_at: 140,
        ..set_up.clone()
    };
    let neither_preferred = UserMfa {
        preferred: None,
        updated_at: 90,
        ..both.clone()
    };
    for record in [
        &set_up,
        &nothing,
        &associated,
        &email_only,
        &both,
        &neither_preferred,
        &set_up,
    ] {
        s.put_user_mfa(record).await.unwrap();
        assert_eq!(get(s, p1, ada.id).await.as_ref(), Some(record));
    }

    // One record per user, per pool: bob has none, and ada's id looked up in another pool finds
    // nothing.
    assert_eq!(get(s, p1, bob.id).await, None);
    assert_eq!(get(s, p2, ada.id).await, None);
    let bob_mfa = fixtures::user_mfa(&bob, 200);
    s.put_user_mfa(&bob_mfa).await.unwrap();
    assert_eq!(get(s, p1, ada.id).await, Some(set_up.clone()));

    // A record for a user of another pool, or for no user at all, is refused and stores
    // nothing.
    let stray = UserMfa {
        pool_id: p1.clone(),
        ..fixtures::user_mfa(&eve, 300)
    };
    assert!(s.put_user_mfa(&stray).await.is_err());
    assert_eq!(get(s, p1, eve.id).await, None);
    assert_eq!(get(s, p2, eve.id).await, None);
    let ghost = UserMfa {
        user_id: UserId::generate(),
        ..fixtures::user_mfa(&ada, 300)
    };
    assert!(s.put_user_mfa(&ghost).await.is_err());
    assert_eq!(get(s, p1, ghost.user_id).await, None);
    let eve_mfa = fixtures::user_mfa(&eve, 300);
    s.put_user_mfa(&eve_mfa).await.unwrap();
    assert_eq!(get(s, p2, eve.id).await, Some(eve_mfa.clone()));

    // Deleting: only in its pool, true once.
    assert!(!s.delete_user_mfa(p2, ada.id).await.unwrap());
    assert_eq!(get(s, p1, ada.id).await, Some(set_up.clone()));
    assert!(s.delete_user_mfa(p1, ada.id).await.unwrap());
    assert_eq!(get(s, p1, ada.id).await, None);
    assert!(!s.delete_user_mfa(p1, ada.id).await.unwrap());
    assert_eq!(get(s, p1, bob.id).await, Some(bob_mfa.clone()));

    // Deleting the user takes theirs; deleting the app takes its pool's, and only those.
    s.put_user_mfa(&both).await.unwrap();
    assert!(s.delete_user(p1, ada.id, 1_000).await.unwrap());
    assert_eq!(get(s, p1, ada.id).await, None);
    assert_eq!(get(s, p1, bob.id).await, Some(bob_mfa.clone()));
    assert!(s.delete_app(&a1.id).await.unwrap());
    assert_eq!(get(s, p1, bob.id).await, None);
    assert_eq!(get(s, p2, eve.id).await, Some(eve_mfa.clone()));

    // The same app and user made again start without a record.
    s.insert_app(&a1, Some(&k1)).await.unwrap();
    s.insert_user(&bob).await.unwrap();
    assert_eq!(get(s, p1, bob.id).await, None);
}

/// The TOTP replay guard: each step once, only forward, per user and pool, kept across a
/// replaced record.
pub async fn totp_steps(store: Arc<dyn Store>) {
    let s = store.as_ref();
    let (a1, k1) = fixtures::app("one", None, 1);
    let (a2, k2) = fixtures::app("two", None, 2);
    s.insert_app(&a1, Some(&k1)).await.unwrap();
    s.insert_app(&a2, Some(&k2)).await.unwrap();
    let (p1, p2) = (&a1.pool_id, &a2.pool_id);
    let ada = fixtures::user(p1, "ada@example.com", 10);
    let bob = fixtures::user(p1, "bob@example.com", 10);
    for user in [&ada, &bob] {
        s.insert_user(user).await.unwrap();
    }

    // No record, nothing to accept.
    assert!(!spend(s, p1, ada.id, 5).await);
    assert!(!spend(s, p1, UserId::generate(), 5).await);

    let record = fixtures::user_mfa(&ada, 100);
    s.put_user_mfa(&record).await.unwrap();
    assert!(spend(s, p1, ada.id, 5).await, "the first step");
    assert!(!spend(s, p1, ada.id, 5).await, "the same step again");
    assert!(!spend(s, p1, ada.id, 4).await, "an earlier step");
    assert!(spend(s, p1, ada.id, 6).await, "a later step");
    assert_eq!(
        get(s, p1, ada.id).await,
        Some(record.clone()),
        "the guard is not part of the record"
    );

    // Replacing the record keeps the guard.
    let changed = UserMfa {
        email_otp_enabled: true,
        preferred: Some(MfaFactor::EmailOtp),
        updated_at: 200,
        ..record.clone()
    };
    s.put_user_mfa(&changed).await.unwrap();
    assert!(!spend(s, p1, ada.id, 6).await, "still spent");
    assert!(spend(s, p1, ada.id, 7).await);
    assert_eq!(get(s, p1, ada.id).await, Some(changed.clone()));

    // Per user and per pool: bob starts from nothing (step 0 included), ada's id in another
    // pool has no record.
    s.put_user_mfa(&fixtures::user_mfa(&bob, 100))
        .await
        .unwrap();
    assert!(spend(s, p1, bob.id, 0).await);
    assert!(!spend(s, p1, bob.id, 0).await);
    assert!(spend(s, p1, bob.id, 7).await, "ada's steps are hers");
    assert!(!spend(s, p2, ada.id, 100).await);
    assert!(!spend(s, p1, ada.id, 7).await);

    // A new secret starts the guard over at its first step, earlier or later; no record, no
    // guard to restart.
    assert!(s.restart_totp_steps(p1, bob.id, 3).await.unwrap());
    assert!(
        !spend(s, p1, bob.id, 3).await,
        "the restarting step is spent"
    );
    assert!(spend(s, p1, bob.id, 4).await);
    assert!(!s.restart_totp_steps(p2, bob.id, 1).await.unwrap());
    assert!(
        !s.restart_totp_steps(p1, UserId::generate(), 1)
            .await
            .unwrap()
    );

    // A record deleted (an MFA reset) and made again starts a new guard, as a new association
    // brings a new secret.
    assert!(s.delete_user_mfa(p1, ada.id).await.unwrap());
    assert!(!spend(s, p1, ada.id, 8).await, "no record");
    s.put_user_mfa(&record).await.unwrap();
    assert!(spend(s, p1, ada.id, 3).await);
    assert!(!spend(s, p1, ada.id, 3).await);
}

/// One step, many simultaneous spends of it spread over two instances: exactly one is
/// accepted; in several rounds with increasing steps.
pub async fn spend_race(a: Arc<dyn Store>, b: Arc<dyn Store>) {
    let stores = [a, b];
    let (app, key) = fixtures::app("mfa races", None, 1);
    stores[0].insert_app(&app, Some(&key)).await.unwrap();
    let ada = fixtures::user(&app.pool_id, "ada@example.com", 10);
    stores[1].insert_user(&ada).await.unwrap();
    stores[0]
        .put_user_mfa(&fixtures::user_mfa(&ada, 100))
        .await
        .unwrap();
    for round in 0..5i64 {
        let step = 58_000_000 + round;
        let mut tasks = JoinSet::new();
        for i in 0..CONTENDERS {
            let store = Arc::clone(&stores[i % 2]);
            let pool_id = app.pool_id.clone();
            tasks.spawn(async move { store.spend_totp_step(&pool_id, ada.id, step).await });
        }
        let accepted = tasks
            .join_all()
            .await
            .into_iter()
            .map(Result::unwrap)
            .filter(|accepted| *accepted)
            .count();
        assert_eq!(accepted, 1, "round {round}: exactly one spend is accepted");
        for store in &stores {
            assert!(!spend(store.as_ref(), &app.pool_id, ada.id, step).await);
        }
    }
}

/// A `preferred` this version cannot read (written by `corrupt`, which stores `SMS_MFA` in the
/// record of the given pool and user, past the table's check) is a backend error naming the
/// column, not a panic; the record can still be deleted or replaced.
pub async fn unknown_preferred<F, Fut>(store: Arc<dyn Store>, corrupt: F)
where
    F: Fn(PoolId, UserId) -> Fut,
    Fut: Future<Output = ()>,
{
    let s = store.as_ref();
    let (app, key) = fixtures::app("corrupt", None, 1);
    s.insert_app(&app, Some(&key)).await.unwrap();
    let p = &app.pool_id;
    let ada = fixtures::user(p, "ada@example.com", 10);
    s.insert_user(&ada).await.unwrap();
    let record = fixtures::user_mfa(&ada, 100);
    s.put_user_mfa(&record).await.unwrap();

    corrupt(p.clone(), ada.id).await;
    let err = s.get_user_mfa(p, ada.id).await.unwrap_err();
    assert!(
        matches!(&err, StoreError::Backend(text) if text.contains("user_mfa.preferred")),
        "{err:?}"
    );
    assert!(spend(s, p, ada.id, 1).await, "the guard does not read it");
    s.put_user_mfa(&record).await.unwrap();
    assert_eq!(get(s, p, ada.id).await, Some(record));
    corrupt(p.clone(), ada.id).await;
    assert!(s.delete_user_mfa(p, ada.id).await.unwrap());
    assert_eq!(get(s, p, ada.id).await, None);
}
