-- Webhooks: an app's endpoints, the event kinds each takes, and the deliveries queued for them.
-- Append-only: 0001 to 0020 stay as released.

-- The signing secret is sealed, not hashed: signing needs it back. failing_since is the time of
-- the first failed attempt since the endpoint's last success (NULL while it succeeds).
CREATE TABLE webhook_endpoints (
    endpoint_id     TEXT    NOT NULL PRIMARY KEY,
    pool_id         TEXT    NOT NULL REFERENCES apps (pool_id) ON DELETE CASCADE,
    url             TEXT    NOT NULL,
    description     TEXT    NOT NULL DEFAULT '',
    sealed_secret   BYTEA   NOT NULL,
    enabled         BOOLEAN NOT NULL DEFAULT TRUE,
    disabled_reason TEXT,
    created_at      BIGINT  NOT NULL,
    failing_since   BIGINT
);
CREATE INDEX webhook_endpoints_by_pool ON webhook_endpoints (pool_id, created_at);

-- Which kinds an endpoint takes: recording an event finds its endpoints by (pool_id, kind).
CREATE TABLE webhook_subscriptions (
    pool_id     TEXT NOT NULL,
    kind        TEXT NOT NULL,
    endpoint_id TEXT NOT NULL REFERENCES webhook_endpoints (endpoint_id) ON DELETE CASCADE,
    PRIMARY KEY (pool_id, kind, endpoint_id)
);
CREATE INDEX webhook_subscriptions_by_endpoint ON webhook_subscriptions (endpoint_id);

-- One row per (endpoint, event), queued in the transaction that records the event. status is
-- pending, delivered or failed; a pending row is due at next_attempt_at and, while a worker
-- sends it, claimed until claimed_until. user_id (the event's) orders one user's deliveries.
CREATE TABLE webhook_deliveries (
    delivery_id     BIGINT  GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    endpoint_id     TEXT    NOT NULL REFERENCES webhook_endpoints (endpoint_id) ON DELETE CASCADE,
    event_id        BIGINT  NOT NULL REFERENCES events (id) ON DELETE CASCADE,
    user_id         UUID,
    status          TEXT    NOT NULL DEFAULT 'pending',
    attempts        BIGINT  NOT NULL DEFAULT 0,
    next_attempt_at BIGINT  NOT NULL,
    claimed_until   BIGINT,
    last_attempt_at BIGINT,
    last_status     BIGINT,
    last_error      TEXT,
    created_at      BIGINT  NOT NULL
);
CREATE INDEX webhook_deliveries_due ON webhook_deliveries (status, next_attempt_at);
CREATE INDEX webhook_deliveries_by_endpoint ON webhook_deliveries (endpoint_id, delivery_id);
CREATE INDEX webhook_deliveries_by_user ON webhook_deliveries (endpoint_id, user_id, status);
CREATE INDEX webhook_deliveries_by_event ON webhook_deliveries (event_id);
