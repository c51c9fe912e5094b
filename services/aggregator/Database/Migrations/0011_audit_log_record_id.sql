-- Records that arrive over the audit topic (ingest's API key failures) carry their own id, the CloudEvent id: a
-- message the broker delivers twice must store one row. Records written here directly have none (NULL, and NULLs
-- never conflict in a unique index).
ALTER TABLE {schema}.audit_log ADD COLUMN IF NOT EXISTS record_id uuid;
CREATE UNIQUE INDEX IF NOT EXISTS audit_log_record_id_idx ON {schema}.audit_log (record_id);
