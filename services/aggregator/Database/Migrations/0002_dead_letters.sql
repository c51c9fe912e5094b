-- Messages the aggregator could not process, kept for inspection and replay.
CREATE TABLE IF NOT EXISTS {schema}.dead_letters (
    id               bigint      GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    message_id       text        NOT NULL UNIQUE,
    topic            text,
    payload          text        NOT NULL,
    reason           text        NOT NULL,
    first_seen       timestamptz NOT NULL DEFAULT now(),
    last_seen        timestamptz NOT NULL DEFAULT now(),
    attempts         integer     NOT NULL DEFAULT 1,
    replay_count     integer     NOT NULL DEFAULT 0,
    last_replayed_at timestamptz
);

CREATE INDEX IF NOT EXISTS dead_letters_last_seen_idx ON {schema}.dead_letters (last_seen DESC);
