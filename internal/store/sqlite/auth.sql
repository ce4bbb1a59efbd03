-- The tokens' file, beside the main one (sqlite.AuthPath): what the token
-- endpoint writes, kept out of the main file so that a token can be issued
-- while an import holds that file's one write lock. Both tables are
-- short-lived (tokens for their lifetime, failures for the throttling
-- window): a lost file costs every client one new token request.
-- Tokens are known by the SHA-256 of their value, never stored in clear.
CREATE TABLE IF NOT EXISTS oauth_tokens (
    token_hash   TEXT PRIMARY KEY,
    client_id    TEXT NOT NULL,
    scopes       TEXT NOT NULL,
    issued_at    TEXT NOT NULL,
    expires_at   TEXT NOT NULL,
    client_gen   INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX IF NOT EXISTS oauth_tokens_expiry ON oauth_tokens (expires_at);
CREATE INDEX IF NOT EXISTS oauth_tokens_client ON oauth_tokens (client_id);

-- Failed token requests by throttling key (auth: "client:<id> addr:<ip>"
-- or "addr:<ip>"), shared by every serve process on this file.
CREATE TABLE IF NOT EXISTS auth_failures (
    key  TEXT NOT NULL,
    at   TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS auth_failures_key ON auth_failures (key, at);
CREATE INDEX IF NOT EXISTS auth_failures_at ON auth_failures (at);
