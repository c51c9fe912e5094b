-- The overflow series (events of series beyond a tenant's per-bucket limit) are few; this partial index lets the
-- aggregator sum them for its metrics without scanning log_counts.
CREATE INDEX IF NOT EXISTS log_counts_overflow_idx ON {schema}.log_counts (bucket_start) WHERE service = '__overflow__';
