-- Every accepted event, kept for search, tail and archive (the store role writes it through the Postgres binding).
--
-- Exactly once: the key is (tenant_id, event_day, event_id) and every write is INSERT ... ON CONFLICT DO NOTHING.
-- A redelivered or replayed message carries the same events with the same timestamps, hence the same day and the
-- same partition, so the partition's unique index de-duplicates it without the cross-partition locks the counts
-- need (their key, the message id, says nothing about the day).
--
-- event_day is the UTC day of the event's own timestamp: retention and archive drop and export whole days.
-- Daily partitions log_events_pYYYYMMDD are created ahead by the store's maintenance; an event whose day has no
-- partition (far past or future timestamps) lands in the default partition, which maintenance empties into a day
-- partition when it creates one and retention trims by row.
CREATE TABLE IF NOT EXISTS {schema}.log_events (
    tenant_id   text        NOT NULL,
    event_day   date        NOT NULL,
    event_id    text        NOT NULL,
    ts          timestamptz NOT NULL,
    received_at timestamptz NOT NULL,
    stored_at   timestamptz NOT NULL DEFAULT clock_timestamp(),
    service     text        NOT NULL,
    severity    smallint    NOT NULL CHECK (severity BETWEEN 1 AND 6),
    host        text,
    message     text        NOT NULL,
    attributes  jsonb       NOT NULL DEFAULT '{}'::jsonb,
    trace_id    text,
    span_id     text,
    message_id  text        NOT NULL,
    PRIMARY KEY (tenant_id, event_day, event_id)
) PARTITION BY RANGE (event_day);

CREATE TABLE IF NOT EXISTS {schema}.log_events_default
    PARTITION OF {schema}.log_events DEFAULT;
