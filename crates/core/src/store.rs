//! The storage contract. Every method that touches tenant data takes the pool first.

use crate::ids::{ApiKeyId, AppId, ClientId, PoolId, UserId};
use crate::model::{
    ApiKey, App, Change, CodePurpose, CodeRecord, LockoutRecord, RefreshTokenRecord, Revocation,
    Session, SigningKeyRecord, Timestamp, User, UserFilter,
};
use async_trait::async_trait;

/// What can go wrong in storage.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A uniqueness constraint was violated (e.g. the email is taken in that pool).
    #[error("conflict: {0}")]
    Conflict(&'static str),
    /// The backend failed; the text is for logs only, never for clients.
    #[error("storage backend: {0}")]
    Backend(String),
}

/// Result of a store call.
pub type StoreResult<T> = Result<T, StoreError>;

/// How many of the newest changes pruning keeps: a reader further behind than that finds a gap
/// and drops everything it cached.
pub const CHANGES_KEPT: i64 = 10_000;

/// Persistent state of Auth Return. Implemented for SQLite and PostgreSQL by `auth-return-store`.
#[async_trait]
pub trait Store: Send + Sync + 'static {
    // ---- apps, pools, clients, signing keys ----

    /// Creates an app with its pool, client and first signing key, atomically.
    async fn insert_app(&self, app: &App, key: &SigningKeyRecord) -> StoreResult<()>;
    /// An app by id.
    async fn get_app(&self, app_id: &AppId) -> StoreResult<Option<App>>;
    /// An app by its pool id.
    async fn get_app_by_pool(&self, pool_id: &PoolId) -> StoreResult<Option<App>>;
    /// Apps owned by `owner`, or every app when `owner` is `None`, oldest first.
    async fn list_apps(&self, owner: Option<UserId>) -> StoreResult<Vec<App>>;
    /// Replaces an app's mutable fields: name, origins, settings, and its client's token
    /// lifetimes. `false` if unknown.
    async fn update_app(&self, app: &App) -> StoreResult<bool>;
    /// Deletes an app with its pool, client, keys, users, sessions and codes, and records a
    /// `SigningKeys` change for its pool in the same transaction. `false` if unknown.
    async fn delete_app(&self, app_id: &AppId) -> StoreResult<bool>;
    /// The app that owns client `client_id`.
    async fn get_app_by_client(&self, client_id: &ClientId) -> StoreResult<Option<App>>;
    /// The pool's signing keys, newest (`created_at`, then `kid`) first.
    async fn signing_keys(&self, pool_id: &PoolId) -> StoreResult<Vec<SigningKeyRecord>>;
    /// Adds a signing key to its pool (`Conflict` on a duplicate kid) and records a
    /// `SigningKeys` change for the pool, atomically.
    async fn insert_signing_key(&self, key: &SigningKeyRecord) -> StoreResult<()>;
    /// Removes a signing key and records a `SigningKeys` change for the pool, atomically.
    /// `false` (and nothing recorded) if unknown.
    async fn delete_signing_key(&self, pool_id: &PoolId, kid: &str) -> StoreResult<bool>;

    // ---- users ----

    /// Stores a new user. `Conflict` when the email is taken in that pool.
    async fn insert_user(&self, user: &User) -> StoreResult<()>;
    /// Stores a new user only if the user's pool has no user at all, deciding atomically (a
    /// burst of calls on an empty pool, spread over any number of instances, stores exactly
    /// one). `true` if stored, `false` if the pool had a user; `Conflict` as `insert_user`.
    async fn insert_first_user(&self, user: &User) -> StoreResult<bool>;
    /// Replaces a user's mutable fields (email, flags, status, verifier, attributes, updated_at).
    async fn update_user(&self, user: &User) -> StoreResult<()>;
    /// A user by id.
    async fn get_user(&self, pool_id: &PoolId, user_id: UserId) -> StoreResult<Option<User>>;
    /// A user by (lowercased) email.
    async fn get_user_by_email(&self, pool_id: &PoolId, email: &str) -> StoreResult<Option<User>>;
    /// Deletes a user with their sessions and codes, recording a revocation (at `at`) for each
    /// session that was not revoked yet, atomically. `false` if unknown.
    async fn delete_user(
        &self,
        pool_id: &PoolId,
        user_id: UserId,
        at: Timestamp,
    ) -> StoreResult<bool>;
    /// Users of a pool ordered by id, those with an id greater than `after`, at most `limit`,
    /// matching `filter` when given.
    async fn list_users(
        &self,
        pool_id: &PoolId,
        filter: Option<&UserFilter>,
        after: Option<UserId>,
        limit: usize,
    ) -> StoreResult<Vec<User>>;

    // ---- one-time codes ----

    /// Stores (or replaces) the user's pending code for `purpose`.
    async fn put_code(
        &self,
        pool_id: &PoolId,
        user_id: UserId,
        purpose: CodePurpose,
        code: &CodeRecord,
    ) -> StoreResult<()>;
    /// The user's pending code for `purpose`.
    async fn get_code(
        &self,
        pool_id: &PoolId,
        user_id: UserId,
        purpose: CodePurpose,
    ) -> StoreResult<Option<CodeRecord>>;
    /// Counts a guess against the pending code before it is judged, in one statement, but only
    /// while it has fewer than `max_attempts` guesses counted and `expires_at > now`: however
    /// many guesses arrive at once, at most `max_attempts` are ever judged. Returns the code as
    /// it is after the count; `None` when there is none, it expired or its guesses are spent.
    async fn reserve_code_guess(
        &self,
        pool_id: &PoolId,
        user_id: UserId,
        purpose: CodePurpose,
        max_attempts: i64,
        now: Timestamp,
    ) -> StoreResult<Option<CodeRecord>>;
    /// Deletes the pending code if its hash is `code_hash`; `true` if this call consumed it
    /// (so two concurrent uses of one code cannot both succeed).
    async fn take_code(
        &self,
        pool_id: &PoolId,
        user_id: UserId,
        purpose: CodePurpose,
        code_hash: &[u8],
    ) -> StoreResult<bool>;
    /// Deletes the pending code for `purpose`, whatever it is.
    async fn delete_code(
        &self,
        pool_id: &PoolId,
        user_id: UserId,
        purpose: CodePurpose,
    ) -> StoreResult<()>;

    // ---- sign-in sessions ----

    /// Stores a new sign-in session and its first refresh token (`session.refresh_hash`).
    async fn insert_session(&self, session: &Session) -> StoreResult<()>;
    /// The refresh token hashing to `refresh_hash`, with its session.
    async fn get_refresh_token(
        &self,
        refresh_hash: &[u8],
    ) -> StoreResult<Option<(Session, RefreshTokenRecord)>>;
    /// Adds `new_hash` to the session (nothing to add when the session has it already: a
    /// repeated rotation; `Conflict` when another session has it) and marks `presented_hash`
    /// superseded at `now` (unless it already was), atomically.
    async fn rotate_refresh_token(
        &self,
        pool_id: &PoolId,
        session_id: uuid::Uuid,
        presented_hash: &[u8],
        new_hash: &[u8],
        now: Timestamp,
    ) -> StoreResult<()>;
    /// A session by `origin_jti`.
    async fn get_session(&self, pool_id: &PoolId, id: uuid::Uuid) -> StoreResult<Option<Session>>;
    /// Marks one session revoked (no-op if already revoked). Every session this or
    /// `revoke_user_sessions` newly revokes also gets a `Revocation` whose `expires_at` is `at`
    /// plus its client's token validity, in the same transaction.
    async fn revoke_session(
        &self,
        pool_id: &PoolId,
        id: uuid::Uuid,
        at: Timestamp,
    ) -> StoreResult<()>;
    /// Marks every live session of a user revoked; returns how many.
    async fn revoke_user_sessions(
        &self,
        pool_id: &PoolId,
        user_id: UserId,
        at: Timestamp,
    ) -> StoreResult<u64>;

    // ---- single-use SRP challenges ----

    /// Records that the challenge `nonce` has been answered. `true` the first time, `false` on
    /// replay. Expired entries may be pruned at any time after `expires_at`.
    async fn claim_challenge(
        &self,
        nonce: &[u8],
        expires_at: Timestamp,
        now: Timestamp,
    ) -> StoreResult<bool>;

    // ---- revocation feed ----

    /// Revocations of a pool still in force at `now` (`expires_at > now`), ordered by
    /// (`revoked_at`, `origin_jti` as text), after the `after` position, at most `limit`.
    async fn list_revocations(
        &self,
        pool_id: &PoolId,
        after: Option<(Timestamp, uuid::Uuid)>,
        now: Timestamp,
        limit: usize,
    ) -> StoreResult<Vec<Revocation>>;

    // ---- sign-in lockout ----

    /// The failure streak of `subject` (an opaque sign-in name key) in a pool.
    async fn get_lockout(
        &self,
        pool_id: &PoolId,
        subject: &str,
    ) -> StoreResult<Option<LockoutRecord>>;
    /// Replaces the failure streak of `subject` with `next` only if it is still `expected`
    /// (`None`: there is no streak), in one statement; `true` if it did. Concurrent attempts
    /// each reserve their count this way, so none is lost and none judged past a lock.
    async fn swap_lockout(
        &self,
        pool_id: &PoolId,
        subject: &str,
        expected: Option<&LockoutRecord>,
        next: &LockoutRecord,
    ) -> StoreResult<bool>;
    /// Forgets the failure streak of `subject` (after a successful sign-in).
    async fn clear_lockout(&self, pool_id: &PoolId, subject: &str) -> StoreResult<()>;

    // ---- API keys ----

    /// Stores a new API key (`Conflict` on a taken id or hash). Its app must exist; a user's key
    /// names a user of that app's pool. Keys go with their app, and a user's keys with the user.
    async fn insert_api_key(&self, key: &ApiKey) -> StoreResult<()>;
    /// An API key by id.
    async fn get_api_key(&self, key_id: &ApiKeyId) -> StoreResult<Option<ApiKey>>;
    /// The API key whose hash is `hash`, and whether its owner may use it: `true` for a key of
    /// the app itself, for a user's key whether that user is enabled. One read.
    async fn get_api_key_by_hash(&self, hash: &[u8]) -> StoreResult<Option<(ApiKey, bool)>>;
    /// The keys of an app (revoked and expired ones too), only `user`'s when given; oldest
    /// (`created_at`, then id) first.
    async fn list_api_keys(&self, app_id: &AppId, user: Option<UserId>)
    -> StoreResult<Vec<ApiKey>>;
    /// How many keys with exactly this owner are live at `now` (not revoked, not expired):
    /// `owner`'s, or the app's own keys (no user) when `owner` is `None`.
    async fn count_live_api_keys(
        &self,
        app_id: &AppId,
        owner: Option<UserId>,
        now: Timestamp,
    ) -> StoreResult<u64>;
    /// Marks a key revoked at `at` unless it already is. `true` if this call revoked it.
    async fn revoke_api_key(&self, key_id: &ApiKeyId, at: Timestamp) -> StoreResult<bool>;
    /// Marks every live key of a user revoked at `at`; returns how many.
    async fn revoke_user_api_keys(
        &self,
        pool_id: &PoolId,
        user_id: UserId,
        at: Timestamp,
    ) -> StoreResult<u64>;
    /// Sets a key's `last_used_at` to `at` when it is unset or not after `stale_at`, in one
    /// statement (so instances sharing the database write at most once per interval). `true`
    /// if it wrote.
    async fn touch_api_key(
        &self,
        key_id: &ApiKeyId,
        at: Timestamp,
        stale_at: Timestamp,
    ) -> StoreResult<bool>;

    // ---- mail quotas ----

    /// Counts one mail against `subject`'s quota for the window ending at `window_ends_at`,
    /// in one statement, but only while fewer than `limit` are counted: however many
    /// reservations arrive at once, on any number of instances, at most `limit` succeed per
    /// window. `true` if this one was counted.
    async fn reserve_mail_quota(
        &self,
        subject: &str,
        window_ends_at: Timestamp,
        limit: i64,
    ) -> StoreResult<bool>;

    // ---- change feed ----

    /// Recorded changes with `seq > after`, oldest first, at most `limit`. Entries are numbered
    /// in commit order: once a reader has seen `seq`, no entry below it can appear later.
    async fn changes_since(&self, after: i64, limit: usize) -> StoreResult<Vec<Change>>;
    /// The newest change's `seq`, 0 when none was ever recorded.
    async fn latest_change(&self) -> StoreResult<i64>;

    // ---- housekeeping ----

    /// Deletes sessions (with their refresh tokens), codes, revocations and mail-quota windows
    /// that expired (ended) before `now`, failure streaks whose last failure is more than an hour before `now`, and all but
    /// the newest [`CHANGES_KEPT`] changes (never the newest one); returns how many rows went.
    async fn prune_expired(&self, now: Timestamp) -> StoreResult<u64>;
}
