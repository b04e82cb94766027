//! OAuth 2.0 records: spent authorization codes (the first spend told apart from a replay,
//! which names the first spend's session; isolated per pool; gone with their app), a burst of
//! simultaneous spends of one code on two instances, hosted-page sessions found with their user,
//! a session's granted scope, and what `prune_expired` takes of them.

use crate::fixtures;
use crate::story::is_conflict;
use auth_return_core::ids::{PoolId, SessionId};
use auth_return_core::model::{CodeSpend, HostedSession};
use auth_return_store::Store;
use std::sync::Arc;
use tokio::task::JoinSet;

const CONTENDERS: usize = 16;

async fn spend(
    s: &dyn Store,
    pool_id: &PoolId,
    hash: &[u8],
    session_id: Option<SessionId>,
    now: i64,
) -> CodeSpend {
    s.spend_authorization_code(pool_id, hash, session_id, now + 300, now)
        .await
        .unwrap()
}

fn again(session_id: Option<SessionId>) -> CodeSpend {
    CodeSpend::Again { session_id }
}

async fn hosted(s: &dyn Store, pool_id: &PoolId, hash: &[u8]) -> Option<HostedSession> {
    s.get_hosted_session(pool_id, hash)
        .await
        .unwrap()
        .map(|(session, user)| {
            assert_eq!(
                (&user.pool_id, user.id),
                (&session.pool_id, session.user_id),
                "found with its own user"
            );
            session
        })
}

/// Spending codes, first and again; pools; the app cascade.
pub async fn authorization_codes(store: Arc<dyn Store>) {
    let s = store.as_ref();
    let (a1, k1) = fixtures::app("one", None, 1);
    let (a2, k2) = fixtures::app("two", None, 2);
    s.insert_app(&a1, Some(&k1)).await.unwrap();
    s.insert_app(&a2, Some(&k2)).await.unwrap();
    let (p1, p2) = (&a1.pool_id, &a2.pool_id);
    let (s1, s2, s3) = (
        SessionId::generate(),
        SessionId::generate(),
        SessionId::generate(),
    );

    // The first spend is first; every later one names the first one's session, whatever
    // session it opened itself.
    assert_eq!(
        spend(s, p1, b"code-1", Some(s1), 1_000).await,
        CodeSpend::First
    );
    assert_eq!(
        spend(s, p1, b"code-1", Some(s2), 1_010).await,
        again(Some(s1))
    );
    assert_eq!(spend(s, p1, b"code-1", None, 1_020).await, again(Some(s1)));
    // Another pool keeps its own record of the same hash.
    assert_eq!(
        spend(s, p2, b"code-1", Some(s3), 1_030).await,
        CodeSpend::First
    );
    assert_eq!(spend(s, p2, b"code-1", None, 1_040).await, again(Some(s3)));
    assert_eq!(spend(s, p1, b"code-1", None, 1_050).await, again(Some(s1)));

    // A refused exchange spends the code without a session; a later one finds none to revoke.
    assert_eq!(
        spend(s, p1, b"refused", None, 1_000).await,
        CodeSpend::First
    );
    assert_eq!(spend(s, p1, b"refused", Some(s2), 1_010).await, again(None));
    // Expiry is the caller's to judge: a code long expired is spent all the same.
    assert_eq!(
        s.spend_authorization_code(p1, b"expired", Some(s2), 100, 5_000)
            .await
            .unwrap(),
        CodeSpend::First
    );
    assert_eq!(spend(s, p1, b"expired", None, 5_010).await, again(Some(s2)));

    // Deleting an app takes its pool's records, and only those: the same app made again
    // finds its hashes unspent.
    assert!(s.delete_app(&a1.id).await.unwrap());
    assert_eq!(spend(s, p2, b"code-1", None, 2_000).await, again(Some(s3)));
    s.insert_app(&a1, Some(&k1)).await.unwrap();
    for hash in [&b"code-1"[..], b"refused", b"expired"] {
        assert_eq!(spend(s, p1, hash, None, 2_000).await, CodeSpend::First);
    }
}

/// One code, many simultaneous spends spread over two instances, each opening its own
/// session: exactly one is first, every other one names the first one's session; in several
/// rounds.
pub async fn spend_race(a: Arc<dyn Store>, b: Arc<dyn Store>) {
    let stores = [a, b];
    let (app, key) = fixtures::app("oauth races", None, 1);
    stores[0].insert_app(&app, Some(&key)).await.unwrap();
    for round in 0..5u8 {
        let hash = vec![b'r', round];
        let mut tasks = JoinSet::new();
        for i in 0..CONTENDERS {
            let store = Arc::clone(&stores[i % 2]);
            let (pool_id, hash) = (app.pool_id.clone(), hash.clone());
            let session = SessionId::generate();
            let now = 1_000 + i as i64;
            tasks.spawn(async move {
                let spent = store
                    .spend_authorization_code(&pool_id, &hash, Some(session), now + 300, now)
                    .await;
                (session, spent)
            });
        }
        let outcomes: Vec<(SessionId, CodeSpend)> = tasks
            .join_all()
            .await
            .into_iter()
            .map(|(session, spent)| (session, spent.unwrap()))
            .collect();
        let firsts: Vec<SessionId> = outcomes
            .iter()
            .filter(|(_, o)| *o == CodeSpend::First)
            .map(|(session, _)| *session)
            .collect();
        assert_eq!(firsts.len(), 1, "round {round}: exactly one spend is first");
        let replays = outcomes
            .iter()
            .filter(|(_, o)| *o == again(Some(firsts[0])))
            .count();
        assert_eq!(replays, CONTENDERS - 1, "round {round}: {outcomes:?}");
    }
}

/// Hosted-page sessions: stored whole, found only in their pool, ended one at a time or all of
/// a user's at once, gone with their user or app.
pub async fn hosted_sessions(store: Arc<dyn Store>) {
    let s = store.as_ref();
    let fixtures::TwoPools {
        one: a1,
        two: a2,
        ada,
        bob,
        eve,
        ..
    } = fixtures::two_pools(s).await;
    let (p1, p2) = (&a1.pool_id, &a2.pool_id);
    let ada1 = fixtures::hosted_session(&ada, b"ada-1", 1_000);
    let ada2 = fixtures::hosted_session(&ada, b"ada-2", 1_100);
    let bob1 = fixtures::hosted_session(&bob, b"bob-1", 1_000);
    let eve1 = fixtures::hosted_session(&eve, b"eve-1", 1_000);
    for session in [&ada1, &ada2, &bob1, &eve1] {
        s.insert_hosted_session(session).await.unwrap();
        assert_eq!(
            hosted(s, &session.pool_id, &session.hash).await.as_ref(),
            Some(session)
        );
    }
    assert_eq!(hosted(s, p2, b"ada-1").await, None, "not in another pool");
    assert_eq!(hosted(s, p1, b"unknown").await, None);

    // A hash is unique across pools; a session for a user of another pool is refused.
    assert!(is_conflict(
        s.insert_hosted_session(&fixtures::hosted_session(&bob, b"ada-1", 2_000))
            .await
    ));
    assert!(is_conflict(
        s.insert_hosted_session(&fixtures::hosted_session(&eve, b"ada-1", 2_000))
            .await
    ));
    assert_eq!(hosted(s, p1, b"ada-1").await, Some(ada1.clone()));
    let mut stray = fixtures::hosted_session(&eve, b"stray", 2_000);
    stray.pool_id = p1.clone();
    assert!(s.insert_hosted_session(&stray).await.is_err());
    assert_eq!(hosted(s, p1, b"stray").await, None);

    // Ending one: only in its pool, and again is a no-op.
    s.delete_hosted_session(p2, b"ada-1").await.unwrap();
    assert_eq!(hosted(s, p1, b"ada-1").await, Some(ada1.clone()));
    s.delete_hosted_session(p1, b"ada-1").await.unwrap();
    assert_eq!(hosted(s, p1, b"ada-1").await, None);
    s.delete_hosted_session(p1, b"ada-1").await.unwrap();
    s.delete_hosted_session(p1, b"unknown").await.unwrap();
    assert_eq!(hosted(s, p1, b"ada-2").await, Some(ada2.clone()));

    // Ending all of a user's: counted, only that user's, only in their pool.
    let ada3 = fixtures::hosted_session(&ada, b"ada-3", 1_200);
    s.insert_hosted_session(&ada3).await.unwrap();
    assert_eq!(s.delete_user_hosted_sessions(p2, ada.id).await.unwrap(), 0);
    assert_eq!(s.delete_user_hosted_sessions(p1, ada.id).await.unwrap(), 2);
    assert_eq!(hosted(s, p1, b"ada-2").await, None);
    assert_eq!(hosted(s, p1, b"ada-3").await, None);
    assert_eq!(s.delete_user_hosted_sessions(p1, ada.id).await.unwrap(), 0);
    assert_eq!(hosted(s, p1, b"bob-1").await, Some(bob1.clone()));

    // Deleting the user takes theirs; deleting the app takes its pool's.
    let ada4 = fixtures::hosted_session(&ada, b"ada-4", 1_300);
    s.insert_hosted_session(&ada4).await.unwrap();
    assert!(s.delete_user(p1, ada.id, 2_000).await.unwrap());
    assert_eq!(hosted(s, p1, b"ada-4").await, None);
    assert_eq!(hosted(s, p1, b"bob-1").await, Some(bob1.clone()));
    assert!(s.delete_app(&a1.id).await.unwrap());
    assert_eq!(hosted(s, p1, b"bob-1").await, None);
    assert_eq!(hosted(s, p2, b"eve-1").await, Some(eve1.clone()));
    // The hashes are free again.
    let again = fixtures::hosted_session(&eve, b"bob-1", 3_000);
    s.insert_hosted_session(&again).await.unwrap();
    assert_eq!(hosted(s, p2, b"bob-1").await, Some(again));
}

/// A session's granted scope round-trips, set, empty or absent, through the session and
/// through every one of its refresh tokens.
pub async fn session_scope(store: Arc<dyn Store>) {
    let s = store.as_ref();
    let (app, key) = fixtures::app("scopes", None, 1);
    s.insert_app(&app, Some(&key)).await.unwrap();
    let p = &app.pool_id;
    let ada = fixtures::user(p, "ada@example.com", 10);
    s.insert_user(&ada).await.unwrap();
    let mut scoped = fixtures::session(&app, &ada, b"scoped", 1_000);
    scoped.scope = Some("openid email profile".to_owned());
    let mut empty = fixtures::session(&app, &ada, b"empty", 1_000);
    empty.scope = Some(String::new());
    let plain = fixtures::session(&app, &ada, b"plain", 1_000);
    for session in [&scoped, &empty, &plain] {
        s.insert_session(session).await.unwrap();
        assert_eq!(
            s.get_session(p, session.id).await.unwrap().as_ref(),
            Some(session)
        );
        let (found, _) = s
            .get_refresh_token(&session.refresh_hash)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(&found, session);
    }

    // Rotated tokens and a revocation keep it.
    s.rotate_refresh_token(p, scoped.id, b"scoped", b"scoped-2", 1_100)
        .await
        .unwrap();
    let (found, _) = s.get_refresh_token(b"scoped-2").await.unwrap().unwrap();
    assert_eq!(found, scoped);
    s.revoke_session(p, scoped.id, 1_200).await.unwrap();
    let mut revoked = scoped.clone();
    revoked.revoked_at = Some(1_200);
    assert_eq!(s.get_session(p, scoped.id).await.unwrap(), Some(revoked));
    let (found, _) = s.get_refresh_token(b"scoped-2").await.unwrap().unwrap();
    assert_eq!(found.scope, scoped.scope);
}

/// `prune_expired` takes hosted sessions once they have expired, and spent authorization codes
/// only an hour after the code expired: a replay of a code just past its expiry is still a
/// replay.
pub async fn prune(store: Arc<dyn Store>) {
    let s = store.as_ref();
    let (app, key) = fixtures::app("prune", None, 1);
    s.insert_app(&app, Some(&key)).await.unwrap();
    let p = &app.pool_id;
    let ada = fixtures::user(p, "ada@example.com", 10);
    s.insert_user(&ada).await.unwrap();
    let now = 10_000;
    assert_eq!(s.prune_expired(now).await.unwrap(), 0, "nothing yet");

    let first = SessionId::generate();
    for (hash, expires_at) in [
        (&b"old"[..], now - 3_601),
        (b"edge", now - 3_600),
        (b"recent", now - 1),
        (b"live", now + 300),
    ] {
        let spent = s
            .spend_authorization_code(p, hash, Some(first), expires_at, expires_at - 200)
            .await
            .unwrap();
        assert_eq!(spent, CodeSpend::First);
    }
    let session = |hash: &[u8], expires_at| {
        let mut session = fixtures::hosted_session(&ada, hash, 100);
        session.expires_at = expires_at;
        session
    };
    let expired = session(b"expired", now - 1);
    let boundary = session(b"boundary", now);
    let current = session(b"current", now + 1);
    for session in [&expired, &boundary, &current] {
        s.insert_hosted_session(session).await.unwrap();
    }

    // One code expired more than an hour ago, one hosted session expired before now.
    assert_eq!(s.prune_expired(now).await.unwrap(), 2);
    assert_eq!(
        spend(s, p, b"old", None, now).await,
        CodeSpend::First,
        "forgotten"
    );
    assert_eq!(
        spend(s, p, b"recent", None, now).await,
        again(Some(first)),
        "a just-expired code is still known"
    );
    assert_eq!(hosted(s, p, b"expired").await, None);
    assert_eq!(hosted(s, p, b"boundary").await, Some(boundary.clone()));
    assert_eq!(hosted(s, p, b"current").await, Some(current.clone()));
    assert_eq!(s.prune_expired(now).await.unwrap(), 0, "idempotent");

    // A second later: the edge code and the boundary session.
    assert_eq!(s.prune_expired(now + 1).await.unwrap(), 2);
    assert_eq!(spend(s, p, b"edge", None, now + 1).await, CodeSpend::First);
    assert_eq!(hosted(s, p, b"boundary").await, None);
    // An hour later: the recent code (replayed or not) and the current session; the live code
    // has not been expired for an hour yet.
    assert_eq!(s.prune_expired(now + 3_600).await.unwrap(), 2);
    assert_eq!(
        spend(s, p, b"recent", None, now + 3_600).await,
        CodeSpend::First
    );
    assert_eq!(hosted(s, p, b"current").await, None);
    assert_eq!(
        spend(s, p, b"live", None, now + 3_600).await,
        again(Some(first))
    );
    assert!(s.get_user(p, ada.id).await.unwrap().is_some(), "users stay");
}
