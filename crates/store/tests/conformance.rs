//! Store conformance: one scripted story, chapters for app settings, user listing, refresh-token
//! rotation and pruning, signing keys and the revocation feed, sign-in lockouts, API keys and access keys, groups, the
//! change feed, audit events, OAuth 2.0 records, users' second factors and passkeys, a few races, and an upgrade from a 0001-only
//! database; run against SQLite (a temp file) always and against PostgreSQL when
//! `AUTH_RETURN_TEST_POSTGRES_URL` names a server (each test gets a fresh database there, dropped
//! afterwards, passed or failed); in CI (`CI` set) the variable is required. Start a server with
//! `tests/pg/start.sh`.

// A failed unwrap here is a failed conformance check, in helpers as much as in tests.
#![allow(clippy::unwrap_used, clippy::expect_used)]
#![cfg(any(feature = "sqlite", feature = "postgres"))]

#[path = "conformance/access_keys.rs"]
mod access_keys;
#[path = "conformance/admin.rs"]
mod admin;
#[path = "conformance/api_keys.rs"]
mod api_keys;
#[path = "conformance/changes.rs"]
mod changes;
#[path = "conformance/clients.rs"]
mod clients;
#[path = "conformance/databases.rs"]
mod databases;
#[path = "conformance/events.rs"]
mod events;
#[path = "conformance/fixtures.rs"]
mod fixtures;
#[path = "conformance/groups.rs"]
mod groups;
#[path = "conformance/identity_providers.rs"]
mod identity_providers;
#[path = "conformance/keys_and_revocations.rs"]
mod keys_and_revocations;
#[path = "conformance/lockouts.rs"]
mod lockouts;
#[path = "conformance/mfa.rs"]
mod mfa;
#[path = "conformance/oauth.rs"]
mod oauth;
#[path = "conformance/passkeys.rs"]
mod passkeys;
#[path = "conformance/races.rs"]
mod races;
#[path = "conformance/rotation.rs"]
mod rotation;
#[path = "conformance/settings_races.rs"]
mod settings_races;
#[path = "conformance/story.rs"]
mod story;
#[path = "conformance/upgrade.rs"]
mod upgrade;
#[path = "conformance/webhooks.rs"]
mod webhooks;

use auth_return_store::{Store, StoreError, connect};
#[cfg(feature = "sqlite")]
use databases::TempSqlite;
#[cfg(feature = "postgres")]
use databases::{on_postgres, with_database};
use std::sync::Arc;

async fn open(url: &str) -> Arc<dyn Store> {
    connect(url).await.expect("connect and migrate")
}

#[cfg(feature = "sqlite")]
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sqlite_story() {
    let db = TempSqlite::new();
    story::run(open(&db.url()).await).await;
}

#[cfg(feature = "sqlite")]
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sqlite_races_between_two_instances() {
    let db = TempSqlite::new();
    races::run(open(&db.url()).await, open(&db.url()).await).await;
}

#[cfg(feature = "postgres")]
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn postgres_story() {
    on_postgres(|url| async move { story::run(open(&url).await).await }).await;
}

#[cfg(feature = "postgres")]
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn postgres_connections_plan_each_statement_once() {
    on_postgres(|url| async move {
        let store = auth_return_store::PgStore::open(&url).await.unwrap();
        // Two connections held at once: the second is a new one, set up like the first.
        let mut first = store.pool().acquire().await.unwrap();
        let mut second = store.pool().acquire().await.unwrap();
        for connection in [&mut first, &mut second] {
            let (mode,): (String,) = sqlx::query_as("SHOW plan_cache_mode")
                .fetch_one(&mut **connection)
                .await
                .unwrap();
            assert_eq!(mode, "force_generic_plan");
        }
    })
    .await;
}

#[cfg(feature = "postgres")]
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn postgres_races_between_two_instances() {
    on_postgres(|url| async move { races::run(open(&url).await, open(&url).await).await }).await;
}

#[cfg(feature = "sqlite")]
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sqlite_schema_grows_atomically_between_two_instances() {
    let db = TempSqlite::new();
    settings_races::run(open(&db.url()).await, open(&db.url()).await).await;
}

#[cfg(feature = "postgres")]
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn postgres_schema_grows_atomically_between_two_instances() {
    on_postgres(|url| async move {
        settings_races::run(open(&url).await, open(&url).await).await;
    })
    .await;
}

#[cfg(feature = "sqlite")]
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sqlite_authorization_code_spent_first_once_between_two_instances() {
    let db = TempSqlite::new();
    oauth::spend_race(open(&db.url()).await, open(&db.url()).await).await;
}

#[cfg(feature = "postgres")]
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn postgres_authorization_code_spent_first_once_between_two_instances() {
    on_postgres(|url| async move {
        oauth::spend_race(open(&url).await, open(&url).await).await;
    })
    .await;
}

#[cfg(feature = "sqlite")]
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sqlite_totp_step_spent_once_between_two_instances() {
    let db = TempSqlite::new();
    mfa::spend_race(open(&db.url()).await, open(&db.url()).await).await;
}

#[cfg(feature = "postgres")]
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn postgres_totp_step_spent_once_between_two_instances() {
    on_postgres(|url| async move {
        mfa::spend_race(open(&url).await, open(&url).await).await;
    })
    .await;
}

#[cfg(feature = "sqlite")]
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sqlite_ceremony_taken_once_between_two_instances() {
    let db = TempSqlite::new();
    passkeys::take_race(open(&db.url()).await, open(&db.url()).await).await;
}

#[cfg(feature = "postgres")]
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn postgres_ceremony_taken_once_between_two_instances() {
    on_postgres(|url| async move {
        passkeys::take_race(open(&url).await, open(&url).await).await;
    })
    .await;
}

#[cfg(feature = "sqlite")]
#[tokio::test]
async fn sqlite_unknown_preferred_factor_is_a_corrupt_row() {
    use sqlx::sqlite::{SqliteConnectOptions, SqlitePoolOptions};
    use std::str::FromStr;

    let db = TempSqlite::new();
    let store = open(&db.url()).await;
    let options = SqliteConnectOptions::from_str(&db.url())
        .unwrap()
        .foreign_keys(true);
    // One connection, so that the pragma holds for every statement on it.
    let raw = SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(options)
        .await
        .unwrap();
    sqlx::query("PRAGMA ignore_check_constraints = ON")
        .execute(&raw)
        .await
        .unwrap();
    mfa::unknown_preferred(store, |pool_id, user_id| {
        let raw = raw.clone();
        async move {
            let done = sqlx::query(
                "UPDATE user_mfa SET preferred = 'SMS_MFA' WHERE pool_id = $1 AND user_id = $2",
            )
            .bind(pool_id)
            .bind(user_id)
            .execute(&raw)
            .await
            .unwrap();
            assert_eq!(done.rows_affected(), 1);
        }
    })
    .await;
    raw.close().await;
}

#[cfg(feature = "postgres")]
#[tokio::test]
async fn postgres_unknown_preferred_factor_is_a_corrupt_row() {
    on_postgres(|url| async move {
        let store = open(&url).await;
        let raw = sqlx::PgPool::connect(&url).await.unwrap();
        sqlx::query("ALTER TABLE user_mfa DROP CONSTRAINT user_mfa_preferred_check")
            .execute(&raw)
            .await
            .unwrap();
        mfa::unknown_preferred(store, |pool_id, user_id| {
            let raw = raw.clone();
            async move {
                let done = sqlx::query(
                    "UPDATE user_mfa SET preferred = 'SMS_MFA' \
                     WHERE pool_id = $1 AND user_id = $2",
                )
                .bind(pool_id)
                .bind(user_id)
                .execute(&raw)
                .await
                .unwrap();
                assert_eq!(done.rows_affected(), 1);
            }
        })
        .await;
        raw.close().await;
    })
    .await;
}

#[cfg(feature = "sqlite")]
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sqlite_change_feed_numbers_concurrent_writers_in_commit_order() {
    let db = TempSqlite::new();
    changes::concurrent(open(&db.url()).await, open(&db.url()).await).await;
}

#[cfg(feature = "postgres")]
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn postgres_change_feed_numbers_concurrent_writers_in_commit_order() {
    on_postgres(|url| async move {
        changes::concurrent(open(&url).await, open(&url).await).await;
    })
    .await;
}

#[cfg(feature = "sqlite")]
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sqlite_events_from_two_instances_all_land_with_distinct_ids() {
    let db = TempSqlite::new();
    events::concurrent(open(&db.url()).await, open(&db.url()).await).await;
}

#[cfg(feature = "postgres")]
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn postgres_events_from_two_instances_all_land_with_distinct_ids() {
    on_postgres(|url| async move {
        events::concurrent(open(&url).await, open(&url).await).await;
    })
    .await;
}

#[cfg(feature = "postgres")]
#[tokio::test]
async fn postgres_migrations_are_idempotent_across_instances() {
    on_postgres(|url| async move {
        let (a, b) = tokio::join!(connect(&url), connect(&url));
        a.expect("first instance");
        b.expect("second instance");
        drop(open(&url).await);
    })
    .await;
}

/// One conformance chapter on a fresh database of each backend: `sqlite_<name>` always,
/// `postgres_<name>` when a server is configured.
macro_rules! on_both {
    ($($name:ident => $chapter:path;)*) => {
        #[cfg(feature = "sqlite")]
        mod sqlite_chapters {
            use super::*;
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $name() {
                    let db = TempSqlite::new();
                    $chapter(open(&db.url()).await).await;
                }
            )*
        }
        #[cfg(feature = "postgres")]
        mod postgres_chapters {
            use super::*;
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn $name() {
                    on_postgres(|url| async move { $chapter(open(&url).await).await }).await;
                }
            )*
        }
    };
}

on_both! {
    app_settings_and_update_app => admin::apps;
    user_pending_email_and_password_expiry => admin::user_fields;
    list_users_pages_and_filters => admin::list_users;
    list_users_by_value_pages_through_ties => admin::list_users_by_value_pages;
    refresh_tokens_rotate_and_cascade => rotation::refresh_tokens;
    prune_expired_removes_only_expired_rows => rotation::prune;
    signing_keys_insert_list_delete => keys_and_revocations::signing_keys;
    revocations_recorded_by_revoke_and_delete_user => keys_and_revocations::recorded;
    revocation_feed_pages_filters_and_prunes => keys_and_revocations::feed_order;
    lockouts_upsert_clear_isolate_cascade_and_prune => lockouts::lockouts;
    api_keys_store_find_list_count_revoke_touch_cascade => api_keys::api_keys;
    api_keys_of_provider_users_are_theirs_alone => api_keys::external_user_api_keys;
    access_keys_store_find_list_count_revoke_touch_cascade => access_keys::access_keys;
    access_keys_hold_their_cap_under_a_burst => access_keys::access_key_burst;
    groups_and_members_store_list_order_and_cascade => groups::groups;
    group_memberships_hold_their_cap_under_a_burst => groups::membership_burst;
    identity_providers_store_list_order_and_cascade => identity_providers::identity_providers;
    clients_add_list_update_and_delete_with_their_sessions => clients::clients;
    clients_hold_their_cap_under_a_burst => clients::client_burst;
    change_feed_records_key_changes_in_order => changes::recorded;
    events_record_read_filter_isolate_and_cascade => events::recorded;
    events_page_by_cursor_without_gaps_or_repeats => events::paging;
    events_prune_by_age_in_batches => events::prune;
    spent_authorization_codes_first_again_isolate_and_cascade => oauth::authorization_codes;
    hosted_sessions_get_with_user_delete_isolate_and_cascade => oauth::hosted_sessions;
    session_scope_round_trips_through_refresh_tokens => oauth::session_scope;
    prune_expired_keeps_just_expired_authorization_codes => oauth::prune;
    user_mfa_round_trips_replaces_isolates_and_cascades => mfa::records;
    totp_steps_are_spent_once_and_in_order => mfa::totp_steps;
    passkeys_round_trip_unique_per_pool_used_deleted_and_cascade => passkeys::records;
    ceremonies_replace_take_once_expire_and_prune => passkeys::ceremonies;
    webhooks_store_queue_claim_attempt_disable_and_cascade => webhooks::webhooks;
    webhook_deliveries_are_claimed_once_by_racing_instances => webhooks::claim_race;
}

#[cfg(feature = "sqlite")]
#[tokio::test]
async fn sqlite_upgrades_a_0001_database() {
    use sqlx::sqlite::{SqliteConnectOptions, SqlitePoolOptions};
    use std::str::FromStr;

    let db = TempSqlite::new();
    std::fs::create_dir_all(&db.dir).unwrap();
    let url = format!("sqlite://{}", db.dir.join("old.db").display());
    let options = SqliteConnectOptions::from_str(&url)
        .unwrap()
        .create_if_missing(true)
        .foreign_keys(true);
    let raw = SqlitePoolOptions::new()
        .max_connections(1)
        .connect_with(options)
        .await
        .unwrap();
    auth_return_store::migrations::sqlite()
        .run_to(1, &raw)
        .await
        .unwrap();
    upgrade::check_upgrade!(raw, url);
}

#[cfg(feature = "postgres")]
#[tokio::test]
async fn postgres_upgrades_a_0001_database() {
    on_postgres(|url| async move {
        let raw = sqlx::PgPool::connect(&url).await.unwrap();
        auth_return_store::migrations::postgres()
            .run_to(1, &raw)
            .await
            .unwrap();
        upgrade::check_upgrade!(raw, url);
        raw.close().await;
    })
    .await;
}

#[cfg(feature = "sqlite")]
#[tokio::test]
async fn sqlite_reopens_with_data_and_schema_kept() {
    let db = TempSqlite::new();
    let (app, key) = fixtures::app("kept", None, 10);
    open(&db.url())
        .await
        .insert_app(&app, Some(&key))
        .await
        .unwrap();
    let again = open(&db.url()).await;
    assert_eq!(again.get_app(&app.id).await.unwrap(), Some(app));
}

#[cfg(feature = "sqlite")]
#[tokio::test]
async fn sqlite_in_memory_works() {
    story::run(open("sqlite::memory:").await).await;
}

#[tokio::test]
async fn unknown_schemes_are_refused() {
    for url in ["mysql://root@localhost/x", "file:///tmp/x.db", "nonsense"] {
        assert!(
            matches!(connect(url).await, Err(StoreError::Backend(_))),
            "{url}"
        );
    }
}

#[cfg(feature = "postgres")]
#[test]
fn database_names_are_replaced_in_urls() {
    assert_eq!(
        with_database("postgres://u@h:1/db", "x"),
        "postgres://u@h:1/x"
    );
    assert_eq!(
        with_database("postgres://u:p@h/db?sslmode=disable", "x"),
        "postgres://u:p@h/x?sslmode=disable"
    );
    assert_eq!(
        with_database("postgresql://h:5432", "x"),
        "postgresql://h:5432/x"
    );
}

#[cfg(feature = "sqlite")]
#[tokio::test]
async fn sqlite_connections_are_tuned() {
    let db = TempSqlite::new();
    let store = auth_return_store::SqliteStore::open(&db.url())
        .await
        .unwrap();
    let mut conn = store.pool().acquire().await.unwrap();
    let text = |sql: &'static str| sqlx::query_scalar::<_, String>(sql);
    let int = |sql: &'static str| sqlx::query_scalar::<_, i64>(sql);
    assert_eq!(
        text("PRAGMA journal_mode")
            .fetch_one(&mut *conn)
            .await
            .unwrap(),
        "wal"
    );
    assert_eq!(
        int("PRAGMA foreign_keys")
            .fetch_one(&mut *conn)
            .await
            .unwrap(),
        1
    );
    assert_eq!(
        int("PRAGMA synchronous")
            .fetch_one(&mut *conn)
            .await
            .unwrap(),
        1,
        "NORMAL"
    );
    assert_eq!(
        int("PRAGMA busy_timeout")
            .fetch_one(&mut *conn)
            .await
            .unwrap(),
        5_000
    );
}
