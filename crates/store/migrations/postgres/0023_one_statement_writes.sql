-- A session's first refresh token, and the webhook deliveries of each recorded event, are
-- written by the very statement that writes the session or the event: a sign-in opens its
-- session in one statement, and the event writer records a batch in one, instead of a
-- transaction of several (each statement is a round trip to the database).
-- Append-only: earlier migrations stay as released.

CREATE FUNCTION sessions_first_refresh_token() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO refresh_tokens (pool_id, hash, session_id, created_at)
    VALUES (NEW.pool_id, NEW.refresh_hash, NEW.id, NEW.auth_time);
    RETURN NULL;
END
$$;

CREATE TRIGGER sessions_first_refresh_token AFTER INSERT ON sessions
FOR EACH ROW EXECUTE FUNCTION sessions_first_refresh_token();

-- One delivery per enabled endpoint of the event's pool that takes its kind. Row triggers fire
-- in the order the rows were inserted, so delivery ids keep each user's events in order.
CREATE FUNCTION events_webhook_deliveries() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO webhook_deliveries (endpoint_id, event_id, user_id, next_attempt_at, created_at)
    SELECT s.endpoint_id, NEW.id, NEW.user_id, NEW.at, NEW.at
    FROM webhook_subscriptions s
    JOIN webhook_endpoints w ON w.endpoint_id = s.endpoint_id AND w.enabled = TRUE
    WHERE s.pool_id = NEW.pool_id AND s.kind = NEW.kind
    ORDER BY s.endpoint_id;
    RETURN NULL;
END
$$;

CREATE TRIGGER events_webhook_deliveries AFTER INSERT ON events
FOR EACH ROW EXECUTE FUNCTION events_webhook_deliveries();
