-- OAuth 2.0: a session's granted scopes, authorization codes and hosted-page sessions.
-- Append-only: earlier migrations stay as released.

-- The scopes granted to a session opened by the OAuth 2.0 endpoints, space-separated; NULL for
-- a sign-in through the user-pool API (and for every session made before this migration).
ALTER TABLE sessions ADD COLUMN scope TEXT;

-- One row per authorization code, by the SHA-256 of the code (never the code). used_at is set
-- by the one redemption that spends it (a single conditional UPDATE, so one wins across
-- instances), replayed_at by the first later attempt. A code goes with its pool and with its
-- user (the composite foreign key, as for sessions); client_id has no foreign key of its own: a
-- client is only ever deleted with its app, whose pool takes the codes. session_id names the
-- session the exchange opens, which need not exist yet. prune_expired deletes codes an hour
-- after they expire.
CREATE TABLE authorization_codes (
    pool_id        TEXT    NOT NULL REFERENCES apps (pool_id) ON DELETE CASCADE,
    hash           BLOB    NOT NULL PRIMARY KEY,
    client_id      TEXT    NOT NULL,
    user_id        TEXT    NOT NULL,
    redirect_uri   TEXT    NOT NULL,
    scope          TEXT    NOT NULL,
    code_challenge TEXT,
    nonce          TEXT,
    auth_time      INTEGER NOT NULL,
    session_id     TEXT    NOT NULL,
    created_at     INTEGER NOT NULL,
    expires_at     INTEGER NOT NULL,
    used_at        INTEGER,
    replayed_at    INTEGER,
    FOREIGN KEY (pool_id, user_id) REFERENCES users (pool_id, user_id) ON DELETE CASCADE
) STRICT;
-- For the user and app cascades, and prune_expired.
CREATE INDEX authorization_codes_by_user ON authorization_codes (pool_id, user_id);
CREATE INDEX authorization_codes_by_expiry ON authorization_codes (expires_at);

-- One row per sign-in on the hosted pages, by the SHA-256 of its cookie's value. A session
-- goes with its pool and with its user; prune_expired deletes it once it has expired.
CREATE TABLE hosted_sessions (
    pool_id    TEXT    NOT NULL REFERENCES apps (pool_id) ON DELETE CASCADE,
    hash       BLOB    NOT NULL PRIMARY KEY,
    user_id    TEXT    NOT NULL,
    auth_time  INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    FOREIGN KEY (pool_id, user_id) REFERENCES users (pool_id, user_id) ON DELETE CASCADE
) STRICT, WITHOUT ROWID;
-- For delete_user_hosted_sessions, the user and app cascades, and prune_expired.
CREATE INDEX hosted_sessions_by_user ON hosted_sessions (pool_id, user_id);
CREATE INDEX hosted_sessions_by_expiry ON hosted_sessions (expires_at);
