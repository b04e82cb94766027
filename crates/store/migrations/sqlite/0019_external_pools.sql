-- Apps whose user pool lives with another provider (AWS Cognito). Append-only: 0001 to 0018
-- stay as released.

-- NULL for a built-in pool; otherwise where the pool lives (provider, region, endpoint, issuer,
-- JWKS URL) as a JSON object. Such an app has no signing keys and no users here.
ALTER TABLE apps ADD COLUMN external TEXT;
