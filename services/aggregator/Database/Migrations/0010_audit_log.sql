-- Audit trail of sensitive operations (dead-letter replay, admin reads of tenant data, API key failures, metadata
-- changes, archive restores). Append-only: the trigger below refuses every UPDATE and TRUNCATE, and every DELETE but
-- the retention job's, which sets logdapr.audit_retention for its own transaction only. The app connects as the
-- schema's owner (one role for the binding and the reads), so a REVOKE would not bind it; the trigger does, for every
-- statement the app or a person runs through it. A role that may drop triggers can still erase the table: keep that
-- role out of the app (the README's Audit section says so).
-- No column holds a request body, a key or a hash of one; the bounds keep a hostile query string from growing a row.
CREATE TABLE IF NOT EXISTS {schema}.audit_log (
    id             bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at             timestamptz NOT NULL DEFAULT clock_timestamp(),
    actor          text        NOT NULL CHECK (char_length(actor) BETWEEN 1 AND 1100),
    action         text        NOT NULL CHECK (char_length(action) BETWEEN 1 AND 64),
    tenant_id      text        CHECK (char_length(tenant_id) <= 1024),
    resource       text        CHECK (char_length(resource) <= 1100),
    remote_address text        CHECK (char_length(remote_address) <= 64),
    outcome        text        NOT NULL CHECK (outcome IN ('success', 'denied', 'failed')),
    status_code    integer     NOT NULL CHECK (status_code BETWEEN 100 AND 599),
    suppressed     integer     NOT NULL DEFAULT 0 CHECK (suppressed >= 0)
);

CREATE INDEX IF NOT EXISTS audit_log_at_idx ON {schema}.audit_log (at);

CREATE OR REPLACE FUNCTION {schema}.audit_log_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' AND current_setting('logdapr.audit_retention', true) = 'on' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'audit_log is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON {schema}.audit_log
    FOR EACH ROW EXECUTE FUNCTION {schema}.audit_log_append_only();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON {schema}.audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION {schema}.audit_log_append_only();
