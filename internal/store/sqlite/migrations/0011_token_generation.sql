-- A client's token generation (store.Client.TokenGen): a revocation, a
-- new secret or new scopes move it on, and a token issued under an older
-- one is refused.
--
-- Tokens and failed token requests move to a file of their own beside
-- this one (auth.sql, sqlite.Open): the token endpoint must write while
-- an import holds this file's one write lock. Tokens issued before the
-- upgrade are forgotten; their clients ask for new ones.
ALTER TABLE oauth_clients ADD COLUMN token_gen INTEGER NOT NULL DEFAULT 0;
DROP TABLE oauth_tokens;
DROP TABLE auth_failures;
