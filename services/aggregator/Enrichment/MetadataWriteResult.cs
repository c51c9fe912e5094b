namespace LogDapr.Aggregator.Enrichment;

/// <summary>What a write did to Postgres, and whether the state store entry of the key followed.</summary>
public enum MetadataWriteOutcome
{
    Created,
    Replaced,
    Deleted,
    NotFound,
}

/// <param name="StateStoreError">Set when Postgres changed but the state store entry could not be updated or removed.</param>
public sealed record MetadataWriteResult(MetadataWriteOutcome Outcome, string? StateStoreError);
