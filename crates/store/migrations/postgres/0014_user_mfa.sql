-- Multi-factor sign-in: each user's second factors. Append-only: earlier migrations stay as
-- released.

-- At most one row per user, gone with the user (the composite foreign key, as for sessions), so
-- also with their app. sealed_totp_secret is the authenticator app's secret sealed under the
-- master key (NULL: none associated); sealed_pending_totp_secret a newly associated secret
-- waiting for its first code (it replaces the other only once verified, so re-associating never
-- switches MFA off); totp_verified records that a code from it was verified;
-- totp_enabled and email_otp_enabled which factors sign-in asks for; preferred the factor
-- asked for when both are, by its Cognito name (NULL: none chosen). last_totp_step is the TOTP
-- replay guard (RFC 6238 §5.2): the latest time step accepted, raised only by a single
-- conditional UPDATE (so one wins across instances), never reset by replacing the rest of the
-- row; -1 until a code is accepted.
CREATE TABLE user_mfa (
    pool_id            TEXT    NOT NULL,
    user_id            UUID    NOT NULL,
    sealed_totp_secret BYTEA,
    sealed_pending_totp_secret BYTEA,
    totp_verified      BOOLEAN NOT NULL,
    totp_enabled       BOOLEAN NOT NULL,
    email_otp_enabled  BOOLEAN NOT NULL,
    preferred          TEXT    CHECK (preferred IN ('SOFTWARE_TOKEN_MFA', 'EMAIL_OTP')),
    last_totp_step     BIGINT  NOT NULL DEFAULT -1,
    updated_at         BIGINT  NOT NULL,
    PRIMARY KEY (pool_id, user_id),
    FOREIGN KEY (pool_id, user_id) REFERENCES users (pool_id, user_id) ON DELETE CASCADE
);
