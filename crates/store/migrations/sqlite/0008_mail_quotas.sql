-- Per-sender mail quotas (a developer's invitation mails per day). Append-only: earlier
-- migrations stay as released.

-- One counter per subject (e.g. `invitations:<developer id>`) and window; reserve_mail_quota
-- counts in one upsert that only increments below the limit. prune_expired deletes windows
-- that have ended.
CREATE TABLE mail_quotas (
    subject        TEXT   NOT NULL,
    window_ends_at INTEGER NOT NULL,
    used           INTEGER NOT NULL,
    PRIMARY KEY (subject, window_ends_at)
) STRICT, WITHOUT ROWID;
-- For prune_expired.
CREATE INDEX mail_quotas_by_end ON mail_quotas (window_ends_at);
