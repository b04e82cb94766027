-- ListUsers at scale: every filterable attribute has an index, so a filter reads its page from
-- an index range however large the pool. Append-only: earlier migrations stay as released.

-- The attributes Cognito can search (docs/cognito-protocol.md §5.2), by the very expression the
-- store's queries use, in code-point order ("C") so that a prefix is a range. Partial: users
-- without the attribute take no room in its index. The user id last orders equal values, and
-- pages a prefix listing in value order.
CREATE INDEX users_by_name ON users
    (pool_id, ((attributes::jsonb ->> 'name') COLLATE "C"), user_id)
    WHERE ((attributes::jsonb ->> 'name') COLLATE "C") IS NOT NULL;
CREATE INDEX users_by_given_name ON users
    (pool_id, ((attributes::jsonb ->> 'given_name') COLLATE "C"), user_id)
    WHERE ((attributes::jsonb ->> 'given_name') COLLATE "C") IS NOT NULL;
CREATE INDEX users_by_family_name ON users
    (pool_id, ((attributes::jsonb ->> 'family_name') COLLATE "C"), user_id)
    WHERE ((attributes::jsonb ->> 'family_name') COLLATE "C") IS NOT NULL;
CREATE INDEX users_by_preferred_username ON users
    (pool_id, ((attributes::jsonb ->> 'preferred_username') COLLATE "C"), user_id)
    WHERE ((attributes::jsonb ->> 'preferred_username') COLLATE "C") IS NOT NULL;
CREATE INDEX users_by_phone_number ON users
    (pool_id, ((attributes::jsonb ->> 'phone_number') COLLATE "C"), user_id)
    WHERE ((attributes::jsonb ->> 'phone_number') COLLATE "C") IS NOT NULL;
