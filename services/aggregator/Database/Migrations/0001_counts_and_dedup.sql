-- Per-minute (bucket) counts, and the ids of every message already counted.
-- Both are written by one statement per delivery, so a message is counted exactly once.
CREATE TABLE IF NOT EXISTS {schema}.log_counts (
    tenant_id    text        NOT NULL,
    service      text        NOT NULL,
    bucket_start timestamptz NOT NULL,
    severity     text        NOT NULL,
    event_count  bigint      NOT NULL CHECK (event_count >= 0),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, service, bucket_start, severity)
);

CREATE INDEX IF NOT EXISTS log_counts_bucket_idx ON {schema}.log_counts (bucket_start);

-- Partitioned by the day of the message's CloudEvent time (stable across redeliveries), so retention
-- drops whole partitions instead of deleting rows.
CREATE TABLE IF NOT EXISTS {schema}.processed_messages (
    message_day  date        NOT NULL,
    message_id   text        NOT NULL,
    event_count  integer     NOT NULL,
    processed_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (message_day, message_id)
) PARTITION BY RANGE (message_day);

-- Messages whose day has no partition yet (clock skew, foreign producers) land here; maintenance trims it by age.
CREATE TABLE IF NOT EXISTS {schema}.processed_messages_default
    PARTITION OF {schema}.processed_messages DEFAULT;
