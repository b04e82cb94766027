-- Indexes for the console's user listings. Append-only: earlier migrations stay as released.

-- ListUsers by status or by the enabled flag, in id order: a rare value reads its few rows
-- instead of the whole pool.
CREATE INDEX users_by_status ON users (pool_id, status, user_id);
CREATE INDEX users_by_enabled ON users (pool_id, enabled, user_id);
-- Email prefixes as a range of code points: the unique email index of 0001 follows the
-- database's collation, where a prefix need not be a range.
CREATE INDEX users_by_email_bytes ON users (pool_id, email COLLATE "C");
