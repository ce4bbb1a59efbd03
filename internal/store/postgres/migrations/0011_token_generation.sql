-- A client's token generation (store.Client.TokenGen): a revocation, a
-- new secret or new scopes move it on, and a token issued under an older
-- one is refused. It makes the end of a client's tokens one write to the
-- client, however and wherever its tokens are stored.
ALTER TABLE oauth_clients ADD COLUMN token_gen BIGINT NOT NULL DEFAULT 0;
ALTER TABLE oauth_tokens ADD COLUMN client_gen BIGINT NOT NULL DEFAULT 0;
