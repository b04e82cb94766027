//! The `SELECT`s every aggregate reads with, and the mapping of their rows onto the model, for
//! both dialects.

/// `SELECT` of everything `rows::app` reads, from `apps a JOIN clients c`.
macro_rules! select_app {
    ($($which:ident)?) => {
        concat!(
            "SELECT a.app_id, a.name, a.owner_id, a.pool_id, a.origins, a.settings, a.external, a.created_at, \
             c.client_id, c.pool_id AS client_pool_id, c.sealed_secret, c.token_validity_secs, \
             c.refresh_validity_secs, c.is_primary, c.profile, c.created_at AS client_created_at, \
             c.updated_at AS client_updated_at FROM apps a JOIN clients c ON c.app_id = a.app_id",
            select_app!(@which $($which)?)
        )
    };
    (@which) => { " AND c.is_primary = TRUE" };
    (@which any_client) => { "" };
}
pub(crate) use select_app;

/// `SELECT` of everything `rows::user` reads.
macro_rules! select_user {
    () => {
        "SELECT pool_id, user_id, email, email_verified, status, enabled, salt_hex, \
         sealed_verifier, attributes, pending_email, password_expires_at, created_at, updated_at \
         FROM users"
    };
}
pub(crate) use select_user;

/// The columns `rows::api_key` reads, of `api_keys k`.
macro_rules! api_key_columns {
    () => {
        "k.key_id, k.app_id, k.pool_id, COALESCE(k.user_id, k.external_user_id) AS user_id, \
         k.external_user_id IS NOT NULL AS external_user, k.name, k.prefix, k.hash, k.scopes, \
         k.created_at, k.expires_at, k.last_used_at, k.revoked_at"
    };
}
pub(crate) use api_key_columns;

/// `SELECT` of everything `rows::api_key` reads, from `api_keys k`.
macro_rules! select_api_key {
    () => {
        concat!(
            "SELECT ",
            $crate::sql::rows::api_key_columns!(),
            " FROM api_keys k"
        )
    };
}
pub(crate) use select_api_key;

/// `SELECT` of everything `rows::access_key` reads, from `access_keys k`.
macro_rules! select_access_key {
    () => {
        "SELECT k.access_key_id, k.pool_id, k.developer_id, k.app_id, k.read_only, k.name, \
         k.sealed_secret, k.created_at, k.last_used_at, k.revoked_at FROM access_keys k"
    };
}
pub(crate) use select_access_key;

/// `SELECT` of everything `rows::group` reads, from `pool_groups g`.
macro_rules! select_group {
    () => {
        concat!(
            "SELECT g.pool_id, ",
            $crate::sql::rows::group_columns!(),
            " FROM pool_groups g"
        )
    };
}
pub(crate) use select_group;

/// The columns of `pool_groups g` that `rows::group` reads besides `pool_id` (its timestamps
/// named apart from a user's, for reading both from one joined row).
macro_rules! group_columns {
    () => {
        "g.group_name, g.description, g.precedence, g.role_arn, \
         g.created_at AS group_created_at, g.updated_at AS group_updated_at"
    };
}
pub(crate) use group_columns;

/// The joins from `u` (a user, or nothing) to each of their groups (`g`; nothing when none),
/// and the order of `cognito:groups`: what `rows::member` reads, one row per group.
macro_rules! join_user_groups {
    () => {
        " LEFT JOIN group_members m ON m.pool_id = u.pool_id AND m.user_id = u.user_id \
         LEFT JOIN pool_groups g ON g.pool_id = m.pool_id AND g.group_name = m.group_name"
    };
}
pub(crate) use join_user_groups;

/// The order of `cognito:groups`: by precedence (none last), then name.
macro_rules! group_order {
    () => {
        " ORDER BY g.precedence IS NULL, g.precedence, g.group_name"
    };
}
pub(crate) use group_order;

/// The columns of `users u` that `rows::user` reads besides `pool_id` and `user_id`.
macro_rules! user_columns {
    () => {
        "u.email, u.email_verified, u.status, u.enabled, u.salt_hex, u.sealed_verifier, \
         u.attributes, u.pending_email, u.password_expires_at, u.created_at, u.updated_at"
    };
}
pub(crate) use user_columns;

/// `SELECT` of a user and each of their groups, one row per group: what `rows::member` reads.
macro_rules! select_member {
    () => {
        concat!(
            "SELECT u.pool_id, u.user_id, ",
            $crate::sql::rows::user_columns!(),
            ", ",
            $crate::sql::rows::group_columns!(),
            " FROM users u",
            $crate::sql::rows::join_user_groups!()
        )
    };
}
pub(crate) use select_member;

/// `SELECT` of everything `rows::session` reads.
macro_rules! select_session {
    () => {
        "SELECT id, pool_id, client_id, user_id, refresh_hash, auth_time, expires_at, \
         revoked_at, scope FROM sessions"
    };
}
pub(crate) use select_session;

/// `SELECT` of everything `rows::refresh_token` reads: a token joined with its session.
macro_rules! select_refresh_token {
    () => {
        concat!(
            "SELECT ",
            $crate::sql::rows::refresh_token_columns!(),
            " FROM refresh_tokens t JOIN sessions s ON s.id = t.session_id"
        )
    };
}
pub(crate) use select_refresh_token;

/// The columns of `refresh_tokens t JOIN sessions s` that `rows::refresh_token` reads.
macro_rules! refresh_token_columns {
    () => {
        "s.id, s.pool_id, s.client_id, s.user_id, s.refresh_hash, s.auth_time, \
         s.expires_at, s.revoked_at, s.scope, t.hash AS token_hash, \
         t.created_at AS token_created_at, t.superseded_at"
    };
}
pub(crate) use refresh_token_columns;

/// `SELECT` of a refresh token with its session, the session's user (`u`, nothing once
/// deleted) and each of the user's groups, one row per group: what `rows::refresh_grant`
/// reads. None of the user's columns is named like the session's except the two they share.
macro_rules! select_refresh_grant {
    () => {
        concat!(
            "SELECT ",
            $crate::sql::rows::refresh_token_columns!(),
            ", ",
            $crate::sql::rows::user_columns!(),
            ", ",
            $crate::sql::rows::group_columns!(),
            " FROM refresh_tokens t JOIN sessions s ON s.id = t.session_id \
             LEFT JOIN users u ON u.pool_id = s.pool_id AND u.user_id = s.user_id",
            $crate::sql::rows::join_user_groups!()
        )
    };
}
pub(crate) use select_refresh_grant;

/// `SELECT` of a hosted session joined with its user: everything `rows::user` and
/// `rows::hosted_session` read, from `hosted_sessions h JOIN users u`.
macro_rules! select_hosted_session_user {
    () => {
        "SELECT u.pool_id, u.user_id, u.email, u.email_verified, u.status, u.enabled, \
         u.salt_hex, u.sealed_verifier, u.attributes, u.pending_email, u.password_expires_at, \
         u.created_at, u.updated_at, h.hash, h.auth_time, h.expires_at \
         FROM hosted_sessions h JOIN users u ON u.pool_id = h.pool_id AND u.user_id = h.user_id"
    };
}
pub(crate) use select_hosted_session_user;

/// `SELECT` of everything `rows::user_mfa` reads (not the TOTP replay guard).
macro_rules! select_user_mfa {
    () => {
        "SELECT pool_id, user_id, sealed_totp_secret, sealed_pending_totp_secret, \
         totp_verified, totp_enabled, email_otp_enabled, preferred, updated_at FROM user_mfa"
    };
}
pub(crate) use select_user_mfa;

/// `SELECT` of everything `rows::event` reads.
macro_rules! select_event {
    () => {
        "SELECT id, pool_id, at, kind, user_id, email, actor, client_ip, user_agent, detail \
         FROM events"
    };
}
pub(crate) use select_event;

/// A `rows` module of row mappers for database `$db`, in the dialect's module.
macro_rules! row_mapping {
    ($db:ty) => {
        /// Rows onto the model: JSON text columns parsed, enum names checked.
        mod rows {
            use auth_return_core::events::Event;
            use auth_return_core::model::{
                AccessKey, ApiKey, App, Change, ChangeSubject, Client, CodeRecord, Group,
                HostedSession, KeyDates, LockoutRecord, Member, RefreshGrant, RefreshTokenRecord,
                Revocation, Session, SigningKeyRecord, StoredPasskey, User, UserMfa,
            };
            use auth_return_core::store::{StoreError, StoreResult};
            use auth_return_core::webhooks::{Delivery, DeliveryStatus, WebhookEndpoint};
            use sqlx::Row;
            use $crate::convert::{
                attributes_from_json, client_profile_from_json, detail_from_json,
                event_kind_from_str, external_from_json, mfa_factor_from_str, origins_from_json,
                scopes_from_json, settings_from_json, status_from_str, transports_from_json,
            };
            use $crate::error::backend;

            type DbRow = <$db as sqlx::Database>::Row;

            fn get<'r, T>(row: &'r DbRow, column: &str) -> StoreResult<T>
            where
                T: sqlx::Decode<'r, $db> + sqlx::Type<$db>,
            {
                row.try_get(column).map_err(backend)
            }

            /// An app with its client.
            pub(super) fn app(row: &DbRow) -> StoreResult<App> {
                let id = get::<auth_return_core::ids::AppId>(row, "app_id")?;
                Ok(App {
                    client: Client {
                        id: get(row, "client_id")?,
                        pool_id: get(row, "client_pool_id")?,
                        app_id: id.clone(),
                        sealed_secret: get(row, "sealed_secret")?,
                        token_validity_secs: get(row, "token_validity_secs")?,
                        refresh_validity_secs: get(row, "refresh_validity_secs")?,
                        primary: get(row, "is_primary")?,
                        profile: client_profile_from_json(&get::<String>(row, "profile")?)?,
                        created_at: get(row, "client_created_at")?,
                        updated_at: get(row, "client_updated_at")?,
                    },
                    id,
                    name: get(row, "name")?,
                    owner: get(row, "owner_id")?,
                    pool_id: get(row, "pool_id")?,
                    origins: origins_from_json(&get::<String>(row, "origins")?)?,
                    settings: settings_from_json(&get::<String>(row, "settings")?)?,
                    external: get::<Option<String>>(row, "external")?
                        .map(|text| external_from_json(&text))
                        .transpose()?,
                    created_at: get(row, "created_at")?,
                })
            }

            /// A signing key.
            pub(super) fn signing_key(row: &DbRow) -> StoreResult<SigningKeyRecord> {
                Ok(SigningKeyRecord {
                    kid: get(row, "kid")?,
                    pool_id: get(row, "pool_id")?,
                    sealed_private_key: get(row, "sealed_private_key")?,
                    created_at: get(row, "created_at")?,
                    activates_at: get(row, "activates_at")?,
                })
            }

            /// A signing key's dates with its pool's app.
            pub(super) fn key_dates(row: &DbRow) -> StoreResult<KeyDates> {
                Ok(KeyDates {
                    app_id: get(row, "app_id")?,
                    pool_id: get(row, "pool_id")?,
                    kid: get(row, "kid")?,
                    created_at: get(row, "created_at")?,
                    activates_at: get(row, "activates_at")?,
                })
            }

            /// A revocation-feed entry.
            pub(super) fn revocation(row: &DbRow) -> StoreResult<Revocation> {
                Ok(Revocation {
                    pool_id: get(row, "pool_id")?,
                    origin_jti: get(row, "origin_jti")?,
                    revoked_at: get(row, "revoked_at")?,
                    expires_at: get(row, "expires_at")?,
                })
            }

            /// A user.
            pub(super) fn user(row: &DbRow) -> StoreResult<User> {
                Ok(User {
                    pool_id: get(row, "pool_id")?,
                    id: get(row, "user_id")?,
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
            pub(super) fn code(row: &DbRow) -> StoreResult<CodeRecord> {
                Ok(CodeRecord {
                    code_hash: get(row, "code_hash")?,
                    expires_at: get(row, "expires_at")?,
                    failed_attempts: get(row, "failed_attempts")?,
                })
            }

            /// A sign-in failure streak.
            pub(super) fn lockout(row: &DbRow) -> StoreResult<LockoutRecord> {
                Ok(LockoutRecord {
                    failures: get(row, "failures")?,
                    last_failure_at: get(row, "last_failure_at")?,
                    locked_until_ms: get(row, "locked_until")?,
                })
            }

            /// A sign-in session.
            pub(super) fn session(row: &DbRow) -> StoreResult<Session> {
                Ok(Session {
                    id: get(row, "id")?,
                    pool_id: get(row, "pool_id")?,
                    client_id: get(row, "client_id")?,
                    user_id: get(row, "user_id")?,
                    refresh_hash: get(row, "refresh_hash")?,
                    auth_time: get(row, "auth_time")?,
                    expires_at: get(row, "expires_at")?,
                    revoked_at: get(row, "revoked_at")?,
                    scope: get(row, "scope")?,
                })
            }

            /// A refresh token with its session, from `select_refresh_token`.
            pub(super) fn refresh_token(row: &DbRow) -> StoreResult<(Session, RefreshTokenRecord)> {
                let session = session(row)?;
                let token = RefreshTokenRecord {
                    hash: get(row, "token_hash")?,
                    session_id: session.id,
                    created_at: get(row, "token_created_at")?,
                    superseded_at: get(row, "superseded_at")?,
                };
                Ok((session, token))
            }

            /// A hosted-page session.
            pub(super) fn hosted_session(row: &DbRow) -> StoreResult<HostedSession> {
                Ok(HostedSession {
                    pool_id: get(row, "pool_id")?,
                    hash: get(row, "hash")?,
                    user_id: get(row, "user_id")?,
                    auth_time: get(row, "auth_time")?,
                    expires_at: get(row, "expires_at")?,
                })
            }

            /// A user's second factors; a `preferred` that names no factor is corrupt.
            pub(super) fn user_mfa(row: &DbRow) -> StoreResult<UserMfa> {
                Ok(UserMfa {
                    pool_id: get(row, "pool_id")?,
                    user_id: get(row, "user_id")?,
                    sealed_totp_secret: get(row, "sealed_totp_secret")?,
                    sealed_pending_totp_secret: get(row, "sealed_pending_totp_secret")?,
                    totp_verified: get(row, "totp_verified")?,
                    totp_enabled: get(row, "totp_enabled")?,
                    email_otp_enabled: get(row, "email_otp_enabled")?,
                    preferred: get::<Option<String>>(row, "preferred")?
                        .as_deref()
                        .map(mfa_factor_from_str)
                        .transpose()?,
                    updated_at: get(row, "updated_at")?,
                })
            }

            /// A passkey.
            pub(super) fn passkey(row: &DbRow) -> StoreResult<StoredPasskey> {
                Ok(StoredPasskey {
                    pool_id: get(row, "pool_id")?,
                    user_id: get(row, "user_id")?,
                    credential_id: get(row, "credential_id")?,
                    sealed_credential: get(row, "sealed_credential")?,
                    name: get(row, "name")?,
                    relying_party_id: get(row, "relying_party_id")?,
                    attachment: get(row, "attachment")?,
                    transports: transports_from_json(&get::<String>(row, "transports")?)?,
                    created_at: get(row, "created_at")?,
                    last_used_at: get(row, "last_used_at")?,
                })
            }

            /// An API key.
            pub(super) fn api_key(row: &DbRow) -> StoreResult<ApiKey> {
                Ok(ApiKey {
                    id: get(row, "key_id")?,
                    app_id: get(row, "app_id")?,
                    pool_id: get(row, "pool_id")?,
                    user_id: get(row, "user_id")?,
                    external_user: get(row, "external_user")?,
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

            /// An identity provider of a pool.
            pub(super) fn identity_provider(
                row: &DbRow,
            ) -> StoreResult<auth_return_core::federation::IdentityProvider> {
                use auth_return_core::federation::{IdentityProvider, ProviderType};
                use $crate::convert::from_json_text;
                let provider_type: String = get(row, "provider_type")?;
                Ok(IdentityProvider {
                    pool_id: get(row, "pool_id")?,
                    name: get(row, "provider_name")?,
                    provider_type: ProviderType::parse(&provider_type).ok_or_else(|| {
                        $crate::error::corrupt("identity_providers.provider_type")
                    })?,
                    details: from_json_text(
                        &get::<String>(row, "details")?,
                        "identity_providers.details",
                    )?,
                    sealed_secrets: get(row, "sealed_secrets")?,
                    attribute_mapping: from_json_text(
                        &get::<String>(row, "attribute_mapping")?,
                        "identity_providers.attribute_mapping",
                    )?,
                    idp_identifiers: from_json_text(
                        &get::<String>(row, "idp_identifiers")?,
                        "identity_providers.idp_identifiers",
                    )?,
                    created_at: get(row, "created_at")?,
                    updated_at: get(row, "updated_at")?,
                })
            }

            /// A group of a pool's users.
            pub(super) fn group(row: &DbRow) -> StoreResult<Group> {
                Ok(Group {
                    pool_id: get(row, "pool_id")?,
                    name: get(row, "group_name")?,
                    description: get(row, "description")?,
                    precedence: get(row, "precedence")?,
                    role_arn: get(row, "role_arn")?,
                    created_at: get(row, "group_created_at")?,
                    updated_at: get(row, "group_updated_at")?,
                })
            }

            /// A user with their groups, from the rows of `select_member` (one per group, or
            /// one with no group); `None` when there are no rows or the user's columns are
            /// empty (a left join that found no user).
            pub(super) fn member(rows: &[DbRow]) -> StoreResult<Option<Member>> {
                let Some(first) = rows.first() else {
                    return Ok(None);
                };
                if get::<Option<String>>(first, "email")?.is_none() {
                    return Ok(None);
                }
                let mut groups = Vec::new();
                for row in rows {
                    if get::<Option<String>>(row, "group_name")?.is_some() {
                        groups.push(group(row)?);
                    }
                }
                Ok(Some(Member {
                    user: user(first)?,
                    groups,
                }))
            }

            /// A refresh token with its session, user and groups, from the rows of
            /// `select_refresh_grant`.
            pub(super) fn refresh_grant(rows: &[DbRow]) -> StoreResult<Option<RefreshGrant>> {
                let Some(first) = rows.first() else {
                    return Ok(None);
                };
                let (session, token) = refresh_token(first)?;
                Ok(Some(RefreshGrant {
                    session,
                    token,
                    member: member(rows)?,
                }))
            }

            /// A developer's access key.
            pub(super) fn access_key(row: &DbRow) -> StoreResult<AccessKey> {
                Ok(AccessKey {
                    id: get(row, "access_key_id")?,
                    pool_id: get(row, "pool_id")?,
                    developer_id: get(row, "developer_id")?,
                    app_id: get(row, "app_id")?,
                    read_only: get(row, "read_only")?,
                    name: get(row, "name")?,
                    sealed_secret: get(row, "sealed_secret")?,
                    created_at: get(row, "created_at")?,
                    last_used_at: get(row, "last_used_at")?,
                    revoked_at: get(row, "revoked_at")?,
                })
            }

            /// A change-feed entry.
            pub(super) fn change(row: &DbRow) -> StoreResult<Change> {
                Ok(Change {
                    seq: get(row, "seq")?,
                    subject: ChangeSubject::from_parts(get(row, "kind")?, get(row, "subject")?),
                })
            }

            /// A webhook endpoint, with its kinds (read from its subscriptions).
            pub(super) fn webhook_endpoint(
                row: &DbRow,
                kinds: Vec<auth_return_core::events::EventKind>,
            ) -> StoreResult<WebhookEndpoint> {
                Ok(WebhookEndpoint {
                    id: get(row, "endpoint_id")?,
                    pool_id: get(row, "pool_id")?,
                    url: get(row, "url")?,
                    description: get(row, "description")?,
                    kinds,
                    sealed_secret: get(row, "sealed_secret")?,
                    enabled: get(row, "enabled")?,
                    disabled_reason: get(row, "disabled_reason")?,
                    created_at: get(row, "created_at")?,
                    failing_since: get(row, "failing_since")?,
                })
            }

            /// A webhook delivery.
            pub(super) fn webhook_delivery(row: &DbRow) -> StoreResult<Delivery> {
                let status = get::<String>(row, "status")?;
                Ok(Delivery {
                    id: get(row, "delivery_id")?,
                    endpoint_id: get(row, "endpoint_id")?,
                    event_id: get(row, "event_id")?,
                    user_id: get(row, "user_id")?,
                    status: DeliveryStatus::parse(&status).ok_or_else(|| {
                        StoreError::Backend(format!("unknown delivery status {status:?}"))
                    })?,
                    attempts: get(row, "attempts")?,
                    next_attempt_at: get(row, "next_attempt_at")?,
                    last_attempt_at: get(row, "last_attempt_at")?,
                    last_status: get(row, "last_status")?,
                    last_error: get(row, "last_error")?,
                    created_at: get(row, "created_at")?,
                })
            }

            /// An audit event.
            pub(super) fn event(row: &DbRow) -> StoreResult<Event> {
                Ok(Event {
                    id: get(row, "id")?,
                    pool_id: get(row, "pool_id")?,
                    at: get(row, "at")?,
                    kind: event_kind_from_str(&get::<String>(row, "kind")?)?,
                    user_id: get(row, "user_id")?,
                    email: get(row, "email")?,
                    actor: get(row, "actor")?,
                    client_ip: get(row, "client_ip")?,
                    user_agent: get(row, "user_agent")?,
                    detail: detail_from_json(&get::<String>(row, "detail")?)?,
                })
            }
        }
    };
}
pub(crate) use row_mapping;
