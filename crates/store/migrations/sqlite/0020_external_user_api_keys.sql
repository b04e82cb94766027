-- API keys of users whose pool lives with another provider (AWS Cognito). Append-only: 0001 to
-- 0019 stay as released.

-- Such a user is not in `users` (the composite foreign key would refuse them), so their id,
-- the provider's `sub`, goes here instead of user_id, which stays NULL: a key has at most one
-- of the two. Nothing cascades from the provider; the service revokes or ends these keys.
ALTER TABLE api_keys ADD COLUMN external_user_id TEXT;
-- For revoking one such owner's keys (their listing goes by app, as for other owners).
CREATE INDEX api_keys_by_external_user ON api_keys (pool_id, external_user_id)
    WHERE external_user_id IS NOT NULL;
