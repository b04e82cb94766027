//! Races between two store instances on one database: single-use operations stay single-use,
//! an empty pool takes exactly one first user, a session revoked by several calls at once gets
//! one revocation entry, and a mail quota counts exactly its limit.

use crate::fixtures;
use auth_return_core::model::{CodePurpose, LockoutRecord};
use auth_return_store::{Store, StoreError};
use std::sync::Arc;
use tokio::task::JoinSet;

const CONTENDERS: usize = 16;

/// Runs every race with tasks spread over both instances.
pub async fn run(a: Arc<dyn Store>, b: Arc<dyn Store>) {
    let stores = [a, b];
    let pick = |i: usize| Arc::clone(&stores[i % 2]);
    let (app, key) = fixtures::app("races", None, 1);
    stores[0].insert_app(&app, Some(&key)).await.unwrap();
    let user = fixtures::user(&app.pool_id, "race@example.com", 1);
    stores[1].insert_user(&user).await.unwrap();
    let pool_id = app.pool_id.clone();
    let purpose = CodePurpose::SignUp;

    // One code, many simultaneous redemptions: exactly one wins, in several rounds.
    for round in 0..5u8 {
        let hash = vec![round; 32];
        stores[0]
            .put_code(&pool_id, user.id, purpose, &fixtures::code(&hash, 9_999))
            .await
            .unwrap();
        let mut tasks = JoinSet::new();
        for i in 0..CONTENDERS {
            let (store, pool_id, hash) = (pick(i), pool_id.clone(), hash.clone());
            tasks.spawn(async move { store.take_code(&pool_id, user.id, purpose, &hash).await });
        }
        let wins = tasks
            .join_all()
            .await
            .into_iter()
            .map(Result::unwrap)
            .filter(|won| *won)
            .count();
        assert_eq!(wins, 1, "round {round}: exactly one take_code wins");
    }

    // Concurrent guesses at one code: exactly `max` are counted (and so judged), each with its
    // own count, the rest refused before they are judged.
    stores[0]
        .put_code(&pool_id, user.id, purpose, &fixtures::code(b"x", 9_999))
        .await
        .unwrap();
    let max = 5;
    let mut tasks = JoinSet::new();
    for i in 0..CONTENDERS {
        let (store, pool_id) = (pick(i), pool_id.clone());
        tasks.spawn(async move {
            store
                .reserve_code_guess(&pool_id, user.id, purpose, max, 1_000)
                .await
        });
    }
    let mut counts: Vec<i64> = tasks
        .join_all()
        .await
        .into_iter()
        .filter_map(|r| r.unwrap().map(|code| code.failed_attempts))
        .collect();
    counts.sort_unstable();
    assert_eq!(
        counts,
        (1..=max).collect::<Vec<_>>(),
        "each guess sees its own count"
    );

    // Concurrent swaps of one streak from the same read: exactly one lands.
    let mut tasks = JoinSet::new();
    for i in 0..CONTENDERS {
        let (store, pool_id) = (pick(i), pool_id.clone());
        tasks.spawn(async move {
            let next = LockoutRecord {
                failures: 1,
                last_failure_at: 1_000,
                locked_until_ms: i as i64,
            };
            store.swap_lockout(&pool_id, "burst", None, &next).await
        });
    }
    let landed = tasks
        .join_all()
        .await
        .into_iter()
        .map(Result::unwrap)
        .filter(|landed| *landed)
        .count();
    assert_eq!(landed, 1, "one insert of a new streak lands");

    // One email, many simultaneous sign-ups: one user, the rest conflicts (never a backend error).
    let mut tasks = JoinSet::new();
    for i in 0..CONTENDERS {
        let store = pick(i);
        let twin = fixtures::user(&pool_id, "twin@example.com", 2);
        tasks.spawn(async move { store.insert_user(&twin).await });
    }
    let results = tasks.join_all().await;
    let created = results.iter().filter(|r| r.is_ok()).count();
    let conflicts = results
        .iter()
        .filter(|r| matches!(r, Err(StoreError::Conflict(_))))
        .count();
    assert_eq!((created, conflicts), (1, CONTENDERS - 1), "{results:?}");

    // An empty pool, many simultaneous first users (distinct emails): exactly one is stored,
    // the others are told the pool is taken; afterwards nobody is first any more.
    let (empty, key) = fixtures::app("first", None, 1);
    stores[0].insert_app(&empty, Some(&key)).await.unwrap();
    let mut tasks = JoinSet::new();
    for i in 0..CONTENDERS {
        let store = pick(i);
        let racer = fixtures::user(&empty.pool_id, &format!("first{i}@example.com"), 2);
        tasks.spawn(async move { store.insert_first_user(&racer).await });
    }
    let firsts = tasks
        .join_all()
        .await
        .into_iter()
        .map(Result::unwrap)
        .filter(|first| *first)
        .count();
    assert_eq!(firsts, 1, "exactly one first user");
    let stored = stores[1]
        .list_users(&empty.pool_id, None, None, 100)
        .await
        .unwrap();
    assert_eq!(stored.len(), 1);
    let late = fixtures::user(&empty.pool_id, "late@example.com", 3);
    assert!(!stores[0].insert_first_user(&late).await.unwrap());
    assert_eq!(
        stores[1]
            .get_user_by_email(&empty.pool_id, "late@example.com")
            .await
            .unwrap(),
        None
    );
    // Another pool's users do not count, and an emptied pool takes a first user again.
    assert!(
        stores[1]
            .insert_first_user(&fixtures::user(&pool_id, "x@example.com", 3))
            .await
            .is_ok_and(|first| !first)
    );
    stores[0]
        .delete_user(&empty.pool_id, stored[0].id, 4)
        .await
        .unwrap();
    assert!(stores[1].insert_first_user(&late).await.unwrap());
    assert_eq!(
        stores[0]
            .get_user(&empty.pool_id, late.id)
            .await
            .unwrap()
            .as_ref(),
        Some(&late),
        "stored whole"
    );
    // A fresh pool next to a populated one takes its first user.
    let (other, key) = fixtures::app("other", None, 1);
    stores[1].insert_app(&other, Some(&key)).await.unwrap();
    assert!(
        stores[0]
            .insert_first_user(&fixtures::user(&other.pool_id, "late@example.com", 5))
            .await
            .unwrap()
    );

    // One challenge, many simultaneous answers: one claim.
    let mut tasks = JoinSet::new();
    for i in 0..CONTENDERS {
        let store = pick(i);
        tasks.spawn(async move { store.claim_challenge(b"race-nonce", 10_000, 5_000).await });
    }
    let wins = tasks
        .join_all()
        .await
        .into_iter()
        .map(Result::unwrap)
        .filter(|won| *won)
        .count();
    assert_eq!(wins, 1, "exactly one claim_challenge wins");

    // One refresh token, many simultaneous rotations: every new token lands, and the presented
    // one is superseded once, at one of the contenders' times.
    let session = fixtures::session(&app, &user, b"race-refresh", 5_000);
    stores[0].insert_session(&session).await.unwrap();
    let mut tasks = JoinSet::new();
    for i in 0..CONTENDERS {
        let (store, pool_id) = (pick(i), pool_id.clone());
        let (new_hash, now) = (format!("race-refresh-{i}").into_bytes(), 6_000 + i as i64);
        tasks.spawn(async move {
            store
                .rotate_refresh_token(&pool_id, session.id, b"race-refresh", &new_hash, now)
                .await
        });
    }
    for result in tasks.join_all().await {
        result.unwrap();
    }
    for i in 0..CONTENDERS {
        let hash = format!("race-refresh-{i}").into_bytes();
        let (found, token) = stores[i % 2]
            .get_refresh_token(&hash)
            .await
            .unwrap()
            .unwrap();
        assert_eq!((found.id, token.superseded_at), (session.id, None));
    }
    let (_, presented) = stores[1]
        .get_refresh_token(b"race-refresh")
        .await
        .unwrap()
        .unwrap();
    let at = presented.superseded_at.expect("superseded");
    assert!((6_000..6_000 + CONTENDERS as i64).contains(&at), "{at}");

    // Simultaneous revocations of one session (one by id, one for the whole user, one by
    // deleting the user) record it exactly once, at the time the winner revoked it.
    for round in 0..3u8 {
        let victim = fixtures::user(&pool_id, &format!("victim{round}@example.com"), 1);
        stores[0].insert_user(&victim).await.unwrap();
        let session = fixtures::session(&app, &victim, &[b'v', round], 7_000);
        stores[1].insert_session(&session).await.unwrap();
        let mut tasks = JoinSet::new();
        for i in 0..CONTENDERS {
            let (store, pool_id) = (pick(i), pool_id.clone());
            let at = 8_000 + i as i64;
            tasks.spawn(async move {
                match (i + usize::from(round)) % 3 {
                    0 => store.revoke_session(&pool_id, session.id, at).await,
                    1 => store
                        .revoke_user_sessions(&pool_id, victim.id, at)
                        .await
                        .map(|_| ()),
                    _ => store.delete_user(&pool_id, victim.id, at).await.map(|_| ()),
                }
            });
        }
        for result in tasks.join_all().await {
            result.unwrap();
        }
        let entries: Vec<_> = stores[0]
            .list_revocations(&pool_id, None, 0, 1_000)
            .await
            .unwrap()
            .into_iter()
            .filter(|r| r.origin_jti == session.id)
            .collect();
        assert_eq!(entries.len(), 1, "round {round}: one entry per session");
        let at = entries[0].revoked_at;
        assert!((8_000..8_000 + CONTENDERS as i64).contains(&at), "{at}");
        assert_eq!(entries[0].expires_at, at + app.client.token_validity_secs);
        assert_eq!(stores[1].get_user(&pool_id, victim.id).await.unwrap(), None);
    }

    // One mail quota, many simultaneous reservations: exactly `limit` are counted; another
    // subject and the next window count on their own; an ended window is pruned.
    let limit = 5;
    let mut tasks = JoinSet::new();
    for i in 0..CONTENDERS {
        let store = pick(i);
        tasks.spawn(async move {
            store
                .reserve_mail_quota("invitations:dev", 86_400, limit)
                .await
        });
    }
    let counted = tasks
        .join_all()
        .await
        .into_iter()
        .map(Result::unwrap)
        .filter(|counted| *counted)
        .count();
    assert_eq!(counted, 5, "exactly the limit is counted");
    assert!(
        !stores[0]
            .reserve_mail_quota("invitations:dev", 86_400, limit)
            .await
            .unwrap()
    );
    assert!(
        stores[1]
            .reserve_mail_quota("invitations:dev", 86_400, limit + 1)
            .await
            .unwrap(),
        "a higher limit leaves room"
    );
    assert!(
        stores[0]
            .reserve_mail_quota("invitations:other", 86_400, limit)
            .await
            .unwrap()
    );
    assert!(
        stores[1]
            .reserve_mail_quota("invitations:dev", 2 * 86_400, limit)
            .await
            .unwrap()
    );
    stores[1].prune_expired(86_401).await.unwrap();
    assert!(
        stores[0]
            .reserve_mail_quota("invitations:dev", 86_400, 1)
            .await
            .unwrap(),
        "the ended window was pruned"
    );
    assert!(
        !stores[0]
            .reserve_mail_quota("invitations:dev", 2 * 86_400, 1)
            .await
            .unwrap(),
        "the current window was kept"
    );
}
