-- Authorization codes are sealed: a code carries its own grant, encrypted and authenticated
-- under the server's key, so issuing one writes nothing. Only spending one is recorded, to
-- refuse a second exchange and revoke what the first one opened (RFC 6749 §4.1.2, §10.5).
-- Codes issued before this migration (valid for 5 minutes) are no longer accepted.
-- Append-only: earlier migrations stay as released.
DROP TABLE authorization_codes;

-- One row per spent code, by the SHA-256 of the code, in its pool. session_id names the
-- session the first exchange opened (NULL when that exchange failed its checks: the code is
-- spent all the same); replayed_at is set by the first later attempt. expires_at is the code's
-- own expiry: prune_expired deletes the row an hour after it, so that a replay of a code just
-- past its expiry is still told apart.
CREATE TABLE spent_authorization_codes (
    pool_id     TEXT    NOT NULL REFERENCES apps (pool_id) ON DELETE CASCADE,
    hash        BLOB    NOT NULL,
    session_id  TEXT,
    expires_at  INTEGER NOT NULL,
    replayed_at INTEGER,
    PRIMARY KEY (pool_id, hash)
) STRICT, WITHOUT ROWID;
CREATE INDEX spent_authorization_codes_by_expiry ON spent_authorization_codes (expires_at);
