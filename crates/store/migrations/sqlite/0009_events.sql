-- Per-app audit events. Append-only: earlier migrations stay as released.

-- One row per event, numbered by AUTOINCREMENT: ids increase in insertion order and are never
-- reused, even after the newest rows are deleted, so an id is a stable paging cursor. Deleting
-- the app removes its events; deleting a user does not (user_id has no foreign key: the record
-- outlives the account). user_id is the hyphenated lowercase UUID text, as in users. detail is
-- a JSON object. Timestamps are epoch seconds.
CREATE TABLE events (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    pool_id    TEXT    NOT NULL REFERENCES apps (pool_id) ON DELETE CASCADE,
    at         INTEGER NOT NULL,
    kind       TEXT    NOT NULL,
    user_id    TEXT,
    email      TEXT,
    actor      TEXT,
    client_ip  TEXT,
    user_agent TEXT,
    detail     TEXT    NOT NULL DEFAULT '{}'
) STRICT;
-- For list_events: a pool's events newest first, all of them, of one kind or of one user (and
-- the app cascade).
CREATE INDEX events_by_pool ON events (pool_id, id);
CREATE INDEX events_by_kind ON events (pool_id, kind, id);
CREATE INDEX events_by_user ON events (pool_id, user_id, id);
-- For prune_events.
CREATE INDEX events_by_time ON events (at);
