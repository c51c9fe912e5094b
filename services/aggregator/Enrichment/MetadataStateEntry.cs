using LogDapr.Processing.Enrichment;

namespace LogDapr.Aggregator.Enrichment;

/// <summary>
/// What the state store holds for one key (JSON through the Dapr SDK's serializer): the attributes, or that Postgres
/// has no row for the key (<see cref="Found"/> false), so a miss is answered by the second tier too.
/// </summary>
public sealed class MetadataStateEntry
{
    public bool Found { get; set; }

    public Dictionary<string, string>? Attributes { get; set; }

    /// <summary>The state store key: <c>enrichment|host|web-1</c>, <c>enrichment|service|api</c>.</summary>
    public static string Key(MetadataKey key) => $"enrichment|{MetadataKinds.Text(key.Kind)}|{key.Name}";

    public static MetadataStateEntry For(IReadOnlyDictionary<string, string>? attributes)
        => attributes is null ? new MetadataStateEntry { Found = false } : new MetadataStateEntry { Found = true, Attributes = new(attributes, StringComparer.Ordinal) };
}
