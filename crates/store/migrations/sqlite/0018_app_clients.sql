-- Several app clients per pool (Cognito's CreateUserPoolClient). Append-only: 0001 to 0017 stay
-- as released.

-- The client made with its app is the app's own: the one its public config names, whose
-- settings are the app's. Clients made later keep their name, auth flows and OAuth 2.0 settings
-- in `profile` (JSON), and go with the app, or alone (their sessions with them).
ALTER TABLE clients ADD COLUMN is_primary INTEGER NOT NULL DEFAULT 1;
ALTER TABLE clients ADD COLUMN profile TEXT NOT NULL DEFAULT '{}';
ALTER TABLE clients ADD COLUMN created_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE clients ADD COLUMN updated_at INTEGER NOT NULL DEFAULT 0;
UPDATE clients SET
    created_at = (SELECT a.created_at FROM apps a WHERE a.app_id = clients.app_id),
    updated_at = (SELECT a.created_at FROM apps a WHERE a.app_id = clients.app_id);
CREATE UNIQUE INDEX clients_one_primary ON clients (app_id) WHERE is_primary = 1;
