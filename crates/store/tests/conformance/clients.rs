//! App clients beyond an app's own: added under a cap (also in a burst), listed own-first,
//! found through `get_app_by_client` with their profile, updated, and deleted with their
//! sessions revoked; the app's own client is neither deleted alone nor touched by them.

use crate::fixtures;
use auth_return_core::clients::{ClientProfile, ExplicitAuthFlow};
use auth_return_core::ids::ClientId;
use auth_return_core::model::{App, ChangeSubject, Client};
use auth_return_core::store::ClientInsert;
use auth_return_store::Store;
use std::sync::Arc;

/// A client of `app` other than its own, made at `at`.
fn extra(app: &App, at: i64) -> Client {
    Client {
        id: ClientId::generate(),
        primary: false,
        sealed_secret: None,
        token_validity_secs: 900,
        refresh_validity_secs: 86_400,
        profile: ClientProfile {
            name: Some(format!("client made at {at} ü")),
            auth_flows: Some(vec![ExplicitAuthFlow::AllowRefreshTokenAuth]),
            ..ClientProfile::default()
        },
        created_at: at,
        updated_at: at,
        ..app.client.clone()
    }
}

pub async fn clients(store: Arc<dyn Store>) {
    let s = store.as_ref();
    let f = fixtures::two_pools(s).await;
    let one = &f.one;
    let seq = s.latest_change().await.unwrap();

    let web = extra(one, 5);
    assert_eq!(
        s.insert_client(&web, 10).await.unwrap(),
        ClientInsert::Added
    );
    let changes = s.changes_since(seq, 10).await.unwrap();
    assert_eq!(changes.len(), 1);
    assert_eq!(changes[0].subject, ChangeSubject::App(one.pool_id.clone()));
    let older = extra(one, 4);
    s.insert_client(&older, 10).await.unwrap();

    // Listed: the app's own first, then oldest first; each found with the app through it.
    let listed = s.list_clients(&one.id).await.unwrap();
    let ids: Vec<&ClientId> = listed.iter().map(|c| &c.id).collect();
    assert_eq!(ids, [&one.client.id, &older.id, &web.id]);
    assert_eq!(listed[2], web);
    assert!(s.list_clients(&f.two.id).await.unwrap().len() == 1);
    let found = s.get_app_by_client(&web.id).await.unwrap().unwrap();
    assert_eq!(found.client, web);
    assert_eq!(found.id, one.id);
    // The app by id or pool is still seen through its own client, once.
    assert_eq!(
        s.get_app(&one.id).await.unwrap().unwrap().client,
        one.client
    );
    assert_eq!(
        s.get_app_by_pool(&one.pool_id)
            .await
            .unwrap()
            .unwrap()
            .client,
        one.client
    );
    assert_eq!(s.list_apps(None).await.unwrap().len(), 2);

    // Updating a client changes it alone; updating the app leaves other clients be.
    let mut changed = web.clone();
    changed.token_validity_secs = 1_800;
    changed.profile.name = Some("renamed".into());
    changed.updated_at = 9;
    assert!(s.update_client(&changed).await.unwrap());
    assert_eq!(
        s.get_app_by_client(&web.id).await.unwrap().unwrap().client,
        changed
    );
    let mut app = one.clone();
    app.client.token_validity_secs = 600;
    assert!(s.update_app(&app).await.unwrap());
    assert_eq!(
        s.get_app_by_client(&web.id).await.unwrap().unwrap().client,
        changed
    );
    assert_eq!(
        s.get_app(&one.id)
            .await
            .unwrap()
            .unwrap()
            .client
            .token_validity_secs,
        600
    );
    let mut stranger = changed.clone();
    stranger.app_id = f.two.id.clone();
    assert!(!s.update_client(&stranger).await.unwrap());

    // Deleting revokes the client's sessions (into the feed), not the others'.
    let through_web = fixtures::session(&found, &f.ada, b"web-1", 20);
    let through_own = fixtures::session(one, &f.bob, b"own-1", 20);
    s.insert_session(&through_web).await.unwrap();
    s.insert_session(&through_own).await.unwrap();
    assert!(!s.delete_client(&f.two.id, &web.id, 30).await.unwrap());
    assert!(!s.delete_client(&one.id, &one.client.id, 30).await.unwrap());
    assert!(s.delete_client(&one.id, &web.id, 30).await.unwrap());
    assert!(!s.delete_client(&one.id, &web.id, 31).await.unwrap());
    assert_eq!(s.get_app_by_client(&web.id).await.unwrap(), None);
    assert_eq!(s.get_refresh_token(b"web-1").await.unwrap(), None);
    assert!(s.get_refresh_token(b"own-1").await.unwrap().is_some());
    let revoked = s
        .list_revocations(&one.pool_id, None, 30, 10)
        .await
        .unwrap();
    assert_eq!(revoked.len(), 1);
    assert_eq!(revoked[0].origin_jti, through_web.id);
    assert_eq!(revoked[0].expires_at, 30 + 1_800);

    // Gone with the app.
    assert!(s.delete_app(&one.id).await.unwrap());
    assert_eq!(s.get_app_by_client(&older.id).await.unwrap(), None);
    assert_eq!(
        s.insert_client(&extra(one, 40), 10).await.unwrap(),
        ClientInsert::AppGone
    );
}

/// A burst of adds stops at the cap, counting the app's own client.
pub async fn client_burst(store: Arc<dyn Store>) {
    let f = fixtures::two_pools(store.as_ref()).await;
    let mut tasks = tokio::task::JoinSet::new();
    for i in 0..12 {
        let store = store.clone();
        let client = extra(&f.one, i);
        tasks.spawn(async move { store.insert_client(&client, 4).await.unwrap() });
    }
    let outcomes = tasks.join_all().await;
    let added = outcomes
        .iter()
        .filter(|o| **o == ClientInsert::Added)
        .count();
    assert_eq!(added, 3);
    assert!(
        outcomes
            .iter()
            .all(|o| matches!(o, ClientInsert::Added | ClientInsert::AtLimit))
    );
    assert_eq!(store.list_clients(&f.one.id).await.unwrap().len(), 4);
}
