-- Which user of a pool each identity provider's identity (the provider's name and its sub)
-- signs in as. Append-only: earlier migrations stay as released.

-- A link goes with its user; it stays when its provider is deleted, so a provider added again
-- under the same name finds the same users (as Cognito's usernames do).
CREATE TABLE federated_identities (
    pool_id       TEXT   NOT NULL,
    provider_name TEXT   NOT NULL COLLATE "C",
    subject       TEXT   NOT NULL COLLATE "C",
    user_id       UUID   NOT NULL,
    created_at    BIGINT NOT NULL,
    PRIMARY KEY (pool_id, provider_name, subject),
    FOREIGN KEY (pool_id, user_id) REFERENCES users (pool_id, user_id) ON DELETE CASCADE
);
CREATE INDEX federated_identities_by_user ON federated_identities (pool_id, user_id);
