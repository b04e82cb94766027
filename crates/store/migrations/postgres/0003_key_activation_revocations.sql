-- Signing-key activation times and the revocation feed. Append-only: 0001 and 0002 stay as
-- released.

-- When a key starts signing; keys made before this migration signed from their creation.
ALTER TABLE signing_keys ADD COLUMN activates_at BIGINT;
UPDATE signing_keys SET activates_at = created_at;
ALTER TABLE signing_keys ALTER COLUMN activates_at SET NOT NULL;

-- One entry per revoked session (origin_jti = the session id). No foreign key to users or
-- sessions: an entry outlives both, until expires_at; deleting the app removes it.
CREATE TABLE revocations (
    pool_id    TEXT   NOT NULL REFERENCES apps (pool_id) ON DELETE CASCADE,
    origin_jti UUID   NOT NULL,
    revoked_at BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    PRIMARY KEY (pool_id, origin_jti)
);
-- For list_revocations (feed order; native UUID order equals lowercase hyphenated text order)
-- and prune_expired.
CREATE INDEX revocations_by_feed ON revocations (pool_id, revoked_at, origin_jti);
CREATE INDEX revocations_by_expiry ON revocations (expires_at);
