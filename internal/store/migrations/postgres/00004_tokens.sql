-- +goose Up
-- API tokens get a name, the time they were last used, and an expiry.
-- Tokens made before this have 90 days from the upgrade.
ALTER TABLE api_tokens
    ADD COLUMN name TEXT NOT NULL DEFAULT '',
    ADD COLUMN last_used_at TIMESTAMPTZ,
    ADD COLUMN expires_at TIMESTAMPTZ;
UPDATE api_tokens SET expires_at = now() + interval '90 days';
CREATE INDEX api_tokens_user_idx ON api_tokens (user_id);

-- +goose Down
DROP INDEX api_tokens_user_idx;
ALTER TABLE api_tokens DROP COLUMN expires_at, DROP COLUMN last_used_at, DROP COLUMN name;
