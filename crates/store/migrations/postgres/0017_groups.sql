-- Groups of a pool's users (Cognito's groups). Append-only: 0001 to 0016 stay as released.

-- A group goes with its pool's app; a membership with its group or its user. Names are
-- case-sensitive and unique per pool (byte order, "C" collation, as Cognito's).
CREATE TABLE pool_groups (
    pool_id     TEXT   NOT NULL REFERENCES apps (pool_id) ON DELETE CASCADE,
    group_name  TEXT   NOT NULL COLLATE "C",
    description TEXT,
    precedence  BIGINT,
    role_arn    TEXT,
    created_at  BIGINT NOT NULL,
    updated_at  BIGINT NOT NULL,
    PRIMARY KEY (pool_id, group_name)
);

CREATE TABLE group_members (
    pool_id    TEXT   NOT NULL,
    group_name TEXT   NOT NULL COLLATE "C",
    user_id    UUID   NOT NULL,
    added_at   BIGINT NOT NULL,
    PRIMARY KEY (pool_id, group_name, user_id),
    FOREIGN KEY (pool_id, group_name) REFERENCES pool_groups (pool_id, group_name)
        ON DELETE CASCADE,
    FOREIGN KEY (pool_id, user_id) REFERENCES users (pool_id, user_id) ON DELETE CASCADE
);
-- A user's groups, for the tokens and AdminListGroupsForUser, and the user cascade.
CREATE INDEX group_members_by_user ON group_members (pool_id, user_id);
