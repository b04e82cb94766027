-- Identity providers of a pool (federation): the upstream OpenID Connect providers its users
-- may sign in with. Append-only: earlier migrations stay as released.

-- details: the public ProviderDetails as a JSON object; sealed_secrets: the secret ones
-- (client_secret, private_key) as a JSON object sealed under the master key; attribute_mapping
-- a JSON object, idp_identifiers a JSON array. Names in code-point order ("C"), as listed.
CREATE TABLE identity_providers (
    pool_id           TEXT   NOT NULL REFERENCES apps (pool_id) ON DELETE CASCADE,
    provider_name     TEXT   NOT NULL COLLATE "C",
    provider_type     TEXT   NOT NULL,
    details           TEXT   NOT NULL,
    sealed_secrets    BYTEA,
    attribute_mapping TEXT   NOT NULL,
    idp_identifiers   TEXT   NOT NULL,
    created_at        BIGINT NOT NULL,
    updated_at        BIGINT NOT NULL,
    PRIMARY KEY (pool_id, provider_name)
);
