-- A client's data-sharing rules (issue 16), read with each of its tokens
-- so that a change takes effect as a revocation does:
--   hide: the properties it never receives, as space-separated
--         "entity.property" paths or whole entities ("user.phone
--         demographics"); '' hides nothing;
--   orgs: the orgs whose data it sees (with every org below them), as
--         space-separated sourcedIds; '' is every org.
ALTER TABLE oauth_clients ADD COLUMN hide TEXT NOT NULL DEFAULT '';
ALTER TABLE oauth_clients ADD COLUMN orgs TEXT NOT NULL DEFAULT '';
