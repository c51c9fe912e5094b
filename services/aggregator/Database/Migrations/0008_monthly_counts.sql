-- log_counts and bucket_series become partitioned by month of bucket_start (UTC), so retention drops whole months
-- instead of deleting rows; existing rows are kept (copied into their month's partition).
--
-- The primary key is reordered to (tenant_id, bucket_start, service, severity): it still holds the partition key, so
-- count_messages' ON CONFLICT (tenant_id, service, bucket_start, severity) infers it (the arbiter is matched by column
-- set, not order), and a tenant's buckets are now one key range, which per-tenant retention and tenant queries use.
-- Partitions log_counts_pYYYYMM / bucket_series_pYYYYMM are created by the counter's retention upkeep for every month
-- still retained and the next one; a bucket without its month lands in the _default partition, trimmed by row.
DO $$
DECLARE
    t     text;
    month timestamp;
BEGIN
    FOREACH t IN ARRAY ARRAY['log_counts', 'bucket_series'] LOOP
        IF EXISTS (SELECT 1 FROM pg_partitioned_table pt JOIN pg_class c ON c.oid = pt.partrelid
                   JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = '{schema}' AND c.relname = t) THEN
            CONTINUE;
        END IF;
        EXECUTE format('ALTER TABLE %I.%I RENAME TO %I', '{schema}', t, t || '_unpartitioned');
        EXECUTE format('ALTER TABLE %I.%I RENAME CONSTRAINT %I TO %I', '{schema}', t || '_unpartitioned', t || '_pkey', t || '_unpartitioned_pkey');
        IF t = 'log_counts' THEN
            DROP INDEX IF EXISTS {schema}.log_counts_bucket_idx;
            DROP INDEX IF EXISTS {schema}.log_counts_overflow_idx;
            CREATE TABLE {schema}.log_counts (
                tenant_id    text        NOT NULL,
                service      text        NOT NULL,
                bucket_start timestamptz NOT NULL,
                severity     text        NOT NULL,
                event_count  bigint      NOT NULL CHECK (event_count >= 0),
                updated_at   timestamptz NOT NULL DEFAULT now(),
                PRIMARY KEY (tenant_id, bucket_start, service, severity)
            ) PARTITION BY RANGE (bucket_start);
        ELSE
            CREATE TABLE {schema}.bucket_series (
                tenant_id    text        NOT NULL,
                bucket_start timestamptz NOT NULL,
                series       integer     NOT NULL CHECK (series >= 0),
                PRIMARY KEY (tenant_id, bucket_start)
            ) PARTITION BY RANGE (bucket_start);
        END IF;
        EXECUTE format('CREATE TABLE %I.%I PARTITION OF %I.%I DEFAULT', '{schema}', t || '_default', '{schema}', t);
        FOR month IN EXECUTE format('SELECT DISTINCT date_trunc(''month'', bucket_start AT TIME ZONE ''UTC'') FROM %I.%I',
                                    '{schema}', t || '_unpartitioned') LOOP
            EXECUTE format('CREATE TABLE %I.%I PARTITION OF %I.%I FOR VALUES FROM (%L) TO (%L)',
                           '{schema}', t || '_p' || to_char(month, 'YYYYMM'), '{schema}', t,
                           to_char(month, 'YYYY-MM-DD') || ' 00:00:00+00',
                           to_char(month + interval '1 month', 'YYYY-MM-DD') || ' 00:00:00+00');
        END LOOP;
        EXECUTE format('INSERT INTO %I.%I SELECT * FROM %I.%I', '{schema}', t, '{schema}', t || '_unpartitioned');
        EXECUTE format('DROP TABLE %I.%I', '{schema}', t || '_unpartitioned');
    END LOOP;
END
$$;

CREATE INDEX IF NOT EXISTS log_counts_bucket_idx ON {schema}.log_counts (bucket_start);
CREATE INDEX IF NOT EXISTS log_counts_overflow_idx ON {schema}.log_counts (bucket_start) WHERE service = '__overflow__';
