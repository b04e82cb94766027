-- Per-app audit events. Append-only: earlier migrations stay as released.

-- One row per event, numbered by an identity: ids increase in insertion order and are never
-- reused, so an id is a stable paging cursor. Deleting the app removes its events; deleting a
-- user does not (user_id has no foreign key: the record outlives the account). detail is a
-- JSON object as text. Timestamps are epoch seconds.
CREATE TABLE events (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    pool_id    TEXT   NOT NULL REFERENCES apps (pool_id) ON DELETE CASCADE,
    at         BIGINT NOT NULL,
    kind       TEXT   NOT NULL,
    user_id    UUID,
    email      TEXT,
    actor      TEXT,
    client_ip  TEXT,
    user_agent TEXT,
    detail     TEXT   NOT NULL DEFAULT '{}'
);
-- For list_events: a pool's events newest first, all of them, of one kind or of one user (and
-- the app cascade).
CREATE INDEX events_by_pool ON events (pool_id, id);
CREATE INDEX events_by_kind ON events (pool_id, kind, id);
CREATE INDEX events_by_user ON events (pool_id, user_id, id);
-- For prune_events.
CREATE INDEX events_by_time ON events (at);
