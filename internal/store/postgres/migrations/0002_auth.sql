-- OAuth 2.0 clients and their tokens. Secrets and tokens are never stored:
-- a client's secret as an argon2id hash (PHC string), a token as the
-- SHA-256 of its value, so a copy of the database grants nothing.
CREATE TABLE oauth_clients (
    client_id    TEXT COLLATE "C" PRIMARY KEY,
    name         TEXT COLLATE "C" NOT NULL,
    secret_hash  TEXT COLLATE "C" NOT NULL,
    scopes       TEXT COLLATE "C" NOT NULL,
    created_at   TEXT COLLATE "C" NOT NULL,
    rotated_at   TEXT COLLATE "C" NOT NULL DEFAULT '',
    revoked_at   TEXT COLLATE "C" NOT NULL DEFAULT ''
);

CREATE TABLE oauth_tokens (
    token_hash   TEXT COLLATE "C" PRIMARY KEY,
    client_id    TEXT COLLATE "C" NOT NULL,
    scopes       TEXT COLLATE "C" NOT NULL,
    issued_at    TEXT COLLATE "C" NOT NULL,
    expires_at   TEXT COLLATE "C" NOT NULL
);
CREATE INDEX oauth_tokens_expiry ON oauth_tokens (expires_at);
CREATE INDEX oauth_tokens_client ON oauth_tokens (client_id);

-- Failed token requests, per key ("client:<id>" or "addr:<ip>"), kept for
-- the throttling window; shared by every serve process.
CREATE TABLE auth_failures (
    key  TEXT COLLATE "C" NOT NULL,
    at   TEXT COLLATE "C" NOT NULL
);
CREATE INDEX auth_failures_key ON auth_failures (key, at);
CREATE INDEX auth_failures_at ON auth_failures (at);
