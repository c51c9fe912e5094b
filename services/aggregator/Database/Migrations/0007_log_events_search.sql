-- The indexes of the store's search, context and tail queries (services/aggregator/Store/Search, Store/Tail).
-- Every one is created on the partitioned table, so each daily partition (and the default one) gets its own and
-- partitions created later inherit it. Each query always names a tenant and an event_day range, so the planner
-- prunes to the days asked for and then uses the index below that fits the filters.

-- GET /v1/logs with only tenant and time (and GET /v1/logs/{id} context's ordering): newest first,
--   WHERE tenant_id = $1 AND event_day BETWEEN .. AND ts >= $from AND ts < $to [AND (ts, event_id) < ($cts, $cid)]
--   ORDER BY ts DESC, event_id DESC LIMIT n
-- reads the first n index entries of each partition in order (a Merge Append), however large the window; the
-- keyset cursor is a range condition on the same index, so page 100 costs what page 1 costs.
CREATE INDEX IF NOT EXISTS log_events_tenant_ts_idx
    ON {schema}.log_events (tenant_id, ts DESC, event_id DESC);

-- service=... (the most common filter, and GET /v1/logs/context's "same service"): the same order within a
-- service, so a quiet service's page does not walk past every other service's newer lines.
CREATE INDEX IF NOT EXISTS log_events_tenant_service_ts_idx
    ON {schema}.log_events (tenant_id, service, ts DESC, event_id DESC);

-- trace_id=...: a point lookup across the whole retention (trace_id lifts the window bound), a few rows per
-- partition. Partial: most events carry no trace id and cost nothing here.
CREATE INDEX IF NOT EXISTS log_events_trace_idx
    ON {schema}.log_events (tenant_id, trace_id) WHERE trace_id IS NOT NULL;

-- q=... : to_tsvector('simple', left(message, 32768)) @@ websearch_to_tsquery('simple', $q). 'simple' does no
-- stemming and drops no stop words: log text (ids, codes, paths) is searched as written, in any language.
-- left(message, 32768): a tsvector cannot exceed 1 MB, and to_tsvector of a message near the ingest maximum
-- (16 MiB widest) would fail the INSERT and dead-letter the event; 32768 characters (the default
-- Ingest:MaxMessageBytes) keep every index entry far below that limit. The search uses the very same expression.
CREATE INDEX IF NOT EXISTS log_events_message_fts_idx
    ON {schema}.log_events USING gin (to_tsvector('simple', left(message, 32768)));

-- attr.<key>=<value>: attributes @> $json (one containment test for all attr filters); jsonb_path_ops indexes
-- key/value paths as hashes, smaller and faster than the default jsonb_ops for @>, the only operator used.
CREATE INDEX IF NOT EXISTS log_events_attributes_idx
    ON {schema}.log_events USING gin (attributes jsonb_path_ops);

-- GET /v1/logs/tail: rows stored since the last poll, WHERE tenant_id = $1 AND stored_at > $since ORDER BY
-- stored_at, on the recent days only (event_day >= yesterday).
CREATE INDEX IF NOT EXISTS log_events_tenant_stored_idx
    ON {schema}.log_events (tenant_id, stored_at);
