//! The SQL both dialects share, written once.
//!
//! SQLite and PostgreSQL agree on almost every statement here (SQLite takes `$N` placeholders
//! too), and the typed ids bind directly in both (their encodings are in `auth-return-core`'s
//! `ids/sql.rs`). So each aggregate's store is one macro body, here, that each dialect's module
//! expands for its own store type with [`stores!`]; a body is type-checked against each
//! dialect's sqlx types at its expansion. What truly differs — locking, the one-statement
//! revocation PostgreSQL can write with a data-modifying `WITH`, a few expressions — stays in
//! the dialect's `dialect.rs`, behind the same few associated functions on both stores:
//!
//! - `lock_user(tx, pool_id, user_id) -> bool`: holds the user row until commit, `false` if
//!   there is none;
//! - `lock_app(tx, app_id)`: holds the app row, if any, until commit (against a count-then-insert
//!   race);
//! - `revoke_sessions(tx, pool_id, at, whose) -> u64`: revokes sessions and records their
//!   revocations;
//! - `insert_first_user(pool, user) -> bool`: a user into an empty pool only;
//! - `lock_change_feed(tx)`: serializes writers of the change feed until commit;
//!
//! and the literal expressions [`stores!`] takes.

pub(crate) mod access_keys;
pub(crate) mod api_keys;
pub(crate) mod apps;
pub(crate) mod authorization_codes;
pub(crate) mod challenges;
pub(crate) mod changes;
pub(crate) mod clients;
pub(crate) mod codes;
pub(crate) mod events;
pub(crate) mod groups;
pub(crate) mod hosted_sessions;
pub(crate) mod identity_providers;
pub(crate) mod lockouts;
pub(crate) mod mail_quotas;
pub(crate) mod mfa;
pub(crate) mod passkeys;
pub(crate) mod pruning;
pub(crate) mod refresh_tokens;
pub(crate) mod revocations;
pub(crate) mod rows;
pub(crate) mod sessions;
pub(crate) mod signing_keys;
pub(crate) mod users;
pub(crate) mod webhooks;

use auth_return_core::ids::{ClientId, SessionId, UserId};

/// Whose sessions `revoke_sessions` revokes.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Whose<'a> {
    /// One session.
    Session(SessionId),
    /// Every session of a user.
    User(UserId),
    /// Every session opened through a client.
    Client(&'a ClientId),
}

/// Implements every aggregate's store trait (so `Store`) for a dialect's store type, a struct
/// with a sqlx `pool` and a `claims: AtomicU64` counter.
///
/// `db` is the sqlx database type; `user_id_text` the expression of `users.user_id` as its
/// hyphenated text; `email_bytes` the expression of `users.email` compared by code point, as
/// its index is ordered; `attribute_before` and `attribute_after` the text around an attribute's
/// name that make the expression of its value (text, NULL when missing), compared by code
/// point, exactly as migration 0022 indexes it; `key_order` the column of `k` (API keys, access
/// keys) that orders rows created in the same second by creation.
macro_rules! stores {
    (
        $store:ty,
        db: $db:ty,
        user_id_text: $user_id_text:literal,
        email_bytes: $email_bytes:literal,
        attribute_before: $attribute_before:literal,
        attribute_after: $attribute_after:literal,
        key_order: $key_order:literal $(,)?
    ) => {
        $crate::sql::rows::row_mapping!($db);
        $crate::sql::apps::app_store!($store, $db);
        $crate::sql::clients::client_store!($store, $db);
        $crate::sql::signing_keys::signing_key_store!($store, $db);
        $crate::sql::users::user_store!(
            $store,
            $db,
            $user_id_text,
            $email_bytes,
            $attribute_before,
            $attribute_after
        );
        $crate::sql::codes::code_store!($store);
        $crate::sql::sessions::session_store!($store);
        $crate::sql::refresh_tokens::refresh_token_store!($store);
        $crate::sql::challenges::challenge_store!($store);
        $crate::sql::authorization_codes::authorization_code_store!($store);
        $crate::sql::hosted_sessions::hosted_session_store!($store);
        $crate::sql::revocations::revocation_store!($store);
        $crate::sql::lockouts::lockout_store!($store);
        $crate::sql::mfa::mfa_store!($store);
        $crate::sql::passkeys::passkey_store!($store);
        $crate::sql::api_keys::api_key_store!($store, $key_order);
        $crate::sql::access_keys::access_key_store!($store, $key_order);
        $crate::sql::groups::group_store!($store);
        $crate::sql::identity_providers::identity_provider_store!($store);
        $crate::sql::mail_quotas::mail_quota_store!($store);
        $crate::sql::changes::change_store!($store, $db);
        $crate::sql::events::event_store!($store, $db);
        $crate::sql::pruning::prune_store!($store);
        $crate::sql::webhooks::webhook_store!($store, $db);
    };
}
pub(crate) use stores;

/// The inherent methods both stores share: wrapping a pool, migrating it, handing it out.
/// `migrations` is the dialect's [`crate::migrations`] function, `name` the database's name in
/// errors.
macro_rules! pool_access {
    ($store:ident, $pool:ty, migrations: $migrations:path, name: $name:literal $(,)?) => {
        impl $store {
            /// Wraps an existing pool (SQLite's connections must have `foreign_keys` on).
            /// Does not migrate.
            pub fn from_pool(pool: $pool) -> Self {
                Self {
                    pool,
                    claims: std::sync::atomic::AtomicU64::new(0),
                }
            }

            /// Applies the dialect's pending migrations.
            pub async fn migrate(&self) -> auth_return_core::store::StoreResult<()> {
                $migrations().run(&self.pool).await.map_err(|e| {
                    auth_return_core::store::StoreError::Backend(format!(
                        concat!($name, " migrations: {}"),
                        e
                    ))
                })
            }

            /// The underlying pool.
            pub fn pool(&self) -> &$pool {
                &self.pool
            }
        }

        impl auth_return_core::store::ConnectionStore for $store {
            fn connection_use(&self) -> auth_return_core::store::ConnectionUse {
                let open = self.pool.size();
                let idle = u32::try_from(self.pool.num_idle()).unwrap_or(open);
                auth_return_core::store::ConnectionUse {
                    in_use: open.saturating_sub(idle),
                    idle,
                    max: self.pool.options().get_max_connections(),
                }
            }
        }
    };
}
pub(crate) use pool_access;

/// Binds the id of `$whose` (a [`Whose`]) to `$query`.
macro_rules! bind_whose {
    ($query:expr, $whose:expr) => {
        match $whose {
            $crate::sql::Whose::Session(id) => $query.bind(id),
            $crate::sql::Whose::User(id) => $query.bind(id),
            $crate::sql::Whose::Client(id) => $query.bind(id),
        }
    };
}
pub(crate) use bind_whose;
