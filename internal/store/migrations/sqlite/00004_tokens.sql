-- +goose Up
-- API tokens get a name, the time they were last used, and an expiry.
-- Tokens made before this have 90 days from the upgrade.
ALTER TABLE api_tokens ADD COLUMN name TEXT NOT NULL DEFAULT '';
ALTER TABLE api_tokens ADD COLUMN last_used_at TIMESTAMP;
ALTER TABLE api_tokens ADD COLUMN expires_at TIMESTAMP;
UPDATE api_tokens SET expires_at = strftime('%Y-%m-%d %H:%M:%f', 'now', '+90 days');
CREATE INDEX api_tokens_user_idx ON api_tokens (user_id);

-- +goose Down
DROP INDEX api_tokens_user_idx;
ALTER TABLE api_tokens DROP COLUMN expires_at;
ALTER TABLE api_tokens DROP COLUMN last_used_at;
ALTER TABLE api_tokens DROP COLUMN name;
