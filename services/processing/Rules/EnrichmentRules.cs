namespace LogDapr.Processing.Rules;

/// <summary>The <c>enrichment</c> section: which metadata is added to events.</summary>
public sealed record EnrichmentRules(bool Hosts, bool Services)
{
    public static EnrichmentRules None { get; } = new(false, false);

    public bool Any => Hosts || Services;
}
