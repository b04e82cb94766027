//! Users' passkeys: stored whole, listed oldest first, one credential id per pool (`Conflict`,
//! whoever has it), refused for a user the pool does not have, used (the sealed credential and
//! the time replaced), deleted only by their user, gone with their user or app. WebAuthn
//! ceremonies: a put replaces, a take returns the state once and never once expired, pruning
//! removes the expired ones, and of simultaneous takes on two instances exactly one gets it.

use crate::fixtures;
use auth_return_core::ids::{PoolId, UserId};
use auth_return_core::model::{StoredPasskey, User};
use auth_return_store::{Store, StoreError};
use std::sync::Arc;
use tokio::task::JoinSet;

const CONTENDERS: usize = 16;

/// A passkey of `user` with credential id `id`, registered at `now`.
fn passkey(user: &User, id: &[u8], now: i64) -> StoredPasskey {
    StoredPasskey {
        pool_id: user.pool_id.clone(),
        user_id: user.id,
        credential_id: id.to_vec(),
        sealed_credential: vec![0x5E, 0xA1, 0, 255, id.len() as u8],
        name: None,
        relying_party_id: "example.com".to_owned(),
        attachment: Some("platform".to_owned()),
        transports: vec!["internal".to_owned(), "hybrid".to_owned()],
        created_at: now,
        last_used_at: None,
    }
}

async fn list(s: &dyn Store, pool_id: &PoolId, user_id: UserId) -> Vec<StoredPasskey> {
    s.list_passkeys(pool_id, user_id).await.unwrap()
}

/// Round trips, order, uniqueness per pool, refusals, use, deletion and the cascades.
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
    assert!(list(s, p1, ada.id).await.is_empty());

    // Every field round-trips, optional ones present or not; oldest first, then by id.
    let phone = passkey(&ada, b"phone-credential", 100);
    let key = StoredPasskey {
        name: Some("Blue key \"work\" ü".to_owned()),
        attachment: Some("cross-platform".to_owned()),
        transports: vec!["usb".to_owned(), "nfc".to_owned(), "ble".to_owned()],
        last_used_at: Some(150),
        ..passkey(&ada, &[0, 1, 2, 255, 254], 200)
    };
    let bare = StoredPasskey {
        attachment: None,
        transports: vec![],
        ..passkey(&ada, &[0xFF; 64], 50)
    };
    let same_time = passkey(&ada, b"another-at-100", 100);
    for p in [&phone, &key, &bare, &same_time] {
        s.insert_passkey(p).await.unwrap();
    }
    assert_eq!(
        list(s, p1, ada.id).await,
        vec![bare.clone(), same_time.clone(), phone.clone(), key.clone()]
    );

    // One credential id per pool: again for ada, or for bob, is a conflict storing nothing.
    for dup in [
        StoredPasskey {
            sealed_credential: vec![1],
            created_at: 300,
            ..phone.clone()
        },
        StoredPasskey {
            user_id: bob.id,
            created_at: 300,
            ..phone.clone()
        },
    ] {
        assert!(
            matches!(s.insert_passkey(&dup).await, Err(StoreError::Conflict(_))),
            "{dup:?}"
        );
    }
    assert_eq!(list(s, p1, ada.id).await.len(), 4);
    assert!(list(s, p1, bob.id).await.is_empty());
    // The same id in another pool is another credential.
    let eves = passkey(&eve, b"phone-credential", 100);
    s.insert_passkey(&eves).await.unwrap();
    assert_eq!(list(s, p2, eve.id).await, vec![eves.clone()]);
    // Nor a user of another pool, nor no user at all.
    let stray = StoredPasskey {
        pool_id: p1.clone(),
        ..passkey(&eve, b"stray", 100)
    };
    assert!(s.insert_passkey(&stray).await.is_err());
    let ghost = StoredPasskey {
        user_id: UserId::generate(),
        ..passkey(&ada, b"ghost", 100)
    };
    assert!(s.insert_passkey(&ghost).await.is_err());
    assert!(list(s, p1, eve.id).await.is_empty());
    assert!(list(s, p1, ghost.user_id).await.is_empty());
    // Ada's list is hers, in her pool.
    assert!(list(s, p2, ada.id).await.is_empty());

    // A use replaces the sealed credential and the time, only in its pool.
    assert!(
        s.record_passkey_use(p1, &phone.credential_id, &[9, 9, 9], 500)
            .await
            .unwrap()
    );
    let used = StoredPasskey {
        sealed_credential: vec![9, 9, 9],
        last_used_at: Some(500),
        ..phone.clone()
    };
    assert!(list(s, p1, ada.id).await.contains(&used));
    assert_eq!(
        list(s, p2, eve.id).await,
        vec![eves.clone()],
        "eve's untouched"
    );
    assert!(
        !s.record_passkey_use(p1, b"unknown", &[1], 600)
            .await
            .unwrap()
    );
    assert!(
        !s.record_passkey_use(p2, &key.credential_id, &[1], 600)
            .await
            .unwrap()
    );

    // Deleting: only by its user, in its pool, once; the id is free again after.
    assert!(
        !s.delete_passkey(p1, bob.id, &phone.credential_id)
            .await
            .unwrap()
    );
    assert!(
        !s.delete_passkey(p2, ada.id, &phone.credential_id)
            .await
            .unwrap()
    );
    assert!(
        s.delete_passkey(p1, ada.id, &phone.credential_id)
            .await
            .unwrap()
    );
    assert!(
        !s.delete_passkey(p1, ada.id, &phone.credential_id)
            .await
            .unwrap()
    );
    assert_eq!(
        list(s, p1, ada.id).await,
        vec![bare.clone(), same_time.clone(), key.clone()]
    );
    assert_eq!(list(s, p2, eve.id).await, vec![eves.clone()]);
    assert!(
        !s.record_passkey_use(p1, &phone.credential_id, &[1], 700)
            .await
            .unwrap(),
        "a removed passkey is not used"
    );
    let bobs = StoredPasskey {
        user_id: bob.id,
        ..phone.clone()
    };
    s.insert_passkey(&bobs).await.unwrap();
    assert_eq!(list(s, p1, bob.id).await, vec![bobs.clone()]);

    // Deleting the user takes theirs; deleting the app takes its pool's, and only those.
    assert!(s.delete_user(p1, ada.id, 1_000).await.unwrap());
    assert!(list(s, p1, ada.id).await.is_empty());
    assert_eq!(list(s, p1, bob.id).await, vec![bobs.clone()]);
    assert!(s.delete_app(&a1.id).await.unwrap());
    assert!(list(s, p1, bob.id).await.is_empty());
    assert_eq!(list(s, p2, eve.id).await, vec![eves.clone()]);

    // The same app and user made again start without passkeys, and the ids are free.
    s.insert_app(&a1, Some(&k1)).await.unwrap();
    s.insert_user(&ada).await.unwrap();
    assert!(list(s, p1, ada.id).await.is_empty());
    s.insert_passkey(&key).await.unwrap();
    assert_eq!(list(s, p1, ada.id).await, vec![key]);
}

/// Ceremonies: put replaces, take is once and never after expiry, keys are apart, pruning.
pub async fn ceremonies(store: Arc<dyn Store>) {
    let s = store.as_ref();
    let take =
        |key: &'static [u8], now: i64| async move { s.take_ceremony(key, now).await.unwrap() };
    assert_eq!(take(b"nothing", 0).await, None);

    s.put_ceremony(b"reg|a", b"first", 1_000).await.unwrap();
    assert_eq!(take(b"reg|a", 500).await, Some(b"first".to_vec()));
    assert_eq!(take(b"reg|a", 500).await, None, "taken once");

    // A put replaces the state and its expiry.
    s.put_ceremony(b"reg|a", b"first", 1_000).await.unwrap();
    s.put_ceremony(b"reg|a", b"second", 2_000).await.unwrap();
    assert_eq!(take(b"reg|a", 1_500).await, Some(b"second".to_vec()));
    assert_eq!(take(b"reg|a", 1_500).await, None);
    s.put_ceremony(b"reg|a", b"long", 2_000).await.unwrap();
    s.put_ceremony(b"reg|a", b"short", 1_000).await.unwrap();
    assert_eq!(
        take(b"reg|a", 1_500).await,
        None,
        "the replacing expiry holds"
    );

    // Expired at its expiry: gone, and gone for good (not there for an earlier clock either).
    s.put_ceremony(b"sign-in|x", b"state", 1_000).await.unwrap();
    assert_eq!(take(b"sign-in|x", 1_000).await, None);
    assert_eq!(take(b"sign-in|x", 10).await, None);
    s.put_ceremony(b"sign-in|y", b"state", 1_000).await.unwrap();
    assert_eq!(take(b"sign-in|y", 999).await, Some(b"state".to_vec()));

    // Keys apart, binary keys and states whole.
    let (k1, k2): (&'static [u8], &'static [u8]) = (b"k\x00\xff1", b"k\x00\xff2");
    s.put_ceremony(k1, &[0, 255, 1], 5_000).await.unwrap();
    s.put_ceremony(k2, &[7; 4096], 5_000).await.unwrap();
    assert_eq!(take(k2, 1).await, Some(vec![7; 4096]));
    assert_eq!(take(k1, 1).await, Some(vec![0, 255, 1]));

    // Pruning removes what expired before now, and only that.
    s.put_ceremony(b"old", b"o", 1_999).await.unwrap();
    s.put_ceremony(b"edge", b"e", 2_000).await.unwrap();
    s.put_ceremony(b"new", b"n", 9_000).await.unwrap();
    assert_eq!(s.prune_expired(2_000).await.unwrap(), 1);
    assert_eq!(take(b"old", 100).await, None, "pruned");
    assert_eq!(take(b"edge", 100).await, Some(b"e".to_vec()));
    assert_eq!(
        s.prune_expired(8_000).await.unwrap(),
        0,
        "taken ones are gone"
    );
    assert_eq!(s.prune_expired(9_001).await.unwrap(), 1);
    assert_eq!(take(b"new", 100).await, None);
}

/// One ceremony, many simultaneous takes of it spread over two instances: exactly one gets
/// it; in several rounds.
pub async fn take_race(a: Arc<dyn Store>, b: Arc<dyn Store>) {
    let stores = [a, b];
    for round in 0..5u8 {
        let key = format!("sign-in|race-{round}").into_bytes();
        let state = vec![round; 100];
        stores[usize::from(round) % 2]
            .put_ceremony(&key, &state, i64::MAX / 2)
            .await
            .unwrap();
        let mut tasks = JoinSet::new();
        for i in 0..CONTENDERS {
            let store = Arc::clone(&stores[i % 2]);
            let key = key.clone();
            tasks.spawn(async move { store.take_ceremony(&key, 1_000).await });
        }
        let taken: Vec<Vec<u8>> = tasks
            .join_all()
            .await
            .into_iter()
            .filter_map(Result::unwrap)
            .collect();
        assert_eq!(
            taken,
            vec![state],
            "round {round}: exactly one take gets it"
        );
        for store in &stores {
            assert_eq!(store.take_ceremony(&key, 1_000).await.unwrap(), None);
        }
    }
}
