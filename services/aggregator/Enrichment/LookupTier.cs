namespace LogDapr.Aggregator.Enrichment;

/// <summary>The tiers of a lookup, as the metrics' <c>tier</c> label names them.</summary>
public static class LookupTier
{
    public const string Memory = "memory";
    public const string StateStore = "state_store";
    public const string Postgres = "postgres";
}
