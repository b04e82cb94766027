-- ListUsers at scale: every filterable attribute has an index, so a filter reads its page from
-- an index range however large the pool. Append-only: earlier migrations stay as released.

-- The attributes Cognito can search (docs/cognito-protocol.md §5.2), by the very expression the
-- store's queries use (an index on an expression serves only that expression). Partial: users
-- without the attribute take no room in its index. The user id last orders equal values, and
-- pages a prefix listing in value order.
CREATE INDEX users_by_name ON users (pool_id, json_extract(attributes, '$.name'), user_id)
    WHERE json_extract(attributes, '$.name') IS NOT NULL;
CREATE INDEX users_by_given_name ON users (pool_id, json_extract(attributes, '$.given_name'), user_id)
    WHERE json_extract(attributes, '$.given_name') IS NOT NULL;
CREATE INDEX users_by_family_name ON users (pool_id, json_extract(attributes, '$.family_name'), user_id)
    WHERE json_extract(attributes, '$.family_name') IS NOT NULL;
CREATE INDEX users_by_preferred_username ON users (pool_id, json_extract(attributes, '$.preferred_username'), user_id)
    WHERE json_extract(attributes, '$.preferred_username') IS NOT NULL;
CREATE INDEX users_by_phone_number ON users (pool_id, json_extract(attributes, '$.phone_number'), user_id)
    WHERE json_extract(attributes, '$.phone_number') IS NOT NULL;
