-- A maintained count of each pool's users, so that listing apps never counts a whole pool.
-- Append-only: earlier migrations stay as released.

-- One row per app, made with the app and kept by the triggers below in the same transaction
-- as every user insert and delete; the app's deletion removes it.
CREATE TABLE pool_user_counts (
    pool_id TEXT    NOT NULL PRIMARY KEY REFERENCES apps (pool_id) ON DELETE CASCADE,
    users   INTEGER NOT NULL DEFAULT 0
) STRICT;

INSERT INTO pool_user_counts (pool_id, users)
SELECT a.pool_id, (SELECT COUNT(*) FROM users u WHERE u.pool_id = a.pool_id) FROM apps a;

CREATE TRIGGER pool_user_counts_app AFTER INSERT ON apps
BEGIN
    INSERT INTO pool_user_counts (pool_id, users) VALUES (NEW.pool_id, 0);
END;

CREATE TRIGGER pool_user_counts_insert AFTER INSERT ON users
BEGIN
    UPDATE pool_user_counts SET users = users + 1 WHERE pool_id = NEW.pool_id;
END;

CREATE TRIGGER pool_user_counts_delete AFTER DELETE ON users
BEGIN
    UPDATE pool_user_counts SET users = users - 1 WHERE pool_id = OLD.pool_id;
END;
