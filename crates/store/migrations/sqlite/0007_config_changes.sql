-- The change feed: one entry per change to what servers cache (a pool's signing keys), numbered
-- in commit order, so every instance drops its stale copy within a second. Append-only: earlier
-- migrations stay as released.
CREATE TABLE config_changes (
    seq     INTEGER PRIMARY KEY,
    kind    TEXT    NOT NULL,
    subject TEXT    NOT NULL
) STRICT;
