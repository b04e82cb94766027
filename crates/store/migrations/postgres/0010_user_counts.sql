-- A maintained count of each pool's users, so that listing apps never counts a whole pool.
-- Append-only: earlier migrations stay as released.

-- One row per app, made with the app and kept by the triggers below in the same transaction
-- as every user insert and delete; the app's deletion removes it. A sign-up holds the pool's
-- row lock only from its insert to its commit.
CREATE TABLE pool_user_counts (
    pool_id TEXT   NOT NULL PRIMARY KEY REFERENCES apps (pool_id) ON DELETE CASCADE,
    users   BIGINT NOT NULL DEFAULT 0
);

INSERT INTO pool_user_counts (pool_id, users)
SELECT a.pool_id, (SELECT COUNT(*) FROM users u WHERE u.pool_id = a.pool_id) FROM apps a;

CREATE FUNCTION pool_user_counts_app() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO pool_user_counts (pool_id, users) VALUES (NEW.pool_id, 0);
    RETURN NULL;
END
$$;

CREATE TRIGGER pool_user_counts_app AFTER INSERT ON apps
FOR EACH ROW EXECUTE FUNCTION pool_user_counts_app();

CREATE FUNCTION pool_user_counts_users() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        UPDATE pool_user_counts SET users = users + 1 WHERE pool_id = NEW.pool_id;
    ELSE
        UPDATE pool_user_counts SET users = users - 1 WHERE pool_id = OLD.pool_id;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER pool_user_counts_users AFTER INSERT OR DELETE ON users
FOR EACH ROW EXECUTE FUNCTION pool_user_counts_users();
