//! A database made by migration 0001 alone, with data in it, then opened by this version:
//! 0002 must keep its sessions findable by refresh hash and read its apps and users, 0003 must
//! give its signing key an activation time (its creation) and its live sessions revocations.

use crate::fixtures;
use auth_return_core::ids::UserId;
use auth_return_core::model::{
    App, MatchOp, RefreshTokenRecord, Revocation, Session, SigningKeyRecord, User, UserField,
    UserFilter,
};
use auth_return_core::settings::AppSettings;
use auth_return_store::{Store, StoreError};

/// What the old database holds, as this version should read it.
pub struct Seed {
    pub app: App,
    /// Inserted with 0001's columns; `activates_at` holds what 0003 should fill in.
    pub key: SigningKeyRecord,
    pub user: User,
    pub sessions: Vec<Session>,
}

impl Seed {
    pub fn new() -> Self {
        let (mut app, mut key) = fixtures::app("old", Some(UserId::generate()), 50);
        key.created_at = 55;
        key.activates_at = 55;
        app.settings = AppSettings::default();
        let user = fixtures::user(&app.pool_id, "old@example.com", 60);
        let mut live = fixtures::session(&app, &user, b"old-refresh-1", 70);
        live.expires_at = 1_000_000;
        let mut revoked = fixtures::session(&app, &user, b"old-refresh-2", 80);
        revoked.revoked_at = Some(90);
        Self {
            app,
            key,
            user,
            sessions: vec![live, revoked],
        }
    }
}

/// Checks the migrated database through the store.
pub async fn check(s: &dyn Store, seed: &Seed) {
    assert_eq!(
        s.get_app(&seed.app.id).await.unwrap().as_ref(),
        Some(&seed.app)
    );
    assert_eq!(
        s.signing_keys(&seed.app.pool_id).await.unwrap(),
        vec![seed.key.clone()],
        "an old key activates when it was created"
    );
    assert_eq!(
        s.get_user(&seed.app.pool_id, seed.user.id)
            .await
            .unwrap()
            .as_ref(),
        Some(&seed.user),
        "no pending email, no password expiry"
    );
    for session in &seed.sessions {
        let expected = RefreshTokenRecord {
            hash: session.refresh_hash.clone(),
            session_id: session.id,
            created_at: session.auth_time,
            superseded_at: None,
        };
        assert_eq!(
            s.get_refresh_token(&session.refresh_hash).await.unwrap(),
            Some((session.clone(), expected))
        );
    }
    // Old sessions rotate like new ones.
    let old = &seed.sessions[0];
    s.rotate_refresh_token(
        &seed.app.pool_id,
        old.id,
        &old.refresh_hash,
        b"new-refresh",
        500,
    )
    .await
    .unwrap();
    assert_eq!(
        s.get_refresh_token(&old.refresh_hash)
            .await
            .unwrap()
            .unwrap()
            .1
            .superseded_at,
        Some(500)
    );
    assert_eq!(
        s.get_refresh_token(b"new-refresh")
            .await
            .unwrap()
            .unwrap()
            .0,
        old.clone()
    );
    // …and list, update, prune and delete like new ones.
    let filter = UserFilter {
        field: UserField::Attribute("name".into()),
        op: MatchOp::StartsWith,
        value: "Ada".into(),
    };
    assert_eq!(
        s.list_users(&seed.app.pool_id, Some(&filter), None, 10)
            .await
            .unwrap(),
        vec![seed.user.clone()]
    );
    let mut app = seed.app.clone();
    app.settings.refresh_rotation.grace_secs = 0;
    assert!(s.update_app(&app).await.unwrap());
    assert_eq!(s.get_app(&app.id).await.unwrap(), Some(app.clone()));
    assert_eq!(s.prune_expired(1_000).await.unwrap(), 0);
    assert!(
        s.delete_user(&seed.app.pool_id, seed.user.id, 2_000)
            .await
            .unwrap()
    );
    assert_eq!(
        s.list_revocations(&seed.app.pool_id, None, 2_000, 10)
            .await
            .unwrap(),
        vec![Revocation {
            pool_id: seed.app.pool_id.clone(),
            origin_jti: old.id,
            revoked_at: 2_000,
            expires_at: 2_000 + seed.app.client.token_validity_secs,
        }],
        "the old live session is recorded; the one revoked before 0003 is not"
    );
    assert_eq!(s.get_refresh_token(b"new-refresh").await.unwrap(), None);
    assert_eq!(s.get_refresh_token(&old.refresh_hash).await.unwrap(), None);
}

/// `apps.settings` as stored: missing members default, unreadable documents are errors.
pub async fn lenient_settings<F, Fut>(s: &dyn Store, app: &App, mut set_settings: F)
where
    F: FnMut(&'static str) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    set_settings(r#"{"refresh_rotation":{"grace_secs":5},"from_the_future":[1,2]}"#).await;
    let read = s.get_app(&app.id).await.unwrap().unwrap().settings;
    let mut expected = AppSettings::default();
    expected.refresh_rotation.grace_secs = 5;
    assert_eq!(read, expected);
    set_settings("{}").await;
    assert_eq!(
        s.get_app(&app.id).await.unwrap().unwrap().settings,
        AppSettings::default()
    );
    for bad in ["not json", "[]", r#"{"password_policy":{"min_length":-1}}"#] {
        set_settings(bad).await;
        let err = s.get_app(&app.id).await.unwrap_err();
        assert!(matches!(&err, StoreError::Backend(_)), "{bad}: {err:?}");
        assert!(s.get_app_by_pool(&app.pool_id).await.is_err());
        assert!(s.list_apps(None).await.is_err());
    }
}
