namespace LogDapr.Processing.Enrichment;

/// <summary>What metadata describes: the host an event came from, or the service that wrote it.</summary>
public enum MetadataKind
{
    Host,
    Service,
}

/// <summary>One row of enrichment metadata is looked up by kind and name (a host name or a service name).</summary>
public readonly record struct MetadataKey(MetadataKind Kind, string Name);
