-- A client's data-sharing rules (issue 16): the properties it never
-- receives, as space-separated "entity.property" paths or whole entities
-- ("user.phone demographics"); '' hides nothing. Token lookups read it
-- with the token, so a change takes effect as a revocation does.
ALTER TABLE oauth_clients ADD COLUMN hide TEXT NOT NULL DEFAULT '';
