-- A client's data-sharing rules (issue 16), read with each of its tokens
-- so that a change takes effect as a revocation does:
--   hide: the properties it never receives, as space-separated
--         "entity.property" paths or whole entities ("user.phone
--         demographics"); '' hides nothing;
--   orgs: the orgs whose data it sees (with every org below them), as
--         space-separated sourcedIds; '' is every org.
ALTER TABLE oauth_clients ADD COLUMN hide TEXT NOT NULL DEFAULT '';
ALTER TABLE oauth_clients ADD COLUMN orgs TEXT NOT NULL DEFAULT '';

-- What each client read, by hour (UTC, "2026-12-04T09"), for clients list:
-- counted in memory by each serve process and added here in batches.
-- Rows older than 31 days are dropped as new ones come.
CREATE TABLE client_usage (
    client_id  TEXT NOT NULL,
    hour       TEXT NOT NULL,
    requests   BIGINT NOT NULL DEFAULT 0,
    records    BIGINT NOT NULL DEFAULT 0,
    last_used  TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (client_id, hour)
);
