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
    // 0010 counted the users that were there.
    let pools = [seed.app.pool_id.clone()];
    assert_eq!(
        s.user_counts(&pools).await.unwrap(),
        vec![(seed.app.pool_id.clone(), 1)]
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
    assert_eq!(
        s.user_counts(&pools).await.unwrap(),
        vec![(seed.app.pool_id.clone(), 0)],
        "the count follows a deletion"
    );
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

/// Fills `$raw`, a pool on a database migrated to 0001 only, with a [`Seed`] (0001's columns),
/// then opens it at `$url` with this version and runs [`check`] and [`lenient_settings`]. The
/// same statements on both dialects: SQLite takes `$N` too, and the ids bind directly.
macro_rules! check_upgrade {
    ($raw:expr, $url:expr) => {{
        let raw = &$raw;
        let seed = upgrade::Seed::new();
        let (app, user) = (&seed.app, &seed.user);
        sqlx::query(
            "INSERT INTO apps (app_id, name, owner_id, pool_id, origins, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&app.id)
        .bind(&app.name)
        .bind(app.owner)
        .bind(&app.pool_id)
        .bind(serde_json::to_string(&app.origins).unwrap())
        .bind(app.created_at)
        .execute(raw)
        .await
        .unwrap();
        sqlx::query(
            "INSERT INTO clients (client_id, pool_id, app_id, sealed_secret, \
             token_validity_secs, refresh_validity_secs) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(&app.client.id)
        .bind(&app.pool_id)
        .bind(&app.id)
        .bind(app.client.sealed_secret.as_deref())
        .bind(app.client.token_validity_secs)
        .bind(app.client.refresh_validity_secs)
        .execute(raw)
        .await
        .unwrap();
        let key = &seed.key;
        sqlx::query(
            "INSERT INTO signing_keys (kid, pool_id, sealed_private_key, created_at) \
             VALUES ($1, $2, $3, $4)",
        )
        .bind(&key.kid)
        .bind(&key.pool_id)
        .bind(&key.sealed_private_key)
        .bind(key.created_at)
        .execute(raw)
        .await
        .unwrap();
        sqlx::query(
            "INSERT INTO users (pool_id, user_id, email, email_verified, status, enabled, \
             salt_hex, sealed_verifier, attributes, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        )
        .bind(&user.pool_id)
        .bind(user.id)
        .bind(&user.email)
        .bind(user.email_verified)
        .bind(user.status.as_str())
        .bind(user.enabled)
        .bind(&user.salt_hex)
        .bind(&user.sealed_verifier)
        .bind(serde_json::to_string(&user.attributes).unwrap())
        .bind(user.created_at)
        .bind(user.updated_at)
        .execute(raw)
        .await
        .unwrap();
        for session in &seed.sessions {
            sqlx::query(
                "INSERT INTO sessions (id, pool_id, client_id, user_id, refresh_hash, \
                 auth_time, expires_at, revoked_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            )
            .bind(session.id)
            .bind(&session.pool_id)
            .bind(&session.client_id)
            .bind(session.user_id)
            .bind(&session.refresh_hash)
            .bind(session.auth_time)
            .bind(session.expires_at)
            .bind(session.revoked_at)
            .execute(raw)
            .await
            .unwrap();
        }

        let store = open(&$url).await;
        upgrade::check(store.as_ref(), &seed).await;
        drop(open(&$url).await);

        upgrade::lenient_settings(store.as_ref(), app, |doc| {
            let raw = raw.clone();
            let app_id = app.id.clone();
            async move {
                sqlx::query("UPDATE apps SET settings = $1 WHERE app_id = $2")
                    .bind(doc)
                    .bind(app_id)
                    .execute(&raw)
                    .await
                    .unwrap();
            }
        })
        .await;
        drop(store);
    }};
}
pub(crate) use check_upgrade;
