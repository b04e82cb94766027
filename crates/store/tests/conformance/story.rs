//! The scripted story every backend must tell the same way: apps, then users, codes, sessions
//! and challenges (in `people.rs` and `sign_in.rs`), then the cascading deletes.

#[path = "people.rs"]
mod people;
#[path = "sign_in.rs"]
mod sign_in;

use crate::fixtures;
use auth_return_core::ids::{AppId, ClientId, PoolId, UserId};
use auth_return_core::model::CodePurpose;
use auth_return_store::{Store, StoreError};
use std::sync::Arc;

pub(crate) fn is_conflict<T: std::fmt::Debug>(result: Result<T, StoreError>) -> bool {
    matches!(result, Err(StoreError::Conflict(_)))
}

/// Runs the whole story on `store`, which must be empty.
pub async fn run(store: Arc<dyn Store>) {
    let s = store.as_ref();
    let dev = UserId::generate();
    let (a1, k1) = fixtures::app("first", Some(dev), 100);
    let (a2, k2) = fixtures::app("second", None, 200);
    let (a3, k3) = fixtures::app("third", Some(dev), 300);
    apps(s, [(&a1, &k1), (&a2, &k2), (&a3, &k3)], dev).await;

    let p1 = &a1.pool_id;
    let p2 = &a2.pool_id;
    let ada = fixtures::user(p1, "ada@example.com", 1_000);
    let ada2 = fixtures::user(p2, "ada@example.com", 1_000);
    people::users(s, &ada, &ada2).await;
    people::codes(s, &ada, &ada2).await;
    sign_in::sessions(s, &a1, &a2, &ada, &ada2).await;
    sign_in::challenges(s).await;

    // Deleting a user takes their codes and sessions along, and nothing else.
    let code_purpose = CodePurpose::VerifyEmail;
    s.put_code(p1, ada.id, code_purpose, &fixtures::code(b"v", 9_999))
        .await
        .unwrap();
    let live = fixtures::session(&a1, &ada, b"refresh-before-delete", 2_000);
    s.insert_session(&live).await.unwrap();
    let bob = fixtures::user(p1, "bob@example.com", 1_000);
    s.insert_user(&bob).await.unwrap();
    s.put_code(p1, bob.id, code_purpose, &fixtures::code(b"b", 9_999))
        .await
        .unwrap();
    s.insert_session(&fixtures::session(&a1, &bob, b"refresh-bob", 2_000))
        .await
        .unwrap();
    assert!(s.delete_user(p1, ada.id, 3_000).await.unwrap());
    assert_eq!(s.get_user(p1, ada.id).await.unwrap(), None);
    assert_eq!(s.get_code(p1, ada.id, code_purpose).await.unwrap(), None);
    assert_eq!(s.get_session(p1, live.id).await.unwrap(), None);
    assert_eq!(
        s.get_refresh_token(b"refresh-before-delete")
            .await
            .unwrap()
            .map(|(session, _)| session),
        None
    );
    assert!(
        !s.delete_user(p1, ada.id, 3_000).await.unwrap(),
        "a second delete finds nothing"
    );
    assert!(
        s.get_code(p1, bob.id, code_purpose)
            .await
            .unwrap()
            .is_some(),
        "bob keeps his code"
    );
    assert!(
        s.get_refresh_token(b"refresh-bob")
            .await
            .unwrap()
            .map(|(session, _)| session)
            .is_some()
    );
    assert_eq!(
        s.get_user(p2, ada2.id).await.unwrap(),
        Some(ada2.clone()),
        "the other pool is untouched"
    );

    delete_app(s, &a1, &a2, &a3, &ada2).await;
}

async fn apps(
    s: &dyn Store,
    all: [(
        &auth_return_core::model::App,
        &auth_return_core::model::SigningKeyRecord,
    ); 3],
    dev: UserId,
) {
    let [(a1, k1), (a2, k2), (a3, k3)] = all;
    for (app, key) in all {
        s.insert_app(app, Some(key)).await.unwrap();
    }
    assert_eq!(s.get_app(&a1.id).await.unwrap().as_ref(), Some(a1));
    assert_eq!(
        s.get_app(&a2.id).await.unwrap().as_ref(),
        Some(a2),
        "public client: no secret"
    );
    assert_eq!(
        s.get_app_by_pool(&a3.pool_id).await.unwrap().as_ref(),
        Some(a3)
    );
    assert_eq!(
        s.get_app_by_client(&a2.client.id).await.unwrap().as_ref(),
        Some(a2)
    );
    assert_eq!(s.get_app(&AppId::new("app_unknown")).await.unwrap(), None);
    assert_eq!(
        s.get_app_by_pool(&PoolId::new("local_unknown1"))
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        s.get_app_by_client(&ClientId::new("unknown"))
            .await
            .unwrap(),
        None
    );

    let mine = s.list_apps(Some(dev)).await.unwrap();
    assert_eq!(
        mine,
        vec![a1.clone(), a3.clone()],
        "owner's apps, oldest first"
    );
    let every = s.list_apps(None).await.unwrap();
    assert_eq!(
        every,
        vec![a1.clone(), a2.clone(), a3.clone()],
        "all apps, oldest first"
    );
    assert!(
        s.list_apps(Some(UserId::generate()))
            .await
            .unwrap()
            .is_empty()
    );

    assert_eq!(s.signing_keys(&a1.pool_id).await.unwrap(), vec![k1.clone()]);
    assert_eq!(s.signing_keys(&a2.pool_id).await.unwrap(), vec![k2.clone()]);
    assert_eq!(s.signing_keys(&a3.pool_id).await.unwrap(), vec![k3.clone()]);
    assert!(
        s.signing_keys(&PoolId::new("local_unknown1"))
            .await
            .unwrap()
            .is_empty()
    );

    // Conflicts: the same app, the same pool under a new id, the same client id. A failed
    // insert leaves nothing behind.
    assert!(
        is_conflict(s.insert_app(a1, Some(k1)).await),
        "same app twice"
    );
    let (mut dup_pool, mut key) = fixtures::app("dup pool", None, 400);
    dup_pool.pool_id = a1.pool_id.clone();
    dup_pool.client.pool_id = a1.pool_id.clone();
    key.pool_id = a1.pool_id.clone();
    assert!(
        is_conflict(s.insert_app(&dup_pool, Some(&key)).await),
        "same pool id"
    );
    let (mut dup_client, key) = fixtures::app("dup client", None, 400);
    dup_client.client.id = a2.client.id.clone();
    assert!(
        is_conflict(s.insert_app(&dup_client, Some(&key)).await),
        "same client id"
    );
    assert_eq!(
        s.get_app(&dup_client.id).await.unwrap(),
        None,
        "no half-made app"
    );
    assert!(
        s.signing_keys(&dup_client.pool_id)
            .await
            .unwrap()
            .is_empty(),
        "no orphan key"
    );
    assert_eq!(s.list_apps(None).await.unwrap().len(), 3);
}

async fn delete_app(
    s: &dyn Store,
    a1: &auth_return_core::model::App,
    a2: &auth_return_core::model::App,
    a3: &auth_return_core::model::App,
    ada2: &auth_return_core::model::User,
) {
    let p2 = &a2.pool_id;
    let s3 = s
        .get_refresh_token(b"refresh-3")
        .await
        .unwrap()
        .map(|(session, _)| session)
        .unwrap();
    assert!(
        s.get_code(p2, ada2.id, CodePurpose::SignUp)
            .await
            .unwrap()
            .is_some()
    );

    let counted = s.user_counts(std::slice::from_ref(p2)).await.unwrap();
    assert!(
        matches!(counted.as_slice(), [(pool, n)] if pool == p2 && *n >= 1),
        "{counted:?}"
    );
    assert!(s.delete_app(&a2.id).await.unwrap());
    assert!(!s.delete_app(&a2.id).await.unwrap(), "already gone");
    assert_eq!(
        s.user_counts(std::slice::from_ref(p2)).await.unwrap(),
        vec![],
        "the count goes with the app"
    );
    assert_eq!(s.get_app(&a2.id).await.unwrap(), None);
    assert_eq!(s.get_app_by_pool(p2).await.unwrap(), None);
    assert_eq!(s.get_app_by_client(&a2.client.id).await.unwrap(), None);
    assert!(s.signing_keys(p2).await.unwrap().is_empty());
    assert_eq!(s.get_user(p2, ada2.id).await.unwrap(), None);
    assert_eq!(s.get_user_by_email(p2, &ada2.email).await.unwrap(), None);
    assert_eq!(
        s.get_code(p2, ada2.id, CodePurpose::SignUp).await.unwrap(),
        None
    );
    assert_eq!(s.get_session(p2, s3.id).await.unwrap(), None);
    assert_eq!(
        s.get_refresh_token(b"refresh-3")
            .await
            .unwrap()
            .map(|(session, _)| session),
        None
    );
    assert_eq!(
        s.list_apps(None).await.unwrap(),
        vec![a1.clone(), a3.clone()]
    );
    assert!(!s.delete_app(&AppId::new("app_unknown")).await.unwrap());

    // The other pools are intact.
    assert_eq!(s.get_app(&a1.id).await.unwrap().as_ref(), Some(a1));
    assert_eq!(s.signing_keys(&a1.pool_id).await.unwrap().len(), 1);
    assert!(
        s.get_user_by_email(&a1.pool_id, "bob@example.com")
            .await
            .unwrap()
            .is_some()
    );
    assert!(
        s.get_refresh_token(b"refresh-bob")
            .await
            .unwrap()
            .map(|(session, _)| session)
            .is_some()
    );
}
