-- Enrichment metadata: attributes the processor adds to events of a host or a service ("host.<key>", "service.<key>").
-- Written through the binding by the query API (admin), read by the processor's lookup and the API. The bounds are
-- the API's; the checks keep a row written around the API from breaking the lookup. Names compare byte by byte
-- (COLLATE "C"), so the API's pages by name follow the primary key's order whatever the database's collation.
CREATE TABLE IF NOT EXISTS {schema}.enrichment_metadata (
    kind       text        NOT NULL CHECK (kind IN ('host', 'service')),
    name       text        COLLATE "C" NOT NULL CHECK (char_length(name) BETWEEN 1 AND 255),
    attributes jsonb       NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(attributes) = 'object'),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (kind, name)
);
