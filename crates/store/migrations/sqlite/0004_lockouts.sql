-- Sign-in failure streaks for lockout. Append-only: 0001 to 0003 stay as released.

-- One streak per sign-in name key (a user id, or a hash of a name that is no user) in a pool;
-- deleting the app removes them. prune_expired deletes those whose last failure is more than
-- an hour old.
CREATE TABLE lockouts (
    pool_id         TEXT    NOT NULL REFERENCES apps (pool_id) ON DELETE CASCADE,
    subject         TEXT    NOT NULL,
    failures        INTEGER NOT NULL,
    last_failure_at INTEGER NOT NULL,
    locked_until    INTEGER NOT NULL,
    PRIMARY KEY (pool_id, subject)
) STRICT, WITHOUT ROWID;
-- For prune_expired.
CREATE INDEX lockouts_by_last_failure ON lockouts (last_failure_at);
