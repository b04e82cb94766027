-- A session's first refresh token, and the webhook deliveries of each recorded event, are
-- written by the very statement that writes the session or the event: a sign-in opens its
-- session in one statement, and the event writer records a batch in one, instead of a
-- transaction of several (each statement is a round trip to the database's thread).
-- Append-only: earlier migrations stay as released.

CREATE TRIGGER sessions_first_refresh_token AFTER INSERT ON sessions
BEGIN
    INSERT INTO refresh_tokens (pool_id, hash, session_id, created_at)
    VALUES (NEW.pool_id, NEW.refresh_hash, NEW.id, NEW.auth_time);
END;

-- One delivery per enabled endpoint of the event's pool that takes its kind; rows are inserted
-- in event order, so delivery ids keep each user's events in order.
CREATE TRIGGER events_webhook_deliveries AFTER INSERT ON events
BEGIN
    INSERT INTO webhook_deliveries (endpoint_id, event_id, user_id, next_attempt_at, created_at)
    SELECT s.endpoint_id, NEW.id, NEW.user_id, NEW.at, NEW.at
    FROM webhook_subscriptions s
    JOIN webhook_endpoints w ON w.endpoint_id = s.endpoint_id AND w.enabled = TRUE
    WHERE s.pool_id = NEW.pool_id AND s.kind = NEW.kind
    ORDER BY s.endpoint_id;
END;
