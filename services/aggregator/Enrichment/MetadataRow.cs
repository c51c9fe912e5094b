using LogDapr.Processing.Enrichment;

namespace LogDapr.Aggregator.Enrichment;

/// <summary>One row of <c>enrichment_metadata</c>.</summary>
public sealed record MetadataRow(MetadataKey Key, IReadOnlyDictionary<string, string> Attributes, DateTimeOffset UpdatedAt);
