-- Developers' AWS-style access keys (SigV4). Append-only: 0001 to 0015 stay as released.

-- The secret is sealed, not hashed: checking a SigV4 signature needs it back. A key belongs to
-- a developer (a user of the console pool) and goes with them; one limited to an app goes with
-- the app. Listings order by created_at, then rowid (creation order within a second).
CREATE TABLE access_keys (
    access_key_id TEXT    NOT NULL PRIMARY KEY,
    pool_id       TEXT    NOT NULL,
    developer_id  TEXT    NOT NULL,
    app_id        TEXT    REFERENCES apps (app_id) ON DELETE CASCADE,
    read_only     INTEGER NOT NULL DEFAULT 0,
    name          TEXT    NOT NULL,
    sealed_secret BLOB    NOT NULL,
    created_at    INTEGER NOT NULL,
    last_used_at  INTEGER,
    revoked_at    INTEGER,
    FOREIGN KEY (pool_id, developer_id) REFERENCES users (pool_id, user_id) ON DELETE CASCADE
) STRICT;
-- For list_access_keys and count_live_access_keys (one developer's keys), and the cascade.
CREATE INDEX access_keys_by_developer ON access_keys (pool_id, developer_id, created_at);
CREATE INDEX access_keys_by_app ON access_keys (app_id);
