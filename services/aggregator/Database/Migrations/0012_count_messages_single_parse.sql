-- count_messages (0004) made cheaper, same contract and the same locks. Measured on a private PostgreSQL with
-- pgbench (loadtest/microbench/sql/count-statement.sh): the 0004 body walked the JSON document four times, took its
-- id locks one PERFORM per id, and looked up log_counts once per (message, series) row before grouping. Here:
--   * the document is read once (jsonb_to_recordset) into arrays; every later statement unnests the arrays;
--   * the id locks are taken in one statement, still in key order (a sorted subquery, evaluated row by row), so
--     two deliveries still never wait on each other in a cycle;
--   * the insert returns the new ids with their event counts, so the events added need no second join;
--   * when every id is new (the common case) the counts are not filtered by id at all;
--   * the counts are grouped per series BEFORE log_counts is probed, so a delivery of 100 messages over 10 series
--     probes 10 rows, not 200.
-- Exactly-once is unchanged: the id lookup still runs in a statement after every id lock is held (a fresh snapshot
-- sees every transaction that held the lock before), and the tenant/bucket locks use the same keys as 0004
-- (hashtext of the tenant and of the bucket as sent), so the cardinality decision is serialised as before.
CREATE OR REPLACE FUNCTION {schema}.count_messages(batch jsonb, series_limit integer, seen_day date DEFAULT NULL)
RETURNS bigint
LANGUAGE plpgsql
AS $fn$
DECLARE
    ids          text[];
    events       integer[];
    counts       jsonb[];
    fresh_ids    text[];
    added        bigint;
    tenants      text[];
    services     text[];
    bucket_texts text[];
    buckets      timestamptz[];
    severities   text[];
    ns           bigint[];
    series_rows  bigint;
BEGIN
    -- The three aggregates consume the same rows in the same order, so position i is one message in all three.
    SELECT array_agg(m.id), array_agg(m.events), array_agg(m.counts)
      INTO ids, events, counts
    FROM jsonb_to_recordset(batch) AS m(id text, events integer, counts jsonb);

    PERFORM pg_advisory_xact_lock(s.k)
    FROM (SELECT DISTINCT hashtextextended(u.id, 0) AS k FROM unnest(ids) AS u(id) ORDER BY 1) AS s;

    WITH inserted AS (
        INSERT INTO {schema}.processed_messages (first_seen_day, message_id, event_count)
        SELECT coalesce(seen_day, (now() AT TIME ZONE 'UTC')::date), u.id, u.events
        FROM unnest(ids, events) AS u(id, events)
        WHERE NOT EXISTS (SELECT 1 FROM {schema}.processed_messages p WHERE p.message_id = u.id)
        ORDER BY u.id
        ON CONFLICT DO NOTHING
        RETURNING message_id, event_count
    )
    SELECT array_agg(message_id), sum(event_count) INTO fresh_ids, added FROM inserted;

    IF fresh_ids IS NULL THEN
        RETURN 0;
    END IF;

    -- Grouped by the bucket as sent (the lock key below is its text, as in 0004); the write regroups by instant.
    SELECT array_agg(g.tenant_id), array_agg(g.service), array_agg(g.bucket_text), array_agg(g.bucket_text::timestamptz),
           array_agg(g.severity), array_agg(g.n)
      INTO tenants, services, bucket_texts, buckets, severities, ns
    FROM (
        SELECT c->>0 AS tenant_id, c->>1 AS service, c->>2 AS bucket_text, c->>3 AS severity, sum((c->>4)::bigint) AS n
        FROM unnest(ids, counts) AS u(id, counts)
        CROSS JOIN LATERAL jsonb_array_elements(u.counts) AS c
        WHERE cardinality(fresh_ids) = cardinality(ids) OR u.id = ANY (fresh_ids)
        GROUP BY 1, 2, 3, 4
    ) AS g;

    -- Only a series that does not exist yet can change a bucket's cardinality (rows are never deleted), so only
    -- the tenants and buckets of such series are locked; the next statement checks again with a fresh snapshot.
    PERFORM pg_advisory_xact_lock(s.t, s.b)
    FROM (SELECT DISTINCT hashtext(u.tenant_id) AS t, hashtext(u.bucket_text) AS b
          FROM unnest(tenants, services, bucket_texts, buckets, severities)
               AS u(tenant_id, service, bucket_text, bucket_start, severity)
          WHERE NOT EXISTS (SELECT 1 FROM {schema}.log_counts lc
                            WHERE lc.tenant_id = u.tenant_id AND lc.service = u.service
                              AND lc.bucket_start = u.bucket_start AND lc.severity = u.severity)
          ORDER BY 1, 2) AS s;

    WITH counted AS (
        SELECT u.tenant_id, u.service, u.bucket_start, u.severity, sum(u.n) AS n
        FROM unnest(tenants, services, buckets, severities, ns) AS u(tenant_id, service, bucket_start, severity, n)
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
    SELECT count(*) INTO series_rows FROM counted;

    RETURN added;
END
$fn$;
