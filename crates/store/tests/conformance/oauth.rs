//! OAuth 2.0 records: authorization codes (stored whole, spent once, a replay told apart from an
//! unknown code and remembered, isolated per pool, gone with their user or app), a burst of
//! simultaneous redemptions of one code on two instances, hosted-page sessions, a session's
//! granted scope, and what `prune_expired` takes of them.

use crate::fixtures;
use crate::story::is_conflict;
use auth_return_core::ids::PoolId;
use auth_return_core::model::{AuthorizationCode, CodeRedemption, HostedSession};
use auth_return_store::Store;
use std::sync::Arc;
use tokio::task::JoinSet;

const CONTENDERS: usize = 16;

fn redeemed(code: &AuthorizationCode) -> CodeRedemption {
    CodeRedemption::Redeemed(Box::new(code.clone()))
}

fn replayed(code: &AuthorizationCode) -> CodeRedemption {
    CodeRedemption::Replayed {
        session_id: code.session_id,
    }
}

async fn redeem(s: &dyn Store, pool_id: &PoolId, hash: &[u8], now: i64) -> CodeRedemption {
    s.redeem_authorization_code(pool_id, hash, now)
        .await
        .unwrap()
}

async fn hosted(s: &dyn Store, pool_id: &PoolId, hash: &[u8]) -> Option<HostedSession> {
    s.get_hosted_session(pool_id, hash).await.unwrap()
}

/// Issuing, spending and replaying codes; pools; conflicts; cascades.
pub async fn authorization_codes(store: Arc<dyn Store>) {
    let s = store.as_ref();
    let (a1, k1) = fixtures::app("one", None, 1);
    let (a2, k2) = fixtures::app("two", None, 2);
    s.insert_app(&a1, &k1).await.unwrap();
    s.insert_app(&a2, &k2).await.unwrap();
    let (p1, p2) = (&a1.pool_id, &a2.pool_id);
    let ada = fixtures::user(p1, "ada@example.com", 10);
    let bob = fixtures::user(p1, "bob@example.com", 10);
    let eve = fixtures::user(p2, "eve@example.com", 10);
    for user in [&ada, &bob, &eve] {
        s.insert_user(user).await.unwrap();
    }

    // Another pool does not find a code, and looking there neither spends nor marks it.
    let code = fixtures::authorization_code(&a1, &ada, b"code-1", 1_000);
    s.insert_authorization_code(&code).await.unwrap();
    assert!(!s.code_replayed(p1, b"code-1").await.unwrap());
    assert_eq!(
        redeem(s, p2, b"code-1", 1_010).await,
        CodeRedemption::Unknown
    );
    assert!(!s.code_replayed(p2, b"code-1").await.unwrap());

    // The first redemption gets the code back whole; spent is not replayed yet.
    assert_eq!(redeem(s, p1, b"code-1", 1_010).await, redeemed(&code));
    assert!(!s.code_replayed(p1, b"code-1").await.unwrap());
    // Every later one is a replay naming the session the first exchange opens, and marks it.
    assert_eq!(redeem(s, p1, b"code-1", 1_020).await, replayed(&code));
    assert!(s.code_replayed(p1, b"code-1").await.unwrap());
    assert_eq!(redeem(s, p1, b"code-1", 1_030).await, replayed(&code));
    assert!(s.code_replayed(p1, b"code-1").await.unwrap());
    assert_eq!(
        redeem(s, p2, b"code-1", 1_040).await,
        CodeRedemption::Unknown,
        "still unknown in the other pool"
    );
    assert!(!s.code_replayed(p2, b"code-1").await.unwrap());

    // A hash never issued is unknown and never replayed.
    assert_eq!(
        redeem(s, p1, b"never-issued", 1_050).await,
        CodeRedemption::Unknown
    );
    assert!(!s.code_replayed(p1, b"never-issued").await.unwrap());

    // No PKCE challenge and no nonce round-trip as such; an expired code is spent all the same
    // (expiry is the caller's to judge).
    let mut bare = fixtures::authorization_code(&a1, &bob, b"code-2", 1_000);
    bare.code_challenge = None;
    bare.nonce = None;
    s.insert_authorization_code(&bare).await.unwrap();
    assert_eq!(redeem(s, p1, b"code-2", 5_000).await, redeemed(&bare));

    // A hash is unique across pools; a conflict changes nothing.
    assert!(is_conflict(
        s.insert_authorization_code(&fixtures::authorization_code(&a1, &bob, b"code-1", 2_000))
            .await
    ));
    assert!(is_conflict(
        s.insert_authorization_code(&fixtures::authorization_code(&a2, &eve, b"code-1", 2_000))
            .await
    ));
    assert_eq!(redeem(s, p1, b"code-1", 2_010).await, replayed(&code));
    // A code for a user of another pool is refused.
    let stray = fixtures::authorization_code(&a1, &eve, b"stray", 2_000);
    assert!(s.insert_authorization_code(&stray).await.is_err());
    assert_eq!(
        redeem(s, p1, b"stray", 2_010).await,
        CodeRedemption::Unknown
    );

    // Deleting a user takes their codes, spent or not; other users keep theirs.
    let ada_live = fixtures::authorization_code(&a1, &ada, b"ada-live", 3_000);
    let bob_live = fixtures::authorization_code(&a1, &bob, b"bob-live", 3_000);
    s.insert_authorization_code(&ada_live).await.unwrap();
    s.insert_authorization_code(&bob_live).await.unwrap();
    assert!(s.delete_user(p1, ada.id, 3_100).await.unwrap());
    assert_eq!(
        redeem(s, p1, b"ada-live", 3_110).await,
        CodeRedemption::Unknown
    );
    assert_eq!(
        redeem(s, p1, b"code-1", 3_110).await,
        CodeRedemption::Unknown,
        "spent and replayed codes go too"
    );
    assert!(!s.code_replayed(p1, b"code-1").await.unwrap());
    assert_eq!(redeem(s, p1, b"bob-live", 3_120).await, redeemed(&bob_live));

    // Deleting an app takes its pool's codes, and only those.
    let eve_code = fixtures::authorization_code(&a2, &eve, b"eve", 3_000);
    s.insert_authorization_code(&eve_code).await.unwrap();
    assert!(s.delete_app(&a1.id).await.unwrap());
    for hash in [&b"bob-live"[..], b"code-2"] {
        assert_eq!(redeem(s, p1, hash, 3_200).await, CodeRedemption::Unknown);
    }
    assert_eq!(redeem(s, p2, b"eve", 3_200).await, redeemed(&eve_code));
    // The hashes are free again.
    let reissued = fixtures::authorization_code(&a2, &eve, b"code-1", 4_000);
    s.insert_authorization_code(&reissued).await.unwrap();
    assert_eq!(redeem(s, p2, b"code-1", 4_010).await, redeemed(&reissued));
}

/// One code, many simultaneous redemptions spread over two instances: exactly one gets the
/// code, every other one a replay naming its session; in several rounds.
pub async fn redemption_race(a: Arc<dyn Store>, b: Arc<dyn Store>) {
    let stores = [a, b];
    let (app, key) = fixtures::app("oauth races", None, 1);
    stores[0].insert_app(&app, &key).await.unwrap();
    let user = fixtures::user(&app.pool_id, "race@example.com", 1);
    stores[1].insert_user(&user).await.unwrap();
    for round in 0..5u8 {
        let code = fixtures::authorization_code(&app, &user, &[b'r', round], 1_000);
        stores[usize::from(round) % 2]
            .insert_authorization_code(&code)
            .await
            .unwrap();
        let mut tasks = JoinSet::new();
        for i in 0..CONTENDERS {
            let store = Arc::clone(&stores[i % 2]);
            let (pool_id, hash) = (code.pool_id.clone(), code.hash.clone());
            let now = 1_000 + i as i64;
            tasks.spawn(async move { store.redeem_authorization_code(&pool_id, &hash, now).await });
        }
        let outcomes: Vec<CodeRedemption> = tasks
            .join_all()
            .await
            .into_iter()
            .map(Result::unwrap)
            .collect();
        let wins = outcomes
            .iter()
            .filter(|o| matches!(o, CodeRedemption::Redeemed(_)))
            .count();
        assert_eq!(wins, 1, "round {round}: exactly one redemption wins");
        assert!(outcomes.contains(&redeemed(&code)), "round {round}");
        let replays = outcomes.iter().filter(|o| **o == replayed(&code)).count();
        assert_eq!(replays, CONTENDERS - 1, "round {round}: {outcomes:?}");
        assert!(
            stores[1]
                .code_replayed(&app.pool_id, &code.hash)
                .await
                .unwrap()
        );
    }
}

/// Hosted-page sessions: stored whole, found only in their pool, ended one at a time or all of
/// a user's at once, gone with their user or app.
pub async fn hosted_sessions(store: Arc<dyn Store>) {
    let s = store.as_ref();
    let (a1, k1) = fixtures::app("one", None, 1);
    let (a2, k2) = fixtures::app("two", None, 2);
    s.insert_app(&a1, &k1).await.unwrap();
    s.insert_app(&a2, &k2).await.unwrap();
    let (p1, p2) = (&a1.pool_id, &a2.pool_id);
    let ada = fixtures::user(p1, "ada@example.com", 10);
    let bob = fixtures::user(p1, "bob@example.com", 10);
    let eve = fixtures::user(p2, "eve@example.com", 10);
    for user in [&ada, &bob, &eve] {
        s.insert_user(user).await.unwrap();
    }
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
    s.insert_app(&app, &key).await.unwrap();
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

/// `prune_expired` takes hosted sessions once they have expired, and authorization codes only
/// an hour after: a replay of a code just past its expiry is still a replay.
pub async fn prune(store: Arc<dyn Store>) {
    let s = store.as_ref();
    let (app, key) = fixtures::app("prune", None, 1);
    s.insert_app(&app, &key).await.unwrap();
    let p = &app.pool_id;
    let ada = fixtures::user(p, "ada@example.com", 10);
    s.insert_user(&ada).await.unwrap();
    let now = 10_000;
    assert_eq!(s.prune_expired(now).await.unwrap(), 0, "nothing yet");

    let code = |hash: &[u8], expires_at| {
        let mut code = fixtures::authorization_code(&app, &ada, hash, expires_at - 300);
        code.expires_at = expires_at;
        code
    };
    let old = code(b"old", now - 3_601);
    let edge = code(b"edge", now - 3_600);
    let recent = code(b"recent", now - 1);
    let live = code(b"live", now + 300);
    for code in [&old, &edge, &recent, &live] {
        s.insert_authorization_code(code).await.unwrap();
    }
    assert_eq!(redeem(s, p, b"recent", now - 2).await, redeemed(&recent));
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
    assert_eq!(redeem(s, p, b"old", now).await, CodeRedemption::Unknown);
    assert_eq!(
        redeem(s, p, b"recent", now).await,
        replayed(&recent),
        "a just-expired code is still known"
    );
    assert_eq!(redeem(s, p, b"edge", now).await, redeemed(&edge));
    assert_eq!(hosted(s, p, b"expired").await, None);
    assert_eq!(hosted(s, p, b"boundary").await, Some(boundary.clone()));
    assert_eq!(hosted(s, p, b"current").await, Some(current.clone()));
    assert_eq!(s.prune_expired(now).await.unwrap(), 0, "idempotent");

    // A second later: the edge code and the boundary session.
    assert_eq!(s.prune_expired(now + 1).await.unwrap(), 2);
    assert_eq!(
        redeem(s, p, b"edge", now + 1).await,
        CodeRedemption::Unknown
    );
    assert_eq!(hosted(s, p, b"boundary").await, None);
    // An hour later: the recent code (replayed or not) and the current session; the live code
    // has not been expired for an hour yet.
    assert_eq!(s.prune_expired(now + 3_600).await.unwrap(), 2);
    assert_eq!(
        redeem(s, p, b"recent", now + 3_600).await,
        CodeRedemption::Unknown
    );
    assert_eq!(hosted(s, p, b"current").await, None);
    assert_eq!(redeem(s, p, b"live", now + 3_600).await, redeemed(&live));
    assert!(s.get_user(p, ada.id).await.unwrap().is_some(), "users stay");
}
