-- Passkeys (WebAuthn credentials) and the WebAuthn ceremonies under way. Append-only: earlier
-- migrations stay as released.

-- One row per passkey, gone with its user (the composite foreign key, as for user_mfa).
-- credential_id is the id the authenticator chose, unique in the pool; sealed_credential the
-- credential (public key, signature counter, flags) sealed under the master key;
-- transports a JSON array of strings; last_used_at NULL until it signs in.
CREATE TABLE passkeys (
    pool_id            TEXT    NOT NULL,
    user_id            TEXT    NOT NULL,
    credential_id      BLOB    NOT NULL,
    sealed_credential  BLOB    NOT NULL,
    name               TEXT,
    relying_party_id   TEXT    NOT NULL,
    attachment         TEXT,
    transports         TEXT    NOT NULL,
    created_at         INTEGER NOT NULL,
    last_used_at       INTEGER,
    PRIMARY KEY (pool_id, credential_id),
    FOREIGN KEY (pool_id, user_id) REFERENCES users (pool_id, user_id) ON DELETE CASCADE
) STRICT, WITHOUT ROWID;

CREATE INDEX passkeys_by_user ON passkeys (pool_id, user_id, created_at);

-- The sealed state of a ceremony between its two calls, taken (deleted) by the second. The
-- key names the ceremony: a user's registration, or a sign-in challenge's nonce. No foreign
-- key: sign-ins of names that are no user keep a state too, so that they cost the same.
-- Pruned once expired.
CREATE TABLE passkey_ceremonies (
    ceremony_key  BLOB    NOT NULL PRIMARY KEY,
    sealed_state  BLOB    NOT NULL,
    expires_at    INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
