-- OAuth 2.0 clients and their tokens. Secrets and tokens are never stored:
-- a client's secret as an argon2id hash (PHC string), a token as the
-- SHA-256 of its value, so a copy of the database grants nothing.
CREATE TABLE oauth_clients (
    client_id    TEXT PRIMARY KEY,
    name         TEXT NOT NULL,
    secret_hash  TEXT NOT NULL,
    scopes       TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    rotated_at   TEXT NOT NULL DEFAULT '',
    revoked_at   TEXT NOT NULL DEFAULT ''
);

CREATE TABLE oauth_tokens (
    token_hash   TEXT PRIMARY KEY,
    client_id    TEXT NOT NULL,
    scopes       TEXT NOT NULL,
    issued_at    TEXT NOT NULL,
    expires_at   TEXT NOT NULL
);
CREATE INDEX oauth_tokens_expiry ON oauth_tokens (expires_at);
CREATE INDEX oauth_tokens_client ON oauth_tokens (client_id);

-- Failed token requests, per key ("client:<id>" or "addr:<ip>"), kept for
-- the throttling window; shared by every serve process.
CREATE TABLE auth_failures (
    key  TEXT NOT NULL,
    at   TEXT NOT NULL
);
CREATE INDEX auth_failures_key ON auth_failures (key, at);
CREATE INDEX auth_failures_at ON auth_failures (at);
