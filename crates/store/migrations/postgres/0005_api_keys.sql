-- API keys. Append-only: 0001 to 0004 stay as released.

-- Only the SHA-256 of a key is kept (unique: verification finds the key by it); `prefix` is
-- its first characters, for people. A key belongs to an app and, when user_id is set, to one
-- of its users: deleting the app or the user deletes the key (a composite foreign key with a
-- NULL user_id is not checked, so app-owned keys only follow their app). Scopes are a JSON
-- array of strings.
CREATE TABLE api_keys (
    key_id       TEXT   NOT NULL PRIMARY KEY,
    app_id       TEXT   NOT NULL REFERENCES apps (app_id) ON DELETE CASCADE,
    pool_id      TEXT   NOT NULL,
    user_id      UUID,
    name         TEXT   NOT NULL,
    prefix       TEXT   NOT NULL,
    hash         BYTEA  NOT NULL UNIQUE,
    scopes       TEXT   NOT NULL DEFAULT '[]',
    created_at   BIGINT NOT NULL,
    expires_at   BIGINT,
    last_used_at BIGINT,
    revoked_at   BIGINT,
    -- Creation order within one second (created_at is in seconds), for stable listings.
    seq          BIGINT GENERATED ALWAYS AS IDENTITY,
    FOREIGN KEY (pool_id, user_id) REFERENCES users (pool_id, user_id) ON DELETE CASCADE
);
-- For list_api_keys and count_live_api_keys (one owner's keys), and the user cascade.
CREATE INDEX api_keys_by_owner ON api_keys (app_id, user_id, created_at);
CREATE INDEX api_keys_by_user ON api_keys (pool_id, user_id);
