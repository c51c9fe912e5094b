-- The dedup key is the CloudEvent id alone, a pure function of the message. Until now processed_messages was
-- partitioned by the day of the CloudEvent time (or the arrival clock without one), and the key held that day: a
-- redelivery across midnight without time, a replay without time, or a republish of the same id with a new time
-- was counted twice. From here on:
--   * a message id is looked up in every retained partition (index on message_id);
--   * rows are partitioned by the day the id was FIRST SEEN, by the database clock (UTC); existing rows keep
--     their partitions, so ids counted before this migration keep deduplicating until their partition ages out;
--   * the write is one call of count_messages per delivery, which serialises concurrent deliveries of one id.
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM information_schema.columns
               WHERE table_schema = '{schema}' AND table_name = 'processed_messages' AND column_name = 'message_day') THEN
        ALTER TABLE {schema}.processed_messages RENAME COLUMN message_day TO first_seen_day;
    END IF;
END
$$;

ALTER TABLE {schema}.processed_messages ALTER COLUMN first_seen_day SET DEFAULT ((now() AT TIME ZONE 'UTC')::date);
CREATE INDEX IF NOT EXISTS processed_messages_message_id_idx ON {schema}.processed_messages (message_id);

-- Distinct series (log_counts rows other than the overflow series) per tenant and bucket, for the cardinality limit.
CREATE TABLE IF NOT EXISTS {schema}.bucket_series (
    tenant_id    text        NOT NULL,
    bucket_start timestamptz NOT NULL,
    series       integer     NOT NULL CHECK (series >= 0),
    PRIMARY KEY (tenant_id, bucket_start)
);

INSERT INTO {schema}.bucket_series (tenant_id, bucket_start, series)
SELECT tenant_id, bucket_start, count(*) FROM {schema}.log_counts WHERE service <> '__overflow__' GROUP BY 1, 2
ON CONFLICT (tenant_id, bucket_start) DO UPDATE SET series = EXCLUDED.series;

-- Counts one delivery exactly once. batch: [{"id", "events", "counts": [[tenant, service, bucket, severity, n], ..]}, ..]
-- with distinct ids. Returns the number of events counted for the first time.
--
-- Why a function and several statements: under READ COMMITTED one statement's snapshot cannot see a transaction
-- that commits while it runs, so two deliveries of one id racing in one statement could both find it absent when
-- the ids land in different partitions (no unique index spans partitions). Here each id's advisory lock is taken
-- first (sorted, so two deliveries never wait on each other in a cycle), and the lookup runs in a LATER statement,
-- whose fresh snapshot sees every transaction that held the lock before.
--
-- series_limit caps the distinct series (service x severity) a tenant creates per bucket: the events of a series
-- that would exceed it are counted under service '__overflow__' (same tenant, bucket and severity). Which series
-- overflow is decided once, when the message is first counted, under a lock per tenant and bucket, so
-- redeliveries and concurrent deliveries cannot change it.
--
-- seen_day stands in for the database clock's day only in tests of the partition boundary.
CREATE OR REPLACE FUNCTION {schema}.count_messages(batch jsonb, series_limit integer, seen_day date DEFAULT NULL)
RETURNS bigint
LANGUAGE plpgsql
AS $fn$
DECLARE
    lock_key    bigint;
    lock_tenant integer;
    lock_bucket integer;
    fresh_ids   text[];
    added       bigint;
BEGIN
    FOR lock_key IN
        SELECT DISTINCT hashtextextended(m->>'id', 0) FROM jsonb_array_elements(batch) AS m ORDER BY 1
    LOOP
        PERFORM pg_advisory_xact_lock(lock_key);
    END LOOP;

    WITH inserted AS (
        INSERT INTO {schema}.processed_messages (first_seen_day, message_id, event_count)
        SELECT coalesce(seen_day, (now() AT TIME ZONE 'UTC')::date), m->>'id', (m->>'events')::integer
        FROM jsonb_array_elements(batch) AS m
        WHERE NOT EXISTS (SELECT 1 FROM {schema}.processed_messages p WHERE p.message_id = m->>'id')
        ORDER BY m->>'id'
        ON CONFLICT DO NOTHING
        RETURNING message_id
    )
    SELECT coalesce(array_agg(message_id), '{}') INTO fresh_ids FROM inserted;

    IF cardinality(fresh_ids) = 0 THEN
        RETURN 0;
    END IF;

    -- Only a series that does not exist yet can change a bucket's cardinality (rows are never deleted), so only
    -- the tenants and buckets of such series are locked; the next statement checks again with a fresh snapshot.
    -- The two-key form keeps these locks apart from the id locks above (a separate key space).
    FOR lock_tenant, lock_bucket IN
        SELECT DISTINCT hashtext(c->>0), hashtext(c->>2)
        FROM jsonb_array_elements(batch) AS m
        JOIN unnest(fresh_ids) AS f(id) ON f.id = m->>'id'
        CROSS JOIN LATERAL jsonb_array_elements(m->'counts') AS c
        WHERE NOT EXISTS (SELECT 1 FROM {schema}.log_counts lc
                          WHERE lc.tenant_id = c->>0 AND lc.service = c->>1
                            AND lc.bucket_start = (c->>2)::timestamptz AND lc.severity = c->>3)
        ORDER BY 1, 2
    LOOP
        PERFORM pg_advisory_xact_lock(lock_tenant, lock_bucket);
    END LOOP;

    WITH msgs AS (
        SELECT m->>'id' AS id, (m->>'events')::bigint AS events, m->'counts' AS counts
        FROM jsonb_array_elements(batch) AS m
        JOIN unnest(fresh_ids) AS f(id) ON f.id = m->>'id'
    ), counted AS (
        SELECT c->>0 AS tenant_id, c->>1 AS service, (c->>2)::timestamptz AS bucket_start, c->>3 AS severity,
               sum((c->>4)::bigint) AS n
        FROM msgs CROSS JOIN LATERAL jsonb_array_elements(msgs.counts) AS c
        GROUP BY 1, 2, 3, 4
    ), known AS (
        SELECT counted.*, (lc.tenant_id IS NOT NULL OR counted.service = '__overflow__') AS present
        FROM counted
        LEFT JOIN {schema}.log_counts lc
          ON lc.tenant_id = counted.tenant_id AND lc.service = counted.service
         AND lc.bucket_start = counted.bucket_start AND lc.severity = counted.severity
    ), ranked AS (
        SELECT known.*,
               count(*) FILTER (WHERE NOT known.present) OVER (
                   PARTITION BY known.tenant_id, known.bucket_start ORDER BY known.service, known.severity
                   ROWS UNBOUNDED PRECEDING) AS rank_new,
               coalesce(bs.series, 0) AS existing
        FROM known
        LEFT JOIN {schema}.bucket_series bs ON bs.tenant_id = known.tenant_id AND bs.bucket_start = known.bucket_start
    ), limited AS (
        SELECT tenant_id, bucket_start, severity, n,
               CASE WHEN NOT present AND existing + rank_new > series_limit THEN '__overflow__' ELSE service END AS service,
               (NOT present AND existing + rank_new <= series_limit) AS new_series
        FROM ranked
    ), written AS (
        INSERT INTO {schema}.log_counts AS lc (tenant_id, service, bucket_start, severity, event_count)
        SELECT tenant_id, service, bucket_start, severity, sum(n) FROM limited
        GROUP BY 1, 2, 3, 4
        ORDER BY 1, 2, 3, 4
        ON CONFLICT (tenant_id, service, bucket_start, severity)
        DO UPDATE SET event_count = lc.event_count + EXCLUDED.event_count, updated_at = now()
    ), series AS (
        INSERT INTO {schema}.bucket_series AS bs (tenant_id, bucket_start, series)
        SELECT tenant_id, bucket_start, count(*) FROM limited WHERE new_series
        GROUP BY 1, 2
        ORDER BY 1, 2
        ON CONFLICT (tenant_id, bucket_start) DO UPDATE SET series = bs.series + EXCLUDED.series
    )
    SELECT coalesce(sum(events), 0) INTO added FROM msgs;

    RETURN added;
END
$fn$;
