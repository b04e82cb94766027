-- Auth Return schema, SQLite dialect. Append-only: never edit a released migration, add a new one.
-- Ids are TEXT (UUIDs hyphenated, lowercase), timestamps INTEGER epoch seconds, booleans 0/1.
-- Deleting an app cascades to its pool: clients, signing keys, users, then codes and sessions.

CREATE TABLE apps (
    app_id     TEXT    NOT NULL PRIMARY KEY,
    name       TEXT    NOT NULL,
    owner_id   TEXT,
    pool_id    TEXT    NOT NULL UNIQUE,
    origins    TEXT    NOT NULL DEFAULT '[]',
    created_at INTEGER NOT NULL
) STRICT;
CREATE INDEX apps_by_owner ON apps (owner_id, created_at);
CREATE INDEX apps_by_created ON apps (created_at);

CREATE TABLE clients (
    client_id             TEXT    NOT NULL PRIMARY KEY,
    pool_id               TEXT    NOT NULL REFERENCES apps (pool_id) ON DELETE CASCADE,
    app_id                TEXT    NOT NULL REFERENCES apps (app_id) ON DELETE CASCADE,
    sealed_secret         BLOB,
    token_validity_secs   INTEGER NOT NULL,
    refresh_validity_secs INTEGER NOT NULL
) STRICT;
CREATE INDEX clients_by_app ON clients (app_id);
CREATE INDEX clients_by_pool ON clients (pool_id);

CREATE TABLE signing_keys (
    kid                TEXT    NOT NULL PRIMARY KEY,
    pool_id            TEXT    NOT NULL REFERENCES apps (pool_id) ON DELETE CASCADE,
    sealed_private_key BLOB    NOT NULL,
    created_at         INTEGER NOT NULL
) STRICT;
CREATE INDEX signing_keys_by_pool ON signing_keys (pool_id, created_at);

CREATE TABLE users (
    pool_id         TEXT    NOT NULL REFERENCES apps (pool_id) ON DELETE CASCADE,
    user_id         TEXT    NOT NULL,
    email           TEXT    NOT NULL,
    email_verified  INTEGER NOT NULL,
    status          TEXT    NOT NULL,
    enabled         INTEGER NOT NULL,
    salt_hex        TEXT    NOT NULL,
    sealed_verifier BLOB    NOT NULL,
    attributes      TEXT    NOT NULL DEFAULT '{}',
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    PRIMARY KEY (pool_id, user_id),
    UNIQUE (pool_id, email)
) STRICT;

CREATE TABLE codes (
    pool_id         TEXT    NOT NULL,
    user_id         TEXT    NOT NULL,
    purpose         TEXT    NOT NULL,
    code_hash       BLOB    NOT NULL,
    expires_at      INTEGER NOT NULL,
    failed_attempts INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (pool_id, user_id, purpose),
    FOREIGN KEY (pool_id, user_id) REFERENCES users (pool_id, user_id) ON DELETE CASCADE
) STRICT;

CREATE TABLE sessions (
    id           TEXT    NOT NULL PRIMARY KEY,
    pool_id      TEXT    NOT NULL,
    client_id    TEXT    NOT NULL REFERENCES clients (client_id) ON DELETE CASCADE,
    user_id      TEXT    NOT NULL,
    refresh_hash BLOB    NOT NULL UNIQUE,
    auth_time    INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL,
    revoked_at   INTEGER,
    FOREIGN KEY (pool_id, user_id) REFERENCES users (pool_id, user_id) ON DELETE CASCADE
) STRICT;
CREATE INDEX sessions_by_user ON sessions (pool_id, user_id);
CREATE INDEX sessions_by_client ON sessions (client_id);

CREATE TABLE used_challenges (
    nonce      BLOB    NOT NULL PRIMARY KEY,
    expires_at INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
CREATE INDEX used_challenges_by_expiry ON used_challenges (expires_at);
