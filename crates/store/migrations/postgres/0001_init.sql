-- Auth Return schema, PostgreSQL dialect. Append-only: never edit a released migration, add a new one.
-- Ids are TEXT except user and session ids (native UUID); timestamps BIGINT epoch seconds.
-- Deleting an app cascades to its pool: clients, signing keys, users, then codes and sessions.
-- Several server instances may share this database: every single-use operation is one statement.

CREATE TABLE apps (
    app_id     TEXT   NOT NULL PRIMARY KEY,
    name       TEXT   NOT NULL,
    owner_id   UUID,
    pool_id    TEXT   NOT NULL UNIQUE,
    origins    TEXT   NOT NULL DEFAULT '[]',
    created_at BIGINT NOT NULL
);
CREATE INDEX apps_by_owner ON apps (owner_id, created_at);
CREATE INDEX apps_by_created ON apps (created_at);

CREATE TABLE clients (
    client_id             TEXT   NOT NULL PRIMARY KEY,
    pool_id               TEXT   NOT NULL REFERENCES apps (pool_id) ON DELETE CASCADE,
    app_id                TEXT   NOT NULL REFERENCES apps (app_id) ON DELETE CASCADE,
    sealed_secret         BYTEA,
    token_validity_secs   BIGINT NOT NULL,
    refresh_validity_secs BIGINT NOT NULL
);
CREATE INDEX clients_by_app ON clients (app_id);
CREATE INDEX clients_by_pool ON clients (pool_id);

CREATE TABLE signing_keys (
    kid                TEXT   NOT NULL PRIMARY KEY,
    pool_id            TEXT   NOT NULL REFERENCES apps (pool_id) ON DELETE CASCADE,
    sealed_private_key BYTEA  NOT NULL,
    created_at         BIGINT NOT NULL
);
CREATE INDEX signing_keys_by_pool ON signing_keys (pool_id, created_at);

CREATE TABLE users (
    pool_id         TEXT    NOT NULL REFERENCES apps (pool_id) ON DELETE CASCADE,
    user_id         UUID    NOT NULL,
    email           TEXT    NOT NULL,
    email_verified  BOOLEAN NOT NULL,
    status          TEXT    NOT NULL,
    enabled         BOOLEAN NOT NULL,
    salt_hex        TEXT    NOT NULL,
    sealed_verifier BYTEA   NOT NULL,
    attributes      TEXT    NOT NULL DEFAULT '{}',
    created_at      BIGINT  NOT NULL,
    updated_at      BIGINT  NOT NULL,
    PRIMARY KEY (pool_id, user_id),
    UNIQUE (pool_id, email)
);

CREATE TABLE codes (
    pool_id         TEXT   NOT NULL,
    user_id         UUID   NOT NULL,
    purpose         TEXT   NOT NULL,
    code_hash       BYTEA  NOT NULL,
    expires_at      BIGINT NOT NULL,
    failed_attempts BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (pool_id, user_id, purpose),
    FOREIGN KEY (pool_id, user_id) REFERENCES users (pool_id, user_id) ON DELETE CASCADE
);

CREATE TABLE sessions (
    id           UUID   NOT NULL PRIMARY KEY,
    pool_id      TEXT   NOT NULL,
    client_id    TEXT   NOT NULL REFERENCES clients (client_id) ON DELETE CASCADE,
    user_id      UUID   NOT NULL,
    refresh_hash BYTEA  NOT NULL UNIQUE,
    auth_time    BIGINT NOT NULL,
    expires_at   BIGINT NOT NULL,
    revoked_at   BIGINT,
    FOREIGN KEY (pool_id, user_id) REFERENCES users (pool_id, user_id) ON DELETE CASCADE
);
CREATE INDEX sessions_by_user ON sessions (pool_id, user_id);
CREATE INDEX sessions_by_client ON sessions (client_id);

CREATE TABLE used_challenges (
    nonce      BYTEA  NOT NULL PRIMARY KEY,
    expires_at BIGINT NOT NULL
);
CREATE INDEX used_challenges_by_expiry ON used_challenges (expires_at);
