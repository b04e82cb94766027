//! Row mapping for SQLite: ids are TEXT (UUIDs hyphenated), booleans INTEGER.

use crate::convert::{
    attributes_from_json, origins_from_json, scopes_from_json, settings_from_json, status_from_str,
};
use crate::error::{backend, corrupt};
use auth_return_core::ids::{ApiKeyId, AppId, ClientId, PoolId, UserId};
use auth_return_core::model::{
    ApiKey, App, Client, CodeRecord, LockoutRecord, RefreshTokenRecord, Revocation, Session,
    SigningKeyRecord, User,
};
use auth_return_core::store::StoreResult;
use sqlx::Row;
use sqlx::sqlite::SqliteRow;

/// `SELECT` of everything [`app`] reads, from `apps a JOIN clients c`.
macro_rules! select_app {
    () => {
        "SELECT a.app_id, a.name, a.owner_id, a.pool_id, a.origins, a.settings, a.created_at, \
         c.client_id, c.pool_id AS client_pool_id, c.sealed_secret, c.token_validity_secs, \
         c.refresh_validity_secs FROM apps a JOIN clients c ON c.app_id = a.app_id"
    };
}
pub(super) use select_app;

/// `SELECT` of everything [`user`] reads.
macro_rules! select_user {
    () => {
        "SELECT pool_id, user_id, email, email_verified, status, enabled, salt_hex, \
         sealed_verifier, attributes, pending_email, password_expires_at, created_at, updated_at \
         FROM users"
    };
}
pub(super) use select_user;

/// The columns [`api_key`] reads, of `api_keys k`.
macro_rules! api_key_columns {
    () => {
        "k.key_id, k.app_id, k.pool_id, k.user_id, k.name, k.prefix, k.hash, k.scopes, \
         k.created_at, k.expires_at, k.last_used_at, k.revoked_at"
    };
}
pub(super) use api_key_columns;

/// `SELECT` of everything [`api_key`] reads, from `api_keys k`.
macro_rules! select_api_key {
    () => {
        concat!("SELECT ", api_key_columns!(), " FROM api_keys k")
    };
}
pub(super) use select_api_key;

/// `SELECT` of everything [`session`] reads.
macro_rules! select_session {
    () => {
        "SELECT id, pool_id, client_id, user_id, refresh_hash, auth_time, expires_at, revoked_at \
         FROM sessions"
    };
}
pub(super) use select_session;

/// `SELECT` of everything [`refresh_token`] reads: a token joined with its session.
macro_rules! select_refresh_token {
    () => {
        "SELECT s.id, s.pool_id, s.client_id, s.user_id, s.refresh_hash, s.auth_time, \
         s.expires_at, s.revoked_at, t.hash AS token_hash, t.created_at AS token_created_at, \
         t.superseded_at FROM refresh_tokens t JOIN sessions s ON s.id = t.session_id"
    };
}
pub(super) use select_refresh_token;

/// Records a revocation (at `?1`, expiring `?1` plus the client's token validity) for every
/// not-yet-revoked session of pool `?2` that also meets `$cond` (`AND …`, binding `?3`). Run
/// before the statement that revokes or deletes those sessions, in its transaction. An entry
/// that exists already is kept.
macro_rules! record_revocations {
    ($cond:literal) => {
        concat!(
            "INSERT INTO revocations (pool_id, origin_jti, revoked_at, expires_at) \
             SELECT s.pool_id, s.id, ?1, ?1 + c.token_validity_secs \
             FROM sessions s JOIN clients c ON c.client_id = s.client_id \
             WHERE s.revoked_at IS NULL AND s.pool_id = ?2",
            $cond,
            " ON CONFLICT (pool_id, origin_jti) DO NOTHING"
        )
    };
}
pub(super) use record_revocations;

/// The text form every UUID is stored in.
pub(super) fn uuid_text(id: uuid::Uuid) -> String {
    id.hyphenated().to_string()
}

fn uuid_col(row: &SqliteRow, column: &str) -> StoreResult<uuid::Uuid> {
    let text: String = row.try_get(column).map_err(backend)?;
    uuid::Uuid::try_parse(&text).map_err(|_| corrupt(column))
}

fn get<'r, T>(row: &'r SqliteRow, column: &str) -> StoreResult<T>
where
    T: sqlx::Decode<'r, sqlx::Sqlite> + sqlx::Type<sqlx::Sqlite>,
{
    row.try_get(column).map_err(backend)
}

/// An app with its client.
pub(super) fn app(row: &SqliteRow) -> StoreResult<App> {
    let app_id = AppId::new(get::<String>(row, "app_id")?);
    let owner = get::<Option<String>>(row, "owner_id")?
        .map(|text| UserId::parse(&text).ok_or_else(|| corrupt("apps.owner_id")))
        .transpose()?;
    Ok(App {
        client: Client {
            id: ClientId::new(get::<String>(row, "client_id")?),
            pool_id: PoolId::new(get::<String>(row, "client_pool_id")?),
            app_id: app_id.clone(),
            sealed_secret: get(row, "sealed_secret")?,
            token_validity_secs: get(row, "token_validity_secs")?,
            refresh_validity_secs: get(row, "refresh_validity_secs")?,
        },
        id: app_id,
        name: get(row, "name")?,
        owner,
        pool_id: PoolId::new(get::<String>(row, "pool_id")?),
        origins: origins_from_json(&get::<String>(row, "origins")?)?,
        settings: settings_from_json(&get::<String>(row, "settings")?)?,
        created_at: get(row, "created_at")?,
    })
}

/// A signing key.
pub(super) fn signing_key(row: &SqliteRow) -> StoreResult<SigningKeyRecord> {
    Ok(SigningKeyRecord {
        kid: get(row, "kid")?,
        pool_id: PoolId::new(get::<String>(row, "pool_id")?),
        sealed_private_key: get(row, "sealed_private_key")?,
        created_at: get(row, "created_at")?,
        activates_at: get(row, "activates_at")?,
    })
}

/// A revocation-feed entry.
pub(super) fn revocation(row: &SqliteRow) -> StoreResult<Revocation> {
    Ok(Revocation {
        pool_id: PoolId::new(get::<String>(row, "pool_id")?),
        origin_jti: uuid_col(row, "origin_jti")?,
        revoked_at: get(row, "revoked_at")?,
        expires_at: get(row, "expires_at")?,
    })
}

/// A user.
pub(super) fn user(row: &SqliteRow) -> StoreResult<User> {
    Ok(User {
        pool_id: PoolId::new(get::<String>(row, "pool_id")?),
        id: UserId::from_uuid(uuid_col(row, "user_id")?),
        email: get(row, "email")?,
        email_verified: get(row, "email_verified")?,
        status: status_from_str(&get::<String>(row, "status")?)?,
        enabled: get(row, "enabled")?,
        salt_hex: get(row, "salt_hex")?,
        sealed_verifier: get(row, "sealed_verifier")?,
        attributes: attributes_from_json(&get::<String>(row, "attributes")?)?,
        pending_email: get(row, "pending_email")?,
        password_expires_at: get(row, "password_expires_at")?,
        created_at: get(row, "created_at")?,
        updated_at: get(row, "updated_at")?,
    })
}

/// A pending code.
pub(super) fn code(row: &SqliteRow) -> StoreResult<CodeRecord> {
    Ok(CodeRecord {
        code_hash: get(row, "code_hash")?,
        expires_at: get(row, "expires_at")?,
        failed_attempts: get(row, "failed_attempts")?,
    })
}

/// A sign-in failure streak.
pub(super) fn lockout(row: &SqliteRow) -> StoreResult<LockoutRecord> {
    Ok(LockoutRecord {
        failures: get(row, "failures")?,
        last_failure_at: get(row, "last_failure_at")?,
        locked_until_ms: get(row, "locked_until")?,
    })
}

/// A sign-in session.
pub(super) fn session(row: &SqliteRow) -> StoreResult<Session> {
    Ok(Session {
        id: uuid_col(row, "id")?,
        pool_id: PoolId::new(get::<String>(row, "pool_id")?),
        client_id: ClientId::new(get::<String>(row, "client_id")?),
        user_id: UserId::from_uuid(uuid_col(row, "user_id")?),
        refresh_hash: get(row, "refresh_hash")?,
        auth_time: get(row, "auth_time")?,
        expires_at: get(row, "expires_at")?,
        revoked_at: get(row, "revoked_at")?,
    })
}

/// A refresh token with its session, from [`select_refresh_token`].
pub(super) fn refresh_token(row: &SqliteRow) -> StoreResult<(Session, RefreshTokenRecord)> {
    let session = session(row)?;
    let token = RefreshTokenRecord {
        hash: get(row, "token_hash")?,
        session_id: session.id,
        created_at: get(row, "token_created_at")?,
        superseded_at: get(row, "superseded_at")?,
    };
    Ok((session, token))
}

/// An API key.
pub(super) fn api_key(row: &SqliteRow) -> StoreResult<ApiKey> {
    Ok(ApiKey {
        id: ApiKeyId::new(get::<String>(row, "key_id")?),
        app_id: AppId::new(get::<String>(row, "app_id")?),
        pool_id: PoolId::new(get::<String>(row, "pool_id")?),
        user_id: get::<Option<String>>(row, "user_id")?
            .map(|text| {
                uuid::Uuid::try_parse(&text)
                    .map(UserId::from_uuid)
                    .map_err(|_| corrupt("api_keys.user_id"))
            })
            .transpose()?,
        name: get(row, "name")?,
        prefix: get(row, "prefix")?,
        hash: get(row, "hash")?,
        scopes: scopes_from_json(&get::<String>(row, "scopes")?)?,
        created_at: get(row, "created_at")?,
        expires_at: get(row, "expires_at")?,
        last_used_at: get(row, "last_used_at")?,
        revoked_at: get(row, "revoked_at")?,
    })
}
