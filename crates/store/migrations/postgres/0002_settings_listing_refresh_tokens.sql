-- App settings, pending email changes, temporary-password expiry, and refresh-token rotation.
-- Append-only: 0001 stays as released.

-- One JSON document per app; missing members take their defaults when read.
ALTER TABLE apps ADD COLUMN settings TEXT NOT NULL DEFAULT '{}';

ALTER TABLE users ADD COLUMN pending_email TEXT;
ALTER TABLE users ADD COLUMN password_expires_at BIGINT;

-- Every refresh token of a session, by hash. The first one is also kept in
-- sessions.refresh_hash; rotation adds rows here and marks the presented one superseded.
CREATE TABLE refresh_tokens (
    pool_id       TEXT   NOT NULL,
    hash          BYTEA  NOT NULL PRIMARY KEY,
    session_id    UUID   NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    created_at    BIGINT NOT NULL,
    superseded_at BIGINT
);
CREATE INDEX refresh_tokens_by_session ON refresh_tokens (session_id);

-- Sessions opened before this migration keep working: their one token moves in too.
INSERT INTO refresh_tokens (pool_id, hash, session_id, created_at, superseded_at)
SELECT pool_id, refresh_hash, id, auth_time, NULL FROM sessions;

-- For prune_expired.
CREATE INDEX sessions_by_expiry ON sessions (expires_at);
CREATE INDEX codes_by_expiry ON codes (expires_at);
