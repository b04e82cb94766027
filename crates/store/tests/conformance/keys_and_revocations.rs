//! Signing keys (insert, order, delete, activation time) and the revocation feed: entries
//! written by `revoke_session`, `revoke_user_sessions` and `delete_user`, listed in
//! (`revoked_at`, `origin_jti` text) order, filtered by expiry, isolated per pool, removed with
//! their app and by `prune_expired`.

use crate::fixtures;
use crate::story::is_conflict;
use auth_return_core::ids::{PoolId, SessionId, UserId};
use auth_return_core::model::{App, Revocation, Session, SigningKeyRecord, Timestamp, User};
use auth_return_store::Store;
use std::sync::Arc;

fn key(
    pool_id: &PoolId,
    kid: &str,
    created_at: Timestamp,
    activates_at: Timestamp,
) -> SigningKeyRecord {
    SigningKeyRecord {
        kid: kid.to_owned(),
        pool_id: pool_id.clone(),
        sealed_private_key: kid.as_bytes().repeat(40),
        created_at,
        activates_at,
    }
}

/// Inserting, listing (newest `created_at`, then `kid`, first) and deleting keys.
pub async fn signing_keys(store: Arc<dyn Store>) {
    let s = store.as_ref();
    let (a1, k1) = fixtures::app("one", None, 100);
    let (a2, k2) = fixtures::app("two", None, 100);
    s.insert_app(&a1, Some(&k1)).await.unwrap();
    s.insert_app(&a2, Some(&k2)).await.unwrap();
    let (p1, p2) = (&a1.pool_id, &a2.pool_id);
    assert_eq!(s.signing_keys(p1).await.unwrap(), vec![k1.clone()]);
    assert_eq!(k1.activates_at, k1.created_at);

    // A rotated-in key activates after it is published; its activation time round-trips.
    let next = key(p1, "kid-m-next", 200, 260);
    s.insert_signing_key(&next).await.unwrap();
    // Same creation time: the greater kid comes first.
    let tie_low = key(p1, "kid-a-tie", 200, 200);
    let tie_high = key(p1, "kid-z-tie", 200, 500);
    s.insert_signing_key(&tie_low).await.unwrap();
    s.insert_signing_key(&tie_high).await.unwrap();
    // An older key inserted last still sorts by its creation time.
    let old = key(p1, "kid-old", 50, 50);
    s.insert_signing_key(&old).await.unwrap();
    let all = vec![
        tie_high.clone(),
        next.clone(),
        tie_low.clone(),
        k1.clone(),
        old.clone(),
    ];
    assert_eq!(s.signing_keys(p1).await.unwrap(), all);

    // Every pool's key dates in one read, pool by pool, each with its pool's app.
    let dates = s.all_key_dates().await.unwrap();
    let ours: Vec<_> = dates
        .iter()
        .filter(|d| d.pool_id == *p1 || d.pool_id == *p2)
        .collect();
    let pool_changes = ours
        .windows(2)
        .filter(|pair| pair[0].pool_id != pair[1].pool_id)
        .count();
    assert_eq!(pool_changes, 1, "grouped by pool");
    let mut seen: Vec<_> = ours
        .iter()
        .map(|d| {
            (
                d.app_id.clone(),
                d.kid.clone(),
                d.created_at,
                d.activates_at,
            )
        })
        .collect();
    seen.sort();
    let mut expected: Vec<_> = all
        .iter()
        .map(|k| (a1.id.clone(), k.kid.clone(), k.created_at, k.activates_at))
        .chain([(
            a2.id.clone(),
            k2.kid.clone(),
            k2.created_at,
            k2.activates_at,
        )])
        .collect();
    expected.sort();
    assert_eq!(seen, expected);

    // A duplicate kid is a conflict, in its pool or another, and changes nothing.
    assert!(is_conflict(
        s.insert_signing_key(&key(p1, "kid-m-next", 900, 900)).await
    ));
    let mut foreign = k2.clone();
    foreign.pool_id = p1.clone();
    assert!(is_conflict(s.insert_signing_key(&foreign).await));
    assert!(is_conflict(
        s.insert_signing_key(&key(p2, "kid-old", 900, 900)).await
    ));
    assert_eq!(s.signing_keys(p1).await.unwrap(), all);
    assert_eq!(
        s.signing_keys(p2).await.unwrap(),
        vec![k2.clone()],
        "the other pool is unaffected"
    );

    // Deleting: only a key of that pool, once.
    assert!(
        !s.delete_signing_key(p2, &next.kid).await.unwrap(),
        "a pool cannot delete another's key"
    );
    assert!(!s.delete_signing_key(p1, "kid-unknown").await.unwrap());
    assert!(s.delete_signing_key(p1, &next.kid).await.unwrap());
    assert!(!s.delete_signing_key(p1, &next.kid).await.unwrap(), "gone");
    assert!(s.delete_signing_key(p1, &k1.kid).await.unwrap());
    assert_eq!(
        s.signing_keys(p1).await.unwrap(),
        vec![tie_high.clone(), tie_low.clone(), old.clone()]
    );
    assert_eq!(s.signing_keys(p2).await.unwrap(), vec![k2.clone()]);

    // A deleted kid can be used again.
    let reused = key(p1, &next.kid, 300, 360);
    s.insert_signing_key(&reused).await.unwrap();
    assert_eq!(s.signing_keys(p1).await.unwrap()[0], reused);

    // Deleting the app takes its keys, and only its keys.
    assert!(s.delete_app(&a1.id).await.unwrap());
    assert!(s.signing_keys(p1).await.unwrap().is_empty());
    assert_eq!(s.signing_keys(p2).await.unwrap(), vec![k2]);
}

fn revocation(
    pool_id: &PoolId,
    id: SessionId,
    revoked_at: Timestamp,
    expires_at: Timestamp,
) -> Revocation {
    Revocation {
        pool_id: pool_id.clone(),
        origin_jti: id,
        revoked_at,
        expires_at,
    }
}

/// The whole feed of a pool (everything that has not expired at time 0).
async fn feed(s: &dyn Store, pool_id: &PoolId) -> Vec<Revocation> {
    s.list_revocations(pool_id, None, 0, 1_000).await.unwrap()
}

/// Sorted the way the feed is: by `revoked_at`, then `origin_jti` as hyphenated text.
fn sorted(mut entries: Vec<Revocation>) -> Vec<Revocation> {
    entries.sort_by_key(|r| (r.revoked_at, r.origin_jti.to_string()));
    entries
}

async fn live_session(s: &dyn Store, app: &App, user: &User, hash: &[u8]) -> Session {
    let session = fixtures::session(app, user, hash, 100);
    s.insert_session(&session).await.unwrap();
    session
}

/// Which calls write entries, with which times, and what removes them.
pub async fn recorded(store: Arc<dyn Store>) {
    let s = store.as_ref();
    let (a, ka) = fixtures::app("default validity", None, 1);
    let (mut b, kb) = fixtures::app("short validity", None, 2);
    s.insert_app(&a, Some(&ka)).await.unwrap();
    s.insert_app(&b, Some(&kb)).await.unwrap();
    b.client.token_validity_secs = 600;
    assert!(s.update_app(&b).await.unwrap());
    let (pa, pb) = (&a.pool_id, &b.pool_id);
    let ta = a.client.token_validity_secs;
    assert_eq!(ta, 3_600, "the fixture's default differs from b's");

    let ada = fixtures::user(pa, "ada@example.com", 10);
    let bob = fixtures::user(pb, "bob@example.com", 10);
    let carl = fixtures::user(pb, "carl@example.com", 10);
    for user in [&ada, &bob, &carl] {
        s.insert_user(user).await.unwrap();
    }
    let sa1 = live_session(s, &a, &ada, b"a1").await;
    let sa2 = live_session(s, &a, &ada, b"a2").await;
    let mut sa3 = fixtures::session(&a, &ada, b"a3", 100);
    sa3.revoked_at = Some(900);
    s.insert_session(&sa3).await.unwrap();
    assert!(
        feed(s, pa).await.is_empty(),
        "opening sessions records nothing"
    );

    // revoke_session records the session it newly revokes, expiring after its client's
    // token validity.
    s.revoke_session(pa, sa1.id, 1_000).await.unwrap();
    let ra1 = revocation(pa, sa1.id, 1_000, 1_000 + ta);
    assert_eq!(feed(s, pa).await, vec![ra1.clone()]);
    // Again: the session keeps its first revocation and gets no second entry.
    s.revoke_session(pa, sa1.id, 1_100).await.unwrap();
    assert_eq!(
        s.get_session(pa, sa1.id).await.unwrap().unwrap().revoked_at,
        Some(1_000)
    );
    assert_eq!(feed(s, pa).await, vec![ra1.clone()]);
    // Sessions revoked some other way (here: stored revoked) get none either.
    s.revoke_session(pa, sa3.id, 1_100).await.unwrap();
    assert_eq!(feed(s, pa).await, vec![ra1.clone()]);
    // The wrong pool or an unknown session: nothing.
    s.revoke_session(pb, sa2.id, 1_100).await.unwrap();
    s.revoke_session(pa, SessionId::generate(), 1_100)
        .await
        .unwrap();
    assert_eq!(
        s.get_session(pa, sa2.id).await.unwrap().unwrap().revoked_at,
        None
    );
    assert_eq!(feed(s, pa).await, vec![ra1.clone()]);
    assert!(feed(s, pb).await.is_empty());

    // revoke_user_sessions records only the sessions it newly revokes.
    assert_eq!(s.revoke_user_sessions(pa, ada.id, 1_200).await.unwrap(), 1);
    let ra2 = revocation(pa, sa2.id, 1_200, 1_200 + ta);
    assert_eq!(feed(s, pa).await, vec![ra1.clone(), ra2.clone()]);
    assert_eq!(s.revoke_user_sessions(pa, ada.id, 1_300).await.unwrap(), 0);
    assert_eq!(feed(s, pa).await, vec![ra1.clone(), ra2.clone()]);
    // …in the user's pool only.
    assert_eq!(s.revoke_user_sessions(pb, ada.id, 1_300).await.unwrap(), 0);
    assert!(feed(s, pb).await.is_empty());

    // Pool b's client issues tokens valid 600 s: its entries expire sooner.
    let sb1 = live_session(s, &b, &bob, b"b1").await;
    let sb2 = live_session(s, &b, &bob, b"b2").await;
    assert_eq!(s.revoke_user_sessions(pb, bob.id, 1_300).await.unwrap(), 2);
    let rb = sorted(vec![
        revocation(pb, sb1.id, 1_300, 1_900),
        revocation(pb, sb2.id, 1_300, 1_900),
    ]);
    assert_eq!(feed(s, pb).await, rb);

    // delete_user records the live sessions, not the revoked ones, and the entries outlive
    // the user and the sessions.
    let sc1 = live_session(s, &b, &carl, b"c1").await;
    let sc2 = live_session(s, &b, &carl, b"c2").await;
    s.revoke_session(pb, sc2.id, 1_400).await.unwrap();
    assert!(
        !s.delete_user(pb, UserId::generate(), 1_450).await.unwrap(),
        "unknown user"
    );
    assert!(
        !s.delete_user(pa, carl.id, 1_450).await.unwrap(),
        "another pool's user"
    );
    assert!(s.get_user(pb, carl.id).await.unwrap().is_some());
    assert_eq!(
        s.get_session(pb, sc1.id).await.unwrap().unwrap().revoked_at,
        None,
        "nothing recorded or revoked by a delete that found no user"
    );
    assert!(s.delete_user(pb, carl.id, 1_500).await.unwrap());
    assert_eq!(s.get_user(pb, carl.id).await.unwrap(), None);
    assert_eq!(s.get_session(pb, sc1.id).await.unwrap(), None);
    assert_eq!(s.get_session(pb, sc2.id).await.unwrap(), None);
    let mut expected_b = rb.clone();
    expected_b.push(revocation(pb, sc2.id, 1_400, 2_000));
    expected_b.push(revocation(pb, sc1.id, 1_500, 2_100));
    assert_eq!(feed(s, pb).await, expected_b);

    // Deleting a user whose sessions were all revoked adds nothing; deleting the user of
    // entries keeps them.
    assert!(s.delete_user(pa, ada.id, 1_600).await.unwrap());
    assert_eq!(feed(s, pa).await, vec![ra1.clone(), ra2.clone()]);

    // Deleting an app removes its pool's entries, and only those.
    assert!(s.delete_app(&b.id).await.unwrap());
    assert!(feed(s, pb).await.is_empty());
    assert_eq!(feed(s, pa).await, vec![ra1, ra2]);
}

/// Paging with `after` (ties on `revoked_at` broken by the id's text), filtering by `now`,
/// pool isolation and pruning.
pub async fn feed_order(store: Arc<dyn Store>) {
    let s = store.as_ref();
    let (a, ka) = fixtures::app("feed", None, 1);
    let (other, ko) = fixtures::app("other", None, 2);
    s.insert_app(&a, Some(&ka)).await.unwrap();
    s.insert_app(&other, Some(&ko)).await.unwrap();
    let (p, po) = (&a.pool_id, &other.pool_id);
    let ta = a.client.token_validity_secs;
    let ada = fixtures::user(p, "ada@example.com", 10);
    let eve = fixtures::user(po, "eve@example.com", 10);
    s.insert_user(&ada).await.unwrap();
    s.insert_user(&eve).await.unwrap();

    // Ids chosen so that byte, text and "first digit" orders could disagree if the backend
    // compared anything but the lowercase hyphenated text (or an order equal to it).
    let crafted = [
        "00000000-0000-4000-8000-000000000001",
        "0fffffff-ffff-4fff-bfff-ffffffffffff",
        "10000000-0000-4000-8000-000000000000",
        "9fffffff-ffff-4fff-bfff-ffffffffffff",
        "a0000000-0000-4000-8000-000000000000",
        "ffffffff-ffff-4fff-bfff-fffffffffff0",
        "abcdef00-0000-4000-8000-00000000000a",
        "abcdef00-0000-4000-8000-0000000000a0",
    ];
    // Revocation times with ties: three groups, given out of order.
    let times = [1_000, 1_100, 1_000, 1_200, 1_100, 1_000, 1_000, 1_100];
    let mut expected = Vec::new();
    for (n, (text, at)) in crafted.iter().zip(times).enumerate() {
        let mut session = fixtures::session(&a, &ada, format!("h{n}").as_bytes(), 100);
        session.id = SessionId::parse(text).unwrap();
        s.insert_session(&session).await.unwrap();
        s.revoke_session(p, session.id, at).await.unwrap();
        expected.push(revocation(p, session.id, at, at + ta));
    }
    // A few random ids too, some sharing a time with the crafted ones.
    for n in 0..6 {
        let session = live_session(s, &a, &ada, format!("r{n}").as_bytes()).await;
        let at = 1_000 + 100 * (n % 3);
        s.revoke_session(p, session.id, at).await.unwrap();
        expected.push(revocation(p, session.id, at, at + ta));
    }
    // Another pool's entries at the same times never show.
    for n in 0..3 {
        let session = live_session(s, &other, &eve, format!("o{n}").as_bytes()).await;
        s.revoke_session(po, session.id, 1_000 + 100 * n)
            .await
            .unwrap();
    }
    let expected = sorted(expected);
    assert_eq!(expected.len(), 14);
    assert_eq!(feed(s, p).await, expected);
    assert_eq!(feed(s, po).await.len(), 3);
    assert!(feed(s, &PoolId::new("local_unknown1")).await.is_empty());

    // Pages of every size add up to the whole feed, each resuming strictly after the last.
    for page in 1..=5 {
        let mut seen = Vec::new();
        let mut after = None;
        loop {
            let got = s.list_revocations(p, after, 0, page).await.unwrap();
            assert!(got.len() <= page);
            let Some(last) = got.last() else { break };
            after = Some((last.revoked_at, last.origin_jti));
            seen.extend(got);
        }
        assert_eq!(seen, expected, "pages of {page}");
    }
    assert!(s.list_revocations(p, None, 0, 0).await.unwrap().is_empty());

    // `after` need not be an entry: it is a position in the order.
    let tie = |text: &str| (1_000, SessionId::parse(text).unwrap());
    let after_nil = s
        .list_revocations(
            p,
            Some((1_000, SessionId::from_uuid(uuid::Uuid::nil()))),
            0,
            100,
        )
        .await
        .unwrap();
    assert_eq!(after_nil, expected, "nil sorts before every id at 1 000");
    let mid = tie("10000000-0000-4000-8000-000000000000");
    let after_mid = s.list_revocations(p, Some(mid), 0, 100).await.unwrap();
    let want: Vec<_> = expected
        .iter()
        .filter(|r| (r.revoked_at, r.origin_jti.to_string()) > (mid.0, mid.1.to_string()))
        .cloned()
        .collect();
    assert_eq!(after_mid, want);
    assert!(
        !want.iter().any(|r| r.origin_jti == mid.1),
        "strictly after"
    );
    let after_1000 = s
        .list_revocations(
            p,
            Some((1_000, SessionId::from_uuid(uuid::Uuid::max()))),
            0,
            100,
        )
        .await
        .unwrap();
    assert!(!after_1000.is_empty());
    assert!(after_1000.iter().all(|r| r.revoked_at > 1_000));
    assert_eq!(
        after_1000.len(),
        expected.iter().filter(|r| r.revoked_at > 1_000).count()
    );
    assert!(
        s.list_revocations(
            p,
            Some((1_200, SessionId::from_uuid(uuid::Uuid::max()))),
            0,
            100
        )
        .await
        .unwrap()
        .is_empty()
    );

    // Only entries still in force at `now` (expires_at > now).
    let in_force = |now: Timestamp| -> Vec<Revocation> {
        expected
            .iter()
            .filter(|r| r.expires_at > now)
            .cloned()
            .collect()
    };
    for now in [
        1_000 + ta - 1,
        1_000 + ta,
        1_100 + ta,
        1_200 + ta - 1,
        1_200 + ta,
    ] {
        assert_eq!(
            s.list_revocations(p, None, now, 100).await.unwrap(),
            in_force(now),
            "now = {now}"
        );
    }
    assert_eq!(
        s.list_revocations(p, None, 1_000 + ta, 100).await.unwrap()[0].revoked_at,
        1_100
    );
    // Filtering and paging combine.
    let page = s
        .list_revocations(
            p,
            Some((1_000, SessionId::from_uuid(uuid::Uuid::nil()))),
            1_000 + ta,
            2,
        )
        .await
        .unwrap();
    assert_eq!(page, in_force(1_000 + ta)[..2].to_vec());

    // prune_expired removes the entries that expired before `now` (the boundary stays) and
    // counts them; the sessions themselves live on (they expire a month after sign-in).
    let at_1000 = expected.iter().filter(|r| r.revoked_at == 1_000).count() as u64;
    let other_at_1000 = 1;
    assert_eq!(
        s.prune_expired(1_000 + ta).await.unwrap(),
        0,
        "boundary kept"
    );
    assert_eq!(feed(s, p).await, expected);
    assert_eq!(
        s.prune_expired(1_000 + ta + 1).await.unwrap(),
        at_1000 + other_at_1000
    );
    assert_eq!(feed(s, p).await, in_force(1_000 + ta));
    assert_eq!(feed(s, po).await.len(), 2);
    assert_eq!(
        s.prune_expired(1_000 + ta + 1).await.unwrap(),
        0,
        "idempotent"
    );
    assert!(
        s.get_session(p, expected[0].origin_jti)
            .await
            .unwrap()
            .is_some(),
        "a pruned entry's session is untouched"
    );
}
