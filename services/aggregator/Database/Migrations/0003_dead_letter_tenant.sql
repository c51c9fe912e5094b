-- The tenant a dead letter belongs to, when its events name exactly one, so tenant keys see only their own.
ALTER TABLE {schema}.dead_letters ADD COLUMN IF NOT EXISTS tenant_id text;
CREATE INDEX IF NOT EXISTS dead_letters_tenant_idx ON {schema}.dead_letters (tenant_id, id DESC);
